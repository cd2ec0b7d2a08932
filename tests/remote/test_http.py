"""HTTP to remotes, against a local test server: credentials from the environment or netrc (never shown),
retries with backoff on transient answers, no blind retry of what is not idempotent, and timeouts."""

from __future__ import annotations

import base64
import http.server
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from provbridge.errors import RemoteError
from provbridge.remote.http import Client, TransientError, authorization


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers from the server's script: a list of statuses (or "hang") consumed one per request."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer()

    do_PUT = do_POST

    def _answer(self) -> None:
        server = self.server
        server.seen.append((self.command, self.headers.get("Authorization")))  # type: ignore[attr-defined]
        script = server.script  # type: ignore[attr-defined]
        status = script.pop(0) if script else 200
        if status == "hang":
            time.sleep(2)
            status = 200
        self.send_response(int(status))
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.script = []  # type: ignore[attr-defined]
    httpd.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def url(httpd: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}/store"


def test_credentials(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine sparql.example.org login alice password s3cret\n")
    netrc.chmod(0o600)
    env = {"NETRC": str(netrc)}
    assert authorization("team-a", "https://sparql.example.org/q", env) == \
        "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert authorization("team-a", "https://other.example.org/q", env) is None
    env["PROVBRIDGE_REMOTE_TEAM_A_USER"] = "bob"
    env["PROVBRIDGE_REMOTE_TEAM_A_PASSWORD"] = "pw"
    assert authorization("team-a", "https://sparql.example.org/q", env) == \
        "Basic " + base64.b64encode(b"bob:pw").decode()
    env["PROVBRIDGE_REMOTE_TEAM_A_TOKEN"] = "tok"
    assert authorization("team-a", "https://sparql.example.org/q", env) == "Bearer tok"


def test_token_sent_and_never_shown(server: http.server.ThreadingHTTPServer) -> None:
    server.script[:] = [401]  # type: ignore[attr-defined]
    client = Client("origin", environ={"PROVBRIDGE_REMOTE_ORIGIN_TOKEN": "t0ken"}, backoff=0.01)
    with pytest.raises(RemoteError) as caught:
        client.request("GET", url(server))
    assert str(caught.value) == (f"remote 'origin': GET {url(server)} answered 401 Unauthorized (check the "
                                 "credentials in the environment or ~/.netrc): ok")
    assert "t0ken" not in str(caught.value)
    assert server.seen == [("GET", "Bearer t0ken")]  # type: ignore[attr-defined]


def test_retries_transient_answers(server: http.server.ThreadingHTTPServer) -> None:
    server.script[:] = [503, 502, 200]  # type: ignore[attr-defined]
    client = Client("origin", environ={}, backoff=0.01)
    assert client.request("PUT", url(server), body=b"<a> <b> <c> .\n").status == 200
    assert client.requests == 3
    server.script[:] = [503, 503]  # type: ignore[attr-defined]
    with pytest.raises(TransientError, match="answered 503"):
        Client("origin", environ={}, backoff=0.01, retries=1).request("PUT", url(server), body=b"")
    server.script[:] = [503]  # type: ignore[attr-defined]
    with pytest.raises(TransientError, match="answered 503"):
        client.request("POST", url(server), body=b"", retry=False)
    server.script[:] = [400]  # type: ignore[attr-defined]
    with pytest.raises(RemoteError, match="answered 400 Bad Request"):
        client.request("PUT", url(server), body=b"")
    assert len(server.seen) == 3 + 2 + 1 + 1  # type: ignore[attr-defined]


def test_timeout_and_unreachable(server: http.server.ThreadingHTTPServer) -> None:
    server.script[:] = ["hang"]  # type: ignore[attr-defined]
    started = time.monotonic()
    with pytest.raises(TransientError, match=r"GET http://127\.0\.0\.1:\d+/store failed: timed out$"):
        Client("origin", environ={}, timeout=0.3, retries=0).request("GET", url(server))
    assert time.monotonic() - started < 1.5
    with pytest.raises(TransientError, match=r"failed: connection refused \(is the server running\?\)$"):
        Client("origin", environ={}, retries=0).request("GET", "http://127.0.0.1:9/x")


def test_tls_is_verified(server: http.server.ThreadingHTTPServer, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (needed to make a test certificate)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    address = f"https://127.0.0.1:{server.server_address[1]}/store"
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    client = Client("origin", environ={}, backoff=0.01)
    untrusted = r"failed: TLS certificate not trusted \(self.signed certificate\)$"
    with pytest.raises(RemoteError, match=untrusted) as caught:
        client.request("GET", address)
    assert not isinstance(caught.value, TransientError)
    assert client.requests == 1  # not retried
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # a private CA, trusted the standard way
    assert Client("origin", environ={}).request("GET", address).body == b"ok"
