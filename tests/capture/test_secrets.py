"""Secrets in values are redacted (issue 16): by variable/attribute/key name and by credential shape, in the
summaries, in the store's raw bytes and in all 8 export formats; ``PROVBRIDGE_REDACT=0`` turns it off."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provbridge.capture.values import secrets, summarize
from provbridge.capture.values.secrets import REDACTED, scrub, secret_name

# Built at run time so that no test source holds them whole.
OPENAI = "sk-" + "proj-" + "Zq8Xr2Lm5Np7Ks3Tv9Wb"
GITHUB = "ghp" + "_" + "Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0KkLl"
GITHUB_PAT = "github" + "_pat_" + "11ABCDEFG0123456789_abcdefghijKLMNOP"
AWS = "AK" + "IA" + "QWERTYUIOPASDFGH"
SLACK = "xo" + "xb-" + "1234567890-abcdefghij"
JWT = "ey" + "JhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "dozjgNryP4J3jVmNHl0w5N"
URL_PASSWORD = "Hunter2" + "Horse"
BEARER = "tok" + "en0987654321abcdef"
NAMED = "plain" + "looking" + "value" + "4711"  # no credential shape: only its name gives it away
ENV_TOKEN = "gho" + "_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOo"


def test_secret_names() -> None:
    for name in ("api_key", "API_KEY", "apiKey", "password", "db_password", "GITHUB_TOKEN", "access_token",
                 "client_secret", "secret", "auth", "auth_header", "Authorization", "credentials", "DB_KEY",
                 "private_key", "aws_secret_access_key", b"PASSWORD"):
        assert secret_name(name), name
    others: tuple[object, ...] = ("key", "keys", "monkey", "author", "tokens", "tokenizer", "sort_key",
                                  "cache_key", "x", "max_len", "n_tokens", "passage", "secretary", "keyboard", 3, None)
    for other in others:
        assert not secret_name(other), other


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://alice:{URL_PASSWORD}@example.com/x", f"https://alice:{REDACTED}@example.com/x"),
        (f"Authorization: Bearer {BEARER}", f"Authorization: Bearer {REDACTED}"),
        (f"key={OPENAI}", f"key={REDACTED}"),
        (GITHUB, REDACTED),
        (f"token {GITHUB_PAT} end", f"token {REDACTED} end"),
        (AWS, REDACTED),
        (SLACK, REDACTED),
        (JWT, REDACTED),
        ("https://api.example.com/v1?x=1&access_token=abc123&y=2", f"https://api.example.com/v1?x=1&access_token={REDACTED}&y=2"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", REDACTED),
        ("https://example.com/path?q=1", "https://example.com/path?q=1"),
        ("ask-me-anything-please-now", "ask-me-anything-please-now"),
        ("a plain sentence, nothing secret", "a plain sentence, nothing secret"),
    ],
)
def test_scrub_shapes(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_summaries_redact_by_shape_and_by_name() -> None:
    assert summarize(OPENAI) == ("str", REDACTED, repr(REDACTED), '{"kind":"str","redacted":true}')
    url = f"https://alice:{URL_PASSWORD}@example.com/x"
    assert summarize(url)[1] == f"https://alice:{REDACTED}@example.com/x"
    named = summarize(NAMED, name="api_key")
    assert named[:3] == ("str", REDACTED, REDACTED)
    assert json.loads(named[3] or "") == {"kind": "redacted",
                                          "sha256": hashlib.sha256(REDACTED.encode()).hexdigest()}
    assert summarize(NAMED, name="label")[1] == NAMED
    assert summarize(512, name="max_token_len") == ("int", 512, "512", None)  # numbers stay
    long_text = "x" * 300 + " " + GITHUB
    summary = json.loads(summarize(long_text)[3] or "")
    assert summary["redacted"] is True
    assert summary["sha256"] == hashlib.sha256(("x" * 300 + " " + REDACTED).encode()).hexdigest()
    assert GITHUB not in repr(summarize(("x" * 100 + " " + GITHUB).encode()))


def test_nested_secrets_redacted() -> None:
    class Client:
        def __init__(self) -> None:
            self.user = "alice"
            self.password = NAMED
            self.url = f"https://alice:{URL_PASSWORD}@example.com"

    for value in ({"password": NAMED, "user": "bob"}, [OPENAI, 1], (SLACK,), Client(), ValueError(AWS),
                  {"headers": {"Authorization": f"Bearer {BEARER}"}}):
        text = repr(summarize(value))
        for secret in (NAMED, OPENAI, SLACK, AWS, URL_PASSWORD, BEARER):
            assert secret not in text, (value, secret)
    same = summarize({"password": NAMED + "x", "user": "bob"})[3]
    assert summarize({"password": NAMED, "user": "bob"})[3] == same  # the hash is of the redacted form


def test_opt_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "ENABLED", False)
    assert summarize(OPENAI)[1] == OPENAI
    assert summarize(NAMED, name="api_key")[1] == NAMED


SCRIPT = '''
import os
env = os.environ
openai = env["PB_PART0"]
tok = os.environ["GITHUB_TOKEN"]
url = "https://alice:" + env["PB_PART1"] + "@example.com/data"
headers = {"Authorization": "Bearer " + env["PB_PART2"]}
aws = env["PB_PART3"]
slack = env["PB_PART4"]
jwt = env["PB_PART5"]
pat = env["PB_PART6"]
config = {"url": url, "retries": 3}
print(len(openai + tok + url + aws + slack + jwt + pat), len(headers), len(config))
'''

NAMED_SCRIPT = '''
import os
api_key = os.environ["SOME_VALUE"]
password = api_key[::-1][::-1]
print(len(api_key), len(password))
'''

FORMATS = ("json", "jsonld", "ttl", "trig", "nq", "nt", "xml", "provn")


def _run_and_grep(tmp_path: Path, script: str, env_extra: dict[str, str], needles: list[str],
                  args: tuple[str, ...] = ()) -> list[str]:
    """Run ``script`` under provbridge, export the trial in every format; the (where, secret) found."""
    (tmp_path / "script.py").write_text(script)
    store = tmp_path / ".provbridge"
    env = {**{k: v for k, v in os.environ.items() if k != "PROVBRIDGE_REDACT"}, "PROVBRIDGE_DIR": str(store),
           **env_extra}
    env.setdefault("PROVBRIDGE_REDACT", "1")
    run = subprocess.run([sys.executable, "-m", "provbridge", "run", "-q", "script.py", *args], cwd=tmp_path,
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    found = []
    outputs = []
    for fmt in FORMATS:
        out = tmp_path / f"export.{fmt}"
        done = subprocess.run([sys.executable, "-m", "provbridge", "export", "last", "--format", fmt, "-o", str(out)],
                              cwd=tmp_path, capture_output=True, text=True, env=env)
        assert done.returncode == 0, (fmt, done.stderr)
        outputs.append(out)
    files = [p for p in store.rglob("*") if p.is_file() and p.name.startswith("provbridge.db")]
    assert files
    for path in [*files, *outputs]:
        data = path.read_bytes()
        for needle in needles:
            if needle.encode() in data:
                found.append(f"{path.name}: {needle}")
    return found


def test_store_and_exports_hold_no_credential_shaped_secret(tmp_path: Path) -> None:
    parts = [OPENAI, URL_PASSWORD, BEARER, AWS, SLACK, JWT, GITHUB_PAT]
    env = {f"PB_PART{i}": part for i, part in enumerate(parts)}  # not in the script's source, nor argv
    assert _run_and_grep(tmp_path, SCRIPT, {**env, "GITHUB_TOKEN": ENV_TOKEN}, [*parts, ENV_TOKEN]) == []


def test_opt_out_stores_the_values(tmp_path: Path) -> None:
    env = {"PB_PART" + str(i): part for i, part in enumerate([OPENAI, "p", "b", "a", "s", "j", "g"])}
    found = _run_and_grep(tmp_path, SCRIPT, {**env, "GITHUB_TOKEN": ENV_TOKEN, "PROVBRIDGE_REDACT": "0"}, [OPENAI])
    assert "provbridge.db: " + OPENAI in found


def test_store_and_exports_hold_no_secret_named_value(tmp_path: Path) -> None:
    assert _run_and_grep(tmp_path, NAMED_SCRIPT, {"SOME_VALUE": NAMED}, [NAMED]) == []


ARGV_SCRIPT = """
import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--token")
parser.add_argument("--api-key")
parser.add_argument("--db-url")
parser.add_argument("--lr", type=float)
parser.add_argument("extra", nargs="*")
options = parser.parse_args()
print(len(options.token), options.lr)
"""


def test_command_line_secrets_are_redacted(tmp_path: Path) -> None:
    """Secrets given on the command line (an option named like a secret, a credential shape, a URL password)
    stay out of the trial's command, its argv and its parameters; the rest of the command line is kept."""
    token, key, password = "tok3n-value-9f8e7d6c", "k3y-value-0a1b2c3d", "pa55w0rd-value"
    args = ("--token", token, f"--api-key={key}", "--db-url", f"postgres://bob:{password}@db/x", "--lr", "0.5",
            OPENAI)
    assert _run_and_grep(tmp_path, ARGV_SCRIPT, {}, [token, key, password, OPENAI], args) == []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVBRIDGE")}
    env["PROVBRIDGE_DIR"] = str(tmp_path / ".provbridge")
    listing = subprocess.run([sys.executable, "-m", "provbridge", "trials", "--json"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, check=True)
    params = json.loads(listing.stdout)[0]["params"]
    assert params["argv"] == ["script.py", "--token", REDACTED, f"--api-key={REDACTED}", "--db-url",
                              f"postgres://bob:{REDACTED}@db/x", "--lr", "0.5", REDACTED]
    assert (params["token"], params["api_key"], params["lr"]) == (REDACTED, REDACTED, 0.5)
    assert params["db_url"] == f"postgres://bob:{REDACTED}@db/x"
