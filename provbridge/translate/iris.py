"""Instance IRIs: one namespace per trial UUID under a configurable base, and escaping of names into
local parts that are valid everywhere (XML NCName, PROV-N and Turtle prefixed names, IRIs)."""

from __future__ import annotations

import os
import re
from typing import Protocol
from urllib.parse import quote

DEFAULT_BASE = "https://w3id.org/provbridge/trial/{uuid}/"
BASE_ENV = "PROVBRIDGE_IRI_BASE"

_SAFE = re.compile(r"[A-Za-z0-9_]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def trial_namespace(uuid: str, base: str | None = None) -> str:
    """The namespace IRI of one trial: ``base`` (or ``$PROVBRIDGE_IRI_BASE``, or the default) with
    ``{uuid}`` filled in, or with the UUID and a slash appended when it has no ``{uuid}``."""
    template = base or os.environ.get(BASE_ENV) or DEFAULT_BASE
    if "{uuid}" in template:
        namespace = template.replace("{uuid}", uuid)
    else:
        namespace = template if template.endswith(("/", "#")) else template + "/"
        namespace += uuid + "/"
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", namespace):
        raise ValueError(f"not an absolute IRI: {namespace!r}")
    return namespace


def trial_prefix(uuid: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A short namespace prefix for a trial (``t`` + the UUID's first hex digits), unique among ``taken``."""
    digits = uuid.replace("-", "").lower()
    for size in (8, 12, 16, 32):
        prefix = "t" + digits[:size]
        if prefix not in taken:
            return prefix
    count = 1
    while f"t{digits}_{count}" in taken:
        count += 1
    return f"t{digits}_{count}"


def escape(name: str) -> str:
    """Escape a name (variable, scope, package...) into a local-name fragment.

    ASCII letters, digits and ``_`` are kept; every other character becomes ``.`` followed by the
    two upper-case hex digits of each of its UTF-8 bytes (``x y`` -> ``x.20y``, ``é`` -> ``.C3.A9``).
    Percent-escapes are avoided on purpose: ``%`` is not allowed in the XML QNames that PROV-XML
    uses for identifiers. The mapping is injective, and ``-`` never appears in its output, so ``-`` can
    separate escaped parts."""
    if _SAFE.fullmatch(name):
        return name
    return _UNSAFE.sub(lambda m: "".join(f".{b:02X}" for b in m.group().encode("utf-8")), name)


def file_iri(path: str) -> str:
    """The ``file:`` IRI of an absolute path, percent-encoded (spaces, ``#``, quotes, non-ASCII)."""
    return "file://" + quote(path if path.startswith("/") else "/" + path, safe="/-._~!$&()*+,;=:@")


def graph_iri(trial: HasUuid | str, base: str | None = None) -> str:
    """The named graph of a trial (or of the trial with this UUID): its bundle IRI (``<namespace>bundle``),
    as the exports write it and the query engines load it."""
    return trial_namespace(trial if isinstance(trial, str) else trial.uuid, base) + "bundle"


class HasUuid(Protocol):
    """Anything naming a trial by its UUID (a Trial, a pulled trial's description)."""

    @property
    def uuid(self) -> str: ...
