"""Command-line arguments are trial parameters: two real `provbridge run`s of an argparse script differing only
in ``--lr`` show ``params.lr`` in the trials table and JSON (a ``params`` object per trial), and a parameters
section in ``diff`` with ``argv``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import provbridge
from tests.conftest import Project

TRAIN = """
import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--tag", default=None)
args = parser.parse_args()
loss = args.lr * args.epochs
"""
# the namespace lives only inside main(): the parse hook sees it
LOCAL = """
import argparse

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--layers", type=int, nargs=2, default=[8, 8])
    sub = parser.add_subparsers(dest="command")
    fit = sub.add_parser("fit")
    fit.add_argument("--seed", type=int, default=0)
    return parser.parse_args().lr

if __name__ == "__main__":
    main()
"""
@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("params"))
    project.write("train.py", TRAIN)
    project.run("run", "-q", "train.py", "--lr", "0.1")
    project.run("run", "-q", "train.py", "--lr", "0.2")
    return project


def test_trials_table_has_the_parsed_parameters(runs: Project) -> None:
    with runs.store() as store:
        frame = provbridge.trials(store)
    assert [c for c in frame.columns if c.startswith("params.")] == [
        "params.argv", "params.epochs", "params.lr", "params.tag"]
    assert list(frame["params.lr"]) == [0.1, 0.2] and frame["params.lr"].dtype == float
    assert list(frame["params.epochs"]) == [3, 3] and list(frame["params.tag"]) == [None, None]
    assert list(frame["params.argv"]) == [["train.py", "--lr", "0.1"], ["train.py", "--lr", "0.2"]]
    header = runs.run("trials").stdout.splitlines()[0].split()
    assert header[-4:] == ["params.argv", "params.epochs", "params.lr", "params.tag"]
    listing = json.loads(runs.run("trials", "--json").stdout)
    assert [t["params"] for t in listing] == [
        {"argv": ["train.py", "--lr", "0.1"], "epochs": 3, "lr": 0.1, "tag": None},
        {"argv": ["train.py", "--lr", "0.2"], "epochs": 3, "lr": 0.2, "tag": None}]
    assert [t["params.lr"] for t in listing] == [0.1, 0.2]
    changed = json.loads(runs.run("trials", "--json", "--only-changed").stdout)
    assert [(list(t), t["params"]) for t in changed] == [
        (["number", "name", "params.argv", "params.lr", "params"],
         {"argv": ["train.py", "--lr", "0.1"], "lr": 0.1}),
        (["number", "name", "params.argv", "params.lr", "params"],
         {"argv": ["train.py", "--lr", "0.2"], "lr": 0.2})]


def test_diff_shows_the_parameters_and_argv(runs: Project) -> None:
    data = json.loads(runs.run("diff", "1", "2", "--json").stdout)
    assert data["parameters"] == [
        {"name": "argv", "a": ["train.py", "--lr", "0.1"], "b": ["train.py", "--lr", "0.2"], "status": "changed"},
        {"name": "lr", "a": 0.1, "b": 0.2, "status": "changed"}]
    assert not [e for e in data["environment"] if e["kind"] in ("param", "argv")]
    text = runs.run("diff", "1", "2").stdout
    section = text.split("\nparameters\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section[0].split() == ["name", "a", "b", "status"]
    assert section[2].startswith("argv ") and section[2].endswith("changed")
    assert section[3].split() == ["lr", "0.1", "0.2", "changed"]
    with runs.store() as store:
        full = provbridge.diff(1, 2, all=True, store=store).parameters
    assert full[["name", "status"]].values.tolist() == [
        ["argv", "changed"], ["epochs", "equal"], ["lr", "changed"], ["tag", "equal"]]


def test_argv_alone_and_argv_without_arguments(project: Project) -> None:
    project.write("plain.py", "import sys\nn = len(sys.argv)\n")
    project.run("run", "-q", "plain.py")
    project.run("run", "-q", "plain.py", "x")
    with project.store() as store:
        frame = provbridge.trials(store)
        assert list(frame["params.argv"]) == [None, ["plain.py", "x"]]
        params = provbridge.diff(1, 2, store=store).parameters
    assert params.to_dict("records") == [{"name": "argv", "a": ["plain.py"], "b": ["plain.py", "x"],
                                          "status": "changed"}]


def test_a_namespace_local_to_main_through_the_parse_hook(project: Project) -> None:
    project.write("local.py", LOCAL)
    for extra in (["--lr", "0.5"], ["--lr", "0.25", "--layers", "4", "2", "fit", "--seed", "7"]):
        project.run("run", "-q", "local.py", *extra)
    listing = json.loads(project.run("trials", "--json").stdout)
    assert [t["params"] for t in listing] == [
        {"argv": ["local.py", "--lr", "0.5"], "command": None, "layers": [8, 8], "lr": 0.5},
        {"argv": ["local.py", "--lr", "0.25", "--layers", "4", "2", "fit", "--seed", "7"], "command": "fit",
         "layers": [4, 2], "lr": 0.25, "seed": 7}]


def test_hook_install_and_literals() -> None:
    from provbridge.capture import arguments

    arguments.install()
    try:
        parser = argparse.ArgumentParser()
        parser.add_argument("--path", type=Path)
        parser.add_argument("--rate", type=float)
        parser.parse_args(["--path", "data/x.csv", "--rate", "nan"])
        assert arguments._parsed == {"path": "'data/x.csv'", "rate": "'nan'"}
    finally:
        arguments.uninstall()
    assert not hasattr(argparse.ArgumentParser.parse_known_args, "__wrapped__")
    assert [arguments.literal_text(v) for v in (0.1, "a", None, (1, "b"), {"k": [1]})] == [
        "0.1", "'a'", "None", "(1, 'b')", "{'k': [1]}"]
