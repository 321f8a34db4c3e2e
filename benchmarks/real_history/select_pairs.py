#!/usr/bin/env python3
"""Choose the version pairs of the real-history set from Open Terms Archive archives.

    python benchmarks/real_history/select_pairs.py --archives DIR [--out pairs.jsonl]

DIR holds clones of the `OpenTermsArchive/*-versions` repositories named in `archive.REPOSITORIES`
(`git clone --bare https://github.com/OpenTermsArchive/contrib-versions DIR/contrib-versions`, ...).
Every consecutive pair of versions of a privacy document (privacy, trackers, data-processing
documents) whose newer version records a change is a candidate, except the held-out services
(`archive.EXCLUDED_SERVICES`). Candidates are stratified by language and by size (changed words:
0, 1-5, 6-30, 31-150, 151-999, 1000+), at most three pairs per document and six per service, drawn
with a fixed seed so that the selection is reproducible. A third of the services, by a hash of their
name, form the test split: every pair of such a service is a test pair.

`--extend pairs.jsonl --quota en=100,fr=80 --seed 10` draws a further round beside an existing
selection (none of its pairs again; its documents and services count towards the limits).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import json
import random
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive import (  # noqa: E402
    CHANGE_SUBJECT, REPOSITORIES, TECHNICAL_SUBJECT, changed_lines, changed_words, excluded, find_archive,
    history, language_of, show,
)

DOCUMENT_TYPES = ("Privacy Policy", "Trackers Policy", "Parent Organization Privacy Policy",
                  "Business Privacy Policy", "Data Processor Agreement", "Data Controller Agreement",
                  "User Consent Policy")
# In languages other than English and French the archives hold few privacy documents: there, terms
# of every kind count (they carry data, contact and consent clauses), except those with none.
NOT_PRIVACY = re.compile(r"Ranking Parameters|Brand Guidelines|Reports List|Systemic Risks|Copyright|"
                         r"Community Guidelines|Law Enforcement|Imprint|Accessibility")
# Words that suggest which practice a change touches, to spread the set over them (a sampling aid,
# not a label): retention, transfer, contact.
HINTS = {
    "ret": re.compile(r"retain|retention|conserv|kept|keep|store|delet|aufbewahr|speicher|lösch|bewaar|conserva|"
                      r"uchov|хран|mois|month|year|année|ans\b|jahr|monat|días|meses|años", re.I),
    "tra": re.compile(r"transfer|countr|pays|outside|hors de|états-unis|united states|\bUSA?\b|drittl|"
                      r"third countr|adequa|clauses contractuelles|standard contractual|EEA|EEE|\bEWR\b", re.I),
    "con": re.compile(r"@|e-?mail|courriel|contact|dpo|délégué|datenschutzbeauftragt|address|adresse", re.I),
}
BUCKETS = ((0, 0, "0"), (1, 5, "1-5"), (6, 30, "6-30"), (31, 150, "31-150"), (151, 999, "151-999"),
           (1000, 10**9, "1000+"))
# Pairs wanted per language (the rest of the archives' languages share OTHER_LANGUAGES), spread
# over the size buckets in BUCKET_SHARE.
LANGUAGE_QUOTA = {"en": 150, "fr": 110}
OTHER_LANGUAGES = 110
BUCKET_SHARE = {"0": 0.04, "1-5": 0.18, "6-30": 0.22, "31-150": 0.24, "151-999": 0.20, "1000+": 0.12}
PER_DOCUMENT = 3
PER_SERVICE = 6


def bucket_of(words: int) -> str:
    return next(name for low, high, name in BUCKETS if low <= words <= high)


def split_of(archive: str, service: str) -> str:
    digest = hashlib.sha256(f"{archive}/{service}".encode()).digest()
    return "test" if digest[0] % 3 == 0 else "dev"


def measure(job: tuple[str, str, str, str, str]) -> dict | None:
    git_dir, archive, path, parent, commit = job
    try:
        old, new = show(Path(git_dir), parent, path), show(Path(git_dir), commit, path)
    except Exception:
        return None
    if old == new or not new.strip() or not old.strip():
        return None
    removed, added = changed_lines(old, new)
    touched = "\n".join(removed + added)
    hint = next((name for name, pattern in HINTS.items() if pattern.search(touched)), "other")
    return {"archive": archive, "file": path, "parent": parent, "commit": commit, "language": language_of(new),
            "changed_words": changed_words(old, new), "hint": hint}


def candidates(archives: Path) -> list[tuple[str, str, str, str, str, str, str]]:
    jobs = []
    for name in REPOSITORIES:
        git_dir = find_archive(archives, name)
        if git_dir is None:
            print(f"warning: archive {name} not found under {archives}", file=sys.stderr)
            continue
        for path, revisions in history(git_dir).items():
            service, _, document = path.rpartition("/")
            if excluded(service) or len(revisions) < 2:
                continue
            if document.removesuffix(".md") not in DOCUMENT_TYPES:
                if NOT_PRIVACY.search(document):
                    continue
                try:
                    if language_of(show(git_dir, revisions[-1].commit, path)) in LANGUAGE_QUOTA:
                        continue
                except Exception:
                    continue
            for before, after in zip(revisions, revisions[1:]):
                kind = "technical" if TECHNICAL_SUBJECT.match(after.subject) else (
                    "change" if CHANGE_SUBJECT.match(after.subject) else None)
                if kind:
                    jobs.append((str(git_dir), name, path, before.commit, after.commit, kind, after.date))
    return jobs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archives", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("pairs.jsonl"))
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--extend", type=Path, metavar="PAIRS",
                        help="draw new pairs beside those of PAIRS (none of its pairs again), e.g. a second round")
    parser.add_argument("--only-split", choices=("dev", "test"), help="keep only services of this split")
    parser.add_argument("--quota", metavar="LANG=N,...",
                        help="pairs per language instead of the defaults, e.g. en=60,fr=60,other=0")
    parser.add_argument("--max-per-document", type=int, default=25,
                        help="candidates measured per document (newest first), to bound the run")
    parser.add_argument("--per-document", type=int, default=PER_DOCUMENT,
                        help="most pairs of one document in the whole set, earlier rounds included")
    parser.add_argument("--per-service", type=int, default=PER_SERVICE,
                        help="most pairs of one service in the whole set, earlier rounds included")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    jobs = candidates(args.archives)
    taken_before: set[tuple[str, str, str]] = set()
    if args.extend:
        for line in args.extend.read_text(encoding="utf-8").splitlines():
            known = json.loads(line)
            taken_before.add((known["archive"], known["file"], known["commit"]))
    jobs = [j for j in jobs if (j[1], j[2], j[4]) not in taken_before
            and (args.only_split is None or split_of(j[1], j[2].rpartition("/")[0]) == args.only_split)]
    quotas = {**LANGUAGE_QUOTA, "other": OTHER_LANGUAGES}
    if args.quota:
        quotas = {k: int(v) for k, v in (item.split("=") for item in args.quota.split(","))}
    by_document: dict[tuple[str, str], list] = defaultdict(list)
    for job in jobs:
        by_document[(job[1], job[2])].append(job)
    chosen_jobs = []
    for key in sorted(by_document):
        pool = by_document[key]
        chosen_jobs += rng.sample(pool, min(len(pool), args.max_per_document))
    print(f"{len(jobs)} candidate pairs in {len(by_document)} documents; measuring {len(chosen_jobs)}",
          file=sys.stderr)
    meta = {(j[1], j[2], j[4]): (j[5], j[6]) for j in chosen_jobs}
    with ProcessPoolExecutor() as pool:
        measured = [m for m in pool.map(measure, [j[:5] for j in chosen_jobs], chunksize=16) if m]
    for m in measured:
        m["kind"], m["date"] = meta[(m["archive"], m["file"], m["commit"])]
        m["bucket"] = bucket_of(m["changed_words"])

    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for m in measured:
        language = m["language"] if m["language"] in LANGUAGE_QUOTA else "other"
        strata[(language, m["bucket"])].append(m)
    per_document: Counter = Counter(key[:2] for key in taken_before)
    per_service: Counter = Counter((key[0], key[1].rpartition("/")[0]) for key in taken_before)
    selected: list[dict] = []
    for (language, bucket), pool in sorted(strata.items()):
        rng.shuffle(pool)
        hinted = [m for m in pool if m["hint"] != "other"]
        plain = [m for m in pool if m["hint"] == "other"]
        pool = [m for group in zip_longest_all([hinted, plain]) for m in group]
        if language == "other":  # spread the other languages evenly: round-robin over them
            by_language: dict[str, list[dict]] = defaultdict(list)
            for m in pool:
                by_language[m["language"]].append(m)
            pool = [m for group in zip_longest_all(list(by_language.values())) for m in group]
        want = round(quotas.get(language, 0) * BUCKET_SHARE[bucket])
        taken = 0
        for m in pool:
            service = (m["archive"], m["file"].rpartition("/")[0])
            if taken >= want or per_document[(m["archive"], m["file"])] >= args.per_document \
                    or per_service[service] >= args.per_service:
                continue
            per_document[(m["archive"], m["file"])] += 1
            per_service[service] += 1
            selected.append(m)
            taken += 1
    for m in selected:
        service, _, document = m["file"].rpartition("/")
        slug = "".join(c if c.isalnum() else "-" for c in service.lower()).strip("-")
        short = "".join(w[0] for w in document.removesuffix(".md").split()).lower()
        m["id"] = f"{m['language']}-{slug}-{short}-{m['commit'][:8]}"
        m["split"] = split_of(m["archive"], service)
    selected.sort(key=lambda m: m["id"])
    with args.out.open("w", encoding="utf-8") as out:
        for m in selected:
            out.write(json.dumps({k: m[k] for k in ("id", "split", "archive", "file", "parent", "commit", "date",
                                                      "kind", "language", "changed_words", "bucket", "hint")},
                                 ensure_ascii=False) + "\n")
    summary = Counter((m["language"], m["bucket"]) for m in selected)
    print(f"{len(selected)} pairs -> {args.out}", file=sys.stderr)
    for language in sorted({m["language"] for m in selected}):
        row = " ".join(f"{b}:{summary[(language, b)]}" for _, _, b in BUCKETS)
        print(f"  {language}: {row}", file=sys.stderr)
    print("  splits: " + str(Counter(m["split"] for m in selected)), file=sys.stderr)
    return 0


def zip_longest_all(groups: list[list[dict]]):
    for i in range(max((len(g) for g in groups), default=0)):
        yield [g[i] for g in groups if i < len(g)]


if __name__ == "__main__":
    sys.exit(main())
