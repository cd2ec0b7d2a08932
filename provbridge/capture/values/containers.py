"""Builtin containers (and their subclasses, through the base methods): length, preview, hash."""

from __future__ import annotations

import hashlib
import itertools
from collections import deque
from typing import Any

import provbridge.capture.values.hashing as hashing
import provbridge.capture.values.limits as limits
import provbridge.capture.values.secrets as secrets
import provbridge.capture.values.text as text
from provbridge.capture.values.introspect import derives_any, short_name_of
from provbridge.capture.values.limits import Described

SEQ_BASES: tuple[type, ...] = (dict, list, tuple, set, frozenset, deque)
DICT_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
CONTAINER_TYPES = SEQ_BASES + DICT_VIEWS
_BRACKETS: dict[Any, str] = {list: "[]", tuple: "()", dict: "{}", set: "{}", frozenset: "{}", deque: "[]"}


def container_base(t: type) -> Any:
    """The builtin container class ``t`` derives from (dict views are their own base)."""
    return derives_any(t, CONTAINER_TYPES) or t


def _len(v: Any, base: Any) -> int:
    return int(base.__len__(v))  # the builtin's own __len__, never an override


def _items(v: Any, base: Any, count: int) -> list[Any]:
    if base is dict:
        return list(itertools.islice(dict.items(v), count))
    return list(itertools.islice(base.__iter__(v), count))


def previews(v: Any, t: type, depth: int) -> list[str]:
    """Display texts of the first PREVIEW_ITEMS items (``key: value`` for dicts; secret keys redacted)."""
    if depth > 2:
        return []
    base = container_base(t)
    out = []
    for item in _items(v, base, limits.PREVIEW_ITEMS):
        if base is dict:
            key, val = item
            shown = (
                secrets.REDACTED
                if secrets.redact_name(key)
                else text.clip(text.show(val, depth + 1, limits.PREVIEW_REPR_LIMIT), limits.PREVIEW_REPR_LIMIT)
            )
            entry = f"{text.clip(text.show(key, depth + 1, limits.PREVIEW_REPR_LIMIT), 20)}: {shown}"
        else:
            entry = text.show(item, depth + 1, limits.PREVIEW_REPR_LIMIT)
        out.append(text.clip(entry, limits.PREVIEW_REPR_LIMIT))
    return out


def container_repr(v: Any, t: type, depth: int, limit: int, shown_items: list[str] | None = None) -> str:
    """``list len=3 [1, 2, 3]``: type, length and as many previews as fit."""
    base = container_base(t)
    n = _len(v, base)
    pair = _BRACKETS.get(base, "()")
    head = f"{short_name_of(t)} len={n}"
    if depth > 2:
        return head
    if shown_items is None:
        shown_items = previews(v, t, depth)
    budget = max(limit, 20) - len(head) - 4
    shown: list[str] = []
    used = 0
    for entry in shown_items:
        if used + len(entry) + 2 > budget:
            break
        shown.append(entry)
        used += len(entry) + 2
    if len(shown) < n:
        shown.append(limits.ELLIPSIS)
    return f"{head} {pair[0]}{', '.join(shown)}{pair[1]}"


def holds_text(v: Any, t: type) -> bool:
    """True when a builtin container holds str/bytes among its first CONTAINER_HASH_ITEMS items (keys or
    values, one level deep)."""
    base = container_base(t)
    for item in _items(v, base, limits.CONTAINER_HASH_ITEMS):
        for part in item if base is dict else (item,):
            if type(part) in (str, bytes, bytearray):
                return True
    return False


def describe_container(v: Any, t: type, tn: str) -> Described:
    """A container: length, preview and (exact builtin types of scalar-like items only) a sha256."""
    base = container_base(t)
    n = _len(v, base)
    shown = previews(v, t, 0)
    summary: dict[str, Any] = {"kind": "container", "len": n, "preview": shown}
    exact = t is list or t is tuple or t is set or t is frozenset or t is dict
    if exact and n <= limits.CONTAINER_HASH_ITEMS:
        enc = hashing.canon(v, hashing.Budget())
        if enc is not None:
            summary["sha256"] = hashlib.sha256(enc).hexdigest()
            summary["hash_kind"] = "full"
    return tn, None, text.clip(container_repr(v, t, 0, limits.REPR_LIMIT, shown), limits.REPR_LIMIT), summary
