"""Agreement of ``provbridge validate --constraints`` with ProvToolbox's PROV-CONSTRAINTS validation suite.

ProvToolbox (github.com/lucmoreau/ProvToolbox) ships about 190 PROV-N and PROV-XML cases under
``modules-validation/prov-validation/src/test/resources/validate/`` whose file names say whether they
are valid (``*-success*``) or not (``*-fail*``). The suite is not copied into this repository (CI cannot
reach it): extract it once into a cache directory, then run this script, which checks every case with
our PROV-CONSTRAINTS checker (the same reader and check as ``validate --constraints``) and prints a
Markdown table of agreement with the expected outcomes, then every disagreement with its reason.

    git clone --depth 1 https://github.com/lucmoreau/ProvToolbox /tmp/ProvToolbox
    python benchmarks/provtoolbox_validation.py --extract /tmp/ProvToolbox   # once: into the cache
    python benchmarks/provtoolbox_validation.py                               # the table

The cache is ``$PROVBRIDGE_TEST_CACHE/provtoolbox-validate`` (default ``~/.cache/provbridge-tests``).
Without it the script says so and exits 0.

Expected outcomes: ``fail`` in the name means invalid, anything else valid, except two ordering cases
whose names say nothing but whose ProvToolbox tests (OrderingTest) assert a strict precedence both ways,
i.e. a cycle through a strictly-precedes edge, which PROV-CONSTRAINTS makes invalid.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import time
from collections import defaultdict
from pathlib import Path

SUITE = "modules-validation/prov-validation/src/test/resources/validate"
SYNTAXES = {".provn": "provn", ".xml": "xml", ".provx": "xml"}
# name -> expected outcome where the name does not say it (ProvToolbox's OrderingTest asserts the cycle)
EXPECTED = {"ordering/derivation2": "fail", "ordering/specialization4": "fail"}
# why a case's name and our outcome differ (each checked against the specs and ProvToolbox's own tests)
REASONS = {
    "unification/usage-fail1": "PROV-CONSTRAINTS has no uniqueness constraint on usage: two usages of ex:a1 "
    "with different ids are valid; ProvToolbox's own test (testUnificationUsageFail1) expects success",
    "unification/usage-fail5": "no uniqueness constraint on usage (times may differ between usages); "
    "ProvToolbox's test expects success",
    "unification/usage-fail6": "no uniqueness constraint on usage; ProvToolbox's test expects success",
    "unification/usage-fail7": "ex:use1's two statements unify (- and a time); the third usage is another "
    "usage; ProvToolbox's test expects success",
    "unification/delegation-fail4": "actedOnBehalfOf's activity is expandable (PROV-CONSTRAINTS Definition 4), "
    "so - unifies with ex:a2; ProvToolbox's test expects success",
    "unification/bundle-fail1": "no constraint applies to it; ProvToolbox's BundleTest expects no failure",
    "unification/delegation-success3": "actedOnBehalfOf(ex:del1; ex:ag2, -, ex:a2) leaves out the responsible "
    "agent that PROV-DM and the PROV-N grammar require; ProvToolbox disabled this test (NOtest...)",
    "unification/delegation-success4": "as delegation-success3: the responsible agent is missing; "
    "ProvToolbox disabled this test",
    "pc1-full.xml": "not well-formed XML: the attribute prefix org.openprovenance.prov.xml is undeclared "
    "(its PROV-N twin pc1-full.provn agrees)",
}


def cache_dir() -> Path:
    base = os.environ.get("PROVBRIDGE_TEST_CACHE") or os.path.expanduser("~/.cache/provbridge-tests")
    return Path(base) / "provtoolbox-validate"


def extract(repository: Path, target: Path) -> int:
    """Copy the suite out of a ProvToolbox clone (a work tree or a bare git directory) into ``target``."""
    archive = subprocess.run(["git", "-C", str(repository), "archive", "HEAD", SUITE], capture_output=True)
    if archive.returncode != 0:
        print(f"cannot read {SUITE} from {repository}: {archive.stderr.decode().strip()}", file=sys.stderr)
        return 2
    count = 0
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(SUITE + "/"):
                continue
            path = target / member.name[len(SUITE) + 1:]
            path.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            path.write_bytes(source.read())
            count += 1
    print(f"extracted {count} files into {target}")
    return 0


def expected(case: str) -> str:
    stem = case.rsplit(".", 1)[0]
    if stem in EXPECTED:
        return EXPECTED[stem]
    return "fail" if "fail" in Path(stem).name else "pass"


def outcome(path: Path) -> tuple[str, str]:
    """``pass`` or ``fail`` by our checker, and the first problem."""
    from provbridge.errors import FormatError
    from provbridge.export.validation import check, read_model

    try:
        report = check(read_model(path.read_bytes(), SYNTAXES[path.suffix]))
    except FormatError as exc:
        return "fail", f"cannot read: {exc}"
    if report.valid:
        return "pass", ""
    return "fail", str(report.violations[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extract", metavar="REPO", type=Path, help="copy the suite from a ProvToolbox clone")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = parser.parse_args(argv)
    root = cache_dir()
    if args.extract:
        return extract(args.extract, root)
    if not root.is_dir():
        print(f"skipped: no ProvToolbox validation suite in {root} (see --help to extract it)")
        return 0
    cases = sorted(p for p in root.rglob("*") if p.suffix in SYNTAXES)
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    disagreements: list[str] = []
    started = time.perf_counter()
    for path in cases:
        case = str(path.relative_to(root))
        syntax = "PROV-N" if path.suffix == ".provn" else "PROV-XML"
        group = case.split("/")[0] if "/" in case else "(top)"
        want = expected(case)
        got, why = outcome(path)
        row = rows[(group, syntax)]
        row[0] += 1
        row[1 if want == "pass" else 2] += 1
        row[3] += got == want
        if args.verbose:
            print(f"{case}: expected {want}, got {got} {why}")
        if got != want:
            reason = REASONS.get(case.rsplit(".", 1)[0]) or REASONS.get(case) or why
            disagreements.append(f"| {case} | {want} | {got} | {reason} |")
    elapsed = time.perf_counter() - started
    print("| cases | syntax | total | valid by name | invalid by name | agree |")
    print("|---|---|---:|---:|---:|---:|")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (group, syntax), row in sorted(rows.items()):
        print(f"| {group} | {syntax} | {row[0]} | {row[1]} | {row[2]} | {row[3]} |")
        for index, value in enumerate(row):
            totals[syntax][index] += value
            totals["all"][index] += value
    for syntax, row in sorted(totals.items(), key=lambda item: item[0] == "all"):
        print(f"| **total** | {syntax} | {row[0]} | {row[1]} | {row[2]} | {row[3]} ({100 * row[3] / row[0]:.0f}%) |")
    if disagreements:
        print("\n| case | name says | ours | why |\n|---|---|---|---|")
        print("\n".join(disagreements))
    print(f"\n{len(cases)} cases checked in {elapsed:.2f} s (cache: {root})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
