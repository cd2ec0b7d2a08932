"""Turn one recorded trial (whole, or a variable's backward dependencies from query.deps) into a Drawing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from provbridge.errors import VariableNotFoundError
from provbridge.query.api import deps
from provbridge.query.granularity import DEFAULT_GRANULARITY, granularity_note, query_granularity
from provbridge.query.targets import resolve_name
from provbridge.render.labels import (
    VALUE_WIDTH,
    cell_label,
    execution_label,
    shorten,
    times,
    version_label,
)
from provbridge.render.model import Drawing, Group, Node
from provbridge.store.model import Execution, Version
from provbridge.store.store import MODULE_SCOPES, Trial


@dataclass
class _Merged:
    """Executions (or versions) drawn as one node: a folded loop body, or a single record."""

    node_id: str
    first: int
    last: int
    count: int


def build_trial(trial: Trial, *, var: str | None = None, granularity: int | None = DEFAULT_GRANULARITY,
                files: bool = False, collapse: bool = True) -> Drawing:
    """The dataflow of ``trial``; with ``var``, only that variable's backward-dependency subgraph.

    ``granularity`` 0 keeps top-level statements, variables and files; 1 adds what happened inside user
    functions; None: the trial's own. A file ``var`` is a path relative to the current directory.
    ``collapse`` draws each statement repeated in one activation (a loop body) once, with a
    ×count. ``files`` adds every file access (reads, writes, revisions of the same path)."""
    granularity = query_granularity(granularity, trial)
    if var is not None:
        var = _resolve(trial, var)
    executions = {e.id: e for e in trial.executions()}
    versions = {v.id: v for v in trial.versions()}
    if granularity == 0:
        executions = {i: e for i, e in executions.items() if _top_level(e)}
        versions = {i: v for i, v in versions.items() if v.scope in MODULE_SCOPES}
    if var is not None:
        targets = _targets(trial, var)
        wanted = set(deps(var, trial=trial, granularity=granularity)["version"]) | {t.id for t in targets}
        versions = {i: v for i, v in versions.items() if i in wanted}
        drawn = {v.exec_id for v in versions.values() if v.exec_id is not None}
    else:
        drawn = set(executions)
    title = (f"trial {trial.id}: {trial.label}" + (f" — backward dependencies of {var}" if var else "")
             + f" ({granularity_note(granularity, trial)})")
    drawing = Drawing(title)
    exec_nodes = _exec_merge(executions, collapse, _with_ancestors(executions, drawn))
    tags = _tags(trial)
    _add_executions(drawing, executions, drawn, exec_nodes, tags)
    version_nodes = _add_versions(drawing, versions, exec_nodes, tags)
    _add_edges(drawing, trial, versions, exec_nodes, version_nodes, files)
    if var is None:
        _add_trial(drawing, trial)
    drawing.prune_groups()
    return drawing


def _with_ancestors(executions: dict[int, Execution], ids: set[int]) -> set[int]:
    result: set[int] = set()
    for start in ids:
        eid: int | None = start
        while eid is not None and eid in executions and eid not in result:
            result.add(eid)
            eid = executions[eid].parent
    return result


def _top_level(execution: Execution) -> bool:
    return execution.kind in ("module", "cell") or (execution.kind == "statement" and execution.scope == "<module>")


def _resolve(trial: Trial, var: str) -> str:
    """``var`` (``NAME`` or ``NAME@ID``) with a file path resolved as the queries do (current directory)."""
    name, sep, number = var.rpartition("@")
    if sep and number.isdigit():
        return f"{resolve_name(trial, name) if name else name}@{number}"
    return resolve_name(trial, var)


def _targets(trial: Trial, var: str) -> list[Version]:
    if "@" in var and var.rsplit("@", 1)[1].isdigit():
        return [trial.version(int(var.rsplit("@", 1)[1]))]
    try:
        return [trial.latest(var)]
    except VariableNotFoundError:
        return [trial.latest(var, scope=None)]


def _exec_merge(executions: dict[int, Execution], collapse: bool, relevant: set[int]) -> dict[int, _Merged]:
    """Map each execution to the node drawing it; when collapsing, the executions of one statement (or calls
    of one function) under one parent node share a node. Only ``relevant`` executions add to its count."""
    result: dict[int, _Merged] = {}
    by_key: dict[tuple[object, ...], _Merged] = {}

    def resolve(eid: int) -> _Merged:
        chain = [eid]
        while True:  # parents may be recorded after their children (a call inside its statement)
            parent_id = executions[chain[-1]].parent
            if parent_id is None or parent_id not in executions or parent_id in result or parent_id in chain:
                break
            chain.append(parent_id)
        for current in reversed(chain):
            if current not in result:
                result[current] = place(current)
        return result[eid]

    def place(eid: int) -> _Merged:
        execution = executions[eid]
        parent = result.get(execution.parent) if execution.parent is not None else None
        key: tuple[object, ...] = ("single", eid)
        if collapse and execution.kind in ("statement", "call"):
            key = (parent.node_id if parent else None, execution.kind, execution.stmt_id, execution.name)
        merged = by_key.get(key)
        if merged is None:
            merged = by_key[key] = _Merged(f"x{eid}", eid, eid, 0)
        merged.first, merged.last = min(merged.first, eid), max(merged.last, eid)
        if eid in relevant:
            merged.count += execution.count
        return merged

    for eid in sorted(executions):
        resolve(eid)
    return result


def _tags(trial: Trial) -> dict[tuple[str, str], list[str]]:
    result: dict[tuple[str, str], list[str]] = {}
    for kind, subject, name, value in trial.tags():
        result.setdefault((kind, subject), []).append(f"{name}={value}" if value else name)
    return result


def _group_of(executions: dict[int, Execution], merged: dict[int, _Merged], eid: int | None) -> str | None:
    """The cluster an execution's node belongs to: its nearest enclosing cell or function call."""
    while eid is not None and eid in executions:
        execution = executions[eid]
        if execution.kind in ("cell", "call"):
            return "g" + merged[eid].node_id
        eid = execution.parent
    return None


def _add_executions(drawing: Drawing, executions: dict[int, Execution], drawn: set[int],
                    merged: dict[int, _Merged], tags: dict[tuple[str, str], list[str]]) -> None:
    drawn_nodes = {merged[eid].node_id for eid in drawn if eid in merged}
    for eid in sorted(executions):
        execution = executions[eid]
        node = merged[eid]
        if execution.kind == "module" or eid != node.first:
            continue
        if execution.kind == "cell":
            subject = execution.cell_id or str(execution.exec_count)
            label = cell_label(execution, tags.get(("cell", subject), []))
            parent = _group_of(executions, merged, execution.parent)
            drawing.groups.setdefault(f"g{node.node_id}", Group(f"g{node.node_id}", label, parent))
            continue
        last = executions[node.last]
        label = execution_label(last, node.count)
        if execution.kind == "call":
            gid = f"g{node.node_id}"
            parent = _group_of(executions, merged, execution.parent)
            drawing.groups.setdefault(gid, Group(gid, f"{execution.name}(){times(node.count)}", parent))
            group: str | None = gid
            key_text = f"call:{execution.scope}:{execution.name}"
        else:
            group = _group_of(executions, merged, execution.parent)
            key_text = f"stmt:{execution.scope}:{execution.text}"
        if node.node_id not in drawn_nodes:
            continue
        drawing.add_node(Node(node.node_id, "activity", label, key=key_text, role=execution.kind, group=group,
                              count=node.count, compare=execution.text or "", value=shorten(execution.text or "", 30),
                              tooltip=f"{execution.kind} {execution.name} at line {execution.lineno}"))


def _add_versions(drawing: Drawing, versions: dict[int, Version], exec_nodes: dict[int, _Merged],
                  tags: dict[tuple[str, str], list[str]]) -> dict[int, str]:
    """Draw versions; versions bound by one folded execution node become one node. Returns id -> node id."""
    result: dict[int, str] = {}
    merged: dict[tuple[object, ...], list[Version]] = {}
    for vid in sorted(versions):
        version = versions[vid]
        gen = exec_nodes.get(version.exec_id) if version.exec_id is not None else None
        key: tuple[object, ...] = (gen.node_id, version.name, version.scope, version.kind) if gen else ("v", vid)
        merged.setdefault(key, []).append(version)
    for group_versions in merged.values():
        first, last = group_versions[0], group_versions[-1]
        node_id = f"v{first.id}"
        count = sum(v.count for v in group_versions)
        label = version_label(last, count)
        extra = tags.get(("variable", last.name))
        if extra:
            label += f"\n[{', '.join(extra)}]"
        gen_node = exec_nodes.get(last.exec_id) if last.exec_id is not None else None
        group = drawing.nodes[gen_node.node_id].group if gen_node and gen_node.node_id in drawing.nodes else None
        if last.is_file:
            compare = str(last.value or "")
            value = compare[:8]
            node_key = f"file:{last.name}"
        else:
            compare = last.repr if last.repr is not None else last.type
            value = shorten(compare, VALUE_WIDTH)
            node_key = f"var:{last.scope}:{last.name}"
        drawing.add_node(Node(node_id, "entity", label, key=node_key, role="file" if last.is_file else "variable",
                              group=group, count=count, compare=compare, value=value, name=last.name,
                              tooltip=f"{last.label}: {last.type}" + (f"\n{last.summary_json}" if last.summary_json
                                                                       else "")))
        for version in group_versions:
            result[version.id] = node_id
    _key_statements_by_output(drawing, versions, exec_nodes)
    _number_keys(drawing)
    return result


def _key_statements_by_output(drawing: Drawing, versions: dict[int, Version],
                              exec_nodes: dict[int, _Merged]) -> None:
    """A statement that binds names is matched across trials by those names, so that ``b = 2`` and ``b = 5``
    count as one changed statement rather than one removed and one added."""
    outputs: dict[str, set[str]] = {}
    for version in versions.values():
        gen = exec_nodes.get(version.exec_id) if version.exec_id is not None else None
        if gen is not None:
            outputs.setdefault(gen.node_id, set()).add(version.name)
    for node_id, names in outputs.items():
        node = drawing.nodes.get(node_id)
        if node is not None and node.role == "statement":
            scope = node.key.split(":", 2)[1]
            node.key = f"stmt:{scope}:binds {','.join(sorted(names))}"


def _number_keys(drawing: Drawing) -> None:
    """Make keys unique per drawing: the n-th node with the same key gets ``#n`` (matched across trials)."""
    seen: Counter[str] = Counter()
    for node in drawing.nodes.values():
        base = node.key.split("#", 1)[0]
        node.key = f"{base}#{seen[base]}"
        seen[base] += 1


def _add_edges(drawing: Drawing, trial: Trial, versions: dict[int, Version], exec_nodes: dict[int, _Merged],
               version_nodes: dict[int, str], files: bool) -> None:
    for vid, version in versions.items():
        gen = exec_nodes.get(version.exec_id) if version.exec_id is not None else None
        if gen is not None:
            drawing.add_edge(version_nodes[vid], gen.node_id, "wasGeneratedBy")
    for eid, vid in trial.usages():
        if eid in exec_nodes and vid in version_nodes:
            drawing.add_edge(exec_nodes[eid].node_id, version_nodes[vid], "used")
    for vid, src in trial.derivations():
        if vid in version_nodes and src in version_nodes:
            drawing.add_edge(version_nodes[vid], version_nodes[src], "wasDerivedFrom")
    if not files:
        return
    previous: dict[str, str] = {}
    for access in trial.file_accesses():
        node = exec_nodes.get(access.exec_id) if access.exec_id is not None else None
        read = version_nodes.get(access.read_version) if access.read_version is not None else None
        written = version_nodes.get(access.write_version) if access.write_version is not None else None
        if node and read:
            drawing.add_edge(node.node_id, read, "used")
        if node and written:
            drawing.add_edge(written, node.node_id, "wasGeneratedBy")
        for current in (read, written):
            if current is None:
                continue
            before = previous.get(access.path)
            if before and before != current:
                drawing.add_edge(current, before, "wasRevisionOf")
            previous[access.path] = current


def _add_trial(drawing: Drawing, trial: Trial) -> None:
    """The trial as an activity associated with its user (an agent), as the PROV export has it."""
    drawing.add_node(Node("trial", "activity", f"trial {trial.id}\n{trial.label}", key="trial#0", role="module",
                          tooltip=f"{trial.uuid}\n{' '.join(trial.command)}\n{trial.status}"))
    if trial.user:
        drawing.add_node(Node("user", "agent", trial.user, key="agent#0", role="agent", compare=trial.user,
                              value=trial.user))
        drawing.add_edge("trial", "user", "wasAssociatedWith")
