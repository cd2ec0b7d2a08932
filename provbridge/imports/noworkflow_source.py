"""Reads one noWorkflow 2.x trial's code components, activations, evaluations and dependencies, and its code."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

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
    checkpoint: float | None
    component: int
    activation: int
    holder: int | None  # the evaluation whose value (object) this one shares, which carries its type


class Activation(NamedTuple):
    """A noWorkflow activation: the script, a call, or a class body; ``block`` is set for traced code."""

    name: str
    start: float
    block: int | None


class TrialSource:
    """One noWorkflow trial as read from its database; ``provenance`` is the ``.noworkflow`` directory (which
    keeps file and code contents by hash). ``scopes`` maps each traced activation to provbridge's scope name."""

    def __init__(self, conn: sqlite3.Connection, trial: str, *, tables: set[str], main_block: int | None, cwd: str,
                 script: str, started: float, provenance: Path) -> None:
        self.conn = conn
        self.trial = trial
        self.cwd = cwd
        self.script = script
        self.started = started
        self.provenance = provenance
        self.comps = {row[0]: Component(row[1] or "", row[2] or "", row[3] or "", *row[4:]) for row in self._rows(
            "SELECT id, name, type, mode, first_char_line, first_char_column, last_char_line, last_char_column, "
            "container_id FROM code_component WHERE trial_id = ?")}
        self.parent = dict(self._rows("SELECT part_id, whole_id FROM composition WHERE trial_id = ? ORDER BY id DESC"))
        self.blocks = dict(self._rows("SELECT id, code_hash FROM code_block WHERE trial_id = ?"))
        self.acts = {aid: Activation(name or "", start or 0.0, block) for aid, name, start, block in self._rows(
            "SELECT id, name, start_checkpoint, code_block_id FROM activation WHERE trial_id = ?")}
        self.evals = [Evaluation(*row) for row in self._rows(
            "SELECT id, checkpoint, code_component_id, activation_id, member_container_id FROM evaluation "
            "WHERE trial_id = ? ORDER BY id")]
        self.by_id = {e.id: e for e in self.evals}
        self.deps: dict[int, list[tuple[int, str]]] = {}
        for dependent, dependency, kind in self._rows(
                "SELECT dependent_id, dependency_id, type FROM dependency WHERE trial_id = ? ORDER BY id"):
            self.deps.setdefault(dependent, []).append((dependency, kind or ""))
        self.types = dict(self._rows(
            "SELECT collection_id, member_id FROM member WHERE trial_id = ? AND key = '.__class__' ORDER BY id"))
        self.files = list(self._rows("SELECT id, name, mode, content_hash_before, content_hash_after, checkpoint, "
                                     "activation_id FROM file_access WHERE trial_id = ? ORDER BY id"))
        self.module_paths: dict[int, str] = {}
        if "module" in tables:
            for block, path in self._rows("SELECT code_block_id, path FROM module WHERE trial_id = ?"):
                if block is not None and str(block).isdigit() and path:
                    self.module_paths[int(block)] = str(path)
        user = [aid for aid, act in self.acts.items() if act.block is not None]
        mains = sorted(aid for aid in user if self.acts[aid].block == main_block) or sorted(user)
        self.main: int | None = mains[0] if mains else None
        self.scopes = {aid: self.qualname(self.acts[aid].block) for aid in user}
        if self.main is not None:
            self.scopes[self.main] = MODULE_SCOPE
        self.imported = self._imported_names()
        self._statements: dict[int, int | None] = {}
        self._lines: dict[int, list[str]] = {}

    def _rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        return self.conn.execute(sql, (self.trial,))

    def reprs(self, wanted: set[int]) -> dict[int, str]:
        """noWorkflow's ``repr`` of the ``wanted`` evaluations (read in one pass, kept only for those)."""
        return {eid: text for eid, text in self._rows("SELECT id, repr FROM evaluation WHERE trial_id = ?")
                if eid in wanted and text is not None}

    # -- the code ----------------------------------------------------------------------------------------
    def qualname(self, block: int | None) -> str:
        """The qualified name of the function or class whose code block is ``block`` (``<module>`` else)."""
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
        if component in self._statements:
            return self._statements[component]
        current: int | None = component
        seen = set()
        while current is not None and current not in seen:
            seen.add(current)
            comp = self.comps.get(current)
            if comp is None:
                current = None
            elif comp.type in STATEMENTS and comp.lineno > 0:
                break
            else:
                current = self.parent.get(current)
        self._statements[component] = current
        return current

    def binding(self, component: int) -> str:
        """How the name of ``component`` was bound: for, with, except, walrus, global or assign."""
        current = self.parent.get(component)
        while current is not None and current in self.comps:
            comp = self.comps[current]
            if comp.type in BINDINGS:
                return BINDINGS[comp.type]
            if comp.type in STATEMENTS:
                break
            current = self.parent.get(current)
        return "assign"

    def root(self, component: int) -> int | None:
        """The script or module component that holds ``component``."""
        current: int | None = component
        seen = set()
        while current is not None and current in self.comps and current not in seen:
            seen.add(current)
            container = self.comps[current].container
            if container is None:
                return current
            current = container
        return None

    def code(self, root: int) -> tuple[str, str, str, str] | None:
        """``(sha256, kind, path, source)`` of the script or module ``root``, if its content was kept."""
        data = self.blob(self.blocks.get(root))
        if data is None:
            return None
        comp = self.comps[root]
        main = self.main is not None and self.acts[self.main].block == root
        path = os.path.join(self.cwd, self.script) if main else self.module_paths.get(root, comp.name)
        source = data.decode("utf-8", "replace")
        self._lines[root] = source.splitlines()
        digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        return digest, "script" if comp.type == "script" else "module", path, source

    def statement_row(self, root: int, stmt: int, scope: str) -> tuple[int, int, int, int, str, str, str]:
        """``(lineno, col, end_lineno, end_col, kind, scope, text)`` of a statement, after :meth:`code`."""
        c = self.comps[stmt]
        lines = self._lines.get(root, [])
        text = lines[c.lineno - 1][c.col:].strip() if 0 < c.lineno <= len(lines) else c.name.split("\n")[0]
        text = text[:119] + "…" if len(text) > 120 else text
        return c.lineno, c.col, c.end_lineno, c.end_col, STATEMENTS[c.type], scope, text

    def blob(self, digest: str | None) -> bytes | None:
        """The bytes noWorkflow stored under ``digest``, if present: a file named by its sha1 in ``content/``
        (the plain engines), else a blob of the ``content.git`` repository (the git engines)."""
        if not digest or len(digest) < 3 or not digest.isalnum():
            return None
        try:
            return (self.provenance / "content" / digest[:2] / digest[2:]).read_bytes()
        except OSError:
            pass
        repository = self.provenance / "content.git"
        try:
            data = zlib.decompress((repository / "objects" / digest[:2] / digest[2:]).read_bytes())
        except (OSError, zlib.error):
            return self._packed(repository, digest)
        header, _, body = data.partition(b"\0")
        return body if header.startswith(b"blob ") else None

    def _packed(self, repository: Path, digest: str) -> bytes | None:
        """A blob from the repository's packs (after ``now gc``), through git when it is installed."""
        git = shutil.which("git")
        if git is None or not (repository / "objects").is_dir():
            return None
        try:
            proc = subprocess.run([git, "--git-dir", str(repository), "cat-file", "blob", digest], capture_output=True,
                                  timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout if proc.returncode == 0 else None
