"""The outbox: alerts waiting for delivery, in the same SQLite database as the changes they report.

The SQL of the outbox table (its schema is in `store.migrations`); `alerts` builds the rows and
sends them. Rows are written inside the check's transaction (`enqueue` joins an open transaction), so an
alert exists if and only if its change does. Delivery claims due rows under `BEGIN IMMEDIATE` by
leasing them: `next_attempt_at` moves `LEASE_SECONDS` ahead, so another process does not see them
as due while this one sends; if the sender dies, the lease runs out and the rows are due again.

Status: `pending` (due at `next_attempt_at`), `delivered`, `failed` (gave up after `MAX_ATTEMPTS`
or the channel no longer exists; `retry_now` makes it pending again).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from basics.timestamps import format_timestamp, normalise_timestamp, parse_timestamp, utc_now

if TYPE_CHECKING:
    from store.db import Store

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600
MAX_ATTEMPTS = 20
LEASE_SECONDS = 300
JITTER = 0.1

OUTBOX_COLUMNS = (
    "id", "created_at", "policy", "channel", "kind", "severity", "payload",
    "status", "attempts", "next_attempt_at", "last_error", "delivered_at",
)


def enqueue(store: Store, rows: list[dict[str, Any]]) -> int:
    """Insert alert rows, ignoring ids already present; returns how many were new.

    Joins the caller's transaction when one is open (the pipeline's check transaction),
    otherwise commits on its own.
    """
    inserted = 0
    with store.transaction():
        for row in rows:
            values = {column: row.get(column) for column in OUTBOX_COLUMNS}
            values["status"] = values["status"] or "pending"
            values["attempts"] = values["attempts"] or 0
            values["next_attempt_at"] = values["next_attempt_at"] or values["created_at"] or utc_now()
            cursor = store.conn.execute(
                f"INSERT OR IGNORE INTO outbox ({', '.join(OUTBOX_COLUMNS)}) "
                f"VALUES ({', '.join(':' + c for c in OUTBOX_COLUMNS)})",
                values,
            )
            inserted += cursor.rowcount
    return inserted


def due(store: Store, now: str) -> list[dict[str, Any]]:
    """Pending rows whose time has come (a new alert, a retry, or a lease that ran out)."""
    return store.query(
        "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? "
        "ORDER BY created_at, id",
        (normalise_timestamp(now),),
    )


def claim_due(store: Store, now: str) -> list[dict[str, Any]]:
    """Atomically take the due rows for this process: nobody else sees them due until the lease ends."""
    if store.conn.in_transaction:
        raise RuntimeError("deliver alerts outside a transaction: claiming needs its own BEGIN IMMEDIATE")
    now = normalise_timestamp(now)
    lease_until = format_timestamp(parse_timestamp(now) + timedelta(seconds=LEASE_SECONDS))
    with store.transaction():
        rows = due(store, now)
        # The write lock is held since the SELECT: the same condition takes exactly those rows.
        store.conn.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at <= ?",
            (lease_until, now),
        )
    return rows


def mark_delivered(store: Store, id: str, now: str) -> None:
    """Record a successful delivery (counted as one more attempt)."""
    store.conn.execute(
        "UPDATE outbox SET status = 'delivered', delivered_at = ?, attempts = attempts + 1, "
        "last_error = NULL WHERE id = ?",
        (normalise_timestamp(now), id),
    )


def retry_delay(attempts: int) -> float:
    """Exponential backoff with ±10 % jitter, so a crowd of failed alerts does not retry in step."""
    delay = min(BASE_DELAY_SECONDS * 2 ** attempts, MAX_DELAY_SECONDS)
    return delay * random.uniform(1 - JITTER, 1 + JITTER)


def mark_failed(store: Store, id: str, error: str, now: str, attempts: int, *, permanent: bool = False) -> bool:
    """Record a failed attempt; `attempts` counts this one. Retry later, or give up (`failed`):
    whether it gave up."""
    gave_up = permanent or attempts >= MAX_ATTEMPTS
    next_attempt = parse_timestamp(now) + timedelta(seconds=retry_delay(attempts))
    store.conn.execute(
        "UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
        ("failed" if gave_up else "pending", attempts, error, format_timestamp(next_attempt), id),
    )
    return gave_up


def list_alerts(store: Store, status: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Outbox rows, newest first, optionally only one status (`pending`, `delivered`, `failed`)."""
    sql = "SELECT * FROM outbox"
    params: list[Any] = []
    if status:
        sql += " WHERE status = ?"
        params.append(status)
    sql += " ORDER BY created_at DESC, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return store.query(sql, params)


def retry_now(store: Store, now: str | None = None) -> int:
    """Make every undelivered alert (pending or given up) due now; returns how many."""
    cursor = store.conn.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE status IN ('pending', 'failed')",
        (normalise_timestamp(now or utc_now()),),
    )
    return cursor.rowcount


def release(store: Store, ids: list[str], now: str) -> None:
    """Give leased rows back untried (no attempt counted), due again at `now`."""
    when = normalise_timestamp(now)
    with store.transaction():
        store.conn.executemany(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
            [(when, id) for id in ids],
        )
