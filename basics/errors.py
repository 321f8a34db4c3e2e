"""Exception types a user can cause; the CLI turns them into one-line errors."""


class PolicyMonitorError(Exception):
    """Base of every error the CLI reports as `error: <message>` without a traceback."""

    exit_code = 1


class UsageError(PolicyMonitorError):
    """Bad input from the user: a missing file, a wrong argument, an unknown policy."""

    exit_code = 2


class WatchlistError(UsageError):
    """The watchlist file is missing, unreadable or invalid."""


class NormalizeError(UsageError):
    """Content that cannot be turned into text (empty, binary garbage)."""


class StoreError(PolicyMonitorError):
    """The database cannot be opened or is not a policy-monitor database."""
