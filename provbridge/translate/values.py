"""Conversion of stored values to typed attribute values: exact scalars, clean text, UTC times."""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

INT32 = 2**31
INT64 = 2**63

# Characters XML 1.0 cannot carry (and that no PROV syntax should): C0 controls but tab, CR, LF;
# lone surrogates; U+FFFE/U+FFFF.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` with characters that XML 1.0 cannot carry replaced by U+FFFD, so every format agrees."""
    if text.isprintable() or _BAD_CHARS.search(text) is None:  # every bad character is unprintable
        return text
    return _BAD_CHARS.sub("\ufffd", text)


def scalar(type_name: str, value: Any) -> bool | int | float | str | None:
    """The exact Python scalar of a stored value, or None when it has none (containers, arrays...).

    ``type_name`` tells a stored bool from an int; integers too large for SQLite arrive as text; numpy
    and other scalar types are already plain Python values in the store."""
    if value is None or isinstance(value, (bytes, bytearray, memoryview)):
        return None
    if type_name == "bool":
        return bool(value)
    if type_name == "int" and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return clean_text(value)
    if type_name == "float" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return clean_text(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (int, float)):
        return value
    return None


def posix_time(seconds: float | None) -> datetime | None:
    """An aware UTC datetime from POSIX seconds."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc)


def xsd_integer_type(value: int) -> str:
    """The narrowest of xsd:int, xsd:long and xsd:integer that holds ``value`` (as ``prov`` types ints)."""
    if -INT32 <= value < INT32:
        return "xsd:int"
    if -INT64 <= value < INT64:
        return "xsd:long"
    return "xsd:integer"


def xsd_double_text(value: float) -> str:
    """The xsd:double lexical form of a float (INF, -INF, NaN for the non-finite values)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(value)


def xsd_datetime_text(value: datetime) -> str:
    """ISO 8601 text of an aware datetime, in UTC with a ``Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.astimezone(timezone.utc).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
