"""Alerts: what they say, where they go, and that each one arrives once, however often delivery fails.

Every channel is exercised against a real server on 127.0.0.1: an SMTP server (aiosmtpd), an HTTP
receiver for webhooks and Apprise's `json://` service, and the file system for the file channel.
"""

from __future__ import annotations

import email
import email.policy
import json
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import WebhookReceiver, unused_port
from alerts import Alert, CHANNEL_KINDS, build_alerts, build_channels, deliver_pending
from alerts.channels import FileChannel
from alerts.model import render_html, render_markdown, render_text
from store.outbox import claim_due, enqueue, list_alerts, retry_now
from monitor.analysis.model import Change, Comparison
from basics.errors import WatchlistError
from store import Store

T0 = "2026-11-22T01:30:00Z"
EXAMPLE = {"name": "example", "url": "https://example.com/privacy", "alerts": ["archive"], "min_severity": "low"}


# --- fixtures: a database, a comparison, and real local servers ------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db.sqlite")
    yield store
    store.close()


def retention_comparison(severity: str = "high") -> Comparison:
    return Comparison(
        material=True,
        language={"old": "en", "new": "en"},
        changes=[
            Change(
                category="date", material=False, severity="none", summary="Effective date updated",
                old_values=["2025-01-01"], new_values=["2026-11-01"],
            ),
            Change(
                category="retention", material=True, severity=severity,
                summary="Retention period changed from 1 year to 3 years",
                old_values=["1 year"], new_values=["3 years"],
                old_text="We keep your data for 1 year after your last login.",
                new_text="We keep your data for 3 years after your last login.",
                rule="retention.period",
            ),
        ],
    )


@pytest.fixture
def receiver(webhook_receiver) -> WebhookReceiver:
    """A webhook receiver on 127.0.0.1 (conftest) that accepts every alert."""
    return webhook_receiver()


@pytest.fixture
def flaky_receiver(webhook_receiver) -> WebhookReceiver:
    """A webhook receiver on 127.0.0.1 (conftest) that answers 500 twice, then accepts."""
    return webhook_receiver(fail_first=2)


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.peers: list[tuple] = []
        """The client address of each message's SMTP session."""
        self.messages_per_session: int | None = None
        """When set, a session that already sent this many is told 421 (as busy servers do)."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        if self.messages_per_session is not None and self.peers.count(session.peer) >= self.messages_per_session:
            return "421 Too many messages in this session, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(monkeypatch):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=unused_port())
    controller.start()
    monkeypatch.setenv("POLICY_MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POLICY_MONITOR_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("POLICY_MONITOR_SMTP_FROM", "monitor@example.org")
    for name in ("USER", "PASSWORD", "STARTTLS"):
        monkeypatch.delenv(f"POLICY_MONITOR_SMTP_{name}", raising=False)
    yield mailbox
    controller.stop()


def only_row(store) -> dict:
    rows = list_alerts(store)
    assert len(rows) == 1
    return rows[0]


# --- what an alert says -----------------------------------------------------------------------


def test_a_change_alert_says_what_changed_in_plain_words(tmp_path):
    channels = build_channels({"archive": {"kind": "file", "path": "alerts"}}, tmp_path)
    [row] = build_alerts(EXAMPLE, "change", retention_comparison(), channels, version=3, prev_version=2, now=T0)
    alert = Alert.from_json(row["payload"])

    assert (alert.policy, alert.kind, alert.severity, alert.version) == ("example", "change", "high", 3)
    assert [change["category"] for change in alert.changes] == ["retention"]  # the date bump is not material
    text = render_text(alert)
    assert text.startswith("[high] example: Retention period changed from 1 year to 3 years\n")
    assert "1 year -> 3 years" in text
    assert 'Before: "We keep your data for 1 year after your last login."' in text
    assert 'After:  "We keep your data for 3 years after your last login."' in text
    assert text.rstrip().endswith("See the diff: policy-monitor diff example 2 3")

    markdown = render_markdown(alert)
    assert markdown.startswith("## [high] example: Retention period changed from 1 year to 3 years")
    assert "> We keep your data for 3 years after your last login." in markdown
    html = render_html(alert)
    assert "<blockquote>We keep your data for 1 year after your last login.</blockquote>" in html
    assert "<code>policy-monitor diff example 2 3</code>" in html


HOSTILE_PAGE_TEXT = (
    "We keep your data for 3 years. <script>alert('owned')</script> "
    "[Read more](javascript:alert('owned')) ![tracker](http://tracker.example/pixel.png) "
    "<img src=x onerror=alert('owned')> <a href='http://phish.example'>sign in</a>\n# Not a heading\n- not a list"
)


def test_page_text_in_alerts_md_renders_as_text_not_markup(tmp_path):
    """alerts.md is read through Markdown renderers (GitHub, editors' previews): whatever a page says
    (it quotes the page) must come out as the page's text, never as script, link or image."""
    from markdown_it import MarkdownIt

    change = Change(category="retention", material=True, severity="high", summary="Retention period changed",
                    old_values=["P1Y"], new_values=["P3Y <b>"], old_text="We keep your data for 1 year.",
                    new_text=HOSTILE_PAGE_TEXT, rule="fact:retention_period", section="<h1>Data</h1>")
    comparison = Comparison(material=True, language={"old": "en", "new": "en"}, changes=[change])
    channel = FileChannel("archive", tmp_path / "alerts")
    [row] = build_alerts(EXAMPLE, "change", comparison, {"archive": channel}, version=3, prev_version=2, now=T0)
    channel.send([Alert.from_json(row["payload"])])

    rendered = MarkdownIt("commonmark").render((tmp_path / "alerts" / "alerts.md").read_text(encoding="utf-8"))
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert rendered.count("<a ") == 1 and '<a href="https://example.com/privacy">' in rendered  # the policy's own
    assert "&lt;script&gt;alert('owned')&lt;/script&gt;" in rendered  # shown, as written on the page
    assert "[Read more](javascript:alert('owned'))" in rendered and "# Not a heading" in rendered
    assert rendered.count("<h2>") == 1 and "<li>" not in rendered.split("After:")[1]


def test_failures_and_recoveries_are_alerts_too(tmp_path):
    channels = build_channels({"archive": {"kind": "file"}}, tmp_path)
    details = {"reason": "unreachable", "consecutive_failures": 3, "error": "connection refused", "key": "check-17"}
    [failure] = build_alerts(EXAMPLE, "failure", None, channels, None, None, T0, details)
    [recovered] = build_alerts(EXAMPLE, "recovered", None, channels, None, None, T0, {"key": "check-18"})

    failure_alert = Alert.from_json(failure["payload"])
    assert failure_alert.severity == "high"
    assert failure_alert.title == "Monitoring failure: unreachable for 3 consecutive checks"
    assert "Last error: connection refused" in render_text(failure_alert)
    assert Alert.from_json(recovered["payload"]).severity == "low"
    assert failure["id"] != recovered["id"]


# --- the outbox: never lost, never doubled ----------------------------------------------------


def test_enqueuing_the_same_alert_twice_keeps_one_row(store, tmp_path):
    channels = build_channels({"archive": {"kind": "file"}}, tmp_path)
    first = build_alerts(EXAMPLE, "change", retention_comparison(), channels, 3, 2, T0)
    again = build_alerts(EXAMPLE, "change", retention_comparison(), channels, 3, 2, "2026-11-22T02:00:00Z")

    assert [row["id"] for row in first] == [row["id"] for row in again]
    assert len(first[0]["id"]) == 32
    assert enqueue(store, first) == 1
    assert enqueue(store, again) == 0
    assert only_row(store)["status"] == "pending"


def test_an_alert_is_written_in_the_transaction_of_the_change_it_reports(store, tmp_path):
    channels = build_channels({"archive": {"kind": "file"}}, tmp_path)
    rows = build_alerts(EXAMPLE, "change", retention_comparison(), channels, 3, 2, T0)

    with pytest.raises(RuntimeError):
        with store.transaction():
            enqueue(store, rows)
            raise RuntimeError("the check failed before commit")
    assert list_alerts(store) == []

    with store.transaction():
        assert enqueue(store, rows) == 1
    assert len(list_alerts(store)) == 1


def test_alerts_go_only_to_channels_whose_minimum_severity_they_meet(tmp_path):
    channels = build_channels(
        {"team": {"kind": "file", "path": "team"}, "legal": {"kind": "file", "path": "legal", "min_severity": "high"}},
        tmp_path,
    )
    policy = {**EXAMPLE, "alerts": ["team", "legal"]}

    def routed(kind, comparison=None, entry=policy):
        rows = build_alerts(entry, kind, comparison, channels, 3, 2, T0, {"key": "k"})
        return sorted(row["channel"] for row in rows)

    assert routed("change", retention_comparison("high")) == ["legal", "team"]
    assert routed("change", retention_comparison("medium")) == ["team"]
    assert routed("change", retention_comparison("medium"), {**policy, "min_severity": "high"}) == []
    assert routed("failure") == ["legal", "team"]
    assert routed("recovered") == ["legal", "team"]  # whoever heard of the outage hears it is over
    assert routed("warning") == ["team"]


# --- webhook ----------------------------------------------------------------------------------


def test_a_webhook_that_fails_twice_gets_the_alert_exactly_once_with_its_stable_id(store, flaky_receiver, tmp_path):
    channels = build_channels({"team": {"kind": "webhook", "url": flaky_receiver.url}}, tmp_path)
    [row] = build_alerts({**EXAMPLE, "alerts": ["team"]}, "change", retention_comparison(), channels, 3, 2, T0)
    enqueue(store, [row])

    now = T0
    for attempt in (1, 2):
        report = deliver_pending(store, channels, now=now)
        assert (report.delivered, report.failed) == (0, 1)
        assert "HTTP 500" in report.errors[0]
        pending = only_row(store)
        assert (pending["status"], pending["attempts"]) == ("pending", attempt)
        assert pending["next_attempt_at"] > now  # backoff: not due again right away
        assert deliver_pending(store, channels, now=now).delivered == 0
        now = pending["next_attempt_at"]

    assert deliver_pending(store, channels, now=now).delivered == 1
    assert deliver_pending(store, channels, now="2026-12-31T00:00:00Z").delivered == 0

    delivered = only_row(store)
    assert (delivered["status"], delivered["attempts"], delivered["last_error"]) == ("delivered", 3, None)
    assert len(flaky_receiver.requests) == 3
    [arrived] = flaky_receiver.accepted
    assert arrived["body"]["id"] == row["id"]
    assert {request["headers"]["Idempotency-Key"] for request in flaky_receiver.requests} == {row["id"]}
    assert arrived["body"]["text"].startswith("[high] example: Retention period changed")  # Slack-compatible
    assert arrived["body"]["diff_command"] == "policy-monitor diff example 2 3"
    assert arrived["body"]["changes"][0]["new_values"] == ["3 years"]


def test_the_alerts_of_one_delivery_run_share_one_webhook_connection(store, receiver, tmp_path):
    channels = build_channels({"team": {"kind": "webhook", "url": receiver.url}}, tmp_path)
    for version in (3, 4, 5):
        enqueue(store, build_alerts({**EXAMPLE, "alerts": ["team"]}, "change", retention_comparison(), channels,
                                 version, version - 1, T0))

    assert deliver_pending(store, channels, now=T0).delivered == 3

    assert sorted(request["body"]["version"] for request in receiver.requests) == [3, 4, 5]
    assert len({request["client"] for request in receiver.requests}) == 1


def test_a_dead_server_costs_one_attempt_per_run_not_one_per_alert(store, tmp_path):
    channels = build_channels({"team": {"kind": "webhook", "url": f"http://127.0.0.1:{unused_port()}/"}}, tmp_path)
    for version in (3, 4, 5):
        enqueue(store, build_alerts({**EXAMPLE, "alerts": ["team"]}, "change", retention_comparison(), channels,
                                 version, version - 1, T0))

    report = deliver_pending(store, channels, now=T0)

    assert (report.delivered, report.failed) == (0, 1)
    assert sorted(row["attempts"] for row in list_alerts(store)) == [0, 0, 1]
    assert all(row["status"] == "pending" for row in list_alerts(store))


def test_a_row_being_sent_by_one_process_is_not_sent_by_another_until_its_lease_runs_out(store, receiver, tmp_path):
    channels = build_channels({"team": {"kind": "webhook", "url": receiver.url}}, tmp_path)
    enqueue(store, build_alerts({**EXAMPLE, "alerts": ["team"]}, "change", retention_comparison(), channels, 3, 2, T0))

    assert len(claim_due(store, T0)) == 1  # another process took it, then died
    assert deliver_pending(store, channels, now=T0).delivered == 0
    assert deliver_pending(store, channels, now="2026-11-22T01:36:00Z").delivered == 1
    assert len(receiver.requests) == 1


# --- e-mail -----------------------------------------------------------------------------------


def test_an_email_alert_has_a_text_and_an_html_part(store, smtp, tmp_path):
    channels = build_channels({"legal": {"kind": "email", "to": "legal@example.com", "min_severity": "high"}}, tmp_path)
    enqueue(store, build_alerts({**EXAMPLE, "alerts": ["legal"]}, "change", retention_comparison(), channels, 3, 2, T0))

    assert deliver_pending(store, channels, now=T0).delivered == 1

    [message] = smtp.messages
    assert smtp.recipients == [["legal@example.com"]]
    assert message["Subject"] == "[policy-monitor] [high] example: Retention period changed from 1 year to 3 years"
    assert message["From"] == "monitor@example.org"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "See the diff: policy-monitor diff example 2 3" in text
    assert "<h2>[high] example: Retention period changed from 1 year to 3 years</h2>" in html


def test_a_digest_email_groups_one_delivery_run_into_one_message(store, smtp, tmp_path):
    channels = build_channels({"legal": {"kind": "email", "to": ["a@example.com", "b@example.com"], "digest": True}},
                              tmp_path)
    for name in ("alpha", "beta", "gamma"):
        enqueue(store, build_alerts({**EXAMPLE, "name": name, "alerts": ["legal"]}, "change", retention_comparison(),
                                 channels, 3, 2, T0))

    report = deliver_pending(store, channels, now=T0)

    assert report.delivered == 3
    [message] = smtp.messages
    assert sorted(smtp.recipients[0]) == ["a@example.com", "b@example.com"]
    assert message["Subject"] == "[policy-monitor] 3 alerts (high): alpha, beta, gamma"
    text = message.get_body(preferencelist=("plain",)).get_content()
    for name in ("alpha", "beta", "gamma"):
        assert f"policy-monitor diff {name} 2 3" in text
    assert {row["status"] for row in list_alerts(store)} == {"delivered"}


def test_separate_email_alerts_of_one_delivery_run_share_one_smtp_session(store, smtp, tmp_path):
    channels = build_channels({"legal": {"kind": "email", "to": "legal@example.com"}}, tmp_path)
    for version in (3, 4):
        enqueue(store, build_alerts({**EXAMPLE, "alerts": ["legal"]}, "change", retention_comparison(), channels,
                                 version, version - 1, T0))

    assert deliver_pending(store, channels, now=T0).delivered == 2

    assert len(smtp.messages) == 2 and len(set(smtp.peers)) == 1
    assert channels["legal"]._smtp is None  # the run's session ended with the run


def test_a_shared_smtp_session_the_server_ends_is_opened_again_for_the_next_alert(store, smtp, tmp_path):
    smtp.messages_per_session = 1
    channels = build_channels({"legal": {"kind": "email", "to": "legal@example.com"}}, tmp_path)
    for version in (3, 4, 5):
        enqueue(store, build_alerts({**EXAMPLE, "alerts": ["legal"]}, "change", retention_comparison(), channels,
                                 version, version - 1, T0))

    report = deliver_pending(store, channels, now=T0)

    assert (report.delivered, report.failed) == (3, 0)
    assert len(smtp.messages) == 3 and len(set(smtp.peers)) == 3


def test_an_unreachable_smtp_server_leaves_the_alert_pending(store, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POLICY_MONITOR_SMTP_PORT", str(unused_port()))
    channels = build_channels({"legal": {"kind": "email", "to": "legal@example.com"}}, tmp_path)
    enqueue(store, build_alerts({**EXAMPLE, "alerts": ["legal"]}, "change", retention_comparison(), channels, 3, 2, T0))

    report = deliver_pending(store, channels, now=T0)

    assert report.failed == 1 and "SMTP 127.0.0.1" in report.errors[0]
    assert (only_row(store)["status"], only_row(store)["attempts"]) == ("pending", 1)


# --- file and apprise ---------------------------------------------------------------------------


def test_the_file_channel_writes_json_lines_and_markdown_without_duplicates(store, tmp_path):
    channels = build_channels({"archive": {"kind": "file", "path": "alerts"}}, tmp_path)
    [row] = build_alerts(EXAMPLE, "change", retention_comparison(), channels, 3, 2, T0)
    enqueue(store, [row])

    assert deliver_pending(store, channels, now=T0).delivered == 1
    channels["archive"].send([Alert.from_json(row["payload"])])  # a re-delivery after a crash

    lines = (tmp_path / "alerts" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [row["id"]]
    markdown = (tmp_path / "alerts" / "alerts.md").read_text(encoding="utf-8")
    assert markdown.count("## [high] example: Retention period changed from 1 year to 3 years") == 1


def test_an_apprise_url_delivers_through_apprise(store, receiver, tmp_path):
    url = f"json://127.0.0.1:{receiver.port}/apprise"
    channels = build_channels({"chat": {"kind": "apprise", "url": url}}, tmp_path)
    enqueue(store, build_alerts({**EXAMPLE, "alerts": ["chat"]}, "change", retention_comparison(), channels, 3, 2, T0))

    assert deliver_pending(store, channels, now=T0).delivered == 1

    [request] = receiver.requests
    assert request["path"] == "/apprise"
    assert request["body"]["title"] == "[high] example: Retention period changed from 1 year to 3 years"
    assert "See the diff: policy-monitor diff example 2 3" in request["body"]["message"]


# --- configuration mistakes and orphans -------------------------------------------------------


def test_an_alert_for_a_channel_that_no_longer_exists_fails_with_a_clear_error(store, tmp_path):
    old_channels = build_channels({"gone": {"kind": "file"}}, tmp_path)
    enqueue(store, build_alerts({**EXAMPLE, "alerts": ["gone"]}, "change", retention_comparison(), old_channels, 3, 2, T0))

    report = deliver_pending(store, build_channels({"archive": {"kind": "file"}}, tmp_path), now=T0)

    assert report.failed == 1
    row = only_row(store)
    assert row["status"] == "failed"
    assert row["last_error"] == "channel 'gone' is not configured in the watchlist"
    assert retry_now(store, T0) == 1
    assert only_row(store)["status"] == "pending"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"legal": {"kind": "email"}}, "channel 'legal': field 'to' is required"),
        ({"legal": {"kind": "email", "to": "nobody"}}, "channel 'legal': field 'to': 'nobody' is not an e-mail address"),
        ({"legal": {"kind": "email", "to": "a@b.c", "password": "x"}}, "channel 'legal': field 'password' is not allowed"),
        ({"team": {"kind": "webhook", "url": "ftp://x"}}, "channel 'team': field 'url': must be an http(s) URL"),
        ({"team": {"kind": "webhook", "url": "http://[::1"}}, "channel 'team': field 'url': must be an http(s) URL"),
        ({"team": {"kind": "webhook", "uri": "https://x"}}, "channel 'team': field 'url' is required"),
        ({"team": {"kind": "webhook", "url": "https://x", "secret": 1}}, "channel 'team': field 'secret': unknown field 'secret'"),
        ({"team": {"kind": "file", "min_severity": "urgent"}}, "channel 'team': field 'min_severity': must be 'low', 'medium' or 'high'"),
        ({"chat": {"kind": "apprise", "url": "nosuchservice://x"}}, "channel 'chat': field 'url': not an Apprise URL"),
        ({"chat": {"url": "https://x"}}, "channel 'chat': field 'kind' is required"),
        ({"chat": {"kind": "pigeon"}}, "channel 'chat': field 'kind' 'pigeon' is unknown"),
    ],
)
def test_channel_mistakes_are_one_line_errors_naming_channel_and_field(config, message, tmp_path):
    with pytest.raises(WatchlistError) as error:
        build_channels(config, tmp_path)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_an_apprise_channel_without_the_apprise_extra_is_a_one_line_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "apprise", None)  # what `import apprise` meets without the extra
    with pytest.raises(WatchlistError) as error:
        build_channels({"chat": {"kind": "apprise", "url": "json://127.0.0.1/x"}}, tmp_path)
    assert str(error.value) == ("channel 'chat': kind 'apprise' needs the apprise package: "
                                "pip install 'policy-monitor[apprise]'")


def test_every_kind_is_registered():
    assert sorted(CHANNEL_KINDS) == ["apprise", "email", "file", "webhook"]
    assert isinstance(build_channels({"a": {"kind": "file", "path": "out"}}, Path("/srv/wl"))["a"], FileChannel)
    assert build_channels({"a": {"kind": "file", "path": "out"}}, Path("/srv/wl"))["a"].folder == Path("/srv/wl/out")
