"""Maps one noWorkflow 2.x trial's evaluations and dependencies onto provbridge executions, versions, derivations."""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from provbridge.capture.values import REPR_LIMIT, SCALAR_STR_LIMIT

MODULE_SCOPE = "<module>"
# noWorkflow code component types of statements, with the AST node type provbridge stores for them.
STATEMENTS = {
    "assign": "Assign", "aug_assign": "AugAssign", "ann_assign": "AnnAssign", "expr": "Expr", "print": "Expr",
    "for": "For", "async_for": "AsyncFor", "while": "While", "if": "If", "with": "With", "async_with": "AsyncWith",
    "return": "Return", "function_def": "FunctionDef", "class_def": "ClassDef", "import": "Import",
    "import_from": "ImportFrom", "delete": "Delete", "global": "Global", "nonlocal": "Nonlocal", "pass": "Pass",
    "break": "Break", "continue": "Continue", "raise": "Raise", "assert": "Assert", "try": "Try",
    "exception": "ExceptHandler",
}
# Enclosing component types that say how a name was bound (the first one met walking up decides).
BINDINGS = {"comprehension": "for", "for": "for", "async_for": "for", "withitem": "with", "with": "with",
            "async_with": "with", "exception": "except", "named_expr": "walrus", "global": "global"}
DEFINITIONS = {"function_def": "def", "class_def": "class", "param": "param"}
SCALARS = frozenset({"int", "float", "bool", "str", "NoneType"})
INT64 = 2**63
_ROOT_NAME = re.compile(r"[A-Za-z_]\w*")
_CLASS_REPR = re.compile(r"<class '(.+)'>")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class Component(NamedTuple):
    """A noWorkflow code component: a piece of the script's syntax tree, with its position."""

    name: str
    type: str
    mode: str
    lineno: int
    col: int
    end_lineno: int
    end_col: int
    container: int | None


class Evaluation(NamedTuple):
    """A noWorkflow evaluation: one run of a code component inside an activation."""

    id: int
    checkpoint: float
    component: int
    activation: int
    repr: str | None
    holder: int | None  # the evaluation whose value (object) this one shares, which carries its type


@dataclass
class Converted:
    """The provbridge rows of one trial (without their trial id). Statement references are ``StmtKey``s
    (code hash, line, column, kind) resolved to ``statements.id`` when written; ``code`` maps a code
    component id of noWorkflow's (a script or module) to ``(sha256, kind, path, source)``."""

    executions: list[list[Any]] = field(default_factory=list)
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    derivations: set[tuple[int, int]] = field(default_factory=set)
    usages: set[tuple[int, int]] = field(default_factory=set)
    file_accesses: list[tuple[Any, ...]] = field(default_factory=list)
    code: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)
    statements: dict[StmtKey, tuple[int, int, int, int, str, str, str]] = field(default_factory=dict)
    main_code: int | None = None
    nested: bool = False  # versions outside the module scope (granularity 1)


class StmtKey(NamedTuple):
    root: int  # code component id of the script/module holding the statement
    component: int


def _read(conn: sqlite3.Connection, sql: str, trial: str) -> Iterable[tuple[Any, ...]]:
    return conn.execute(sql, (trial,))


class TrialGraph:
    """Reads one noWorkflow trial and converts it; ``content`` is the ``.noworkflow/content`` directory."""

    def __init__(self, conn: sqlite3.Connection, trial: str, *, main_block: int | None, cwd: str, script: str,
                 started: float, content: Path) -> None:
        self.cwd = cwd
        self.started = started
        self.content = content
        self.comps = {row[0]: Component(row[1] or "", row[2] or "", row[3] or "", *row[4:]) for row in _read(
            conn, "SELECT id, name, type, mode, first_char_line, first_char_column, last_char_line, "
            "last_char_column, container_id FROM code_component WHERE trial_id = ?", trial)}
        self.parent = {part: whole for part, whole in _read(
            conn, "SELECT part_id, whole_id FROM composition WHERE trial_id = ? ORDER BY id DESC", trial)}
        self.blocks = dict(_read(conn, "SELECT id, code_hash FROM code_block WHERE trial_id = ?", trial))
        self.acts = {aid: (name or "", start or 0.0, block) for aid, name, start, block in _read(
            conn, "SELECT id, name, start_checkpoint, code_block_id FROM activation WHERE trial_id = ?", trial)}
        self.evals = [Evaluation(*row) for row in _read(
            conn, "SELECT id, checkpoint, code_component_id, activation_id, repr, member_container_id FROM evaluation "
            "WHERE trial_id = ? ORDER BY id", trial)]
        self.by_id = {e.id: e for e in self.evals}
        self.deps: dict[int, list[tuple[int, str]]] = {}
        for dependent, dependency, kind in _read(
                conn, "SELECT dependent_id, dependency_id, type FROM dependency WHERE trial_id = ? ORDER BY id", trial):
            self.deps.setdefault(dependent, []).append((dependency, kind or ""))
        self.types = dict(_read(conn, "SELECT collection_id, member_id FROM member WHERE trial_id = ? "
                                      "AND key = '.__class__' ORDER BY id", trial))
        self.files = list(_read(conn, "SELECT id, name, mode, content_hash_before, content_hash_after, checkpoint, "
                                      "activation_id FROM file_access WHERE trial_id = ? ORDER BY id", trial))
        self.module_paths = {block: path for block, path in _read(
            conn, "SELECT code_block_id, path FROM module WHERE trial_id = ?", trial) if block is not None}
        self.script = script
        user = [aid for aid, (_n, _s, block) in self.acts.items() if block is not None]
        mains = sorted(aid for aid in user if self.acts[aid][2] == main_block) or sorted(user) or sorted(self.acts)
        self.main = mains[0] if mains else None
        self.scopes = {aid: self._qualname(self.acts[aid][2]) for aid in user}
        if self.main is not None:
            self.scopes[self.main] = MODULE_SCOPE
        self.imported = self._imported_names()
        self._stmt_cache: dict[int, int | None] = {}
        self._memo: dict[int, frozenset[int]] = {}
        self._lines: dict[int, list[str]] = {}

    # -- the code ----------------------------------------------------------------------------------------
    def _qualname(self, block: int | None) -> str:
        names = []
        seen = set()
        while block is not None and block in self.comps and block not in seen:
            seen.add(block)
            comp = self.comps[block]
            if comp.type in ("function_def", "class_def"):
                names.append(comp.name)
            block = comp.container
        return ".".join(reversed(names)) or MODULE_SCOPE

    def _imported_names(self) -> set[str]:
        names: set[str] = set()
        for comp in self.comps.values():
            if comp.type in ("import", "import_from"):
                text = comp.name.split(" import ", 1)[-1] if comp.type == "import_from" else comp.name[6:]
                for part in text.replace("(", " ").replace(")", " ").split(","):
                    words = part.split()
                    if words:
                        names.add(words[-1].split(".")[0])
        return names

    def statement(self, component: int) -> int | None:
        """The innermost statement component enclosing ``component`` (itself if it is one)."""
        if component in self._stmt_cache:
            return self._stmt_cache[component]
        current: int | None = component
        seen = set()
        while current is not None and current not in seen:
            seen.add(current)
            comp = self.comps.get(current)
            if comp is None:
                current = None
                break
            if comp.type in STATEMENTS and comp.lineno > 0:
                break
            current = self.parent.get(current)
        self._stmt_cache[component] = current
        return current

    def _binding(self, component: int) -> str:
        current = self.parent.get(component)
        while current is not None:
            comp = self.comps.get(current)
            if comp is None:
                break
            if comp.type in BINDINGS:
                return BINDINGS[comp.type]
            if comp.type in STATEMENTS:
                break
            current = self.parent.get(current)
        return "assign"

    def _root(self, component: int) -> int | None:
        current: int | None = component
        seen = set()
        while current is not None and current in self.comps and current not in seen:
            seen.add(current)
            container = self.comps[current].container
            if container is None:
                return current
            current = container
        return None

    def _code(self, out: Converted, root: int) -> bool:
        if root in out.code:
            return True
        comp = self.comps[root]
        data = self.blob(self.blocks.get(root))
        if data is None:
            return False
        path = self.module_paths.get(root) or (os.path.join(self.cwd, self.script) if root == self._main_root()
                                               else comp.name)
        source = data.decode("utf-8", "replace")
        digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        out.code[root] = (digest, "script" if comp.type == "script" else "module", path, source)
        return True

    def _main_root(self) -> int | None:
        return None if self.main is None else self.acts[self.main][2]

    def _stmt_key(self, out: Converted, stmt: int | None, scope: str) -> StmtKey | None:
        if stmt is None:
            return None
        root = self._root(stmt)
        if root is None or not self._code(out, root):
            return None
        key = StmtKey(root, stmt)
        if key not in out.statements:
            c = self.comps[stmt]
            lines = self._lines.get(root)
            if lines is None:
                lines = self._lines[root] = out.code[root][3].splitlines()
            text = lines[c.lineno - 1][c.col:].strip() if 0 < c.lineno <= len(lines) else c.name.split("\n")[0]
            text = text[:119] + "…" if len(text) > 120 else text
            out.statements[key] = (c.lineno, c.col, c.end_lineno, c.end_col, STATEMENTS[c.type], scope, text)
        return key

    def blob(self, digest: str | None) -> bytes | None:
        """The bytes noWorkflow stored under sha1 ``digest`` in its content directory, if present."""
        if not digest or len(digest) < 3:
            return None
        try:
            return (self.content / digest[:2] / digest[2:]).read_bytes()
        except OSError:
            return None

    # -- conversion --------------------------------------------------------------------------------------
    def convert(self) -> Converted:
        out = Converted()
        if self.main is None:
            return out
        counter = iter(range(1, 1 << 62))
        main_root = self._main_root()
        if main_root is not None and self._code(out, main_root):
            out.main_code = main_root
        name, start, _block = self.acts[self.main]
        main_eval = self.by_id.get(self.main)
        act_exec = {self.main: next(counter)}
        out.executions.append([act_exec[self.main], None, "module", None, out.main_code,
                               os.path.basename(self.script) or name, self.started + start,
                               self._end(main_eval), 1, "ok", None, None])
        current: dict[int, tuple[int | None, int]] = {}  # activation -> (statement, execution) running now
        exec_of: dict[int, int] = {}  # evaluation -> execution
        self.vid_of: dict[int, int] = {}  # evaluation -> version
        shared: dict[tuple[str, str], int] = {}  # unresolved names read, one version per scope
        reads: dict[int, list[int]] = {}  # evaluation of an open() -> file versions it read
        files: dict[tuple[str, str], int] = {}
        accesses: dict[int, list[tuple[Any, ...]]] = {}
        for row in self.files:
            accesses.setdefault(row[6], []).append(row)
        writes: list[tuple[int, int, int | None, int]] = []  # (write version, evaluation, previous, execution)
        for ev in self.evals:
            scope = self.scopes.get(ev.activation)
            comp = self.comps.get(ev.component)
            if scope is None or comp is None:
                continue
            act = ev.activation
            stmt = self.statement(ev.component)
            block = self.acts[act][2]
            if act != self.main and (stmt is None or stmt == block):
                eid = act_exec[act]
            elif stmt is not None and current.get(act, (None, 0))[0] == stmt:
                eid = current[act][1]
            else:
                eid = next(counter)
                key = self._stmt_key(out, stmt, scope)
                out.executions.append([eid, act_exec[act], "statement", key, None,
                                       STATEMENTS[self.comps[stmt].type] if stmt is not None else comp.type,
                                       None, None, 1, None, None, None])
                current[act] = (stmt, eid)
            exec_of[ev.id] = eid
            if ev.id in self.scopes and ev.id != self.main:  # a call of a user function (or a class body)
                callee = self.scopes[ev.id]
                cblock = self.acts[ev.id][2]
                act_exec[ev.id] = cid = next(counter)
                kind = "module" if cblock in self.comps and self.comps[cblock].type in ("script", "module") else "call"
                out.executions.append([cid, eid, kind, self._stmt_key(out, cblock, scope), None,
                                       callee if kind == "call" else self.acts[ev.id][0],
                                       self.started + self.acts[ev.id][1], self._end(ev), 1, "ok", None, None])
                if comp.type == "call" and cblock in self.comps and self.comps[cblock].type == "function_def":
                    self._version(out, counter, ev, "return", callee, "return", cid)
            version = self._classify(ev, comp)
            if version is not None:
                vname, kind = version
                if kind == "unresolved":
                    kind = "import" if vname in self.imported else "global"
                    known = shared.get((scope, vname))
                    if known is None:
                        known = shared[(scope, vname)] = self._version(out, counter, ev, vname, scope, kind, eid)
                    self.vid_of[ev.id] = known
                else:
                    self._version(out, counter, ev, vname, scope, kind, eid, comp.name if kind == "mutate" else None)
            for row in accesses.get(ev.id, ()):
                writes.extend(self._access(out, counter, files, reads, row, eid, ev.id))
        for row in self.files:  # accesses from activations the trial did not trace: the nearest traced one
            if row[6] not in self.by_id or row[6] not in exec_of:
                eid = self._nearest_exec(row[6], exec_of, act_exec[self.main])
                writes.extend(self._access(out, counter, files, reads, row, eid, None))
        self._reads = reads
        self._dataflow(out, exec_of)
        for vid, ev_id, previous, _eid in writes:
            sources = set(self.collapsed(ev_id)) if ev_id is not None else set()
            if previous is not None:
                sources.add(previous)
            sources.discard(vid)
            out.derivations.update((vid, s) for s in sources)
        return out

    def _end(self, ev: Evaluation | None) -> float | None:
        return None if ev is None or ev.checkpoint is None else self.started + ev.checkpoint

    def _nearest_exec(self, act: int, exec_of: dict[int, int], default: int) -> int:
        seen = set()
        while act not in exec_of and act in self.by_id and act not in seen:
            seen.add(act)
            act = self.by_id[act].activation
        return exec_of.get(act, default)

    def _classify(self, ev: Evaluation, comp: Component) -> tuple[str, str] | None:
        """``(name, binding kind)`` if the evaluation binds a variable, else None."""
        mode, ctype = comp.mode, comp.type
        if mode.startswith("w") and ctype in ("name", "param", "function_def", "class_def"):
            return comp.name, DEFINITIONS.get(ctype) or self._binding(ev.component)
        if ctype in ("attribute", "subscript"):
            assigned = mode.startswith("w") or any(
                kind == "assign" or kind.endswith("_assign") for _d, kind in self.deps.get(ev.id, ()))
            match = _ROOT_NAME.match(comp.name)
            if assigned and match:
                return match.group(0), "mutate"
        if ctype == "name" and mode == "r" and ev.id not in self.deps:
            return comp.name, "unresolved"
        return None

    def _version(self, out: Converted, counter: Iterator[int], ev: Evaluation, name: str, scope: str, kind: str,
                 eid: int, part: str | None = None) -> int:
        """A new version; ``part`` is the target of a mutation (``x.a``, ``x[k]``), whose value is what was
        assigned to the part (noWorkflow keeps no value of the whole object)."""
        vid = next(counter)
        self.vid_of[ev.id] = vid
        type_name = "unknown"
        type_id = self.types.get(ev.id)
        if type_id is None and ev.holder is not None:
            type_id = self.types.get(ev.holder)
        type_eval = self.by_id.get(type_id if type_id is not None else -1)
        if type_eval is not None and type_eval.repr:
            match = _CLASS_REPR.fullmatch(type_eval.repr)
            type_name = match.group(1) if match else type_eval.repr
            type_name = type_name[9:] if type_name.startswith("builtins.") else type_name
        text = ev.repr
        value = _scalar(type_name, text)
        if text is not None and value is None:  # "<function f at 0x7f...>": addresses differ in every run
            text = _ADDRESS.sub("", text)
        if part is not None:
            type_name, value, text = "unknown", None, f"{part} = {text}"
        if text is not None and len(text) > REPR_LIMIT:
            text = text[: REPR_LIMIT - 1] + "…"
        out.versions.append((vid, name, scope, kind, eid, type_name, value, text, None, 1))
        if scope != MODULE_SCOPE:
            out.nested = True
        return vid

    def _access(self, out: Converted, counter: Iterator[int], files: dict[tuple[str, str], int],
                reads: dict[int, list[int]], row: tuple[Any, ...], eid: int,
                ev_id: int | None) -> list[tuple[int, int, int | None, int]]:
        _id, name, mode, before, after, checkpoint, _act = row
        path = os.path.normpath(os.path.join(self.cwd, name or ""))
        mode = mode or "r"
        data_before, data_after = self.blob(before), self.blob(after)
        sha_before = _sha256(data_before)
        sha_after = _sha256(data_after)
        size_before = None if data_before is None else len(data_before)
        size_after = None if data_after is None else len(data_after)
        read_vid = write_vid = None
        result = []
        if (not any(c in mode for c in "wx") or "+" in mode) and before:
            read_vid = self._file(out, counter, files, path, before, sha_before, size_before, None)
            if ev_id is not None:
                reads.setdefault(ev_id, []).append(read_vid)
        if any(c in mode for c in "wax+") and after and after != before:
            write_vid = self._file(out, counter, files, path, after, sha_after, size_after, eid)
            previous = None
            if before:
                previous = self._file(out, counter, files, path, before, sha_before, size_before, None)
            result.append((write_vid, ev_id if ev_id is not None else -1, previous, eid))
        elif any(c in mode for c in "wax+") and after:
            write_vid = read_vid
        out.file_accesses.append((next(counter), eid, path, mode, sha_before, size_before,
                                  sha_after if write_vid is not None else None,
                                  size_after if write_vid is not None else None, read_vid, write_vid,
                                  self.started + (checkpoint or 0.0)))
        return result

    def _file(self, out: Converted, counter: Iterator[int], files: dict[tuple[str, str], int], path: str, sha1: str,
              sha256: str | None, size: int | None, eid: int | None) -> int:
        vid = files.get((path, sha1))
        if vid is None:
            vid = files[(path, sha1)] = next(counter)
            summary = f'{{"kind":"file","size":{size if size is not None else "null"},"sha1":"{sha1}"}}'
            out.versions.append((vid, path, "file", "file", eid, "file", sha256, os.path.basename(path), summary, 1))
        return vid

    # -- dataflow ----------------------------------------------------------------------------------------
    def _skip(self, node: int, kind: str) -> bool:
        """Arguments of a call of a user function flow through its parameters, not into its result."""
        return kind == "argument" and node in self.scopes

    def collapsed(self, root: int) -> frozenset[int]:
        """The versions (and file versions) evaluation ``root`` depends on, through intermediate evaluations
        of expressions and calls; the versions themselves stop the walk."""
        memo, vid_of, deps, reads = self._memo, self.vid_of, self.deps, self._reads
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
                if self._skip(node, kind):
                    continue
                if d in vid_of:
                    found.add(vid_of[d])
                else:
                    found |= memo.get(d, frozenset())
            memo[node] = frozenset(found)
        return memo[root]

    def sources(self, ev_id: int) -> set[int]:
        """What version evaluation ``ev_id`` was computed from."""
        found = set(self._reads.get(ev_id, ()))
        for d, kind in self.deps.get(ev_id, ()):
            if self._skip(ev_id, kind):
                continue
            found |= {self.vid_of[d]} if d in self.vid_of else self.collapsed(d)
        return found

    def _dataflow(self, out: Converted, exec_of: dict[int, int]) -> None:
        generated: dict[int, set[int]] = {}
        for vid, _name, _scope, kind, eid, *_rest in out.versions:
            if kind != "file":
                generated.setdefault(eid, set()).add(vid)
        done: set[int] = set()
        for ev in self.evals:
            eid = exec_of.get(ev.id)
            if eid is None:
                continue
            vid = self.vid_of.get(ev.id)
            if vid is not None:
                found = set() if vid in done else self.sources(ev.id)
                done.add(vid)
                found.discard(vid)
                out.derivations.update((vid, s) for s in found)
            else:
                found = set(self.collapsed(ev.id))
            own = generated.get(eid, set())
            out.usages.update((eid, s) for s in found if s not in own)


def _sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _scalar(type_name: str, text: str | None) -> Any:
    """The exact value of a scalar from noWorkflow's ``repr``, or None."""
    if text is None or type_name not in SCALARS:
        return None
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
