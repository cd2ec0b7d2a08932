"""Keeps a trial whole across ``os.fork``, ``os.exec*`` and ``os._exit`` while a program is captured.

A forked child is not recorded: the parent flushes its records before the fork, and the child turns
recording off (its copy of the unflushed rows and of the store connection is never used). ``os.execv``/
``os.execve`` (which every other ``os.exec*`` function calls) and ``os._exit`` close the trial first.

Python 3.12 warns on ``os.fork`` in a process with more than one OS thread. Our store writer is such a
thread, invisible to ``threading``: the warning is dropped when the program itself runs no other thread,
and otherwise re-issued at the program's own call site, as plain Python would."""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

_ACTIVE: ProcessGuard | None = None
_REGISTERED = False


class ProcessGuard:
    """Wraps the process-ending calls of ``os`` for one captured run, and reacts to forks.

    ``flush`` runs in the parent before a fork; ``forget`` in the child after it; ``close(exit_code)``
    before an exec (``None``) or ``os._exit(n)``, at most once."""

    def __init__(self, flush: Callable[[], None], forget: Callable[[], None],
                 close: Callable[[int | None], None]) -> None:
        self.flush = flush
        self.forget = forget
        self.close = close
        self.pid = os.getpid()
        self.closed = False
        self.saved: dict[str, Any] = {}

    @property
    def in_child(self) -> bool:
        """Whether this is a forked child of the captured process (which records nothing)."""
        return os.getpid() != self.pid

    def install(self) -> None:
        global _ACTIVE, _REGISTERED
        _ACTIVE = self
        if not _REGISTERED and hasattr(os, "register_at_fork"):
            os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
            _REGISTERED = True
        for name in ("execv", "execve", "_exit"):
            real = getattr(os, name, None)
            if real is not None:
                self.saved[name] = real
                setattr(os, name, self._wrap(name, real))
        if sys.version_info >= (3, 12):
            for name in ("fork", "forkpty"):
                real = getattr(os, name, None)
                if real is not None:
                    self.saved[name] = real
                    setattr(os, name, _quiet_fork(name, real))

    def uninstall(self) -> None:
        global _ACTIVE
        if _ACTIVE is self:
            _ACTIVE = None
        for name, real in self.saved.items():
            if getattr(getattr(os, name, None), "__wrapped__", None) is real:
                setattr(os, name, real)
        self.saved = {}

    def _wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        guard = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not guard.in_child and not guard.closed:
                guard.closed = True
                code = args[0] if name == "_exit" and args else kwargs.get("status")
                guard.close(code if isinstance(code, int) else None)
            return real(*args, **kwargs)

        wrapper.__name__ = wrapper.__qualname__ = name
        wrapper.__doc__ = real.__doc__
        wrapper.__module__ = "posix" if os.name == "posix" else "nt"
        wrapper.__wrapped__ = real  # type: ignore[attr-defined]
        return wrapper


def _quiet_fork(name: str, real: Callable[[], Any]) -> Callable[[], Any]:
    """``os.fork``/``os.forkpty`` without the multi-threaded warning that only our writer thread causes."""

    def fork() -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = real()
        if result != 0 and (not isinstance(result, tuple) or result[0] != 0):  # the parent
            for item in caught:
                ours = issubclass(item.category, DeprecationWarning) and "multi-threaded" in str(item.message)
                if not ours or threading.active_count() > 1:
                    warnings.warn(item.message, item.category, stacklevel=2)
        return result

    fork.__name__ = fork.__qualname__ = name
    fork.__doc__ = real.__doc__
    fork.__module__ = "posix"
    fork.__wrapped__ = real  # type: ignore[attr-defined]
    return fork


def _before_fork() -> None:
    guard = _ACTIVE
    if guard is not None and not guard.in_child and not guard.closed:
        try:
            guard.flush()
        except Exception:  # a fork must never fail because of recording
            pass


def _after_fork_in_child() -> None:
    guard = _ACTIVE
    if guard is not None and guard.in_child:
        try:
            guard.forget()
        except Exception:
            pass
