"""How fast is a policy's history on a big database?

Builds a database with one policy holding 100,000 versions (~200-byte texts, a few changes and
checks) and times, median of 5 runs:
- `Store.versions(policy_id)`: the history list query (no texts);
- the history query as the CLI runs it: open the store, look the policy up by name, list its
  versions and serialise them to JSON;
- `policy-monitor history NAME` itself, in-process: as a table and as JSON (the newest 50
  versions, the command's default) and with `--limit 0 --json` (all 100,000).

Times are medians of 5 runs.

Usage: python benchmarks/bench_history.py [--versions N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from store import Store

POLICY = "bigcorp"
SMALL = "smallcorp"
RUNS = 5
HISTORY_TARGET_MS = 200
"""The issue's target for `history` on a policy with 100,000 versions (what it shows by default)."""
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def stamp(minutes: int) -> str:
    return (EPOCH + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def insert_all(store: Store, table: str, rows: Iterable[dict[str, Any]]) -> None:
    """Insert dicts sharing one set of keys (the first row's) in one `executemany`."""
    rows = iter(rows)
    first = next(rows)
    columns = list(first)
    store.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        (tuple(row[column] for column in columns) for row in itertools.chain([first], rows)),
    )


def fill(store: Store, policy_id: int, count: int) -> None:
    """Bulk-insert `count` versions, a change on every 10th and one check per version."""
    versions = (
        {
            "policy_id": policy_id, "seq": seq,
            "text_hash": hashlib.sha256(text.encode()).hexdigest(), "snapshot_hash": None,
            "first_seen": stamp(seq), "last_seen": stamp(seq), "size": len(text.encode()),
            "language": "en", "declared_date": None, "origin": "fetch", "normalizer_version": 1,
            "material": seq % 10 == 0, "summary": "retention changed" if seq % 10 == 0 else None,
            "text": text,
        }
        for seq in range(1, count + 1)
        for text in [f"# Privacy policy revision {seq}\n" + ("We keep your data for a while. " * 6)]
    )
    insert_all(store, "versions", versions)
    first_id = store.conn.execute(
        "SELECT min(id) FROM versions WHERE policy_id = ?", (policy_id,)
    ).fetchone()[0]
    changes = (
        {
            "policy_id": policy_id, "version_id": first_id + n, "prev_version_id": first_id + n - 1,
            "category": "retention", "material": 1, "severity": "high",
            "summary": "Retention changed", "old_values": "[]", "new_values": "[]",
            "old_text": "", "new_text": "", "rule": "bench", "section": "",
            "detected_at": stamp(n + 1),
        }
        for n in range(10, count, 10)
    )
    insert_all(store, "changes", changes)
    checks = (
        {
            "policy_id": policy_id, "started_at": stamp(n + 1), "finished_at": None,
            "url": "https://example.com/privacy", "final_url": None, "status": 200,
            "duration_ms": 50, "outcome": "new_version", "error": None, "attempts": "[]",
            "snapshot_hash": None, "version_id": first_id + n, "etag": None, "last_modified": None,
        }
        for n in range(count)
    )
    insert_all(store, "checks", checks)


def build(path: Path, count: int) -> None:
    """One policy with `count` versions and one with a realistic-looking 1,000, in one transaction."""
    started = time.perf_counter()
    with Store(path) as store, store.transaction():
        fill(store, store.ensure_policy(POLICY, "https://bigcorp.example/privacy", "en"), count)
        fill(store, store.ensure_policy(SMALL, "https://smallcorp.example/privacy", "de"), 1_000)
    print(f"built {count + 1_000:,} versions in {time.perf_counter() - started:.1f} s "
          f"({path.stat().st_size / 1e6:.0f} MB)")


def median_ms(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-history-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.db"
    if path.exists():
        path.unlink()
    build(path, args.versions)

    with Store(path) as store:
        big, small = store.policy_id(POLICY), store.policy_id(SMALL)
        rows = store.versions(big)
        assert len(rows) == args.versions and rows[-1].seq == args.versions
        print(f"Store.versions({POLICY}, {len(rows):,} versions): "
              f"{median_ms(lambda: store.versions(big)):.0f} ms")
        print(f"Store.versions({POLICY}, limit=50): {median_ms(lambda: store.versions(big, limit=50)):.1f} ms")
        print(f"Store.versions({SMALL}, 1,000 versions): {median_ms(lambda: store.versions(small)):.1f} ms")

    def cli_level_query(name: str) -> Callable[[], str]:
        def query() -> str:
            with Store(path) as opened:
                return json.dumps([v.to_json() for v in opened.versions(opened.policy_id(name))])
        return query

    for name in (POLICY, SMALL):
        print(f"history query as the CLI runs it for {name} (open, look up, list, JSON): "
              f"{median_ms(cli_level_query(name)):.0f} ms")

    from monitor.cli import main as cli_main

    watchlist = folder / "watchlist.yaml"
    watchlist.write_text(
        f"settings:\n  database: {path.name}\npolicies:\n"
        f"  - name: {POLICY}\n    url: https://bigcorp.example/privacy\n"
    )

    def run_cli(*extra: str) -> Callable[[], None]:
        def run() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                code = cli_main(["--watchlist", str(watchlist), "history", POLICY, *extra])
            if code != 0:
                raise SystemExit(f"policy-monitor history failed with exit code {code}")
        return run

    passed = True
    for extra in ((), ("--json",)):
        label = " ".join(("policy-monitor history", POLICY) + extra)
        elapsed = median_ms(run_cli(*extra))
        passed &= elapsed < HISTORY_TARGET_MS
        print(f"{'PASS' if elapsed < HISTORY_TARGET_MS else 'FAIL'}  {label} (in-process): {elapsed:.0f} ms "
              f"(target < {HISTORY_TARGET_MS} ms)")
    every = " ".join(("policy-monitor history", POLICY, "--limit", "0", "--json"))
    print(f"info  {every} (all {args.versions:,} rows, in-process): {median_ms(run_cli('--limit', '0', '--json')):.0f} ms")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
