"""The incremental JSON reader: members across block boundaries, numbers split between blocks, errors."""

from __future__ import annotations

import io
import json

import pytest

from provbridge.imports import jsonstream
from provbridge.imports.jsonstream import JsonStream, JsonStreamError

DOC = {"prefix": {"ex": "http://example.org/"}, "entity": {f"ex:e{i}": {"n": i * 1234567, "s": "é" * (i % 5)}
                                                           for i in range(200)},
       "bundle": {"ex:b": {"activity": {"ex:a": {"x": [1, 2.5, None, True]}}}}}


def walk(reader: JsonStream) -> dict[str, object]:
    """Rebuild the document through members(): two levels of objects, values decoded whole."""
    result: dict[str, object] = {}
    for key in reader.members():
        if reader.peek() == "{":
            inner: dict[str, object] = {}
            for name in reader.members():
                inner[name] = reader.value()
            result[key] = inner
        else:
            result[key] = reader.value()
    reader.end()
    return result


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 20])
def test_members_across_blocks(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    data = json.dumps(DOC, ensure_ascii=False, indent=1).encode("utf-8")
    assert walk(JsonStream(io.BytesIO(b"\xef\xbb\xbf" + data))) == DOC


def test_number_split_between_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 4)
    reader = JsonStream(io.BytesIO(b'{"a": 12345678, "b": -1.5e10}'))
    assert [(key, reader.value()) for key in reader.members()] == [("a", 12345678), ("b", -1.5e10)]


def test_skip_and_progress() -> None:
    seen: list[int] = []
    reader = JsonStream(io.BytesIO(json.dumps(DOC).encode()), advance=seen.append)
    keys = []
    for key in reader.members():
        keys.append(key)
        reader.skip()
    reader.end()
    assert keys == ["prefix", "entity", "bundle"] and sum(seen) == len(json.dumps(DOC).encode())


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": 1,}', "Expecting property name enclosed in double quotes: line 1 column 9 (char 8)"),
    ('{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"),
    ('{"a": 1 "b": 2}', "Expecting ',' delimiter: line 1 column 9 (char 8)"),
    ('{"a": tru}', "Expecting value: line 1 column 7 (char 6)"),
    ('{"a": 1}\n\nx', "Extra data: line 3 column 1 (char 10)"),
    (b'{"a": "\xff"}', "not UTF-8 (invalid start byte)"),
])
def test_errors_say_where_as_json_does(text: str | bytes, message: str) -> None:
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(JsonStreamError) as caught:
        walk(JsonStream(io.BytesIO(data)))
    assert str(caught.value) == message
    if isinstance(text, str):
        with pytest.raises(json.JSONDecodeError) as expected:
            json.loads(text)
        assert str(caught.value) == str(expected.value)
