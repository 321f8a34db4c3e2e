"""What is wrong with a database, what of it can still be read, and a copy made of what can.

`examine(path)` opens the file read-only (it never writes to the damaged original), runs SQLite's
`integrity_check` and `foreign_key_check`, and walks every table row by row, stepping over damaged
pages, to count what can still be read (`Examination`). `recover(path, target)` writes a new
database with the current schema and every readable row: rows whose parent was lost are dropped
when they mean nothing without it (a version of an unknown policy), or kept with the link cleared
when it was optional (a check whose snapshot was lost). The original stays untouched; the user
swaps the files once the recovered one looks right.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basics.errors import StoreError
from store.db import SQLITE_HEADER, Store, describe_database_error, integrity_problems, sha256_hex
from store.migrations import SCHEMA_VERSION

TABLES = ("policies", "snapshots", "versions", "checks", "changes", "facts", "fact_derivations", "outbox")
"""Every table worth reading, parents before children (`leases` are not: they name live processes)."""
REQUIRED_PARENTS = {
    "versions": {"policy_id": "policies"},
    "checks": {"policy_id": "policies"},
    "changes": {"policy_id": "policies", "version_id": "versions"},
    "facts": {"version_id": "versions"},
    "fact_derivations": {"version_id": "versions"},
}
"""Links without which a row means nothing: such a row is not recovered when its parent was lost."""
OPTIONAL_PARENTS = {
    "versions": {"snapshot_hash": "snapshots"},
    "checks": {"snapshot_hash": "snapshots", "version_id": "versions"},
    "changes": {"prev_version_id": "versions"},
}
"""Links a row keeps its meaning without: cleared when the parent was lost."""
PARENT_KEYS = {"policies": "id", "snapshots": "hash", "versions": "id"}
MAX_PROBES = 64
"""Attempts to find readable rows past a damaged stretch of a table (each jump twice the last)."""


@dataclass
class TableReport:
    """How much of one table could be read."""

    name: str
    readable: int = 0
    unreadable: list[list[int]] = field(default_factory=list)
    """Stretches of rowids [first, last] that could not be read (a lost stretch may have held fewer rows)."""
    error: str | None = None
    """Why the table could not be read at all, if it could not."""
    altered: int = 0
    """Versions whose text no longer matches its sha256 (damaged where SQLite cannot tell)."""

    @property
    def complete(self) -> bool:
        return not self.unreadable and self.error is None and not self.altered

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "complete": self.complete}


@dataclass
class Examination:
    """What `doctor` found."""

    path: str
    size: int
    schema_version: int | None = None
    problems: list[str] = field(default_factory=list)
    """`integrity_check`'s findings (empty: sound)."""
    foreign_key_problems: int = 0
    tables: list[TableReport] = field(default_factory=list)
    unreadable_schema: str | None = None
    """Why the schema cannot be read at all (then nothing can be recovered), if it cannot."""
    damaged_schema: str | None = None
    """Why SQLite refuses the schema as it is (some table's definition is damaged; the others are
    still read), if it does."""

    @property
    def sound(self) -> bool:
        return not self.problems and not self.foreign_key_problems and self.unreadable_schema is None \
            and self.damaged_schema is None and all(table.complete for table in self.tables)

    @property
    def recoverable(self) -> bool:
        return self.unreadable_schema is None and any(table.readable for table in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "size": self.size, "schema_version": self.schema_version, "sound": self.sound,
            "recoverable": self.recoverable, "problems": self.problems,
            "foreign_key_problems": self.foreign_key_problems, "unreadable_schema": self.unreadable_schema,
            "damaged_schema": self.damaged_schema,
            "tables": [table.to_json() for table in self.tables],
        }


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that reads past a damaged schema: with `writable_schema`, SQLite skips
    a table whose definition it cannot parse instead of refusing the whole file (nothing is
    written: the connection is read-only)."""
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError:
        # A folder that cannot be written holds no -wal: nothing can change the file meanwhile.
        conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    conn.row_factory = sqlite3.Row
    return conn


def _schema_problem(path: Path) -> str | None:
    """Why SQLite refuses the schema as it is (None: it reads it)."""
    conn = sqlite3.connect(f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro&immutable=1", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        conn.execute("SELECT * FROM policies LIMIT 1").fetchall()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return describe_database_error(path, exc).reason
    finally:
        conn.close()
    return None


def readable_rows(conn: sqlite3.Connection, table: str, report: TableReport) -> Iterator[sqlite3.Row]:
    """Every row of `table` that can be read, in rowid order, stepping over damaged stretches
    (recorded in `report`)."""
    last = -(2 ** 63)
    while True:
        try:
            for row in conn.execute(f"SELECT rowid AS _rowid_, * FROM {table} WHERE rowid > ? ORDER BY rowid",
                                    (last,)):
                last = row["_rowid_"]
                report.readable += 1
                yield row
            return
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            following = _next_readable(conn, table, last)
            if following is None:
                report.unreadable.append([last + 1, -1])  # to the end of the table
                return
            first_bad, resume = following
            report.unreadable.append([last + 1, first_bad])
            last = resume


def _next_readable(conn: sqlite3.Connection, table: str, last: int) -> tuple[int, int] | None:
    """Past a read error after rowid `last`: (last rowid given up, rowid to resume after), or None
    when nothing further can be read."""
    try:  # a row whose text cannot be decoded, on a page that is otherwise fine: skip that row
        row = conn.execute(f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1", (last,)).fetchone()
        if row is None:
            return None
        conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (row[0],)).fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        pass
    else:
        return row[0] - 1, row[0] - 1  # the row itself reads fine: it was the scan that broke
    step = 1
    for _ in range(MAX_PROBES):
        start = last + step
        try:
            row = conn.execute(f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1",
                               (start,)).fetchone()
            if row is None:
                return None
            conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", (row[0],)).fetchone()
            return row[0] - 1, row[0] - 1
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            step *= 2
        except OverflowError:
            return None
    return None


def examine(path: str | Path, limit: int = 20) -> Examination:
    """Read the whole database at `path` without writing to it: see `Examination`."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"no database at {path}")
    result = Examination(str(path), path.stat().st_size)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if result.size == 0:
        result.unreadable_schema = "the file is empty (0 bytes)"
        return result
    if header != SQLITE_HEADER:
        result.unreadable_schema = "the file does not start as a SQLite database does"
        return result
    result.damaged_schema = _schema_problem(path)
    conn = _open_read_only(path)
    try:
        try:
            result.schema_version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            result.unreadable_schema = describe_database_error(path, exc).reason
            return result
        result.problems = integrity_problems(conn, "integrity_check", limit)
        try:
            result.foreign_key_problems = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            result.problems.append(f"foreign_key_check: {exc}")
        for table in TABLES:
            report = TableReport(table)
            result.tables.append(report)
            if table not in tables:
                report.error = "missing from the schema"
                continue
            try:
                conn.execute(f"SELECT * FROM {table} LIMIT 0")
            except sqlite3.DatabaseError:
                report.error = "its definition in the schema is damaged"
                continue
            for row in readable_rows(conn, table, report):
                if table == "versions" and row["text_hash"] != sha256_hex(row["text"]):
                    report.altered += 1
    finally:
        conn.close()
    return result


def recover(path: str | Path, target: str | Path) -> Examination:
    """Write every readable row of the database at `path` into a new database at `target` (which
    must not exist); returns what was read. The original is only read."""
    path, target = Path(path), Path(target)
    if target.exists():
        raise StoreError(f"{target} already exists: recover into a new file")
    if target.resolve() == path.resolve():
        raise StoreError("recover into another file than the damaged database")
    found = examine(path)
    if not found.recoverable:
        raise StoreError(f"nothing of {path} can be read ({found.unreadable_schema or 'no readable row'}); "
                         "restore a backup")
    source = _open_read_only(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with Store(partial) as copy:
            copy.conn.execute("PRAGMA foreign_keys = OFF")
            kept: dict[str, set[Any]] = {parent: set() for parent in PARENT_KEYS}
            with copy.transaction():
                for table in TABLES:
                    columns = {row[1] for row in copy.conn.execute(f"PRAGMA table_info({table})")}
                    if not any(report.name == table and report.error is None for report in found.tables):
                        continue
                    for row in readable_rows(source, table, TableReport(table)):
                        values = {key: row[key] for key in row.keys() if key in columns}
                        if not _links_kept(table, values, kept):
                            continue
                        names = ", ".join(values)
                        copy.conn.execute(f"INSERT OR IGNORE INTO {table} ({names}) VALUES "
                                          f"({', '.join('?' * len(values))})", tuple(values.values()))
                        if table in PARENT_KEYS:
                            kept[table].add(values[PARENT_KEYS[table]])
            copy.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return found


def _links_kept(table: str, values: dict[str, Any], kept: dict[str, set[Any]]) -> bool:
    """Whether a row can be recovered: its required parents were; optional lost parents are cleared."""
    for column, parent in REQUIRED_PARENTS.get(table, {}).items():
        if values.get(column) not in kept[parent]:
            return False
    for column, parent in OPTIONAL_PARENTS.get(table, {}).items():
        if values.get(column) is not None and values[column] not in kept[parent]:
            values[column] = None
    return True
