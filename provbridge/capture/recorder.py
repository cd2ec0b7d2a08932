"""Runtime recorder: the hooks instrumented code calls, turning executions into versions and dataflow rows."""

from __future__ import annotations

import ast
import builtins
import hashlib
import itertools
import linecache
import os
import sys
import threading
import time
from collections.abc import Callable
from types import CodeType, FunctionType, MethodType, ModuleType
from typing import Any

from provbridge.capture.instrument import AFTER, ENTER, EXIT, RETURN, WALRUS, Instrumenter, StmtInfo
from provbridge.capture.mutation import LIBRARY_MUTATORS, CallSite, FunctionSummary, module_summaries
from provbridge.capture.values import summarize, summarize_final
from provbridge.store.writer import TrialWriter

DEFAULT_FOLD = 10  # executions of one statement per activation recorded one by one before folding

ACTIVE: Recorder | None = None  # the recorder of the trial being captured in this process, if any
FAST_SCALARS = (int, float, bool, type(None))
IMMUTABLE = (int, float, complex, bool, str, bytes, tuple, frozenset, range, type(None))  # never changed in place
FINAL_SCALARS = (int, float, complex, bool, str, bytes, type(None))  # compared by value at the end of a run
FINAL_SIZED = (list, dict, set, bytearray)  # compared by length at the end of a run
MISSING: Any = object()  # a name that is not bound (any more)
_MODULE_DICT: Any = vars(ModuleType)["__dict__"]
_TYPE_DICT: Any = type.__dict__["__dict__"]
_TYPE_MRO: Any = type.__dict__["__mro__"]


class Fold:
    """The one execution and versions that stand for every execution of a statement past the fold limit."""

    __slots__ = ("count", "deps", "dyn", "eid", "epoch", "info", "last", "vids")

    def __init__(self, eid: int, vids: list[int | None], info: StmtInfo) -> None:
        self.eid = eid
        self.vids = vids  # per static target; None for one that is not a variable (a module's "mutation")
        self.info = info
        self.deps: set[int] = set()
        self.epoch = -1
        self.count = 0
        self.last: list[tuple[str, Any, str, str | None] | None] = [None] * len(vids)
        # names changed by calls (not static targets): (name, in module scope) -> [vid, scope, kind, last]
        self.dyn: dict[tuple[str, bool], list[Any]] = {}


class Scope:
    """One activation's state: the versions its names are bound to, fold counters, pending calls/files."""

    __slots__ = (
        "_writers",
        "act",
        "after",
        "callees",
        "code_id",
        "counts",
        "ended",
        "folds",
        "glob",
        "index",
        "label",
        "leave",
        "linked",
        "marks",
        "name",
        "ncalls",
        "nopush",
        "ns",
        "param_deps",
        "params",
        "parent",
        "pending",
        "quiet",
        "ret",
        "stack",
        "started",
        "vars",
        "walrus",
    )

    def __init__(self, act: int, name: str, glob: Scope | None, parent: Scope | None, index: int = -1,
                 callees: dict[int, Scope] | None = None) -> None:
        self.act = act
        self.name = name
        self.glob = glob  # the module scope globals resolve in (None for module scopes)
        self.parent = parent
        self.index = index  # StmtInfo index of the function definition (calls)
        # callee index -> the merged activation of its calls from this function (shared by all its activations)
        self.callees: dict[int, Scope] = {} if callees is None else callees
        self.vars: dict[str, int] = {}
        self.counts: dict[int, int] = {}
        self.folds: dict[int, Fold] = {}
        self.pending: list[Scope] = []
        self._writers: list[Any] = []
        # no pending calls and no file writers: a folded statement's hook then only compares epochs. False
        # once a call is added to ``pending`` or ``writers`` is handed out; set again by a hook seeing both empty
        self.quiet = True
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
        # the hooks the statements of an instrumented function call through its scope (no-ops by default)
        self.after: Callable[..., Any] = _noop
        self.ret: Callable[..., Any] = _passthrough
        self.walrus: Callable[..., Any] = _passthrough
        # the exit hook, called as ``__pb_s__.leave(__pb_s__)``, or by a return that ends the call as
        # ``return __pb_s__.leave(__pb_s__, index, value)``: it returns its last argument
        self.leave: Callable[..., Any] = _last
        self.marks: dict[str, tuple[int, int, Any]] = {}  # module scopes: name -> (vid, id(value), scalar)
        # calls: the stack of the one thread that pushed this activation, so that exit finds it without a
        # thread-local lookup; None when not pushed, or pushed by more than one thread (a merged activation)
        self.stack: list[Scope] | None = None


    @property
    def writers(self) -> list[Any]:
        """File accesses not attached to a statement yet (see files). Whoever gets the list may add to it, so
        the activation is no longer ``quiet``."""
        self.quiet = False
        return self._writers


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
        self.merged: dict[int, dict[int, Scope]] = {}  # calling function -> callee -> merged activation
        self.file_versions: dict[tuple[str, str], int] = {}
        self.sampled: dict[int, tuple[str, str, str, int, str]] = {}  # versions whose hash was sampled
        self.opaque: dict[int, StmtInfo] = {}  # granularity 0: version id of a user function -> its definition
        self.summaries: dict[CodeType, FunctionSummary] = {}  # user functions: what they may change in place
        self.changes_cache: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # id(summary) -> changes
        self.library: dict[int, tuple[int, ...]] = {}  # id(library function) -> argument positions it changes
        self.library_keep: list[Any] = []
        self.library_todo = dict(LIBRARY_MUTATORS)  # not resolved yet (their module is not imported)
        self.library_modules = -1
        self.no_summary: set[CodeType] = set()  # code objects without a summary (library code...)
        self.file_summaries: dict[str, dict[tuple[str, int], FunctionSummary]] = {}
        self.live = False
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
        inst = Instrumenter(source, self.granularity, len(self.infos), module_label)
        tree = inst.module(ast.parse(source, filename=filename))
        infos = inst.infos
        code = compile(tree, filename, "exec", dont_inherit=True)
        self._register_code(code, inst.summaries)
        sha = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        code_id = self.writer.code_id(sha, kind, path if path is not None else filename, source)
        self.register(infos, code_id)
        return code, code_id

    def _register_code(self, code: CodeType, summaries: dict[tuple[str, int], FunctionSummary]) -> None:
        """Attach the functions' static summaries to their code objects (nested ones included)."""
        stack = [code]
        while stack:
            current = stack.pop()
            for const in current.co_consts:
                if isinstance(const, CodeType):
                    summary = summaries.get((const.co_name, const.co_firstlineno))
                    if summary is not None:
                        self.summaries[const] = summary
                    stack.append(const)

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
        scope = Scope(act, label, None, parent, callees=self.merged.setdefault(-1, {}))
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
        if root.folds or root.pending or root._writers:
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
        self.live = True
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
        self.live = False
        setattr(builtins, AFTER, _noop)
        setattr(builtins, ENTER, _idle_enter)
        setattr(builtins, EXIT, _noop)
        setattr(builtins, RETURN, _passthrough)
        setattr(builtins, WALRUS, _passthrough)

    def after(self, s: Scope, i: int, vals: tuple[Any, ...]) -> None:
        """A statement finished: record its execution, what it read, and the versions it bound (``vals``: one
        tuple, not ``*vals``, so the call takes CPython's fast path for exact positional arguments)."""
        try:
            fold = s.folds[i]  # a subscript costs less than .get() on the hot path
        except KeyError:  # not folded (yet)
            if self.enabled:
                self._record(s, i, vals)
            return
        # folded and nothing changed since the last visit: only count (the hot path)
        if s.quiet and fold.epoch == self.epoch:
            fold.count += 1
        elif fold.epoch == self.epoch and not s.pending and not s._writers:
            s.quiet = True
            fold.count += 1
        elif self.enabled:
            self._folded(s, i, vals)

    def _record(self, s: Scope, i: int, vals: tuple[Any, ...]) -> None:
        """A statement not folded (yet): one execution row with its usages, derivations and versions.
        Apart from ``after`` so that the hot path does not create the cells its comprehensions need."""
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
            if s._writers:
                self._feed_writers(s, eid, reads)
            if reads:
                self.b_use.extend([(tid, eid, r) for r in reads])
            if info.targets:
                self._bind(s, info, vals, eid, reads)
            if writes or info.calls:
                for target, name, kind, value in self._changes(s, info, vals, writes):
                    self._bind_one(target, name, kind, value, eid, reads)
                self.epoch += 1
            if info.deletes:
                for name in info.deletes:
                    s.vars.pop(name, None)
                self.epoch += 1
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)

    def ret(self, s: Scope, i: int, value: Any) -> Any:
        """A return statement: binds the call's return version, passes the value through."""
        fold = s.folds.get(i)
        if fold is not None and s.quiet and fold.epoch == self.epoch:
            fold.count += 1
            return value
        self.after(s, i, (value,))  # which also counts a folded statement of an activation found quiet again
        return value

    def walrus(self, s: Scope, i: int, value: Any) -> Any:
        """An assignment expression: binds its name, passes the value through."""
        self.after(s, i, (value,))
        return value

    def enter(self, i: int, args: tuple[Any, ...]) -> Scope:
        """A call of an instrumented user function begins: a new activation, or after ``fold`` calls
        from the same calling function, the one merged activation that stands for all further calls."""
        try:
            stack = self.tls.stack
        except AttributeError:
            stack = self._stack()
        parent = stack[-1] if stack else self.root
        scope = parent.callees.get(i)
        if scope is not None:
            scope.ncalls += 1
            if scope.linked != self.epoch and scope not in parent.pending:
                parent.pending.append(scope)
                parent.quiet = False
            if not scope.nopush:
                if scope.stack is not stack:
                    scope.stack = None  # also entered from another thread: exit looks its stack up
                stack.append(scope)
            return scope
        if not self.enabled:
            return self.dummy
        try:
            info = self.infos[i]
            glob = self.module_scopes.get(info.module) or parent.glob or parent
            key = (parent.index, i)
            n = self.calls.get(key, 0) + 1
            self.calls[key] = n
            scope = self._new_call(parent, glob, i, info, args)
            if n >= self.fold:
                scope.param_deps = set()
                parent.callees[i] = scope
                self.scopes.append(scope)
            parent.pending.append(scope)
            parent.quiet = False
            if not info.nopush:
                scope.stack = stack
                stack.append(scope)
            return scope
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)
            return self.dummy

    def exit(self, s: Scope, i: int = -1, value: Any = None) -> Any:
        """A call of an instrumented user function ends (normally or by an exception), in whichever
        thread (a generator may be closed by another thread than the one that started it). Given the
        index ``i`` of a return statement after which nothing runs before the call ends (see instrument),
        it first does what ``ret`` does, in the same hook call, and returns ``value``."""
        if i >= 0:
            fold = s.folds.get(i)
            if fold is not None and s.quiet and fold.epoch == self.epoch:
                fold.count += 1
            else:
                self.after(s, i, (value,))
        if not self.live:
            return value
        stack = s.stack  # the stack it is on: a function's call ends in the thread it started in
        if stack is None:
            try:
                stack = self.tls.stack
            except AttributeError:
                stack = self._stack()
        if stack and stack[-1] is s:
            stack.pop()
        if s.param_deps is not None or s is self.dummy:
            return value  # merged activations are finalized with the trial
        try:
            s.ended = time.time()
            self._finish_scope(s, status="ok")
        except Exception as exc:  # pragma: no cover - defensive
            self._fail(exc)
        return value

    # -- internals -----------------------------------------------------------------------------------
    def _stack(self) -> list[Scope]:
        try:
            return self.tls.stack
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
        glob = s.glob
        passed = len(info.targets) - info.looked_up
        for k, (name, kind) in enumerate(info.targets):
            target = glob if (glob is not None and name in info.global_names) else s
            if k < passed:
                value = vals[k] if k < len(vals) else None
            else:  # changed in place, possibly deleted meanwhile: read from the namespace, never by name
                value = target.ns.get(name, MISSING) if target.ns is not None else None
                if value is MISSING:
                    target.vars.pop(name, None)
                    continue
            if kind == "mutate" and _is(value, ModuleType):
                continue  # calling a module's function does not make the module a carrier of data
            self._bind_one(target, name, kind, value, eid, reads)
            if kind == "def" and self.granularity == 0 and (info.free_globals or info.global_writes):
                self.opaque[target.vars[name]] = info
            if info.summary is not None or "methods" in info.extra:
                self._register_value(info, value)
        self.epoch += 1

    def _bind_one(self, target: Scope, name: str, kind: str, value: Any, eid: int, reads: list[int]) -> int:
        """A new version of ``name`` in ``target``, generated by execution ``eid``, derived from ``reads``."""
        vid = next(self.ids)
        tid = self.tid
        type_name, scalar, text, summary = summarize(value, name)
        if summary is not None and '"sampled"' in summary:
            before = self.sampled.get(target.vars.get(name, 0)) if kind == "mutate" else None
            if before is not None and before[4] == summary:
                # changed in place where the sample does not look: this version is hashed exactly
                type_name, scalar, text, summary = summarize_final(value, name)
            else:
                self.sampled[vid] = (name, target.name, kind, eid, summary)
        self.b_ver.append((tid, vid, name, target.name, kind, eid, type_name, scalar, text, summary, 1))
        if reads:
            self.b_der.extend([(tid, vid, r) for r in reads if r != vid])
        target.vars[name] = vid
        if target.ns is not None:
            kind_of = type(value)
            target.marks[name] = (vid, id(value), value if kind_of in FINAL_SCALARS else (
                len(value) if kind_of in FINAL_SIZED else MISSING))
        return vid

    def _register_value(self, info: StmtInfo, value: Any) -> None:
        """Attach static summaries to a function (or a class's methods) just defined, for code compiled
        elsewhere (notebook cells)."""
        if info.summary is not None:
            func = _unwrap(value)
            if _is(func, FunctionType):
                self.summaries.setdefault(func.__code__, info.summary)
            return
        methods = info.extra.get("methods")
        if _is(value, type) and isinstance(methods, dict):
            for attr in _TYPE_DICT.__get__(value).values():
                func = _unwrap(attr.__func__ if _is(attr, (staticmethod, classmethod)) else attr)
                if _is(func, FunctionType):
                    summary = methods.get((func.__code__.co_name, func.__code__.co_firstlineno))
                    if summary is not None:
                        self.summaries.setdefault(func.__code__, summary)

    # -- what calls change in place ------------------------------------------------------------------
    def _changes(self, s: Scope, info: StmtInfo, vals: tuple[Any, ...],
                 writes: list[str]) -> list[tuple[Scope, str, str, Any]]:
        """(scope, name, kind, value) of the variables a statement's calls changed beyond its static targets:
        module names an opaque function assigns through ``global`` (granularity 0), and arguments (or, at
        granularity 0, module names) that the called user or library functions change in place."""
        out: list[tuple[Scope, str, str, Any]] = []
        seen = {name for name, _ in info.targets}
        glob = s.glob or s
        for name in writes:
            if name not in seen:
                seen.add(name)
                out.append((glob, name, "global", glob.ns.get(name) if glob.ns is not None else None))
        for site in info.calls:
            try:
                names, changed_globals = self._site_changes(s, info, vals, site)
            except Exception:  # a callee we cannot inspect without running user code: no change known
                continue
            for name in names:
                if name in seen:
                    continue
                value = self._value(s, info, vals, name)
                if value is MISSING or _is(value, IMMUTABLE) or _is(value, ModuleType):
                    continue
                seen.add(name)
                target = s if s.glob is None or name not in info.global_names else s.glob
                out.append((target, name, "mutate", value))
            for name in changed_globals:
                value = glob.ns.get(name, MISSING) if glob.ns is not None else MISSING
                if name in seen or value is MISSING or _is(value, IMMUTABLE) or _is(value, ModuleType):
                    continue
                seen.add(name)
                out.append((glob, name, "mutate", value))
        return out

    def _value(self, s: Scope, info: StmtInfo, vals: tuple[Any, ...], name: str) -> Any:
        """The value of ``name`` after the statement: passed by its hook, or read from the module namespace."""
        passed = len(info.targets) - info.looked_up
        if name in info.extras:
            k = passed + info.extras.index(name)
            return vals[k] if k < len(vals) else MISSING
        for k in range(passed):
            if info.targets[k][0] == name:
                return vals[k] if k < len(vals) else MISSING
        if s.glob is not None and name not in info.global_names:
            return MISSING  # a local variable the hook did not pass
        ns = (s.glob or s).ns
        if ns is None:
            return MISSING
        value = ns.get(name, MISSING)
        return builtins.__dict__.get(name, MISSING) if value is MISSING else value

    def _site_changes(self, s: Scope, info: StmtInfo, vals: tuple[Any, ...],
                      site: CallSite) -> tuple[list[str], frozenset[str]]:
        """The argument variables one call changes, and the module names it changes (granularity 0)."""
        callee, shift = _resolve(lambda name: self._value(s, info, vals, name), site.chain)
        if callee is MISSING:
            return [], frozenset()
        names, changed_globals, home = self._callee_changes(callee, shift, site)
        glob = s.glob or s
        if self.granularity or home is None or home is not glob.ns:
            changed_globals = frozenset()  # recorded by the callee's own statements, or another module's
        return names, changed_globals

    def _callee_changes(self, callee: Any, shift: int,
                        site: CallSite) -> tuple[list[str], frozenset[str], dict[str, Any] | None]:
        """(argument variables changed, module names changed, the callee's module namespace)."""
        positions = self._library_positions(callee)
        if positions:
            names = [n for p in positions if 0 <= p - shift < len(site.args) for n in site.args[p - shift]]
            return names, frozenset(), None
        if _is(callee, MethodType):
            callee, shift = callee.__func__, shift + 1
        func = _unwrap(callee)
        if not _is(func, FunctionType):
            return [], frozenset(), None
        summary = self.summaries.get(func.__code__) or self._summary_from_source(func.__code__)
        if summary is None:
            return [], frozenset(), None
        params, changed_globals = self._function_changes(summary, func.__globals__)
        names = [n for k, arg in enumerate(site.args) if summary.param_at(k + shift) in params for n in arg]
        names.extend(n for kw, arg in site.kwargs if summary.param_for(kw) in params for n in arg)
        return names, changed_globals, func.__globals__

    def _summary_from_source(self, code: CodeType) -> FunctionSummary | None:
        """The summary of a function from a file of the user's that was not instrumented (their modules at
        granularity 0): its source is analysed once, the first time one of its functions is called."""
        if code in self.no_summary:
            return None
        self.no_summary.add(code)
        path = code.co_filename
        summaries = self.file_summaries.get(path)
        if summaries is None:
            summaries = self.file_summaries[path] = {}
            if _user_source(path):
                try:
                    summaries.update(module_summaries(ast.parse("".join(linecache.getlines(path)), path)))
                except (SyntaxError, ValueError, RecursionError):
                    pass
        summary = summaries.get((code.co_name, code.co_firstlineno))
        if summary is not None:
            self.summaries[code] = summary
        return summary

    def _function_changes(self, summary: FunctionSummary,
                          namespace: dict[str, Any] | None) -> tuple[frozenset[str], frozenset[str]]:
        """The parameters and module names a user function may change in place, its calls included
        (resolved in its module's namespace, once per function)."""
        key = id(summary)
        cached = self.changes_cache.get(key)
        if cached is not None:
            return cached
        params, changed = set(summary.mutated_params), set(summary.mutated_globals)
        self.changes_cache[key] = (frozenset(params), frozenset(changed))  # recursion stops here
        ns = namespace or {}
        for site in summary.calls:
            try:
                callee, shift = _resolve(lambda name: ns.get(name, builtins.__dict__.get(name, MISSING)),
                                         site.chain)
                if callee is MISSING:
                    continue
                names, callee_globals, home = self._callee_changes(callee, shift, site)
            except Exception:
                continue
            for name in names:
                (params if name in summary.params else changed).add(name)
            if home is namespace:
                changed.update(callee_globals)
        result = (frozenset(params), frozenset(changed))
        self.changes_cache[key] = result
        return result

    def _library_positions(self, callee: Any) -> tuple[int, ...]:
        """Argument positions a known library function changes in place (see mutation.LIBRARY_MUTATORS)."""
        if self.library_todo and len(sys.modules) != self.library_modules:
            self.library_modules = len(sys.modules)
            for qualname, positions in list(self.library_todo.items()):
                found = _lookup_library(qualname)
                if found is not MISSING:
                    self.library_keep.append(found)
                    self.library[id(found)] = positions
                    del self.library_todo[qualname]
        return self.library.get(id(callee), ())

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

    def _link(self, s: Scope, eid: int, reads: list[int]) -> list[int]:
        """Attach the calls made while the statement ran: their parameters derive from what the statement
        read, and the statement reads their return versions."""
        tid = self.tid
        extra: list[int] = []
        for call in s.pending:
            ret = call.vars.get("return")
            if ret is not None and ret not in reads:
                extra.append(ret)
            if call.params:
                extra.extend(self._changed_params(call, reads))
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

    def _changed_params(self, call: Scope, reads: list[int]) -> list[int]:
        """The versions of a call's parameters that the callee changed in place (granularity 1): the caller's
        statement reads them, so the caller's variables it changes derive from what the callee used."""
        summary = self.infos[call.index].summary
        if summary is None:
            return []
        glob = call.glob
        params, _ = self._function_changes(summary, glob.ns if glob is not None else None)
        if not params:
            return []
        out = []
        for name, initial in zip(self.infos[call.index].params, call.params):
            if name in params:
                current = call.vars.get(name)
                if current is not None and current != initial and current not in reads:
                    out.append(current)
        return out

    def _call_row(self, call: Scope, parent: int | None) -> tuple[Any, ...]:
        return (self.tid, call.act, parent, "call", self.stmt_ids[call.index], None,
                self.infos[call.index].qualname, call.started, call.ended, call.ncalls, None, None, None)

    def _new_call(self, parent: Scope, glob: Scope, i: int, info: StmtInfo, args: tuple[Any, ...]) -> Scope:
        act = next(self.ids)
        scope = Scope(act, info.qualname, glob, parent, i, self.merged.setdefault(i, {}))
        scope.after, scope.ret, scope.walrus, scope.leave = self.after, self.ret, self.walrus, self.exit
        scope.started = time.time()
        scope.nopush = info.nopush
        tid = self.tid
        for name, value in zip(info.params, args):
            vid = next(self.ids)
            type_name, scalar, text, summary = summarize(value, name)
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
            fold = self._start_fold(s, i, info, vals)
        fold.count += 1
        tid = self.tid
        if fold.epoch != self.epoch or s.pending or s._writers:
            reads = self._reads(s, info)
            writes: list[str] = []
            if self.opaque:
                reads, writes = self._expand_opaque(s, reads)
            if s.pending:
                reads = self._link(s, fold.eid, reads)
            if s._writers:
                self._feed_writers(s, fold.eid, reads)
            dyn = fold.dyn
            new = [r for r in reads if r not in fold.deps and r not in fold.vids]
            if new:
                fold.deps.update(new)
                self.b_use.extend([(tid, fold.eid, r) for r in new])
                self.b_der.extend([(tid, v, r) for v in fold.vids if v is not None for r in new])
                self.b_der.extend([(tid, entry[0], r) for entry in dyn.values() for r in new if r != entry[0]])
            if writes or info.calls:
                for target, name, kind, value in self._changes(s, info, vals, writes):
                    key = (name, target is not s)
                    entry = dyn.get(key)
                    if entry is None:
                        dyn_vid = next(self.ids)
                        entry = dyn[key] = [dyn_vid, target, kind, summarize(value, name)]
                        self.b_ver.append((tid, dyn_vid, name, target.name, kind, fold.eid, "folded", None,
                                           None, None, 1))
                        self.b_der.extend([(tid, dyn_vid, r) for r in fold.deps if r != dyn_vid])
                    elif fold.count & (fold.count - 1) == 0:
                        entry[3] = summarize(value, name)
                    if target.vars.get(name) != entry[0]:
                        target.vars[name] = entry[0]
                        self.epoch += 1
        if info.targets:
            glob = s.glob
            passed = len(info.targets) - info.looked_up
            for k, ((name, _kind), vid) in enumerate(zip(info.targets, fold.vids)):
                if vid is None:
                    continue
                target = glob if (glob is not None and name in info.global_names) else s
                if k < passed:
                    value = vals[k] if k < len(vals) else None
                else:
                    value = target.ns.get(name, MISSING) if target.ns is not None else None
                    if value is MISSING:
                        target.vars.pop(name, None)
                        self.epoch += 1
                        continue
                if target.vars.get(name) != vid:
                    target.vars[name] = vid
                    self.epoch += 1
                if type(value) in FAST_SCALARS:
                    fold.last[k] = (type(value).__name__, value, repr(value), None)
                elif fold.count & (fold.count - 1) == 0:
                    fold.last[k] = summarize(value, name)
        if info.deletes:
            for name in info.deletes:
                s.vars.pop(name, None)
        fold.epoch = self.epoch

    def _start_fold(self, s: Scope, i: int, info: StmtInfo, vals: tuple[Any, ...]) -> Fold:
        eid = next(self.ids)
        passed = len(info.targets) - info.looked_up
        glob = s.glob
        vids: list[int | None] = []
        rows = []
        for k, (name, kind) in enumerate(info.targets):
            target = glob if (glob is not None and name in info.global_names) else s
            if kind == "mutate":
                if k < passed:
                    value = vals[k] if k < len(vals) else None
                else:
                    value = target.ns.get(name) if target.ns is not None else None
                if _is(value, ModuleType):
                    vids.append(None)  # a module is not a variable its functions change
                    continue
            vid = next(self.ids)
            vids.append(vid)
            rows.append((self.tid, vid, name, target.name, kind, eid, "folded", None, None, None, 1))
        fold = Fold(eid, vids, info)
        s.folds[i] = fold
        self.b_exec.append((self.tid, eid, s.act, "statement", self.stmt_ids[i], None, info.kind,
                            None, None, 1, None, None, None))
        self.b_ver.extend(rows)
        return fold

    def _write_folds(self, s: Scope) -> None:
        tid = self.tid
        glob = s.glob
        for index, fold in s.folds.items():
            info = fold.info
            self.b_exec.append((tid, fold.eid, s.act, "statement", self.stmt_ids[index], None, info.kind,
                                None, None, fold.count, None, None, None))
            for k, ((name, kind), vid) in enumerate(zip(info.targets, fold.vids)):
                if vid is None:
                    continue
                target = glob if (glob is not None and name in info.global_names) else s
                self._fold_row(target, name, kind, vid, fold, fold.last[k])
            for (name, _), (vid, target, kind, last) in fold.dyn.items():
                self._fold_row(target, name, kind, vid, fold, last)

    def _fold_row(self, target: Scope, name: str, kind: str, vid: int, fold: Fold,
                  last: tuple[str, Any, str | None, str | None] | None) -> None:
        """The final row of a folded version: the last value seen, or the final one if still bound."""
        if target.ns is not None and target.vars.get(name) == vid and name in target.ns:
            last = summarize_final(target.ns[name], name)
        type_name, scalar, text, summary = last if last else ("unknown", None, None, None)
        self.b_ver.append((self.tid, vid, name, target.name, kind, fold.eid, type_name, scalar, text, summary,
                           fold.count))

    def _finish_scope(self, s: Scope, status: str) -> None:
        if s.folds:
            self._write_folds(s)
            s.folds = {}
        if s.pending:
            self._link(s, s.act, [])
        if s._writers:
            from provbridge.capture.files import finish_writers

            finish_writers(self, s, s.act, final=True)
        if s.index >= 0:  # a call; a caller's statement may still re-parent it when it links
            self.b_exec.append(self._call_row(s, s.parent.act if s.parent else None))

    def _final_values(self, scope: Scope) -> None:
        """A ``final`` version for each top-level name whose value at the end of the run is not the one
        last recorded (changed where no statement was recorded: another thread, an opaque call...).
        Compared by identity, by value for scalars and strings, by length for builtin containers; nothing
        is rehashed."""
        ns = scope.ns or {}
        for name, vid in list(scope.vars.items()):
            mark = scope.marks.get(name)
            if mark is None or mark[0] != vid:
                continue
            value = ns.get(name, MISSING)
            if value is MISSING:
                continue
            if id(value) == mark[1]:
                if type(value) not in FINAL_SIZED or len(value) == mark[2]:
                    continue
            elif type(value) in FINAL_SCALARS and type(value) is type(mark[2]) and value == mark[2]:
                continue
            new = next(self.ids)
            type_name, scalar, text, summary = summarize_final(value, name)
            self.b_ver.append((self.tid, new, name, scope.name, "final", scope.act, type_name, scalar, text,
                               summary, 1))
            self.b_der.append((self.tid, new, vid))
            scope.vars[name] = new

    def _rehash_final(self, scope: Scope) -> None:
        """Summarize again, hashing in full, the final values whose hash was sampled while recording."""
        ns = scope.ns or {}
        for name, vid in scope.vars.items():
            row = self.sampled.get(vid)
            if row is None or name not in ns or row[0] != name:
                continue
            type_name, scalar, text, summary = summarize_final(ns[name], name)
            self.b_ver.append((self.tid, vid, name, row[1], row[2], row[3], type_name, scalar, text, summary, 1))

    def _feed_writers(self, s: Scope, eid: int, reads: list[int]) -> None:
        from provbridge.capture.files import feed_writers

        feed_writers(self, s, eid, reads)

    def ids_used(self) -> int:
        """How many ids (executions and versions) this trial has used so far."""
        # the count's repr ("count(N)") reads N without advancing it; copying an itertools object is
        # deprecated from Python 3.12 and warns in a program that shows every warning
        return int(repr(self.ids)[6:-1]) - 1

    def finish(self, status: str = "ok") -> None:
        """Finalize every open activation (folded records, merged calls, module scopes)."""
        self.enabled = False
        for scope in reversed(self.scopes):
            try:
                self._finish_scope(scope, status)
                if scope.ns is not None:
                    self._final_values(scope)
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


def _last(*args: Any) -> Any:
    return args[-1]


_IDLE = Scope(0, "<idle>", None, None)  # what calls get once recording is over: ``leave`` only passes through


def _idle_enter(*args: Any) -> Scope:
    return _IDLE


def _is(value: Any, types: type | tuple[type, ...]) -> bool:
    """``isinstance`` by the real type only: never reads a ``__class__`` the user's code defines."""
    return issubclass(type(value), types)


def _unwrap(func: Any) -> Any:
    """The function a ``functools.wraps`` decorator wrapped (read from the wrapper's own ``__dict__``)."""
    for _ in range(16):
        if not _is(func, FunctionType):
            return func
        inner = func.__dict__.get("__wrapped__", MISSING)
        if inner is MISSING:
            return func
        func = inner
    return func


def _class_attr(cls: type, attr: str) -> Any:
    """``attr`` as defined on ``cls`` or a base, found without running any descriptor or ``__getattr__``."""
    for klass in _TYPE_MRO.__get__(cls):
        found = _TYPE_DICT.__get__(klass).get(attr, MISSING)
        if found is not MISSING:
            return found
    return MISSING


def _resolve(lookup: Callable[[str], Any], chain: tuple[str, ...]) -> tuple[Any, int]:
    """The object a dotted callee names, found without running user code, and how many implicit leading
    arguments a call through it gets (1 for a method called through an instance or a classmethod)."""
    obj = lookup(chain[0])
    shift = 0
    for attr in chain[1:]:
        if obj is MISSING or shift:
            return MISSING, 0
        if _is(obj, ModuleType):
            obj = _MODULE_DICT.__get__(obj).get(attr, MISSING)
        elif _is(obj, type):
            obj = _class_attr(obj, attr)
            if _is(obj, classmethod):
                obj, shift = obj.__func__, 1
            elif _is(obj, staticmethod):
                obj = obj.__func__
        else:
            obj = _class_attr(type(obj), attr)
            if _is(obj, staticmethod):
                obj = obj.__func__
            elif _is(obj, classmethod):
                obj, shift = obj.__func__, 1
            else:
                shift = 1
    return obj, shift


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_LIBRARY_DIRS: tuple[str, ...] | None = None


def _user_source(path: str) -> bool:
    """A ``.py`` file of the user's: not the interpreter's, a site-packages' or provbridge's."""
    global _LIBRARY_DIRS
    if not path.endswith(".py") or not os.path.isabs(path) or path.startswith(_PACKAGE_DIR):
        return False
    if _LIBRARY_DIRS is None:
        from provbridge.capture.importer import library_dirs

        _LIBRARY_DIRS = library_dirs()
    parts = path.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return False
    return not any(path.startswith(lib) for lib in _LIBRARY_DIRS) and os.path.isfile(path)


def _lookup_library(qualname: str) -> Any:
    """The object a ``module.name`` or ``module.Class.method`` names, if its module is imported."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None:
            continue
        obj: Any = module
        for attr in parts[cut:]:
            if _is(obj, ModuleType):
                obj = _MODULE_DICT.__get__(obj).get(attr, MISSING)
            elif _is(obj, type):
                obj = _class_attr(obj, attr)
            else:
                return MISSING
            if obj is MISSING:
                return MISSING
        return obj
    return MISSING


HookFn = Callable[..., Any]
