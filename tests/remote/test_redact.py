"""Credentials never reach what we print: URL userinfo, token-like parameters, echoed Authorization headers."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from provbridge.remote.redact import redact, secret_name, url_credentials
from tests.conftest import Project

TOKEN = "sekrit-token-4711"


@pytest.mark.parametrize(("text", "expected"), [
    ("GET https://alice:pw@example.org/q failed", "GET https://***@example.org/q failed"),
    ("https://h/q?graph=g&token=abc123&x=1", "https://h/q?graph=g&token=***&x=1"),
    ("https://h/q?access_token=abc123", "https://h/q?access_token=***"),
    ("https://h/q?design=1&author=me", "https://h/q?design=1&author=me"),
    ("answered 401: Authorization: Bearer abcdefgh", "answered 401: Authorization: ***"),
    ('{"authorization": "Basic YWxpY2U6cHc="}', '{"authorization": "***"}'),
    ("sent Bearer abcdefgh here", "sent Bearer *** here"),
    ("key sk-abcdefghijklmnopqrstuv and ghp_abcdefghijklmnopqrstuvwxyz0123",
     "key *** and ***"),
    ("AKIAABCDEFGHIJKLMNOP", "***"),
])
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_given_secrets_first() -> None:
    assert redact(f"echo: {TOKEN} and again {TOKEN}", [TOKEN, "ab"]) == "echo: *** and again ***"


def test_url_credentials() -> None:
    assert url_credentials("https://u:p@h/q") == "a user name or password"
    assert url_credentials("https://u@h/q") == "a user name or password"
    assert url_credentials("https://h/q?token=x") == "a 'token' query parameter"
    assert url_credentials("https://h/q?X-Amz-Signature=x") == "a 'X-Amz-Signature' query parameter"
    assert url_credentials("https://h/q?graph=urn:x&design=2") is None
    assert [n for n in ("apikey", "api_key", "key", "sig", "password", "author", "keys_only", "monkey", "AccessKey")
            if secret_name(n)] == ["apikey", "api_key", "key", "sig", "password", "AccessKey"]


class EchoHandler(http.server.BaseHTTPRequestHandler):
    """Refuses every request with 401, echoing the Authorization header it got (as some servers do)."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length", 0) or 0)
        if length:
            self.rfile.read(length)
        body = f"Unauthorized. Authorization: {self.headers.get('Authorization')}".encode()
        self.send_response(401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _echo

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/query"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("variables", [
    {"PROVBRIDGE_REMOTE_ORIGIN_TOKEN": TOKEN},
    {"PROVBRIDGE_REMOTE_ORIGIN_USER": "alice", "PROVBRIDGE_REMOTE_ORIGIN_PASSWORD": TOKEN},
])
def test_echoed_authorization_is_not_printed(project: Project, echo: str, variables: dict[str, str]) -> None:
    project.capture("x = 1\n")
    project.run("remote", "add", "origin", echo)
    env = project.env() | variables
    proc = subprocess.run([sys.executable, "-m", "provbridge", "push"], cwd=project.root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("provbridge: error: remote 'origin': ")
    assert "401 Unauthorized" in proc.stderr and "Authorization: ***" in proc.stderr
    assert TOKEN not in proc.stderr and "YWxpY2" not in proc.stderr  # nor base64 of "alice:..."
    assert "Traceback" not in proc.stderr


def test_token_in_remote_url_is_refused_and_not_stored(project: Project) -> None:
    project.capture("x = 1\n")
    proc = project.run("remote", "add", "origin", f"https://sparql.example.org/query?token={TOKEN}", check=False)
    assert proc.returncode == 2
    assert proc.stderr == (
        "provbridge: error: the query URL must not contain credentials (a 'token' query parameter): set "
        "PROVBRIDGE_REMOTE_ORIGIN_TOKEN, or PROVBRIDGE_REMOTE_ORIGIN_USER and PROVBRIDGE_REMOTE_ORIGIN_PASSWORD, "
        "or use ~/.netrc (https://sparql.example.org/query?token=***)\n")
    assert not (project.root / ".provbridge" / "config.json").exists()
