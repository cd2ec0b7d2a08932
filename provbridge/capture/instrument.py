"""AST instrumentation: adds recorder hooks to user code and describes each statement's reads and writes."""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from provbridge.capture.mutation import (
    CallSite,
    FunctionSummary,
    expression_effects,
    first_line,
    function_locals,
    module_summaries,
)

# Names of the hooks (found in builtins) and of the scope variable the instrumented code keeps.
AFTER, ENTER, EXIT, RETURN, WALRUS = "__pb_after__", "__pb_enter__", "__pb_exit__", "__pb_ret__", "__pb_walrus__"
SCOPE = "__pb_s__"
HOOK_NAMES = frozenset({AFTER, ENTER, EXIT, RETURN, WALRUS, SCOPE})
_SCOPE_HOOKS = {AFTER: "after", RETURN: "ret", WALRUS: "walrus"}  # the same hooks as attributes of a call's scope


@dataclass
class StmtInfo:
    """Static description of one instrumented statement (or function definition, for calls)."""

    lineno: int
    col: int
    end_lineno: int
    end_col: int
    kind: str  # AST node type
    scope: str  # '<module>' or the function's qualified name
    text: str
    reads: tuple[str, ...] = ()
    targets: tuple[tuple[str, str], ...] = ()  # (name, version kind), in the order values are passed
    deletes: tuple[str, ...] = ()
    params: tuple[str, ...] = ()  # for function definitions: parameter names in the order passed
    nopush: bool = False  # generators and coroutines do not nest on the call stack
    qualname: str = ""  # for function definitions
    global_names: frozenset[str] = frozenset()  # names declared `global` in the enclosing function
    free_globals: tuple[str, ...] = ()  # function definitions: module names the body may read
    global_writes: tuple[str, ...] = ()  # function definitions: module names the body assigns (`global`)
    module: str = ""  # the module whose globals the statement sees ('' for the main script or notebook)
    extra: dict[str, object] = field(default_factory=dict)
    # The hook passes the values of the targets but the last ``looked_up`` ones (module names that the
    # statement changes in place: the recorder reads them from the namespace, as they may be gone), then
    # the values of the local names in ``extras`` (callees and arguments of ``calls``).
    looked_up: int = 0
    extras: tuple[str, ...] = ()
    calls: tuple[CallSite, ...] = ()  # calls whose callee may change their arguments, resolved at run time
    summary: FunctionSummary | None = None  # function definitions: what the function may change in place

    def row(self) -> tuple[int, int, int, int, str, str, str]:
        """The statements-table row ``(lineno, col, end_lineno, end_col, kind, scope, text)``."""
        return (self.lineno, self.col, self.end_lineno, self.end_col, self.kind, self.scope, self.text)


# -- static analysis ---------------------------------------------------------------------------------
class _Reads(ast.NodeVisitor):
    """Collects the free names an expression loads, honouring comprehension and lambda scopes."""

    def __init__(self) -> None:
        self.names: dict[str, None] = {}
        self.bound: list[set[str]] = []

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and not any(node.id in b for b in self.bound):
            if node.id not in HOOK_NAMES:
                self.names[node.id] = None

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        bound: set[str] = set()
        for gen in node.generators:
            bound.update(_store_names(gen.target))
        # the first iterable is evaluated in the enclosing scope
        self.visit(node.generators[0].iter)
        self.bound.append(bound)
        for i, gen in enumerate(node.generators):
            if i:
                self.visit(gen.iter)
            for cond in gen.ifs:
                self.visit(cond)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.bound.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in (*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]):
            self.visit(default)
        a = node.args
        params = {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
        params.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
        self.bound.append(params)
        self.visit(node.body)
        self.bound.pop()


def reads_of(nodes: Iterable[ast.AST | None]) -> tuple[str, ...]:
    """Free names loaded by the given expressions, in first-seen order."""
    collector = _Reads()
    for node in nodes:
        if node is not None:
            collector.visit(node)
    return tuple(collector.names)


def _store_names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def targets_of(target: ast.AST, kind: str) -> list[tuple[str, str]]:
    """``(name, version kind)`` bound by an assignment target; attribute/item targets mutate their root."""
    if isinstance(target, ast.Name):
        return [(target.id, kind)]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for elt in target.elts for t in targets_of(elt, kind)]
    if isinstance(target, ast.Starred):
        return targets_of(target.value, kind)
    root = _root_name(target)
    return [(root, "mutate")] if root else []


def _pattern_names(pattern: ast.pattern) -> list[str]:
    names: list[str] = []
    for node in ast.walk(pattern):
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.append(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.append(node.rest)
    return names


def _dedupe(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for name, kind in pairs:
        if name not in seen:
            seen[name] = kind
    return tuple(seen.items())


def function_globals(
    func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names the function may read from its module, names it assigns there through ``global``)."""
    a = func.args
    local = {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
    local.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
    declared: set[str] = set()
    loads: dict[str, None] = {}
    stores: set[str] = set()
    body = func.body if isinstance(func.body, list) else [func.body]
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):  # type: ignore[arg-type]
        if isinstance(node, ast.Global):
            declared.update(node.names)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                loads[node.id] = None
            else:
                stores.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stores.update((alias.asname or alias.name.split(".")[0]) for alias in node.names)
    local |= stores - declared
    free = tuple(n for n in loads if n not in local and n not in HOOK_NAMES)
    return free, tuple(sorted(declared & stores))


def _is_generator(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if isinstance(func, ast.AsyncFunctionDef):
        return True
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


# -- the transformer -----------------------------------------------------------------------------------
def _name(identifier: str) -> ast.Name:
    return ast.Name(id=identifier, ctx=ast.Load())


def _call(func: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=_name(func), args=list(args), keywords=[])


# At interpreter shutdown Python restores its original builtins, so a ``__del__`` or a finalizer that runs
# then no longer finds ``__pb_enter__``: the call then gets an idle scope built from nothing but syntax
# (``().__class__.__class__`` is ``type``; no name the program could shadow), whose hooks pass values through.
_IDLE_SCOPE = ast.parse(
    "().__class__.__class__('', (), {'after': lambda *a: None, 'ret': lambda *a: a[-1],"
    " 'walrus': lambda *a: a[-1], 'leave': lambda *a: a[-1]})", mode="eval").body


def _scope_call(attr: str, *args: ast.expr) -> ast.Call:
    """``__pb_s__.attr(__pb_s__, *args)``: a hook of the call's scope, which needs no builtin (a generator closed
    at interpreter shutdown runs its hooks after Python has restored its original builtins)."""
    func = ast.Attribute(value=_name(SCOPE), attr=attr, ctx=ast.Load())
    return ast.Call(func=func, args=[_name(SCOPE), *args], keywords=[])


def _returns_end_the_call(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether nothing can run between any ``return`` of ``func`` and the end of its call: not a generator,
    and no return inside a ``try`` (a finally, a handler's cleanup), a ``with`` (``__exit__``) or a ``for``
    (dropping the iterator may close a generator, whose cleanup can call functions)."""
    if _is_generator(func):
        return False
    stack: list[tuple[ast.AST, bool]] = [(stmt, False) for stmt in func.body]
    while stack:
        node, guarded = stack.pop()
        if isinstance(node, ast.Return) and guarded:
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        inner = guarded or isinstance(node, _GUARDS) or type(node).__name__ == "TryStar"
        stack.extend((child, inner) for child in ast.iter_child_nodes(node) if isinstance(child, _BLOCK_NODES))
    return True


_GUARDS = (ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor)
_BLOCK_NODES = (ast.stmt, ast.excepthandler, ast.match_case)


def _guarded_enter(index: int, params: list[str]) -> ast.Try:
    """``try: __pb_s__ = __pb_enter__(index, (params...)) except NameError: __pb_s__ = <idle scope>``."""
    store = ast.Name(id=SCOPE, ctx=ast.Store())
    call = _call(ENTER, ast.Constant(index), ast.Tuple(elts=[_name(p) for p in params], ctx=ast.Load()))
    fallback = ast.Assign(targets=[ast.Name(id=SCOPE, ctx=ast.Store())], value=copy.deepcopy(_IDLE_SCOPE))
    handler = ast.ExceptHandler(type=_name("NameError"), name=None, body=[fallback])
    return ast.Try(body=[ast.Assign(targets=[store], value=call)], handlers=[handler], orelse=[], finalbody=[])


class Instrumenter:
    """Rewrites one module (script, imported module or notebook cell) and collects its StmtInfos.

    ``first_index`` is the recorder's index of the first statement, so hook calls carry a global index.
    With ``granularity`` 0 only module-level statements get hooks; with 1, function bodies too.
    """

    def __init__(self, source: str, granularity: int, first_index: int, module_label: str = "") -> None:
        self.lines = source.splitlines()
        self.granularity = granularity
        self.first_index = first_index
        self.module_label = module_label
        self.infos: list[StmtInfo] = []
        self.globals: list[frozenset[str]] = [frozenset()]
        self.functions: list[set[str]] = []  # local names of the enclosing instrumented functions
        self.ending: list[bool] = []  # per enclosing function: whether its returns end the call
        self.summaries: dict[tuple[str, int], FunctionSummary] = {}

    def _info(self, node: ast.stmt, scope: str, **kw: object) -> int:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        text = line[node.col_offset:].strip() if node.lineno == node.end_lineno else line[node.col_offset:].rstrip()
        if node.end_lineno != node.lineno:
            text = text.rstrip() + " …"
        if len(text) > 120:
            text = text[:119] + "…"
        info = StmtInfo(
            node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0,
            type(node).__name__, scope, text, **kw,  # type: ignore[arg-type]
        )
        info.global_names = self.globals[-1]
        info.module = self.module_label
        self.infos.append(info)
        return self.first_index + len(self.infos) - 1

    def _hook_call(self, hook: str, *args: ast.expr) -> ast.Call:
        """``hook(__pb_s__, ...)``; inside a function ``__pb_s__.hook(__pb_s__, ...)``, which needs no builtin:
        a generator finalized at interpreter shutdown runs after Python restored its original builtins."""
        if not self.functions:
            return _call(hook, _name(SCOPE), *args)
        return _scope_call(_SCOPE_HOOKS[hook], *args)

    def _hook(self, node: ast.stmt, index: int, values: Iterable[str]) -> ast.stmt:
        """``after(__pb_s__, index, (values...))``: the values in one tuple, so the hook takes exact arguments."""
        passed = ast.Tuple(elts=[_name(v) for v in values], ctx=ast.Load())
        call = self._hook_call(AFTER, ast.Constant(index), passed)
        return ast.copy_location(ast.Expr(value=call), node)

    def _is_local(self, name: str) -> bool:
        """Whether ``name`` is a local (or closure) variable where the current statement runs."""
        if not self.functions or name in self.globals[-1]:
            return False
        return any(name in local for local in self.functions)

    def _effects(self, node: ast.stmt, scope: str, targets: Iterable[tuple[str, str]],
                 exprs: Iterable[ast.AST | None], *, calls: bool = True, **kw: object) -> tuple[int, list[str]]:
        """Record a statement whose own expressions are ``exprs``: its targets plus the receivers its method
        calls may change, and its call sites. Returns its index and the names its hook passes."""
        receivers, sites = expression_effects(exprs)
        merged = _dedupe([*targets, *[(r, "mutate") for r in receivers]])
        passed = [t for t in merged if t[1] != "mutate" or self._is_local(t[0])]
        looked = [t for t in merged if t[1] == "mutate" and not self._is_local(t[0])]
        extras: list[str] = []
        free: set[str] = {name for name, _ in looked}
        if not calls:
            sites = ()
        elif self.functions:
            names = [t for t, _ in passed]
            for site in sites:
                for name in (site.chain[0], *site.names()):
                    if self._is_local(name):
                        if name not in names and name not in extras:
                            extras.append(name)
                    else:
                        free.add(name)
        index = self._info(node, scope, targets=tuple(passed + looked), looked_up=len(looked),
                           extras=tuple(extras), calls=tuple(sites), **kw)
        if free and self.functions:
            self.infos[-1].global_names = self.infos[-1].global_names | free
        return index, [t for t, _ in passed] + extras

    # -- module and blocks ------------------------------------------------------------------------
    def module(self, tree: ast.Module) -> ast.Module:
        self.summaries = module_summaries(tree)
        tree.body = self.block(tree.body, "<module>" if not self.module_label else f"<module {self.module_label}>", "")
        return ast.fix_missing_locations(tree)

    def block(self, body: list[ast.stmt], scope: str, qual: str) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            out.extend(self.statement(stmt, scope, qual))
        return out

    def statement(self, node: ast.stmt, scope: str, qual: str) -> list[ast.stmt]:
        """The instrumented replacement of one statement (its hook follows it, or opens its body)."""
        self._walrus(node, scope)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._function(node, scope, qual)
        if isinstance(node, ast.ClassDef):
            return self._class(node, scope, qual)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            if isinstance(node, ast.Assign):
                targets = _dedupe(t for tgt in node.targets for t in targets_of(tgt, "assign"))
                reads = reads_of([*node.targets, node.value])
                exprs: list[ast.AST | None] = [*node.targets, node.value]
            elif isinstance(node, ast.AugAssign):
                kind = "assign" if isinstance(node.target, ast.Name) else "mutate"
                targets = _dedupe(t for t in targets_of(node.target, kind))
                root = _root_name(node.target)
                reads = reads_of([node.target, node.value])
                if root and root not in reads:
                    reads = (root, *reads)
                exprs = [node.target, node.value]
            else:
                if node.value is None:
                    return [node]
                targets = _dedupe(targets_of(node.target, "assign"))
                reads = reads_of([node.target, node.value])
                exprs = [node.target, node.value]
            index, values = self._effects(node, scope, targets, exprs, reads=reads)
            return [node, self._hook(node, index, values)]
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant):
                return [node]
            index, values = self._effects(node, scope, (), [node.value], reads=reads_of([node.value]))
            return [node, self._hook(node, index, values)]
        if isinstance(node, ast.Delete):
            deletes = tuple(t.id for t in node.targets if isinstance(t, ast.Name))
            targets = _dedupe(
                t for tgt in node.targets if not isinstance(tgt, ast.Name) for t in targets_of(tgt, "mutate")
            )
            index, values = self._effects(node, scope, targets, node.targets, reads=reads_of(node.targets),
                                          deletes=deletes)
            return [node, self._hook(node, index, values)]
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return [node]  # nothing may come before or between future imports
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = tuple(
                (alias.asname or alias.name.split(".")[0], "import") for alias in node.names if alias.name != "*"
            )
            index = self._info(node, scope, targets=names)
            return [node, self._hook(node, index, [t for t, _ in names])]
        if isinstance(node, (ast.For, ast.AsyncFor)):
            targets = _dedupe(targets_of(node.target, "for"))
            index, values = self._effects(node, scope, targets, [node.iter], calls=False,
                                          reads=reads_of([node.iter]))
            node.body = [self._hook(node, index, values), *self.block(node.body, scope, qual)]
            node.orelse = self.block(node.orelse, scope, qual)
            return [node]
        if isinstance(node, (ast.With, ast.AsyncWith)):
            targets = _dedupe(
                t for item in node.items if item.optional_vars for t in targets_of(item.optional_vars, "with")
            )
            contexts = [i.context_expr for i in node.items]
            index, values = self._effects(node, scope, targets, contexts, calls=False, reads=reads_of(contexts))
            node.body = [self._hook(node, index, values), *self.block(node.body, scope, qual)]
            return [node]
        if isinstance(node, (ast.If, ast.While)):
            node.body = self.block(node.body, scope, qual)
            node.orelse = self.block(node.orelse, scope, qual)
            return [node]
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            node.body = self.block(node.body, scope, qual)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                handler.body = self.block(handler.body, scope, qual)
                if handler.name:
                    index = self._info(handler, scope, reads=reads_of([handler.type]),
                                       targets=((handler.name, "except"),))
                    handler.body.insert(0, self._hook(handler, index, [handler.name]))
            node.orelse = self.block(node.orelse, scope, qual)  # type: ignore[attr-defined]
            node.finalbody = self.block(node.finalbody, scope, qual)  # type: ignore[attr-defined]
            return [node]
        if isinstance(node, ast.Match):
            subject_reads = reads_of([node.subject])
            for case in node.cases:
                case.body = self.block(case.body, scope, qual)
                bound = _pattern_names(case.pattern)
                reads = (*subject_reads, *[r for r in reads_of([case.guard]) if r not in bound])
                index = self._info(case.pattern, scope, reads=reads,  # type: ignore[arg-type]
                                   targets=tuple((n, "match") for n in bound))
                self.infos[-1].kind = "MatchCase"
                case.body.insert(0, self._hook(node, index, bound))
            return [node]
        if isinstance(node, ast.Return):
            if scope.startswith("<module"):
                return [node]
            receivers, _sites = expression_effects([node.value])
            # the return hook passes one value: changes to module names only (looked up by the recorder)
            looked = [(r, "mutate") for r in receivers if not self._is_local(r) and r != "return"]
            index = self._info(node, scope, reads=reads_of([node.value]),
                               targets=(("return", "return"), *looked), looked_up=len(looked))
            if looked:
                self.infos[-1].global_names = self.infos[-1].global_names | {r for r, _ in looked}
            value = node.value if node.value is not None else ast.Constant(None)
            if self.ending[-1]:
                hook = _scope_call("leave", ast.Constant(index), value)  # the return hook's work, then exit
            else:
                hook = self._hook_call(RETURN, ast.Constant(index), value)
            node.value = ast.copy_location(hook, value)
            return [node]
        if isinstance(node, ast.Assert):
            exprs = [node.test, node.msg]
            index, values = self._effects(node, scope, (), exprs, reads=reads_of(exprs))
            return [node, self._hook(node, index, values)]
        if isinstance(node, ast.Global):
            return [node]
        return [node]  # pass, break, continue, raise, nonlocal

    # -- walrus: (name := value) anywhere in the statement's own expressions ----------------------
    def _walrus(self, node: ast.stmt, scope: str) -> None:
        for parent in _own_expressions(node):
            for child in list(ast.walk(parent)):
                for fname, value in ast.iter_fields(child):
                    if isinstance(value, ast.NamedExpr):
                        setattr(child, fname, self._wrap_walrus(node, value, scope))
                    elif isinstance(value, list):
                        for i, item in enumerate(value):
                            if isinstance(item, ast.NamedExpr):
                                value[i] = self._wrap_walrus(node, item, scope)
            for fname, value in ast.iter_fields(node):
                if isinstance(value, ast.NamedExpr):
                    setattr(node, fname, self._wrap_walrus(node, value, scope))

    def _wrap_walrus(self, stmt: ast.stmt, expr: ast.NamedExpr, scope: str) -> ast.expr:
        if getattr(expr, "_pb_done", False):
            return expr
        expr._pb_done = True  # type: ignore[attr-defined]
        name = expr.target.id
        index = self._info(stmt, scope, reads=reads_of([expr.value]), targets=((name, "walrus"),))
        self.infos[-1].kind = "NamedExpr"
        self.infos[-1].col = expr.col_offset
        return ast.copy_location(self._hook_call(WALRUS, ast.Constant(index), expr), expr)

    # -- definitions ------------------------------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: str, qual: str) -> list[ast.stmt]:
        a = node.args
        defaults = [*a.defaults, *[d for d in a.kw_defaults if d is not None]]
        params = [p.arg for p in (*a.posonlyargs, *a.args)]
        if a.vararg:
            params.append(a.vararg.arg)
        params.extend(p.arg for p in a.kwonlyargs)
        if a.kwarg:
            params.append(a.kwarg.arg)
        qualname = f"{qual}{node.name}"
        if self.module_label:
            qualname_full = f"{self.module_label}.{qualname}"
        else:
            qualname_full = qualname
        index = self._info(
            node, scope, reads=reads_of([*node.decorator_list, *defaults]), targets=((node.name, "def"),),
            params=tuple(params), nopush=_is_generator(node), qualname=qualname_full,
        )
        self.infos[-1].free_globals, self.infos[-1].global_writes = function_globals(node)
        self.infos[-1].summary = self.summaries.get((node.name, first_line(node)))
        if self.granularity >= 1:
            body = list(node.body)
            doc: list[ast.stmt] = []
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc = [body.pop(0)]
            self.globals.append(frozenset(
                name for stmt in ast.walk(ast.Module(body=body, type_ignores=[]))
                if isinstance(stmt, ast.Global) for name in stmt.names
            ))
            self.functions.append(function_locals(node)[0])
            ending = _returns_end_the_call(node)
            self.ending.append(ending)
            inner = self.block(body, qualname_full, f"{qualname}.<locals>.") or [ast.Pass()]
            self.ending.pop()
            self.functions.pop()
            self.globals.pop()
            first = body[0] if body else node
            enter = _guarded_enter(index, params)
            if ending:
                # its returns call leave(index, value); leave() runs when the body falls off its end or raises:
                # try: body; leave() / except BaseException: leave(); raise (a bare raise keeps the traceback)
                handler = ast.ExceptHandler(type=_name("BaseException"), name=None,
                                            body=[ast.Expr(value=_scope_call("leave")), ast.Raise()])
                guarded = ast.Try(body=[*inner, ast.Expr(value=_scope_call("leave"))], handlers=[handler],
                                  orelse=[], finalbody=[])
            else:
                guarded = ast.Try(body=inner, handlers=[], orelse=[], finalbody=[ast.Expr(value=_scope_call("leave"))])
            for new in (enter, guarded, *guarded.handlers, *guarded.finalbody):
                ast.copy_location(new, first)
            ast.fix_missing_locations(guarded)
            node.body = [*doc, enter, guarded]
        return [node, self._hook(node, index, [node.name])]

    def _class(self, node: ast.ClassDef, scope: str, qual: str) -> list[ast.stmt]:
        body_defined = {n for stmt in node.body for n in _defined_names(stmt)}
        body_reads = [
            name for name in reads_of(_class_level_expressions(node.body)) if name not in body_defined
        ]
        header = reads_of([*node.decorator_list, *node.bases, *[k.value for k in node.keywords]])
        index = self._info(
            node, scope, reads=tuple(dict.fromkeys([*header, *body_reads])), targets=((node.name, "class"),),
        )
        methods = {
            (m.name, first_line(m)): self.summaries[(m.name, first_line(m))] for m in node.body
            if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and (m.name, first_line(m)) in self.summaries
        }
        if methods:
            self.infos[-1].extra["methods"] = methods
        if self.granularity >= 1:
            prefix = f"{qual}{node.name}."
            new_body: list[ast.stmt] = []
            for stmt in node.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    # methods: instrument the body, but bind no version inside the class namespace
                    self._function(stmt, scope, prefix)
                    new_body.append(stmt)
                else:
                    new_body.append(stmt)
            node.body = new_body
        return [node, self._hook(node, index, [node.name])]


def _defined_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    return [n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]


def _class_level_expressions(body: list[ast.stmt]) -> list[ast.AST]:
    """Expressions a class body evaluates when the class is created (method bodies excluded)."""
    out: list[ast.AST] = []
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.extend(stmt.decorator_list)
            out.extend(stmt.args.defaults)
            out.extend(d for d in stmt.args.kw_defaults if d is not None)
        elif isinstance(stmt, ast.ClassDef):
            out.extend(_class_level_expressions(stmt.body))
            out.extend(stmt.bases)
        else:
            out.append(stmt)
    return out


def _own_expressions(node: ast.stmt) -> Iterator[ast.AST]:
    """The expressions a statement evaluates itself (not the bodies of compound statements)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    for name, value in ast.iter_fields(node):
        if name in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        if isinstance(value, ast.AST):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, ast.AST))


def instrument(
    source: str, filename: str, granularity: int, first_index: int, module_label: str = ""
) -> tuple[ast.Module, list[StmtInfo]]:
    """Parse and instrument ``source``; raises SyntaxError exactly as ``compile`` would."""
    tree = ast.parse(source, filename=filename)
    inst = Instrumenter(source, granularity, first_index, module_label)
    return inst.module(tree), inst.infos
