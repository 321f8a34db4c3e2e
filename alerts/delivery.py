"""Delivery of the outbox: claim due rows, send them through their channels, record the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from alerts.channels import Channel, DeliveryError
from alerts.model import Alert
from basics.timestamps import normalise_timestamp, utc_now
from store.outbox import claim_due, mark_delivered, mark_failed, release

if TYPE_CHECKING:
    from store import Store


@dataclass
class DeliveryReport:
    """What one delivery run did. `failed` counts the alerts whose send failed in this run: most
    `will_retry` (the outbox keeps them pending, with backoff), the rest `gave_up` (status `failed`)."""

    delivered: int = 0
    failed: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def will_retry(self) -> int:
        return self.failed - self.gave_up

    def to_json(self) -> dict[str, Any]:
        return {"delivered": self.delivered, "failed": self.failed, "will_retry": self.will_retry,
                "gave_up": self.gave_up, "errors": list(self.errors)}


def _error_text(exc: Exception) -> str:
    return str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"


def deliver_pending(store: Store, channels: dict[str, Channel], now: str | None = None) -> DeliveryReport:
    """Send every due outbox row through its channel; failures are rescheduled with backoff.

    Each row is marked delivered right after its send succeeds, so a crash re-sends at most the
    alert in flight (and webhooks get the id as `Idempotency-Key`). Digest channels receive all
    their due alerts in one `send`. After a channel fails once, its other rows wait for the next
    run untried, so a dead server costs one timeout per run rather than one per alert, and a
    single alert the server rejects cannot block the others (its own backoff moves it aside).
    A channel's sends in one run share its connection (`Channel.connected`).
    """
    now = normalise_timestamp(now) if now else utc_now()
    report = DeliveryReport()
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for row in claim_due(store, now):
        by_channel.setdefault(row["channel"], []).append(row)

    for channel_name, rows in by_channel.items():
        channel = channels.get(channel_name)
        if channel is None:
            error = f"channel '{channel_name}' is not configured in the watchlist"
            for row in rows:
                mark_failed(store, row["id"], error, now, row["attempts"] + 1, permanent=True)
            report.failed += len(rows)
            report.gave_up += len(rows)
            report.errors.append(f"{error} ({len(rows)} alert(s) not sent; `alerts retry` after fixing it)")
            continue
        batches = [rows] if channel.digest else [[row] for row in rows]
        with channel.connected():
            _send_batches(store, channel_name, channel, batches, now, report)
    return report


def _send_batches(store: Store, channel_name: str, channel: Channel, batches: list[list[dict[str, Any]]],
                  now: str, report: DeliveryReport) -> None:
    """Send a channel's batches in order; at the first failure, the rest wait for the next run."""
    for position, batch in enumerate(batches):
        try:
            channel.send([Alert.from_json(row["payload"]) for row in batch])
        except Exception as exc:  # any failure must leave the rows retryable, never stuck
            error = _error_text(exc)
            for row in batch:
                report.gave_up += mark_failed(store, row["id"], error, now, row["attempts"] + 1)
            report.failed += len(batch)
            report.errors.append(f"{channel_name}: {error}")
            release(store, [row["id"] for later in batches[position + 1:] for row in later], now)
            return
        for row in batch:
            mark_delivered(store, row["id"], now)
        report.delivered += len(batch)
