"""Import hook: instruments the user's own modules (never library code) when capturing at granularity 1."""

from __future__ import annotations

import importlib._bootstrap as _bootstrap
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
from collections.abc import Sequence
from types import CodeType, ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provbridge.capture.recorder import Recorder, Scope

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def library_dirs() -> tuple[str, ...]:
    """Directories whose code is library code: the interpreter's prefixes and every site-packages."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(path)
    return tuple(sorted({os.path.abspath(d) + os.sep for d in dirs if d}))


def is_user_file(path: str, roots: Sequence[str], libraries: Sequence[str]) -> bool:
    """True for a .py file under one of the project ``roots`` that is not library code or provbridge."""
    path = os.path.abspath(path)
    if not path.endswith(".py") or path.startswith(_PACKAGE_DIR):
        return False
    parts = path.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return False
    if not any(path.startswith(root) for root in roots):
        return False
    # a virtual environment inside the project is library code too
    return not any(path.startswith(lib) for lib in libraries if not any(r.startswith(lib) for r in roots))


class InstrumentingLoader(importlib.machinery.SourceFileLoader):
    """Loads a user module from source through the recorder (no bytecode cache is read or written)."""

    recorder: Recorder

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        source = importlib.util.decode_source(self.get_data(path))
        code, code_id = self.recorder.compile(source, path, "module", module_label=fullname, path=path)
        self._code_id = code_id
        return code

    def new_scope(self, module: ModuleType) -> Scope:
        """The module scope the module's top-level code records into."""
        rec = self.recorder
        scope = rec.new_module_scope(f"<module {module.__name__}>", kind="module", name=module.__name__,
                                     parent=rec.current(), code_id=self._code_id, ns=module.__dict__)
        module.__dict__["__pb_s__"] = scope
        rec.module_scopes[module.__name__] = scope
        return scope


# ``exec_module`` belongs to the import system: it is compiled under importlib's frame name, so Python trims
# its frame as its own import frames (tracebacks of errors raised while a module is imported) and skips it
# when it attributes a warning (``warnings.warn(..., stacklevel=2)`` at a module's top level points at the
# importing line, as without capture).
_EXEC_MODULE = """
def exec_module(self, module):
    code = self.get_code(module.__name__)
    scope = self.new_scope(module)
    self.recorder.push(scope)
    try:
        _call_with_frames_removed(exec, code, module.__dict__)
    finally:
        self.recorder.pop(scope)
"""
_exec_globals: dict[str, object] = {
    "_call_with_frames_removed": _bootstrap._call_with_frames_removed,  # type: ignore[attr-defined]
}
exec(compile(_EXEC_MODULE, "<frozen importlib._bootstrap_external>", "exec", dont_inherit=True), _exec_globals)
InstrumentingLoader.exec_module = _exec_globals["exec_module"]  # type: ignore[method-assign,assignment]


class UserModuleFinder(importlib.abc.MetaPathFinder):
    """Finds modules through the normal path finder and claims those that are the user's own files."""

    def __init__(self, recorder: Recorder, roots: Sequence[str]) -> None:
        self.recorder = recorder
        self.roots = tuple(os.path.abspath(r).rstrip(os.sep) + os.sep for r in roots)
        self.libraries = library_dirs()

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not spec.origin or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        if not is_user_file(spec.origin, self.roots, self.libraries):
            return None
        loader = InstrumentingLoader(fullname, spec.origin)
        loader.recorder = self.recorder
        spec.loader = loader
        return spec

    def install(self) -> None:
        sys.meta_path.insert(0, self)

    def uninstall(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
