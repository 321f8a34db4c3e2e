"""The check pipeline against a real HTTP server on 127.0.0.1 whose pages change between checks:
versions, changes, facts and alerts are stored together; failures and noisy pages never pose as
policy changes, and nothing fetched is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conftest import bench_page, policy_page, seed_html, seed_text, unused_port
from monitor.pipeline import check_all, derive_facts, reprocess
from monitor.watchlist import database_path, load_watchlist
from store import Store

RETENTION_OLD = bench_page("en-retention-period", "old")
RETENTION_NEW = bench_page("en-retention-period", "new")
NOISE_OLD = bench_page("en-noise", "old")
NOISE_NEW = bench_page("en-noise", "new")


def run_checks(path: Path, *names: str):
    watchlist = load_watchlist(path)
    with Store(database_path(watchlist)) as store:
        return asyncio.run(check_all(watchlist, store, names=list(names) or None))


def check_one(path: Path):
    (outcome,) = run_checks(path)
    return outcome


def open_store(path: Path) -> Store:
    return Store(database_path(load_watchlist(path)))


def versions(path: Path, name: str = "example"):
    with open_store(path) as store:
        return store.versions(store.policy_id(name))


def outbox_kinds(path: Path) -> list[str]:
    with open_store(path) as store:
        return [row[0] for row in store.conn.execute("SELECT kind FROM outbox ORDER BY rowid")]


@pytest.fixture
def watch(policy_server, tmp_watchlist):
    """A watchlist with one entry `example` at policy_server /privacy (language en)."""

    def make(language: str | None = "en", settings: dict | None = None, **fields) -> Path:
        entry = {"name": "example", "url": policy_server.url("/privacy"), **fields}
        if language:
            entry["language"] = language
        return tmp_watchlist([entry], settings={"failure_threshold": 2, **(settings or {})})

    return make


@pytest.fixture
def checked_once(policy_server, watch):
    """`watch(...)` with RETENTION_OLD served and already checked once: it is version 1."""

    def make(**options) -> Path:
        policy_server.set("/privacy", RETENTION_OLD)
        path = watch(**options)
        check_one(path)
        return path

    return make


def test_first_check_stores_version_one_and_no_alert(policy_server, watch):
    policy_server.set("/privacy", RETENTION_OLD)
    path = watch()
    outcome = check_one(path)
    assert outcome.outcome == "new_version" and outcome.version_seq == 1 and not outcome.material
    with open_store(path) as store:
        pid = store.policy_id("example")
        latest = store.latest_version(pid)
        assert latest.seq == 1 and latest.origin == "fetch" and latest.language == "en"
        assert "Privacy" in latest.text
        assert store.last_check(pid)["outcome"] == "new_version"
        assert store.get_snapshot(latest.snapshot_hash)[0] == RETENTION_OLD.encode("utf-8")
        assert store.versions_without_facts(pid) == [(latest.id, latest.text, "en")]
    assert outbox_kinds(path) == []


def test_facts_are_derived_from_the_stored_text_when_first_asked_for_then_kept(policy_server, checked_once):
    path = checked_once()
    policy_server.set("/privacy", RETENTION_NEW)
    assert check_one(path).material
    with open_store(path) as store:
        pid = store.policy_id("example")
        v1, v2 = store.versions(pid)
        assert derive_facts(store, pid) == 2
        assert store.facts(v2.id)["retention"] == ["P24M"]
        assert "retention" not in store.facts(v1.id)
        assert derive_facts(store, pid) == 0
        assert store.versions_without_facts(pid) == []
        assert store.fact_history(pid)[1]["facts"]["retention"] == ["P24M"]


def test_an_unchanged_page_adds_a_check_but_no_version(policy_server, checked_once):
    path = checked_once()
    outcome = check_one(path)
    assert outcome.outcome == "unchanged" and outcome.version_seq == 1 and not outcome.new_version
    assert len(versions(path)) == 1
    with open_store(path) as store:
        assert [c["outcome"] for c in store.checks(store.policy_id("example"))] == ["unchanged", "new_version"]


def test_a_material_change_stores_version_two_its_changes_and_one_alert(policy_server, checked_once):
    path = checked_once()
    policy_server.set("/privacy", RETENTION_NEW)
    outcome = check_one(path)
    assert outcome.outcome == "new_version" and outcome.version_seq == 2
    assert outcome.material and outcome.severity != "none"
    assert any(c["category"] == "retention" and c["material"] for c in outcome.changes)
    assert outcome.alerts == ["change"]
    with open_store(path) as store:
        stored = store.changes(policy="example")
        assert any(c["category"] == "retention" and c["material"] and c["seq"] == 2 and c["prev_seq"] == 1
                   for c in stored)
        assert store.latest_version(store.policy_id("example")).material is True
    assert outbox_kinds(path) == ["change"]


def test_a_noise_only_change_is_a_version_without_alert(policy_server, watch):
    policy_server.set("/privacy", NOISE_OLD)
    path = watch()
    check_one(path)
    policy_server.set("/privacy", NOISE_NEW)
    outcome = check_one(path)
    assert outcome.outcome == "unchanged" and not outcome.material
    assert len(versions(path)) == 1
    assert outbox_kinds(path) == []


def test_304_not_modified_uses_the_stored_validators(policy_server, watch):
    policy_server.set("/privacy", RETENTION_OLD, etag='"v1"')
    path = watch()
    check_one(path)
    outcome = check_one(path)
    assert outcome.outcome == "not_modified" and outcome.version_seq == 1
    assert policy_server.requests("/privacy")[-1].get("if-none-match") == '"v1"'
    assert len(versions(path)) == 1


BROKEN_PAGES = {
    "404": dict(body="<h1>gone</h1>", status=404),
    "500": dict(body="<h1>oops</h1>", status=500),
    "timeout": dict(body=RETENTION_NEW, delay=1.5),
    "huge": dict(body="<p>" + "lorem ipsum " * 30_000 + "</p>"),
    "binary": dict(body=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, content_type="image/png"),
    "empty": dict(body=b""),
    "selector matches nothing": dict(body=policy_page("No article element here at all.")),
}


@pytest.mark.parametrize("case", list(BROKEN_PAGES))
def test_a_broken_fetch_is_an_error_check_and_the_history_is_untouched(policy_server, watch, case):
    policy_server.set("/privacy", RETENTION_OLD)
    path = watch(settings={"timeout": 0.5, "max_bytes": 200_000},
                 select="article" if case == "selector matches nothing" else None)
    assert check_one(path).outcome == "new_version"
    policy_server.set("/privacy", **BROKEN_PAGES[case])
    outcome = check_one(path)
    assert outcome.outcome == "error", outcome
    assert outcome.error
    if case == "selector matches nothing":
        assert "matched nothing" in outcome.error
    with open_store(path) as store:
        pid = store.policy_id("example")
        assert [v.seq for v in store.versions(pid)] == [1]
        assert store.get_snapshot(store.latest_version(pid).snapshot_hash)[0] == RETENTION_OLD.encode("utf-8")
        last = store.last_check(pid)
        assert last["outcome"] == "error" and last["error"] == outcome.error
    assert outbox_kinds(path) == []  # one failure is below the threshold (2)


def test_repeated_failures_alert_once_and_recovery_is_announced(policy_server, tmp_watchlist):
    entry = {"name": "example", "url": f"http://127.0.0.1:{unused_port()}/privacy", "language": "en"}
    path = tmp_watchlist([entry], settings={"failure_threshold": 2})
    outcomes = [check_one(path) for _ in range(3)]
    assert [o.outcome for o in outcomes] == ["error"] * 3
    assert "connection" in outcomes[0].error
    assert outcomes[0].alerts == [] and outcomes[1].alerts == ["failure"]
    assert outbox_kinds(path) == ["failure"]  # enqueued once for the whole streak
    assert versions(path) == []

    policy_server.set("/privacy", RETENTION_OLD)
    tmp_watchlist([{**entry, "url": policy_server.url("/privacy")}], settings={"failure_threshold": 2})
    recovered = check_one(path)
    assert recovered.outcome == "new_version" and recovered.alerts == ["recovered"]
    assert outbox_kinds(path) == ["failure", "recovered"]


def test_a_server_that_lies_about_the_charset_still_gives_the_right_text(policy_server, watch):
    russian = seed_html(1)
    policy_server.set("/privacy", russian.encode("cp1251", errors="replace"), content_type="text/html; charset=utf-8")
    path = watch(language="ru")
    assert check_one(path).outcome == "new_version"
    with open_store(path) as store:
        text = store.latest_version(store.policy_id("example")).text
    assert "Политика конфиденциальности" in text


SUSPECT_PAGES = {
    "error page served with 200": policy_page("Sorry, the page you requested could not be found.",
                                              title="Page not found"),
    "german error page": policy_page("Die Seite existiert nicht.", title="Seite nicht gefunden", lang="de"),
    "bot check": "<html><head><title>Just a moment...</title></head><body><p>Checking your browser before "
                 "accessing the site.</p></body></html>",
    "maintenance": policy_page("We are down for maintenance. We'll be back soon.", title="Maintenance"),
    "lost most of its text": policy_page("Privacy policy", "We care about your privacy."),
}


@pytest.mark.parametrize("case", list(SUSPECT_PAGES))
def test_a_suspect_page_is_held_back_not_stored_as_the_policy(policy_server, checked_once, case):
    path = checked_once()
    policy_server.set("/privacy", SUSPECT_PAGES[case])
    outcome = check_one(path)
    assert outcome.outcome == "suspect", outcome
    assert outcome.error
    assert [v.seq for v in versions(path)] == [1]
    assert outbox_kinds(path) == []
    if case != "lost most of its text":  # a stable shrink is eventually believed (test below)
        second = check_one(path)  # a second suspect check in a row reaches the threshold (2)
        assert second.outcome == "suspect" and second.alerts == ["failure"]


def test_a_page_served_in_another_language_is_a_warning_not_a_change(policy_server, checked_once):
    path = checked_once(language="en")
    policy_server.set("/privacy", seed_html(2))  # the Dutch policy
    outcome = check_one(path)
    assert outcome.outcome == "suspect"
    assert "instead of English (en)" in outcome.error
    assert outcome.alerts == ["warning"]
    assert [v.seq for v in versions(path)] == [1]


KEPT_90_DAYS = policy_page("# Retention", "We keep your personal data for 90 days after your last visit.",
                           "# Contact", "Write to privacy@example.com with any question.")
KEPT_2_YEARS = KEPT_90_DAYS.replace("90 days", "2 years")


def test_a_return_to_an_earlier_text_is_a_change_once_the_text_between_was_announced(policy_server, watch):
    policy_server.set("/privacy", KEPT_90_DAYS)
    path = watch()
    check_one(path)
    policy_server.set("/privacy", KEPT_2_YEARS)
    assert check_one(path).alerts == ["change"]  # announced: 90 days -> 2 years
    policy_server.set("/privacy", KEPT_90_DAYS)
    back = check_one(path)
    assert back.outcome == "new_version" and back.version_seq == 3 and not back.flapping
    assert back.material and back.alerts == ["change"] and outbox_kinds(path) == ["change", "change"]
    assert [c["summary"] for c in back.changes if c["material"]] == ["Keeps personal data 90 days instead of 2 years"]


def test_a_flip_nobody_heard_of_stays_silent(policy_server, watch):
    policy_server.set("/privacy", KEPT_90_DAYS)
    path = watch()
    check_one(path)
    policy_server.queue("/privacy", KEPT_2_YEARS)  # A -> B -> A within the confirmation fetch
    assert check_one(path).outcome == "pending_confirmation"
    assert check_one(path).outcome == "unchanged"
    reworded = KEPT_90_DAYS.replace("Write to", "Please write to")  # B stored, never announced
    policy_server.set("/privacy", reworded)
    assert check_one(path).material is False
    policy_server.set("/privacy", KEPT_90_DAYS)
    flap = check_one(path)
    assert flap.outcome == "new_version" and flap.flapping and not flap.material and flap.alerts == []
    assert outbox_kinds(path) == []
    history = versions(path)
    assert "flapping" in history[-1].summary and history[-1].material is False
    with open_store(path) as store:
        assert all(not c["material"] and c["rule"] == "flapping" for c in store.changes(policy="example")
                   if c["seq"] == 3)


def test_a_change_is_believed_only_when_a_second_fetch_confirms_it(policy_server, checked_once):
    path = checked_once(settings={"confirm_changes": True, "confirm_delay": 0})
    # The check's fetch sees the new text; the immediate re-fetch sees something else again.
    policy_server.queue("/privacy", RETENTION_NEW, NOISE_OLD)
    before = len(policy_server.requests("/privacy"))
    pending = check_one(path)
    assert pending.outcome == "pending_confirmation"
    assert len(policy_server.requests("/privacy")) == before + 2
    assert [v.seq for v in versions(path)] == [1] and outbox_kinds(path) == []

    policy_server.set("/privacy", RETENTION_NEW)
    confirmed = check_one(path)
    assert confirmed.outcome == "new_version" and confirmed.alerts == ["change"]


def test_reprocess_adds_no_false_change(policy_server, checked_once):
    path = checked_once()
    policy_server.set("/privacy", RETENTION_NEW)
    check_one(path)
    check_one(path)
    watchlist = load_watchlist(path)
    with Store(database_path(watchlist)) as store:
        report = reprocess(store, watchlist)
    assert report.added == {} and report.unchanged == ["example"]
    assert [v.seq for v in versions(path)] == [1, 2]


def test_reprocess_rederives_from_raw_snapshots_as_a_technical_version(policy_server, checked_once, tmp_watchlist):
    path = checked_once()
    alerts_before = outbox_kinds(path)
    # The user now drops the page's lists (a normalisation choice): history is re-derived, not re-fetched.
    tmp_watchlist([{"name": "example", "url": policy_server.url("/privacy"), "language": "en", "remove": "ul"}])
    watchlist = load_watchlist(path)
    with Store(database_path(watchlist)) as store:
        report = reprocess(store, watchlist)
        pid = store.policy_id("example")
        latest = store.latest_version(pid)
        first = store.get_version(pid, 1)
        new_changes = [c for c in store.changes(policy="example") if c["seq"] == latest.seq]
    assert report.added == {"example": [2]}
    assert latest.origin == "reprocess" and latest.material is False
    assert latest.snapshot_hash == first.snapshot_hash and latest.text != first.text
    assert new_changes and all(c["rule"] == "reprocess" and not c["material"] for c in new_changes)
    assert outbox_kinds(path) == alerts_before
    assert check_one(path).outcome == "unchanged"  # the next fetch agrees with the re-derived text


def test_real_seed_policies_in_five_languages_are_watched_side_by_side(policy_server, tmp_watchlist):
    languages = ["fr", "ru", "nl", "cs", "es"]
    entries = []
    for index, language in enumerate(languages):
        policy_server.set(f"/{language}", seed_html(index))
        entries.append({"name": f"seed-{language}", "url": policy_server.url(f"/{language}"), "language": language})
    path = tmp_watchlist(entries)
    outcomes = run_checks(path)
    assert [o.outcome for o in outcomes] == ["new_version"] * 5, [o.error for o in outcomes]
    with open_store(path) as store:
        for index, language in enumerate(languages):
            text = store.latest_version(store.policy_id(f"seed-{language}")).text
            first_line = next(line for line in seed_text(index).splitlines() if line.strip())
            assert first_line.strip().split()[0] in text


def test_a_batch_read_in_worker_processes_is_stored_exactly_as_one_read_inline(policy_server, tmp_watchlist):
    languages = ["fr", "ru", "nl", "cs", "es"]
    for index, language in enumerate(languages):
        policy_server.set(f"/{language}", seed_html(index))
    entries = [{"name": f"seed-{lang}", "url": policy_server.url(f"/{lang}"), "language": lang} for lang in languages]
    stored = {}
    for workers in (0, 2):
        path = tmp_watchlist(entries, settings={"workers": workers, "database": f"run-{workers}.db"})
        assert [o.outcome for o in run_checks(path)] == ["new_version"] * 5
        with open_store(path) as store:
            stored[workers] = [
                (v.text, v.language, v.declared_date, store.get_snapshot(v.snapshot_hash))
                for v in (store.latest_version(store.policy_id(e["name"])) for e in entries)
            ]
    assert stored[2] == stored[0]


def test_a_change_judged_in_a_worker_process_raises_the_same_alert(policy_server, checked_once):
    path = checked_once(settings={"workers": 1})
    policy_server.set("/privacy", RETENTION_NEW)
    outcome = check_one(path)
    assert outcome.outcome == "new_version" and outcome.material and outcome.alerts == ["change"]
    assert any(c["category"] == "retention" and c["material"] for c in outcome.changes)


# -- the guards themselves (pure functions) ---------------------------------------------------


@pytest.mark.parametrize("title, text", [
    ("404 Not Found", "The requested URL was not found on this server."),
    ("Seite nicht gefunden", "Leider existiert diese Seite nicht."),
    ("Page introuvable", "Désolé."),
    ("Страница не найдена", "Извините."),
    ("Stránka nenalezena", "Omlouváme se."),
    ("Pagina niet gevonden", "Sorry."),
    ("Página no encontrada", "Lo sentimos."),
    (None, "# Just a moment...\nChecking your browser before accessing example.com."),
    (None, "Access denied\nYou don't have permission to access this server."),
    (None, "# Wartungsarbeiten\nWir sind bald wieder da."),
    (None, "Please log in\nSign in to continue to your account."),
])
def test_error_captcha_maintenance_and_login_pages_are_suspect(title, text):
    from monitor.guards import phrase_reason

    assert phrase_reason(text, title=title)


@pytest.mark.parametrize("index", range(5))
def test_real_policies_are_not_suspect(index):
    from monitor.guards import phrase_reason, shrink_reason

    text = seed_text(index)
    assert phrase_reason(text) is None and shrink_reason(len(text), len(text)) is None


def test_a_long_policy_may_mention_captcha_and_access_denied_in_its_body():
    from monitor.guards import phrase_reason, shrink_reason

    text = "# Privacy policy\n" + "We use reCAPTCHA to block spam; access denied requests are logged. " * 40
    assert phrase_reason(text) is None
    assert shrink_reason(len(text), 10 * len(text)).startswith("lost most")


def test_a_policy_that_really_got_shorter_is_believed_once_it_stays_that_way(policy_server, checked_once):
    path = checked_once(settings={"failure_threshold": 3})
    shorter = policy_page("Privacy policy", "We keep your data for 24 months after your last login.",
                          "We do not share it with anyone. Write to privacy@example.com.")
    policy_server.set("/privacy", shorter)
    assert [check_one(path).outcome for _ in range(2)] == ["suspect", "suspect"]
    accepted = check_one(path)  # seen identical three times in a row: this is the policy now
    assert accepted.outcome == "new_version" and accepted.version_seq == 2
    assert "failure" not in outbox_kinds(path)


def test_new_selectors_give_a_technical_version_not_a_change(policy_server, watch):
    policy_server.set("/privacy", RETENTION_OLD)
    path = watch()
    assert check_one(path).outcome == "new_version"
    assert check_one(path).outcome == "unchanged"

    path = watch(remove=["#main ul"])  # the user narrows what is watched; the page is the same
    outcome = check_one(path)

    assert outcome.outcome == "unchanged" and outcome.version_seq == 2
    assert not outcome.material and outcome.alerts == []
    with open_store(path) as store:
        pid = store.policy_id("example")
        first, second = store.get_version(pid, 1), store.get_version(pid, 2)
        changes = [c for c in store.changes(policy="example") if c["seq"] == 2]
    assert second.origin == "reprocess" and second.material is False and "selectors" in second.summary
    assert second.snapshot_hash == first.snapshot_hash and len(second.text) < len(first.text)
    assert changes and not any(c["material"] for c in changes)
    assert outbox_kinds(path) == []
    assert check_one(path).outcome == "unchanged" and len(versions(path)) == 2


@pytest.mark.parametrize("history", ["derivation recorded", "from before derivations were recorded"])
def test_an_upgraded_normaliser_gives_a_technical_version_then_reports_real_changes(policy_server, checked_once,
                                                                                    monkeypatch, history):
    import monitor.normalize
    import monitor.pipeline

    path = checked_once()
    if history != "derivation recorded":
        with open_store(path) as store:
            store.conn.execute("UPDATE checks SET derivation = NULL")  # a database from schema v1

    # A later release reads pages differently (here: it also keeps a line the old one dropped).
    read_html = monitor.normalize.normalize_html
    monkeypatch.setattr(monitor.normalize, "NORMALIZER_VERSION", monitor.normalize.NORMALIZER_VERSION + 1)
    monkeypatch.setattr(monitor.normalize, "normalize_html",
                        lambda html, select=None, remove=None: read_html(html, select, remove) + "\nPrinted copy.")
    monitor.pipeline._derivation.cache_clear()
    try:
        upgraded = check_one(path)
        policy_server.set("/privacy", RETENTION_NEW)
        changed = check_one(path)
    finally:
        monitor.pipeline._derivation.cache_clear()

    assert upgraded.outcome == "unchanged" and upgraded.version_seq == 2 and not upgraded.material
    technical = versions(path)[1]
    assert technical.origin == "reprocess" and f"normaliser v{monitor.normalize.NORMALIZER_VERSION}" in technical.summary
    assert changed.outcome == "new_version" and changed.version_seq == 3 and changed.material
    assert outbox_kinds(path) == ["change"]


def test_new_selectors_that_only_an_older_body_matches_never_bring_its_text_back(policy_server, watch):
    policy_server.set("/privacy", "<html><body><div id='a'><p>We keep your data for 1 year.</p></div></body></html>")
    path = watch()
    check_one(path)
    policy_server.set("/privacy", "<html><body><div id='b'><p>We keep your data for 2 years.</p></div></body></html>")
    assert check_one(path).outcome == "new_version"

    path = watch(select=["#a"])  # matches the first page, not the current one
    outcome = check_one(path)

    assert outcome.outcome == "error" and "matched nothing" in outcome.error
    assert [v.seq for v in versions(path)] == [1, 2]  # no "technical" version holding the old text
