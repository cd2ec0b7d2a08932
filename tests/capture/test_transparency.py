"""The captured program behaves exactly as without capture: same stdout, stderr, exit status, files written.

Every case under ``transparency/`` (a script, or a folder with a ``CASE`` file) runs three times in its own
copy of the folder: plain ``python``, then ``provbridge run -q`` at granularity 0 and 1 (with ``--store``
outside the folder, so the program sees only its own files). Optional header lines in the script or CASE:
``# argv: ARGS`` (python's arguments; default: the script and ``arg1 --flag``), ``# stdin: TEXT``,
``# setup: zipapp SRC DEST``, ``# status: none`` (no trial is expected) or ``exec``, and ``# xfail: REASON`` /
``# xfail1: REASON`` for a known difference (at both granularities / at 1) whose fix lies outside the
runner; such a case passes as soon as the difference is gone.
"""

from __future__ import annotations

import os
import pty
import shlex
import shutil
import subprocess
import sys
import zipapp
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from provbridge.store.db import DB_NAME
from provbridge.store.store import open_store
from tests.conftest import Project

CASES = Path(__file__).parent / "transparency"
MODES = ("plain", "gran0", "gran1")  # same length: paths in the outputs are replaced by <DIR>
STDIN = "input line\nsecond line\n"


@dataclass
class Case:
    name: str
    source: Path  # the script or the folder
    argv: list[str]
    stdin: str = STDIN
    setup: list[list[str]] = field(default_factory=list)
    status: str = "auto"
    xfail: str | None = None  # a known difference at both granularities, fixed outside the runner
    xfail1: str | None = None  # a known difference at granularity 1 only


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    files: dict[str, bytes]
    trials: list[tuple[str, int | None]]


def _case(path: Path) -> Case:
    header = (path / "CASE") if path.is_dir() else path
    case = Case(path.stem if path.is_file() else path.name, path, [path.name, "arg1", "--flag"])
    for line in header.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# ") or ":" not in line:
            break
        key, _, value = line[2:].partition(":")
        value = value.strip()
        if key == "argv":
            case.argv = shlex.split(value)
        elif key == "stdin":
            case.stdin = value.replace("\\n", "\n")
        elif key == "setup":
            case.setup.append(shlex.split(value))
        elif key == "status":
            case.status = value
        elif key == "xfail1":
            case.xfail1 = value
        elif key == "xfail":
            case.xfail = value
    return case


ALL = [_case(p) for p in sorted(CASES.iterdir()) if p.suffix == ".py" or (p / "CASE").is_file()]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROVBRIDGE", "PYTHON"))}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    return env


def _snapshot(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            out[str(path.relative_to(root))] = path.read_bytes()
    return out


def _prepare(case: Case, where: Path) -> None:
    if case.source.is_dir():
        shutil.copytree(case.source, where, ignore=shutil.ignore_patterns("CASE", "__pycache__"))
    else:
        where.mkdir(parents=True)
        shutil.copy(case.source, where / case.source.name)
    for step in case.setup:
        if step[0] == "zipapp":
            zipapp.create_archive(where / step[1], where / step[2])
            shutil.rmtree(where / step[1])


def _run(case: Case, base: Path, mode: str) -> Result:
    where = base / case.name / mode
    _prepare(case, where)
    store = base / case.name / f"store-{mode}"
    command = [sys.executable, *case.argv]
    if mode != "plain":
        command = [sys.executable, "-m", "provbridge", "run", "-q", "--store", str(store),
                   "--granularity", mode[-1], *case.argv]
    proc = subprocess.run(command, cwd=where, env=_env(), input=case.stdin.encode(), capture_output=True,
                          timeout=120)
    files = _snapshot(where)

    def text(raw: bytes) -> str:
        return raw.decode("utf-8", "replace").replace(str(where), "<DIR>")

    trials: list[tuple[str, int | None]] = []
    if mode != "plain" and (store / DB_NAME).exists():
        with open_store(store / DB_NAME) as opened:
            trials = [(t.status or "", t.exit_code) for t in opened.trials()]
    return Result(proc.returncode, text(proc.stdout), text(proc.stderr), files, trials)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Result]:
    """Every case in every mode, run in parallel (the whole suite takes a few seconds of wall time)."""
    base = tmp_path_factory.mktemp("transparency")
    jobs = [(case, mode) for case in ALL for mode in MODES]
    with ThreadPoolExecutor(max_workers=max(2, min(6, (os.cpu_count() or 2) * 2))) as pool:
        done = pool.map(lambda job: _run(job[0], base, job[1]), jobs)
        return {(case.name, mode): result for (case, mode), result in zip(jobs, done)}


def test_there_are_enough_cases() -> None:
    assert len(ALL) >= 60


@pytest.mark.parametrize("mode", MODES[1:])
@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_same_as_python(results: dict[tuple[str, str], Result], case: Case, mode: str) -> None:
    plain, captured = results[(case.name, "plain")], results[(case.name, mode)]
    reason = case.xfail or (case.xfail1 if mode == "gran1" else None)
    if reason and (captured.stdout, captured.stderr, captured.returncode) != \
            (plain.stdout, plain.stderr, plain.returncode):
        pytest.xfail(reason)
    assert captured.stdout == plain.stdout
    assert captured.stderr == plain.stderr
    assert captured.returncode == plain.returncode
    assert captured.files == plain.files
    if case.status == "none":
        assert captured.trials == []
    elif case.status == "exec":  # the process went on as another program: no exit status of its own
        assert captured.trials == [("finished", None)]
    elif case.status == "auto":
        expected = "finished" if plain.returncode == 0 else "failed"
        assert captured.trials == [(expected, plain.returncode)]


def test_the_reference_runs_really_differ_by_case(results: dict[tuple[str, str], Result]) -> None:
    """Guard against a harness that compares nothing: the cases exercise what they claim."""
    assert results[("recursion_992", "plain")].stdout == "992 1000\n"
    assert results[("sigint_uncaught", "plain")].returncode == -2
    assert "KeyboardInterrupt" in results[("sigint_uncaught", "plain")].stderr
    assert results[("exit_message", "plain")].stderr == "fatal: bad input\n"
    assert results[("shadow_json", "plain")].stdout.startswith("local dumps of {'a': 1} True the local json")
    assert "DeprecationWarning: oldlib is deprecated" in results[("import_deprecation_warning", "plain")].stderr
    assert results[("zipapp", "plain")].stdout.startswith("__main__ ['app.pyz', 'x'] 42 zipimporter")
    assert "'__pb_s__'" not in results[("globals_dir", "gran0")].stdout
    assert results[("environment_clean", "gran0")].stdout.startswith("[]")
    assert results[("atexit_patched_open", "gran0")].stdout.startswith("open is mine at exit: True")
    assert results[("fork_child_exits", "gran0")].stdout == "b'from child' 7\n"


# -- the summary line, run's own options ------------------------------------------------------------
def _on_terminal(project: Project, *args: str) -> tuple[int, str]:
    """Run ``provbridge ARGS`` with stderr on a pseudo-terminal; (status, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "provbridge", *args], cwd=project.root, env=project.env(),
                            stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=120), b"".join(chunks).decode()


def test_summary_line_only_on_a_terminal(project: Project) -> None:
    project.write("s.py", "x = 1\nprint(x)\n")
    status, shown = _on_terminal(project, "run", "s.py")
    assert status == 0
    assert shown.startswith("provbridge: trial 1 (") and " finished: " in shown
    status, shown = _on_terminal(project, "run", "-q", "s.py")
    assert (status, shown) == (0, "")
    piped = project.run("run", "s.py")
    assert piped.stderr == ""  # redirected stderr: the program's own, nothing of ours
    assert project.store().trial("last").status == "finished"


def test_failed_trial_records_the_exception(project: Project) -> None:
    project.write("boom.py", (CASES / "traceback_uncaught.py").read_text())
    proc = project.run("run", "boom.py", check=False)
    assert proc.returncode == 1
    assert 'line 2, in inner' in proc.stderr and "KeyError: 'missing'" in proc.stderr
    assert "provbridge" not in proc.stderr  # the summary line goes to a terminal only
    trial = project.store().trial("last")
    assert trial.status == "failed"
    assert trial.exception == "KeyError: 'missing'"
    assert trial.traceback is not None and "in outer" in trial.traceback
    assert trial.latest("outer").kind == "def"  # what ran before the failure is kept


def test_module_mode(project: Project) -> None:
    project.write("pkg/__init__.py", "")
    project.write("pkg/tool.py", """
        import sys
        value = 6 * 7
        print(__name__, sys.argv[1:], value)
    """)
    plain = project.python("-m", "pkg.tool", "x")
    captured = project.run("run", "-q", "-m", "pkg.tool", "x")
    joined = project.run("run", "-q", "-mpkg.tool", "x")
    assert captured.stdout == joined.stdout == plain.stdout == "__main__ ['x'] 42\n"
    trial = project.store().trial("last")
    assert trial.kind == "module" and trial.latest("value").value == 42


def test_run_help_is_real_help(project: Project) -> None:
    proc = project.run("run", "--help")
    assert proc.stdout.startswith("usage: provbridge run [-h] [--granularity {0,1}]")
    for option in ("--granularity", "--name", "--fold", "--quiet", "--store", "--strict", "-m"):
        assert option in proc.stdout


def test_options_after_the_script_belong_to_it(project: Project) -> None:
    project.write("echo.py", "import sys\nprint(sys.argv[1:])\n")
    proc = project.run("run", "--name", "n1", "echo.py", "-q", "--help", "--granularity", "7", "--", "x")
    assert proc.stdout == "['-q', '--help', '--granularity', '7', '--', 'x']\n"
    assert project.store().trial("last").name == "n1"


@pytest.mark.parametrize(("args", "message"), [
    (["--granularity", "2", "s.py"], "argument --granularity: invalid choice: 2 (choose from 0, 1)"),
    (["--fold", "0", "s.py"], "argument --fold: must be a positive integer, not '0'"),
    ([], "nothing to run: give a script, -m MODULE, a directory, a .pyz or a notebook"),
    (["-q"], "nothing to run: give a script, -m MODULE, a directory, a .pyz or a notebook"),
    (["--bogus", "s.py"], "unrecognized arguments: --bogus"),
])
def test_bad_options_one_line(project: Project, args: list[str], message: str) -> None:
    project.write("s.py", "print(1)\n")
    proc = project.run("run", *args, check=False)
    assert proc.returncode == 2
    assert proc.stderr == f"provbridge: error: {message} (see `provbridge run --help`)\n"
    assert proc.stdout == ""


@pytest.mark.parametrize("where", ["global", "run"])
def test_store_option_does_not_leak_into_the_environment(project: Project, where: str) -> None:
    project.write("env.py", "import os\nprint(os.environ.get('PROVBRIDGE_DIR'))\n")
    store = project.root / "elsewhere"
    args = ["--store", str(store), "run", "-q", "env.py"] if where == "global" else \
        ["run", "-q", "--store", str(store), "env.py"]
    proc = project.run(*args)
    assert proc.stdout == "None\n"
    with open_store(store / DB_NAME) as opened:
        assert [t.status for t in opened.trials()] == ["finished"]
    assert not (project.root / ".provbridge").exists()


@pytest.mark.parametrize(("args", "status", "message"), [
    (["missing.py"], 2, "can't open file '{root}/missing.py': [Errno 2] No such file or directory"),
    (["-m", "no_such_module_here"], 1, "No module named no_such_module_here"),
    (["emptydir"], 1, "can't find '__main__' module in '{root}/emptydir'"),
])
def test_nothing_to_run_is_one_line_with_pythons_status(project: Project, args: list[str], status: int,
                                                        message: str) -> None:
    (project.root / "emptydir").mkdir()
    plain = project.python(*args)
    proc = project.run("run", *args, check=False)
    assert proc.returncode == plain.returncode == status
    assert proc.stderr == f"provbridge: error: {message.format(root=project.root)}\n"
    assert plain.stderr.endswith(f": {message.format(root=project.root)}\n")  # Python's own words
    assert not (project.root / ".provbridge").exists()
