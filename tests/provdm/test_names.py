"""Qualified names: stable generated prefixes; PROV-XML local names that are XML names, IRIs kept exact."""

from __future__ import annotations

from provbridge.provdm.names import Names, decode_ncname, encode_ncname, expand, is_ncname, prefix_for


def test_generated_prefixes_depend_on_the_namespace_only() -> None:
    alone = prefix_for("http://example.org/data/", {})
    crowded = prefix_for("http://example.org/data/", {"ns": "http://x/", "other": "http://y/"})
    assert alone == crowded == "data"
    clash = prefix_for("http://other.org/data/", {"data": "http://example.org/data/"})
    assert clash.startswith("data_") and clash == prefix_for("http://other.org/data/", {"data": "http://e/"})
    assert prefix_for("http://www.w3.org/ns/prov#", {}) == "prov"


def test_names_reuse_declared_prefixes_and_generate_the_rest() -> None:
    names = Names({"ex": "http://example.org/"})
    assert names.qname("http://example.org/a") == "ex:a"
    assert names.qname("http://other.org/things/b") == "things:b"
    assert names.used() == {"ex": "http://example.org/", "things": "http://other.org/things/"}


def test_xml_names_are_ncnames_and_keep_the_iri() -> None:
    names = Names({"ns2": "http://example.org/", "id": "urn:uuid:"}, xml=True)
    uuid = names.qname("urn:uuid:8f5e0c1a-0000-4000")  # split before the longest NCName it ends with
    prefix, _, local = uuid.partition(":")
    assert is_ncname(prefix) and is_ncname(local) and names.used()[prefix] + local == "urn:uuid:8f5e0c1a-0000-4000"
    digits = names.qname("http://example.org/12345")  # no NCName at its end: escaped under ns2_x
    assert digits == "ns2_x:_x0031_2345"
    assert expand(digits, names.used(), xml=True) == "http://example.org/12345"


def test_ncname_escape_round_trips() -> None:
    for text in ("12345", "a=b", "_x0041_", "ok", "-x", ""):
        encoded = encode_ncname(text)
        assert is_ncname(encoded) and decode_ncname(encoded) == text


def test_provn_escapes_special_characters() -> None:
    names = Names({"ex": "http://example.org/"}, provn=True)
    assert names.qname("http://example.org/a=b(c)") == "ex:a\\=b\\(c\\)"
    assert expand("ex:a\\=b\\(c\\)", {"ex": "http://example.org/"}) == "http://example.org/a=b(c)"
    assert names.qname("http://example.org/has space") == "space:"  # no PN_LOCAL: the IRI is the namespace
    assert names.used()["space"] == "http://example.org/has space"
