"""Sub-commands `add`, `list` and `remove`: editing the watchlist from the command line.

Edits go through `monitor.watchlist`, which changes the file's own text line by line, so
hand-written comments, quoting and the order of entries survive. Removing an entry keeps its history in the database.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import urlsplit

from monitor.cli.output import (
    EMPTY_WATCHLIST, add_json_flag, add_tag_filter, console, existing_store, open_watchlist, plural,
    print_json, short_time, table,
)
from basics.errors import UsageError
from basics.severity import SEVERITIES

SEVERITY_CHOICES = SEVERITIES


def register(subparsers: argparse._SubParsersAction) -> None:
    add = subparsers.add_parser(
        "add", help="watch a new policy (creates the watchlist if needed)",
        description="Add a policy to the watchlist; comments and order of the file are kept.",
    )
    add.add_argument("url", help="the policy page (http or https)")
    add.add_argument("--name", help="short unique name (default: from the URL's host); needed to watch a URL "
                     "already watched under another name")
    add.add_argument("--lang", dest="language", help="ISO 639-1 language of the page (en, de, fr...)")
    add.add_argument("--every", help="check interval: 30m, 6h, 1d, 2w (default: the watchlist's defaults)")
    add.add_argument("--select", action="append", metavar="CSS", help="CSS selector of the policy text (repeatable)")
    add.add_argument("--remove", action="append", metavar="CSS", help="CSS selector of parts to ignore (repeatable)")
    add.add_argument("--tag", action="append", dest="tags", metavar="TAG", help="a label (repeatable)")
    add.add_argument("--alerts", metavar="CHANNELS", help="comma-separated channel names (default: the defaults)")
    add.add_argument("--min-severity", choices=SEVERITY_CHOICES, help="smallest material change worth an alert")
    add.add_argument("--browser", action="store_true", default=None,
                     help="render the page in headless Chromium first (text put in by scripts)")
    add.add_argument("--wait-for", metavar="CSS", help="with --browser: wait until this selector matches")
    add.add_argument("--timeout", type=float, metavar="SECONDS", help="how long a fetch or render may take")
    add.add_argument("--header", action="append", dest="headers", metavar="'NAME: VALUE'",
                     help="an HTTP header to send (repeatable; ${NAME} reads an environment variable)")
    add.add_argument("--cookie", action="append", dest="cookies", metavar="NAME=VALUE",
                     help="a cookie to send, e.g. consent=yes (repeatable; ${NAME} reads the environment)")
    add.add_argument("--user-agent", metavar="TEXT", help="the User-Agent to send instead of the watchlist's")
    add_json_flag(add)
    add.set_defaults(func=cmd_add)

    listing = subparsers.add_parser("list", help="the watched policies: last check, next check, status")
    add_tag_filter(listing)
    add_json_flag(listing)
    listing.set_defaults(func=cmd_list)

    remove = subparsers.add_parser("remove", help="stop watching a policy (its history is kept)")
    remove.add_argument("name", help="the policy's name")
    add_json_flag(remove)
    remove.set_defaults(func=cmd_remove)


def name_from_url(url: str) -> str:
    """A slug from the URL's host: https://www.example.co.uk/privacy → example-co-uk."""
    host = (urlsplit(url).hostname or "").lower()
    host = re.sub(r"^www\d*\.", "", host)
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "policy"


def _pairs(items: list[str] | None, separator: str, option: str, form: str) -> dict[str, str] | None:
    """`--header 'Name: value'` / `--cookie name=value` options as a mapping (None when none)."""
    if not items:
        return None
    pairs = {}
    for item in items:
        name, found, value = item.partition(separator)
        if not found or not name.strip():
            raise UsageError(f"{option} {item!r}: write it as {form}")
        pairs[name.strip()] = value.strip()
    return pairs


def _same_page(a: str, b: str) -> bool:
    """Whether two URLs name the same page: scheme and host in any case, with or without a final '/'."""
    def key(url: str) -> tuple[str, str, str, str]:
        parts = urlsplit(url)
        return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/") or "/", parts.query
    return key(a) == key(b)


def _refuse_a_watched_url(path: Path, url: str) -> None:
    """A URL already in the watchlist is refused unless `--name` says watching it twice is meant."""
    if not path.exists():
        return
    from monitor.watchlist import load_watchlist

    for entry in load_watchlist(path).policies:
        if _same_page(entry.url, url):
            raise UsageError(f"{url} is already watched as {entry.name!r} (give --name to watch it again "
                             "under another name)")


def cmd_add(args: argparse.Namespace) -> int:
    from basics.urls import check_url
    from monitor.watchlist import add_policy, parse_interval

    try:
        url = check_url(args.url)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.every is not None:
        parse_interval(args.every)
    if args.name is None:
        _refuse_a_watched_url(Path(args.watchlist), url)
    entry = {
        "name": args.name or name_from_url(url),
        "url": url,
        "language": args.language,
        "select": args.select,
        "remove": args.remove,
        "every": args.every,
        "tags": args.tags,
        "alerts": [name.strip() for name in args.alerts.split(",") if name.strip()] if args.alerts else None,
        "min_severity": args.min_severity,
        "browser": args.browser,
        "wait_for": args.wait_for,
        "timeout": args.timeout,
        "headers": _pairs(args.headers, ":", "--header", "'NAME: VALUE'"),
        "cookies": _pairs(args.cookies, "=", "--cookie", "NAME=VALUE"),
        "user_agent": args.user_agent,
    }
    added = add_policy(Path(args.watchlist), entry)
    if args.json:
        print_json(added.model_dump())
    else:
        console().print(f"added {added.name} ({added.url}), checked every {added.every}; "
                        f"run `policy-monitor check {added.name}` to take its first version")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from monitor.overview import next_check_words, policy_statuses
    from monitor.watchlist import database_path

    watchlist = open_watchlist(args)
    entries = watchlist.tagged(args.tags)
    store = existing_store(watchlist)
    try:
        statuses = policy_statuses(entries, store)
    finally:
        if store is not None:
            store.close()
    if args.json:
        print_json([status.to_json() for status in statuses])
        return 0
    if not statuses:
        console().print(f"{watchlist.path} {EMPTY_WATCHLIST}")
        return 0
    console().print(table(
        f"{plural(len(statuses), 'policy', 'policies')} in {watchlist.path} (database {database_path(watchlist)})",
        ("name", "url", "every", "tags", "last check", "outcome", "next check", "status", "versions"),
        ([s.name, s.url, s.every, ", ".join(s.tags), short_time(s.last_check), s.outcome,
          next_check_words(s.next_check, s.due), s.status, s.versions] for s in statuses),
    ))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from monitor.watchlist import remove_policy

    path = Path(args.watchlist)
    removed, remaining = remove_policy(path, args.name)
    store = existing_store(remaining, read_only=False)
    if store is not None:
        with store:
            store.mark_policy_removed(removed.name)
    if args.json:
        print_json({"removed": removed.name, "url": removed.url, "history_kept": store is not None})
    else:
        console().print(f"removed {removed.name} from {path} (its history stays in the database)")
    return 0
