"""Sub-commands `check`, `history`, `show`, `diff`, `changes`, `facts` and `reprocess`.

`check` runs the pipeline now; the others browse what the database holds. Each prints a readable
table or text by default and exactly the data with `--json`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from monitor.cli.output import (
    EMPTY_WATCHLIST, add_json_flag, console, human_size, open_store, open_watchlist, parse_moment, parse_since,
    policy_id, plural, print_json, short_time, table,
)
from basics.errors import UsageError

DIFF_FORMATS = ("rich", "unified", "html", "json")
HISTORY_LIMIT = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser("check", help="check policies now (all, or the named ones)")
    check.add_argument("names", nargs="*", metavar="NAME", help="policies to check (default: all)")
    check.add_argument("--no-deliver", action="store_true", help="leave new alerts in the outbox (do not send them)")
    add_json_flag(check)
    check.set_defaults(func=cmd_check)

    history = subparsers.add_parser("history", help="the versions of a policy: when seen, size, what changed")
    history.add_argument("name")
    history.add_argument("--limit", type=int, default=HISTORY_LIMIT, metavar="N",
                         help=f"only the newest N versions (default {HISTORY_LIMIT}, 0 = all)")
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
    add_json_flag(changes)
    changes.set_defaults(func=cmd_changes)

    facts = subparsers.add_parser("facts", help="facts of the latest version and how they moved over time")
    facts.add_argument("name")
    add_json_flag(facts)
    facts.set_defaults(func=cmd_facts)

    reprocess = subparsers.add_parser(
        "reprocess", help="re-derive versions from the stored raw snapshots (after a normaliser upgrade)",
    )
    reprocess.add_argument("names", nargs="*", metavar="NAME", help="policies (default: all)")
    add_json_flag(reprocess)
    reprocess.set_defaults(func=cmd_reprocess)


# -- check ------------------------------------------------------------------------------------


def _check_and_deliver(watchlist: Any, names: list[str], deliver: bool, show_progress: bool) -> tuple[list[Any], Any]:
    """Run `monitor.pipeline.check_and_deliver` (the service's own check-then-send), with a
    progress bar on a terminal."""
    import asyncio

    from monitor.pipeline import check_and_deliver

    selected = names or None
    if not show_progress:
        return asyncio.run(check_and_deliver(watchlist, selected, deliver=deliver))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console(), transient=True) as progress:
        task = progress.add_task("", total=len(watchlist.select(names)))

        def advance(outcome: Any) -> None:
            progress.update(task, advance=1, description=f"{outcome.policy}: {outcome.outcome}")

        return asyncio.run(check_and_deliver(watchlist, selected, deliver=deliver, progress=advance))


def _outcome_detail(outcome: Any) -> str:
    if outcome.error:
        return outcome.error
    if outcome.flapping:
        return "flapping: returned to an earlier version (no alert)"
    material = [c for c in outcome.changes if c["material"]]
    if material:
        return "; ".join(f"{c['category']} ({c['severity']}): {c['summary']}" for c in material)
    if outcome.new_version and outcome.version_seq == 1:
        return "first version"
    if outcome.new_version:
        return "no material change"
    return ""


def cmd_check(args: argparse.Namespace) -> int:
    watchlist = open_watchlist(args)
    if not watchlist.policies:
        raise UsageError(f"{watchlist.path} {EMPTY_WATCHLIST}")
    watchlist.select(args.names)  # unknown names fail before anything is fetched
    outcomes, report = _check_and_deliver(watchlist, args.names, deliver=not args.no_deliver,
                                          show_progress=sys.stdout.isatty() and not args.json)
    failed = [o for o in outcomes if o.outcome == "error"]
    if args.json:
        print_json({
            "checks": [o.to_json() for o in outcomes],
            "delivery": report.to_json() if report is not None else None,
        })
    else:
        out = console()
        out.print(table(
            None, ("policy", "outcome", "version", "material", "details"),
            ([o.policy, o.outcome, o.version_seq if o.version_seq is not None else "",
              o.severity if o.material else "", _outcome_detail(o)] for o in outcomes),
        ))
        if report is not None and (report.delivered or report.failed):
            out.print(f"alerts: {report.delivered} delivered, {report.failed} failed")
            for error in report.errors:
                out.print(f"  {error}")
    return 1 if failed else 0


# -- history / show ---------------------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        pid = policy_id(store, watchlist, args.name)
        versions = store.versions(pid, limit=args.limit if args.limit > 0 else None)
        total = store.version_count(pid)
    if args.json:
        print_json([v.to_json() for v in versions])
        return 0
    if not versions:
        console().print(f"{args.name}: no version yet (every check so far failed; see `policy-monitor list`)")
        return 0
    console().print(table(
        f"{args.name}: {plural(len(versions), 'version')}",
        ("#", "first seen", "last seen", "size", "lang", "declared", "origin", "material", "summary"),
        ([v.seq, short_time(v.first_seen), short_time(v.last_seen), human_size(v.size), v.language or "",
          v.declared_date or "", v.origin, "yes" if v.material else "", v.summary or ""] for v in versions),
    ))
    if total > len(versions):
        console().print(f"(the newest {len(versions)} of {total} versions; --limit 0 shows all)")
    return 0


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


def cmd_changes(args: argparse.Namespace) -> int:
    watchlist = open_watchlist(args)
    since = parse_since(args.since) if args.since else None
    with open_store(watchlist) as store:
        if args.policy:
            policy_id(store, watchlist, args.policy)
        rows = store.changes(since=since, policy=args.policy, category=args.category,
                             material=True if args.material else None, limit=args.limit or None)
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


def _fact_value(item: Any) -> str:
    if isinstance(item, dict):
        value = item.get("value")
        return value if isinstance(value, str) else str(item)
    return str(item)


def fact_timeline(history: list[dict]) -> dict[str, list[dict]]:
    """Per fact kind: the versions where its set of values changed, with what was added/removed."""
    timeline: dict[str, list[dict]] = {}
    kinds = list(dict.fromkeys(kind for entry in history for kind in entry["facts"]))
    for kind in kinds:
        previous: list[str] | None = None
        for entry in history:
            values = list(dict.fromkeys(_fact_value(item) for item in entry["facts"].get(kind, [])))
            if previous is None or set(values) != set(previous):
                if previous is not None or values:
                    timeline.setdefault(kind, []).append({
                        "seq": entry["seq"], "first_seen": entry["first_seen"], "values": values,
                        "added": [v for v in values if v not in (previous or [])],
                        "removed": [v for v in (previous or []) if v not in values],
                    })
            previous = values
    return timeline


def cmd_facts(args: argparse.Namespace) -> int:
    from monitor.pipeline import derive_facts

    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        pid = policy_id(store, watchlist, args.name)
        derive_facts(store, pid)
        history = store.fact_history(pid)
    if not history:
        raise UsageError(f"policy {args.name} has no version yet")
    latest = history[-1]
    facts, timeline = latest["facts"], fact_timeline(history)
    if args.json:
        print_json({"policy": args.name, "version": latest["seq"], "facts": facts, "timeline": timeline})
        return 0
    out = console()
    if not facts:
        out.print(f"{args.name} v{latest['seq']}: no facts found")
    else:
        out.print(table(
            f"{args.name}: facts of version {latest['seq']} ({short_time(latest['first_seen'])})", ("kind", "values"),
            ([kind, "\n".join(_fact_value(item) for item in items)] for kind, items in facts.items()),
        ))
    moves = [(kind, step) for kind, steps in timeline.items() for step in steps if step["seq"] != 1]
    if moves:
        out.print(table(
            "how they moved", ("kind", "version", "since", "added", "removed"),
            ([kind, step["seq"], short_time(step["first_seen"]), ", ".join(step["added"]),
              ", ".join(step["removed"])] for kind, step in moves),
        ))
    return 0


# -- reprocess ------------------------------------------------------------------------------------


def cmd_reprocess(args: argparse.Namespace) -> int:
    from monitor.pipeline import reprocess

    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        report = reprocess(store, watchlist, names=args.names or None)
    if args.json:
        print_json(report.to_json())
        return 0
    out = console()
    for name, seqs in report.added.items():
        out.print(f"{name}: added version {', '.join(map(str, seqs))} (re-derived; not a policy change)")
    if report.unchanged:
        out.print(f"unchanged: {', '.join(report.unchanged)}")
    for name, errors in report.errors.items():
        for error in errors:
            out.print(f"{name}: cannot re-read {error}")
    return 0
