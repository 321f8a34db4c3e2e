#!/usr/bin/env python3
"""Rebuild the real-history cases from the Open Terms Archive archives.

    python benchmarks/real_history/rebuild.py --archives DIR --out CASES [--split dev|test|all] [--diff]

For each pair of `pairs.jsonl` this writes CASES/<id>/old.md and new.md (the two versions, as the
archive recorded them), source.json (where they come from) and, for a labelled pair,
expected.json (its label from `labels.jsonl`, in the benchmark's format). `--diff` adds diff.md, a
line diff with word marks (`[-removed-]{+added+}`) made with difflib, for people who label pairs.
The texts are never committed: they are rebuilt from the archives, which DIR holds as clones
(see select_pairs.py).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive import find_archive, show  # noqa: E402

HERE = Path(__file__).resolve().parent
LABEL_KEYS = ("id", "language", "material", "changes", "optional", "note")


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def word_marks(old: str, new: str) -> str:
    a, b = old.split(), new.split()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += a[i1:i2]
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def line_diff(old: str, new: str, context: int = 2) -> str:
    """Changed lines with a little context; a line rewritten in place also shows its word changes."""
    a, b = old.splitlines(), new.splitlines()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        out.append(f"@@ old line {group[0][1] + 1}, new line {group[0][3] + 1} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += ["  " + line for line in a[i1:i2]]
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for old_line, new_line in zip(a[i1:i2], b[j1:j2]):
                    out += ["- " + old_line, "+ " + new_line, "~ " + word_marks(old_line, new_line)]
                continue
            out += ["- " + line for line in a[i1:i2]]
            out += ["+ " + line for line in b[j1:j2]]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archives", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, default=HERE / "pairs.jsonl")
    parser.add_argument("--labels", type=Path, default=HERE / "labels.jsonl")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--ids", nargs="*", help="only these pairs")
    parser.add_argument("--diff", action="store_true", help="also write diff.md (for labelling)")
    args = parser.parse_args()

    labels = {label["id"]: label for label in read_jsonl(args.labels)}
    written = missing = 0
    for pair in read_jsonl(args.pairs):
        if args.split != "all" and pair["split"] != args.split or args.ids and pair["id"] not in args.ids:
            continue
        git_dir = find_archive(args.archives, pair["archive"])
        if git_dir is None:
            print(f"error: archive {pair['archive']} not found under {args.archives}", file=sys.stderr)
            return 1
        try:
            old, new = show(git_dir, pair["parent"], pair["file"]), show(git_dir, pair["commit"], pair["file"])
        except Exception as exc:  # a commit the clone lacks: report it, go on
            print(f"warning: {pair['id']}: {exc}", file=sys.stderr)
            missing += 1
            continue
        case = args.out / pair["id"]
        case.mkdir(parents=True, exist_ok=True)
        (case / "old.md").write_text(old, encoding="utf-8")
        (case / "new.md").write_text(new, encoding="utf-8")
        (case / "source.json").write_text(json.dumps(pair, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if pair["id"] in labels:
            label = {key: labels[pair["id"]][key] for key in LABEL_KEYS if key in labels[pair["id"]]}
            (case / "expected.json").write_text(json.dumps(label, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
        if args.diff:
            (case / "diff.md").write_text(line_diff(old, new), encoding="utf-8")
        written += 1
    print(f"{written} cases written to {args.out}" + (f"; {missing} missing" if missing else ""), file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
