"""Read a W3C PROV-N document into the in-memory PROV-DM model; bad input is a one-line error with its line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from provbridge.errors import FormatError
from provbridge.provdm.model import (
    ARGUMENTS,
    PROV,
    RDF_LANGSTRING,
    XSD,
    XSD_DATETIME,
    XSD_QNAME,
    XSD_STRING,
    Bundle,
    Document,
    Literal,
    Record,
    Value,
)

PREDECLARED = {"prov": PROV, "xsd": XSD}
PUNCTUATION = "()[],;="
# PROV-N xsd:dateTime lexical form (the timezone is optional, as in XML Schema)
DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
INTEGER = re.compile(r"-?\d+$")
LANGTAG = re.compile(r"@[a-zA-Z]+(-[a-zA-Z0-9]+)*")
SPACE = re.compile(r"\s+")
# a name: qualified names, '-', times, keywords; a backslash escapes the next character; '%%' ends it
NAME = re.compile(r"(?:\\.|%(?!%)|[^\s()\[\],;=<>\"'%\\])+")
ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

# kind -> (allowed argument counts, positions that may be '-' (0-based), has id and attributes). The
# grammar gives the optional arguments all or none; trailing ones left out (``used(a, e)``, as the PROV-DM
# examples write) are read as '-', as ProvToolbox and the prov package read them.
SHAPES: dict[str, tuple[tuple[int, ...], frozenset[int], bool]] = {
    "entity": ((1,), frozenset(), False),
    "agent": ((1,), frozenset(), False),
    "activity": ((1, 2, 3), frozenset({1, 2}), False),
    "wasGeneratedBy": ((1, 2, 3), frozenset({1, 2}), True),
    "used": ((1, 2, 3), frozenset({1, 2}), True),
    "wasInformedBy": ((2,), frozenset(), True),
    "wasStartedBy": ((1, 2, 3, 4), frozenset({1, 2, 3}), True),
    "wasEndedBy": ((1, 2, 3, 4), frozenset({1, 2, 3}), True),
    "wasInvalidatedBy": ((1, 2, 3), frozenset({1, 2}), True),
    "wasDerivedFrom": ((2, 3, 4, 5), frozenset({2, 3, 4}), True),
    "wasAttributedTo": ((2,), frozenset(), True),
    "wasAssociatedWith": ((1, 2, 3), frozenset({1, 2}), True),
    "actedOnBehalfOf": ((2, 3), frozenset({2}), True),
    "wasInfluencedBy": ((2,), frozenset(), True),
    "specializationOf": ((2,), frozenset(), False),
    "alternateOf": ((2,), frozenset(), False),
    "hadMember": ((2,), frozenset(), False),
    "mentionOf": ((3,), frozenset(), False),
}


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is name, iri, string, qname, langtag, datatype-marker or a punctuation char."""

    kind: str
    text: str
    line: int


def _error(line: int, message: str) -> FormatError:
    return FormatError(f"PROV-N line {line}: {message}")


def tokenize(text: str) -> Iterator[Token]:
    """The PROV-N tokens of ``text`` (comments and whitespace skipped)."""
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            end = SPACE.match(text, i).end()  # type: ignore[union-attr]
            line += text.count("\n", i, end)
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise _error(line, "unterminated /* comment")
            line += text.count("\n", i, end)
            i = end + 2
        elif c in PUNCTUATION:
            yield Token(c, c, line)
            i += 1
        elif text.startswith("%%", i):
            yield Token("%%", "%%", line)
            i += 2
        elif c == "<":
            end = text.find(">", i)
            if end < 0 or "\n" in text[i:end]:
                raise _error(line, "unterminated <IRI>")
            yield Token("iri", text[i + 1:end], line)
            i = end + 1
        elif c == '"':
            start_line = line
            value, i, line = _string(text, i, line)
            yield Token("string", value, start_line)
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0 or "\n" in text[i:end]:
                raise _error(line, "unterminated 'qualified name' literal")
            yield Token("qname", text[i + 1:end], line)
            i = end + 1
        elif c == "@":
            match = LANGTAG.match(text, i)
            if not match:
                raise _error(line, "bad language tag")
            yield Token("langtag", match.group()[1:], line)
            i = match.end()
        else:
            match = NAME.match(text, i)
            if not match:
                raise _error(line, f"unexpected character {c!r}")
            yield Token("name", match.group(), line)
            i = match.end()


def _string(text: str, i: int, line: int) -> tuple[str, int, int]:
    """A string literal starting at ``i``: (value, index after it, line after it)."""
    long = text.startswith('"""', i)
    quote = '"""' if long else '"'
    i += len(quote)
    out: list[str] = []
    while True:
        if i >= len(text):
            raise _error(line, "unterminated string literal")
        if text.startswith(quote, i):
            return "".join(out), i + len(quote), line
        c = text[i]
        if c == "\\":
            escaped = text[i + 1:i + 2]
            if escaped not in ESCAPES:
                raise _error(line, f"bad escape \\{escaped} in a string literal")
            out.append(ESCAPES[escaped])
            i += 2
            continue
        if c == "\n":
            if not long:
                raise _error(line, "unterminated string literal")
            line += 1
        out.append(c)
        i += 1


class _Parser:
    """Recursive descent over the token list (PROV-N grammar, W3C Recommendation 2013)."""

    def __init__(self, text: str) -> None:
        self.tokens = list(tokenize(text))
        self.pos = 0
        self.scopes: list[dict[str, str]] = [dict(PREDECLARED)]
        self.default: list[str | None] = [None]

    # -- tokens
    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def line(self) -> int:
        token = self.peek()
        if token is not None:
            return token.line
        return self.tokens[-1].line if self.tokens else 1

    def next(self, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise _error(self.line(), f"expected {what}, found the end of the document")
        self.pos += 1
        return token

    def expect(self, kind: str, what: str | None = None) -> Token:
        token = self.next(what or repr(kind))
        if token.kind != kind:
            raise _error(token.line, f"expected {what or repr(kind)}, found {token.text!r}")
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.peek()
        return token is not None and token.kind == kind and (text is None or token.text == text)

    # -- names
    def resolve(self, name: str, line: int) -> str:
        """The full IRI of a qualified name (default namespace when unprefixed)."""
        prefix, colon, local = name.partition(":")
        if not colon:
            prefix, local = "", name
            namespace = self.default[-1]
            if namespace is None:
                raise _error(line, f"{name!r} has no prefix and no default namespace is declared")
        else:
            namespace = self.scopes[-1].get(prefix)
            if namespace is None:
                raise _error(line, f"unknown prefix {prefix!r} in {name!r}")
        return namespace + re.sub(r"\\(.)", r"\1", local)

    # -- document structure
    def document(self) -> Document:
        namespaces: dict[str, str] = {}
        self.keyword("document")
        self.declarations(namespaces)
        records = self.expressions()
        bundles: list[Bundle] = []
        while self.at("name", "bundle"):  # expressions after a bundle are read too (PROV-DM example 42)
            bundles.append(self.bundle())
            records += self.expressions()
        end = self.next("endDocument")
        if end.text != "endDocument":
            raise _error(end.line, f"expected an expression, bundle or endDocument, found {end.text!r}")
        extra = self.peek()
        if extra is not None:
            raise _error(extra.line, f"unexpected {extra.text!r} after endDocument")
        return Document(tuple(namespaces.items()), tuple(records), tuple(bundles))

    def keyword(self, word: str) -> Token:
        token = self.next(word)
        if token.kind != "name" or token.text != word:
            raise _error(token.line, f"expected {word!r}, found {token.text!r}")
        return token

    def declarations(self, namespaces: dict[str, str]) -> None:
        scope = self.scopes[-1]
        while self.at("name", "prefix") or self.at("name", "default"):
            word = self.next("prefix").text
            if word == "default":
                self.default[-1] = self.expect("iri", "<namespace IRI>").text
                continue
            name = self.expect("name", "a prefix name")
            if ":" in name.text or not re.match(r"[A-Za-z_][\w.-]*$", name.text):
                raise _error(name.line, f"bad prefix name {name.text!r}")
            iri = self.expect("iri", "<namespace IRI>").text
            scope[name.text] = iri
            namespaces[name.text] = iri

    def bundle(self) -> Bundle:
        self.keyword("bundle")
        token = self.expect("name", "the bundle's identifier")
        try:
            bundle_id: str | None = self.resolve(token.text, token.line)
        except FormatError:
            bundle_id = None  # maybe bound by the bundle's own declarations, as ProvToolbox writes them
        self.scopes.append(dict(self.scopes[-1]))
        self.default.append(self.default[-1])
        self.declarations({})
        if bundle_id is None:
            bundle_id = self.resolve(token.text, token.line)
        records = self.expressions()
        end = self.next("endBundle")
        if end.text != "endBundle":
            raise _error(end.line, f"expected an expression or endBundle, found {end.text!r}")
        self.scopes.pop()
        self.default.pop()
        return Bundle(bundle_id, tuple(records))

    def expressions(self) -> list[Record]:
        records: list[Record] = []
        while True:
            token = self.peek()
            if token is None or token.kind != "name" or token.text in ("bundle", "endBundle", "endDocument"):
                return records
            if token.text in ("prefix", "default"):
                raise _error(token.line, "namespace declarations must come before the expressions")
            records.append(self.expression())

    # -- expressions
    def expression(self) -> Record:
        head = self.expect("name", "an expression")
        kind = head.text
        if kind not in SHAPES:
            raise _error(head.line, f"unknown or unsupported expression {kind!r}")
        counts, markers, qualified = SHAPES[kind]
        self.expect("(", f"'(' after {kind}")
        record_id: str | None = None
        terms: list[Token] = []
        attrs: list[tuple[str, Value]] = []
        first = self.expect("name", f"{kind}'s first argument")
        if qualified and self.at(";"):
            self.next(";")
            if first.text != "-":
                record_id = self.resolve(first.text, first.line)
            first = self.expect("name", f"{kind}'s first argument")
        terms.append(first)
        while self.at(","):
            self.next(",")
            if self.at("["):
                if kind in ("specializationOf", "alternateOf", "hadMember", "mentionOf"):
                    raise _error(self.line(), f"{kind} takes no attributes")
                attrs = self.attributes()
                break
            terms.append(self.expect("name", f"an argument of {kind}"))
        self.expect(")", f"',' or ')' in {kind}")
        if len(terms) not in counts:
            wanted = " or ".join(str(c) for c in counts)
            raise _error(head.line, f"{kind} takes {wanted} arguments, not {len(terms)}")
        names = ("id",) + ARGUMENTS[kind] if kind in ("entity", "agent", "activity") else ARGUMENTS[kind]
        args: dict[str, Value | None] = {}
        element_id: str | None = None
        for index, term in enumerate(terms):
            name = names[index]
            if term.text == "-":
                if index not in markers:
                    raise _error(term.line, f"{kind} needs {name} (argument {index + 1}), not '-'")
                continue
            if name in ("prov:time", "prov:startTime", "prov:endTime"):
                if not DATETIME.match(term.text):
                    raise _error(term.line, f"{kind}: {term.text!r} is not an xsd:dateTime")
                args[name] = Literal(term.text, XSD_DATETIME)
            elif name == "id":
                element_id = self.resolve(term.text, term.line)
            else:
                args[name] = self.resolve(term.text, term.line)
        return Record.make(kind, element_id or record_id, args, attrs)

    def attributes(self) -> list[tuple[str, Value]]:
        self.expect("[")
        pairs: list[tuple[str, Value]] = []
        if self.at("]"):
            self.next("]")
            return pairs
        while True:
            key = self.expect("name", "an attribute name")
            self.expect("=", f"'=' after {key.text}")
            pairs.append((self.resolve(key.text, key.line), self.literal()))
            token = self.next("',' or ']'")
            if token.kind == "]":
                return pairs
            if token.kind != ",":
                raise _error(token.line, f"expected ',' or ']' in the attributes, found {token.text!r}")

    def literal(self) -> Value:
        token = self.next("a literal")
        if token.kind == "qname":
            return self.resolve(token.text, token.line)
        if token.kind == "name":
            if INTEGER.match(token.text):
                return Literal(token.text, XSD + "int")
            raise _error(token.line, f"{token.text!r} is not a literal (quote strings, write 'qualified names')")
        if token.kind != "string":
            raise _error(token.line, f"expected a literal, found {token.text!r}")
        if self.at("langtag"):
            return Literal(token.text, RDF_LANGSTRING, self.next("langtag").text)
        if self.at("%%"):
            self.next("%%")
            datatype = self.next("a datatype after %%")
            if datatype.kind == "iri":  # <IRI> datatypes, as ProvToolbox writes them
                iri = datatype.text
            elif datatype.kind == "name":
                iri = self.resolve(datatype.text, datatype.line)
            else:
                raise _error(datatype.line, f"expected a datatype after %%, found {datatype.text!r}")
            if iri == XSD_QNAME:
                return self.resolve(token.text, token.line)
            return Literal(token.text, iri)
        return Literal(token.text, XSD_STRING)


def parse_provn(text: str) -> Document:
    """The PROV-DM document a PROV-N text describes; raises :class:`FormatError` (one line) on bad input."""
    return _Parser(text).document()


def read_provn(data: bytes | str) -> Document:
    """Like :func:`parse_provn`, from bytes (UTF-8) or text."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"PROV-N: not UTF-8 text (byte {exc.start})") from None
    return parse_provn(data)
