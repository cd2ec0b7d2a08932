"""The PROV-DM model: records put their arguments in PROV-N order, are hashable, compare as sets."""

from __future__ import annotations

import pytest

from provbridge.provdm.model import PROV, XSD_DATETIME, Bundle, Document, Literal, Record, canonical


def test_make_orders_arguments_and_drops_absent_ones() -> None:
    record = Record.make("wasGeneratedBy", None, {"prov:time": Literal("2024-01-01T00:00:00Z", XSD_DATETIME),
                                                  "prov:activity": None, "prov:entity": "http://e"})
    assert record.args == (("prov:entity", "http://e"), ("prov:time", Literal("2024-01-01T00:00:00Z", XSD_DATETIME)))
    assert record.arg("prov:activity") is None
    assert hash(record) == hash(Record.make("wasGeneratedBy", None, dict(record.args)))


def test_make_rejects_unknown_kinds_and_arguments() -> None:
    with pytest.raises(ValueError, match="unknown PROV-DM record kind 'wasFooBy'"):
        Record.make("wasFooBy")
    with pytest.raises(ValueError, match="used has no argument 'prov:plan'"):
        Record.make("used", None, {"prov:plan": "http://p"})


def test_canonical_ignores_order_and_repeated_attributes() -> None:
    label = (PROV + "label", Literal("x"))
    kind = (PROV + "type", PROV + "Plan")
    first = Document(records=(Record.make("entity", "http://a", attrs=[label, kind]), Record.make("agent", "http://b")))
    second = Document(records=(Record.make("agent", "http://b"), Record.make("entity", "http://a", attrs=[kind, label,
                                                                                                            label])))
    assert canonical(first) == canonical(second)
    assert canonical(Document(bundles=(Bundle("http://g", first.records),))) != canonical(first)


def test_sorted_is_the_writers_order() -> None:
    document = Document(namespaces=(("z", "http://z/"), ("a", "http://a/")),
                        records=(Record.make("used", None, {"prov:activity": "http://a"}),
                                 Record.make("entity", "http://e")))
    ordered = document.sorted()
    assert [p for p, _ in ordered.namespaces] == ["a", "z"]
    assert [r.kind for r in ordered.records] == ["entity", "used"]
