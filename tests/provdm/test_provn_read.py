"""The PROV-N reader: the W3C grammar into the PROV-DM model, and one-line errors with line numbers."""

from __future__ import annotations

import pytest

from provbridge.errors import FormatError
from provbridge.provdm.model import PROV, RDF_LANGSTRING, XSD, XSD_DATETIME, XSD_STRING, Bundle, Literal, Record
from provbridge.provdm.provn_read import parse_provn, read_provn, tokenize

EX = "http://example.org/"
OTHER = "http://other.org/"
DEFAULT = "http://default.org/"


def time(text: str) -> Literal:
    return Literal(text, XSD_DATETIME)


def test_every_expression_with_ids_markers_and_times() -> None:
    document = parse_provn("""document
  prefix ex <http://example.org/>
  default <http://default.org/>
  // a line comment /* that opens no block
  /* a block
  comment */
  entity(ex:e1)
  entity(e2)
  activity(ex:a1, 2011-11-16T16:05:00, -)
  activity(ex:a2, -, 2011-11-16T16:06:00+01:00)
  agent(ex:ag)
  wasGeneratedBy(ex:g1; ex:e1, ex:a1, 2011-11-16T16:05:00Z)
  wasGeneratedBy(ex:e1, -, -)
  wasGeneratedBy(-; ex:e1)
  used(ex:u1; ex:a1, ex:e1, -)
  wasInformedBy(ex:i1; ex:a2, ex:a1)
  wasStartedBy(ex:s1; ex:a2, ex:e1, ex:a1, -)
  wasEndedBy(ex:a2, -, -, 2011-11-16T16:07:00)
  wasInvalidatedBy(ex:v1; ex:e1, ex:a2, -)
  wasDerivedFrom(ex:d1; e2, ex:e1, ex:a1, ex:g1, ex:u1)
  wasDerivedFrom(e2, ex:e1)
  wasAttributedTo(ex:e1, ex:ag)
  wasAssociatedWith(ex:as1; ex:a1, -, ex:plan)
  actedOnBehalfOf(ex:ag, ex:boss, -)
  wasInfluencedBy(ex:e1, ex:ag)
  specializationOf(e2, ex:e1)
  alternateOf(e2, ex:e1)
  hadMember(ex:c, ex:e1)
  mentionOf(e2, ex:e1, ex:b)
endDocument""")
    e1, e2, a1, a2 = EX + "e1", DEFAULT + "e2", EX + "a1", EX + "a2"
    assert document.namespaces == (("ex", EX),)
    assert document.records == (
        Record("entity", e1),
        Record("entity", e2),
        Record("activity", a1, (("prov:startTime", time("2011-11-16T16:05:00")),)),
        Record("activity", a2, (("prov:endTime", time("2011-11-16T16:06:00+01:00")),)),
        Record("agent", EX + "ag"),
        Record.make("wasGeneratedBy", EX + "g1", {"prov:entity": e1, "prov:activity": a1,
                                                 "prov:time": time("2011-11-16T16:05:00Z")}),
        Record.make("wasGeneratedBy", None, {"prov:entity": e1}),
        Record.make("wasGeneratedBy", None, {"prov:entity": e1}),
        Record.make("used", EX + "u1", {"prov:activity": a1, "prov:entity": e1}),
        Record.make("wasInformedBy", EX + "i1", {"prov:informed": a2, "prov:informant": a1}),
        Record.make("wasStartedBy", EX + "s1", {"prov:activity": a2, "prov:trigger": e1, "prov:starter": a1}),
        Record.make("wasEndedBy", None, {"prov:activity": a2, "prov:time": time("2011-11-16T16:07:00")}),
        Record.make("wasInvalidatedBy", EX + "v1", {"prov:entity": e1, "prov:activity": a2}),
        Record.make("wasDerivedFrom", EX + "d1", {"prov:generatedEntity": e2, "prov:usedEntity": e1,
                                                 "prov:activity": a1, "prov:generation": EX + "g1",
                                                 "prov:usage": EX + "u1"}),
        Record.make("wasDerivedFrom", None, {"prov:generatedEntity": e2, "prov:usedEntity": e1}),
        Record.make("wasAttributedTo", None, {"prov:entity": e1, "prov:agent": EX + "ag"}),
        Record.make("wasAssociatedWith", EX + "as1", {"prov:activity": a1, "prov:plan": EX + "plan"}),
        Record.make("actedOnBehalfOf", None, {"prov:delegate": EX + "ag", "prov:responsible": EX + "boss"}),
        Record.make("wasInfluencedBy", None, {"prov:influencee": e1, "prov:influencer": EX + "ag"}),
        Record.make("specializationOf", None, {"prov:specificEntity": e2, "prov:generalEntity": e1}),
        Record.make("alternateOf", None, {"prov:alternate1": e2, "prov:alternate2": e1}),
        Record.make("hadMember", None, {"prov:collection": EX + "c", "prov:entity": e1}),
        Record.make("mentionOf", None, {"prov:specificEntity": e2, "prov:generalEntity": e1,
                                        "prov:bundle": EX + "b"}),
    )


def test_attribute_literals() -> None:
    document = parse_provn('''document
prefix ex <http://example.org/>
entity(ex:e, [prov:type = 'ex:Thing', prov:label = "caf\\u00e9 \\"quoted\\"\\n",
              ex:lang = "bonjour"@fr-FR, ex:n = 12, ex:neg = -3, ex:typed = "1.5" %% xsd:decimal,
              ex:q = "ex:other" %% xsd:QName, ex:iri = "x" %% <http://example.org/dt>,
              ex:long = """two
lines""", prov:value = "v"])
endDocument'''.replace("\\u00e9", "\u00e9"))
    (record,) = document.records
    assert record.attrs == (
        (PROV + "type", EX + "Thing"),
        (PROV + "label", Literal('caf\u00e9 "quoted"\n', XSD_STRING)),
        (EX + "lang", Literal("bonjour", RDF_LANGSTRING, "fr-FR")),
        (EX + "n", Literal("12", XSD + "int")),
        (EX + "neg", Literal("-3", XSD + "int")),
        (EX + "typed", Literal("1.5", XSD + "decimal")),
        (EX + "q", EX + "other"),
        (EX + "iri", Literal("x", EX + "dt")),
        (EX + "long", Literal("two\nlines", XSD_STRING)),
        (PROV + "value", Literal("v", XSD_STRING)),
    )


def test_bundles_with_their_own_prefixes_and_escaped_local_names() -> None:
    document = read_provn(b"""document
prefix ex <http://example.org/>
entity(ex:b1, [prov:type='prov:Bundle'])
bundle ex:b1
  prefix ex <http://other.org/>
  entity(ex:e\\=1)
endBundle
bundle uuid:1234
  prefix uuid <urn:uuid:>
  entity(uuid:x)
endBundle
entity(ex:after)
endDocument""")
    assert document.bundles == (Bundle(EX + "b1", (Record("entity", OTHER + "e=1"),)),
                                Bundle("urn:uuid:1234", (Record("entity", "urn:uuid:x"),)))
    assert [r.id for r in document.records] == [EX + "b1", EX + "after"]  # prefixes are scoped to the bundle
    assert dict(document.namespaces) == {"ex": EX}


def test_trailing_optional_arguments_may_be_left_out() -> None:
    document = parse_provn("document\nprefix ex <http://example.org/>\nused(ex:a, ex:e)\n"
                           "wasAssociatedWith(ex:a, ex:ag)\nwasDerivedFrom(ex:e2, ex:e1, ex:a)\nendDocument")
    assert [dict(r.args) for r in document.records] == [
        {"prov:activity": EX + "a", "prov:entity": EX + "e"},
        {"prov:activity": EX + "a", "prov:agent": EX + "ag"},
        {"prov:generatedEntity": EX + "e2", "prov:usedEntity": EX + "e1", "prov:activity": EX + "a"},
    ]


def test_tokens_carry_their_lines() -> None:
    tokens = list(tokenize('document\n  entity(ex:e, [ex:s="""a\nb""" %% xsd:string])\n\n  endDocument'))
    assert [(t.kind, t.text, t.line) for t in tokens] == [
        ("name", "document", 1), ("name", "entity", 2), ("(", "(", 2), ("name", "ex:e", 2), (",", ",", 2),
        ("[", "[", 2), ("name", "ex:s", 2), ("=", "=", 2), ("string", "a\nb", 2), ("%%", "%%", 3),
        ("name", "xsd:string", 3), ("]", "]", 3), (")", ")", 3), ("name", "endDocument", 5)]


BAD = [
    ("entity(ex:e)\nendDocument", "PROV-N line 1: expected 'document', found 'entity'"),
    ("document\nprefix ex <http://example.org/>\nentity(ex:e)\n", "PROV-N line 3: expected endDocument, "
     "found the end of the document"),
    ("document\nentity(ex:e)\nendDocument", "PROV-N line 2: unknown prefix 'ex' in 'ex:e'"),
    ("document\nentity(e)\nendDocument", "PROV-N line 2: 'e' has no prefix and no default namespace is declared"),
    ("document\nprefix ex <http://example.org/>\n\nwasInformedBy(ex:i; ex:a, -)\nendDocument",
     "PROV-N line 4: wasInformedBy needs prov:informant (argument 2), not '-'"),
    ("document\nprefix ex <http://example.org/>\nused(ex:a, ex:e, yesterday)\nendDocument",
     "PROV-N line 3: used: 'yesterday' is not an xsd:dateTime"),
    ("document\nprefix ex <http://example.org/>\nentity(ex:e, [ex:s = \"open\n\nendDocument",
     "PROV-N line 3: unterminated string literal"),
    ("document\nprefix ex <http://example.org/>\nwasRevisionOf(ex:a, ex:b)\nendDocument",
     "PROV-N line 3: unknown or unsupported expression 'wasRevisionOf'"),
    ("document\nprefix ex <http://example.org/>\nwasInformedBy(ex:a, ex:b, ex:c)\nendDocument",
     "PROV-N line 3: wasInformedBy takes 2 arguments, not 3"),
    ("document\nprefix ex <http://example.org/>\nentity(ex:e, [ex:v = 1.5])\nendDocument",
     "PROV-N line 3: '1.5' is not a literal (quote strings, write 'qualified names')"),
    ("document\nprefix ex <http://example.org/>\nentity(ex:e, [ex:v = \"x\")\nendDocument",
     "PROV-N line 3: expected ',' or ']' in the attributes, found ')'"),
    ("document\nprefix ex <http://example.org/>\nspecializationOf(ex:a, ex:b, [ex:v=\"x\"])\nendDocument",
     "PROV-N line 3: specializationOf takes no attributes"),
    ("document\n/* never closed\nendDocument", "PROV-N line 2: unterminated /* comment"),
    ("document\nendDocument\nentity(ex:e)", "PROV-N line 3: unexpected 'entity' after endDocument"),
    ("document\nprefix ex <http://example.org/>\nentity(ex:e)\nprefix ey <http://e.org/>\nendDocument",
     "PROV-N line 4: namespace declarations must come before the expressions"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[m.split(": ", 1)[1][:40] for _, m in BAD])
def test_bad_input_is_one_line_with_its_line_number(text: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_provn(text)
    assert str(caught.value) == message


def test_bytes_that_are_not_utf8() -> None:
    with pytest.raises(FormatError, match=r"^PROV-N: not UTF-8 text \(byte 9\)$"):
        read_provn(b"document\n\xff\nendDocument")
