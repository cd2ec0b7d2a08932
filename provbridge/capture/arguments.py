"""Command-line arguments as trial parameters: ``sys.argv`` and the attributes of parsed argparse namespaces.

Two sources, both read without running any of the program's code: a hook on
``argparse.ArgumentParser.parse_known_args`` (installed for a run by :func:`install`) snapshots each
namespace the program parses, wherever it keeps it (a local of ``main()`` too); and, at the end of the run,
any top-level variable of ``__main__`` bound to an ``argparse.Namespace`` (read with ``vars()``). The hook's
snapshot wins for a name found by both: it holds the values as parsed. The rows join the trial's
environment as ``("param", NAME, literal)`` and ``("argv", "argv", JSON list)``."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from provbridge.capture.values.secrets import REDACTED, redact_argv, redact_name, scrub

Row = tuple[str, str, str]

PARAM_KIND = "param"
ARGV_KIND = "argv"
MAX_TEXT = 2000
"""Longest literal text kept for one parameter; longer values are kept as a cut display string."""

_LITERALS = (type(None), bool, int, float, complex, str, bytes)
_parsed: dict[str, str] = {}
_depth = threading.local()
_original: Callable[..., Any] | None = None


def install() -> None:
    """Record every namespace parsed from now on (idempotent; forgets what an earlier run parsed)."""
    global _original
    import argparse

    _parsed.clear()
    if _original is not None:
        return
    original = argparse.ArgumentParser.parse_known_args
    _original = original

    def parse_known_args(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
        level = getattr(_depth, "value", 0)
        _depth.value = level + 1
        try:
            result = original(self, *args, **kwargs)
        finally:
            _depth.value = level
        if level == 0:  # the outermost parse; subparsers parse again inside it
            _remember(result)
        return result

    parse_known_args.__wrapped__ = original  # type: ignore[attr-defined]
    argparse.ArgumentParser.parse_known_args = parse_known_args  # type: ignore[method-assign]


def uninstall() -> None:
    """Put argparse back as it was (what was parsed stays readable until the next :func:`install`)."""
    global _original
    if _original is None:
        return
    import argparse

    argparse.ArgumentParser.parse_known_args = _original  # type: ignore[method-assign]
    _original = None


def _remember(result: Any) -> None:
    try:
        namespace = result[0]
        _parsed.update(namespace_params(namespace))
    except Exception:  # never disturb the program
        pass


def namespace_params(namespace: Any) -> dict[str, str]:
    """``{attribute: literal text}`` of a namespace (attributes starting with ``_`` left out)."""
    return {str(k): literal_text(v) for k, v in vars(namespace).items() if not str(k).startswith("_")}


def literal_text(value: Any) -> str:
    """Text that ``ast.literal_eval`` turns back into ``value`` for literals (and lists, tuples, sets and
    dicts of them); for anything else the ``repr`` of its ``str`` (a file name, a path, an enum)."""
    try:
        if _is_literal(value, 0):
            text = repr(value)
            if len(text) <= MAX_TEXT and "nan" not in text and "inf" not in text:
                return text
        shown = str(value)
    except Exception:
        shown = object.__repr__(value)
    return repr(shown if len(shown) <= MAX_TEXT else shown[:MAX_TEXT] + "…")


def _is_literal(value: Any, depth: int) -> bool:
    if type(value) in _LITERALS:
        return True
    if depth > 3 or type(value) not in (list, tuple, set, frozenset, dict):
        return False
    if isinstance(value, dict):
        return len(value) <= 100 and all(_is_literal(k, depth + 1) and _is_literal(v, depth + 1)
                                         for k, v in value.items())
    return len(value) <= 100 and all(_is_literal(item, depth + 1) for item in value)


def argument_rows() -> list[Row]:
    """The environment rows of this process's command line: ``argv`` when ``__main__`` is the program
    ``sys.argv`` runs (not a notebook kernel), then one row per parsed parameter, sorted by name."""
    rows: list[Row] = []
    main = sys.modules.get("__main__")
    if _program_argv(main):
        argv = redact_argv([str(a) for a in sys.argv])
        rows.append((ARGV_KIND, "argv", json.dumps(argv, ensure_ascii=False)))
    params: dict[str, str] = {}
    argparse = sys.modules.get("argparse")
    if argparse is not None and main is not None:
        for value in list(vars(main).values()):
            if issubclass(type(value), argparse.Namespace):  # type(), not isinstance: no user __class__
                params.update(namespace_params(value))
    params.update(_parsed)
    rows += [(PARAM_KIND, name, repr(REDACTED) if redact_name(name) else scrub(text))
             for name, text in sorted(params.items())]
    return rows


def _program_argv(main: Any) -> bool:
    """True when ``sys.argv`` is the command line of the program ``__main__`` runs."""
    if not sys.argv or main is None:
        return False
    shell = getattr(sys.modules.get("IPython"), "get_ipython", None)
    if callable(shell) and shell() is not None:
        return False  # a kernel: its argv is the kernel's, not the notebook's
    main_file = getattr(main, "__file__", None)
    if not isinstance(main_file, str):
        return False
    first = str(sys.argv[0])
    return first == "-m" or os.path.basename(first) == os.path.basename(main_file)
