"""Exception types a user can cause; the CLI turns them into one-line errors."""

from __future__ import annotations

from collections.abc import Iterable


class PolicyMonitorError(Exception):
    """Base of every error the CLI reports as `error: <message>` without a traceback."""

    exit_code = 1


class UsageError(PolicyMonitorError):
    """Bad input from the user: a missing file, a wrong argument, an unknown policy."""

    exit_code = 2


class WatchlistError(UsageError):
    """The watchlist file is missing, unreadable or invalid; `field` names the field at fault, when
    one is (so that the watchlist's loader can point at its line)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NormalizeError(UsageError):
    """Content that cannot be turned into text (empty, binary garbage)."""


class NoTextError(NormalizeError):
    """A document with content but no text once read (only images, scripts or navigation)."""


class StoreError(PolicyMonitorError):
    """The database cannot be opened or is not a policy-monitor database."""


def describe_validation_error(exc: Exception, allowed: Iterable[str]) -> tuple[str | None, str]:
    """(field, one line) of a pydantic ValidationError's first error, worded alike for the watchlist
    and its channels: `field 'x' is required`, `field 'x': unknown field 'x' (allowed: ...)`,
    `field 'x': <why>`."""
    error = exc.errors()[0]  # type: ignore[attr-defined]
    loc = error.get("loc", ())
    field = str(loc[0]) if loc else None
    kind = error.get("type", "")
    if kind == "missing":
        return field, f"field {field!r} is required"
    if kind == "extra_forbidden":
        return field, f"field {field!r}: unknown field {field!r} (allowed: {', '.join(allowed)})"
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    else:
        message = message.replace("Input should be", "must be")
        message = f"{message[:1].lower()}{message[1:]} (got {error.get('input')!r})"
    return field, f"field {field!r}: {message}" if field else message
