"""Tests of the writer's own trial identity helpers (uuid4, hostname) against the standard library's."""

from __future__ import annotations

import socket
import uuid

from provbridge.store.writer import hostname, uuid4


def test_uuid4_is_a_random_version_4_uuid() -> None:
    values = {uuid4() for _ in range(200)}
    assert len(values) == 200
    for text in values:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)


def test_hostname_is_sockets() -> None:
    assert hostname() == socket.gethostname()
