"""Removing credentials (URL userinfo, token-like query parameters, Authorization values) from text we show."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
# Query parameter names that carry a credential: token, access_token, api_key, password, sig, auth...
_SECRET_WORDS = ("token", "secret", "passw", "pwd", "apikey", "credential", "signature")
_SECRET_NAMES = {"key", "sig", "auth", "authorization", "pass", "code"}
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@")
_PARAM = re.compile(r"([?&;])([^=&;#\s]+)=([^&;#\s'\"<>),]*)")
_SCHEME = re.compile(r"(?i)\b(bearer|basic|token|digest|negotiate)(\s+)[A-Za-z0-9._~+/=:-]{4,}")
_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization|x-api-key|api-key|cookie)(\"?\s*[:=]\s*\"?)"
    r"(?:(?:bearer|basic|token|digest|negotiate)\s+)?[^\s\"',;}]+"
)
_SHAPES = re.compile(r"\b(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16})\b")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with credentials replaced by ``***``: the given ``secrets`` verbatim (at least 4
    characters), URL userinfo, values of token-like query parameters, Authorization-style header values,
    the word after Bearer/Basic, and well-known token shapes (``sk-``, ``ghp_``, AWS access keys)."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    text = _PARAM.sub(_param, text)
    text = _HEADER.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    text = _SCHEME.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    return _SHAPES.sub(MASK, text)


def _param(match: re.Match[str]) -> str:
    if secret_name(match.group(2)) and match.group(3):
        return f"{match.group(1)}{match.group(2)}={MASK}"
    return match.group(0)


def secret_name(name: str) -> bool:
    """Whether a query parameter called ``name`` carries a credential (``token``, ``access_token``,
    ``api_key``, ``X-Amz-Signature``, ``password``, ``sig``...)."""
    lower = name.lower()
    parts = set(re.split(r"[-_.]", lower))
    return (any(word in lower for word in _SECRET_WORDS) or bool(parts & _SECRET_NAMES)
            or lower.endswith(("apikey", "accesskey", "secretkey")))


def url_credentials(url: str) -> str | None:
    """What in ``url`` is a credential (``"user:password@"`` or ``"?token="``-like), or None."""
    parts = urlsplit(url)
    if parts.username or parts.password or "@" in parts.netloc:
        return "a user name or password"
    for name, _ in parse_qsl(parts.query, keep_blank_values=True):
        if secret_name(name):
            return f"a {name!r} query parameter"
    if parts.fragment and any(secret_name(k) for k, _ in parse_qsl(parts.fragment)):
        return "a token in the fragment"
    return None
