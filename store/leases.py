"""Per-policy leases: one process checks a policy at a time, whichever command started it.

Two `check`s, two `run --once`, or `run` and a `check` by hand may work on one database at once.
Before a check reads a policy's latest version it takes that policy's lease (a row in `leases`,
written under `BEGIN IMMEDIATE`, so taking it is atomic); the check's final transaction confirms
it still holds the lease and deletes it with the same commit that records the result. A second
process that finds the lease held skips the policy or waits for it (`take` tells it by whom).

A lease is free again when its holder has released it, when the holder is known to be gone
(same host: `basics.processes.holder_gone`, so a killed process's leases are taken back at once),
or when it expired (a holder on another host that stopped answering, or one stuck far past its
check's deadline). A holder that lost its lease that way finds out at its final transaction,
which then records nothing: a policy's check is never recorded twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from basics.processes import holder_gone
from basics.timestamps import format_timestamp, parse_timestamp

if TYPE_CHECKING:
    from store.db import Store


class LeaseLost(Exception):
    """The final transaction of a check found its lease gone: another process took the policy over."""


def _free(holder: str, acquired_at: str, expires_at: str, me: str, now: str, seconds: float) -> bool:
    if holder == me or holder_gone(holder):
        return True
    # Expired, or taken "in the future" by more than a lease (this clock went back since).
    stamp = parse_timestamp(now)
    return expires_at <= now or parse_timestamp(acquired_at) > stamp + timedelta(seconds=seconds)


def take(store: Store, policy_ids: Iterable[int], holder: str, now: str, seconds: float) -> dict[int, str]:
    """Take the leases of these policies that are free, in one transaction; returns the others'
    holders by policy id (empty when every lease was taken)."""
    ids = list(dict.fromkeys(policy_ids))
    expires = format_timestamp(parse_timestamp(now) + timedelta(seconds=seconds))
    held: dict[int, str] = {}
    with store.transaction():
        current = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            current.update((row[0], row[1:]) for row in store.conn.execute(
                f"SELECT policy_id, holder, acquired_at, expires_at FROM leases "
                f"WHERE policy_id IN ({', '.join('?' * len(chunk))})", chunk))
        for policy_id, (other, acquired_at, expires_at) in current.items():
            if not _free(other, acquired_at, expires_at, holder, now, seconds):
                held[policy_id] = other
        store.conn.executemany(
            "INSERT INTO leases (policy_id, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(policy_id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, "
            "expires_at = excluded.expires_at",
            [(policy_id, holder, now, expires) for policy_id in ids if policy_id not in held],
        )
    return held


def release(store: Store, policy_id: int, holder: str, *, confirm: bool = False) -> None:
    """Give a lease back (joins the caller's transaction). `confirm`: raise LeaseLost if this
    holder no longer held it, so that the caller's transaction records nothing."""
    with store.transaction():
        deleted = store.conn.execute(
            "DELETE FROM leases WHERE policy_id = ? AND holder = ?", (policy_id, holder)).rowcount
        if confirm and not deleted:
            raise LeaseLost(policy_id)


def reclaim(store: Store) -> int:
    """Free the leases of processes known to be gone; returns how many."""
    gone = [(policy_id, holder) for policy_id, holder in store.conn.execute("SELECT policy_id, holder FROM leases")
            if holder_gone(holder)]
    if gone:
        with store.transaction():
            store.conn.executemany("DELETE FROM leases WHERE policy_id = ? AND holder = ?", gone)
    return len(gone)


def holders(store: Store) -> list[dict]:
    """Every lease held now: policy name, holder, since and until when."""
    return store.query(
        "SELECT p.name AS policy, l.holder, l.acquired_at, l.expires_at FROM leases l "
        "JOIN policies p ON p.id = l.policy_id ORDER BY p.name")


def confirm(store: Store, policy_id: int, holder: str) -> None:
    """Inside a transaction: raise LeaseLost unless this holder still holds the lease."""
    row = store.conn.execute("SELECT holder FROM leases WHERE policy_id = ?", (policy_id,)).fetchone()
    if row is None or row[0] != holder:
        raise LeaseLost(policy_id)
