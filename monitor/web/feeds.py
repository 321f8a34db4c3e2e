"""Atom feeds of material changes (RFC 4287, written by feedgen): subscribe in any feed reader.

One entry per version that changed a policy materially, newest first, titled like its alert
("example: Retention period extended from 1 year to 3 years"), with every material change of that
version in its content and a link to the diff page. An entry's id is a tag URI made of the
policy's name, the version's number and when it was first seen, so it never changes however
often the feed is read, and a reader shows each change once.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from basics.timestamps import now, parse_timestamp
from monitor import __version__
from monitor.overview import values_in_words

TAG_AUTHORITY = "tag:policy-monitor,2026:"
"""Prefix of every id (RFC 4151 tag URIs: unique without any domain of ours)."""


def entry_id(policy: str, seq: int, first_seen: str) -> str:
    """The entry's id: stable for one version of one policy in one history."""
    return f"{TAG_AUTHORITY}{quote(policy, safe='')}/v{seq}/{first_seen.replace(':', '')}"


def _versions(rows: list[dict[str, Any]], limit: int) -> list[list[dict[str, Any]]]:
    """The material change rows (newest first) grouped by the version they made, at most `limit` versions."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["version_id"] not in grouped and len(grouped) == limit:
            break
        grouped.setdefault(row["version_id"], []).append(row)
    return list(grouped.values())


def _title(policy: str, changes: list[dict[str, Any]]) -> str:
    title = f"{policy}: {changes[0]['summary']}"
    if len(changes) > 1:
        title += f" (and {len(changes) - 1} more)"
    return title


def _content(changes: list[dict[str, Any]], diff_url: str) -> str:
    """The entry's HTML: each change's severity, category and summary, the values before and after
    in words, the clauses quoted, and the link to the diff."""
    esc = html.escape
    parts = []
    for change in changes:
        parts.append(f"<h3>{esc(change['summary'])}</h3>")
        parts.append(f"<p>{esc(change['category'].replace('_', ' '))}, severity {esc(change['severity'])}</p>")
        old_values = values_in_words(change["category"], change["old_values"])
        new_values = values_in_words(change["category"], change["new_values"])
        if old_values or new_values:
            parts.append(f"<p>{esc(', '.join(old_values) or 'none')} → {esc(', '.join(new_values) or 'none')}</p>")
        if change.get("old_text"):
            parts.append(f"<p>Before:</p><blockquote>{esc(change['old_text'])}</blockquote>")
        if change.get("new_text"):
            parts.append(f"<p>After:</p><blockquote>{esc(change['new_text'])}</blockquote>")
    parts.append(f'<p><a href="{esc(diff_url, quote=True)}">See the diff</a></p>')
    return "\n".join(parts)


def atom_feed(rows: list[dict[str, Any]], base_url: str, policy: str | None = None, limit: int = 100) -> bytes:
    """The Atom document of the material changes in `rows` (`Store.changes(material=True)`, newest
    first) for one policy, or for all when `policy` is None; links are absolute under `base_url`."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    if policy is None:
        feed.id(f"{TAG_AUTHORITY}changes")
        feed.title("policy-monitor: material changes")
        feed.link(href=f"{base_url}/feed.atom", rel="self", type="application/atom+xml")
        feed.link(href=f"{base_url}/", rel="alternate", type="text/html")
    else:
        page = f"{base_url}/policies/{quote(policy, safe='')}"
        feed.id(f"{TAG_AUTHORITY}{quote(policy, safe='')}")
        feed.title(f"policy-monitor: material changes of {policy}")
        feed.link(href=f"{page}/feed.atom", rel="self", type="application/atom+xml")
        feed.link(href=page, rel="alternate", type="text/html")
    feed.author({"name": "policy-monitor"})
    feed.generator("policy-monitor", version=__version__)
    versions = _versions(rows, limit)
    feed.updated(parse_timestamp(versions[0][0]["detected_at"]) if versions else now())
    for changes in versions:
        first = changes[0]
        name = first["policy"]
        diff_url = (f"{base_url}/policies/{quote(name, safe='')}/diff/{first['prev_seq']}/{first['seq']}"
                    if first["prev_seq"] else f"{base_url}/policies/{quote(name, safe='')}")
        detected = parse_timestamp(first["detected_at"])
        entry = feed.add_entry(order="append")
        entry.id(entry_id(name, first["seq"], first["detected_at"]))
        entry.title(_title(name, changes))
        entry.updated(detected)
        entry.published(detected)
        entry.link(href=diff_url, rel="alternate", type="text/html")
        for category in dict.fromkeys(change["category"] for change in changes):
            entry.category(term=category)
        entry.summary("; ".join(change["summary"] for change in changes))
        entry.content(_content(changes, diff_url), type="html")
    return feed.atom_str(pretty=True)
