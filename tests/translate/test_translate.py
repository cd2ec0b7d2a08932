"""The translation of stored trials into PROV records: counts, identifiers, values, streaming."""

from __future__ import annotations

import inspect
import math
from collections import Counter
from datetime import timezone
from urllib.parse import unquote

import export_fixtures as synthetic  # registered by conftest.py (shared with tests/export)
import pytest

from provbridge.store.store import Store
from provbridge.translate import Element, Iri, QName, Relation, escape, file_iri, translate, trial_namespace
from tests.conftest import Project


def kinds(records: list) -> Counter:
    return Counter(r.kind for r in records)


def test_script_trial_record_counts(tstore: Store) -> None:
    part = translate(tstore.trial(1)).parts[0]
    records = list(part.records())
    elements = [r for r in records if isinstance(r, Element)]
    relations = [r for r in records if isinstance(r, Relation)]
    # 1 trial + 15 executions; 3 agents; plan, environment, 5 entries, 14 variables, 17 versions,
    # the earlier content of the rewritten file, the artifact, 12 operation steps, 3 file contents.
    assert kinds(elements) == {"activity": 16, "agent": 3, "entity": 55}
    assert kinds(relations) == {
        "wasAssociatedWith": 4, "actedOnBehalfOf": 1, "used": 9, "hadMember": 5,
        "specializationOf": 18, "wasGeneratedBy": 17, "wasRevisionOf": 1, "wasDerivedFrom": 8,
        "wasAttributedTo": 1, "alternateOf": 1,
    }
    assert len(records) == 139  # statement order is an attribute (pb:previousExecution), not 11 relations
    ids = [e.id for e in elements]
    assert len(ids) == len(set(ids))


def test_other_trials_record_counts(tstore: Store) -> None:
    notebook, failed = (list(translate(tstore.trial(n)).parts[0].records()) for n in (2, 3))
    # 1 trial + 5 executions; notebook and 2 cell plans, 3 variables, 3 versions, 3 operation steps
    assert len(notebook) == 37  # statement order is an attribute, not 2 wasInformedBy relations
    assert kinds([r for r in notebook if isinstance(r, Element)]) == {"activity": 6, "agent": 3, "entity": 12}
    assert len(failed) == 20  # one wasInformedBy fewer
    trial = next(r for r in failed if r.id.endswith(":trial"))
    attrs = dict(trial.attrs)
    assert attrs["pb:status"] == "failed"
    assert attrs["pb:exitCode"] == 1
    assert attrs["pb:exception"] == "ZeroDivisionError: division by zero"
    assert attrs["prov:endTime"].tzinfo is not None


def test_identifiers_are_absolute_stable_and_configurable(tstore: Store) -> None:
    trial = tstore.trial(1)
    one, two = translate(trial), translate(trial)
    assert [r for r in one.parts[0].records()] == [r for r in two.parts[0].records()]
    part = one.parts[0]
    assert part.namespace == f"https://w3id.org/provbridge/trial/{trial.uuid}/"
    assert part.prefix == "t" + trial.uuid.replace("-", "")[:8]
    assert one.expand(part.trial_id) == f"https://w3id.org/provbridge/trial/{trial.uuid}/trial"
    assert one.expand("pb:Trial") == "https://w3id.org/provbridge/ns#Trial"
    custom = translate(trial, base="https://example.org/runs/{uuid}#")
    assert custom.parts[0].namespace == f"https://example.org/runs/{trial.uuid}#"
    assert translate(trial, base="urn:x:").parts[0].namespace == f"urn:x:/{trial.uuid}/"
    with pytest.raises(ValueError):
        trial_namespace(trial.uuid, "not an iri {uuid}")


def test_weird_names_make_safe_local_names(tstore: Store) -> None:
    assert escape("x") == "x"
    assert escape("x y") == "x.20y"
    assert escape(synthetic.WEIRD) == "my.20var.20.22.C3.BC.22.20.231"
    assert escape("a.b") == "a.2Eb" and escape("a-b") == "a.2Db"
    part = translate(tstore.trial(1)).parts[0]
    variable = part.variable_id("<module>", synthetic.WEIRD)
    assert variable == f"{part.prefix}:var-my.20var.20.22.C3.BC.22.20.231"
    assert part.variable_id("f", "a") == f"{part.prefix}:var-f-a"
    element = next(r for r in part.records() if isinstance(r, Element) and r.id == variable)
    assert dict(element.attrs)["pb:name"] == synthetic.WEIRD
    assert file_iri(synthetic.DATA) == "file:///tmp/pb%20data/in%20put%231.csv"
    assert unquote(file_iri(synthetic.OUT)[7:]) == synthetic.OUT


def test_values_are_typed_scalars(tstore: Store) -> None:
    part = translate(tstore.trial(1)).parts[0]
    versions = {r.id.split(":")[1]: dict(r.attrs) for r in part.records()
                if isinstance(r, Element) and r.id.split(":")[1].startswith("v")}
    assert versions["v2"]["prov:value"] == 3 and type(versions["v2"]["prov:value"]) is int
    assert versions["v3"]["prov:value"] == 0.5
    assert versions["v4"]["prov:value"] is True
    assert versions["v5"]["prov:value"] == "héllo"
    assert versions["v16"]["prov:value"] == 2**70
    assert math.isinf(versions["v17"]["prov:value"])
    assert "prov:value" not in versions["v6"] and versions["v6"]["pb:repr"] == "array([0, ..., 9])"
    assert '"shape": [10]' in versions["v6"]["pb:summary"]
    assert versions["v13"]["pb:count"] == 1000
    assert versions["v7"]["prov:type"] == QName("pb:FileVersion")
    assert versions["v7"]["prov:location"] == Iri("file:///tmp/pb%20data/in%20put%231.csv")
    assert versions["v7"]["pb:sha256"] == synthetic.sha("data")


def test_dataflow_relations(tstore: Store) -> None:
    part = translate(tstore.trial(1)).parts[0]
    p = part.prefix + ":"
    relations = [r for r in part.records() if isinstance(r, Relation)]
    revision = next(r for r in relations if r.kind == "wasRevisionOf")
    assert (revision.subject, revision.object) == (p + "v14", p + "f2-before")
    read = next(r for r in relations if r.kind == "used" and r.object == p + "v7")
    assert read.id == p + "use-f1" and read.subject == p + "e8" and read.attrs == (("pb:mode", "r"),)
    assert read.time is not None and read.time.tzinfo == timezone.utc
    # the file read is not repeated as a plain usage
    assert sum(1 for r in relations if r.kind == "used" and r.object == p + "v7") == 1
    written = next(r for r in relations if r.kind == "wasGeneratedBy" and r.subject == p + "v14")
    assert written.id == p + "gen-v14" and written.time is not None
    # statement order: pb:previousExecution on the later execution, never a PROV communication
    assert not any(r.kind == "wasInformedBy" for r in relations)
    executions = {e.id: dict(e.attrs) for e in part.records() if isinstance(e, Element) and e.kind == "activity"}
    previous = {ident: attrs["pb:previousExecution"] for ident, attrs in executions.items()
                if "pb:previousExecution" in attrs}
    assert previous[p + "e3"] == QName(p + "e2") and previous[p + "e13"] == QName(p + "e10")
    assert p + "e12" not in previous and len(previous) == 11
    python = next(r for r in relations if r.kind == "wasAssociatedWith" and r.id == p + "assoc-python")
    assert python.secondary is not None and python.secondary.startswith(p + "plan-")


def test_tags_land_on_their_nodes(tstore: Store) -> None:
    records = list(translate(tstore.trial(1)).parts[0].records())
    tags = {r.id.split(":")[1]: [v for k, v in r.attrs if k == "pb:tag"] for r in records if isinstance(r, Element)}
    assert tags["trial"] == ["stage=final"]
    assert tags["var-rate"] == ["hyperparameter"]
    assert tags["var-total"] == ["metric"]
    assert tags["e7"] == ["stage=features"]
    notebook = list(translate(tstore.trial(2)).parts[0].records())
    tagged = {r.id.split(":")[1] for r in notebook if isinstance(r, Element) and ("pb:tag", "stage=data") in r.attrs}
    assert len(tagged) == 2 and "e3" in tagged  # the cell execution and the cell's plan


def test_records_are_streamed(tstore: Store) -> None:
    translation = translate(tstore.trials())
    assert [p.trial.id for p in translation.parts] == [1, 2, 3]
    assert inspect.isgenerator(translation.parts[0].records())
    assert len(translation.prefixes) == 6
    assert [r.id for r in translation.document_records()] == [p.bundle_id for p in translation.parts]
    again = translate([tstore.trial(1), tstore.trial(1)])
    assert len(again.parts) == 1


def test_overwrite_does_not_revise_the_replaced_content(project: Project) -> None:
    """`open(p, "w")` replaces a file: its new version is no revision of (derived from) the old content;
    `open(p, "a")` keeps what was there, so that one is."""
    (project.root / "out.txt").write_text("old\n")
    (project.root / "log.txt").write_text("first\n")
    trial = project.capture('with open("out.txt", "w") as f:\n    f.write("new\\n")\n'
                            'with open("log.txt", "a") as g:\n    g.write("second\\n")\n')
    part = translate(trial).parts[0]
    records = list(part.records())
    locations = {r.id: dict(r.attrs).get("pb:path") for r in records if isinstance(r, Element)}
    revised = {(locations[r.subject], locations[r.object]) for r in records
               if isinstance(r, Relation) and r.kind in ("wasRevisionOf", "wasDerivedFrom")
               and locations.get(r.subject) and locations.get(r.object)}
    log, out = str(project.root / "log.txt"), str(project.root / "out.txt")
    assert revised == {(log, log)}
    assert out not in {path for pair in revised for path in pair}
