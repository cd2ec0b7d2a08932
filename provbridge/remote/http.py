"""HTTP for remotes: credentials from the environment or ~/.netrc (never stored or shown), verified TLS, a
timeout on every request, keep-alive, and retries with backoff on transient failures."""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import random
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from provbridge.errors import RemoteError
from provbridge.remote.redact import redact

TIMEOUT = 60.0  # seconds; every request has one (connect and each read or write)
RETRIES = 4  # further attempts after a transient failure
BACKOFF = 0.5  # seconds before the first retry, doubled each time (with jitter)
TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
BLOCK = 1 << 20  # bytes per socket write of a request body
ENV_PREFIX = "PROVBRIDGE_REMOTE_"


class TransientError(RemoteError):
    """A failure worth retrying: the connection failed or was cut, timed out, or the server was busy."""


@dataclass
class Response:
    """A complete HTTP response."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes


def env_name(remote: str) -> str:
    """The environment variable prefix of a remote's credentials: ``PROVBRIDGE_REMOTE_<NAME>_``."""
    return ENV_PREFIX + "".join(c if c.isalnum() else "_" for c in remote.upper()) + "_"


def authorization(remote: str, url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The Authorization header for ``remote``: bearer from ``..._TOKEN``, basic from ``..._USER`` and
    ``..._PASSWORD``, else basic from the netrc entry of the URL's host (``$NETRC`` or ``~/.netrc``)."""
    env = os.environ if environ is None else environ
    prefix = env_name(remote)
    token = env.get(prefix + "TOKEN")
    if token:
        return "Bearer " + token
    user = env.get(prefix + "USER")
    if user:
        return _basic(user, env.get(prefix + "PASSWORD", ""))
    host = urlsplit(url).hostname or ""
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise RemoteError(f"cannot read {path}: {getattr(exc, 'msg', None) or exc.__class__.__name__}") from None
    if entry is None:
        return None
    login, _, password = entry
    return _basic(login or "", password or "")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class Client:
    """Requests to one remote's endpoints, reusing one connection per host."""

    def __init__(self, remote: str, *, timeout: float = TIMEOUT, retries: int = RETRIES, backoff: float = BACKOFF,
                 environ: Mapping[str, str] | None = None, context: ssl.SSLContext | None = None) -> None:
        self.remote = remote
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.environ = environ
        self.context = context
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self.requests = 0  # requests sent, retries included (tests, benchmarks)

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, url: str, *, body: bytes | Callable[[], IO[bytes]] | None = None,
                length: int | None = None, headers: Mapping[str, str] | None = None, retry: bool = True,
                ok: tuple[int, ...] = (200, 201, 204)) -> Response:
        """Send one request and read the whole answer. ``body`` is bytes or a function opening a fresh
        stream of ``length`` bytes (called again on a retry). Transient failures are retried with backoff
        when ``retry`` is set (the request is idempotent); any other failure, or a status not in ``ok``,
        is a RemoteError naming the remote and the URL (never the credentials)."""
        attempt = 0
        while True:
            try:
                response = self._once(method, url, body, length, headers or {})
            except TransientError as exc:
                failure: RemoteError = exc
                wait = None
            else:
                if response.status in ok:
                    return response
                failure = self._status_error(method, url, response)
                if response.status not in TRANSIENT_STATUS:
                    raise failure
                wait = _retry_after(response.headers.get("Retry-After"))
            if not retry or attempt >= self.retries:
                raise failure
            delay = self.backoff * (2 ** attempt) * (0.75 + random.random() / 2)
            time.sleep(min(max(delay, wait or 0.0), 30.0))
            attempt += 1

    def _once(self, method: str, url: str, body: bytes | Callable[[], IO[bytes]] | None, length: int | None,
              headers: Mapping[str, str]) -> Response:
        parts = urlsplit(url)
        sent = dict(headers)
        auth = authorization(self.remote, url, self.environ)
        if auth:
            sent["Authorization"] = auth
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        stream: IO[bytes] | None = None
        payload: bytes | IO[bytes] | None
        if callable(body):
            stream = payload = body()
            sent["Content-Length"] = str(length or 0)
        else:
            payload = body
            if body is not None:
                sent["Content-Length"] = str(len(body))
        connection = self._connection(parts.scheme, parts.hostname or "", parts.port)
        self.requests += 1
        try:
            connection.request(method, target, body=payload, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
            if answer.will_close:
                self._drop(connection)
            return Response(answer.status, answer.reason, dict(answer.getheaders()), data)
        except (OSError, http.client.HTTPException) as exc:
            self._drop(connection)
            kind = RemoteError if isinstance(exc, ssl.SSLCertVerificationError) else TransientError
            raise kind(f"remote {self.remote!r}: {method} {redact(url)} failed: {_describe(exc)}") from None
        finally:
            if stream is not None:
                stream.close()

    def _connection(self, scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
        key = (scheme, host, port or (443 if scheme == "https" else 80))
        found = self._connections.get(key)
        if found is None:
            if scheme == "https":
                context = self.context or ssl.create_default_context()
                found = http.client.HTTPSConnection(host, port, timeout=self.timeout, context=context,
                                                    blocksize=BLOCK)
            else:
                found = http.client.HTTPConnection(host, port, timeout=self.timeout, blocksize=BLOCK)
            self._connections[key] = found
        return found

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        for key, value in list(self._connections.items()):
            if value is connection:
                del self._connections[key]

    def _status_error(self, method: str, url: str, response: Response) -> RemoteError:
        # a server may echo the request (with its Authorization header) in an error page: mask what we sent
        auth = authorization(self.remote, url, self.environ) or ""
        secrets = [auth, *auth.split(" ", 1)[1:], *self._credential_parts(auth)]
        detail = redact(" ".join(response.body[:300].decode("utf-8", "replace").split()), secrets)
        kind = TransientError if response.status in TRANSIENT_STATUS else RemoteError
        hint = " (check the credentials in the environment or ~/.netrc)" if response.status in (401, 403) else ""
        return kind(f"remote {self.remote!r}: {method} {redact(url)} answered {response.status} "
                    f"{response.reason}{hint}" + (f": {detail}" if detail else ""))


    @staticmethod
    def _credential_parts(auth: str) -> list[str]:
        """The user name and password inside a Basic header value (a server may echo them decoded)."""
        if not auth.startswith("Basic "):
            return []
        try:
            user, _, password = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
        except ValueError:
            return []
        return [password] if len(user) < 4 else [user + ":" + password, password]


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    text = " ".join(str(exc).split())
    return text or exc.__class__.__name__
