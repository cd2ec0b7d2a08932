"""Canned ``.rq`` queries: loading, their documented parameters, and safe parameter binding.

A canned query marks each parameter with a placeholder ``VALUES ?name { UNDEF }`` (valid SPARQL on its own);
binding replaces every placeholder of a parameter with ``VALUES ?name { term ... }``, each term written by
pyoxigraph in N-Triples form (escaped literals, validated IRIs), never by pasting user text into the query.

A parameter bound to a single IRI is also written into its ``GRAPH ?name`` clauses: engines do not push a
VALUES binding into ``GRAPH ?var`` before evaluating it, so a property path inside ran over every graph
(pyoxigraph: 6 s instead of 3 ms for a backward closure at 10k records). It is likewise written as the
subject of a transitive path that begins a line (``?name prov:wasDerivedFrom+ ...``): Virtuoso 7 refuses
such a path when its start is bound only through VALUES ("transitive start not given")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from provbridge.errors import QueryError
from provbridge.query.terms import Param, term_text

PLACEHOLDER = re.compile(r"VALUES\s+\?(\w+)\s*\{\s*UNDEF\s*\}")
GRAPH_VARIABLE = re.compile(r"\bGRAPH\s+\?(\w+)\b")
PATH_SUBJECT = re.compile(r"^(\s*)\?(\w+)(?=\s+[^\s(]+[+*]\s)", re.MULTILINE)
_PARAM_DOC = re.compile(r"^#\s+\?(\w+)\s+(\w+)\s+(.*)$")
_COLUMN_DOC = re.compile(r"^#\s+\?(\w+)\s+(.*)$")

Binding = Param | Iterable[Param]


@dataclass(frozen=True)
class CannedQuery:
    """One packaged query: its name, summary, documented parameters and result columns, and text."""

    name: str
    summary: str
    params: dict[str, tuple[str, str]]  # name -> (type, description)
    columns: dict[str, str]  # name -> description
    text: str

    def bind(self, values: Mapping[str, Binding]) -> str:
        """The query text with every parameter bound (a parameter may take several values)."""
        return bind(self.text, values, name=self.name)


def bind(text: str, values: Mapping[str, Binding], *, name: str = "query") -> str:
    """Replace each ``VALUES ?p { UNDEF }`` placeholder of ``text`` with the terms given for ``p``."""
    wanted = set(PLACEHOLDER.findall(text))
    unknown = set(values) - wanted
    if unknown:
        raise QueryError(f"{name} has no parameter {', '.join(sorted('?' + u for u in unknown))}")
    missing = wanted - set(values)
    if missing:
        raise QueryError(f"{name} needs parameter {', '.join(sorted('?' + m for m in missing))}")
    rendered: dict[str, str] = {}
    constants: dict[str, str] = {}
    for key, value in values.items():
        items = [value] if isinstance(value, (str, int, float, bool)) or not isinstance(value, Iterable) \
            else list(value)
        if not items:
            raise QueryError(f"{name}: parameter ?{key} needs at least one value")
        try:
            rendered[key] = " ".join(term_text(item) for item in items)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"{name}: bad value for ?{key}: {exc}") from None
        if len(items) == 1 and rendered[key].startswith("<"):
            constants[key] = rendered[key]
    text = PLACEHOLDER.sub(lambda m: f"VALUES ?{m.group(1)} {{ {rendered[m.group(1)]} }}", text)
    text = PATH_SUBJECT.sub(lambda m: m.group(1) + constants.get(m.group(2), "?" + m.group(2)), text)
    return GRAPH_VARIABLE.sub(lambda m: f"GRAPH {constants.get(m.group(1), '?' + m.group(1))}", text)


def _parse_header(name: str, text: str) -> CannedQuery:
    summary_lines: list[str] = []
    params: dict[str, tuple[str, str]] = {}
    columns: dict[str, str] = {}
    section = "summary"
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.lower().startswith("parameters"):
            section = "params"
        elif body.lower().startswith("columns"):
            section = "columns"
        elif section == "summary" and body:
            summary_lines.append(body)
        elif section == "params" and (m := _PARAM_DOC.match(line)):
            params[m.group(1)] = (m.group(2), m.group(3).strip())
        elif section == "columns" and (m := _COLUMN_DOC.match(line)):
            columns[m.group(1)] = m.group(2).strip()
    return CannedQuery(name, " ".join(summary_lines), params, columns, text)


@cache
def canned(name: str) -> CannedQuery:
    """The packaged query ``name`` (file ``provbridge/query/NAME.rq``)."""
    try:
        text = resources.files("provbridge.query").joinpath(f"{name}.rq").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"no canned query {name!r} (available: {', '.join(canned_names())})") from None
    query = _parse_header(name, text)
    undocumented = set(PLACEHOLDER.findall(text)) - set(query.params)
    if undocumented:  # pragma: no cover - guards the packaged files
        raise QueryError(f"{name}.rq does not document {', '.join(sorted(undocumented))}")
    return query


def canned_names() -> list[str]:
    """Names of every packaged query."""
    root = resources.files("provbridge.query")
    return sorted(p.name[:-3] for p in root.iterdir() if p.name.endswith(".rq"))
