"""The Python API above the layers: Store and Trial with methods for exporting, querying and drawing."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from provbridge.store import store as base

if TYPE_CHECKING:
    from provbridge.export.registry import Format
    from provbridge.render import Diagram
    from provbridge.store.model import Version

# The layers below are imported on first use, so that opening a store stays as fast as store.store's.

__all__ = ["Store", "Trial", "open_store"]


class Trial(base.Trial):
    """A read-only view of one recorded trial, with its W3C PROV exports, dependency queries and diagrams."""

    def export(self, target: Any = None, fmt: str | None = None, *, base: str | None = None) -> Format:
        """Write this trial as W3C PROV to a path, a stream or stdout; the format comes from ``fmt`` or
        the file extension (json, jsonld, ttl, trig, nq, nt, xml, provn). See provbridge.export."""
        from provbridge.export import export

        return export(self, target, fmt, base=base)

    def to_prov(self, *, base: str | None = None) -> Any:
        """This trial as a ``prov.model.ProvDocument`` (one bundle)."""
        from provbridge.export import to_prov

        return to_prov(self, base=base)

    def to_rdf(self, *, base: str | None = None) -> Any:
        """This trial's PROV-O graph as an ``rdflib.Dataset`` (one named graph)."""
        from provbridge.export import to_rdf

        return to_rdf(self, base=base)

    def deps(self, target: str | int, *, granularity: int | None = None, all_versions: bool = False,
             raw: bool = False) -> Any:
        """Backward dependencies of a variable, NAME@N or version N, via SPARQL; see provbridge.query.deps."""
        from provbridge.query import deps

        return deps(target, trial=self, granularity=granularity, all_versions=all_versions, raw=raw)

    def impact(self, target: str, *, granularity: int | None = None, raw: bool = False) -> Any:
        """Forward impact of a variable or file, via SPARQL; see provbridge.query.impact."""
        from provbridge.query import impact

        return impact(target, trial=self, granularity=granularity, raw=raw)

    def backward(self, target: str | int, *, granularity: int | None = None,
                 all_versions: bool = False) -> list[Version]:
        """:meth:`deps` as the store's Version records (the target itself excluded), ordered by version."""
        return self.versions_by_id(self.deps(target, granularity=granularity, all_versions=all_versions)["version"])

    def forward(self, target: str, *, granularity: int | None = None) -> list[Version]:
        """:meth:`impact` as the store's Version records, ordered by version."""
        return self.versions_by_id(self.impact(target, granularity=granularity)["version"])

    def graph(self, var: str | None = None, granularity: int | None = None, diff: Any = None,
              **options: Any) -> Diagram:
        """A Graphviz diagram (pydot.Dot with _repr_svg_) of the trial, a variable's dependencies or a diff."""
        from provbridge.render import graph

        return graph(self, var, granularity, diff, **options)

    def _repr_html_(self) -> str:
        """Jupyter: this trial's part of the HTML report (provbridge.report), its diagrams included."""
        from provbridge.report import trial_html

        return trial_html(self)


class Store(base.Store):
    """A provbridge data file whose trials have the export, query and diagram methods; see base.Store."""

    trial_class = Trial

    def __enter__(self) -> Store:
        return self

    def trials(self) -> list[Trial]:  # type: ignore[override]
        return super().trials()  # type: ignore[return-value]

    def trial(self, ref: str | int) -> Trial:
        return super().trial(ref)  # type: ignore[return-value]

    def sparql(self, query: str, trials: Any = None, **options: Any) -> Any:
        """Run a SPARQL query over some trials (default: all); see provbridge.query.sparql."""
        from provbridge.query import sparql

        return sparql(self, query, trials=trials, **options)


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = False) -> Store:
    """Open the project's store (see provbridge.store.store.open_store), its trials with the API's methods."""
    opened = base.open_store(path, create=create, factory=Store)
    assert isinstance(opened, Store)
    return opened
