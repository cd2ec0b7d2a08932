"""Sharing trials through a SPARQL 1.1 store: remotes in the project config, push/pull over the Graph Store
Protocol, and queries over the SPARQL 1.1 Protocol."""

from __future__ import annotations

from provbridge.remote.config import Remote, add_remote, get_remote, list_remotes, remove_remote

__all__ = ["Remote", "add_remote", "get_remote", "list_remotes", "remove_remote"]
