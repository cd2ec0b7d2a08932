"""Apache Jena ARQ on the backward-dependency closure: the same synthetic trials (bench_export's generator)
exported as N-Quads, the same backward_version.rq query (from the last version, granularity 1) run by
Jena's `arq.sparql` in a JVM, next to provbridge's in-process cache engine on the same trial.

Jena comes from Debian (`apt-get install libapache-jena-java`, 4.5.0 on bookworm). Its jena-core.jar
relocates the bundled Xerces classes to `xerces.*` but leaves their message resources under
`org/apache/jena/ext/xerces/`, so ARQ dies in XSDDatatype's initialiser ("internal error"); a small jar
holding the same resources at the relocated path (built once under ~/.cache/provbridge-bench) fixes it.
Its transitive path evaluation recurses once per step of the chain: the JVM gets a 1 GB thread stack.

    python benchmarks/bench_jena.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

JARS = Path("/usr/share/java")
CACHE = Path.home() / ".cache" / "provbridge-bench"
# jena-arq's runtime dependencies as Debian names them (unversioned links in /usr/share/java)
DEPENDENCIES = ("commons-lang3", "commons-io", "commons-codec", "commons-compress", "commons-csv", "commons-cli",
                "dexx.collection", "guava", "jackson-core", "jackson-databind", "jackson-annotations",
                "jsonld-java", "gson", "httpclient", "httpcore", "thrift", "protobuf", "slf4j-api", "slf4j-nop",
                "titanium-json-ld", "jakarta.json-api")
RELOCATED = "org/apache/jena/ext/xerces/"


def classpath() -> str | None:
    """The class path that runs `arq.sparql`, or None when Jena is not installed."""
    if shutil.which("java") is None or not (JARS / "jena-arq.jar").exists():
        return None
    jars = sorted(p for p in JARS.glob("jena-*.jar") if not re.search(r"-[0-9][0-9.]*\.jar$", p.name))
    jars += [JARS / f"{name}.jar" for name in DEPENDENCIES if (JARS / f"{name}.jar").exists()]
    jars.append(_resources_jar())
    return ":".join(map(str, jars))


def _resources_jar() -> Path:
    """A jar with jena-core's Xerces message resources at the path its relocated classes look them up."""
    out = CACHE / "jena-xerces-resources.jar"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".tmp")
    with zipfile.ZipFile(JARS / "jena-core.jar") as core, zipfile.ZipFile(partial, "w") as fixed:
        for name in core.namelist():
            if name.startswith(RELOCATED) and name.endswith(".properties"):
                fixed.writestr("xerces/" + name[len(RELOCATED):], core.read(name))
    partial.replace(out)
    return out


def jena_closure(cp: str, data: Path, query: Path, repeat: int, heap_gb: float) -> dict[str, Any]:
    """Jena's query seconds (median and best of ``repeat`` runs in one JVM, data loaded once), the wall time
    of the whole command (JVM start, N-Quads parse, the runs) and the row count."""
    started = time.perf_counter()
    proc = subprocess.run(["java", "-Xss1g", f"-Xmx{heap_gb:g}g", "-cp", cp, "arq.sparql", "--data", str(data),
                           "--query", str(query), "--time", f"--repeat={repeat}", "--results=count"],
                          capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    output = proc.stdout + "\n" + proc.stderr  # the counts on stdout, the times on stderr
    times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) sec", output, re.M)]
    counts = {int(c) for c in re.findall(r"^Count = ([0-9]+)", output, re.M)}
    if proc.returncode != 0 or not times:
        return {"jena_error": (proc.stderr or proc.stdout).strip().splitlines()[:1]}
    return {"jena_s": statistics.median(times), "jena_best_s": min(times), "jena_wall_s": wall,
            "jena_rows": counts.pop() if len(counts) == 1 else None}


def measure(size: int, cp: str, repeat: int, heap_gb: float, tmp: Path) -> dict[str, Any]:
    """One size: a synthetic trial, its N-Quads, Jena's closure and provbridge's (cache engine) on it."""
    import pyoxigraph as ox
    from bench_export import RECORDS_PER_STEP, build_trial

    from provbridge.export import export
    from provbridge.query.engine import dataset
    from provbridge.query.loading import graph_iri
    from provbridge.query.params import canned
    from provbridge.query.targets import version_iri
    from provbridge.store.store import open_store

    store_dir = tmp / f"j{size}" / ".provbridge"
    store_dir.mkdir(parents=True)
    build_trial(store_dir, max(1, size // RECORDS_PER_STEP))
    store = open_store(store_dir)
    trial = store.trials()[0]
    last = trial.versions()[-1]
    text = canned("backward_version").bind({"g": ox.NamedNode(graph_iri(trial)),
                                            "target": ox.NamedNode(version_iri(trial, last.id)), "level": 1})
    data, query = tmp / f"j{size}.nq", tmp / f"j{size}.rq"
    export(trial, data, "nq")
    query.write_text(text)
    row: dict[str, Any] = {"records": size, **jena_closure(cp, data, query, repeat, heap_gb)}
    started = time.perf_counter()
    with dataset(store, [trial], engine="cache") as loaded:
        row["provbridge_load_s"] = time.perf_counter() - started
        times = []
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            row["provbridge_rows"] = len(loaded.query(text))
            times.append(time.perf_counter() - started)
    row["provbridge_s"], row["provbridge_best_s"] = statistics.median(times), min(times)
    store.close()
    data.unlink()
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000], help="trial sizes in PROV records")
    parser.add_argument("--repeat", type=int, default=5, help="query runs per engine (one JVM, one load)")
    parser.add_argument("--heap-gb", type=float, default=8.0, help="Jena's JVM heap limit")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    cp = classpath()
    if cp is None:
        print("Jena not available: install it with `apt-get install libapache-jena-java` (and a JRE)")
        if args.json:
            Path(args.json).write_text("[]")
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="pb-bench-jena-") as tmp:
        for size in args.sizes:
            row = measure(size, cp, args.repeat, args.heap_gb, Path(tmp))
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
