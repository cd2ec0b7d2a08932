"""Export benchmark: synthetic trials of 10k/100k/1M PROV records, time and peak memory per format next
to the floors measured in the same run (a minimal orjson dump and minimal N-Quads lines of the same rows).

    /work/venv311/bin/python benchmarks/bench_export.py                 # 10k and 100k records
    /work/venv311/bin/python benchmarks/bench_export.py --sizes 1000000 --formats json nq trig
    /work/venv311/bin/python benchmarks/bench_export.py --sizes 100000 1000000 --formats nq --repeat 5 --no-memory
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid as uuidlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

import orjson

from provbridge.export import export
from provbridge.store.db import DB_NAME, connect
from provbridge.store.store import open_store

RECORDS_PER_STEP = 8  # activity, wasInformedBy, entity, specializationOf, wasGeneratedBy, ~1.5 used, ~1.5 derived
VARIABLES = 50
T0 = 1_700_000_000.0


def build_trial(store_dir: Path, steps: int) -> str:
    """Write a trial of ``steps`` statement executions straight into the store (executemany); returns its UUID.
    Each step binds one of VARIABLES names from the previous one or two steps' versions."""
    conn = connect(store_dir / DB_NAME, create=True)
    trial_uuid = str(uuidlib.uuid4())
    with conn:
        cur = conn.execute(
            "INSERT INTO trials (uuid, kind, status, command, main, cwd, hostname, user, pid, granularity, "
            "started_at, ended_at, exit_code, provbridge_version, python_version) VALUES "
            "(?, 'script', 'finished', '[\"bench.py\"]', '/tmp/bench.py', '/tmp', 'bench', 'bench', 0, 0, "
            "'2023-11-14T22:13:20+00:00', '2023-11-14T22:20:00+00:00', 0, '0.1.0', '3.11.0')",
            (trial_uuid,),
        )
        tid = cur.lastrowid
        conn.execute("INSERT OR IGNORE INTO code (sha256, kind, path, source) VALUES ('0' , 'script', "
                     "'/tmp/bench.py', 'x = 1')")
        code = conn.execute("SELECT id FROM code WHERE sha256 = '0'").fetchone()[0]
        conn.execute("UPDATE trials SET main_code_id = ? WHERE id = ?", (code, tid))
        conn.executemany(
            "INSERT OR IGNORE INTO statements (code_id, lineno, col, end_lineno, end_col, kind, scope, text) "
            "VALUES (?, ?, 0, ?, 10, 'Assign', '<module>', ?)",
            [(code, n, n, f"v{n} = f(v{n - 1})") for n in range(1, VARIABLES + 1)],
        )
        stmts = [sid for (sid,) in conn.execute("SELECT id FROM statements WHERE code_id = ? ORDER BY lineno",
                                                (code,))]
        conn.execute("INSERT INTO executions (trial_id, id, parent, kind, code_id, name, started_at, ended_at) "
                     "VALUES (?, 1, NULL, 'module', ?, '<module>', ?, ?)", (tid, code, T0, T0 + 400))
        conn.executemany(
            "INSERT INTO executions (trial_id, id, parent, kind, stmt_id, code_id, name) "
            "VALUES (?, ?, 1, 'statement', ?, ?, 'Assign')",
            ((tid, n + 2, stmts[n % VARIABLES], code) for n in range(steps)),
        )
        conn.executemany(
            "INSERT INTO versions (trial_id, id, name, scope, kind, exec_id, type, value, repr) "
            "VALUES (?, ?, ?, '<module>', 'assign', ?, ?, ?, ?)",
            ((tid, n + 1, f"v{n % VARIABLES}", n + 2, "float" if n % 2 else "int",
              n * 0.5 if n % 2 else n, str(n)) for n in range(steps)),
        )
        pairs = [(tid, n + 1, src) for n in range(1, steps) for src in ((n,) if n % 2 else (n, max(1, n - 1)))
                 if src != n + 1]
        conn.executemany("INSERT OR IGNORE INTO derivations (trial_id, id, source) VALUES (?, ?, ?)", pairs)
        conn.executemany("INSERT OR IGNORE INTO usages (trial_id, exec_id, version_id) VALUES (?, ?, ?)",
                         ((t, v + 1, s) for t, v, s in pairs))
    conn.close()
    return trial_uuid


def floor_json(conn: sqlite3.Connection, tid: int, out_path: Path, p: str) -> None:
    """The floor for PROV-JSON: the same rows read and dumped with orjson as the same PROV-JSON members,
    one pass per record type, with no translation layer."""
    vv = {"$": "pb:VariableVersion", "type": "xsd:QName"}
    se = {"$": "pb:StatementExecution", "type": "xsd:QName"}
    part = {"$": f"{p}trial", "type": "xsd:QName"}
    n = 0
    with open(out_path, "wb") as out:
        w = out.write
        w(b'{"entity":{')
        for vid, name, scope, kind, _exec_id, type_name, value in conn.execute(
                "SELECT id, name, scope, kind, exec_id, type, value FROM versions WHERE trial_id = ?", (tid,)):
            w(orjson.dumps(f"{p}v{vid}") + b":" + orjson.dumps({
                "prov:type": vv, "pb:name": name, "pb:scope": scope, "pb:binding": kind, "pb:valueType": type_name,
                "prov:value": {"$": repr(value), "type": "xsd:double" if type_name == "float" else "xsd:int"}}))
            w(b",")
        w(b'},"activity":{')
        for eid, parent, _kind, name in conn.execute(
                "SELECT id, parent, kind, name FROM executions WHERE trial_id = ?", (tid,)):
            w(orjson.dumps(f"{p}e{eid}") + b":" + orjson.dumps({
                "prov:type": se, "prov:label": name, "pb:partOf": part,
                "pb:parentExecution": {"$": f"{p}e{parent}", "type": "xsd:QName"}}))
            w(b",")
        w(b'},"wasInformedBy":{')
        for (eid,) in conn.execute("SELECT id FROM executions WHERE trial_id = ?", (tid,)):
            n += 1
            w(orjson.dumps(f"_:r{n}") + b":" + orjson.dumps(
                {"prov:informed": f"{p}e{eid}", "prov:informant": f"{p}e{eid - 1}"}) + b",")
        w(b'},"specializationOf":{')
        for vid, name in conn.execute("SELECT id, name FROM versions WHERE trial_id = ?", (tid,)):
            n += 1
            w(orjson.dumps(f"_:r{n}") + b":" + orjson.dumps(
                {"prov:specificEntity": f"{p}v{vid}", "prov:generalEntity": f"{p}var-{name}"}) + b",")
        w(b'},"wasGeneratedBy":{')
        for vid, eid in conn.execute("SELECT id, exec_id FROM versions WHERE trial_id = ?", (tid,)):
            n += 1
            w(orjson.dumps(f"_:r{n}") + b":" + orjson.dumps(
                {"prov:entity": f"{p}v{vid}", "prov:activity": f"{p}e{eid}"}) + b",")
        w(b'},"wasDerivedFrom":{')
        for vid, source in conn.execute("SELECT id, source FROM derivations WHERE trial_id = ?", (tid,)):
            n += 1
            w(orjson.dumps(f"_:r{n}") + b":" + orjson.dumps(
                {"prov:generatedEntity": f"{p}v{vid}", "prov:usedEntity": f"{p}v{source}"}) + b",")
        w(b'},"used":{')
        for eid, vid in conn.execute("SELECT exec_id, version_id FROM usages WHERE trial_id = ?", (tid,)):
            n += 1
            w(orjson.dumps(f"_:r{n}") + b":" + orjson.dumps(
                {"prov:activity": f"{p}e{eid}", "prov:entity": f"{p}v{vid}"}) + b",")
        w(b"}}")


def floor_nquads(conn: sqlite3.Connection, tid: int, out_path: Path, ns: str) -> None:
    """The floor for N-Quads: the same rows written as N-Quads lines directly with f-strings."""
    prov = "http://www.w3.org/ns/prov#"
    pb = "https://w3id.org/provbridge/ns#"
    g = f"<{ns}bundle>"
    with open(out_path, "w", encoding="utf-8", buffering=1 << 20) as out:
        w = out.write
        for eid, _parent, _kind, name in conn.execute(
                "SELECT id, parent, kind, name FROM executions WHERE trial_id = ?", (tid,)):
            s = f"<{ns}e{eid}>"
            w(f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{prov}Activity> {g} .\n"
              f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{pb}StatementExecution> {g} .\n"
              f'{s} <http://www.w3.org/2000/01/rdf-schema#label> "{name}" {g} .\n'
              f"{s} <{pb}partOf> <{ns}trial> {g} .\n"
              f"{s} <{prov}wasInformedBy> <{ns}e{eid - 1}> {g} .\n")
        for vid, name, scope, kind, exec_id, type_name, value in conn.execute(
                "SELECT id, name, scope, kind, exec_id, type, value FROM versions WHERE trial_id = ?", (tid,)):
            s = f"<{ns}v{vid}>"
            w(f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{prov}Entity> {g} .\n"
              f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{pb}VariableVersion> {g} .\n"
              f'{s} <{pb}name> "{name}" {g} .\n'
              f'{s} <{pb}scope> "{scope}" {g} .\n'
              f'{s} <{pb}binding> "{kind}" {g} .\n'
              f'{s} <{pb}valueType> "{type_name}" {g} .\n'
              f'{s} <{prov}value> "{value}"^^<http://www.w3.org/2001/XMLSchema#double> {g} .\n'
              f"{s} <{prov}specializationOf> <{ns}var-{name}> {g} .\n"
              f"{s} <{prov}wasGeneratedBy> <{ns}e{exec_id}> {g} .\n")
        for vid, source in conn.execute("SELECT id, source FROM derivations WHERE trial_id = ?", (tid,)):
            w(f"<{ns}v{vid}> <{prov}wasDerivedFrom> <{ns}v{source}> {g} .\n")
        for eid, vid in conn.execute("SELECT exec_id, version_id FROM usages WHERE trial_id = ?", (tid,)):
            w(f"<{ns}e{eid}> <{prov}used> <{ns}v{vid}> {g} .\n")


def measure(func: Callable[[], object], memory: bool) -> tuple[float, float]:
    """Seconds and (when ``memory``) peak traced MiB of one call."""
    gc.collect()
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    peak = 0.0
    if memory:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return elapsed, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="trial sizes in PROV records (default: 10000 100000; add 1000000 for the full run)")
    parser.add_argument("--formats", nargs="+", default=["json", "nq", "nt", "trig", "ttl"],
                        help="formats to time (jsonld, xml and provn are far slower by design)")
    parser.add_argument("--no-memory", action="store_true", help="skip tracemalloc (faster timings)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="timed rounds, the floors and formats interleaved; the median is reported")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for size in args.sizes:
            store_dir = root / f"s{size}" / ".provbridge"
            store_dir.mkdir(parents=True)
            steps = max(1, size // RECORDS_PER_STEP)
            build_trial(store_dir, steps)
            store = open_store(store_dir)
            trial = store.trials()[0]
            ns = f"https://w3id.org/provbridge/trial/{trial.uuid}/"
            prefix = "t" + trial.uuid.replace("-", "")[:8] + ":"
            memory = not args.no_memory
            # Timings without tracemalloc (it slows Python code several-fold); memory in a second pass.
            rows = []
            conn, tid = store.conn, trial.id
            jobs: list[tuple[str, Callable[[], object]]] = [
                ("floor:orjson", partial(floor_json, conn, tid, root / "floor.json", prefix)),
                ("floor:nquads", partial(floor_nquads, conn, tid, root / "floor.nq", ns)),
                *[(fmt, partial(export, trial, root / f"out.{fmt}", fmt)) for fmt in args.formats],
            ]
            timings: dict[str, list[float]] = {name: [] for name, _ in jobs}
            for _ in range(max(1, args.repeat)):
                for name, func in jobs:
                    timings[name].append(measure(func, False)[0])
            for name, func in jobs:
                seconds = statistics.median(timings[name])
                peak = measure(func, True)[1] if memory else 0.0
                out = root / ("floor.json" if name == "floor:orjson" else "floor.nq" if name == "floor:nquads"
                              else f"out.{name}")
                rows.append((name, seconds, peak, out.stat().st_size))
            floors = {"json": rows[0][1], "nq": rows[1][1]}
            print(f"\n{size:,} records ({steps:,} steps)")
            print(f"  {'format':<14}{'seconds':>9}{'peak MiB':>10}{'MB out':>9}{'x floor':>9}")
            for name, seconds, peak, nbytes in rows:
                floor = floors["json"] if name == "json" else floors["nq"] if not name.startswith("floor") else None
                ratio = f"{seconds / floor:8.2f}x" if floor else ""
                print(f"  {name:<14}{seconds:9.3f}{peak:10.1f}{nbytes / 1e6:9.1f}{ratio:>9}")
                results.append({"records": size, "format": name, "seconds": seconds, "peak_mib": peak,
                                "bytes": nbytes, "ratio": seconds / floor if floor else None})
            store.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    sys.exit(main())
