"""PROV-JSON: the W3C schema (from the prov wheel) and ours, and prov.read round trips both ways."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import jsonschema
import prov
import pytest

from provbridge.export import export_bytes, provjson, to_prov
from provbridge.store.store import Trial


def validator(schema: dict) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def all_messages(error: jsonschema.ValidationError) -> list[str]:
    """An error's message and those of the alternatives that failed under it."""
    return [error.message, *(m for sub in error.context or () for m in all_messages(sub))]


def read_json(data: bytes) -> prov.model.ProvDocument:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ProvFutureRejectionWarning would mean we wrote something dubious
        return prov.read(io.BytesIO(data), format="json")


def test_w3c_schema_accepts_export(exports: dict[str, bytes], prov_schemas: Path) -> None:
    schema = json.loads((prov_schemas / "prov-json.schema.json").read_text())
    assert schema["$schema"].startswith("http://json-schema.org/draft-04")
    document = json.loads(exports["json"])
    assert list(validator(schema).iter_errors(document)) == []


def test_our_schema_accepts_export_and_catches_errors(exports: dict[str, bytes], repo_schemas: Path) -> None:
    schema = json.loads((repo_schemas / "prov-json.schema.json").read_text())
    check = validator(schema)
    document = json.loads(exports["json"])
    assert list(check.iter_errors(document)) == []
    bundle = next(iter(document["bundle"].values()))
    bundle["wasEndedBy"] = {"_:e": {"prov:activity": "x:a", "prov:time": "2024-01-01T00:00:00Z"}}
    assert list(check.iter_errors(document)) == []
    bundle["wasEndedby"] = bundle.pop("wasEndedBy")  # the typo of the published schema
    bundle["used"]["_:bad"] = {"prov:entity": "x:e"}  # a usage needs its activity
    activity = next(iter(bundle["activity"].values()))
    activity["prov:startTime"] = "yesterday"
    errors = list(check.iter_errors(document))
    assert len(errors) == 3
    messages = [m for e in errors for m in all_messages(e)]
    assert any("wasEndedby" in m for m in messages)
    assert any("'prov:activity' is a required property" in m for m in messages)
    assert any("'yesterday' is not a 'date-time'" in m for m in messages)


def test_round_trip_equals_to_prov_both_ways(trials: list[Trial], exports: dict[str, bytes]) -> None:
    built = to_prov(trials)
    read = read_json(exports["json"])
    assert read == built
    assert built == read
    assert len(read.bundles) == 3
    sizes = sorted(len(list(b.get_records())) for b in read.bundles)
    assert sizes == [20, 37, 139]  # with 2, 3 and 12 operation steps; statement order as attributes
    assert len(read.get_records()) == 3  # the bundle entities at the top level


def test_round_trip_single_trial_and_values(script: Trial) -> None:
    data = export_bytes(script, "json")
    read = read_json(data)
    assert read == to_prov(script) and to_prov(script) == read
    document = json.loads(data)
    (bundle,) = document["bundle"].values()
    p = next(k for k in document["prefix"] if k.startswith("t")) + ":"
    entities = bundle["entity"]
    assert entities[p + "v2"]["prov:value"] == {"$": "3", "type": "xsd:int"}
    assert entities[p + "v3"]["prov:value"] == {"$": "0.5", "type": "xsd:double"}
    assert entities[p + "v4"]["prov:value"] is True
    assert entities[p + "v16"]["prov:value"] == {"$": str(2**70), "type": "xsd:integer"}
    assert entities[p + "v17"]["prov:value"] == {"$": "INF", "type": "xsd:double"}
    assert bundle["activity"][p + "trial"]["prov:endTime"].endswith("Z")
    revision = [r for r in bundle["wasDerivedFrom"].values() if "prov:type" in r]
    assert revision == [{"prov:generatedEntity": p + "v14", "prov:usedEntity": p + "f2-before",
                         "prov:type": {"$": "prov:Revision", "type": "xsd:QName"}}]
    assert bundle["used"][p + "use-f1"]["prov:time"] == "2023-11-14T22:13:20.500000Z"


def test_spilled_sections_give_identical_output(trials: list[Trial], exports: dict[str, bytes],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provjson, "SPOOL_BYTES", 64)
    assert export_bytes(trials, "json") == exports["json"]
