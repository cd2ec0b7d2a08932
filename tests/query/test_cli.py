"""`provbridge deps`, `impact` and `query` as a user runs them: tables, the documented JSON, and one-line
errors with a non-zero exit."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.query.helpers import capture_dataflow


@pytest.fixture
def captured(project):  # type: ignore[no-untyped-def]
    capture_dataflow(project)
    return project


def test_deps_table_and_json(captured) -> None:  # type: ignore[no-untyped-def]
    out = captured.run("deps", "e", "--granularity", "0").stdout
    assert out.splitlines()[0] == ("backward dependencies of e in trial 1 (query granularity 0, trial recorded at "
                                   "granularity 1): 6 versions")
    assert "c = scale(a, b)" in out and "t = v * k" not in out
    document = json.loads(captured.run("deps", "e", "--json").stdout)
    assert document["query"] == "deps" and document["target"] == "e" and document["granularity"] == 1
    assert document["trial"]["id"] == 1 and document["all_versions"] is False
    assert [v["name"] for v in document["versions"]] == ["scale", "a", "b", "v", "k", "t", "return", "c", "d", "d"]
    first = document["versions"][1]
    assert set(first) == {"trial", "version", "name", "scope", "kind", "type", "value", "sha256", "statement",
                          "line", "execution", "parent", "iri"}
    assert (first["value"], first["type"], first["line"], first["statement"]) == (2, "int", 5, "a = 2")
    every = json.loads(captured.run("deps", "d", "--all-versions", "--json").stdout)
    assert every["all_versions"] is True and "d" not in [v["name"] for v in every["versions"]]


def test_impact(captured) -> None:  # type: ignore[no-untyped-def]
    out = captured.run("impact", "in.txt").stdout
    assert out.splitlines()[0].endswith("4 versions")
    document = json.loads(captured.run("impact", "a", "--json", "--trial", "last").stdout)
    assert document["query"] == "impact"
    assert [v["name"] for v in document["versions"]][-1] == "e"


def test_query_formats(captured) -> None:  # type: ignore[no-untyped-def]
    query = ('SELECT ?name (COUNT(?v) AS ?n) WHERE { ?v a <https://w3id.org/provbridge/ns#VariableVersion> ; '
             '<https://w3id.org/provbridge/ns#name> ?name } GROUP BY ?name ORDER BY ?name')
    rows = list(csv.reader(io.StringIO(captured.run("query", "-e", query, "--format", "csv").stdout)))
    assert rows[0] == ["name", "n"] and ["d", "2"] in rows and ["a", "2"] in rows
    tsv = captured.run("query", "-e", query, "-f", "tsv", "--trial", "1").stdout.splitlines()
    assert tsv[0] == "name\tn"
    document = json.loads(captured.run("query", "-e", query, "--format", "json").stdout)
    assert document["head"]["vars"] == ["name", "n"]
    assert {"name": {"type": "literal", "value": "e"},
            "n": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}} \
        in document["results"]["bindings"]
    table = captured.run("query", "-e", query).stdout
    assert table.splitlines()[0].split() == ["name", "n"]
    ask = json.loads(captured.run("query", "-e", "ASK { ?s ?p ?o }", "-f", "json").stdout)
    assert ask == {"head": {}, "boolean": True}


def test_query_file_and_packaged_query(captured) -> None:  # type: ignore[no-untyped-def]
    captured.write("mine.rq", "SELECT ?s WHERE { ?s a <https://w3id.org/provbridge/ns#Trial> }")
    assert "(1 row)" in captured.run("query", "mine.rq").stdout
    out = captured.run("query", "backward", "-p", "var=e", "-p", "level=0", "-f", "csv").stdout
    assert len(out.splitlines()) == 1 + 6
    assert "backward" in captured.run("query", "--list").stdout


@pytest.mark.parametrize(("args", "message"), [
    (["query", "-e", "SELECT * WHERE {\n  ?s ?p\n}"], "malformed SPARQL query: error at 3:2"),
    (["query", "-e", "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }"], "SPARQL update"),
    (["query", "-e", "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }"], "refused"),
    (["deps", "nope"], "no variable or file 'nope' in trial 1"),
    (["impact", "nope.csv"], "no variable or file 'nope.csv'"),
    (["deps", "e", "--trial", "42"], "no trial '42'"),
    (["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--trial", "42"], "no trial '42'"),
    (["query", "missing.rq"], "no query file missing.rq"),
])
def test_errors_are_one_line(captured, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    proc = captured.run(*args, check=False)
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1
    assert message in proc.stderr


def test_update_only_when_allowed(captured) -> None:  # type: ignore[no-untyped-def]
    update = "INSERT DATA { GRAPH <http://example.org/notes> { <http://a/b> <http://a/c> \"note\" } }"
    assert captured.run("query", "-e", update, check=False).returncode != 0
    assert "update applied" in captured.run("query", "-e", update, "--allow-update").stdout
