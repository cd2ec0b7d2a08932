"""PROV-N (W3C Recommendation 2013) written from the PROV-DM model (the reader is provdm.provn_read).

Every record is written with all its argument positions (``-`` for an absent one), an id as ``id;``,
attributes as ``[name=value, ...]``; IRIs as qualified names (PROV-N's ``\\`` escapes, a generated prefix
where no declared one fits), IRI values as ``'prefix:local'``, strings ``"..."`` (with ``@lang``), other
literals ``"..." %% datatype``, times bare. Prefixes are declared at the top and again in each bundle."""

from __future__ import annotations

from provbridge.provdm.model import (
    ARGUMENTS,
    ELEMENTS,
    REQUIRED,
    TIME_ARGUMENTS,
    UNQUALIFIED,
    XSD,
    Document,
    Literal,
    Record,
    Value,
)
from provbridge.provdm.names import Names
from provbridge.provdm.values import is_plain

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def string(text: str) -> str:
    """A PROV-N string literal."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


class _Writer:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.warnings: list[str] = []

    def value(self, value: Value) -> str:
        if not isinstance(value, Literal):
            return f"'{self.names.qname(value)}'"
        if is_plain(value):
            return string(value.value)
        if value.language:
            return f"{string(value.value)}@{value.language}"
        if value.datatype == XSD + "QName" and ":" not in value.value:
            self.warnings.append(f"the qualified name {value.value!r} has no namespace: PROV-N cannot resolve it")
        return f"{string(value.value)} %% {self.names.qname(value.datatype)}"

    def record(self, record: Record) -> str:
        positions = ARGUMENTS[record.kind]
        args = record.arguments
        missing = [name for name in positions[: REQUIRED[record.kind]] if name not in args]
        if missing:
            self.warnings.append(f"{record.kind} {record.id or ''} lacks {', '.join(missing)}, which PROV-N requires")
        cells: list[str] = []
        for name in positions:
            value = args.get(name)
            if value is None:
                cells.append("-")
            elif name in TIME_ARGUMENTS and isinstance(value, Literal):
                cells.append(value.value)
            else:
                cells.append(self.names.qname(str(value)))
        if record.kind in ELEMENTS:
            assert record.id is not None
            if record.kind == "activity":
                cells = [self.names.qname(record.id), *cells]
            else:
                cells = [self.names.qname(record.id)]
            head = ""
        else:
            head = ""
            if record.id is not None:
                if record.kind in UNQUALIFIED:
                    self.warnings.append(f"PROV-N has no id for {record.kind}: {record.id} left out")
                else:
                    head = self.names.qname(record.id) + "; "
        text = f"{record.kind}({head}{', '.join(cells)}"
        if record.attrs:
            if record.kind in UNQUALIFIED:
                self.warnings.append(f"PROV-N has no attributes for {record.kind}: left out")
            else:
                pairs = ", ".join(f"{self.names.qname(k)}={self.value(v)}" for k, v in record.attrs)
                text += f", [{pairs}]"
        return text + ")"


def dumps_with_warnings(document: Document) -> tuple[bytes, list[str]]:
    """The document as PROV-N bytes (deterministic), and what PROV-N could not hold."""
    document = document.sorted()
    writer = _Writer(Names(document.prefixes, provn=True))
    top = [writer.record(r) for r in document.records]
    bundles = [(writer.names.qname(b.id), [writer.record(r) for r in b.records]) for b in document.bundles]
    declarations = [f"prefix {p} <{iri}>" for p, iri in writer.names.used().items() if p != "prov"]
    lines = ["document", *(f"  {d}" for d in declarations), *(f"  {r}" for r in top)]
    for name, records in bundles:
        lines.append(f"  bundle {name}")
        lines.extend(f"    {d}" for d in declarations)
        lines.extend(f"    {r}" for r in records)
        lines.append("  endBundle")
    lines.append("endDocument")
    return ("\n".join(lines) + "\n").encode("utf-8"), writer.warnings


def dumps(document: Document) -> bytes:
    """The document as PROV-N bytes."""
    return dumps_with_warnings(document)[0]
