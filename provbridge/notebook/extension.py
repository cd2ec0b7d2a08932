"""``%load_ext provbridge``: hooks a NotebookSession into IPython's events and AST transformers."""

from __future__ import annotations

import ast
import atexit
from typing import Any

from provbridge.notebook.config import SessionConfig
from provbridge.notebook.magics import MAGICS
from provbridge.notebook.session import NotebookSession, active_session, set_active


class CellTransformer(ast.NodeTransformer):
    """The entry IPython calls for every parsed cell (``shell.ast_transformers``); it never raises."""

    def __init__(self, session: NotebookSession) -> None:
        self.session = session

    def visit(self, node: ast.AST) -> ast.AST:
        return self.session.transform(node)


def load(shell: Any, config: SessionConfig | None = None) -> NotebookSession:
    """Start recording ``shell``: each following top-level cell becomes a cell execution of a trial."""
    session = active_session()
    if session is not None and session.shell is shell and not session.closed:
        return session
    if session is not None:
        unload(session.shell)
    session = NotebookSession(shell, config)
    shell.ast_transformers.append(CellTransformer(session))
    shell.events.register("pre_run_cell", session.pre_run_cell)
    shell.events.register("post_run_cell", session.post_run_cell)
    for name, func in MAGICS.items():
        shell.register_magic_function(func, magic_kind="line", magic_name=name)
    atexit.register(session.close)
    set_active(session)
    return session


def unload(shell: Any) -> None:
    """Stop recording; the trial finishes now, or after the cell running ``%unload_ext`` ends."""
    session = active_session()
    if session is None or session.shell is not shell:
        return
    set_active(None)
    atexit.unregister(session.close)
    shell.ast_transformers[:] = [t for t in shell.ast_transformers
                                 if not (isinstance(t, CellTransformer) and t.session is session)]
    _unregister(shell, "pre_run_cell", session.pre_run_cell)
    if session.cell is not None and session.cell.began:
        session.closing = True  # post_run_cell closes the cell, then the trial

        def detach(result: Any) -> None:
            if session.closed:
                _unregister(shell, "post_run_cell", session.post_run_cell)
                _unregister(shell, "post_run_cell", detach)

        shell.events.register("post_run_cell", detach)
    else:
        _unregister(shell, "post_run_cell", session.post_run_cell)
        session.close()


def _unregister(shell: Any, event: str, callback: Any) -> None:
    try:
        shell.events.unregister(event, callback)
    except ValueError:
        pass
