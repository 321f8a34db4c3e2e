"""The disk fills up during `check`: one clear line, the checks recorded before stay recorded, no
check is half-written, and nothing more is attempted. The database lives on a real filesystem that
is really full (a small tmpfs, mounted in a user namespace) or, where namespaces are not allowed,
SQLite is told the database may not grow (`PRAGMA max_page_count`), which fails a write with the
very error a full disk gives (SQLITE_FULL)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import policy_page, seed_text
from monitor.cli import main
from store.db import Store

POLICIES = 24


def big_page(number: int, edit: str = "") -> str:
    """A different policy of some 30 KB per number (a seed policy, a few paragraphs)."""
    paragraphs = [line for line in seed_text(number % 5).splitlines() if line.strip()][number % 7:]
    return policy_page(f"Policy number {number}. {edit}", *paragraphs)


@pytest.fixture
def many(policy_server, tmp_watchlist) -> Path:
    for number in range(POLICIES):
        policy_server.set(f"/{number}", big_page(number))
    return tmp_watchlist(
        policies=[{"name": f"p{number:02d}", "url": policy_server.url(f"/{number}")} for number in range(POLICIES)],
        settings={"database": "data/policy-monitor.db", "concurrency": 2, "workers": 0},
    )


def assert_nothing_half_written(database: Path, recorded: int) -> None:
    """Every recorded check is whole: its snapshot and its version are there, and nothing else is."""
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        checks = conn.execute("SELECT outcome, snapshot_hash, version_id FROM checks").fetchall()
        assert len(checks) == recorded and {row[0] for row in checks} == {"new_version"}
        versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        snapshots = conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
        outbox = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        assert versions == snapshots == recorded and outbox == 0
        assert conn.execute("SELECT count(*) FROM checks c LEFT JOIN versions v ON v.id = c.version_id "
                            "LEFT JOIN snapshots s ON s.hash = c.snapshot_hash "
                            "WHERE v.id IS NULL OR s.hash IS NULL").fetchone()[0] == 0


def assert_one_clear_line(stderr: str) -> None:
    assert "Traceback" not in stderr and stderr.count("\n") == 1, stderr
    assert stderr.startswith("error: no space left for ") and "data/policy-monitor.db" in stderr, stderr


def _namespaces_allowed() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt 2>&1 || "
                            "mount -t tmpfs -o size=64k none /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _namespaces_allowed(), reason="no user namespace to mount a small filesystem in")
def test_a_really_full_disk(many):
    folder = many.parent
    (folder / "data").mkdir()
    (folder / "saved").mkdir()
    script = (
        "mount -t tmpfs -o size=600k tmpfs data && "
        f"{sys.executable} -m monitor --watchlist watchlist.yaml check --json > out.json 2> err.txt; "
        "echo $? > status; cp data/policy-monitor.db* saved/"
    )
    subprocess.run(["unshare", "-Urm", "sh", "-c", script], cwd=folder, check=True, timeout=300)
    stderr = (folder / "err.txt").read_text()
    assert (folder / "status").read_text().strip() == "1", stderr
    assert_one_clear_line(stderr)
    outcomes = [check["outcome"] for check in json.loads((folder / "out.json").read_text())["checks"]]
    recorded = outcomes.count("new_version")
    assert 0 < recorded < POLICIES and set(outcomes) == {"new_version", "skipped"}
    assert_nothing_half_written(folder / "saved" / "policy-monitor.db", recorded)


def test_a_database_that_may_not_grow(many, monkeypatch, capsys):
    """SQLite's own limit on the file's pages: the same SQLITE_FULL as a full disk, at the same place."""
    configure = Store._configure

    def limited(self: Store) -> None:
        configure(self)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {max(pages, 40) + 60}")

    monkeypatch.setattr(Store, "_configure", limited)
    assert main(["--watchlist", str(many), "check", "--json"]) == 1
    captured = capsys.readouterr()
    assert_one_clear_line(captured.err)
    outcomes = [check["outcome"] for check in json.loads(captured.out)["checks"]]
    recorded = outcomes.count("new_version")
    assert 0 < recorded < POLICIES and set(outcomes) == {"new_version", "skipped"}
    monkeypatch.setattr(Store, "_configure", configure)
    assert_nothing_half_written(many.parent / "data" / "policy-monitor.db", recorded)
