"""`policy-monitor doctor` (what is damaged, what can still be read, a recovered copy) and
`policy-monitor backup PATH` (SQLite's online backup, checked), each with `--json`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from conftest import assert_one_line_error, run_cli
from store import Store
from test_bad_input import _corrupt_schema, _corrupt_table, checked  # noqa: F401  (fixture)


def doctor_json(folder, *args):
    result = run_cli(folder, "doctor", *args, "--json")
    return result.returncode, json.loads(result.stdout)


def test_a_sound_database(checked):
    code, found = doctor_json(checked)
    assert code == 0 and found["sound"] and found["problems"] == []
    counts = {table["name"]: table["readable"] for table in found["tables"]}
    assert counts["policies"] == 1 and counts["versions"] == 3 and counts["checks"] == 3
    assert "sound: nothing to do" in run_cli(checked, "doctor").stdout


def test_a_damaged_schema_is_read_past_and_recovered(checked):
    _corrupt_schema(checked / "policy-monitor.db")
    code, found = doctor_json(checked)
    assert code == 1 and not found["sound"] and found["recoverable"]
    assert "malformed database schema (checks)" in found["damaged_schema"]
    tables = {table["name"]: table for table in found["tables"]}
    assert tables["checks"]["error"] == "its definition in the schema is damaged"
    assert tables["versions"]["readable"] == 3 and tables["versions"]["complete"]

    result = run_cli(checked, "doctor", "--recover", "recovered.db")
    assert result.returncode == 0 and "wrote recovered.db" in result.stdout, result.stderr
    with Store(checked / "recovered.db", read_only=True) as store:
        assert [v.seq for v in store.versions(store.policy_id("example"))] == [1, 2, 3]
        assert store.get_version(store.policy_id("example"), 2).text.startswith("Privacy policy, revision 2.")
    code, recovered = doctor_json(checked, "recovered.db")
    assert code == 0 and recovered["sound"]


def test_a_damaged_table_page_says_what_is_lost_and_keeps_the_rest(checked):
    database = checked / "policy-monitor.db"
    _corrupt_table(database, "checks")
    code, found = doctor_json(checked)
    tables = {table["name"]: table for table in found["tables"]}
    assert code == 1 and found["problems"]
    assert not tables["checks"]["complete"] and tables["versions"]["complete"]
    text = run_cli(checked, "doctor").stdout
    assert "DAMAGED" in text and "--recover" in text
    before = database.read_bytes()
    assert run_cli(checked, "doctor", "--recover", "new.db").returncode == 0
    assert database.read_bytes() == before  # the original is only read
    with Store(checked / "new.db", read_only=True) as store:
        assert store.version_count(store.policy_id("example")) == 3


def test_a_version_text_altered_inside_a_sound_page_is_found_by_its_hash(checked):
    database = checked / "policy-monitor.db"
    data = database.read_bytes()
    at = data.find(b"revision 2.")
    database.write_bytes(data[:at] + b"revision 9." + data[at + len(b"revision 2."):])
    code, found = doctor_json(checked)
    versions = next(table for table in found["tables"] if table["name"] == "versions")
    assert code == 1 and versions["altered"] == 1 and not found["problems"]


def test_doctor_on_what_is_not_a_database(checked):
    (checked / "notes.db").write_text("my notes\n" * 100)
    code, found = doctor_json(checked, "notes.db")
    assert code == 1 and not found["recoverable"] and "does not start as a SQLite database" in found["unreadable_schema"]
    assert_one_line_error(run_cli(checked, "doctor", "notes.db", "--recover", "x.db"), code=1,
                          says="nothing of notes.db can be read")
    assert_one_line_error(run_cli(checked, "doctor", "nowhere.db"), code=1, says="no database at nowhere.db")


def test_backup_copies_a_consistent_database_while_a_writer_holds_a_transaction(checked):
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "c = sqlite3.connect('policy-monitor.db', isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE')\n"
         "c.execute(\"INSERT INTO policies (name, url, added_at) VALUES ('uncommitted', 'x', 'now')\")\n"
         "print('ready', flush=True)\n"
         "time.sleep(30)\n"],
        cwd=checked, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        result = run_cli(checked, "backup", "copy.db", "--json")
    finally:
        writer.kill()
        writer.wait()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sound"] and report["policies"] == 1 and report["versions"] == 3 and report["bytes"] > 0
    with sqlite3.connect(checked / "copy.db") as copy:
        assert [row[0] for row in copy.execute("SELECT name FROM policies")] == ["example"]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert not list(checked.glob(".copy.db*"))


def test_backup_into_a_folder_gets_a_dated_name_and_never_overwrites(checked):
    (checked / "backups").mkdir()
    first = run_cli(checked, "backup", "backups")
    assert first.returncode == 0 and "wrote backups/policy-monitor-" in first.stdout, first.stderr
    (copy,) = (checked / "backups").iterdir()
    assert copy.name.endswith("Z.db")
    assert_one_line_error(run_cli(checked, "backup", f"backups/{copy.name}"), code=2, says="already exists")
    assert_one_line_error(run_cli(checked, "backup", "policy-monitor.db"), code=2, says="already exists")


def test_backup_of_a_damaged_database_warns(checked):
    _corrupt_table(checked / "policy-monitor.db", "changes")
    result = run_cli(checked, "backup", "copy.db")
    assert result.returncode == 1 and "as damaged as the database" in result.stdout
