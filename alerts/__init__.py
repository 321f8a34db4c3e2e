"""Alerts: payloads, channels (file, email, webhook, apprise) and their delivery from the outbox (`store.outbox`)."""

from alerts.build import build_alerts
from alerts.channels import CHANNEL_KINDS, Channel, DeliveryError, build_channels
from alerts.delivery import DeliveryReport, deliver_pending
from alerts.model import Alert, alert_id, render_html, render_markdown, render_text

__all__ = [
    "Alert",
    "CHANNEL_KINDS",
    "Channel",
    "DeliveryError",
    "DeliveryReport",
    "alert_id",
    "build_alerts",
    "build_channels",
    "deliver_pending",
    "render_html",
    "render_markdown",
    "render_text",
]
