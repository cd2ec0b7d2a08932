"""Materialized SPARQL results: columns and terms, as Python rows, pandas DataFrames or W3C result JSON."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge.query.terms import to_python

if TYPE_CHECKING:
    import pandas


@dataclass
class Result:
    """The outcome of one query: ``kind`` is ``select`` (columns and rows of terms), ``ask`` (``boolean``),
    ``graph`` (CONSTRUCT/DESCRIBE triples as subject/predicate/object rows) or ``update``."""

    kind: str
    columns: list[str] = field(default_factory=list)
    terms: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.terms)

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


def from_oxigraph(outcome: Any) -> Result:
    """Materialize what ``pyoxigraph.Store.query`` returned. The cyclic garbage collector is paused while
    the rows are built: they hold no cycles, and its passes over a growing list of new tuples cost 10-30%
    of a 100k-row result (more in a process with a large heap, such as a notebook kernel)."""
    if isinstance(outcome, ox.QueryBoolean):
        return Result("ask", boolean=bool(outcome))
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
