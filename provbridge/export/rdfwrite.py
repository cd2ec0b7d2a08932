"""RDF documents written line by line from PROV-O triples: N-Quads, N-Triples, TriG and Turtle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from provbridge.export.rdfterms import RDF_PREFIXES, Terms, TripleMapper
from provbridge.translate import Translation
from provbridge.translate.records import Record

CHUNK = 2000  # records per write


def _flush(out: BinaryIO, lines: list[str]) -> None:
    out.write("".join(lines).encode("utf-8"))
    lines.clear()


def write_nquads(translation: Translation, out: BinaryIO, *, graphs: bool = True) -> None:
    """N-Quads (one named graph per trial, the bundle descriptions in the default graph), or N-Triples
    with every graph merged when ``graphs`` is false."""
    mapper = TripleMapper(Terms(translation.prefixes, compact=False))
    write = out.write
    for text in mapper.chunks(translation.document_records(imported=graphs), " .\n"):
        write(text.encode("utf-8"))
    for part in translation.parts:
        end = f" {mapper.terms.node(part.bundle_id)} .\n" if graphs else " .\n"
        for text in mapper.chunks(part.records(), end):
            write(text.encode("utf-8"))


def write_turtle(translation: Translation, out: BinaryIO, *, graphs: bool = True) -> None:
    """TriG (one graph block per trial, bundle descriptions in the default graph), or Turtle with every
    graph merged when ``graphs`` is false. Triples of one subject are grouped with ``;``."""
    prefixes = {**translation.prefixes, **RDF_PREFIXES}
    mapper = TripleMapper(Terms(translation.prefixes, compact=True))
    lines = [f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in prefixes.items()]
    lines.append("\n")
    _grouped(mapper, translation.document_records(imported=graphs), "", lines, out)
    for part in translation.parts:
        if graphs:
            lines.append(f"\n{part.bundle_id} {{\n")
        _grouped(mapper, part.records(), "    " if graphs else "", lines, out)
        if graphs:
            lines.append("}\n")
    _flush(out, lines)


def _grouped(mapper: TripleMapper, records: Iterable[Record], indent: str, lines: list[str],
             out: BinaryIO) -> None:
    triples = mapper.triples
    append = lines.append
    rdf_type = mapper.rdf_type
    more = indent + "    "
    last_s = last_p = None
    count = 0
    for record in records:
        for s, p, o in triples(record):
            if p == rdf_type:
                p = "a"
            if s == last_s:
                if p == last_p:
                    append(f", {o}")
                else:
                    append(f" ;\n{more}{p} {o}")
                    last_p = p
            else:
                if last_s is not None:
                    append(" .\n")
                append(f"{indent}{s} {p} {o}")
                last_s, last_p = s, p
        count += 1
        if count == CHUNK:
            count = 0
            _flush(out, lines)
    if last_s is not None:
        append(" .\n")


def write_jsonld(translation: Translation, out: BinaryIO) -> None:
    """JSON-LD, serialized by pyoxigraph from our N-Quads (streamed through a spooled temporary file)."""
    import tempfile

    import pyoxigraph

    with tempfile.SpooledTemporaryFile(64 << 20) as spool:
        write_nquads(translation, spool)  # type: ignore[arg-type]
        spool.seek(0)
        quads = pyoxigraph.parse(spool, format=pyoxigraph.RdfFormat.N_QUADS)
        pyoxigraph.serialize(quads, out, format=pyoxigraph.RdfFormat.JSON_LD,
                             prefixes={**translation.prefixes, **RDF_PREFIXES})
