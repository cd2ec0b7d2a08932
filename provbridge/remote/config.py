"""Remotes (named SPARQL 1.1 stores) in the project's ``.provbridge/config.json``; never credentials."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from provbridge.errors import RemoteError
from provbridge.remote.files import read_json, write_json
from provbridge.remote.redact import redact, url_credentials

CONFIG = "config.json"
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
# Query endpoint path ending -> (Graph Store endpoint, update endpoint) siblings, for well-known servers.
SIBLINGS = {
    "/query": ("/store", "/update"),  # Oxigraph server
    "/sparql": ("/sparql-graph-crud", "/sparql"),  # Virtuoso
}


@dataclass(frozen=True)
class Remote:
    """A named remote: its SPARQL query endpoint, Graph Store Protocol endpoint and update endpoint."""

    name: str
    url: str
    graph_store: str | None = None
    update: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "graph_store": self.graph_store, "update": self.update}

    def store_endpoint(self) -> str:
        """The Graph Store Protocol endpoint (needed by push and pull)."""
        if not self.graph_store:
            raise RemoteError(f"remote {self.name!r} has no Graph Store endpoint; set one with "
                              f"`provbridge remote add {self.name} {self.url} --graph-store URL`")
        return self.graph_store


def config_path(directory: Path) -> Path:
    return directory / CONFIG


def check_url(url: str, what: str = "URL", remote: str | None = None) -> str:
    """``url`` if it is an absolute http(s) URL without credentials in it (no ``user:password@``, no
    ``?token=``-like parameter), else a one-line error naming the environment variables to use instead."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise RemoteError(f"{what} is not a valid URL: {redact_url(url)!r}") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise RemoteError(f"{what} must be an http:// or https:// URL, not {redact_url(url)!r}")
    found = url_credentials(url)
    if found:
        from provbridge.remote.http import env_name

        prefix = env_name(remote or "NAME")
        raise RemoteError(f"{what} must not contain credentials ({found}): set {prefix}TOKEN, or {prefix}USER "
                          f"and {prefix}PASSWORD, or use ~/.netrc ({redact_url(url)})")
    return url


def redact_url(url: str) -> str:
    """``url`` with its user:password@ part and token-like query parameters masked (for messages)."""
    return redact(url)


def default_endpoints(url: str) -> tuple[str | None, str | None]:
    """The Graph Store and update endpoints next to a query endpoint of a well-known server, else None."""
    parts = urlsplit(url)
    for ending, (store, update) in SIBLINGS.items():
        if parts.path.endswith(ending):
            base = parts.path[: -len(ending)]
            return (urlunsplit(parts._replace(path=base + store, query="")),
                    urlunsplit(parts._replace(path=base + update, query="")))
    return None, None


def list_remotes(directory: Path) -> list[Remote]:
    """Every configured remote, by name."""
    section = read_json(config_path(directory)).get("remotes", {})
    return [Remote(name, **{k: v for k, v in item.items() if k in ("url", "graph_store", "update")})
            for name, item in sorted(section.items())]


def get_remote(directory: Path, name: str | None) -> Remote:
    """The remote called ``name``; without a name, the only one configured (or one called ``origin``)."""
    remotes = {r.name: r for r in list_remotes(directory)}
    if name is None:
        if len(remotes) == 1:
            return next(iter(remotes.values()))
        if "origin" in remotes:
            return remotes["origin"]
        if not remotes:
            raise RemoteError("no remote configured; add one with `provbridge remote add NAME URL`")
        raise RemoteError(f"several remotes ({', '.join(remotes)}); choose one by name")
    if name not in remotes:
        known = ", ".join(remotes) or "none configured"
        raise RemoteError(f"no remote {name!r} ({known}); add one with `provbridge remote add NAME URL`")
    return remotes[name]


def add_remote(directory: Path, name: str, url: str, *, graph_store: str | None = None,
               update: str | None = None, replace: bool = False) -> Remote:
    """Add (or with ``replace``, change) a remote; endpoints not given are guessed for Oxigraph and
    Virtuoso URLs (``.../query`` and ``.../sparql``)."""
    if not NAME.match(name):
        raise RemoteError(f"bad remote name {name!r} (a letter, then letters, digits, _ or -)")
    check_url(url, "the query URL", name)
    guessed_store, guessed_update = default_endpoints(url)
    remote = Remote(name, url, check_url(graph_store, "--graph-store", name) if graph_store else guessed_store,
                    check_url(update, "--update", name) if update else guessed_update)
    path = config_path(directory)
    data = read_json(path)
    section = data.setdefault("remotes", {})
    if name in section and not replace:
        raise RemoteError(f"remote {name!r} exists already (remove it first, or use --replace)")
    section[name] = remote.to_dict()
    write_json(path, data)
    return remote


def remove_remote(directory: Path, name: str) -> Remote:
    """Remove a remote from the config (and this project's record of what was pushed to it)."""
    from provbridge.remote.records import record_path

    remote = get_remote(directory, name)
    path = config_path(directory)
    data = read_json(path)
    del data["remotes"][name]
    write_json(path, data)
    record_path(directory, name).unlink(missing_ok=True)
    return remote


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (indirect identification: ``?graph=IRI``)."""
    parts = urlsplit(endpoint)
    query = (parts.query + "&" if parts.query else "") + urlencode({"graph": graph})
    return urlunsplit(parts._replace(query=query))
