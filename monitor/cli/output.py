"""Helpers shared by the CLI commands: JSON output, rich tables, times and durations, and finding
the watchlist and its database from the parsed arguments."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from basics.errors import UsageError
from basics.timestamps import format_timestamp
from basics.timestamps import now as utc_now

if TYPE_CHECKING:  # rich loads when something is drawn: `--json` and `--help` never pay for it
    from rich.console import Console
    from rich.table import Table

    from monitor.watchlist import Watchlist

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "none": "dim"}
"""Rich style of each change severity, the same in every command that shows one."""
EMPTY_WATCHLIST = "watches nothing yet; add a policy with `policy-monitor add URL --name NAME`"
"""What `check` and `list` say after the watchlist's path when it has no policies."""


# -- printing ---------------------------------------------------------------------------------


def print_json(data: Any) -> None:
    """Exactly the data, as pretty JSON (non-ASCII kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def console(stderr: bool = False) -> Console:
    """A rich console on the current stdout/stderr (colour only on a terminal)."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=True)


def table(title: str | None, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    """A plain rich table; None cells print as an empty cell."""
    from rich.table import Table

    result = Table(title=title, title_justify="left", header_style="bold", show_edge=False, pad_edge=False)
    for column in columns:
        result.add_column(column, overflow="fold")
    for row in rows:
        result.add_row(*("" if cell is None else str(cell) for cell in row))
    return result


def add_json_flag(parser: argparse.ArgumentParser, help: str = "print the data as JSON") -> None:
    """`--json`, declared the same way on every command. Without a default of its own: the
    program's `--json` (False unless given) stands when the command's is absent, so `--json` may
    come before or after the command (`alerts --json retry` and `alerts retry --json` too)."""
    parser.add_argument("--json", action="store_true", help=help, default=argparse.SUPPRESS)


def add_tag_filter(parser: argparse.ArgumentParser) -> None:
    """`--tag`, the same on every command that can narrow itself to some policies (repeatable: any of them)."""
    parser.add_argument("--tag", action="append", dest="tags", metavar="TAG",
                        help="only policies with this tag (repeatable: any of them)")


# -- times ------------------------------------------------------------------------------------


def parse_since(text: str, now: datetime | None = None) -> str:
    """`--since`: a duration back from now (`7d`, `12h`) or a date/time (`2026-05-01`) → timestamp."""
    try:
        from monitor.watchlist import parse_interval

        return format_timestamp((now or utc_now()) - parse_interval(text))
    except UsageError:
        pass
    try:
        return parse_moment(text, end_of_day=False)
    except UsageError:
        raise UsageError(f"invalid --since {text!r} (use a duration like 7d or 12h, or a date like 2026-05-01)") from None


def parse_moment(text: str, end_of_day: bool = True) -> str:
    """A date (`2026-05-01`, meaning the end of that day by default) or ISO date-time → timestamp."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            clock = datetime.max.time().replace(microsecond=0) if end_of_day else datetime.min.time()
            return format_timestamp(datetime.combine(day, clock, tzinfo=timezone.utc))
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"invalid date {text!r} (use 2026-05-01 or 2026-05-01T12:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return format_timestamp(moment)


def short_time(timestamp: str | None) -> str:
    """`2026-11-22T01:30:00Z` → `2026-11-22 01:30` for tables."""
    if not timestamp:
        return ""
    return timestamp.replace("T", " ")[:16]


def human_size(size: int | None) -> str:
    """Bytes as `850 B`, `12.7 KB`, `3.1 MB`."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def delivery_words(report: Any) -> str:
    """A delivery run in the outbox's words: `1 delivered, 2 will retry, 1 failed` (failed: given up)."""
    parts = [f"{report.delivered} delivered"]
    if report.will_retry:
        parts.append(f"{report.will_retry} will retry")
    if report.gave_up or not report.will_retry:
        parts.append(f"{report.gave_up} failed")
    return ", ".join(parts)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 policy`, `2 policies`."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# -- watchlist and store ----------------------------------------------------------------------


def open_watchlist(args: argparse.Namespace) -> Watchlist:
    """The watchlist named by the global `--watchlist` option."""
    from monitor.watchlist import load_watchlist

    return load_watchlist(Path(args.watchlist))


def open_store(watchlist: Watchlist) -> Any:
    """The watchlist's database (created on first use)."""
    from monitor.watchlist import database_path
    from store import Store

    return Store(database_path(watchlist))


def existing_store(watchlist: Watchlist) -> Any | None:
    """The watchlist's database if it exists yet (read-only commands do not create one)."""
    from monitor.watchlist import database_path

    path = database_path(watchlist)
    if not path.exists():
        return None
    from store import Store

    return Store(path)


def policy_id(store: Any, watchlist: Watchlist, name: str) -> int:
    """The database id of a policy known to the watchlist or the history, or a clear error."""
    found = store.policy_id(name) if store is not None else None
    if found is not None:
        return found
    if any(entry.name == name for entry in watchlist.policies):
        raise UsageError(f"policy {name!r} has not been checked yet (run: policy-monitor check {name})")
    watchlist.get(name)  # raises the "unknown policy (known: ...)" error
    raise UsageError(f"unknown policy {name!r}")
