"""Lineage across trials by content: backward (lineage.rq) and forward (impact_all.rq) over every trial."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from provbridge.errors import VariableNotFoundError
from provbridge.query.details import version_details
from provbridge.query.engine import dataset
from provbridge.query.granularity import DEFAULT_GRANULARITY, query_granularity
from provbridge.query.params import canned
from provbridge.query.targets import VERSION_IRI, get_trial, path_candidates, recorded, version_number
from provbridge.store.store import RECORDS
from provbridge.translate.iris import graph_iri

if TYPE_CHECKING:
    import pandas

    from provbridge.query.results import Result
    from provbridge.query.targets import StoreLike, TrialRef
    from provbridge.store.store import Trial

# One row per node of the lineage: the target, and each file version read or written on its way.
# ``trial_name`` is the trial's name (None when it has none), as in every frame (provbridge.frames); the
# frames' ``attrs["labels"]`` give each trial's label (its name, else its script) by UUID, for titles.
LINEAGE_COLUMNS = ["depth", "trial", "uuid", "trial_name", "role", "name", "version", "sha256", "iri"]
# One row per impacted version in any trial (the middle columns as in provbridge.query.api.VERSION_COLUMNS).
IMPACT_COLUMNS = ["trial", "uuid", "trial_name", "version", "name", "kind", "role", "sha256", "value",
                  "statement", "line", "iri"]


def lineage(target: str, *, trial: TrialRef | None = None, store: StoreLike = None, raw: bool = False,
            engine: str | None = None, remote: str | None = None) -> Any:
    """The lineage of a variable or file (its latest version) across trials, by content: the files its
    trial read that it derives from, the trials that wrote those contents and what they read, and so on.

    A DataFrame with LINEAGE_COLUMNS, one row per node: ``role`` is ``target``, ``read`` (a file version
    an output of its trial derives from) or ``wrote`` (a file version its trial wrote whose content a later
    step read); ``depth`` counts the trials between it and the target's (0: the target's own trial). Its
    ``attrs["edges"]`` lists ``(input iri, output iri, kind)``: ``derived`` inside a trial, ``content``
    from a written file version to a read one with the same content. ``raw=True`` returns the query
    result."""
    chosen = get_trial(trial, store)
    names = path_candidates(chosen, str(target))
    query = canned("lineage").bind({"g": ox.NamedNode(graph_iri(chosen)), "var": names})
    with dataset(chosen.store, engine=engine, remote=remote) as data:
        result = data.query(query)
        if not result.terms:
            _check_exists(data, chosen, names)
        by_graph = dict(data.by_graph)
    return result if raw else lineage_frame(result, by_graph, names[0])


def impact_all(target: str, *, trial: TrialRef | None = None, store: StoreLike = None,
               granularity: int | None = DEFAULT_GRANULARITY, raw: bool = False, engine: str | None = None,
               remote: str | None = None) -> Any:
    """The forward impact of a variable or file across every trial, by content: every version derived
    from it in its trial, every trial that read a content derived from it, and what those derived, and so
    on ("which models were trained on this data version"). A DataFrame with IMPACT_COLUMNS ordered by trial
    and version; ``role`` is ``read`` or ``wrote`` for file versions. ``granularity`` as in
    :func:`provbridge.query.api.deps` (the start trial's own by default)."""
    chosen = get_trial(trial, store)
    level = query_granularity(granularity, chosen)
    names = path_candidates(chosen, str(target))
    query = canned("impact_all").bind({"g": ox.NamedNode(graph_iri(chosen)), "var": names, "level": level})
    with dataset(chosen.store, engine=engine, remote=remote) as data:
        result = data.query(query)
        if not result.terms:
            _check_exists(data, chosen, names)
        by_graph = dict(data.by_graph)
    return result if raw else impact_frame(result, by_graph)


def _check_exists(data: Any, trial: Trial, names: list[str]) -> None:
    """Raise VariableNotFoundError when the trial recorded no variable or file of these names (a captured
    trial's from the store, an imported one's by versions.rq)."""
    if trial.representation == RECORDS:
        found = recorded(trial, names)
    else:
        found = bool(data.query(canned("versions").bind({"g": ox.NamedNode(graph_iri(trial)), "var": names})).terms)
    if not found:
        raise VariableNotFoundError(f"no variable or file {names[0]!r} in trial {trial.id}")


def graph_of(iri: str | None) -> str | None:
    """The graph (trial bundle) a version belongs to: ``<namespace>bundle`` beside its ``<namespace>v<N>``."""
    match = VERSION_IRI.search(iri or "")
    return None if iri is None or match is None else iri[:match.start() + 1] + "bundle"


def _trial_fields(graph: str | None, by_graph: dict[str, Trial]) -> tuple[int | None, str | None, str | None]:
    """(id, uuid, name) of the trial whose graph is ``graph`` (uuid from the IRI for a remote-only one)."""
    known = by_graph.get(graph or "")
    if known is not None:
        return known.id, known.uuid, known.name
    uuid = graph.rstrip("/").rsplit("/", 2)[-2] if graph and graph.endswith("/bundle") else None
    return None, uuid, None


def _labels(by_graph: dict[str, Trial]) -> dict[str, str]:
    """Each known trial's label (its name, else its script) by UUID: ``attrs["labels"]`` of the frames."""
    return {trial.uuid: trial.label for trial in by_graph.values()}


def lineage_frame(result: Result, by_graph: dict[str, Trial], target: str) -> pandas.DataFrame:
    """The rows of a lineage.rq result (see :func:`lineage`), target first, then by depth and trial."""
    import pandas as pd

    nodes: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str, str]] = set()
    start: str | None = None
    for record in result.records():
        output, source = record["output"], record["input"]
        graph = graph_of(output)
        start = record["target"]
        _node(nodes, output, graph, "target" if output == start else "wrote", record["outputPath"] or target,
              record["outputSha256"], by_graph)
        if source is not None:
            _node(nodes, source, graph, "read", record["inputPath"], record["inputSha256"], by_graph)
            edges.add((source, output, "derived"))
    written: dict[str, list[str]] = {}
    for iri, node in nodes.items():
        if node["role"] in ("wrote", "target") and node["sha256"]:
            written.setdefault(node["sha256"], []).append(iri)
    for iri, node in nodes.items():
        if node["role"] == "read":
            edges.update((w, iri, "content") for w in written.get(node["sha256"], ()) if w != iri)
    depths = _depths(start, nodes, edges)
    rows = [{"depth": depths.get(iri), **node} for iri, node in nodes.items()]
    order = {"target": 0, "read": 1, "wrote": 2}
    rows.sort(key=lambda r: (r["depth"] if r["depth"] is not None else 1 << 30, r["trial"] or 0,
                             order[r["role"]], str(r["name"]), r["version"] or 0))
    frame = pd.DataFrame(rows, columns=LINEAGE_COLUMNS, dtype=object)  # ints stay ints beside None
    frame.attrs["edges"] = sorted(edges)
    frame.attrs["target"] = target
    frame.attrs["labels"] = _labels(by_graph)
    return frame


def _node(nodes: dict[str, dict[str, Any]], iri: str, graph: str | None, role: str, name: str | None,
          sha256: str | None, by_graph: dict[str, Trial]) -> None:
    if iri in nodes:
        if role != "read" and nodes[iri]["role"] == "read":  # read back in its own trial: written there
            nodes[iri]["role"] = role
        return
    trial_id, uuid, trial_name = _trial_fields(graph, by_graph)
    nodes[iri] = {"trial": trial_id, "uuid": uuid, "trial_name": trial_name, "role": role, "name": name,
                  "version": version_number(iri), "sha256": sha256, "iri": iri}


def _depths(start: str | None, nodes: dict[str, dict[str, Any]], edges: set[tuple[str, str, str]]) -> dict[str, int]:
    """Trials between each node and the target: a content edge (a file read from another trial) adds one."""
    if start is None:
        return {}
    inputs: dict[str, list[tuple[str, str]]] = {}
    for source, output, kind in edges:
        inputs.setdefault(output, []).append((source, kind))
    depths = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for source, kind in inputs.get(node, ()):
            depth = depths[node] + (kind == "content" and nodes[source]["uuid"] != nodes[node]["uuid"])
            if source not in depths or depth < depths[source]:
                depths[source] = depth
                queue.append(source)
    return depths


def impact_frame(result: Result, by_graph: dict[str, Trial]) -> pandas.DataFrame:
    """The rows of an impact_all.rq result (see :func:`impact_all`), ordered by trial and version."""
    import pandas as pd

    grouped: dict[str | None, list[dict[str, Any]]] = {}
    for record in result.records():
        grouped.setdefault(graph_of(record["version"]), []).append(record)
    rows: list[dict[str, Any]] = []
    for graph, records in grouped.items():
        trial_id, uuid, trial_name = _trial_fields(graph, by_graph)
        known = by_graph.get(graph or "")
        numbers = [n for r in records if (n := version_number(r["version"])) is not None]
        details = version_details(known, numbers) if known is not None else {}
        for record in records:
            number = version_number(record["version"])
            extra = details.get(number) if number is not None else None
            is_file = record["path"] is not None
            rows.append({
                "trial": trial_id, "uuid": uuid, "trial_name": trial_name, "version": number,
                "name": record["path"] if is_file else record["name"],
                "kind": "file" if is_file else (extra[2] if extra else None),
                "role": ("wrote" if record["written"] else "read") if is_file else None,
                "sha256": record["sha256"], "value": extra[4] if extra else None,
                "statement": extra[6] if extra else None, "line": extra[7] if extra else None,
                "iri": record["version"],
            })
    rows.sort(key=lambda r: (r["trial"] if r["trial"] is not None else 1 << 30, r["uuid"] or "", r["version"] or 0))
    frame = pd.DataFrame(rows, columns=IMPACT_COLUMNS, dtype=object)
    frame.attrs["labels"] = _labels(by_graph)
    return frame
