"""One recorded kernel session: its trial, and each top-level cell as a cell execution over one namespace."""

from __future__ import annotations

import ast
import builtins
import hashlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from provbridge.capture.files import FileHooks
from provbridge.capture.instrument import SCOPE
from provbridge.capture.recorder import Recorder
from provbridge.capture.values import summarize
from provbridge.notebook.config import SessionConfig, notebook_path
from provbridge.notebook.transform import instrument_cell
from provbridge.store.db import find_store_dir
from provbridge.store.writer import TrialWriter

PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})  # papermill's cell tags
PARAMETER_KIND = "hyperparameter"  # tag given to the variables a parameters cell binds
ALLOWED_ERROR_TAG = "raises-exception"  # nbclient's tag for cells expected to raise


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def value_text(value: object) -> str:
    """How a tagged value is written in a tag row: the short repr of its summary (exact for scalars)."""
    return summarize(value)[2]


@dataclass
class Cell:
    """A top-level cell execution in progress."""

    info: Any  # IPython's ExecutionInfo
    exec_count: int
    cell_id: str | None
    tags: list[str]
    began: bool = False
    vars_before: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"In [{self.exec_count}]"

    @property
    def subject(self) -> str:
        """What cell tags are attached to: the front end's cell id, else the execution count."""
        return self.cell_id or str(self.exec_count)

    @property
    def is_parameters(self) -> bool:
        return bool(PARAMETER_TAGS.intersection(self.tags))


class _Restart:
    """A request to start a new trial at the next cell."""

    def __init__(self, name: str | None) -> None:
        self.name = name


class NotebookSession:
    """Records the cells IPython runs (``store_history=True``, top level only) into a notebook trial.

    The trial starts with the first recorded cell, so loading the extension alone records nothing; it ends
    at :meth:`close` (extension unload or interpreter exit) or when a new trial is requested.
    """

    def __init__(self, shell: Any, config: SessionConfig | None = None) -> None:
        self.shell = shell
        self.config = config or SessionConfig.from_env()
        self.writer: TrialWriter | None = None
        self.recorder: Recorder | None = None
        self.files: FileHooks | None = None
        self.main: str | None = None
        self.cell: Cell | None = None
        self.last_cell: Cell | None = None
        self.restart: _Restart | None = None
        self.closing = False
        self.closed = False
        self.last_error: str | None = None
        self.params: dict[str, str] = {}
        self._codes: dict[str, tuple[int, int, int]] = {}  # cell text digest -> (code id, first index, count)
        self._warned = False

    # -- trials --------------------------------------------------------------------------------------
    def ensure_trial(self) -> TrialWriter:
        """The current trial's writer, starting a trial if none is running."""
        if self.writer is None:
            self.start_trial(self.config.name)
        assert self.writer is not None
        return self.writer

    def start_trial(self, name: str | None = None) -> None:
        """Open a new trial for the cells that follow (finishing the current one first)."""
        if self.writer is not None:
            self.finish_trial()
        main = notebook_path(self.config, self.shell.user_ns)
        store_dir = find_store_dir(os.path.dirname(main) if main and os.path.isabs(main) else None)
        writer = TrialWriter(store_dir, kind="notebook", command=self.config.command, main=main,
                             granularity=self.config.granularity, name=name)
        recorder = Recorder(writer, self.config.granularity, self.config.fold)
        root = recorder.root
        if main and os.path.isfile(main):
            try:
                with open(main, encoding="utf-8") as handle:
                    text = handle.read()
                root.code_id = writer.code_id(sha256_text(text), "notebook", main, text)
                writer.set_trial(main_code_id=root.code_id)
            except (OSError, UnicodeDecodeError):
                pass
        root.ns = self.shell.user_ns
        recorder.install()
        recorder.enabled = False  # only while a cell runs: completions and the like are not the notebook's
        files = FileHooks(recorder, exclude=(str(store_dir),))
        files.install()
        self.writer, self.recorder, self.files, self.main = writer, recorder, files, main
        self._codes = {}
        self.last_error = None
        self._bind_scope()

    def finish_trial(self) -> None:
        """Close the current trial: flush its records, the environment, and its final status."""
        writer, recorder, files = self.writer, self.recorder, self.files
        if writer is None or recorder is None:
            return
        self.writer = self.recorder = self.files = None
        self._emit_params(writer)
        failed = self.config.fail_on_error and self.last_error is not None
        recorder.finish("error" if failed else "ok")
        recorder.uninstall()
        if getattr(builtins, SCOPE, None) is recorder.root:
            delattr(builtins, SCOPE)
        if files is not None:
            files.uninstall()
        try:
            from provbridge.capture.environment import collect_environment

            main = self.main if self.main and os.path.isfile(self.main) else None
            writer.add_many("environment", collect_environment(main))
        except Exception as exc:  # the trial itself must still be saved
            print(f"provbridge: could not record the environment ({exc})", file=sys.stderr)
        if failed:
            writer.finish("failed", exit_code=1, exception=self.last_error)
        else:
            writer.finish("finished", exit_code=0)

    def request_new_trial(self, name: str | None = None) -> None:
        """Finish the current trial after the running cell; the next cell starts a new one."""
        if self.cell is None:
            self.start_trial(name)
        else:
            self.restart = _Restart(name)

    def close(self) -> None:
        """Finish recording (extension unload, kernel shutdown). A cell still running ends as an error."""
        if self.closed:
            return
        self.closed = True
        cell, self.cell = self.cell, None
        if cell is not None and cell.began and self.recorder is not None:
            self._end_cell(cell, "error")
        self.finish_trial()

    # -- IPython events ----------------------------------------------------------------------------
    def pre_run_cell(self, info: Any) -> None:
        """``pre_run_cell``: a top-level cell stored in history is about to be parsed and run."""
        if self.closed or self.closing or self.cell is not None or not getattr(info, "store_history", False):
            return  # nested, silent, or after unload
        try:
            if self.restart is not None:
                restart, self.restart = self.restart, None
                self.start_trial(restart.name)
            writer = self.ensure_trial()
            self._bind_scope()
            meta = getattr(info, "cell_meta", None) or {}
            cell_id = getattr(info, "cell_id", None) or meta.get("cellId")
            raw_tags = meta.get("tags")
            tags = [str(t) for t in raw_tags if isinstance(t, str)] if isinstance(raw_tags, list) else []
            cell = Cell(info, self.shell.execution_count - 1, str(cell_id) if cell_id else None, tags)
            if cell.is_parameters:
                assert self.recorder is not None
                cell.vars_before = dict(self.recorder.root.vars)
            else:
                self._emit_params(writer)
            for tag in tags:
                writer.add("tags", ("cell", cell.subject, tag, ""))
            self.cell = cell
        except Exception as exc:  # never break the user's kernel
            self._report(exc)

    def transform(self, tree: ast.AST) -> ast.AST:
        """IPython's AST transformer step: instrument the pending cell and start its execution record.
        Anything else (code run by magics such as %time while a cell runs) passes through unchanged."""
        cell, recorder = self.cell, self.recorder
        if cell is None or cell.began or recorder is None or not isinstance(tree, ast.Module):
            return tree
        cell.began = True
        raw = cell.info.raw_cell or ""
        source = getattr(cell.info, "transformed_cell", None) or self._transformed(raw)
        try:
            try:
                tree, code_id = self._instrument(tree, source, raw)
            except Exception as exc:  # record the cell uninstrumented rather than break it
                self._report(exc)
                tree, code_id = ast.parse(source), self._code_id(raw)
            if recorder.error is None:
                recorder.enabled = True
            recorder.begin_cell(code_id, cell.exec_count, cell.cell_id, cell.label)
        except Exception as exc:
            self._report(exc)
        return tree

    def post_run_cell(self, result: Any) -> None:
        """``post_run_cell``: close the cell execution with ``ok`` or ``error``."""
        cell = self.cell
        if cell is None:
            return
        info = getattr(result, "info", None)
        if info is not None and info is not cell.info and info.raw_cell is not cell.info.raw_cell:
            return  # a nested run_cell ended, not our cell
        self.cell = None
        error = None if result is None else (result.error_before_exec or result.error_in_exec)
        try:
            if self.recorder is not None:
                if not cell.began:  # failed before it ran (syntax error, rejected input)
                    self.recorder.begin_cell(self._code_id(cell.info.raw_cell or ""), cell.exec_count,
                                             cell.cell_id, cell.label)
                self._end_cell(cell, "error" if error is not None or result is None else "ok")
            if error is None or ALLOWED_ERROR_TAG in cell.tags:
                self.last_error = None
            else:
                self.last_error = f"{type(error).__name__}: {error}"
            self.last_cell = cell
        except Exception as exc:
            self._report(exc)
        if self.closing:
            self.close()

    # -- tags --------------------------------------------------------------------------------------
    def add_tag(self, subject_kind: str, subject: str, name: str, value: str = "") -> None:
        """Record a tag of the current trial."""
        self.ensure_trial().add("tags", (subject_kind, subject, name, value))

    def cell_subject(self) -> str | None:
        """The subject of tags on the current cell (the last one when called between cells)."""
        cell = self.cell or self.last_cell
        return cell.subject if cell is not None else None

    def name_trial(self, name: str) -> None:
        self.ensure_trial().set_trial(name=name)

    # -- internals ---------------------------------------------------------------------------------
    def _bind_scope(self) -> None:
        """The instrumented cell code finds its scope as a global, or as a builtin once a cell's ``%reset``
        has cleared the namespace under it."""
        if self.recorder is None:
            return
        self.shell.user_ns[SCOPE] = self.recorder.root
        setattr(builtins, SCOPE, self.recorder.root)
        hidden = getattr(self.shell, "user_ns_hidden", None)
        if isinstance(hidden, dict):
            hidden[SCOPE] = None

    def _transformed(self, raw: str) -> str:
        """The text IPython parsed, for versions whose ExecutionInfo does not carry it."""
        try:
            return str(self.shell.transform_cell(raw))
        except Exception:
            return raw

    def _code_id(self, raw: str) -> int:
        assert self.writer is not None
        return self.writer.code_id(sha256_text(raw), "cell", "", raw)

    def _instrument(self, tree: ast.Module, source: str, raw: str) -> tuple[ast.Module, int]:
        """Instrument a cell; a cell text seen before in this trial reuses its code component and its
        statements' indexes, so re-running a cell costs no store access."""
        recorder = self.recorder
        assert recorder is not None
        interactivity = str(getattr(self.shell, "ast_node_interactivity", "last_expr"))
        key = sha256_text(f"{raw}\0{source}")
        known = self._codes.get(key)
        if known is not None:
            code_id, first, count = known
            tree, infos = instrument_cell(tree, source, recorder.granularity, first, interactivity)
            if len(infos) == count:
                return tree, code_id
            raise RuntimeError("cell instrumentation is not deterministic")
        first = len(recorder.infos)
        tree, infos = instrument_cell(tree, source, recorder.granularity, first, interactivity)
        code_id = self._code_id(raw)
        recorder.register(infos, code_id)
        self._codes[key] = (code_id, first, len(infos))
        return tree, code_id

    def _end_cell(self, cell: Cell, status: str) -> None:
        recorder, writer = self.recorder, self.writer
        assert recorder is not None and writer is not None
        recorder.end_cell(status)
        recorder.enabled = False
        root = recorder.root
        if cell.is_parameters:
            ns = self.shell.user_ns
            for name, vid in root.vars.items():
                if cell.vars_before.get(name) != vid and name in ns:
                    self.params[name] = value_text(ns[name])
        writer.flush()

    def _emit_params(self, writer: TrialWriter) -> None:
        """Tag the variables of the parameters cells that just ran (after papermill's injected cell, if
        any, so each parameter is tagged once, with the value the notebook ran with)."""
        for name, text in self.params.items():
            writer.add("tags", ("variable", name, PARAMETER_KIND, text))
        self.params = {}

    def _report(self, exc: BaseException) -> None:
        if not self._warned:
            self._warned = True
            print(f"provbridge: notebook recording failed ({type(exc).__name__}: {exc})", file=sys.stderr)


_active: NotebookSession | None = None


def active_session() -> NotebookSession | None:
    """The session the extension records, if it is loaded."""
    return _active


def set_active(session: NotebookSession | None) -> None:
    global _active
    _active = session
