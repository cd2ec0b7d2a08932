"""One default granularity for every query entry point (the trial's own), and headings that say both the
query's granularity and the trial's."""

from __future__ import annotations

import argparse
import inspect
import json

import pytest

from provbridge.cli import deps as deps_cli
from provbridge.cli import dot as dot_cli
from provbridge.cli import impact as impact_cli
from provbridge.errors import QueryError
from provbridge.query import aliases, api
from provbridge.render import build, graph
from tests.query.helpers import capture_dataflow


def _parser_default(module: object) -> object:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser.parse_args(["x"] if module is not dot_cli else []).granularity


def test_one_default_everywhere() -> None:
    from provbridge.query.granularity import DEFAULT_GRANULARITY

    assert DEFAULT_GRANULARITY is None  # the trial's own granularity
    functions = [api.deps, api.impact, aliases.backward_deps, aliases.global_backward_deps, graph, build.build_trial]
    defaults = {f.__qualname__: inspect.signature(f).parameters["granularity"].default for f in functions}
    assert defaults == dict.fromkeys(defaults, DEFAULT_GRANULARITY)
    assert inspect.signature(aliases.backward_deps).parameters["glanularity_level"].default is DEFAULT_GRANULARITY
    assert [_parser_default(m) for m in (deps_cli, impact_cli, dot_cli)] == [DEFAULT_GRANULARITY] * 3


class _Trial:
    def __init__(self, granularity: int | None) -> None:
        self.granularity = granularity


def test_query_granularity() -> None:
    from provbridge.query.granularity import granularity_note, query_granularity

    assert [query_granularity(None, _Trial(g)) for g in (0, 1)] == [0, 1]
    assert [query_granularity(q, _Trial(1)) for q in (0, 1, False, True)] == [0, 1, 0, 1]
    assert granularity_note(0, _Trial(1)) == "query granularity 0, trial recorded at granularity 1"
    for bad in (2, -1, "x"):
        with pytest.raises(QueryError, match="granularity must be 0 or 1"):
            query_granularity(bad, _Trial(0))  # type: ignore[arg-type]


def test_defaults_follow_the_trial_and_headings_say_both(project) -> None:  # type: ignore[no-untyped-def]
    trial = capture_dataflow(project, granularity="1")
    level1 = api.deps("e", trial=trial)
    assert (level1.attrs["granularity"], level1.attrs["trial_granularity"]) == (1, 1)
    assert list(level1["version"]) == list(api.deps("e", trial=trial, granularity=1)["version"])
    assert list(aliases.backward_deps("e", trial=trial)["version"]) == list(level1["version"])
    level0 = api.deps("e", trial=trial, granularity=0)
    assert (level0.attrs["granularity"], level0.attrs["trial_granularity"]) == (0, 1)
    assert set(level1["name"]) - set(level0["name"]) == {"v", "k", "t", "return"}
    assert api.impact("a", trial=trial).attrs == {"granularity": 1, "trial_granularity": 1}
    heading = project.run("deps", "e", "-g", "0").stdout.splitlines()[0]
    assert heading == ("backward dependencies of e in trial 1 (query granularity 0, trial recorded at "
                       "granularity 1): 6 versions")
    heading = project.run("impact", "a").stdout.splitlines()[0]
    assert heading.startswith("forward impact of a in trial 1 (query granularity 1, trial recorded at granularity 1)")
    document = json.loads(project.run("impact", "a", "--json", "-g", "0").stdout)
    assert (document["granularity"], document["trial"]["granularity"]) == (0, 1)
    title = graph(trial, var="e").source().split("label=", 1)[1]
    assert "(query granularity 1, trial recorded at granularity 1)" in title.split(";", 1)[0]
