"""The SQLite store: schema migrations, append-only history, atomic checks, queries."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import zlib

import pytest

from basics.errors import StoreError, UsageError
from store import MIGRATIONS, SCHEMA_VERSION, Store, VersionSummary, sha256_hex
from basics.compression import decompress_snapshot

T0 = "2026-01-01T00:00:00Z"
T1 = "2026-02-01T00:00:00Z"
T2 = "2026-03-01T00:00:00Z"
T3 = "2026-04-01T00:00:00Z"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "data" / "monitor.db") as opened:
        yield opened


@pytest.fixture
def policy(store):
    return store.ensure_policy("acme", "https://acme.example/privacy", "en")


def record(store, policy_id, started_at, outcome, **fields):
    values = dict(
        started_at=started_at, finished_at=started_at, url="https://acme.example/privacy",
        final_url="https://acme.example/privacy", status=200, duration_ms=12, outcome=outcome,
        error=None, attempts=[{"started_at": started_at, "status": 200, "duration_ms": 12, "error": None}],
        snapshot_hash=None, version_id=None, etag=None, last_modified=None,
    )
    values.update(fields)
    return store.record_check(policy_id, **values)


# -- opening and migrating ------------------------------------------------------------------


def test_new_database_gets_the_whole_schema_in_wal_mode(tmp_path):
    path = tmp_path / "nested" / "dir" / "monitor.db"
    with Store(path) as store:
        assert path.exists()
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        tables = {name for (name,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"policies", "snapshots", "versions", "checks", "changes", "facts", "outbox"} <= tables
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_reopening_keeps_data_and_does_not_reapply_migrations(tmp_path):
    path = tmp_path / "monitor.db"
    with Store(path) as store:
        store.ensure_policy("acme", "https://acme.example/privacy", "en")
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [p["name"] for p in store.policies()] == ["acme"]


def test_history_indexes_exist(store):
    indexes = {row["name"] for row in store.query("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"checks_policy_started", "changes_detected", "changes_policy", "outbox_status_next"} <= indexes
    assert "versions_policy_seq" not in indexes  # UNIQUE(policy_id, seq) is that index already
    plan = " ".join(row[3] for row in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM versions WHERE policy_id = 1 ORDER BY seq DESC LIMIT 1"))
    assert "USING INDEX sqlite_autoindex_versions" in plan and "TEMP B-TREE" not in plan


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="is not a SQLite database"):
        Store(path)


def test_a_database_from_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this policy-monitor supports"):
        Store(path)


# -- policies -------------------------------------------------------------------------------


def test_ensure_policy_updates_and_restores_a_removed_policy(store):
    first = store.ensure_policy("acme", "https://acme.example/privacy", "en")
    store.mark_policy_removed("acme")
    assert store.policies()[0]["removed_at"] is not None
    again = store.ensure_policy("acme", "https://acme.example/legal/privacy", "fr")
    assert again == first == store.policy_id("acme")
    [row] = store.policies()
    assert (row["url"], row["language"], row["removed_at"]) == ("https://acme.example/legal/privacy", "fr", None)
    assert store.policy_id("nobody") is None


# -- snapshots ------------------------------------------------------------------------------


def test_snapshots_are_compressed_and_stored_once_per_body(store):
    body = "Политика конфиденциальности".encode("windows-1251") * 200
    first = store.put_snapshot(body, "text/html; charset=windows-1251", T0)
    second = store.put_snapshot(body, "text/html; charset=windows-1251", T1)
    assert first == second == sha256_hex(body)
    assert store.conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    stored, first_seen = store.conn.execute("SELECT body, first_seen FROM snapshots").fetchone()
    assert len(stored) < len(body) and decompress_snapshot(stored) == body
    assert first_seen == T0
    assert store.get_snapshot(first) == (body, "text/html; charset=windows-1251")


def test_snapshots_compressed_with_zlib_before_zstd_are_still_read(store):
    body = b"<html><body><p>Stored by an older policy-monitor.</p></body></html>" * 20
    store.conn.execute(
        "INSERT INTO snapshots (hash, content_type, size, first_seen, body) VALUES (?, ?, ?, ?, ?)",
        (sha256_hex(body), "text/html", len(body), T0, zlib.compress(body, 1)),
    )
    assert store.get_snapshot(sha256_hex(body)) == (body, "text/html")


# -- versions -------------------------------------------------------------------------------


def test_versions_are_appended_with_increasing_seq(store, policy):
    v1 = store.add_version(policy, "# Privacy\nWe keep data 1 year.", None, T0, language="en")
    v2 = store.add_version(policy, "# Privacy\nWe keep data 5 years.", None, T1, language="en",
                           material=True, summary="retention: 1 year -> 5 years")
    assert (v1.seq, v2.seq) == (1, 2)
    assert v2.text_hash == sha256_hex("# Privacy\nWe keep data 5 years.")
    assert v2.material is True and v1.material is None
    assert store.latest_version(policy) == v2
    assert store.get_version(policy, 1) == v1


def test_stored_versions_cannot_be_rewritten_or_deleted(store, policy):
    version = store.add_version(policy, "original text", None, T0)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE versions SET text = 'rewritten' WHERE id = ?", (version.id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM versions WHERE id = ?", (version.id,))
    store.touch_version(version.id, T2)
    again = store.get_version(policy, 1)
    assert (again.text, again.first_seen, again.last_seen) == ("original text", T0, T2)


def test_reprocessing_adds_new_versions_next_to_the_old_ones(store, policy):
    store.add_version(policy, "old normalizer output", None, T0, normalizer_version=1)
    redone = store.add_version(policy, "new normalizer output", None, T0, origin="reprocess",
                               normalizer_version=2)
    assert redone.seq == 2 and redone.origin == "reprocess"
    assert store.get_version(policy, 1).text == "old normalizer output"


def test_unknown_version_is_a_usage_error_naming_the_policy(store, policy):
    with pytest.raises(UsageError, match="policy acme has no version 7"):
        store.get_version(policy, 7)


def test_version_at_returns_the_version_current_at_that_time(store, policy):
    store.add_version(policy, "first", None, T1)
    store.add_version(policy, "second", None, T2)
    assert store.version_at(policy, T0) is None
    assert store.version_at(policy, T1).text == "first"
    assert store.version_at(policy, "2026-02-15T00:00:00Z").text == "first"
    assert store.version_at(policy, T3).text == "second"


def test_history_lists_versions_without_loading_their_texts(store, policy):
    v1 = store.add_version(policy, "alpha", None, T0)
    v2 = store.add_version(policy, "alpha beta", None, T1, declared_date="2026-01-31")
    store.add_changes(policy, v2.id, v1.id, [
        {"category": "retention", "material": True, "severity": "high", "summary": "longer"},
        {"category": "date", "material": False, "severity": "none", "summary": "new date"},
    ], T1)
    columns_read = set()

    def authorizer(action, table, column, *_):
        if action == sqlite3.SQLITE_READ:
            columns_read.add((table, column))
        return sqlite3.SQLITE_OK

    store.conn.set_authorizer(authorizer)
    history = store.versions(policy)
    store.conn.set_authorizer(None)
    assert [(h.seq, h.size, h.changes, h.declared_date) for h in history] == [
        (1, 5, 0, None), (2, 10, 2, "2026-01-31"),
    ]
    assert not hasattr(history[0], "text")
    assert set(history[1].to_json()) == {f.name for f in dataclasses.fields(VersionSummary)}
    assert history[1].to_json()["changes"] == 2
    assert [h.seq for h in store.versions(policy, limit=1)] == [2]
    assert ("versions", "seq") in columns_read and ("versions", "text") not in columns_read


# -- checks ---------------------------------------------------------------------------------


def test_checks_round_trip_with_attempts_and_failure_streaks(store, policy):
    record(store, policy, T0, "new_version", etag='"v1"', last_modified="Wed, 01 Jan 2026 00:00:00 GMT")
    record(store, policy, T1, "error", status=503, error="HTTP 503")
    record(store, policy, T2, "error", status=None, error="connection refused")
    last = store.last_check(policy)
    assert (last["started_at"], last["error"]) == (T2, "connection refused")
    assert last["attempts"][0]["status"] == 200
    assert [c["started_at"] for c in store.checks(policy, limit=2)] == [T2, T1]
    assert store.failure_streak(policy)[0] == 2
    assert store.last_validators(policy) == ('"v1"', "Wed, 01 Jan 2026 00:00:00 GMT")
    record(store, policy, T3, "not_modified")
    assert store.failure_streak(policy)[0] == 0


def test_validators_ignore_bodies_that_were_not_accepted(store, policy):
    record(store, policy, T0, "unchanged", etag='"good"')
    record(store, policy, T1, "suspect", etag='"captcha"')
    assert store.last_validators(policy) == ('"good"', None)


# -- transactions ---------------------------------------------------------------------------


def test_a_failed_transaction_leaves_nothing_behind(store, policy):
    with pytest.raises(RuntimeError):
        with store.transaction():
            snapshot = store.put_snapshot(b"body", "text/plain", T0)
            with store.transaction():  # inner use joins the outer transaction
                version = store.add_version(policy, "text", snapshot, T0)
            record(store, policy, T0, "new_version", snapshot_hash=snapshot, version_id=version.id)
            raise RuntimeError("crash in the middle of a check")
    counts = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("snapshots", "versions", "checks")]
    assert counts == [0, 0, 0]
    assert not store.conn.in_transaction


def test_a_process_killed_in_the_middle_of_a_check_leaves_no_trace(store, policy):
    writer = f"""
import os
from store import Store
store = Store({str(store.path)!r})
with store.transaction():
    digest = store.put_snapshot(b"<p>half</p>", "text/html", "{T1}")
    store.add_version({policy}, "half written", digest, "{T1}")
    os.kill(os.getpid(), 9)
"""
    killed = subprocess.run([sys.executable, "-c", writer], capture_output=True)
    assert killed.returncode == -9
    with Store(store.path) as reopened:
        assert reopened.latest_version(policy) is None
        assert reopened.conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0


def test_a_transaction_is_visible_to_other_connections_only_after_commit(store, policy, tmp_path):
    reader = sqlite3.connect(store.path)
    with store.transaction():
        store.add_version(policy, "text", None, T0)
        assert reader.execute("SELECT count(*) FROM versions").fetchone()[0] == 0
    assert reader.execute("SELECT count(*) FROM versions").fetchone()[0] == 1
    reader.close()


# -- changes and facts ----------------------------------------------------------------------


def test_changes_round_trip_and_filters(store, policy):
    other = store.ensure_policy("globex", "https://globex.example/privacy", "de")
    a1 = store.add_version(policy, "a1", None, T0)
    a2 = store.add_version(policy, "a2", None, T1)
    g1 = store.add_version(other, "g1", None, T0)
    g2 = store.add_version(other, "g2", None, T2)
    store.add_changes(policy, a2.id, a1.id, [{
        "category": "retention", "material": True, "severity": "high",
        "summary": "Retention went from 1 year to 5 years", "old_values": ["1 year"],
        "new_values": ["5 years"], "old_text": "We keep data 1 year.",
        "new_text": "We keep data 5 years.", "rule": "retention.period", "section": "Retention",
    }], T1)
    store.add_changes(other, g2.id, g1.id, [
        {"category": "transfer", "material": True, "severity": "medium", "summary": "Now USA"},
        {"category": "date", "material": False, "severity": "none", "summary": "New date"},
    ], T2)

    everything = store.changes()
    assert [c["policy"] for c in everything] == ["globex", "globex", "acme"]
    retention = everything[-1]
    assert retention["old_values"] == ["1 year"] and retention["new_values"] == ["5 years"]
    assert (retention["seq"], retention["prev_seq"], retention["material"]) == (2, 1, True)
    assert retention["section"] == "Retention"
    assert [c["category"] for c in store.changes(policy="acme")] == ["retention"]
    assert [c["category"] for c in store.changes(since=T2)] == ["transfer", "date"]
    assert [c["category"] for c in store.changes(material=False)] == ["date"]
    assert [c["category"] for c in store.changes(category="transfer")] == ["transfer"]
    assert len(store.changes(limit=1)) == 1


def test_facts_round_trip_per_version_and_over_history(store, policy):
    v1 = store.add_version(policy, "one", None, T0)
    v2 = store.add_version(policy, "two", None, T1)
    store.add_facts(v1.id, {"retention": ["1 year"], "countries": ["Germany", "France"]})
    store.add_facts(v2.id, {
        "retention": [{"value": "5 years", "evidence": "We keep data for 5 years."}],
        "countries": ["Germany"],
    })
    assert store.facts(v1.id) == {"retention": ["1 year"], "countries": ["Germany", "France"]}
    assert store.facts(v2.id)["retention"] == ["5 years"]
    assert store.fact_evidence(v2.id) == [("retention", "5 years", "We keep data for 5 years.")]
    assert store.fact_evidence(v1.id) == []
    history = store.fact_history(policy)
    assert [(h["seq"], h["facts"]["countries"]) for h in history] == [
        (1, ["Germany", "France"]), (2, ["Germany"]),
    ]


def test_a_versions_facts_are_derived_once_even_when_none_are_found(store, policy):
    v1 = store.add_version(policy, "one", None, T0, language="en")
    v2 = store.add_version(policy, "two", None, T1, language="fr")
    assert store.versions_without_facts(policy) == [(v1.id, "one", "en"), (v2.id, "two", "fr")]
    assert store.add_facts(v1.id, {}) is True
    assert store.add_facts(v1.id, {"retention": ["P1Y"]}) is False
    assert store.facts(v1.id) == {}
    assert store.versions_without_facts(policy) == [(v2.id, "two", "fr")]


def test_a_database_of_an_older_schema_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    connection.executescript(MIGRATIONS[0])
    connection.execute("PRAGMA user_version = 1")
    connection.execute("INSERT INTO policies (name, url, added_at) VALUES ('kept', 'https://a.example/p', 'then')")
    connection.commit()
    connection.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.policy_id("kept") is not None
        columns = {row[1] for row in store.conn.execute("PRAGMA table_info(checks)")}
        assert "derivation" in columns


def test_versions_stored_before_lazy_facts_count_as_derived(tmp_path):
    path = tmp_path / "v2.db"
    connection = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        connection.executescript(script)
    connection.execute("PRAGMA user_version = 2")
    connection.execute("INSERT INTO policies (id, name, url, added_at) VALUES (1, 'kept', 'https://a.example/p', 'then')")
    connection.execute(
        "INSERT INTO versions (policy_id, seq, text_hash, text, first_seen, last_seen, size) "
        "VALUES (1, 1, 'h', 'We keep data for 1 year.', 'then', 'then', 24)"
    )
    connection.commit()
    connection.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.versions_without_facts(1) == []


def test_many_policies_are_registered_at_once_and_changed_ones_updated(store):
    store.ensure_policies([("a", "https://a.example/p", "en"), ("b", "https://b.example/p", None)])
    first = {name: store.policy_id(name) for name in ("a", "b")}
    store.mark_policy_removed("b")
    store.ensure_policies([("a", "https://a.example/p", "en"), ("b", "https://b.example/new", "fr")])
    assert {name: store.policy_id(name) for name in ("a", "b")} == first
    assert store.ensure_policy("b", "https://b.example/new", "fr") == first["b"]
    rows = {row["name"]: row for row in store.policies()}
    assert rows["b"]["url"] == "https://b.example/new" and rows["b"]["removed_at"] is None
