"""How long do `list`, `add` and `remove` take on a watchlist of 10,000 entries?

Generates a hand-written-looking watchlist (a comment above some entries, language, interval and
tags on each) of `--policies` entries and a database in which each one was checked once and has
one version, then times each command as a whole process (interpreter start, imports, work), as a
user waits for it, through the `policy-monitor` script: `list` (table), `list --json`, `add URL
--name NAME`, `remove NAME` (each add is undone by the next remove, so every run edits the same
file). Median of `--runs` runs; user CPU time alongside (this machine is shared: wall time waits
for a CPU when others are busy).

    python benchmarks/bench_watchlist.py [--policies 10000] [--runs 5] [--json]

Target: each command under 1 s with 10,000 entries.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 1.0
LANGUAGES = ("en", "de", "fr", "es", "nl", "cs", "ru")
INTERVALS = ("6h", "12h", "1d", "2d", "1w")


def write_watchlist(folder: Path, count: int) -> Path:
    """A watchlist as people keep them: settings, a channel, comments, a few fields per entry."""
    lines = [
        "# Policies watched by the legal team.",
        "settings:",
        "  database: bench.db",
        "channels:",
        "  archive:",
        "    kind: file",
        "    path: alerts",
        "defaults:",
        "  alerts: [archive]",
        "policies:",
    ]
    for number in range(count):
        if number % 100 == 0:
            lines.append(f"  # batch {number // 100}")
        lines += [
            f"  - name: policy-{number:05d}",
            f"    url: https://site-{number}.example.com/legal/privacy",
            f"    language: {LANGUAGES[number % len(LANGUAGES)]}",
            f"    every: {INTERVALS[number % len(INTERVALS)]}",
            f"    tags: [customer, tier-{number % 3}]",
        ]
    path = folder / "watchlist.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fill_database(watchlist_path: Path) -> None:
    """One check and one version per entry, as after a first `check`."""
    from monitor.watchlist import database_path, load_watchlist
    from store import Store

    watchlist = load_watchlist(watchlist_path)
    stamp = "2026-05-01T00:00:00Z"
    with Store(database_path(watchlist)) as store, store.transaction():
        for entry in watchlist.policies:
            policy_id = store.ensure_policy(entry.name, entry.url, entry.language)
            version = store.add_version(policy_id, f"Privacy policy of {entry.name}.", None, stamp)
            store.record_check(
                policy_id, started_at=stamp, finished_at=stamp, url=entry.url, final_url=entry.url,
                status=200, duration_ms=100, outcome="new_version", error=None, attempts=[],
                snapshot_hash=None, version_id=version.id, etag=None, last_modified=None,
            )


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of the command."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"error: {' '.join(command[3:])} failed: {result.stderr.decode(errors='replace').strip()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, default=10_000, help="entries in the watchlist (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command; the median is reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-watchlist-") as temp:
        folder = Path(temp)
        watchlist = write_watchlist(folder, args.policies)
        fill_database(watchlist)
        env = {**os.environ, "COLUMNS": "160"}
        script = Path(sys.executable).parent / "policy-monitor"  # as a user runs it (no `-m` re-exec)
        base = [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "monitor"]),
                "--watchlist", str(watchlist)]
        commands = {
            "list": [*base, "list"],
            "list --json": [*base, "list", "--json"],
            "add": [*base, "add", "https://new.example.org/privacy", "--name", "bench-new", "--lang", "en"],
            "remove": [*base, "remove", "bench-new"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():  # interleaved: add, then remove undoes it
                wall, used = timed(command, env)
                times[name].append(wall)
                cpu[name].append(used)
        size = watchlist.stat().st_size

    results = {name: {"median_s": statistics.median(values), "min_s": min(values), "max_s": max(values),
                      "cpu_s": statistics.median(cpu[name])} for name, values in times.items()}
    verdicts = [(f"{name}: {result['median_s']:.2f} s (target < {TARGET_SECONDS:g} s)",
                 result["median_s"] < TARGET_SECONDS) for name, result in results.items()]
    if args.json:
        print(json.dumps({"policies": args.policies, "watchlist_bytes": size, "runs": args.runs,
                          "results": results, "targets": [{"target": t, "pass": ok} for t, ok in verdicts]},
                         indent=2))
    else:
        print(f"{args.policies} entries ({size / 1024:.0f} KB of YAML), median of {args.runs} runs, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        print(f"{'command':<14} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7}")
        for name, result in results.items():
            print(f"{name:<14} {result['median_s']:>9.2f} {result['min_s']:>7.2f} {result['max_s']:>7.2f} "
                  f"{result['cpu_s']:>7.2f}")
        print()
        for text, ok in verdicts:
            print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
