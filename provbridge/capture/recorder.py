"""Runtime recorder: the hooks instrumented code calls, turning executions into versions and dataflow rows."""

from __future__ import annotations

import builtins
import hashlib
import itertools
import sys
import threading
import time
from collections.abc import Callable
from types import CodeType
from typing import Any

from provbridge.capture.instrument import AFTER, ENTER, EXIT, RETURN, WALRUS, StmtInfo, instrument
from provbridge.capture.values import summarize, summarize_final
from provbridge.store.writer import TrialWriter

DEFAULT_FOLD = 10  # executions of one statement per activation recorded one by one before folding

ACTIVE: Recorder | None = None  # the recorder of the trial being captured in this process, if any
FAST_SCALARS = (int, float, bool, type(None))


class Fold:
    """The one execution and versions that stand for every execution of a statement past the fold limit."""

    __slots__ = ("count", "deps", "eid", "epoch", "info", "last", "vids")

    def __init__(self, eid: int, vids: list[int], info: StmtInfo) -> None:
        self.eid = eid
        self.vids = vids
        self.info = info
        self.deps: set[int] = set()
        self.epoch = -1
        self.count = 0
        self.last: list[tuple[str, Any, str, str | None] | None] = [None] * len(vids)


class Scope:
    """One activation's state: the versions its names are bound to, fold counters, pending calls/files."""

    __slots__ = (
        "act",
        "code_id",
        "counts",
        "ended",
        "folds",
        "glob",
        "index",
        "label",
        "linked",
        "name",
        "ncalls",
        "nopush",
        "ns",
        "param_deps",
        "params",
        "parent",
        "pending",
        "started",
        "vars",
        "writers",
    )

    def __init__(self, act: int, name: str, glob: Scope | None, parent: Scope | None, index: int = -1) -> None:
        self.act = act
        self.name = name
        self.glob = glob  # the module scope globals resolve in (None for module scopes)
        self.parent = parent
        self.index = index  # StmtInfo index of the function definition (calls)
        self.vars: dict[str, int] = {}
        self.counts: dict[int, int] = {}
        self.folds: dict[int, Fold] = {}
        self.pending: list[Scope] = []
        self.writers: list[Any] = []
        self.params: list[int] = []
        self.param_deps: set[int] | None = None  # set only for merged (folded) call scopes
        self.ncalls = 1
        self.linked = -1  # epoch at which a merged call was last linked to its caller's statement
        self.nopush = False
        self.ns: dict[str, Any] | None = None
        self.started = 0.0
        self.ended: float | None = None
        self.code_id: int | None = None
        self.label = name


class Recorder:
    """Receives the hooks of instrumented code for one trial and appends rows to the trial's writer.

    Hooks never raise into the user's program: an internal error disables recording and is reported once.
    """

    def __init__(self, writer: TrialWriter, granularity: int = 0, fold: int = DEFAULT_FOLD) -> None:
        self.writer = writer
        self.tid = writer.trial_id
        self.granularity = granularity
        self.fold = max(1, fold)
        self.infos: list[StmtInfo] = []
        self.stmt_ids: list[int] = []
        self.ids = itertools.count(1)
        self.epoch = 0
        self.tls = threading.local()
        self.enabled = True
        self.error: str | None = None
        self.scopes: list[Scope] = []  # module scopes and merged call scopes, finalized at the end
        self.calls: dict[tuple[int, int], int] = {}  # (calling function, callee) -> calls so far
        self.merged: dict[tuple[int, int], Scope] = {}  # (calling function, callee) -> merged activation
        self.file_versions: dict[tuple[str, str], int] = {}
        self.sampled: dict[int, tuple[str, str, str, int]] = {}  # versions whose hash was sampled
        self.opaque: dict[int, StmtInfo] = {}  # granularity 0: version id of a user function -> its definition
        b = writer.buffers
        self.b_exec, self.b_ver, self.b_der, self.b_use = b["executions"], b["versions"], b["derivations"], b["usages"]
        self.module_scopes: dict[str, Scope] = {}  # module label ('' for __main__) -> its module scope
        self.root = self.new_module_scope("<module>", kind="module", name="__main__")
        self.module_scopes[""] = self.root
        self.session_act = self.root.act
        self._session: tuple[int | None, str, float] = (None, self.root.label, self.root.started)
        self._cell: tuple[int | None, str | None] = (None, None)
        self.dummy = Scope(0, "<disabled>", None, None)
        self.dummy.param_deps = set()

    # -- code ----------------------------------------------------------------------------------------
    def compile(self, source: str, filename: str, kind: str, module_label: str = "",
                path: str | None = None) -> tuple[CodeType, int]:
        """Instrument and compile a module or cell; returns the code object and the code component id.
        Raises SyntaxError as ``compile`` would."""
        tree, infos = instrument(source, filename, self.granularity,
                                 len(self.infos), module_label)
        code = compile(tree, filename, "exec", dont_inherit=True)
        sha = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        code_id = self.writer.code_id(sha, kind, path if path is not None else filename, source)
        self.register(infos, code_id)
        return code, code_id

    def register(self, infos: list[StmtInfo], code_id: int) -> None:
        """Adopt the statements of an instrumented code component (their hook indexes start at
        ``len(self.infos)``), storing them once in the statements table."""
        self.stmt_ids.extend(self.writer.statement_ids(code_id, [i.row() for i in infos]))
        self.infos.extend(infos)

    def new_module_scope(self, label: str, *, kind: str = "module", name: str = "",
                         parent: Scope | None = None, code_id: int | None = None,
                         ns: dict[str, Any] | None = None) -> Scope:
        """A module-level activation (the main script, an imported user module, or a notebook cell)."""
        act = next(self.ids)
        scope = Scope(act, label, None, parent)
        scope.started = time.time()
        scope.ns = ns
        scope.code_id = code_id
        scope.label = name or label
        self.b_exec.append((self.tid, act, parent.act if parent else None, kind, None, code_id, scope.label,
                            scope.started, None, 1, None, None, None))
        self.scopes.append(scope)
        return scope

    def begin_cell(self, code_id: int, exec_count: int | None, cell_id: str | None, label: str) -> int:
        """Start a notebook cell execution: a new activation over the session's persistent namespace
        (the root scope keeps its variables; fold counters are per cell execution)."""
        root = self.root
        if root.folds or root.pending or root.writers:
            self._finish_scope(root, "ok")
        self._session = (root.code_id, root.label, root.started)
        root.act = next(self.ids)
        root.started = time.time()
        root.code_id = code_id
        root.counts = {}
        root.folds = {}
        root.label = label
        self._cell = (exec_count, cell_id)
        self.b_exec.append((self.tid, root.act, self.session_act, "cell", None, code_id, label, root.started,
                            None, 1, None, exec_count, cell_id))
        self.push(root)
        return root.act

    def end_cell(self, status: str) -> None:
        """Finish the current cell execution with status ``ok`` or ``error``."""
        root = self.root
        self.pop(root)
        try:
            self._finish_scope(root, status)
            root.folds = {}
            exec_count, cell_id = self._cell
            self.b_exec.append((self.tid, root.act, self.session_act, "cell", None, root.code_id, root.label,
                                root.started, time.time(), 1, status, exec_count, cell_id))
            root.act = self.session_act
            root.code_id, root.label, root.started = self._session  # the session's own activation
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)

    # -- hooks ---------------------------------------------------------------------------------------
    def install(self) -> None:
        """Make the hooks visible to instrumented code (as builtins)."""
        global ACTIVE
        ACTIVE = self
        setattr(builtins, AFTER, self.after)
        setattr(builtins, ENTER, self.enter)
        setattr(builtins, EXIT, self.exit)
        setattr(builtins, RETURN, self.ret)
        setattr(builtins, WALRUS, self.walrus)

    def uninstall(self) -> None:
        """Turn the hooks into no-ops (instrumented code may still run, e.g. from atexit handlers)."""
        global ACTIVE
        if ACTIVE is self:
            ACTIVE = None
        setattr(builtins, AFTER, _noop)
        setattr(builtins, ENTER, _noop)
        setattr(builtins, EXIT, _noop)
        setattr(builtins, RETURN, _passthrough)
        setattr(builtins, WALRUS, _passthrough)

    def after(self, s: Scope, i: int, *vals: Any) -> None:
        """A statement finished: record its execution, what it read, and the versions it bound."""
        fold = s.folds.get(i)
        if fold is not None:
            # folded and nothing changed since the last visit: only count (the hot path)
            if fold.epoch == self.epoch and not s.pending and not s.writers:
                fold.count += 1
                return
            self._folded(s, i, vals)
            return
        if not self.enabled:
            return
        try:
            n = s.counts.get(i, 0) + 1
            s.counts[i] = n
            if n > self.fold:
                self._folded(s, i, vals)
                return
            info = self.infos[i]
            eid = next(self.ids)
            tid = self.tid
            self.b_exec.append((tid, eid, s.act, "statement", self.stmt_ids[i], None, info.kind,
                                None, None, 1, None, None, None))
            reads = self._reads(s, info)
            writes: list[str] = []
            if self.opaque:
                reads, writes = self._expand_opaque(s, reads)
            if s.pending:
                reads = self._link(s, eid, reads)
            if s.writers:
                self._feed_writers(s, eid, reads)
            if reads:
                self.b_use.extend([(tid, eid, r) for r in reads])
            if info.targets:
                self._bind(s, info, vals, eid, reads)
            if writes:
                self._bind_global_writes(s, writes, eid, reads)
            if info.deletes:
                for name in info.deletes:
                    s.vars.pop(name, None)
                self.epoch += 1
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)

    def ret(self, s: Scope, i: int, value: Any) -> Any:
        """A return statement: binds the call's return version, passes the value through."""
        fold = s.folds.get(i)
        if fold is not None and fold.epoch == self.epoch and not s.pending and not s.writers:
            fold.count += 1
            return value
        self.after(s, i, value)
        return value

    def walrus(self, s: Scope, i: int, value: Any) -> Any:
        """An assignment expression: binds its name, passes the value through."""
        self.after(s, i, value)
        return value

    def enter(self, i: int, args: tuple[Any, ...]) -> Scope:
        """A call of an instrumented user function begins: a new activation, or after ``fold`` calls
        from the same calling function, the one merged activation that stands for all further calls."""
        try:
            stack = self.tls.stack
        except AttributeError:
            stack = self._stack()
        parent = stack[-1] if stack else self.root
        key = (parent.index, i)
        scope = self.merged.get(key)
        if scope is not None:
            scope.ncalls += 1
            if scope.linked != self.epoch and scope not in parent.pending:
                parent.pending.append(scope)
            if not scope.nopush:
                stack.append(scope)
            return scope
        if not self.enabled:
            return self.dummy
        try:
            info = self.infos[i]
            glob = self.module_scopes.get(info.module) or parent.glob or parent
            n = self.calls.get(key, 0) + 1
            self.calls[key] = n
            scope = self._new_call(parent, glob, i, info, args)
            if n >= self.fold:
                scope.param_deps = set()
                self.merged[key] = scope
                self.scopes.append(scope)
            parent.pending.append(scope)
            if not info.nopush:
                stack.append(scope)
            return scope
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)
            return self.dummy

    def exit(self, s: Scope) -> None:
        """A call of an instrumented user function ends (normally or by an exception)."""
        stack = self.tls.stack
        if stack and stack[-1] is s:
            stack.pop()
        if s.param_deps is not None or s is self.dummy:
            return  # merged activations are finalized with the trial
        try:
            s.ended = time.time()
            self._finish_scope(s, status="ok")
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)

    # -- internals -----------------------------------------------------------------------------------
    def _stack(self) -> list[Scope]:
        try:
            return self.tls.stack  # type: ignore[no-any-return]
        except AttributeError:
            stack: list[Scope] = []
            self.tls.stack = stack
            return stack

    def current(self) -> Scope:
        """The innermost activation of the calling thread."""
        stack = self._stack()
        return stack[-1] if stack else self.root

    def push(self, scope: Scope) -> None:
        self._stack().append(scope)

    def pop(self, scope: Scope) -> None:
        stack = self._stack()
        if stack and stack[-1] is scope:
            stack.pop()

    def _reads(self, s: Scope, info: StmtInfo) -> list[int]:
        variables = s.vars
        glob = s.glob
        out = []
        for name in info.reads:
            v = variables.get(name)
            if v is None and glob is not None:
                v = glob.vars.get(name)
            if v is not None:
                out.append(v)
        return out

    def _bind(self, s: Scope, info: StmtInfo, vals: tuple[Any, ...], eid: int, reads: list[int]) -> None:
        tid = self.tid
        b_ver, b_der = self.b_ver, self.b_der
        ids = self.ids
        for (name, kind), value in zip(info.targets, vals):
            vid = next(ids)
            type_name, scalar, text, summary = summarize(value)
            target = s.glob if (s.glob is not None and name in info.global_names) else s
            b_ver.append((tid, vid, name, target.name, kind, eid, type_name, scalar, text, summary, 1))
            if summary is not None and '"sampled"' in summary:
                self.sampled[vid] = (name, target.name, kind, eid)
            if reads:
                b_der.extend([(tid, vid, r) for r in reads if r != vid])
            target.vars[name] = vid
            if kind == "def" and self.granularity == 0 and (info.free_globals or info.global_writes):
                self.opaque[vid] = info
        self.epoch += 1

    def _expand_opaque(self, s: Scope, reads: list[int]) -> tuple[list[int], list[str]]:
        """At granularity 0 calls are opaque: a statement that reads a user function also reads the
        module names that function (and the functions it reads) may read, and rebinds the names it
        assigns through ``global``."""
        opaque = self.opaque
        pending = [v for v in reads if v in opaque]
        if not pending:
            return reads, []
        glob = s.glob or s
        seen = set(reads)
        out = list(reads)
        writes: list[str] = []
        while pending:
            info = opaque[pending.pop()]
            for name in info.free_globals:
                v = glob.vars.get(name)
                if v is not None and v not in seen:
                    seen.add(v)
                    out.append(v)
                    if v in opaque:
                        pending.append(v)
            writes.extend(w for w in info.global_writes if w not in writes)
        return out, writes

    def _bind_global_writes(self, s: Scope, names: list[str], eid: int, reads: list[int]) -> None:
        glob = s.glob or s
        ns = glob.ns or {}
        infos = StmtInfo(0, 0, 0, 0, "global", glob.name, "", targets=tuple((n, "global") for n in names))
        self._bind(glob, infos, tuple(ns.get(n) for n in names), eid, reads)

    def _link(self, s: Scope, eid: int, reads: list[int]) -> list[int]:
        """Attach the calls made while the statement ran: their parameters derive from what the statement
        read, and the statement reads their return versions."""
        tid = self.tid
        extra: list[int] = []
        for call in s.pending:
            ret = call.vars.get("return")
            if ret is not None and ret not in reads:
                extra.append(ret)
            if call.params and reads:
                if call.param_deps is None:
                    self.b_der.extend([(tid, p, r) for p in call.params for r in reads])
                else:
                    new = [r for r in reads if r not in call.param_deps]
                    if new:
                        call.param_deps.update(new)
                        self.b_der.extend([(tid, p, r) for p in call.params for r in new])
            if call.param_deps is None:
                self.b_exec.append(self._call_row(call, eid))
            else:
                call.linked = self.epoch
        s.pending.clear()
        return reads + extra if extra else reads

    def _call_row(self, call: Scope, parent: int | None) -> tuple[Any, ...]:
        return (self.tid, call.act, parent, "call", self.stmt_ids[call.index], None,
                self.infos[call.index].qualname, call.started, call.ended, call.ncalls, None, None, None)

    def _new_call(self, parent: Scope, glob: Scope, i: int, info: StmtInfo, args: tuple[Any, ...]) -> Scope:
        act = next(self.ids)
        scope = Scope(act, info.qualname, glob, parent, i)
        scope.started = time.time()
        scope.nopush = info.nopush
        tid = self.tid
        for name, value in zip(info.params, args):
            vid = next(self.ids)
            type_name, scalar, text, summary = summarize(value)
            self.b_ver.append((tid, vid, name, info.qualname, "param", act, type_name, scalar, text, summary, 1))
            scope.vars[name] = vid
            scope.params.append(vid)
        self.b_exec.append(self._call_row(scope, parent.act))
        self.epoch += 1
        return scope

    def _folded(self, s: Scope, i: int, vals: tuple[Any, ...]) -> None:
        fold = s.folds.get(i)
        info = self.infos[i]
        if fold is None:
            fold = self._start_fold(s, i, info)
        fold.count += 1
        tid = self.tid
        if fold.epoch != self.epoch or s.pending or s.writers:
            reads = self._reads(s, info)
            if s.pending:
                reads = self._link(s, fold.eid, reads)
            if s.writers:
                self._feed_writers(s, fold.eid, reads)
            new = [r for r in reads if r not in fold.deps and r not in fold.vids]
            if new:
                fold.deps.update(new)
                self.b_use.extend([(tid, fold.eid, r) for r in new])
                self.b_der.extend([(tid, v, r) for v in fold.vids for r in new])
        if info.targets:
            variables = s.vars
            glob = s.glob
            for k, ((name, _kind), vid) in enumerate(zip(info.targets, fold.vids)):
                target = glob if (glob is not None and name in info.global_names) else s
                if target.vars.get(name) != vid:
                    target.vars[name] = vid
                    self.epoch += 1
                value = vals[k] if k < len(vals) else None
                if type(value) in FAST_SCALARS:
                    fold.last[k] = (type(value).__name__, value, repr(value), None)
                elif fold.count & (fold.count - 1) == 0:
                    fold.last[k] = summarize(value)
            del variables
        if info.deletes:
            for name in info.deletes:
                s.vars.pop(name, None)
        fold.epoch = self.epoch

    def _start_fold(self, s: Scope, i: int, info: StmtInfo) -> Fold:
        eid = next(self.ids)
        vids = [next(self.ids) for _ in info.targets]
        fold = Fold(eid, vids, info)
        s.folds[i] = fold
        self.b_exec.append((self.tid, eid, s.act, "statement", self.stmt_ids[i], None, info.kind,
                            None, None, 1, None, None, None))
        for (name, kind), vid in zip(info.targets, vids):
            self.b_ver.append((self.tid, vid, name, s.name, kind, eid, "folded", None, None, None, 1))
        return fold

    def _write_folds(self, s: Scope) -> None:
        tid = self.tid
        for index, fold in s.folds.items():
            info = fold.info
            self.b_exec.append((tid, fold.eid, s.act, "statement", self.stmt_ids[index], None, info.kind,
                                None, None, fold.count, None, None, None))
            for k, ((name, kind), vid) in enumerate(zip(info.targets, fold.vids)):
                last = fold.last[k]
                if s.ns is not None and s.vars.get(name) == vid and name in s.ns:
                    last = summarize_final(s.ns[name])
                type_name, scalar, text, summary = last if last else ("unknown", None, None, None)
                self.b_ver.append((tid, vid, name, s.name, kind, fold.eid, type_name, scalar, text, summary,
                                   fold.count))

    def _finish_scope(self, s: Scope, status: str) -> None:
        if s.folds:
            self._write_folds(s)
            s.folds = {}
        if s.pending:
            self._link(s, s.act, [])
        if s.writers:
            from provbridge.capture.files import finish_writers

            finish_writers(self, s, s.act, final=True)
        if s.index >= 0:  # a call; a caller's statement may still re-parent it when it links
            self.b_exec.append(self._call_row(s, s.parent.act if s.parent else None))

    def _rehash_final(self, scope: Scope) -> None:
        """Summarize again, hashing in full, the final values whose hash was sampled while recording."""
        ns = scope.ns or {}
        for name, vid in scope.vars.items():
            row = self.sampled.get(vid)
            if row is None or name not in ns or row[0] != name:
                continue
            type_name, scalar, text, summary = summarize_final(ns[name])
            self.b_ver.append((self.tid, vid, name, row[1], row[2], row[3], type_name, scalar, text, summary, 1))

    def _feed_writers(self, s: Scope, eid: int, reads: list[int]) -> None:
        from provbridge.capture.files import feed_writers

        feed_writers(self, s, eid, reads)

    def finish(self, status: str = "ok") -> None:
        """Finalize every open activation (folded records, merged calls, module scopes)."""
        self.enabled = False
        for scope in reversed(self.scopes):
            try:
                self._finish_scope(scope, status)
                if scope.ns is not None:
                    self._rehash_final(scope)
                if scope.index < 0:  # module scope: close its execution row
                    self.b_exec.append((self.tid, scope.act, scope.parent.act if scope.parent else None,
                                        "module", None, scope.code_id, scope.label, scope.started, time.time(),
                                        1, status, None, None))
            except Exception as exc:  # pragma: no cover - defensive
                self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        if self.error is None:
            self.error = f"{type(exc).__name__}: {exc}"
            print(f"provbridge: recording stopped after an internal error ({self.error})", file=sys.stderr)
        self.enabled = False


def _noop(*args: Any) -> None:
    return None


def _passthrough(_scope: Any, _index: int, value: Any) -> Any:
    return value


HookFn = Callable[..., Any]
