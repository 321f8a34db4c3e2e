"""How long does comparing two versions of a policy take, and how fast does the CLI start?

In-process, for every pair in tests/fixtures/bench/cases/*/ (old + new) and for two ~40 KB pages
built from the seed policies (tests/fixtures/seeds; the page wrapper and the edits, a retention
sentence added and a paragraph removed, come from benchmarks/_server.py): one warm-up, then the
median of --runs runs of
- normalize: `monitor.cli.compare.read_version` on both files (read + normalise to clean text);
- analysis: `monitor.analysis.compare_texts` on the two clean texts;
- total: both, which is what `policy-monitor compare` does after start-up.

Then, in subprocesses, the median wall time of 5 runs of `policy-monitor --help` and of
`policy-monitor compare --json OLD NEW` on the 40 KB seed pair.

    python benchmarks/bench_compare.py [--runs 20] [--json]

Targets: compare (total) < 100 ms median for policies of up to 50 KB of clean text (larger
real-world cases are shown for information); CLI start-up < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.analysis import compare_texts  # noqa: E402
from monitor.cli.compare import read_version  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "fixtures" / "bench" / "cases"
COMPARE_TARGET_MS = 100.0
CLI_TARGET_S = 1.0
TARGET_MAX_TEXT_BYTES = 50 * 1024
"""The targets are about ~40 KB policies: pairs whose clean text is larger are shown for information."""
CLI_RUNS = 5


def case_pairs() -> list[tuple[str, Path, Path]]:
    """(name, old file, new file) of every bench case."""
    pairs = []
    for folder in sorted(p for p in CASES_DIR.iterdir() if p.is_dir()):
        old, new = sorted(folder.glob("old.*")), sorted(folder.glob("new.*"))
        if old and new:
            pairs.append((folder.name, old[0], new[0]))
    return pairs


def seed_pairs(folder: Path) -> list[tuple[str, Path, Path]]:
    """~40 KB HTML pages of the two longest seed policies, original and edited."""
    from _server import load_seeds, policy_page

    seeds = load_seeds()
    longest = sorted(range(len(seeds)), key=lambda i: len("".join(seeds[i].blocks)), reverse=True)[:2]
    pairs = []
    for index in longest:
        seed = seeds[index]
        old, new = folder / f"seed-{seed.language}-old.html", folder / f"seed-{seed.language}-new.html"
        old.write_bytes(policy_page(index, seeds, article_bytes=60_000, size=70_000))
        new.write_bytes(policy_page(index, seeds, edited=True, article_bytes=60_000, size=70_000))
        pairs.append((f"seed-{seed.language} (HTML page)", old, new))
    return pairs


def time_pair(old: Path, new: Path, runs: int) -> dict[str, Any]:
    """Median milliseconds of normalising both files, of comparing them, and of both."""
    normalize_ms, analysis_ms, total_ms = [], [], []
    comparison = None
    for run in range(runs + 1):
        started = time.perf_counter()
        old_text, new_text = read_version(str(old)), read_version(str(new))
        read = time.perf_counter()
        comparison = compare_texts(old_text, new_text)
        done = time.perf_counter()
        if run == 0:
            continue  # warm-up: imports, lexicons, language models
        normalize_ms.append((read - started) * 1000)
        analysis_ms.append((done - read) * 1000)
        total_ms.append((done - started) * 1000)
    assert comparison is not None
    return {
        "old_bytes": old.stat().st_size, "new_bytes": new.stat().st_size,
        "text_bytes": max(len(old_text.encode("utf-8")), len(new_text.encode("utf-8"))),
        "normalize_ms": statistics.median(normalize_ms), "analysis_ms": statistics.median(analysis_ms),
        "total_ms": statistics.median(total_ms), "material": comparison.material,
        "changes": len(comparison.changes),
    }


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "policy-monitor"
    if script.exists():
        return [str(script)]
    found = shutil.which("policy-monitor")
    return [found] if found else [sys.executable, "-m", "monitor"]


def time_cli(arguments: list[str]) -> dict[str, Any]:
    """Median wall seconds of a CLI run in a fresh process (CLI_RUNS runs)."""
    command = [*cli_command(), *arguments]
    seconds = []
    for _ in range(CLI_RUNS):
        started = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        seconds.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"error: {' '.join(arguments)} failed: {result.stderr.decode(errors='replace').strip()}")
    return {"command": "policy-monitor " + " ".join(Path(a).name if os.sep in a else a for a in arguments),
            "median_s": statistics.median(seconds), "min_s": min(seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per pair, after one warm-up (default 20)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="bench-compare-") as temp:
        seeds = seed_pairs(Path(temp))
        rows = []
        for name, old, new in [*seeds, *case_pairs()]:
            row = {"case": name, **time_pair(old, new, args.runs)}
            row["targeted"] = row["text_bytes"] <= TARGET_MAX_TEXT_BYTES
            row["pass"] = row["total_ms"] < COMPARE_TARGET_MS if row["targeted"] else None
            rows.append(row)
        _, seed_old, seed_new = seeds[0]
        cli = [time_cli(["--help"]), time_cli(["compare", "--json", str(seed_old), str(seed_new)])]
    for entry in cli:
        entry["pass"] = entry["median_s"] < CLI_TARGET_S

    targeted = [r for r in rows if r["targeted"]]
    slowest = max(targeted, key=lambda r: r["total_ms"])
    ok = all(r["pass"] for r in targeted) and all(c["pass"] for c in cli)
    if args.json:
        print(json.dumps({"runs": args.runs, "pairs": rows, "cli": cli, "pass": ok}, indent=2))
        return 0 if ok else 1

    print(f"compare in-process, median of {args.runs} runs after one warm-up (ms); "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
    header = (f"{'case':<28} {'old KB':>7} {'text KB':>8} {'normalize':>10} {'analysis':>9} {'total':>8} "
              f"{'norm %':>7}  verdict")
    print(header)
    print("-" * len(header))
    for r in rows:
        verdict = ("PASS" if r["pass"] else "FAIL") if r["targeted"] else "info (text > 50 KB)"
        share = 100 * r["normalize_ms"] / r["total_ms"] if r["total_ms"] else 0
        print(f"{r['case']:<28} {r['old_bytes'] / 1024:>7.1f} {r['text_bytes'] / 1024:>8.1f} "
              f"{r['normalize_ms']:>10.1f} {r['analysis_ms']:>9.1f} {r['total_ms']:>8.1f} {share:>6.0f}%  {verdict}")
    total_normalize = sum(r["normalize_ms"] for r in rows)
    total_all = sum(r["total_ms"] for r in rows)
    print(f"\nnormalize share over all pairs: {100 * total_normalize / total_all:.0f}% of compare time")
    print(f"{'PASS' if slowest['pass'] else 'FAIL'}  slowest targeted pair: {slowest['case']} "
          f"{slowest['total_ms']:.1f} ms (target < {COMPARE_TARGET_MS:.0f} ms)")
    print(f"\nCLI in a fresh process, median of {CLI_RUNS} runs:")
    for entry in cli:
        print(f"{'PASS' if entry['pass'] else 'FAIL'}  {entry['command']:<52} {entry['median_s']:.2f} s "
              f"(min {entry['min_s']:.2f} s; target < {CLI_TARGET_S:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
