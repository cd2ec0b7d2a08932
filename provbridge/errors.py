"""The one exception hierarchy of provbridge; the CLI maps each class to a one-line message and exit code."""

from __future__ import annotations


class ProvbridgeError(Exception):
    """Base of every error provbridge raises on purpose; ``str(err)`` is a one-line user message."""

    exit_code = 2


class StoreError(ProvbridgeError):
    """The data file is missing, corrupt, locked for too long or of a newer schema."""


class SchemaTooNewError(StoreError):
    """The data file was written by a newer provbridge than this one."""


class TrialNotFoundError(ProvbridgeError):
    """A trial reference (number, UUID prefix, name, ``last``) matched no trial."""


class ScriptError(ProvbridgeError):
    """The script or module to run does not exist or does not compile."""


class VariableNotFoundError(ProvbridgeError):
    """A variable name was not found in the trial(s) asked about."""


class FormatError(ProvbridgeError):
    """An unknown export/import format, or a document that is not valid PROV."""


class QueryError(ProvbridgeError):
    """A SPARQL query is malformed or not allowed."""


class RenderError(ProvbridgeError):
    """Graphviz is missing or failed to render."""


class RemoteError(ProvbridgeError):
    """A remote SPARQL store could not be reached or refused a request."""
