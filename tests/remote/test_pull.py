"""provbridge pull: another project brings pushed trials into its store through the importer, once."""

from __future__ import annotations

import pytest

from provbridge.query.api import sparql
from tests.conftest import Project
from tests.query.helpers import DATAFLOW
from tests.remote.conftest import Server


def test_pull_into_another_project(shared: Project, oxigraph: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    shared.write("in.txt", "hello\n")
    shared.write("out.txt", "old\n")
    original = shared.capture(DATAFLOW)
    shared.run("push", "--all")
    other = Project(tmp_path_factory.mktemp("other"))
    other.capture("mine = 1\n")
    other.run("remote", "add", "origin", oxigraph.query_url)
    seed = shared.store().trial(1)
    graph = f"https://w3id.org/provbridge/trial/{original.uuid}/bundle"
    first = other.run("pull", original.uuid[:8])
    assert first.stdout.startswith(f"{graph}: pulled ")
    assert first.stdout.endswith(" triples as trial 2\n")
    assert other.run("pull", original.uuid[:8]).stdout == f"{graph}: already pulled (trial 2)\n"
    everything = other.run("pull").stdout.splitlines()
    assert sorted(everything) == sorted([f"{graph}: already pulled (trial 2)",
                                         f"https://w3id.org/provbridge/trial/{seed.uuid}/bundle: pulled "
                                         + everything[[seed.uuid in line for line in everything].index(True)]
                                         .split(": pulled ")[1]])
    store = other.store()
    assert [t.id for t in store.trials()] == [1, 2, 3]
    # the same graph, triple for triple, under the pulled trial's own graph IRI
    query = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    here = sparql(store, query, trials=[2], raw=True)
    there = sparql(shared.store(), query, trials=[original.id], raw=True)
    assert len(here) == len(there) > 100
    assert set(here.terms) == set(there.terms)
    # a pulled trial is not pushed back under another graph
    assert other.run("push", "2").stdout == "trial 2: pulled from origin (not pushed back)\n"
    missing = other.run("pull", "ffffffff", check=False)
    assert missing.stderr == ("provbridge: error: no trial on the remote match 'ffffffff' (give a graph IRI or a "
                              "longer UUID prefix)\n")
