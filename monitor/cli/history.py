"""Sub-commands `history`, `show`, `diff`, `changes` and `facts`: browsing what the database holds.

Each prints a readable table or text by default and exactly the data with `--json`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from monitor.cli.output import (
    add_json_flag, add_tag_filter, console, human_size, open_store, open_watchlist, parse_moment, parse_since,
    policy_id, plural, print_json, short_time, table,
)
from basics.errors import UsageError

DIFF_FORMATS = ("rich", "unified", "html", "json")
NEVER_MATERIAL_CATEGORIES = ("date", "editorial")
"""Categories a change may have beside the analysis' material ones (a new date, a rewording)."""
HISTORY_LIMIT = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    history = subparsers.add_parser("history", help="the versions of a policy (or of every policy): when seen, "
                                    "size, what changed")
    history.add_argument("name", nargs="?", help="the policy (default: every policy, or those with --tag)")
    history.add_argument("--limit", type=int, default=HISTORY_LIMIT, metavar="N",
                         help=f"only the newest N versions of each policy (default {HISTORY_LIMIT}, 0 = all)")
    add_tag_filter(history)
    add_json_flag(history)
    history.set_defaults(func=cmd_history)

    show = subparsers.add_parser("show", help="the clean text of a version (default: the latest)")
    show.add_argument("name")
    which = show.add_mutually_exclusive_group()
    which.add_argument("--version", type=int, metavar="N", help="version number (see `history`)")
    which.add_argument("--at", metavar="DATE", help="the version current at that date/time (2026-05-01)")
    add_json_flag(show)
    show.set_defaults(func=cmd_show)

    diff = subparsers.add_parser(
        "diff", help="word diff between two versions (default: the latest change)",
        description="`diff NAME` shows the latest change; `diff NAME N` the change that made version N; "
        "`diff NAME A B` compares versions A and B.",
    )
    diff.add_argument("name")
    diff.add_argument("versions", nargs="*", type=int, metavar="N", help="zero, one or two version numbers")
    diff.add_argument("--format", choices=DIFF_FORMATS, default="rich", help="output format (default rich)")
    diff.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    add_json_flag(diff, "same as --format json")
    diff.set_defaults(func=cmd_diff)

    changes = subparsers.add_parser("changes", help="stored changes across policies, newest first")
    changes.add_argument("--since", metavar="WHEN", help="only changes detected since (7d, 12h or 2026-05-01)")
    changes.add_argument("--material", action="store_true", help="only material changes")
    changes.add_argument("--category", help="only this category (retention, transfer, sharing...)")
    changes.add_argument("--policy", metavar="NAME", help="only this policy")
    changes.add_argument("--limit", type=int, default=200, help="at most N changes (default 200, 0 = all)")
    add_tag_filter(changes)
    add_json_flag(changes)
    changes.set_defaults(func=cmd_changes)

    facts = subparsers.add_parser("facts", help="facts of the latest version and how they moved over time")
    facts.add_argument("name")
    facts.add_argument("--evidence", action="store_true", help="show the sentence each fact was read from")
    add_json_flag(facts)
    facts.set_defaults(func=cmd_facts)


# -- history / show ---------------------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    watchlist = open_watchlist(args)
    limit = args.limit if args.limit > 0 else None
    with open_store(watchlist) as store:
        if args.name is not None:
            if args.tags and args.name not in {entry.name for entry in watchlist.tagged(args.tags)}:
                raise UsageError(f"policy {args.name!r} has none of the tags {', '.join(args.tags)}")
            pid = policy_id(store, watchlist, args.name)
            histories = [(args.name, store.versions(pid, limit=limit), store.version_count(pid))]
        else:
            histories = []
            for entry in watchlist.tagged(args.tags):
                pid = store.policy_id(entry.name)
                if pid is not None:
                    histories.append((entry.name, store.versions(pid, limit=limit), store.version_count(pid)))
    if args.json:
        print_json([{"policy": name, **v.to_json()} for name, versions, _ in histories for v in versions])
        return 0
    for name, versions, total in histories:
        _print_history(name, versions, total)
    if not histories:
        console().print("no policy has been checked yet (run: policy-monitor check)")
    return 0


def _print_history(name: str, versions: list[Any], total: int) -> None:
    if not versions:
        console().print(f"{name}: no version yet (every check so far failed; see `policy-monitor list`)")
        return
    console().print(table(
        f"{name}: {plural(len(versions), 'version')}",
        ("#", "first seen", "last seen", "size", "lang", "declared", "origin", "material", "summary"),
        ([v.seq, short_time(v.first_seen), short_time(v.last_seen), human_size(v.size), v.language or "",
          v.declared_date or "", v.origin, _material_word(v), v.summary or ""] for v in versions),
    ))
    if total > len(versions):
        console().print(f"(the newest {len(versions)} of {total} versions; --limit 0 shows all)")


def _material_word(version: Any) -> str:
    """"yes", "no", or nothing for a first version (there was nothing to compare it with)."""
    return {True: "yes", False: "no"}.get(version.material, "")


def _chosen_version(store: Any, pid: int, name: str, seq: int | None, at: str | None) -> Any:
    if seq is not None:
        return store.get_version(pid, seq)
    if at is not None:
        moment = parse_moment(at)
        version = store.version_at(pid, moment)
        if version is None:
            raise UsageError(f"policy {name} had no version yet at {moment}")
        return version
    version = store.latest_version(pid)
    if version is None:
        raise UsageError(f"policy {name} has no version yet")
    return version


def cmd_show(args: argparse.Namespace) -> int:
    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        version = _chosen_version(store, policy_id(store, watchlist, args.name), args.name, args.version, args.at)
    if args.json:
        print_json(version.to_json())
    else:
        sys.stdout.write(version.text.rstrip("\n") + "\n")
    return 0


# -- diff ---------------------------------------------------------------------------------------


def _diff_pair(store: Any, pid: int, name: str, numbers: list[int]) -> tuple[Any, Any]:
    if len(numbers) > 2:
        raise UsageError("diff takes at most two version numbers")
    if len(numbers) == 2:
        return store.get_version(pid, numbers[0]), store.get_version(pid, numbers[1])
    new = store.get_version(pid, numbers[0]) if numbers else store.latest_version(pid)
    if new is None:
        raise UsageError(f"policy {name} has no version yet")
    if new.seq == 1:
        raise UsageError(f"policy {name}: version 1 is the first version, there is nothing before it to compare")
    return store.get_version(pid, new.seq - 1), new


def cmd_diff(args: argparse.Namespace) -> int:
    from monitor.textdiff import diff_texts, render_html, render_rich, render_unified

    fmt = "json" if args.json else args.format
    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        pid = policy_id(store, watchlist, args.name)
        old, new = _diff_pair(store, pid, args.name, args.versions)
        stored_changes = [c for c in store.changes(version_id=new.id) if c["prev_version_id"] == old.id
                          ] if fmt == "json" else []
    diff = diff_texts(old.text, new.text)
    old_label = f"{args.name} v{old.seq} ({old.first_seen})"
    new_label = f"{args.name} v{new.seq} ({new.first_seen})"
    if fmt == "json":
        import json

        data = {
            "policy": args.name,
            "old": {"seq": old.seq, "first_seen": old.first_seen},
            "new": {"seq": new.seq, "first_seen": new.first_seen},
            "diff": diff.to_json(),
            "changes": [_change_json(c) for c in stored_changes],
        }
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "unified":
        text = render_unified(diff, old_label, new_label)
    elif fmt == "html":
        text = render_html(diff, f"{args.name}: version {old.seq} → {new.seq}", old_label, new_label)
    else:
        renderable = render_rich(diff)
        if args.output is not None:
            text = renderable.to_text(plain=True).plain
        else:
            out = console()
            out.print(f"[bold]{old_label} → {new_label}[/bold]")
            out.print(renderable)
            return 0
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        console(stderr=True).print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


# -- changes ------------------------------------------------------------------------------------


def _change_json(row: dict) -> dict:
    keys = ("policy", "seq", "prev_seq", "category", "material", "severity", "summary", "old_values",
            "new_values", "old_text", "new_text", "rule", "section", "detected_at")
    return {key: row.get(key) for key in keys}


def _check_category(category: str) -> str:
    """A category the analysis knows, or one line listing them."""
    from monitor.analysis.model import CATEGORIES

    known = (*CATEGORIES, *NEVER_MATERIAL_CATEGORIES)
    if category not in known:
        raise UsageError(f"unknown category {category!r} (choose from: {', '.join(known)})")
    return category


def cmd_changes(args: argparse.Namespace) -> int:
    watchlist = open_watchlist(args)
    since = parse_since(args.since) if args.since else None
    category = _check_category(args.category) if args.category else None
    tagged = [entry.name for entry in watchlist.tagged(args.tags)] if args.tags else None
    with open_store(watchlist) as store:
        if args.policy:
            policy_id(store, watchlist, args.policy)
        rows = store.changes(since=since, policy=args.policy, category=category,
                             material=True if args.material else None, limit=args.limit or None, policies=tagged)
    if args.json:
        print_json([_change_json(r) for r in rows])
        return 0
    if not rows:
        console().print("no changes" + (f" since {since}" if since else ""))
        return 0
    console().print(table(
        None, ("when", "policy", "version", "category", "severity", "summary"),
        ([short_time(r["detected_at"]), r["policy"], f"{r['prev_seq'] or '-'}→{r['seq']}", r["category"],
          r["severity"] if r["material"] else f"{r['severity']} (not material)", r["summary"]] for r in rows),
    ))
    return 0


# -- facts ----------------------------------------------------------------------------------------


def cmd_facts(args: argparse.Namespace) -> int:
    from monitor.overview import fact_timeline, fact_value, values_in_words
    from monitor.pipeline import derive_facts

    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        pid = policy_id(store, watchlist, args.name)
        derive_facts(store, pid)
        history = store.fact_history(pid)
        evidence_rows = store.fact_evidence(history[-1]["version_id"]) if history else []
    if not history:
        raise UsageError(f"policy {args.name} has no version yet")
    latest = history[-1]
    facts, timeline = latest["facts"], fact_timeline(history)
    if args.json:
        evidence = [{"kind": kind, "value": value, "sentence": sentence} for kind, value, sentence in evidence_rows]
        print_json({"policy": args.name, "version": latest["seq"], "facts": facts, "timeline": timeline,
                    "evidence": evidence})
        return 0
    out = console()
    if not facts:
        out.print(f"{args.name} v{latest['seq']}: no facts found")
    else:
        out.print(table(
            f"{args.name}: facts of version {latest['seq']} ({short_time(latest['first_seen'])})", ("kind", "values"),
            ([kind, "\n".join(values_in_words(kind, [fact_value(item) for item in items]))]
             for kind, items in facts.items()),
        ))
    if args.evidence and evidence_rows:
        out.print(table("where each fact is stated", ("kind", "value", "sentence"), evidence_rows))
    moves = [(kind, step) for kind, steps in timeline.items() for step in steps if step["seq"] != 1]
    if moves:
        out.print(table(
            "how they moved", ("kind", "version", "since", "added", "removed"),
            ([kind, step["seq"], short_time(step["first_seen"]), ", ".join(values_in_words(kind, step["added"])),
              ", ".join(values_in_words(kind, step["removed"]))] for kind, step in moves),
        ))
    return 0
