"""Recognizing a SPARQL request's form (SELECT, ASK, CONSTRUCT, DESCRIBE or an update) without running it."""

from __future__ import annotations

import re

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

# Comments, IRIs and strings are skipped so that a keyword inside them is not taken for the form.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*|([A-Za-z]+)",
)


def request_form(text: str) -> str | None:
    """The first form keyword of ``text`` (``SELECT``, ``INSERT``...) after its prologue, upper-cased, or
    None when there is none (the parser will then report the error)."""
    for match in _TOKENS.finditer(text):
        word = match.group(1)
        if word is None:
            continue
        upper = word.upper()
        if upper in QUERY_FORMS or upper in UPDATE_FORMS:
            return upper
    return None


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD)."""
    return request_form(text) in UPDATE_FORMS
