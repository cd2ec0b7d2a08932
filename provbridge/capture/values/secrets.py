"""Redaction of secrets: variable names that look secret and text shaped like a known credential."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

REDACTED = "<redacted>"
ENABLED = os.environ.get("PROVBRIDGE_REDACT", "1").strip().lower() not in ("0", "false", "no", "off")
"""Redaction is on unless ``PROVBRIDGE_REDACT=0`` (read once, when capture starts)."""

_SECRET_WORDS = frozenset(
    {
        "password", "passwd", "passphrase", "secret", "secrets", "token", "credential",
        "credentials", "creds", "auth", "authorization", "apikey", "bearer", "privatekey", "accesskey",
        "secretkey", "signingkey", "cookie", "sessionid", "otp",
    }
)
_KEY_QUALIFIERS = frozenset(
    {
        "api", "private", "secret", "access", "aws", "ssh", "signing", "encryption", "master", "license",
        "auth", "app", "client", "service", "account", "openai", "stripe", "github", "slack", "hf",
    }
)
_WORD_SPLIT = r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])"  # compiled (and cached by re) on first use
_name_cache: dict[str, bool] = {}


def secret_name(name: object) -> bool:
    """True when a variable, attribute or dict key name looks like it holds a secret: ``api_key``,
    ``GITHUB_TOKEN``, ``password``, ``client_secret``, ``authHeader``, ``DB_KEY`` (upper-case ``*_KEY``)."""
    if type(name) is bytes:
        name = name.decode("latin-1")
    if type(name) is not str or len(name) > 100:
        return False
    hit = _name_cache.get(name)
    if hit is not None:
        return hit
    words = [w.lower() for w in re.split(_WORD_SPLIT, name) if w]
    verdict = any(w in _SECRET_WORDS for w in words)
    if not verdict and len(words) >= 2 and words[-1] in ("key", "keys"):
        verdict = name.isupper() or words[-2] in _KEY_QUALIFIERS
    if len(_name_cache) < 10_000:
        _name_cache[name] = verdict
    return verdict


def _keep(group: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        return (m.group(group) or "") + REDACTED

    return repl


_ANY: Callable[[re.Match[str]], str] = lambda m: REDACTED  # noqa: E731

# (markers: a quick substring test, at least one must occur; re.compile arguments; replacement). Patterns are
# compiled when first needed, off the start-up path.
_RULES: tuple[tuple[tuple[str, ...], str | tuple[str, int], Callable[[re.Match[str]], str]], ...] = (
    (("://",), (r"(?P<keep>[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(?=@)"), _keep("keep")),
    (("=",), (
        r"(?P<keep>[?&;](?:access_token|refresh_token|id_token|token|api_key|apikey|key|password|passwd|pwd"
        r"|secret|client_secret|sig|signature|auth)=)[^&\s#\"']+", re.IGNORECASE), _keep("keep")),
    (("sk-", "sk_", "rk_"), (r"\b(?:sk|rk)[-_](?:[a-z]{2,8}[-_])?[A-Za-z0-9_-]{16,}"), _ANY),
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     (r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), _ANY),
    (("AKIA", "ASIA"), (r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), _ANY),
    (("xox",), (r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), _ANY),
    (("eyJ",), (r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"), _ANY),
    (("AIza",), (r"\bAIza[0-9A-Za-z_-]{35}"), _ANY),
    (("hf_",), (r"\bhf_[A-Za-z0-9]{30,}"), _ANY),
    (("glpat-",), (r"\bglpat-[A-Za-z0-9_-]{20,}"), _ANY),
    (("earer", "EARER"), (r"(?P<keep>\b[Bb](?:earer|EARER)\s+)[A-Za-z0-9._~+/=-]{8,}"), _keep("keep")),
    (("PRIVATE KEY",), (r"-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|\Z)"),
     _ANY),
)


_compiled: dict[int, re.Pattern[str]] = {}


def _pattern(index: int) -> re.Pattern[str]:
    pattern = _compiled.get(index)
    if pattern is None:
        spec = _RULES[index][1]
        pattern = _compiled[index] = re.compile(spec) if isinstance(spec, str) else re.compile(*spec)
    return pattern


def scrub(text: str) -> str:
    """``text`` with every credential-shaped part replaced by ``<redacted>`` (URL passwords, bearer
    tokens, ``sk-``/``ghp_``/``github_pat_``/``AKIA``/``xoxb-``/JWT/Google/Hugging Face/GitLab keys,
    secret query parameters, private key blocks); the same object when nothing matched or redaction is off."""
    if not ENABLED:
        return text
    for index, (markers, _, repl) in enumerate(_RULES):
        for marker in markers:
            if marker in text:
                text = _pattern(index).sub(repl, text)
                break
    return text


def scrub_bytes(data: bytes) -> bytes:
    """:func:`scrub` for bytes (read as latin-1, so every byte maps to one character and back)."""
    if not ENABLED:
        return data
    text = data.decode("latin-1")
    cleaned = scrub(text)
    return data if cleaned is text else cleaned.encode("latin-1")


def redact_name(name: object) -> bool:
    """True when redaction is on and ``name`` looks secret."""
    return ENABLED and name is not None and secret_name(name)


def redact_argv(argv: list[str]) -> list[str]:
    """A command line with credentials redacted: credential shapes anywhere, the value of a secret-named
    option (``--token XYZ``, ``--api-key=XYZ``, ``-password XYZ``) and of a secret-named ``NAME=VALUE``."""
    if not ENABLED:
        return list(argv)
    out: list[str] = []
    hide_next = False
    for arg in argv:
        text = str(arg)
        if hide_next and not text.startswith("-"):
            out.append(REDACTED)
            hide_next = False
            continue
        hide_next = False
        name, eq, _value = text.partition("=")
        if text.startswith("-") and secret_name(name.lstrip("-")):
            if eq:
                out.append(name + "=" + REDACTED)
            else:
                out.append(text)
                hide_next = True
            continue
        if eq and not text.startswith("-") and secret_name(name):
            out.append(name + "=" + REDACTED)
            continue
        out.append(scrub(text))
    return out
