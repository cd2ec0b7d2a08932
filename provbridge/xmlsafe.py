"""Refusing XML that declares entities or an external DTD before any parser sees it (billion laughs, XXE)."""

from __future__ import annotations

import re
from typing import IO

from provbridge.errors import FormatError

PROLOG_LIMIT = 1 << 20  # bytes of prolog examined; a DOCTYPE that goes on longer is refused
_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")
_EXTERNAL = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)


def dtd_problem(head: bytes) -> str | None:
    """Why the XML document starting with ``head`` (its first bytes, at most PROLOG_LIMIT) is refused:
    it declares entities (which a parser would expand: "billion laughs", or read from files and URLs: XXE)
    or names an external DTD; None when it has no DOCTYPE or a harmless one."""
    text = _utf8(head)
    doctype = _DOCTYPE.search(text)
    if doctype is None:
        return None
    rest = text[doctype.start():]
    if b"<!ENTITY" in rest.upper():  # anywhere after the DOCTYPE: a quoted "<r>" cannot hide it
        return "it declares XML entities in its DOCTYPE (entity expansion is refused)"
    if _EXTERNAL.search(rest):
        return "it refers to an external DTD (refused)"
    if _ROOT.search(text, doctype.end()) is None and len(head) >= PROLOG_LIMIT:
        return "its DOCTYPE declaration is longer than 1 MB"
    return None


def check_xml(stream: IO[bytes], label: str) -> None:
    """Raise a one-line FormatError when the XML document in ``stream`` declares entities or an external
    DTD; the stream is left at its start."""
    position = stream.tell()
    head = stream.read(PROLOG_LIMIT)
    stream.seek(position)
    problem = dtd_problem(head)
    if problem:
        raise FormatError(f"{label}: {problem}; remove the DOCTYPE")


def looks_like_xml(head: bytes) -> bool:
    """Whether a document starts like XML (after a byte order mark and whitespace)."""
    return _utf8(head[:4096]).lstrip().startswith(b"<")


def _utf8(data: bytes) -> bytes:
    """UTF-16 text re-encoded as UTF-8 (a DOCTYPE hidden in another encoding is still found)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-16-le" if data[:2] == b"<\x00" else "utf-16-be")
        return data.decode(encoding, "ignore").encode("utf-8")
    return data.removeprefix(b"\xef\xbb\xbf")
