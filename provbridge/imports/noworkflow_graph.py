"""Maps one noWorkflow 2.x trial's evaluations and dependencies onto provbridge executions, versions, derivations.

An evaluation that binds a name (an assignment target, a parameter, a ``def``, a loop or ``with`` target, an
attribute or item assignment) is a variable version; a call of a traced function also makes its ``return``
version. Every other evaluation (expressions, calls, reads of names) is collapsed: a version is derived from
the versions (and file versions) its evaluation reaches through them, which is what ``now dataflow`` draws.
Statement executions are the runs of consecutive evaluations of one statement in one activation."""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from provbridge.capture.values import REPR_LIMIT, SCALAR_STR_LIMIT
from provbridge.imports.noworkflow_source import MODULE_SCOPE, STATEMENTS, Component, Evaluation, TrialSource

DEFINITIONS = {"function_def": "def", "class_def": "class", "param": "param"}
SCALARS = frozenset({"int", "float", "bool", "str", "NoneType"})
INT64 = 2**63
EMPTY: frozenset[int] = frozenset()
_ROOT_NAME = re.compile(r"[A-Za-z_]\w*")
_CLASS_REPR = re.compile(r"<class '(.+)'>")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class StmtKey(NamedTuple):
    """A statement before it has a ``statements.id``: its script/module component and its own component."""

    root: int
    component: int


@dataclass
class Converted:
    """The provbridge rows of one trial (without their trial id). Executions refer to statements by
    :class:`StmtKey` and to code by the noWorkflow component of the script or module, resolved when written;
    ``code`` maps those components to ``(sha256, kind, path, source)``."""

    executions: list[list[Any]] = field(default_factory=list)
    versions: list[list[Any]] = field(default_factory=list)
    derivations: set[tuple[int, int]] = field(default_factory=set)
    usages: set[tuple[int, int]] = field(default_factory=set)
    file_accesses: list[tuple[Any, ...]] = field(default_factory=list)
    code: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)
    statements: dict[StmtKey, tuple[int, int, int, int, str, str, str]] = field(default_factory=dict)
    main_code: int | None = None
    nested: bool = False  # versions outside the module scope (granularity 1)


def convert(source: TrialSource) -> Converted:
    """The provbridge rows of the trial ``source`` read."""
    return _Conversion(source).run()


class _Conversion:
    def __init__(self, source: TrialSource) -> None:
        self.src = source
        self.out = Converted()
        self.ids: Iterator[int] = iter(range(1, 1 << 62))  # executions, versions and accesses, in recording order
        self.vid_of: dict[int, int] = {}  # evaluation -> the version it is
        self.exec_of: dict[int, int] = {}  # evaluation -> the execution it belongs to
        self.act_exec: dict[int, int] = {}  # activation -> its execution
        self.reads: dict[int, list[int]] = {}  # evaluation of an open() -> file versions it read
        self.files: dict[tuple[str, str], int] = {}  # (path, sha1) -> file version
        self.pending: list[tuple[list[Any], int, str | None]] = []  # version rows waiting for their values
        self.writes: list[tuple[int, int | None, int | None]] = []  # (file version, open() evaluation, previous)
        self.memo: dict[int, frozenset[int]] = {}

    def run(self) -> Converted:
        src, out = self.src, self.out
        if src.main is None:
            return out
        main_act = src.acts[src.main]
        if main_act.block is not None and self._code(main_act.block):
            out.main_code = main_act.block
        self.act_exec[src.main] = eid = next(self.ids)
        out.executions.append([eid, None, "module", None, out.main_code, os.path.basename(src.script) or main_act.name,
                               src.started + main_act.start, self._end(src.by_id.get(src.main)), 1, "ok", None, None])
        accesses: dict[int, list[tuple[Any, ...]]] = {}
        for row in src.files:
            accesses.setdefault(row[6], []).append(row)
        current: dict[int, tuple[int | None, int]] = {}  # activation -> (statement, execution) running now
        shared: dict[tuple[str, str], int] = {}  # names read but never bound in the trial: one version per scope
        for ev in src.evals:
            scope = src.scopes.get(ev.activation)
            comp = src.comps.get(ev.component)
            if scope is None or comp is None:
                continue  # builtins, types and untraced library code
            eid = self._execution(ev, comp, current)
            if ev.id in src.scopes and ev.id not in self.act_exec:
                self._call(ev.id, eid)
            binding = self._classify(ev, comp)
            if binding is not None:
                name, kind = binding
                if kind != "unresolved":
                    self._version(ev, name, scope, kind, eid, comp.name if kind == "mutate" else None)
                elif (scope, name) in shared:
                    self.vid_of[ev.id] = shared[(scope, name)]
                else:
                    kind = "import" if name in src.imported else "global"
                    shared[(scope, name)] = self._version(ev, name, scope, kind, eid)
            for row in accesses.pop(ev.id, ()):
                self._access(row, eid, ev.id)
        for act in src.scopes:  # traced activations without evaluations of their own
            self._activation(act)
        for rows in accesses.values():  # opened in code the trial did not trace: the nearest traced execution
            for row in rows:
                self._access(row, self._nearest(row[6]), None)
        self._values()
        self._dataflow()
        return out

    # -- executions --------------------------------------------------------------------------------------
    def _execution(self, ev: Evaluation, comp: Component, current: dict[int, tuple[int | None, int]]) -> int:
        src, act = self.src, ev.activation
        stmt = src.statement(ev.component)
        if act != src.main and (stmt is None or stmt == src.acts[act].block):  # parameters: the call itself
            eid = self._activation(act)
        elif stmt is not None and current.get(act, (None, 0))[0] == stmt:
            eid = current[act][1]
        else:
            eid = next(self.ids)
            kind = STATEMENTS[src.comps[stmt].type] if stmt is not None else comp.type
            self.out.executions.append([eid, self._activation(act), "statement", self._stmt_key(stmt), None, kind,
                                        None, None, 1, None, None, None])
            current[act] = (stmt, eid)
        self.exec_of[ev.id] = eid
        return eid

    def _activation(self, act: int) -> int:
        """The execution of traced activation ``act``; one called from code the trial did not trace (``map``,
        ``sorted``, a class's ``__init__``...) gets it when it is first met, under the nearest traced one."""
        eid = self.act_exec.get(act)
        if eid is None:
            self.exec_of[act] = parent = self._nearest(act)
            eid = self._call(act, parent)
        return eid

    def _call(self, act_id: int, parent: int) -> int:
        """The execution of activation ``act_id`` (a traced function call, class body or module) and the
        ``return`` version of a function call."""
        src = self.src
        act, ev = src.acts[act_id], src.by_id.get(act_id)
        block = src.comps.get(act.block) if act.block is not None else None
        module = block is not None and block.type in ("script", "module")
        callee = src.scopes[act_id]
        self.act_exec[act_id] = cid = next(self.ids)
        self.out.executions.append([cid, parent, "module" if module else "call", self._stmt_key(act.block),
                                    act.block if module else None, act.name if module else callee,
                                    src.started + act.start, self._end(ev), 1, "ok", None, None])
        if ev is not None and block is not None and block.type == "function_def":
            self._version(ev, "return", callee, "return", cid)
        return cid

    def _nearest(self, act: int) -> int:
        seen = set()
        while act not in self.exec_of and act in self.src.by_id and act not in seen:
            seen.add(act)
            act = self.src.by_id[act].activation
        return self.exec_of.get(act, self.act_exec[self.src.main or 0])

    def _end(self, ev: Evaluation | None) -> float | None:
        return None if ev is None or ev.checkpoint is None else self.src.started + ev.checkpoint

    def _code(self, root: int) -> bool:
        if root not in self.out.code:
            code = self.src.code(root)
            if code is None:
                return False
            self.out.code[root] = code
        return True

    def _stmt_key(self, stmt: int | None) -> StmtKey | None:
        if stmt is None or stmt not in self.src.comps or self.src.comps[stmt].type not in STATEMENTS:
            return None
        root = self.src.root(stmt)
        if root is None or not self._code(root):
            return None
        key = StmtKey(root, stmt)
        if key not in self.out.statements:
            where = self.src.qualname(self.src.comps[stmt].container)
            self.out.statements[key] = self.src.statement_row(root, stmt, where)
        return key

    # -- versions ----------------------------------------------------------------------------------------
    def _classify(self, ev: Evaluation, comp: Component) -> tuple[str, str] | None:
        """``(name, binding kind)`` if the evaluation binds a variable, else None."""
        mode, ctype = comp.mode, comp.type
        if mode.startswith("w") and ctype in ("name", "param", "function_def", "class_def"):
            return comp.name, DEFINITIONS.get(ctype) or self.src.binding(ev.component)
        if ctype in ("attribute", "subscript"):
            assigned = mode.startswith("w") or any(
                kind == "assign" or kind.endswith("_assign") for _d, kind in self.src.deps.get(ev.id, ()))
            match = _ROOT_NAME.match(comp.name)
            if assigned and match:
                return match.group(0), "mutate"
        if ctype == "name" and mode == "r" and ev.id not in self.src.deps:
            return comp.name, "unresolved"
        return None

    def _version(self, ev: Evaluation, name: str, scope: str, kind: str, eid: int, part: str | None = None) -> int:
        """A new version; its value is filled in by :meth:`_values`. ``part`` is the target of a mutation
        (``x.a``, ``x[k]``): noWorkflow kept the value assigned to the part, not the whole object."""
        vid = next(self.ids)
        self.vid_of[ev.id] = vid
        row = [vid, name, scope, kind, eid, "unknown", None, None, None, 1]
        self.out.versions.append(row)
        self.pending.append((row, ev.id, part))
        if scope != MODULE_SCOPE:
            self.out.nested = True
        return vid

    def _values(self) -> None:
        """Types (from the ``__class__`` noWorkflow recorded), exact scalars and display text of the versions."""
        src = self.src
        type_of: dict[int, int] = {}
        for _row, ev_id, _part in self.pending:
            ev = src.by_id[ev_id]
            type_id = src.types.get(ev_id)
            if type_id is None and ev.holder is not None:
                type_id = src.types.get(ev.holder)
            if type_id is not None:
                type_of[ev_id] = type_id
        reprs = src.reprs({ev_id for _r, ev_id, _p in self.pending} | set(type_of.values()))
        for row, ev_id, part in self.pending:
            text = reprs.get(ev_id)
            type_name = "unknown"
            if ev_id in type_of and type_of[ev_id] in reprs:
                match = _CLASS_REPR.fullmatch(reprs[type_of[ev_id]])
                type_name = match.group(1) if match else reprs[type_of[ev_id]]
            value = _scalar(type_name, text)
            if text is not None and value is None:  # "<function f at 0x7f...>": addresses differ in every run
                text = _ADDRESS.sub("", text)
            if part is not None:
                type_name, value, text = "unknown", None, f"{part} = {text}"
            if text is not None and len(text) > REPR_LIMIT:
                text = text[: REPR_LIMIT - 1] + "…"
            row[5:8] = [type_name, value, text]
        self.pending = []

    # -- files -------------------------------------------------------------------------------------------
    def _access(self, row: tuple[Any, ...], eid: int, ev_id: int | None) -> None:
        _id, name, mode, before, after, checkpoint, _act = row
        path = os.path.normpath(os.path.join(self.src.cwd, name or ""))
        mode = mode or "r"
        data_before, data_after = self.src.blob(before), self.src.blob(after)
        sha_before, sha_after = _sha256(data_before), _sha256(data_after)
        size_before = None if data_before is None else len(data_before)
        size_after = None if data_after is None else len(data_after)
        read_vid = write_vid = None
        writes = any(c in mode for c in "wax+")
        if (not any(c in mode for c in "wx") or "+" in mode) and before:
            read_vid = self._file(path, before, sha_before, size_before, None)
            if ev_id is not None:
                self.reads.setdefault(ev_id, []).append(read_vid)
        if writes and after and after != before:
            write_vid = self._file(path, after, sha_after, size_after, eid)
            previous = self._file(path, before, sha_before, size_before, None) if before else None
            self.writes.append((write_vid, ev_id, previous))
        elif writes and after:
            write_vid = read_vid
        self.out.file_accesses.append((
            next(self.ids), eid, path, mode, sha_before, size_before, sha_after if write_vid else None,
            size_after if write_vid else None, read_vid, write_vid, self.src.started + (checkpoint or 0.0)))

    def _file(self, path: str, sha1: str, sha256: str | None, size: int | None, eid: int | None) -> int:
        vid = self.files.get((path, sha1))
        if vid is None:
            vid = self.files[(path, sha1)] = next(self.ids)
            summary = f'{{"kind":"file","size":{size if size is not None else "null"},"sha1":"{sha1}"}}'
            self.out.versions.append([vid, path, "file", "file", eid, "file", sha256, os.path.basename(path),
                                      summary, 1])
        return vid

    # -- dataflow ----------------------------------------------------------------------------------------
    def _skip(self, node: int, kind: str) -> bool:
        """Arguments of a call of a traced function flow through its parameters, not into its result."""
        return kind == "argument" and node in self.src.scopes

    def collapsed(self, root: int) -> frozenset[int]:
        """The versions (and file versions) evaluation ``root`` depends on, through intermediate evaluations
        of expressions and calls; versions stop the walk."""
        memo, vid_of, deps, reads = self.memo, self.vid_of, self.src.deps, self.reads
        if root in memo:
            return memo[root]
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in memo:
                continue
            if not expanded:
                stack.append((node, True))
                stack.extend((d, False) for d, _k in deps.get(node, ()) if d not in vid_of and d not in memo)
                continue
            found = set(reads.get(node, ()))
            for d, kind in deps.get(node, ()):
                if not self._skip(node, kind):
                    found |= {vid_of[d]} if d in vid_of else memo.get(d, EMPTY)
            memo[node] = frozenset(found) if found else EMPTY
        return memo[root]

    def sources(self, ev_id: int) -> set[int]:
        """What the version evaluation ``ev_id`` was computed from."""
        found = set(self.reads.get(ev_id, ()))
        for d, kind in self.src.deps.get(ev_id, ()):
            if not self._skip(ev_id, kind):
                found |= {self.vid_of[d]} if d in self.vid_of else self.collapsed(d)
        return found

    def _dataflow(self) -> None:
        out = self.out
        generated: dict[int, set[int]] = {}
        for vid, _name, _scope, kind, eid, *_rest in out.versions:
            if kind != "file":
                generated.setdefault(eid, set()).add(vid)
        done: set[int] = set()
        for ev in self.src.evals:
            eid = self.exec_of.get(ev.id)
            if eid is None:
                continue
            vid = self.vid_of.get(ev.id)
            if vid is None:
                found = set(self.collapsed(ev.id))
            else:
                found = set() if vid in done else self.sources(ev.id)
                done.add(vid)
                found.discard(vid)
                out.derivations.update((vid, s) for s in found)
            own = generated.get(eid, set())
            out.usages.update((eid, s) for s in found if s not in own)
        for vid, ev_id, previous in self.writes:  # a file written depends on what the open() call did
            found = set(self.collapsed(ev_id)) if ev_id is not None else set()
            if previous is not None:
                found.add(previous)
            found.discard(vid)
            out.derivations.update((vid, s) for s in found)


def _sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _scalar(type_name: str, text: str | None) -> Any:
    """The exact value of a scalar from noWorkflow's ``repr``, or None."""
    if text is None or type_name not in SCALARS:
        return None
    if type_name == "int" and text.lstrip("-").isdigit():
        value: Any = int(text)
    else:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if type(value).__name__ != type_name:
        return None
    if isinstance(value, str) and len(value) > SCALAR_STR_LIMIT:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        return str(value)
    return value
