"""Turn one event of one policy into outbox rows, one per channel that wants it.

Called by the pipeline inside its check transaction; the rows go to `store.outbox.enqueue`.
Routing: an alert goes to each channel the entry lists in `alerts:` when its severity reaches both
the entry's `min_severity` and the channel's. Failures are `high`, so they reach every channel; a
recovery is `low` but is routed like the failure it ends, so whoever heard of the outage hears it
is over.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from alerts.channels import Channel
from alerts.model import ALERT_KINDS, Alert, alert_id
from basics.severity import severity_rank
from basics.timestamps import normalise_timestamp


class JudgedChange(Protocol):
    """What an alert reads of one judged change (`monitor.analysis.Change` is one)."""

    @property
    def material(self) -> bool: ...

    @property
    def severity(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


class Comparison(Protocol):
    """What an alert reads of a comparison (`monitor.analysis.Comparison` is one)."""

    @property
    def changes(self) -> Sequence[JudgedChange]: ...

    @property
    def notes(self) -> Sequence[str]: ...

    @property
    def language(self) -> Mapping[str, str | None]: ...

    @property
    def severity(self) -> str: ...

KIND_SEVERITY = {"failure": "high", "recovered": "low", "warning": "medium"}

FAILURE_REASONS = {
    "unreachable": "unreachable for {consecutive_failures} consecutive checks",
    "selector_empty": "the selector matches nothing on the page",
    "login_wall": "the page turned into a login wall",
    "suspect": "the page no longer looks like the policy",
    "needs_browser": "the page needs JavaScript: add `browser: true` to its entry",
}


def _change_title(changes: list[dict]) -> str:
    if not changes:
        return "Material change"
    first = changes[0]
    title = first.get("summary") or f"{first.get('category', 'policy')} changed"
    if len(changes) > 1:
        others = ", ".join(dict.fromkeys(c.get("category", "") for c in changes[1:]))
        title += f" (and {len(changes) - 1} more: {others})"
    return title


def _change_summary(changes: list[dict]) -> str:
    if not changes:
        return "The policy changed in a way that matters."
    listed = ", ".join(f"{c.get('category', '?')} ({c.get('severity', 'none')})" for c in changes)
    noun = "change" if len(changes) == 1 else "changes"
    return f"{len(changes)} material {noun}: {listed}."


def _event_message(kind: str, details: dict[str, Any]) -> str:
    if details.get("message"):
        return str(details["message"])
    if kind == "failure":
        template = FAILURE_REASONS.get(str(details.get("reason", "")), "checks are failing")
        return template.format_map({"consecutive_failures": "several", **details})
    if kind == "recovered":
        failed = details.get("consecutive_failures")
        return f"checks succeed again after {failed} failed checks" if failed else "checks succeed again"
    return "warning"


def build_alerts(
    policy: dict[str, Any],
    kind: str,
    comparison: Comparison | None,
    channels: dict[str, Channel],
    version: int | None,
    prev_version: int | None,
    now: str,
    details: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Outbox rows for one event, one per channel of the entry whose threshold the alert meets.

    `policy` is the entry as a dict (`name`, `url`, `alerts`: channel names, `min_severity`).
    The alert id is stable: (policy, version, channel, kind) for changes; failures, recoveries
    and warnings use `details["key"]` (e.g. the id of the check that tripped them) when given.
    A channel named by the entry but absent from `channels` still gets its row, so delivery
    reports it instead of the alert vanishing. A change's values come with
    `old_words`/`new_words` ("2 years" for `P2Y`): the renderings show those, the data keeps the values.
    """
    if kind not in ALERT_KINDS:
        raise ValueError(f"unknown alert kind {kind!r} (one of {', '.join(ALERT_KINDS)})")
    details = dict(details or {})
    now = normalise_timestamp(now)
    name = str(policy["name"])
    changes: list[dict] = []
    if comparison is not None:
        material = [change for change in comparison.changes if change.material]
        material.sort(key=lambda change: severity_rank(change.severity), reverse=True)
        changes = [change.to_json() for change in material]
        if comparison.notes:
            details.setdefault("notes", list(comparison.notes))
        if comparison.language:
            details.setdefault("language", dict(comparison.language))

    if kind == "change":
        if comparison is None or version is None:
            raise ValueError("a change alert needs the comparison and the new version")
        severity = comparison.severity
        title, summary = _change_title(changes), _change_summary(changes)
    else:
        severity = str(details.get("severity") or KIND_SEVERITY[kind])
        message = _event_message(kind, details)
        title = {"failure": f"Monitoring failure: {message}", "recovered": f"Recovered: {message}"}.get(kind, message)
        summary = message

    diff_command = ""
    if version is not None and prev_version is not None:
        diff_command = f"policy-monitor diff {shlex.quote(name)} {prev_version} {version}"
    if prev_version is not None:
        details.setdefault("prev_version", prev_version)
    key = version if kind == "change" else details.get("key", version if version is not None else now)

    routing_severity = "high" if kind == "recovered" else severity
    policy_threshold = str(policy.get("min_severity") or "low")
    if severity_rank(routing_severity) < max(severity_rank(policy_threshold), severity_rank("low")):
        return []  # below what this policy wants to hear about, on any channel
    rows = []
    for channel_name in dict.fromkeys(policy.get("alerts") or []):
        channel = channels.get(channel_name)
        if channel is not None and not channel.accepts(routing_severity):
            continue
        alert = Alert(
            id=alert_id(name, key, channel_name, kind),
            policy=name,
            kind=kind,
            severity=severity,
            title=title,
            summary=summary,
            changes=changes,
            diff_command=diff_command,
            url=str(policy.get("url") or ""),
            version=version,
            created_at=now,
            details=details,
        )
        rows.append({
            "id": alert.id,
            "created_at": now,
            "policy": name,
            "channel": channel_name,
            "kind": kind,
            "severity": severity,
            "payload": json.dumps(alert.to_json(), ensure_ascii=False),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
            "delivered_at": None,
        })
    return rows
