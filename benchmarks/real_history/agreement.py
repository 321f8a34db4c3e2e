#!/usr/bin/env python3
"""How far two independent labellers agree on the sample labelled twice, and how it was settled.

    python benchmarks/real_history/agreement.py [--adjudicate]

Reads labels.jsonl (each pair's label; an adjudicated one keeps its first label in `first_label`)
and labels_second.jsonl (the independent second labels of a sample, and third ones where the
first two disagreed on the verdict). Prints the agreement on the verdict (with Cohen's kappa) and
on the categories, and each disagreement with its resolution.

`--adjudicate` rewrites labels.jsonl by the rules in README.md: a verdict two labellers out of
three agree on wins, and a category only one of the labellers names becomes optional.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def categories(label: dict) -> set[str]:
    found: set[str] = set()
    for change in label.get("changes", []):
        found |= set(change["category"] if isinstance(change["category"], list) else [change["category"]])
    return found


def first(label: dict) -> dict:
    return label.get("first_label", label)


def settle(primary: dict, others: list[dict]) -> dict:
    """The label the benchmark uses, from the first label and the independent ones."""
    votes = [primary] + others
    material = sum(v["material"] for v in votes) * 2 > len(votes)
    majority = [v for v in votes if v["material"] == material]
    base = dict(majority[0])
    if not material:
        base.update(changes=[], optional=sorted(set().union(*(categories(v) for v in votes))
                                                | set().union(*(v.get("optional", []) for v in votes))))
        return base
    agreed = set.intersection(*(categories(v) for v in majority))
    named = set().union(*(categories(v) for v in majority))
    kept = [c for c in base["changes"]
            if set(c["category"] if isinstance(c["category"], list) else [c["category"]]) & agreed]
    base["changes"] = kept
    base["optional"] = sorted((set(base.get("optional", [])) | named | set().union(
        *(v.get("optional", []) for v in majority))) - categories({"changes": kept}))
    return base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adjudicate", action="store_true")
    args = parser.parse_args()
    labels = {label["id"]: label for label in read(HERE / "labels.jsonl")}
    splits = {pair["id"]: pair["split"] for pair in read(HERE / "pairs.jsonl")}
    others: dict[str, list[dict]] = {}
    for label in read(HERE / "labels_second.jsonl"):
        others.setdefault(label["id"], []).append(label)

    seconds = [(first(labels[i]), next(o for o in others[i] if o.get("round") == "second")) for i in sorted(others)]
    n = len(seconds)
    agree = sum(a["material"] == b["material"] for a, b in seconds)
    pa = sum(a["material"] for a, _ in seconds) / n
    pb = sum(b["material"] for _, b in seconds) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    kappa = (agree / n - expected) / (1 - expected)
    both = [(a, b) for a, b in seconds if a["material"] and b["material"]]
    same_categories = sum(categories(a) == categories(b) for a, b in both)
    overlap = [len(categories(a) & categories(b)) / len(categories(a) | categories(b)) for a, b in both]
    print(f"pairs labelled twice: {n} of {len(labels)} "
          f"(dev {sum(splits[i] == 'dev' for i in others)}, test {sum(splits[i] == 'test' for i in others)})")
    print(f"verdict (material or not): {agree}/{n} agree, Cohen's kappa {kappa:.2f}")
    print(f"material by both: {len(both)}; same categories: {same_categories}/{len(both)}; "
          f"mean category overlap (Jaccard) {sum(overlap) / max(1, len(overlap)):.2f}")
    print()
    print("| pair | split | first | second | third | settled |")
    print("|---|---|---|---|---|---|")
    changed = 0
    for i in sorted(others):
        votes = [first(labels[i])] + sorted(others[i], key=lambda o: o.get("round", ""))
        if len({(v["material"], frozenset(categories(v))) for v in votes}) == 1:
            continue
        settled = settle(votes[0], votes[1:])
        shown = [("material " + ", ".join(sorted(categories(v)))) if v["material"] else "not material" for v in votes]
        third = shown[2] if len(shown) > 2 else ""
        outcome = ("material: " + ", ".join(sorted(categories(settled)))) if settled["material"] else "not material"
        if settled.get("optional"):
            outcome += f" (optional: {', '.join(settled['optional'])})"
        print(f"| {i} | {splits[i]} | {shown[0]} | {shown[1]} | {third} | {outcome} |")
        if args.adjudicate:
            settled["first_label"] = votes[0]
            settled.pop("confidence", None)
            labels[i] = settled
            changed += 1
    if args.adjudicate:
        with (HERE / "labels.jsonl").open("w", encoding="utf-8") as out:
            for i in sorted(labels):
                out.write(json.dumps(labels[i], ensure_ascii=False) + "\n")
        print(f"\n{changed} labels settled in labels.jsonl", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
