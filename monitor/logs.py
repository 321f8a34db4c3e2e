"""Logging of the service and of `run --once`: one `key=value` line per event, on stderr."""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from typing import Any

from basics.timestamps import format_timestamp
from basics.urls import hide_secrets

log = logging.getLogger("monitor.service")


def log_event(level: int, event: str, exc_info: bool = False, **fields: Any) -> None:
    """Log one event of the service as `event=<name> key=value ...` (see KeyValueFormatter)."""
    log.log(level, event, exc_info=exc_info, extra={"fields": fields})


def _quote(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and not any(ch in text for ch in ' ="\n\t'):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class KeyValueFormatter(logging.Formatter):
    """`2026-11-22T01:30:00Z level=info event=check_done policy=x outcome=unchanged ...`; every line,
    a library's included, with the channels' secrets hidden."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = format_timestamp(datetime.fromtimestamp(record.created, timezone.utc))
        parts = [stamp, f"level={record.levelname.lower()}"]
        fields = getattr(record, "fields", None)
        if fields is None:
            parts += [f"logger={record.name}", f"msg={_quote(record.getMessage())}"]
        else:
            parts.append(f"event={record.getMessage()}")
            parts += [f"{key}={_quote(value)}" for key, value in fields.items() if value is not None]
        if record.exc_info and record.exc_info[0] is not None:
            parts.append(f"exc={_quote(self.formatException(record.exc_info))}")
        return hide_secrets(" ".join(parts))  # httpx, Apprise and urllib3 log channel URLs at -vv


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is now, so a rich Live display can route log lines."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(verbose: int = 0) -> None:
    """Quiet by default (service events at info); `-v` adds every check, `-vv` library debug."""
    handler = _CurrentStderrHandler()
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, _CurrentStderrHandler):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    logging.getLogger("monitor").setLevel(logging.DEBUG if verbose >= 1 else logging.INFO)
    # APScheduler reports every job run at info and "max instances reached" at warning.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose >= 2 else logging.ERROR)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
