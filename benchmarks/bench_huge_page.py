"""What does one comparison of a huge page cost, in time and memory?

Builds a page of `--megabytes` MB of HTML (paragraphs of the seed policies) and the same page with
one sentence added in the middle, reads both as a check does (`monitor.middle.read_page`), then
compares them, each way in a fresh process so that its peak RSS is its own:

- whole: the analysis handed both texts whole (`monitor.analysis.compare_texts`, what a check did
  before texts were bounded);
- bounded: `monitor.middle.analyse`, which compares the part that changed (at most
  `ANALYSED_CHARS` of each text) and says the page was not analysed in full.

    python benchmarks/bench_huge_page.py [--megabytes 19] [--json]

Peak RSS includes reading the two pages (the same in both rows). Target: the bounded comparison
adds under 100 MB to what reading the pages took, and finds the change.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds"
TARGET_EXTRA_MB = 100.0
ADDED = "We keep your personal data for 7 years after your last order."


def write_pages(folder: Path, megabytes: float) -> tuple[Path, Path]:
    paragraphs = [line.strip() for seed in sorted(SEEDS.glob("*.txt"))
                  for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(1)
    blocks, size = [], 0
    while size < megabytes * 1_000_000:
        blocks.append(f"<p>Section {len(blocks)}: {escape(rng.choice(paragraphs))}</p>")
        size += len(blocks[-1]) + 1
    old = "<html><body><main>" + "\n".join(blocks) + "</main></body></html>"
    blocks.insert(len(blocks) // 2, f"<p>{ADDED}</p>")
    new = "<html><body><main>" + "\n".join(blocks) + "</main></body></html>"
    (folder / "old.html").write_text(old, encoding="utf-8")
    (folder / "new.html").write_text(new, encoding="utf-8")
    return folder / "old.html", folder / "new.html"


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, old: Path, new: Path) -> dict:
    from monitor.middle import analyse, read_page

    started = time.perf_counter()
    old_text = read_page(old.read_bytes(), "text/html; charset=utf-8", None, None, "en").text
    new_text = read_page(new.read_bytes(), "text/html; charset=utf-8", None, None, "en").text
    read_s, read_mb = time.perf_counter() - started, peak_mb()
    started = time.perf_counter()
    if mode == "whole":
        from monitor.analysis import compare_texts

        comparison, partial = compare_texts(old_text, new_text, lang_hint="en"), None
    else:
        comparison, _, partial = analyse(old_text, new_text, "en")
    return {"mode": mode, "text_chars": len(new_text), "read_s": read_s, "read_peak_mb": read_mb,
            "compare_s": time.perf_counter() - started, "peak_mb": peak_mb(),
            "found": [c.summary for c in comparison.changes if c.material], "partial": partial}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=19.0, help="size of the page (default 19)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=["whole", "bounded"], help=argparse.SUPPRESS)
    parser.add_argument("--pages", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, *args.pages)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-huge-") as temp:
        old, new = write_pages(Path(temp), args.megabytes)
        rows = []
        for mode in ("whole", "bounded"):
            output = subprocess.run([sys.executable, __file__, "--child", mode, "--pages", str(old), str(new)],
                                    capture_output=True, text=True, check=True).stdout
            rows.append(json.loads(output.strip().splitlines()[-1]))
    bounded = rows[1]
    extra = bounded["peak_mb"] - bounded["read_peak_mb"]
    verdict = extra < TARGET_EXTRA_MB and any("7 years" in found for found in bounded["found"])
    if args.json:
        print(json.dumps({"megabytes": args.megabytes, "rows": rows, "pass": verdict}, indent=2))
    else:
        print(f"a {args.megabytes:g} MB page ({rows[0]['text_chars'] / 1e6:.1f} million characters of text), "
              f"one sentence added; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        print(f"{'comparison':<10} {'read s':>7} {'compare s':>10} {'peak MB':>8} {'+MB':>6}  found")
        for row in rows:
            print(f"{row['mode']:<10} {row['read_s']:>7.2f} {row['compare_s']:>10.2f} {row['peak_mb']:>8.0f} "
                  f"{row['peak_mb'] - row['read_peak_mb']:>6.0f}  {'; '.join(row['found'])[:60]}")
        print(f"\n{'PASS' if verdict else 'FAIL'}  bounded comparison adds {extra:.0f} MB to reading the pages "
              f"(target < {TARGET_EXTRA_MB:.0f} MB) and finds the change")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
