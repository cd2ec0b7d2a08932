"""unification_failures: the identifiers whose statements PROV-CONSTRAINTS cannot unify (what ``import``
records for ``deps`` to warn about), on the unification cases of test_constraints."""

from __future__ import annotations

import pytest

from provbridge.provdm.constraints import check, unification_failures
from provbridge.provdm.provn_read import read_provn
from tests.provdm.test_constraints import FAILING, PASSING, provn

SUBJECTS = {
    "22 key-object": ["ex:a"], "23 key-properties": ["ex:u"], "23 a plan is not expandable": ["ex:as"],
    "23 a derivation's activity is not expandable": ["ex:d"], "23 through inference 11": ["ex:g"],
    "24 unique-generation": ["ex:e"], "25 unique-invalidation": ["ex:e"], "26 unique-wasStartedBy": ["ex:a"],
    "27 unique-wasEndedBy": ["ex:a"], "28 unique-startTime": ["ex:a"], "29 unique-endTime": ["ex:a"],
    "PROV-Links: one mention per entity": ["ex:e2"],
}


@pytest.mark.parametrize("case", list(SUBJECTS))
def test_the_identifier_that_fails_unification(case: str) -> None:
    document = read_provn(provn(FAILING[case][0]).encode())
    assert unification_failures(document.records, document.prefixes) == SUBJECTS[case]
    (violation,) = check(document).violations
    assert list(violation.subjects) == SUBJECTS[case]


def test_several_identifiers_sorted() -> None:
    body = FAILING["23 key-properties"][0] + "\n" + FAILING["22 key-object"][0]
    document = read_provn(provn(body).encode())
    assert unification_failures(document.records, document.prefixes) == ["ex:a", "ex:u"]


@pytest.mark.parametrize("case", [c for c in FAILING if c not in SUBJECTS and not c.startswith(("22 ", "23 "))])
def test_other_violations_are_no_unification_failure(case: str) -> None:
    document = read_provn(provn(FAILING[case][0]).encode())
    assert unification_failures(document.records, document.prefixes) == []


@pytest.mark.parametrize("case", list(PASSING))
def test_valid_documents_have_none(case: str) -> None:
    document = read_provn(provn(PASSING[case]).encode())
    assert unification_failures(document.records, document.prefixes) == []
