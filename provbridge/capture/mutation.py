"""Static "may mutate" analysis: which receivers, arguments, parameters and module names code may change in place."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

# Methods known not to change their receiver: a call of one of them is not a mutation. Everything else
# called as a method is taken to change its receiver (erring on the side of recording).
READ_ONLY_METHODS: frozenset[str] = frozenset({
    # scikit-learn style estimators
    "transform", "predict", "predict_proba", "predict_log_proba", "decision_function", "score",
    "score_samples", "inverse_transform", "get_params", "get_feature_names_out", "staged_predict",
    # dicts, lists, sets, strings, bytes
    "copy", "get", "items", "keys", "values", "count", "index", "format", "format_map", "join", "split",
    "rsplit", "splitlines", "partition", "rpartition", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "lower", "upper", "casefold", "title", "capitalize", "swapcase", "center", "ljust", "rjust", "zfill",
    "find", "rfind", "rindex", "encode", "decode", "isdigit", "isalpha", "isalnum", "isspace", "isnumeric",
    "isdecimal", "isidentifier", "islower", "isupper", "istitle", "expandtabs", "translate", "removeprefix",
    "removesuffix", "hex", "union", "intersection", "difference", "symmetric_difference", "issubset",
    "issuperset", "isdisjoint",
    # numpy / pandas / tensors: computations that return a new object
    "mean", "sum", "std", "var", "min", "max", "median", "prod", "cumsum", "cumprod", "quantile", "mode",
    "all", "any", "argmax", "argmin", "argsort", "nonzero", "dot", "reshape", "ravel", "flatten",
    "transpose", "squeeze", "view", "tolist", "to_list", "to_numpy", "to_dict", "to_frame", "to_string",
    "to_records", "item",  # (to_csv, to_parquet...: writing a file stays a recorded step of the object)
    "head", "tail", "describe", "info", "isna", "isnull", "notna", "notnull", "nunique", "unique",
    "value_counts", "corr", "cov", "round", "abs", "groupby", "agg", "aggregate", "apply", "map",
    "applymap", "merge", "pivot", "pivot_table", "melt", "sample", "assign", "duplicated", "isin",
    "iterrows", "itertuples", "iteritems", "select_dtypes", "nlargest", "nsmallest", "diff", "pct_change",
    "shift", "rolling", "expanding", "ewm", "resample", "filter", "equals", "memory_usage", "numpy",
    "detach", "cpu", "size", "dim", "astype",
    # files, paths, hashes, regular expressions, dates
    "read", "readline", "readlines", "exists", "is_file", "is_dir", "read_text", "read_bytes", "resolve",
    "absolute", "with_suffix", "with_name", "with_stem", "joinpath", "relative_to", "glob", "rglob",
    "iterdir", "stat", "hexdigest", "digest", "group", "groups", "groupdict", "span", "start", "end",
    "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "isoformat", "strftime",
    "total_seconds", "timestamp", "date", "time", "weekday", "isoweekday",
})

# pandas-style methods that return a new object unless called with ``inplace=True``.
INPLACE_OPTIONAL_METHODS: frozenset[str] = frozenset({
    "drop", "dropna", "fillna", "rename", "rename_axis", "reset_index", "set_index", "sort_values",
    "sort_index", "replace", "query", "where", "mask", "clip", "interpolate", "drop_duplicates", "bfill",
    "ffill", "set_axis", "eval",
})

# Library functions that change an argument in place: qualified name -> argument positions changed.
# A module-level name is called as found (``random.shuffle(x)``: position 0 is ``x``); a ``Class.method``
# name counts ``self`` as position 0, and a call through an instance (``rng.shuffle(x)``) shifts by one.
# Any call with an ``out=`` keyword argument changes that argument too (numpy ufuncs and friends).
LIBRARY_MUTATORS: dict[str, tuple[int, ...]] = {
    "random.shuffle": (0,), "random.Random.shuffle": (1,),
    "numpy.random.shuffle": (0,), "numpy.random.RandomState.shuffle": (1,),
    "numpy.random.Generator.shuffle": (1,),
    "numpy.copyto": (0,), "numpy.put": (0,), "numpy.place": (0,), "numpy.putmask": (0,),
    "numpy.fill_diagonal": (0,), "numpy.put_along_axis": (0,), "numpy.random.Generator.permuted": (),
    "heapq.heappush": (0,), "heapq.heappop": (0,), "heapq.heapify": (0,), "heapq.heappushpop": (0,),
    "heapq.heapreplace": (0,),
    "bisect.insort": (0,), "bisect.insort_left": (0,), "bisect.insort_right": (0,),
    "operator.setitem": (0,), "operator.delitem": (0,), "operator.iadd": (0,), "operator.iconcat": (0,),
    "builtins.setattr": (0,), "builtins.delattr": (0,), "builtins.object.__setattr__": (0,),
    **{f"builtins.list.{m}": (0,) for m in ("append", "extend", "insert", "remove", "pop", "clear", "sort",
                                             "reverse", "__setitem__", "__delitem__", "__iadd__")},
    **{f"builtins.dict.{m}": (0,) for m in ("update", "setdefault", "pop", "popitem", "clear",
                                             "__setitem__", "__delitem__")},
    **{f"builtins.set.{m}": (0,) for m in ("add", "update", "discard", "remove", "pop", "clear",
                                            "difference_update", "intersection_update",
                                            "symmetric_difference_update")},
    **{f"builtins.bytearray.{m}": (0,) for m in ("append", "extend", "insert", "remove", "pop", "clear",
                                                  "reverse")},
    **{f"collections.deque.{m}": (0,) for m in ("append", "appendleft", "extend", "extendleft", "pop",
                                                 "popleft", "remove", "rotate", "clear")},
}
LIBRARY_MUTATORS = {k: v for k, v in LIBRARY_MUTATORS.items() if v}


def method_mutates(call: ast.Call) -> bool:
    """Whether ``obj.m(...)`` may change ``obj``: every method not known to be read-only."""
    assert isinstance(call.func, ast.Attribute)
    name = call.func.attr
    if name in INPLACE_OPTIONAL_METHODS:
        return any(kw.arg == "inplace" and not (isinstance(kw.value, ast.Constant) and not kw.value.value)
                   for kw in call.keywords)
    return name not in READ_ONLY_METHODS


def root_name(node: ast.AST) -> str | None:
    """The variable an access path starts from (``a`` in ``a.b[0].c``), or None if it is not a path."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def callee_chain(func: ast.AST) -> tuple[str, ...] | None:
    """``("np", "random", "shuffle")`` for ``np.random.shuffle``; None when the callee is not a dotted name."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    parts.append(func.id)
    return tuple(reversed(parts))


@dataclass(frozen=True)
class CallSite:
    """A call whose callee may change its arguments: the dotted callee and each argument's variable(s)."""

    chain: tuple[str, ...]
    args: tuple[tuple[str, ...], ...]  # per positional argument (up to the first *starred), its root names
    kwargs: tuple[tuple[str, tuple[str, ...]], ...]  # (keyword, root names)

    def names(self) -> set[str]:
        out = {n for names in self.args for n in names}
        out.update(n for _, names in self.kwargs for n in names)
        return out


@dataclass(frozen=True)
class FunctionSummary:
    """What a user function may change in place: parameters (by name), module names, and the calls it
    makes with its parameters or module names as arguments (resolved when the function is called)."""

    name: str
    params: tuple[str, ...]  # positional parameters first, then *args, keyword-only, **kwargs
    npos: int
    vararg: str | None
    kwarg: str | None
    mutated_params: frozenset[str]
    mutated_globals: frozenset[str]
    calls: tuple[CallSite, ...]

    def param_at(self, position: int) -> str | None:
        """The parameter a positional argument binds."""
        if position < self.npos:
            return self.params[position]
        return self.vararg

    def param_for(self, keyword: str) -> str | None:
        """The parameter a keyword argument binds."""
        if keyword in self.params and keyword != self.vararg and keyword != self.kwarg:
            return keyword
        return self.kwarg


class _Effects(ast.NodeVisitor):
    """Collects, in some expressions, the receivers that method calls may change and the call sites
    whose arguments are variables (names bound by comprehensions and lambdas excluded)."""

    def __init__(self) -> None:
        self.receivers: dict[str, None] = {}
        self.calls: list[CallSite] = []
        self.bound: list[set[str]] = []

    def _free(self, name: str | None) -> str | None:
        if name is None or any(name in b for b in self.bound):
            return None
        return name

    def _roots(self, node: ast.AST) -> tuple[str, ...]:
        name = self._free(root_name(node))
        return (name,) if name else ()

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and method_mutates(node):
            name = self._free(root_name(node.func.value))
            if name:
                self.receivers[name] = None
        for kw in node.keywords:
            if kw.arg == "out":
                for name in self._roots(kw.value):
                    self.receivers[name] = None
        chain = callee_chain(node.func)
        if chain is not None and self._free(chain[0]):
            args: list[tuple[str, ...]] = []
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    break
                args.append(self._roots(arg))
            kwargs = tuple((kw.arg, self._roots(kw.value)) for kw in node.keywords if kw.arg)
            if any(args) or any(names for _, names in kwargs):
                self.calls.append(CallSite(chain, tuple(args), kwargs))
        self.generic_visit(node)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        bound = {n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
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


def expression_effects(nodes: Iterable[ast.AST | None]) -> tuple[tuple[str, ...], tuple[CallSite, ...]]:
    """(receivers that method calls in ``nodes`` may change, call sites with variable arguments)."""
    effects = _Effects()
    for node in nodes:
        if node is not None:
            effects.visit(node)
    return tuple(effects.receivers), tuple(effects.calls)


def _own_fields(node: ast.stmt) -> list[ast.AST]:
    """The expressions a statement evaluates itself (not nested statement bodies)."""
    out: list[ast.AST] = []
    for name, value in ast.iter_fields(node):
        if name in ("body", "orelse", "finalbody", "handlers", "cases", "decorator_list", "args", "returns",
                    "bases", "keywords", "type_params"):
            continue
        if isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, ast.AST))
    return out


def _statements(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Every statement of a function body, nested blocks included, nested definitions' bodies excluded."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from _statements(handler.body)
        for case in getattr(stmt, "cases", ()):
            yield from _statements(case.body)


def _targets(stmt: ast.stmt) -> list[ast.AST]:
    if isinstance(stmt, ast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        return [stmt.target]
    if isinstance(stmt, ast.Delete):
        return list(stmt.targets)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [i.optional_vars for i in stmt.items if i.optional_vars is not None]
    return []


def _flat(target: ast.AST) -> list[ast.AST]:
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for elt in target.elts for t in _flat(elt)]
    if isinstance(target, ast.Starred):
        return _flat(target.value)
    return [target]


def _is_path(node: ast.AST) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return isinstance(node, ast.Name)


def function_locals(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> tuple[set[str], set[str], set[str]]:
    """(local names, names declared ``global``, names declared ``nonlocal``) of a function."""
    a = func.args
    local = {p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
    local.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
    declared_global: set[str] = set()
    declared_nonlocal: set[str] = set()
    body = func.body if isinstance(func.body, list) else []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            declared_nonlocal.update(node.names)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            local.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
            stack.extend(getattr(node, "decorator_list", ()))
            continue
        elif isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update((alias.asname or alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            local.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            local.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    local -= declared_global | declared_nonlocal
    return local, declared_global, declared_nonlocal


def summarize_function(func: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionSummary:
    """Which parameters and module names ``func`` may change in place, directly or through the calls it
    makes (those are kept as call sites). Flow-insensitive, with two refinements: a parameter rebound at the
    top of the body (``frame = frame.copy()``) no longer stands for the caller's object after that
    statement, and a local bound to a path into a parameter or module name (``row`` in ``for row in rows``,
    ``sub = frame.loc[m]``) stands for it."""
    a = func.args
    positional = [p.arg for p in (*a.posonlyargs, *a.args)]
    params = (*positional, *([a.vararg.arg] if a.vararg else []), *[p.arg for p in a.kwonlyargs],
              *([a.kwarg.arg] if a.kwarg else []))
    local, declared_global, declared_nonlocal = function_locals(func)
    outer = set(params)
    alias: dict[str, set[str]] = {}

    def resolve(name: str, killed: set[str]) -> set[str]:
        if name in outer and name not in killed:
            return {name}
        if name in declared_global or (name not in local and name not in declared_nonlocal):
            return {name}
        return {r for r in alias.get(name, ()) if r not in killed}

    statements = list(_statements(func.body))
    for _ in range(2):  # aliases of aliases
        for stmt in statements:
            value: ast.AST | None = None
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                value = stmt.value
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                value = stmt.iter
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                value = stmt.items[0].context_expr
            if value is None or not _is_path(value):
                continue
            source = root_name(value)
            if source is None:
                continue
            sources = resolve(source, set())
            for target in _targets(stmt):
                for leaf in _flat(target):
                    if isinstance(leaf, ast.Name) and leaf.id in local and leaf.id not in outer:
                        alias.setdefault(leaf.id, set()).update(sources)

    mutated: set[str] = set()
    calls: list[CallSite] = []
    killed: set[str] = set()
    top = {id(s) for s in func.body}
    for stmt in statements:
        roots: list[str] = []
        for target in _targets(stmt):
            for leaf in _flat(target):
                if isinstance(leaf, ast.Name):
                    if isinstance(stmt, ast.AugAssign):
                        roots.append(leaf.id)  # `a *= k` changes a mutable argument in place
                else:
                    name = root_name(leaf)
                    if name:
                        roots.append(name)
        receivers, sites = expression_effects(_own_fields(stmt))
        roots.extend(receivers)
        for name in roots:
            mutated.update(resolve(name, killed))
        for site in sites:
            args = tuple(tuple(r for n in names for r in resolve(n, killed)) for names in site.args)
            kwargs = tuple((k, tuple(r for n in names for r in resolve(n, killed))) for k, names in site.kwargs)
            if any(args) or any(names for _, names in kwargs):
                calls.append(CallSite(site.chain, args, kwargs))
        if id(stmt) in top and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            for target in _targets(stmt):
                for leaf in _flat(target):
                    if isinstance(leaf, ast.Name) and leaf.id in outer and leaf.id in local:
                        killed.add(leaf.id)
    return FunctionSummary(
        name=func.name, params=params, npos=len(positional), vararg=a.vararg.arg if a.vararg else None,
        kwarg=a.kwarg.arg if a.kwarg else None,
        mutated_params=frozenset(m for m in mutated if m in outer),
        mutated_globals=frozenset(m for m in mutated if m not in outer),
        calls=tuple(calls),
    )


def first_line(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The line a function's code object starts at (its first decorator's, if any)."""
    return min([func.lineno, *[d.lineno for d in func.decorator_list]])


def module_summaries(tree: ast.AST) -> dict[tuple[str, int], FunctionSummary]:
    """Every function definition of a module, keyed like its code object: ``(co_name, co_firstlineno)``."""
    return {
        (node.name, first_line(node)): summarize_function(node)
        for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
