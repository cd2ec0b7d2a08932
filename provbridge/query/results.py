"""Materialized SPARQL results: columns and terms, as Python rows, pandas DataFrames or W3C result JSON."""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge.query.terms import to_python

if TYPE_CHECKING:
    import pandas

TSV = ox.QueryResultsFormat.TSV


class Result:
    """The outcome of one query: ``kind`` is ``select`` (columns and rows of terms), ``ask`` (``boolean``),
    ``graph`` (CONSTRUCT/DESCRIBE triples as subject/predicate/object rows) or ``update``. A SELECT
    answered by pyoxigraph inside :func:`as_text` keeps its solutions as the engine's TSV ``text`` and
    builds Python terms only when asked: a closure's version numbers are read from the text
    (:meth:`numbered`), where a Python object per solution would cost half as much as the closure itself."""

    def __init__(self, kind: str, columns: list[str] | None = None, terms: list[tuple[Any, ...]] | None = None,
                 boolean: bool | None = None, *, text: bytes | None = None) -> None:
        self.kind = kind
        self.columns = list(columns or [])
        self._terms = terms if terms is not None or text is not None else []
        self.boolean = boolean
        self.text = text  # SPARQL TSV results (header line, then one line per solution), when terms are not built

    @property
    def terms(self) -> list[tuple[Any, ...]]:
        """The rows of terms (unbound as None)."""
        if self._terms is None:
            assert self.text is not None
            solutions = ox.parse_query_results(self.text, format=TSV)
            assert isinstance(solutions, ox.QuerySolutions)
            with _collector_paused():
                self._terms = [tuple(solution) for solution in solutions]
        return self._terms

    @terms.setter
    def terms(self, rows: list[tuple[Any, ...]]) -> None:
        self._terms, self.text = rows, None

    def __len__(self) -> int:
        if self._terms is None and self.text is not None:
            return self.text.count(b"\n") - 1  # the header line; a newline inside a term is escaped
        return len(self.terms)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.kind, self.columns, self.terms, self.boolean) == (other.kind, other.columns, other.terms,
                                                                       other.boolean)

    def __repr__(self) -> str:
        return f"Result(kind={self.kind!r}, columns={self.columns!r}, rows={len(self)}, boolean={self.boolean!r})"

    def numbered(self, column: str, prefix: str) -> tuple[list[int], list[str]]:
        """The N of every IRI ``prefix``N in ``column``, in row order, and the column's other IRIs (literals,
        blank nodes and unbound cells left out). One regular-expression pass over the text, no term built."""
        if self._terms is None and self.text is not None and self.columns == [column]:
            found = re.findall(b"^<" + re.escape(prefix.encode()) + b"([0-9]+)>$", self.text, re.MULTILINE)
            if len(found) == len(self):
                return list(map(int, found)), []
        index = self.columns.index(column)
        iris = [term.value for row in self.terms if isinstance(term := row[index], ox.NamedNode)]
        found = re.findall(f"^{re.escape(prefix)}([0-9]+)$", "\n".join(iris), re.MULTILINE)
        if len(found) == len(iris):
            return list(map(int, found)), []
        ours = re.compile(f"{re.escape(prefix)}[0-9]+")
        return list(map(int, found)), [iri for iri in iris if not ours.fullmatch(iri)]

    def without(self, column: str, prefix: str, numbers: set[int]) -> Result:
        """This result without the rows whose ``column`` is an IRI ``prefix``N with N in ``numbers`` (a
        text result stays text: its lines are filtered, no term is built)."""
        if not numbers or column not in self.columns:
            return self
        if self._terms is None and self.text is not None and self.columns == [column]:
            ours = re.compile(b"<" + re.escape(prefix.encode()) + b"([0-9]+)>")
            header, *lines = self.text.split(b"\n")[:-1]  # every line ends with a newline
            kept = [line for line in lines if not ((found := ours.fullmatch(line)) and int(found[1]) in numbers)]
            return Result(self.kind, self.columns, text=b"\n".join([header, *kept, b""]))
        index = self.columns.index(column)

        def inside(term: Any) -> bool:
            iri = term.value if isinstance(term, ox.NamedNode) else ""
            tail = iri[len(prefix):] if iri.startswith(prefix) else ""
            return tail.isdigit() and int(tail) in numbers

        return Result(self.kind, self.columns, [row for row in self.terms if not inside(row[index])])

    def rows(self) -> list[tuple[Any, ...]]:
        """Rows of Python values (IRIs as text, literals by datatype, unbound as None)."""
        return [tuple(to_python(t) for t in row) for row in self.terms]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dictionaries keyed by column."""
        return [dict(zip(self.columns, row)) for row in self.rows()]

    def _repr_html_(self) -> str:
        """Jupyter: the rows as a table (values escaped), an ASK result as its answer."""
        if self.kind == "ask":
            return f"<p>ASK: <strong>{'true' if self.boolean else 'false'}</strong></p>"
        if self.kind == "update":
            return "<p>update done</p>"
        return str(self.to_dataframe().to_html(index=False, na_rep=""))

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a DataFrame (an ASK result is one ``boolean`` column)."""
        import pandas as pd

        if self.kind == "ask":
            return pd.DataFrame({"boolean": [self.boolean]})
        return pd.DataFrame(self.rows(), columns=self.columns)

    def to_w3c_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON document (``head``/``results`` or ``boolean``)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = []
        for row in self.terms:
            bindings.append({c: _json_term(t) for c, t in zip(self.columns, row) if t is not None})
        return {"head": {"vars": list(self.columns)}, "results": {"bindings": bindings}}


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


_AS_TEXT: ContextVar[bool] = ContextVar("provbridge_results_as_text", default=False)


@contextlib.contextmanager
def as_text() -> Iterator[None]:
    """SELECT results materialized inside are kept as their TSV text, terms built only when asked: for
    results read through :meth:`Result.numbered` (closures). Elsewhere terms are built at once: when every
    term is wanted, the text and its parse cost about 13% more than the terms alone."""
    token = _AS_TEXT.set(True)
    try:
        yield
    finally:
        _AS_TEXT.reset(token)


def from_oxigraph(outcome: Any) -> Result:
    """Materialize what ``pyoxigraph.Store.query`` returned: a SELECT as rows of terms (inside
    :func:`as_text`, as its TSV text, evaluated now), a graph as triples. The cyclic garbage collector is
    paused while rows are built: they hold no cycles, and its passes over a growing list of new tuples cost
    10-30% of a 100k-row result (more in a process with a large heap, such as a notebook kernel)."""
    if isinstance(outcome, ox.QueryBoolean):
        return Result("ask", boolean=bool(outcome))
    if isinstance(outcome, ox.QuerySolutions) and _AS_TEXT.get():
        return Result("select", [v.value for v in outcome.variables], text=outcome.serialize(format=TSV))
    with _collector_paused():
        if isinstance(outcome, ox.QuerySolutions):
            columns = [v.value for v in outcome.variables]
            return Result("select", columns, [tuple(solution) for solution in outcome])
        triples: Iterable[Any] = outcome
        return Result("graph", ["subject", "predicate", "object"],
                      [(t.subject, t.predicate, t.object) for t in triples])


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
