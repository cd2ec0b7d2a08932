"""Tests of provbridge.capture.environment: rows, secret filtering, packages and git state."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from provbridge.capture.environment import collect_environment, is_secret_name, strip_credentials

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def as_dict(rows: list[tuple[str, str, str]], kind: str) -> dict[str, str]:
    return {name: value for k, name, value in rows if k == kind}


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def committed_repo(repo: Path, name: str, text: str) -> Path:
    """A new git work tree at ``repo`` with one committed file ``name``; returns the file's path."""
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / name).write_text(text)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    return repo / name


def test_rows_shape_and_unique_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = collect_environment()
    assert all(isinstance(part, str) for row in rows for part in row)
    keys = [(kind, name) for kind, name, _ in rows]
    assert len(keys) == len(set(keys))
    assert {kind for kind, _, _ in rows} >= {"python", "os", "machine", "package", "env", "cwd"}
    python = as_dict(rows, "python")
    assert python == {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "prefix": sys.prefix,
    }
    assert as_dict(rows, "os")["system"] == platform.system()
    assert set(as_dict(rows, "os")) == {"system", "release", "machine", "platform"}
    assert as_dict(rows, "machine")["cpu_count"] == str(os.cpu_count())
    assert as_dict(rows, "cwd") == {"path": str(tmp_path)}


def test_packages_include_pytest_with_real_version() -> None:
    packages = as_dict(collect_environment(), "package")
    assert packages["pytest"] == metadata.version("pytest")
    assert packages["scikit-learn"] == metadata.version("scikit-learn")  # normalized names
    assert all(name == name.lower() and "_" not in name for name in packages)


def test_secrets_never_stored_even_if_allow_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_API_TOKEN", "s3cr3t")
    monkeypatch.setenv("db_password", "hunter2")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "k")
    monkeypatch.setenv("GITHUB_AUTH", "a")
    monkeypatch.setenv("MY_SETTING", "visible")
    monkeypatch.setenv("EXP_A", "1")
    monkeypatch.setenv("EXP_KEY", "hidden")
    monkeypatch.setenv("NOT_LISTED", "x")
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    monkeypatch.setenv(
        "PROVBRIDGE_ENV_ALLOW", " MY_API_TOKEN, db_password,AWS_SECRET_ACCESS_KEY,GITHUB_AUTH, MY_SETTING ,EXP_*"
    )
    rows = collect_environment()
    env = as_dict(rows, "env")
    assert env["MY_SETTING"] == "visible"
    assert env["OMP_NUM_THREADS"] == "4"
    assert env["EXP_A"] == "1"
    for name in ("MY_API_TOKEN", "db_password", "AWS_SECRET_ACCESS_KEY", "GITHUB_AUTH", "EXP_KEY", "NOT_LISTED"):
        assert name not in env
    values = [value for _, _, value in rows]
    for secret in ("s3cr3t", "hunter2"):
        assert not any(secret in value for value in values)


def test_is_secret_name() -> None:
    for name in ("TOKEN", "my_token", "ApiKey", "SECRET_X", "PGPASSWORD", "PASSWD", "GOOGLE_CREDENTIALS", "AUTH"):
        assert is_secret_name(name)
    for name in ("PATH", "HOME", "LANG", "OMP_NUM_THREADS"):
        assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pass@github.com/o/r.git", "https://github.com/o/r.git"),
        ("https://ghp_abc123@github.com/o/r.git", "https://github.com/o/r.git"),
        ("http://u:p@host:8080/r?token=x#f", "http://host:8080/r"),
        ("ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"),
        ("ssh://git:pw@github.com/o/r.git", "ssh://github.com/o/r.git"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("/srv/repos/r.git", "/srv/repos/r.git"),
    ],
)
def test_strip_credentials(url: str, expected: str) -> None:
    assert strip_credentials(url) == expected


@needs_git
def test_git_rows_in_temp_repo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "checkout", "-q", "-b", "work")
    script = repo / "sub" / "script.py"
    script.parent.mkdir()
    script.write_text("print(1)\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    git(repo, "remote", "add", "origin", "https://alice:pa55@example.org/team/repo.git")

    info = as_dict(collect_environment(str(script)), "git")
    assert info["commit"] == git(repo, "rev-parse", "HEAD")
    assert info["branch"] == "work"
    assert info["dirty"] == "false"
    assert info["remote"] == "https://example.org/team/repo.git"
    assert "pa55" not in info["remote"]

    script.write_text("print(2)\n")
    assert as_dict(collect_environment(str(script)), "git")["dirty"] == "true"


@needs_git
def test_git_rows_of_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("a")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "c")
    monkeypatch.chdir(tmp_path)
    info = as_dict(collect_environment(), "git")
    assert info["commit"] == git(tmp_path, "rev-parse", "HEAD")
    assert "remote" not in info


def test_no_git_repo_no_git_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    script = tmp_path / "s.py"
    script.write_text("")
    assert as_dict(collect_environment(str(script)), "git") == {}
    monkeypatch.chdir(tmp_path)
    assert as_dict(collect_environment(), "git") == {}


def test_git_missing_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git executable there
    rows = collect_environment(str(tmp_path / "missing" / "script.py"))
    assert as_dict(rows, "git") == {}
    assert as_dict(rows, "python")["version"] == platform.python_version()


def test_deleted_cwd_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    rows = collect_environment()
    assert as_dict(rows, "cwd") == {}
    assert as_dict(rows, "package")


@needs_git
def test_environment_costs_two_git_commands_and_no_uname(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up cost: git state from `status --porcelain=v2 --branch` plus the remote, and the platform
    string without `uname -p` (platform.platform() runs it), the same text as platform.platform()."""
    repo = committed_repo(tmp_path / "repo", "s.py", "x = 1\n").parent
    (repo / "s.py").write_text("x = 2\n")
    expected_platform = platform.platform()
    spawned: list[list[str]] = []
    original = subprocess.Popen.__init__

    def spy(self: subprocess.Popen[bytes], args: list[str], *rest: object, **kwargs: object) -> None:
        spawned.append(list(args))
        original(self, args, *rest, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    monkeypatch.setattr(platform, "_uname_cache", None, raising=False)
    info = collect_environment(str(repo / "s.py"))
    assert [cmd[:2] for cmd in spawned] == [["git", "status"], ["git", "config"]]
    assert as_dict(info, "os")["platform"] == expected_platform
    git_info = as_dict(info, "git")
    assert git_info["commit"] == git(repo, "rev-parse", "HEAD") and git_info["dirty"] == "true"


@needs_git
def test_probe_reads_the_start_state_in_a_hidden_thread(tmp_path: Path) -> None:
    import threading

    from provbridge.capture.environment import Probe

    script = committed_repo(tmp_path / "repo", "script.py", "print(1)\n")
    repo = script.parent
    before = {t.ident for t in threading.enumerate()}
    probe = Probe(str(script))
    probe.imported()
    assert {t.ident for t in threading.enumerate()} <= before  # a bare thread: the program never sees it
    assert probe.wait(30) is not None
    script.write_text("print(2)\n")  # changed while the program runs: the trial keeps the state it started from
    with_probe = collect_environment(str(script), probe)
    started = as_dict(with_probe, "git")
    assert (started["commit"], started["dirty"]) == (git(repo, "rev-parse", "HEAD"), "false")
    without = collect_environment(str(script))
    assert as_dict(without, "git")["dirty"] == "true"
    assert {r for r in with_probe if r[0] != "git"} == {r for r in without if r[0] != "git"}


def test_os_rows_are_platforms(tmp_path: Path) -> None:
    rows = as_dict(collect_environment(), "os")
    libc, version = platform.libc_ver()
    assert rows == {
        "system": platform.system(), "release": platform.release(), "machine": platform.machine(),
        "platform": "-".join(p for p in (platform.system(), platform.release(), platform.machine()) if p)
        + (f"-with-{libc}{version}" if libc else ""),
    }


@needs_git
def test_probe_asks_git_where_the_run_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from provbridge.capture.environment import Probe

    repo = committed_repo(tmp_path / "repo", "a.txt", "a").parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(repo)
    probe = Probe(None)
    monkeypatch.chdir(elsewhere)  # the program changes directory while the probe runs
    rows = collect_environment(None, probe)
    assert as_dict(rows, "git")["commit"] == git(repo, "rev-parse", "HEAD")
    assert as_dict(rows, "cwd") == {"path": str(elsewhere)}
