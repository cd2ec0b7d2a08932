"""Push benchmark: a synthetic trial of 1M PROV records (bench_export's generator) pushed to a local Oxigraph
server (PyPI ``oxigraph``) with ``provbridge push``, next to a plain bulk upload of the same N-Triples with
curl (one Graph Store PUT), interleaved and repeated; plus the cost of a second, skipped push.

    /work/venv311/bin/python benchmarks/bench_push.py                     # 1M records
    /work/venv311/bin/python benchmarks/bench_push.py --sizes 100000 --repeat 2
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import RECORDS_PER_STEP, build_trial

from provbridge.remote.config import add_remote, get_remote, graph_url
from provbridge.remote.content import BATCH_BYTES, trial_content
from provbridge.remote.dataset import graph_size
from provbridge.remote.http import Client
from provbridge.remote.push import push_trials
from provbridge.store.store import open_store


def oxigraph_command() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def start_server(binary: str, location: Path) -> tuple[subprocess.Popen[bytes], int]:
    """An Oxigraph server on a free loopback port, once it accepts connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("oxigraph did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000], help="trial sizes in PROV records")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions of push and curl")
    parser.add_argument("--batch-mb", type=float, default=BATCH_BYTES / (1 << 20), help="push batch size")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    binary, curl = oxigraph_command(), shutil.which("curl")
    if binary is None or curl is None:
        print(f"push benchmark skipped: {'oxigraph' if binary is None else 'curl'} is not installed")
        return 0
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="pb-bench-push-") as tmp:
        for size in args.sizes:
            store_dir = Path(tmp) / f"s{size}" / ".provbridge"
            store_dir.mkdir(parents=True)
            build_trial(store_dir, max(1, size // RECORDS_PER_STEP))
            process, port = start_server(binary, Path(tmp) / f"oxigraph-{size}")
            try:
                results.append(measure(store_dir, port, curl, size, args))
            finally:
                process.terminate()
                process.wait(30)
            report(results[-1])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


def measure(store_dir: Path, port: int, curl: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    add_remote(store_dir, "bench", f"http://127.0.0.1:{port}/query", replace=True)
    store = open_store(store_dir)
    remote = get_remote(store_dir, "bench")
    [trial] = store.trials()
    batch = max(int(args.batch_mb * (1 << 20)), 1)
    started = time.perf_counter()
    content = trial_content(trial, batch_bytes=batch)
    build = time.perf_counter() - started
    nt = Path(store_dir).parent / "trial.nt"
    with open(nt, "wb") as out:
        for part in content.batches:
            out.write(content.read(part).read())
    triples, size_bytes, graph = content.triples, content.size, content.graph
    content.close()
    url = graph_url(remote.store_endpoint(), graph)
    pushes, uploads = [], []
    with Client("bench", timeout=600) as client:
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([curl, "-sS", "-f", "-X", "PUT", "-H", "Content-Type: application/n-triples",
                            "--data-binary", f"@{nt}", url], check=True, stdout=subprocess.DEVNULL)
            uploads.append(time.perf_counter() - started)
            assert graph_size(client, remote, graph) == triples
            started = time.perf_counter()
            [outcome] = push_trials(store, remote, [trial], force=True, client=client, batch_bytes=batch,
                                    progress=False)
            pushes.append(time.perf_counter() - started)
            assert outcome.status == "pushed" and graph_size(client, remote, graph) == triples
        started = time.perf_counter()
        [again] = push_trials(store, remote, [trial], client=client, batch_bytes=batch, progress=False)
        skipped = time.perf_counter() - started
        assert again.status == "unchanged"
    store.close()
    push, upload = statistics.median(pushes), statistics.median(uploads)
    return {"records": size, "triples": triples, "bytes": size_bytes, "batches": outcome.batches,
            "build_s": build, "push_s": push, "push_all_s": pushes, "curl_s": upload, "curl_all_s": uploads,
            "skip_s": skipped, "push_triples_per_s": triples / push, "curl_triples_per_s": triples / upload,
            "ratio": push / upload}


def report(row: dict[str, Any]) -> None:
    print(f"\n{row['records']:,} records: {row['triples']:,} triples, {row['bytes'] / 2**20:.0f} MiB of N-Triples, "
          f"{row['batches']} request(s)")
    print(f"  provbridge push  {row['push_s']:7.2f} s  {row['push_triples_per_s']:>12,.0f} triples/s  "
          f"(of which building the N-Triples {row['build_s']:.2f} s)")
    print(f"  curl PUT         {row['curl_s']:7.2f} s  {row['curl_triples_per_s']:>12,.0f} triples/s")
    print(f"  push / curl      {row['ratio']:7.2f}x;  unchanged push skipped in {row['skip_s'] * 1000:.0f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
