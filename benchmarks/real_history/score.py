#!/usr/bin/env python3
"""Score `compare` on the rebuilt real-history cases, split by split.

    python benchmarks/real_history/score.py CASES [--split dev|test|all] [--round N] [-v] [--json] [--save FILE]
        [--by language|bucket|hint|round|document|kind] [--categories]

Runs the same reading and comparison as `policy-monitor compare --json OLD NEW` (in worker
processes, to be quick) on every case of CASES that rebuild.py wrote, and reports what the project
is judged on: false alarms among noise-only pairs, material pairs caught, category f1 over
(case, category) pairs (the benchmark's rule: a listed category accepts any of its members,
optional ones count neither way), values right, and the time of one comparison.

`-v` lists each dev case's misses. The test split never shows a case, only its figures: it is
the estimate of how the judgement does on histories nobody tuned it on. `--json` also counts the
documents the false alarms fall on and the most of them on one document: whether a few documents
make the rate.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
                      r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?$")


def comparable(value: object) -> object:
    """ISO 8601 durations as days, e-mails lower case, codes upper case (the benchmark's forms)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    match = DURATION.match(text)
    if match and text != "P":
        y, mo, w, d, h, mi = (float(g) if g else 0.0 for g in match.groups())
        return ("days", round(y * 365 + mo * 30.4 + w * 7 + d + h / 24 + mi / 1440, 2))
    return text.lower() if "@" in text else text.upper()


def same(a: object, b: object) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return abs(a[1] - b[1]) <= max(2.0, 0.03 * max(a[1], b[1]))
    return a == b


def categories(expected_change: dict) -> set[str]:
    category = expected_change["category"]
    return set(category) if isinstance(category, list) else {category}


def score_case(expected: dict, output: dict) -> dict:
    """Counts for one case, by the rules of the project's benchmark."""
    result = {"tp": 0, "fp": 0, "fn": 0, "values_ok": 0, "values": 0, "why": [], "categories": []}
    material = [c for c in output.get("changes", []) if c.get("material", True)]
    predicted = {c.get("category") for c in material}
    optional = set(expected.get("optional", []))
    matched: set[str] = set()
    for want in expected.get("changes", []):
        hit = categories(want) & predicted
        if hit:
            result["tp"] += 1
            matched |= hit
            result["categories"].append(("tp", sorted(hit)[0]))
        else:
            result["fn"] += 1
            result["why"].append("missed " + "/".join(sorted(categories(want))))
            result["categories"].append(("fn", "/".join(sorted(categories(want)))))
        keys = [k for k in ("old_values", "new_values", "added", "removed") if want.get(k)]
        if not keys:
            continue
        result["values"] += 1
        same_category = [c for c in material if c.get("category") in categories(want)]
        old = [comparable(v) for c in same_category for v in c.get("old_values") or []]
        new = [comparable(v) for c in same_category for v in c.get("new_values") or []]
        have = {"old_values": old, "new_values": new,
                "added": [v for v in new if not any(same(v, o) for o in old)],
                "removed": [v for v in old if not any(same(v, n) for n in new)]}
        if all(all(any(same(h, comparable(w)) for h in have[k]) for w in want[k]) for k in keys):
            result["values_ok"] += 1
        else:
            result["why"].append(f"values {'/'.join(sorted(categories(want)))}: want "
                                 f"{ {k: want[k] for k in keys} }, got old={old} new={new}")
    for category in sorted(predicted - matched - optional, key=str):
        result["fp"] += 1
        result["why"].append(f"extra {category}")
        result["categories"].append(("fp", category))
    return result


def run_case(case: str) -> dict:
    from monitor.analysis import compare_texts
    from monitor.cli.compare import read_version

    folder = Path(case)
    started = time.perf_counter()
    try:
        old = read_version(str(next(folder.glob("old.*"))))
        new = read_version(str(next(folder.glob("new.*"))))
        output = compare_texts(old, new).to_json()
        error = None
    except Exception as exc:  # a case the command would fail on counts as an error
        output, error = {}, f"{type(exc).__name__}: {exc}"
    return {"case": folder.name, "seconds": time.perf_counter() - started, "output": output, "error": error}


def figures(rows: list[dict]) -> dict:
    quiet = [r for r in rows if not r["expected"].get("material")]
    material = [r for r in rows if r["expected"].get("material")]
    tp = sum(r["score"]["tp"] for r in rows)
    fp = sum(r["score"]["fp"] for r in rows)
    fn = sum(r["score"]["fn"] for r in rows)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    values = sum(r["score"]["values"] for r in rows)
    alarmed = Counter(f"{r['source']['archive']}/{r['source']['file']}" for r in quiet if r["output"].get("material"))
    return {
        "cases": len(rows),
        "noise_only": len(quiet),
        "false_alarms": sum(bool(r["output"].get("material")) for r in quiet),
        "false_alarm_documents": len(alarmed),
        "most_false_alarms_in_a_document": max(alarmed.values(), default=0),
        "material": len(material),
        "caught": sum(bool(r["output"].get("material")) for r in material),
        "category_precision": round(precision, 3),
        "category_recall": round(recall, 3),
        "category_f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 3),
        "values": round(sum(r["score"]["values_ok"] for r in rows) / values, 3) if values else 1.0,
        "value_checks": values,
        "errors": sum(bool(r["error"]) for r in rows),
        "median_ms": round(1000 * statistics.median(r["seconds"] for r in rows), 1) if rows else 0.0,
        "max_ms": round(1000 * max((r["seconds"] for r in rows), default=0.0), 1),
    }


def category_figures(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Per expected category: right, extra and missed changes, precision and recall (figures only)."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        for outcome, category in row["score"]["categories"]:
            counts.setdefault(str(category), {"tp": 0, "fp": 0, "fn": 0})[outcome] += 1
    return {category: {**c, "precision": round(c["tp"] / (c["tp"] + c["fp"]), 3) if c["tp"] + c["fp"] else 0.0,
                       "recall": round(c["tp"] / (c["tp"] + c["fn"]), 3) if c["tp"] + c["fn"] else 0.0}
            for category, c in sorted(counts.items(), key=lambda item: -sum(item[1].values()))}


def category_lines(name: str, figures_by_category: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"{name:>10}: {'category':<18} right extra missed precision recall"]
    for category, c in figures_by_category.items():
        lines.append(f"{'':>10}  {category:<18} {c['tp']:>5} {c['fp']:>5} {c['fn']:>6} "
                     f"{c['precision']:>9.2f} {c['recall']:>6.2f}")
    return lines


def line(name: str, f: dict) -> str:
    fa = f"{f['false_alarms']}/{f['noise_only']}"
    caught = f"{f['caught']}/{f['material']}"
    rate = f" ({f['false_alarms'] / f['noise_only']:.0%})" if f["noise_only"] else ""
    share = f" ({f['caught'] / f['material']:.0%})" if f["material"] else ""
    return (f"{name:>10}: cases={f['cases']:<4} false_alarms={fa}{rate} caught={caught}{share} "
            f"category_f1={f['category_f1']:.3f} (p={f['category_precision']:.2f} r={f['category_recall']:.2f}) "
            f"values={f['values']:.3f} ({f['value_checks']}) errors={f['errors']} "
            f"median={f['median_ms']}ms max={f['max_ms']}ms")


def _facet(source: dict, key: str) -> str:
    """What `--by KEY` groups a case by: a field of its source.json, or its type of document, the
    archive file's name ("Privacy Policy")."""
    if key == "document":
        return source["file"].rsplit("/", 1)[-1].removesuffix(".md")
    return str(source[key])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", type=Path)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("-v", "--verbose", action="store_true", help="each dev case's misses")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    parser.add_argument("--save", type=Path, help="dev cases' outputs, to compare two runs")
    parser.add_argument("--round", type=int, metavar="N",
                        help="only the pairs of one round of selection (the \"round\" of each line of pairs.jsonl)")
    parser.add_argument("--by", choices=("language", "bucket", "hint", "round", "document", "kind"), action="append",
                        default=[], help="also figures per language / size bucket / hint / round / type of document "
                                         "(\"Privacy Policy\") / kind of archive commit (change or technical)")
    parser.add_argument("--categories", action="store_true",
                        help="also, per split, each category's right, extra and missed changes")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    folders = []
    for expected in sorted(args.cases.glob("*/expected.json")):
        source = json.loads((expected.parent / "source.json").read_text(encoding="utf-8"))
        source.setdefault("round", 1)
        if (args.split == "all" or source["split"] == args.split) and args.round in (None, source["round"]):
            folders.append((expected.parent, source))
    if not folders:
        print(f"error: no labelled {args.split} cases under {args.cases}", file=sys.stderr)
        return 1
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run_case, [str(f) for f, _ in folders], chunksize=4))
    rows = []
    for (folder, source), result in zip(folders, results):
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        rows.append({**result, "expected": expected, "source": source,
                     "score": score_case(expected, result["output"])})

    report = {"all": figures(rows)}
    for split in ("dev", "test"):
        chosen = [r for r in rows if r["source"]["split"] == split]
        if chosen:
            report[split] = figures(chosen)
    for key in args.by:
        for value in sorted({_facet(r["source"], key) for r in rows}):
            report[f"{key}={value}"] = figures([r for r in rows if _facet(r["source"], key) == value])
    if args.verbose:
        for r in rows:
            if r["source"]["split"] != "dev":
                continue
            wrong_verdict = bool(r["output"].get("material")) != bool(r["expected"].get("material"))
            if r["error"]:
                print(f"ERROR       {r['case']} {r['error'][:300]}")
            elif r["score"]["why"] or wrong_verdict:
                verdict = ("FALSE ALARM" if r["output"].get("material") else "MISSED") if wrong_verdict else "partly"
                print(f"{verdict:11} {r['case']} [{r['source']['bucket']}] {'; '.join(r['score']['why'])}"
                      + (f" error: {r['error']}" if r["error"] else ""))
    for r in rows:  # a failure is a bug whatever the split: its message, never the case's text
        if r["error"] and r["source"]["split"] != "dev":
            print(f"ERROR       ({r['source']['split']} case) {r['error'][:200]}")
    if args.save:
        args.save.write_text(json.dumps({r["case"]: r["output"] for r in rows if r["source"]["split"] == "dev"},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    by_category = {split: category_figures([r for r in rows if r["source"]["split"] == split])
                   for split in ("dev", "test") if args.categories and any(r["source"]["split"] == split for r in rows)}
    if args.json:
        print(json.dumps({**report, **{f"categories:{split}": c for split, c in by_category.items()}}, indent=1))
    else:
        for name, f in report.items():
            print(line(name, f))
        for split, c in by_category.items():
            print("\n".join(category_lines(split, c)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
