"""Settings of a recorded kernel session, read from environment variables set by the launcher."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from provbridge.capture.recorder import DEFAULT_FOLD

# Environment variables `provbridge run` (or a user) sets for the kernel; PROVBRIDGE_DIR selects the store.
ENV_NOTEBOOK = "PROVBRIDGE_NOTEBOOK"  # path of the notebook being run (the trial's main)
ENV_NAME = "PROVBRIDGE_TRIAL_NAME"  # name of the trial
ENV_GRANULARITY = "PROVBRIDGE_GRANULARITY"  # 0 or 1
ENV_FOLD = "PROVBRIDGE_FOLD"  # executions per statement kept before folding
ENV_COMMAND = "PROVBRIDGE_COMMAND"  # JSON array: the command line that started the run
ENV_FAIL_ON_ERROR = "PROVBRIDGE_FAIL_ON_ERROR"  # "1": a trial whose last cell raised ends as failed


@dataclass
class SessionConfig:
    """How a kernel session is recorded."""

    notebook: str | None = None
    name: str | None = None
    granularity: int = 0
    fold: int = DEFAULT_FOLD
    command: list[str] = field(default_factory=lambda: list(sys.argv))
    fail_on_error: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SessionConfig:
        """The configuration the launcher put in the environment (defaults for anything missing or bad)."""
        env = os.environ if env is None else env
        config = cls(notebook=env.get(ENV_NOTEBOOK) or None, name=env.get(ENV_NAME) or None)
        if env.get(ENV_GRANULARITY, "") in ("0", "1"):
            config.granularity = int(env[ENV_GRANULARITY])
        fold = env.get(ENV_FOLD, "")
        if fold.isdigit() and int(fold) > 0:
            config.fold = int(fold)
        try:
            command = json.loads(env.get(ENV_COMMAND, "null"))
        except ValueError:
            command = None
        if isinstance(command, list) and all(isinstance(a, str) for a in command):
            config.command = command
        config.fail_on_error = env.get(ENV_FAIL_ON_ERROR, "") == "1"
        return config


def notebook_path(config: SessionConfig, user_ns: Mapping[str, object]) -> str | None:
    """The notebook being recorded, when the launcher or front end tells: ``PROVBRIDGE_NOTEBOOK``, VS Code's
    ``__vsc_ipynb_file__`` or Jupyter Server's ``JPY_SESSION_NAME``; None otherwise."""
    for candidate in (config.notebook, user_ns.get("__vsc_ipynb_file__"), os.environ.get("JPY_SESSION_NAME")):
        if isinstance(candidate, str) and candidate:
            if os.path.isabs(candidate):
                return candidate
            if os.path.exists(candidate):
                return os.path.abspath(candidate)
            local = os.path.basename(candidate)  # Jupyter Server names it relative to its root directory
            return os.path.abspath(local) if os.path.exists(local) else candidate
    return None
