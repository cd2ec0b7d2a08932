"""Remotes in .provbridge/config.json: add, list, remove, guessed endpoints, and no credentials stored."""

from __future__ import annotations

import json

import pytest

from provbridge.errors import RemoteError
from provbridge.remote.config import add_remote, get_remote, list_remotes, remove_remote
from provbridge.remote.records import record_path
from tests.conftest import Project


def test_add_list_remove(project: Project) -> None:
    project.capture("x = 1\n")
    added = project.run("remote", "add", "origin", "http://localhost:7878/query")
    assert added.stdout == "remote origin: http://localhost:7878/query (graph store: http://localhost:7878/store)\n"
    project.run("remote", "add", "team", "https://sparql.example.org/db/sparql")
    project.run("remote", "add", "fuseki", "https://f.example.org/ds/query", "--graph-store",
                "https://f.example.org/ds/data", "--update", "https://f.example.org/ds/update")
    listing = project.run("remote", "list").stdout.splitlines()
    assert listing[0].split() == ["name", "url", "graph_store", "update"]
    assert [line.split() for line in listing[2:]] == [
        ["fuseki", "https://f.example.org/ds/query", "https://f.example.org/ds/data", "https://f.example.org/ds/update"],
        ["origin", "http://localhost:7878/query", "http://localhost:7878/store", "http://localhost:7878/update"],
        ["team", "https://sparql.example.org/db/sparql", "https://sparql.example.org/db/sparql-graph-crud",
         "https://sparql.example.org/db/sparql"],
    ]
    config = json.loads((project.root / ".provbridge" / "config.json").read_text())
    assert config == {"remotes": {
        "fuseki": {"url": "https://f.example.org/ds/query", "graph_store": "https://f.example.org/ds/data",
                   "update": "https://f.example.org/ds/update"},
        "origin": {"url": "http://localhost:7878/query", "graph_store": "http://localhost:7878/store",
                   "update": "http://localhost:7878/update"},
        "team": {"url": "https://sparql.example.org/db/sparql",
                 "graph_store": "https://sparql.example.org/db/sparql-graph-crud",
                 "update": "https://sparql.example.org/db/sparql"}}}
    assert project.run("remote", "remove", "team").stdout == "removed remote team\n"
    assert [r.name for r in list_remotes(project.root / ".provbridge")] == ["fuseki", "origin"]
    assert not list(project.root.joinpath(".provbridge").glob(".config.json.*"))  # no temporary left


@pytest.mark.parametrize(("name", "url", "message"), [
    ("origin", "http://user:secret@host/query",
     "the query URL must not contain credentials (a user name or password): set PROVBRIDGE_REMOTE_ORIGIN_TOKEN, "
     "or PROVBRIDGE_REMOTE_ORIGIN_USER and PROVBRIDGE_REMOTE_ORIGIN_PASSWORD, or use ~/.netrc "
     "(http://***@host/query)"),
    ("origin", "https://host/query?token=secret",
     "the query URL must not contain credentials (a 'token' query parameter): set PROVBRIDGE_REMOTE_ORIGIN_TOKEN, "
     "or PROVBRIDGE_REMOTE_ORIGIN_USER and PROVBRIDGE_REMOTE_ORIGIN_PASSWORD, or use ~/.netrc "
     "(https://host/query?token=***)"),
    ("origin", "https://host/query?access_token=secret&x=1",
     "the query URL must not contain credentials (a 'access_token' query parameter): set "
     "PROVBRIDGE_REMOTE_ORIGIN_TOKEN, or PROVBRIDGE_REMOTE_ORIGIN_USER and PROVBRIDGE_REMOTE_ORIGIN_PASSWORD, "
     "or use ~/.netrc (https://host/query?access_token=***&x=1)"),
    ("origin", "ftp://host/query", "the query URL must be an http:// or https:// URL, not 'ftp://host/query'"),
    ("1bad", "http://host/query", "bad remote name '1bad' (a letter, then letters, digits, _ or -)"),
])
def test_bad_remotes(project: Project, name: str, url: str, message: str) -> None:
    project.capture("x = 1\n")
    out = project.run("remote", "add", name, url, check=False)
    assert (out.returncode, out.stderr) == (2, f"provbridge: error: {message}\n")
    assert "secret" not in out.stderr
    assert not (project.root / ".provbridge" / "config.json").exists()


def test_choosing_a_remote(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RemoteError, match=r"^no remote configured; add one"):
        get_remote(tmp_path, None)
    add_remote(tmp_path, "one", "http://a/query")
    assert get_remote(tmp_path, None).name == "one"
    add_remote(tmp_path, "two", "http://b/other")
    with pytest.raises(RemoteError, match=r"^several remotes \(one, two\); choose one by name$"):
        get_remote(tmp_path, None)
    with pytest.raises(RemoteError, match=r"^remote 'one' exists already"):
        add_remote(tmp_path, "one", "http://c/query")
    assert add_remote(tmp_path, "one", "http://c/query", replace=True).graph_store == "http://c/store"
    with pytest.raises(RemoteError, match=r"^remote 'two' has no Graph Store endpoint; set one with"):
        get_remote(tmp_path, "two").store_endpoint()
    record_path(tmp_path, "one").parent.mkdir()
    record_path(tmp_path, "one").write_text("{}")
    remove_remote(tmp_path, "one")
    assert not record_path(tmp_path, "one").exists()
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(Exception, match=r"config\.json is not valid JSON"):
        list_remotes(tmp_path)
