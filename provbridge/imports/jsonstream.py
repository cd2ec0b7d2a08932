"""Reading a large JSON object member by member from a binary stream, holding one member's value at a time."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

CHUNK = 1 << 20  # bytes read at a time
_WHITESPACE = " \t\n\r"
_DELIMITERS = _WHITESPACE + ",]}"


class JsonStreamError(ValueError):
    """The stream is not the JSON this reader expects; ``str(err)`` is one line."""


class JsonStream:
    """A cursor over JSON text read incrementally: :meth:`members` walks an object's keys without
    building it, :meth:`value` decodes one complete value (with the C decoder). Memory holds the
    unread part of the current block plus the value being decoded."""

    def __init__(self, stream: IO[bytes], advance: Any = None) -> None:
        self.stream = stream
        self.advance = advance
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.scanner = json.JSONDecoder()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.first = True
        self.dropped = 0  # characters dropped from the front of the buffer so far
        self.dropped_lines = 0
        self.last_newline = -1  # absolute offset of the last newline dropped

    def _fill(self) -> bool:
        """Read one more block; False at the end of the stream."""
        if self.eof:
            return False
        data = self.stream.read(CHUNK)
        if self.advance is not None and data:
            self.advance(len(data))
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise JsonStreamError(f"not UTF-8 ({exc.reason})") from None
        if self.first and text:
            text, self.first = text.removeprefix("\ufeff"), False
        if not data:
            self.eof = True
        newline = self.buffer.rfind("\n", 0, self.pos)
        if newline >= 0:
            self.last_newline = self.dropped + newline
        self.dropped += self.pos
        self.dropped_lines += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos:] + text
        self.pos = 0
        return bool(data) or bool(text)

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end)."""
        while True:
            buffer, pos = self.buffer, self.pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buffer):
                return buffer[pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise JsonStreamError(f"Expecting {char!r} delimiter: {self._where()}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next complete JSON value."""
        self.peek()
        while True:
            try:
                result, end = self.scanner.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                try:  # again on the final buffer, for the position of the error
                    self.scanner.raw_decode(self.buffer, self.pos)
                except json.JSONDecodeError as exc:
                    raise JsonStreamError(f"{exc.msg}: {self._where(exc.pos)}") from None
                continue
            if (not self.eof and not isinstance(result, dict | list | str)
                    and (end >= len(self.buffer) or self.buffer[end] not in _DELIMITERS) and self._fill()):
                continue  # a number cut by the end of the block ("-1.5" of "-1.5e10") goes on in the next one
            self.pos = end
            return result

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; after each key, the caller reads its value (with
        :meth:`value`, :meth:`members` or :meth:`skip`) before asking for the next key."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise JsonStreamError(f"Expecting property name enclosed in double quotes: {self._where()}")
            key = self.value()
            self.expect(":")
            yield key
            following = self.peek()
            self.pos += 1
            if following == "}":
                return
            if following != ",":
                self.pos -= 1
                raise JsonStreamError(f"Expecting ',' delimiter: {self._where()}")

    def skip(self) -> None:
        """Read past the next value: an object member by member, anything else whole."""
        if self.peek() == "{":
            for _ in self.members():
                self.skip()
        else:
            self.value()

    def end(self) -> None:
        """Check that nothing but whitespace follows."""
        if self.peek():
            raise JsonStreamError(f"Extra data: {self._where()}")

    def _where(self, pos: int | None = None) -> str:
        """Where ``pos`` (default: the cursor) is, as the json module says it."""
        pos = self.pos if pos is None else pos
        line = self.dropped_lines + self.buffer.count("\n", 0, pos) + 1
        newline = self.buffer.rfind("\n", 0, pos)
        column = pos - newline if newline >= 0 else self.dropped + pos - self.last_newline
        return f"line {line} column {column} (char {self.dropped + pos})"
