"""Tests of provbridge.capture.values.cache: a large object is hashed once per identity and version."""

from __future__ import annotations

import gc
import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from provbridge.capture.values import FULL_HASH_LIMIT, arrays, cache, frames, summarize, summarize_final


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every real (uncached) hashing of an array or a pandas object."""
    seen: list[str] = []
    facts, full, rows = arrays.array_facts, arrays.full_sha256, frames._rows_hash

    def array_facts(*args: Any, **kwargs: Any) -> Any:
        seen.append("array")
        return facts(*args, **kwargs)

    def full_sha256(*args: Any, **kwargs: Any) -> Any:
        seen.append("full")
        return full(*args, **kwargs)

    def rows_hash(*args: Any, **kwargs: Any) -> Any:
        seen.append("rows")
        return rows(*args, **kwargs)

    monkeypatch.setattr(arrays, "array_facts", array_facts)
    monkeypatch.setattr(arrays, "full_sha256", full_sha256)
    monkeypatch.setattr(frames, "_rows_hash", rows_hash)
    cache.clear()
    return seen


def digest(value: object, final: bool = False) -> str:
    text = (summarize_final if final else summarize)(value)[3]
    assert text is not None
    return str(json.loads(text)["sha256"])


def test_unchanged_array_hashed_once(counted: list[str]) -> None:
    a = np.zeros((4, FULL_HASH_LIMIT // 8), dtype=np.float64)
    first = digest(a)
    assert digest(a) == first and digest(a) == first
    assert counted == ["array"]
    for where in [(0, 0), (3, -1)]:
        a[where] = 1.0  # head and tail: in the sampled hash and in the guard's sample
        changed = digest(a)
        assert changed != first
        first = changed
    a += 1.0
    assert digest(a) != first
    assert len(counted) == 4


def test_fortran_ordered_array_hashed_once_and_changes_seen(counted: list[str]) -> None:
    a = np.asfortranarray(np.zeros((4, FULL_HASH_LIMIT // 8), dtype=np.float64))
    first = digest(a)
    assert digest(a) == first and counted == ["array"]
    a[0, 0] = 1.0
    assert digest(a) != first and counted == ["array", "array"]
    c_ordered = np.ascontiguousarray(a)
    assert digest(c_ordered) == digest(a)  # the hash is of the values in C order, whatever the layout


def test_small_arrays_not_cached(counted: list[str]) -> None:
    a = np.zeros(100)
    digest(a)
    a[50] = 1.0
    digest(a)
    assert counted == ["array", "full", "array", "full"]


def test_unchanged_frame_hashed_once_and_changes_seen(counted: list[str]) -> None:
    n = 200_000
    df = pd.DataFrame({"x": np.arange(n, dtype=float), "y": np.ones(n), "s": ["a"] * n})
    first = digest(df)
    assert digest(df) == first
    assert counted == ["rows"]
    df["z"] = 1.0
    second = digest(df)
    assert second != first
    df.iloc[-1, 0] = -1.0
    third = digest(df)
    assert third not in (first, second)
    series = df["x"]
    digest(series)
    digest(series)
    assert counted == ["rows"] * 4


def test_final_exact_hash_reused_only_within_the_end_of_run_pass(counted: list[str]) -> None:
    a = np.arange(FULL_HASH_LIMIT // 4, dtype=np.float64)
    assert json.loads(summarize(a)[3] or "")["hash_kind"] == "sampled"
    exact = digest(a, final=True)
    assert digest(a, final=True) == exact  # same pass: no second full hash
    assert counted == ["array", "full"]  # the sampled summary is completed with the full hash only
    summarize(1)  # the program ran again: a full hash must be recomputed
    assert digest(a, final=True) == exact
    assert counted == ["array", "full", "array", "full"]
    assert json.loads(summarize_final(a)[3] or "")["hash_kind"] == "full"


def test_end_of_run_summary_of_an_unchanged_object_is_its_sampled_one_with_the_full_hash(
    counted: list[str],
) -> None:
    rng = np.random.default_rng(3)
    a = rng.random((300, FULL_HASH_LIMIT // 8 // 300 * 3))
    n = FULL_HASH_LIMIT // 8
    df = pd.DataFrame({"x": rng.random(n), "k": rng.integers(0, 9, n), "s": rng.choice(["a", "b"], n)})
    for value in (a, df, df["x"]):
        cache.clear()
        from_scratch = summarize_final(value)  # nothing cached: summarized and hashed in full at once
        cache.clear()
        sampled = json.loads(summarize(value)[3] or "")
        counted.clear()
        completed = summarize_final(value)
        assert completed == from_scratch  # exactly what a summary from scratch records
        assert counted == (["full"] if value is a else ["rows"])  # no second sample, no statistics again
        full = json.loads(completed[3] or "")
        assert (sampled["hash_kind"], full["hash_kind"]) == ("sampled", "full")
        assert {k: v for k, v in full.items() if k != "sha256" and k != "hash_kind"} == {
            k: v for k, v in sampled.items() if k != "sha256" and k != "hash_kind"}
    assert json.loads(summarize_final(a)[3] or "")["sha256"] == hashlib.sha256(a.tobytes()).hexdigest()


def test_entries_dropped_with_their_object(counted: list[str]) -> None:
    a = np.zeros(FULL_HASH_LIMIT)
    digest(a)
    assert len(cache._entries) == 1
    del a
    gc.collect()
    assert cache._entries == {}


def test_summarize_final_leaves_the_recording_limit_alone() -> None:
    big = np.arange(FULL_HASH_LIMIT // 4, dtype=np.float64)
    assert json.loads(summarize_final(big)[3] or "")["hash_kind"] == "full"
    from provbridge.capture import values

    assert values.FULL_HASH_LIMIT == values.limits.FULL_HASH_LIMIT == 1024 * 1024
    assert json.loads(summarize(big + 1)[3] or "")["hash_kind"] == "sampled"


def test_prepare_final_hashes_large_arrays_two_at_a_time_once(counted: list[str]) -> None:
    from provbridge.capture.values import prepare_final

    rng = np.random.default_rng(4)
    a, b, small = rng.random(FULL_HASH_LIMIT // 4), rng.random((3, FULL_HASH_LIMIT // 8)), np.ones(10)
    expected = {}
    for value in (a, b):
        expected[id(value)] = summarize_final(value)  # from scratch
        cache.clear()
    for value in (a, b, small):
        summarize(value)
    counted.clear()
    prepare_final([a, b, a, small, "text", None])
    assert counted == ["full", "full"]  # each large array once; the small one was exact already
    assert summarize_final(a) == expected[id(a)] and summarize_final(b) == expected[id(b)]
    assert counted == ["full", "full"]  # found, not hashed again
    assert json.loads(summarize_final(b)[3] or "")["sha256"] == hashlib.sha256(b.tobytes()).hexdigest()
    b[1, 7] = -1.0  # changed since, where the guard looks: summarized again (sampled, then hashed in full)
    counted.clear()
    summarize(1)
    prepare_final([b, a])  # a's exact summary was of the program's previous pass: a is summarized again too
    assert counted == ["array", "array", "full", "full"]
    assert json.loads(summarize_final(b)[3] or "")["sha256"] == hashlib.sha256(b.tobytes()).hexdigest()
    assert summarize_final(a) == expected[id(a)] and counted == ["array", "array", "full", "full"]


def test_concurrently_keeps_order_and_raises() -> None:
    from provbridge.capture.values.hashing import concurrently

    assert concurrently([]) == [] and concurrently([lambda: 1]) == [1]
    assert concurrently([lambda i=i: i * i for i in range(7)]) == [0, 1, 4, 9, 16, 25, 36]

    def fail() -> int:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        concurrently([lambda: 1, fail, lambda: 3])


def test_frame_columns_hashed_two_at_a_time_give_the_serial_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    n = FULL_HASH_LIMIT // 8
    rng = np.random.default_rng(6)
    df = pd.DataFrame({"x": rng.random(n), "k": rng.integers(0, 9, n), "s": rng.choice(["a", "b"], n)})
    monkeypatch.setattr(frames, "PARALLEL_BYTES", 0)
    cache.clear()
    parallel = summarize_final(df)
    monkeypatch.setattr(frames, "PARALLEL_BYTES", 1 << 62)
    cache.clear()
    assert summarize_final(df) == parallel


def test_sample_of_an_array_in_any_layout_is_the_same_c_order_sample() -> None:
    from provbridge.capture.values import hashing, limits

    rng = np.random.default_rng(8)
    base = rng.random((900, 1200))
    layouts = [np.asfortranarray(base), base[:, ::2], base.T, np.asfortranarray(rng.random((3, 400_000))),
               np.asfortranarray(rng.random((40, 30, 200))), base.reshape(-1)[::3]]
    for arr in layouts:
        budget = min(limits.SAMPLE_MAX_ITEMS, limits.SAMPLE_BYTES // arr.itemsize)
        index = np.concatenate([np.arange(a, b) for a, b in hashing.sample_ranges(arr.size, budget)])
        sample = arrays.array_sample(np, arr)
        assert sample.flags.c_contiguous and np.array_equal(sample, np.ascontiguousarray(arr).reshape(-1)[index])
    assert digest(np.asfortranarray(base)) == digest(np.ascontiguousarray(base))  # sampled: same hash
