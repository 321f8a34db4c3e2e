"""The alert payload and its three readable renderings (plain text, Markdown, HTML).

An alert is what one channel receives about one event of one policy: a material change, a
monitoring failure, a recovery or a warning. It is stored as JSON in the outbox, so it must
survive a round trip through `to_json` / `from_json` unchanged.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass, field
from collections.abc import Mapping
from typing import Any

from basics.severity import SEVERITIES

ALERT_KINDS = ("change", "failure", "recovered", "warning")


def alert_id(policy: str, key: object, channel: str, kind: str) -> str:
    """Stable id of one alert to one channel: enqueuing or delivering it twice is recognisable."""
    material = json.dumps([policy, str(key), channel, kind], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


@dataclass
class Alert:
    """One event about one policy, addressed to one channel."""

    id: str
    policy: str
    kind: str
    severity: str
    title: str
    summary: str
    changes: list[dict] = field(default_factory=list)
    diff_command: str = ""
    url: str = ""
    version: int | None = None
    created_at: str = ""
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> Alert:
        """Rebuild an alert from its outbox payload (a dict or its JSON text)."""
        if isinstance(data, str):
            data = json.loads(data)
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    @property
    def headline(self) -> str:
        """One line that says it all: `[high] example: Retention period changed ...`."""
        return f"[{self.severity}] {self.policy}: {self.title}"


def _category_label(category: str) -> str:
    return category.replace("_", " ").capitalize() if category else "Change"


def _values(values: list[str]) -> str:
    return ", ".join(values) if values else "(none)"


def _change_values(change: Mapping[str, Any]) -> tuple[str, str]:
    """A change's before and after values in words ("3 years", "the United States") when the
    analysis gave them, as stored otherwise (ISO codes stay in the JSON payload)."""
    old = change.get("old_words") or change.get("old_values") or []
    new = change.get("new_words") or change.get("new_values") or []
    return _values(list(old)), _values(list(new))


def _detail_lines(alert: Alert) -> list[str]:
    """Facts about a failure/warning worth showing (error text, how many checks failed...)."""
    labels = {
        "reason": "Reason",
        "consecutive_failures": "Consecutive failed checks",
        "error": "Last error",
        "since": "Since",
        "selector": "Selector",
        "final_url": "Final URL",
        "language_old": "Language before",
        "language_new": "Language after",
        "partial": "Analysed in part",
    }
    return [f"{label}: {alert.details[key]}" for key, label in labels.items() if alert.details.get(key) not in (None, "")]


def render_text(alert: Alert) -> str:
    """Plain-text rendering: the e-mail text part, the webhook `text`, the Apprise body."""
    lines = [alert.headline]
    if alert.url:
        lines.append(f"URL: {alert.url}")
    if alert.summary and alert.summary not in alert.title:
        lines += ["", alert.summary]
    detail_lines = _detail_lines(alert)
    if detail_lines:
        lines += [""] + detail_lines
    for number, change in enumerate(alert.changes, 1):
        lines += ["", f"{number}. {_category_label(change.get('category', ''))} ({change.get('severity', 'none')})"]
        if change.get("summary"):
            lines.append(f"   {change['summary']}")
        if change.get("old_values") or change.get("new_values"):
            before, after = _change_values(change)
            lines.append(f"   {before} -> {after}")
        if change.get("old_text"):
            lines.append(f'   Before: "{change["old_text"]}"')
        if change.get("new_text"):
            lines.append(f'   After:  "{change["new_text"]}"')
    if alert.diff_command:
        lines += ["", f"See the diff: {alert.diff_command}"]
    return "\n".join(lines) + "\n"


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]|~!])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))", re.MULTILINE)
"""What makes a line a heading or a list item (`>` is already `&gt;`): escaped before the mark, or
before the `.` / `)` of a number."""


def md_text(text: str) -> str:
    """Text from a page (or anywhere) as Markdown that renders as exactly that text: no HTML
    (`<script>` stays visible text), no link, image, emphasis, heading or list made of it."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)
    return _MARKDOWN_LINE_START.sub(
        lambda match: match[1] + (match[2] + "\\" if match[2][0].isdigit() else "\\" + match[2]), escaped)


def _md_quote(text: str) -> str:
    return "\n".join(f"> {md_text(line)}" if line else ">" for line in text.splitlines())


def _md_url(url: str) -> str:
    return f"<{url}>" if url and not any(char in url for char in "<> \n") else md_text(url)


def render_markdown(alert: Alert) -> str:
    """Markdown rendering: one `##` section per alert, as appended to the file channel's alerts.md.
    Every text in it is escaped (`md_text`): a page's text is never markup."""
    severity = alert.severity if alert.severity in SEVERITIES else md_text(alert.severity)
    lines = [f"## [{severity}] {md_text(f'{alert.policy}: {alert.title}')}", "", f"<!-- alert-id: {alert.id} -->", ""]
    meta = [f"- Kind: {md_text(alert.kind)}", f"- Detected: {md_text(alert.created_at)}"]
    if alert.url:
        meta.append(f"- URL: {_md_url(alert.url)}")
    if alert.version is not None:
        meta.append(f"- Version: {alert.version}")
    meta += [f"- {md_text(line)}" for line in _detail_lines(alert)]
    lines += meta
    if alert.summary and alert.summary not in alert.title:
        lines += ["", md_text(alert.summary)]
    for change in alert.changes:
        label = f"{_category_label(change.get('category', ''))} ({change.get('severity', 'none')})"
        lines += ["", f"### {md_text(label)}", ""]
        if change.get("summary"):
            lines.append(md_text(change["summary"]))
        if change.get("old_values") or change.get("new_values"):
            before, after = _change_values(change)
            lines += ["", f"**{md_text(before)}** → **{md_text(after)}**"]
        if change.get("old_text"):
            lines += ["", "Before:", "", _md_quote(change["old_text"])]
        if change.get("new_text"):
            lines += ["", "After:", "", _md_quote(change["new_text"])]
    if alert.diff_command:
        lines += ["", f"See the diff: `{alert.diff_command.replace('`', '')}`"]
    return "\n".join(lines) + "\n"


def render_html(alert: Alert) -> str:
    """HTML fragment for the e-mail HTML part: plain markup, readable in any mail client."""
    esc = html.escape
    parts = [f"<h2>{esc(alert.headline)}</h2>"]
    if alert.url:
        parts.append(f'<p>URL: <a href="{esc(alert.url, quote=True)}">{esc(alert.url)}</a></p>')
    if alert.summary and alert.summary not in alert.title:
        parts.append(f"<p>{esc(alert.summary)}</p>")
    detail_lines = _detail_lines(alert)
    if detail_lines:
        parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in detail_lines) + "</ul>")
    for change in alert.changes:
        parts.append(f"<h3>{esc(_category_label(change.get('category', '')))} ({esc(change.get('severity', 'none'))})</h3>")
        if change.get("summary"):
            parts.append(f"<p>{esc(change['summary'])}</p>")
        if change.get("old_values") or change.get("new_values"):
            before, after = _change_values(change)
            parts.append(f"<p><del>{esc(before)}</del> &rarr; <ins>{esc(after)}</ins></p>")
        if change.get("old_text"):
            parts.append(f"<p>Before:</p><blockquote>{esc(change['old_text'])}</blockquote>")
        if change.get("new_text"):
            parts.append(f"<p>After:</p><blockquote>{esc(change['new_text'])}</blockquote>")
    if alert.diff_command:
        parts.append(f"<p>See the diff: <code>{esc(alert.diff_command)}</code></p>")
    return "\n".join(parts) + "\n"
