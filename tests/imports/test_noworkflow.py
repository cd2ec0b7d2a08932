"""Importing noWorkflow 2.x databases: real noWorkflow runs a script, its dataflow must survive the import."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import provbridge
from provbridge.api import Store, Trial, open_store
from provbridge.errors import FormatError, StoreError, TrialNotFoundError
from provbridge.export.validation import validate
from provbridge.imports.noworkflow import import_noworkflow
from provbridge.query import deps

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from noworkflow_env import ensure_noworkflow  # noqa: E402

pytestmark = pytest.mark.timeout(1800)  # the first test installs noWorkflow from PyPI (once per cache)

SCRIPT = """
def scale(values, factor):
    return [v * factor for v in values]

a = 2
b = 3
with open("input.txt") as f:
    text = f.read()
nums = [int(x) for x in text.split()]
c = a + b
d = scale(nums, c)
e = sum(d)
unused = 7
with open("output.txt", "w") as out:
    out.write(str(e))
"""
MUTATIONS = """
import math
from helper import double
class Box:
    pass
total = 0
for i in range(3):
    total += i
box = Box()
box.value = total
items = {}
items["k"] = double(total)
root = math.sqrt(items["k"])
def inc(x):
    y = x + 1
    return y
ys = list(map(inc, [3, 1, 2]))
w = ys[0] + root
"""
HELPER = """
def double(x):
    return 2 * x
"""
NODE = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"', re.M)
EDGE = re.compile(r"^\s*(\w+) -> (\w+)", re.M)


@dataclass
class NowProject:
    """A directory where noWorkflow recorded SCRIPT twice (input "1 2 3", then "1 2 4")."""

    root: Path
    db: Path
    dot_fine: str  # `now export dataflow -m fineGrain 1`: inside functions too
    dot_coarse: str  # the same with `-d 1`: calls collapsed, like provbridge's granularity 0


def _base_python() -> str | None:
    """A Python 3.11 for noWorkflow's environment (2.1.3 supports it), when there is one."""
    found = shutil.which("python3.11")
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [found] if found else sorted(glob.glob(f"{pyenv}/versions/3.11.*/bin/python3.11"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="module")
def now_command() -> Path:
    """noWorkflow's ``now``, installed from PyPI into the test cache on first use."""
    cache = Path(os.environ.get("PROVBRIDGE_TEST_CACHE") or Path.home() / ".cache" / "provbridge-tests")
    nowf = ensure_noworkflow(cache, base_python=_base_python(), log=False, libraries=())
    if isinstance(nowf, str):
        pytest.skip(nowf)
    return nowf.now


def _now(now: Path, root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVBRIDGE", "PYTHON"))}
    proc = subprocess.run([str(now), *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"now {' '.join(args)} failed:\n{proc.stderr[-2000:]}"
    return proc.stdout


def _dots(now: Path, root: Path) -> tuple[str, str]:
    return (_now(now, root, "export", "dataflow", "-m", "fineGrain", "1"),
            _now(now, root, "export", "dataflow", "-m", "fineGrain", "-d", "1", "1"))


@pytest.fixture(scope="module")
def now_project(now_command: Path, tmp_path_factory: pytest.TempPathFactory) -> NowProject:
    root = tmp_path_factory.mktemp("nowproject")
    (root / "script.py").write_text(textwrap.dedent(SCRIPT).lstrip())
    for numbers in ("1 2 3\n", "1 2 4\n"):
        (root / "input.txt").write_text(numbers)
        _now(now_command, root, "run", "script.py")
    return NowProject(root, root / ".noworkflow" / "db.sqlite", *_dots(now_command, root))


@pytest.fixture(scope="module")
def mutations(now_command: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[NowProject, Trial]:
    """MUTATIONS recorded by noWorkflow (imports, a loop, ``+=``, attribute and item assignments, a function
    called back by ``map``), imported."""
    root = tmp_path_factory.mktemp("nowmutations")
    (root / "script.py").write_text(textwrap.dedent(MUTATIONS).lstrip())
    (root / "helper.py").write_text(textwrap.dedent(HELPER).lstrip())
    _now(now_command, root, "run", "script.py")
    project = NowProject(root, root / ".noworkflow" / "db.sqlite", *_dots(now_command, root))
    store = open_store(root / ".provbridge", create=True)
    return project, import_noworkflow(store, project.db)[0]


@pytest.fixture(scope="module")
def imported(now_project: NowProject, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Trial]]:
    store = open_store(tmp_path_factory.mktemp("pbstore") / ".provbridge", create=True)
    yield import_noworkflow(store, now_project.db)
    store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / ".provbridge", create=True)
    yield store
    store.close()


def noworkflow_backward(dot: str, variable: str, root: Path) -> set[str]:
    """The variables and files the last node of ``variable`` reaches in noWorkflow's dataflow graph: node
    labels are "LINE NAME" (files: their path); builtins (line -1) and expressions are left out."""
    labels = {node: label.replace('\\"', '"') for node, label in NODE.findall(dot)}
    edges: dict[str, list[str]] = {}
    for source, target in EDGE.findall(dot):
        edges.setdefault(source, []).append(target)
    start = max((n for n, label in labels.items() if n.startswith("e_") and label.split(" ", 1)[1] == variable),
                key=lambda n: int(n[2:]))
    seen, todo = set(), [start]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    result = set()
    for node in seen - {start}:
        if node.startswith("a_"):
            result.add(str(root / labels[node]))
            continue
        line, name = labels[node].split(" ", 1)
        if line != "-1" and name.isidentifier():
            result.add(name)
    return result


def _names(versions: list[object]) -> set[str]:
    return {v.name for v in versions}  # type: ignore[attr-defined]


@pytest.mark.parametrize("variable", ["e", "nums", "c"])
def test_backward_dependencies_match_noworkflow(imported: list[Trial], now_project: NowProject,
                                                variable: str) -> None:
    first = imported[0]
    root = now_project.root
    fine = noworkflow_backward(now_project.dot_fine, variable, root)
    coarse = noworkflow_backward(now_project.dot_coarse, variable, root)
    assert _names(first.backward(variable)) == fine
    assert _names(first.backward(variable, granularity=0)) == coarse
    assert set(deps(variable, trial=first, granularity=1)["name"]) == fine
    assert set(deps(variable, trial=first, granularity=0)["name"]) == coarse


@pytest.mark.parametrize("variable", ["root", "total", "ys", "w"])
def test_mutations_match_noworkflow(mutations: tuple[NowProject, Trial], variable: str) -> None:
    project, trial = mutations
    assert _names(trial.backward(variable)) == noworkflow_backward(project.dot_fine, variable, project.root)
    assert _names(trial.backward(variable, granularity=0)) == noworkflow_backward(project.dot_coarse, variable,
                                                                                  project.root)


def test_mutations_make_versions(mutations: tuple[NowProject, Trial]) -> None:
    trial = mutations[1]
    assert _names(trial.backward("root")) == {"double", "i", "items", "math", "total"}
    assert [(v.kind, v.value) for v in trial.versions("total")] == [("assign", 0), ("assign", 0), ("assign", 1),
                                                                    ("assign", 3)]
    items = trial.latest("items")  # items["k"] = ... is a new version of items, derived from the old one
    assert (items.kind, items.repr) == ("mutate", 'items["k"] = 6')
    assert sorted(v.label for v in trial.sources(items.id)) == ["double@33", "items@31", "total@25"]
    assert {(v.name, v.kind, v.type) for v in trial.versions() if v.name in ("math", "double", "Box")} == {
        ("math", "import", "module"), ("double", "import", "function"), ("Box", "class", "type")}
    assert trial.latest("root").value == pytest.approx(6 ** 0.5)
    # for mutated variables noWorkflow's graph keeps the first binding; provbridge the mutation (DESIGN §3)
    executions = {e.id: e for e in trial.executions()}  # inc, called back by map(): its calls and returns
    assert [(c.name, executions[c.parent].text if c.parent else None) for c in trial.executions("call")] == [
        ("Box", "class Box:"), *[("inc", "ys = list(map(inc, [3, 1, 2]))")] * 3]
    assert [v.value for v in trial.versions("return")] == [4, 2, 3]
    box = trial.latest("box")
    assert (box.kind, sorted(v.name for v in trial.sources(box.id))) == ("mutate", ["box", "total"])


def test_backward_dependencies_exact(imported: list[Trial], now_project: NowProject) -> None:
    first = imported[0]
    data = str(now_project.root / "input.txt")
    assert _names(first.backward("e")) == {"d", "return", "scale", "v", "values", "factor", "nums", "x", "text",
                                           "f", data, "c", "a", "b"}
    assert _names(first.backward("e", granularity=0)) == {"d", "scale", "nums", "x", "text", "f", data, "c", "a", "b"}
    assert _names(first.backward("unused")) == set()
    assert {(v.name, v.scope, v.kind) for v in first.versions() if v.name in ("values", "return", "v", "x", "out")} \
        == {("values", "scale", "param"), ("return", "scale", "return"), ("v", "scale", "for"),
            ("x", "<module>", "for"), ("out", "<module>", "with")}
    assert [v.value for v in imported[0].versions("e")] == [30]
    assert [v.value for v in imported[1].versions("e")] == [35]


def test_trials_and_records(imported: list[Trial], now_project: NowProject) -> None:
    db = sqlite3.connect(now_project.db)
    originals = [row[0] for row in db.execute("SELECT id FROM trial ORDER BY sequence_key")]
    db.close()
    assert [t.kind for t in imported] == ["imported", "imported"]
    assert [t.status for t in imported] == ["finished", "finished"]
    first = imported[0]
    assert first.uuid == originals[0]
    assert first.main == str(now_project.root / "script.py")
    assert first.command == ["now", "run", "script.py"]
    assert first.granularity == 1
    assert first.environment()["noworkflow"]["version"].startswith("2.")
    rows = first.conn.execute("SELECT source, format, original FROM imports WHERE trial_id = ?", (first.id,)).fetchall()
    assert rows == [(str(now_project.db), "noworkflow", originals[0])]
    accesses = {(Path(a.path).name, a.mode, a.read_version is not None, a.write_version is not None)
                for a in first.file_accesses()}
    assert accesses == {("input.txt", "r", True, False), ("output.txt", "w", False, True)}
    read = next(a for a in first.file_accesses() if a.mode == "r")
    assert read.sha256_before == "1def07dbe06eeb097aafec8a40329937cd20c93a83634b8221ea2b41a894310c"  # "1 2 3\n"
    statements = [(e.lineno, e.text) for e in first.executions("statement") if e.scope == "<module>"]
    assert statements[:3] == [(1, "def scale(values, factor):"), (4, "a = 2"), (5, "b = 3")]
    assert [e.name for e in first.executions("call")] == ["scale"]


def test_export_validates(imported: list[Trial], tmp_path: Path) -> None:
    for fmt in ("json", "trig"):
        path = tmp_path / f"trial.{fmt}"
        imported[0].export(path)
        chosen, problems = validate(path)
        assert (chosen.name, problems) == (fmt, [])
    document = json.loads((tmp_path / "trial.json").read_text())
    bundle = next(iter(document["bundle"].values()))
    names = {attrs.get("pb:name") for attrs in bundle["entity"].values()}
    assert {"e", "nums", "return"} <= names


def test_diff_of_two_imported_trials(imported: list[Trial]) -> None:
    result = provbridge.diff(imported[0].id, imported[1].id, store=imported[0].store).to_dict()
    variables = {row["name"]: (row["status"], row["a"], row["b"]) for row in result["variables"]}
    proxy = "<noworkflow.now.collection.prov_execution.collector.TextFileProxy object>"
    assert variables == {
        "d": ("different", "[5, 10, 15]", "[5, 10, 20]"), "e": ("different", 30, 35),
        "nums": ("different", "[1, 2, 3]", "[1, 2, 4]"), "text": ("different", "1 2 3\n", "1 2 4\n"),
        "x": ("different", "3", "4"),
        "f": ("unknown", "<_io.TextIOWrapper name='input.txt' mode='r' encoding='UTF-8'>",
              "<_io.TextIOWrapper name='input.txt' mode='r' encoding='UTF-8'>"),
        "out": ("unknown", proxy, proxy), "scale": ("unknown", "<function scale>", "<function scale>"),
    }  # values noWorkflow kept only as repr cannot be compared (its "at 0x..." addresses are dropped)
    files = {(row["path"], row["status"]) for row in result["files"]}
    assert files == {("input.txt", "changed"), ("output.txt", "changed")}
    assert result["code"] == "" and result["operations"] == ""


def test_reimport_is_skipped(now_project: NowProject, fresh: Store) -> None:
    assert [t.id for t in import_noworkflow(fresh, now_project.db, [2])] == [1]
    said: list[str] = []
    again = import_noworkflow(fresh, now_project.db, report=said.append)
    assert [t.id for t in again] == [2]  # trial 1 of noWorkflow is new, its trial 2 was imported before
    assert len(said) == 1 and "noWorkflow trial 2 " in said[0] and "already imported as trial 1" in said[0]
    assert import_noworkflow(fresh, now_project.db, report=said.append) == []
    assert len(fresh.trials()) == 2


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_bad_databases(now_project: NowProject, fresh: Store, tmp_path: Path) -> None:
    import_noworkflow(fresh, now_project.db, [1])
    before = fresh.conn.execute("SELECT count(*) FROM versions").fetchone()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FormatError) as exc:
        import_noworkflow(fresh, garbage)
    assert "is not an SQLite database" in _one_line(exc)
    with pytest.raises(FormatError) as exc:
        import_noworkflow(fresh, fresh.path)  # a provbridge store is SQLite, but not noWorkflow
    assert "not a noWorkflow database" in _one_line(exc)
    changed = tmp_path / "changed.sqlite"
    shutil.copy(now_project.db, changed)
    with sqlite3.connect(changed) as db:
        db.execute("ALTER TABLE evaluation DROP COLUMN repr")
    with pytest.raises(FormatError) as exc:
        import_noworkflow(fresh, changed)
    assert "unknown noWorkflow schema (table evaluation lacks repr)" in _one_line(exc)
    newer = tmp_path / "newer.sqlite"
    shutil.copy(now_project.db, newer)
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE environment_attr SET value = '3.0.0' WHERE name = 'NOWORKFLOW_VERSION'")
        db.execute("DELETE FROM trial WHERE sequence_key = 1")
    with pytest.raises(FormatError) as exc:
        import_noworkflow(fresh, newer)
    assert "recorded by noWorkflow 3.0.0, newer than this import understands (2.x)" in _one_line(exc)
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE trial (id INTEGER PRIMARY KEY, script TEXT)")
        db.execute("CREATE TABLE function_activation (id INTEGER PRIMARY KEY, trial_id INTEGER, name TEXT)")
    with pytest.raises(FormatError) as exc:
        import_noworkflow(fresh, old)
    assert "written by noWorkflow 1.x; only noWorkflow 2.x databases can be imported" in _one_line(exc)
    with pytest.raises(TrialNotFoundError) as exc:
        import_noworkflow(fresh, now_project.db, [1, 7])
    assert _one_line(exc).endswith("has no noWorkflow trial 7 (its trials: 1-2)")
    assert fresh.conn.execute("SELECT count(*) FROM versions").fetchone() == before
    assert [t.id for t in fresh.trials()] == [1]


def test_commands_work_on_imported_trials(imported: list[Trial], tmp_path: Path) -> None:
    store = imported[0].store.directory
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVBRIDGE")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "provbridge", "--store", str(store), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=240)

    result = run("deps", "e", "--trial", "1", "--granularity", "0", "--json")
    assert result.returncode == 0, result.stderr
    names = {row["name"] for row in json.loads(result.stdout)["versions"]}
    assert names == _names(imported[0].backward("e", granularity=0))
    for args in (("trials",), ("show", "1"), ("diff", "1", "2"), ("dot", "1", "--var", "e", "-o", "e.dot")):
        proc = run(*args)
        assert proc.returncode == 0, (args, proc.stderr)
    assert "digraph" in (tmp_path / "e.dot").read_text()


def test_import_command(now_project: NowProject, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVBRIDGE")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "provbridge", "--store", str(tmp_path / ".provbridge"), "import",
                               *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)

    first = run("--noworkflow", str(now_project.db), "--trial", "2")
    assert (first.returncode, first.stdout) == (0, "imported trial 1 'script.py' from noWorkflow\n"), first.stderr
    again = run("--noworkflow", str(now_project.root))
    assert again.returncode == 0
    assert again.stdout == "imported trial 2 'script.py' from noWorkflow\n"
    assert "noWorkflow trial 2 " in again.stderr and "already imported as trial 1; skipped" in again.stderr
    garbage = tmp_path / "db.sqlite"
    garbage.write_text("not a database")
    bad = run("--noworkflow", str(garbage))
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "is not an SQLite database" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_failed_write_leaves_nothing(now_project: NowProject, fresh: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import provbridge.imports.noworkflow as module

    def counts() -> list[int]:
        return [fresh.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("trials", "code", "statements", "executions", "versions", "imports")]

    import_noworkflow(fresh, now_project.db, [1])
    before = counts()
    monkeypatch.setitem(module.TABLES, "tags", "INSERT INTO no_such_table VALUES (?,?,?,?,?)")
    with pytest.raises(StoreError) as exc:
        import_noworkflow(fresh, now_project.db, [2])
    assert "nothing was imported" in _one_line(exc)
    assert counts() == before


def test_git_content_engine(now_command: Path, tmp_path: Path, fresh: Store) -> None:
    """With a git content engine noWorkflow keeps contents as blobs of .noworkflow/content.git."""
    root = tmp_path / "gitproject"
    root.mkdir()
    (root / "script.py").write_text(textwrap.dedent(SCRIPT).lstrip())
    (root / "input.txt").write_text("1 2 3\n")
    _now(now_command, root, "run", "--content-engine", "puregit", "script.py")
    assert not (root / ".noworkflow" / "content").exists()
    git = shutil.which("git")
    if git:  # packed objects too
        subprocess.run([git, "--git-dir", str(root / ".noworkflow" / "content.git"), "gc", "-q"], check=True)
    trial = import_noworkflow(fresh, root)[0]
    read = next(a for a in trial.file_accesses() if a.mode == "r")
    assert (read.sha256_before, read.size_before) == (
        "1def07dbe06eeb097aafec8a40329937cd20c93a83634b8221ea2b41a894310c", 6)
    assert fresh.code(trial.main_code_id).source == textwrap.dedent(SCRIPT).lstrip()
    assert _names(trial.backward("e", granularity=0)) == {"d", "scale", "nums", "x", "text", "f", "c", "a", "b",
                                                          str(root / "input.txt")}
