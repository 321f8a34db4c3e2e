"""No traceback, ever: every input below gets one line on stderr and a non-zero exit status, from the
real command run as its own process (huge numbers and intervals, a watchlist that is a folder or
cannot be read, a database in a read-only folder or file, a damaged or empty database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import assert_one_line_error, run_cli, unused_port
from store import Store

HUGE = "9" * 30


@pytest.fixture
def checked(tmp_path: Path) -> Path:
    """A folder with a watchlist of one policy, `example`, and a database where it has three versions."""
    (tmp_path / "watchlist.yaml").write_text(
        f"settings:\n  retries: 0\npolicies:\n  - name: example\n    url: http://127.0.0.1:{unused_port()}/p\n",
        encoding="utf-8")
    with Store(tmp_path / "policy-monitor.db") as store:
        policy_id = store.ensure_policy("example", "http://127.0.0.1/p", None)
        for seq in range(1, 4):
            version = store.add_version(policy_id, f"Privacy policy, revision {seq}.\n" * 50, None,
                                        f"2026-05-0{seq}T00:00:00Z")
            store.record_check(policy_id, started_at=version.first_seen, finished_at=version.first_seen,
                               url="http://127.0.0.1/p", final_url=None, status=200, duration_ms=1,
                               outcome="new_version", error=None, attempts=[], snapshot_hash=None,
                               version_id=version.id, etag=None, last_modified=None)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return tmp_path


@pytest.mark.parametrize("args, says", [
    (["show", "example", "--version", HUGE], f"{HUGE} is out of range"),
    (["history", "example", "--limit", HUGE], "out of range"),
    (["diff", "example", "1", HUGE], "out of range"),
    (["changes", "--limit", HUGE], "out of range"),
    (["alerts", "--limit", HUGE], "out of range"),
    (["show", "example", "--version", "9" * 5000], "invalid number"),
    (["changes", "--since", "99999999999999w"], "--since: invalid interval '99999999999999w': at most 10 years"),
    (["changes", "--since", "100000000d"], "at most 10 years"),
    (["show", "example", "--at", "9999-12-31T23:59:59-14:00"], "invalid date"),
    (["add", "http://127.0.0.1/x", "--name", "x", "--every", "99999999999999w"], "at most 10 years"),
])
def test_huge_numbers_and_intervals(checked, args, says):
    assert_one_line_error(run_cli(checked, *args), code=2, says=says)


def test_a_huge_interval_in_the_watchlist_stops_list_and_run(checked):
    (checked / "watchlist.yaml").write_text(
        "policies:\n  - name: example\n    url: http://127.0.0.1:9/p\n    every: 100000000d\n", encoding="utf-8")
    for command in (["list"], ["run", "--once"], ["run"]):
        assert_one_line_error(run_cli(checked, *command, timeout=30), code=2,
                              says="watchlist.yaml:4: policy 'example': field 'every': invalid interval")


@pytest.mark.parametrize("command", [["list"], ["check"], ["add", "http://127.0.0.1/x", "--name", "x"],
                                     ["remove", "example"]])
def test_a_watchlist_that_is_a_folder(tmp_path, command):
    (tmp_path / "watchlist.yaml").mkdir()
    assert_one_line_error(run_cli(tmp_path, *command), code=2, says="watchlist.yaml: is a directory")


@pytest.mark.parametrize("command", [["list"], ["add", "http://127.0.0.1/x", "--name", "x"], ["remove", "example"]])
def test_a_watchlist_that_cannot_be_read(checked, permissions_apply, command):
    (checked / "watchlist.yaml").chmod(0o000)
    result = run_cli(checked, *command, permissions_apply=True)
    assert_one_line_error(result, code=2, says="watchlist.yaml: cannot read: permission denied")


def test_a_watchlist_in_a_folder_that_cannot_be_written(checked, permissions_apply):
    checked.chmod(0o555)
    try:
        result = run_cli(checked, "add", "http://127.0.0.1/x", "--name", "x", permissions_apply=True)
    finally:
        checked.chmod(0o755)
    assert_one_line_error(result, code=2, says="watchlist.yaml: cannot write: permission denied")


def test_a_database_in_a_read_only_folder_is_read_but_not_written(checked, permissions_apply):
    checked.chmod(0o555)
    try:
        listed = run_cli(checked, "history", "example", "--json", permissions_apply=True)
        shown = run_cli(checked, "show", "example", "--version", "2", permissions_apply=True)
        check = run_cli(checked, "check", permissions_apply=True)
    finally:
        checked.chmod(0o755)
    assert listed.returncode == 0, listed.stderr
    assert shown.returncode == 0 and "revision 2" in shown.stdout
    assert_one_line_error(check, code=1, says="policy-monitor.db is in a read-only folder")


def test_a_read_only_database_file_is_read_but_not_written(checked, permissions_apply):
    (checked / "policy-monitor.db").chmod(0o444)
    listed = run_cli(checked, "list", "--json", permissions_apply=True)
    assert listed.returncode == 0 and '"versions": 3' in listed.stdout, listed.stderr
    for command in (["check"], ["run", "--once"], ["remove", "example"], ["alerts", "retry"]):
        assert_one_line_error(run_cli(checked, *command, permissions_apply=True), code=1,
                              says="policy-monitor.db is read-only")


def _corrupt_schema(database: Path) -> None:
    """Damage the definition of `checks` in the schema page, as a bad sector would."""
    data = bytearray(database.read_bytes())
    at = data.find(b"CREATE TABLE checks")
    data[at + 6:at + 10] = b"\xff\xfe\xfd\xfc"
    database.write_bytes(bytes(data))


def _corrupt_table(database: Path, table: str) -> None:
    """Overwrite the first page of one table's b-tree with garbage."""
    with sqlite3.connect(database) as conn:
        root, page_size = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0], \
            conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with database.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x07" * 64)


@pytest.mark.parametrize("command", [["list"], ["history", "example"], ["show", "example"], ["check"],
                                     ["changes"], ["alerts"]])
def test_a_damaged_schema_is_one_line_pointing_to_doctor(checked, command):
    _corrupt_schema(checked / "policy-monitor.db")
    result = run_cli(checked, *command)
    assert_one_line_error(result, code=1, says="policy-monitor.db is damaged (malformed database schema")
    assert "policy-monitor doctor" in result.stderr


def test_check_writes_nothing_to_a_database_with_a_damaged_page(checked):
    database = checked / "policy-monitor.db"
    _corrupt_table(database, "changes")
    before = database.read_bytes()
    result = run_cli(checked, "check")
    assert_one_line_error(result, code=1, says="is damaged")
    assert "nothing was written to it" in result.stderr and "policy-monitor doctor" in result.stderr
    assert database.read_bytes() == before


def test_reading_a_damaged_table_is_one_line(checked):
    _corrupt_table(checked / "policy-monitor.db", "versions")
    assert_one_line_error(run_cli(checked, "show", "example"), code=1, says="policy-monitor.db is damaged")


def test_an_empty_database_file_is_not_taken_for_a_new_one(checked):
    (checked / "policy-monitor.db").write_bytes(b"")
    for command in (["check"], ["list"], ["history", "example"]):
        assert_one_line_error(run_cli(checked, *command), code=1, says="policy-monitor.db is empty (0 bytes)")
    assert (checked / "policy-monitor.db").stat().st_size == 0
