"""SQLite persistence of policies, raw snapshots, versions, checks, changes and facts.

Everything goes through one `sqlite3` connection in WAL mode. History is append-only: the schema's
triggers refuse to rewrite or delete a version or a snapshot, and `transaction()` lets a whole
check (check row, snapshot, version, changes, facts, outbox rows) land atomically.

Plain `sqlite3` rather than sqlite-utils: importing sqlite-utils costs every command some 150 ms
(numpy, click, its plugin scan), and every statement here is hand-tuned SQL for the schema's
indexes and triggers (migrations stay SQL scripts), which sqlite-utils would only wrap.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basics.errors import StoreError, UsageError
from basics.timestamps import utc_now
from basics.compression import compress_snapshot, decompress_snapshot
from store.migrations import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000
EMPTY_FILE_GRACE_SECONDS = 1.0
"""How long a 0-byte database file may stay empty (another process creating it) before it is refused."""
CHECK_OUTCOMES = ("new_version", "unchanged", "not_modified", "error", "suspect", "pending_confirmation")
ACCEPTED_OUTCOMES = ("new_version", "unchanged", "not_modified")
"""Outcomes whose body became (or confirmed) the current version; only they yield validators."""
FAILED_OUTCOMES = ("error", "suspect")
"""Outcomes that extend a failure streak; `pending_confirmation` neither ends nor extends one."""

_VERSION_SUMMARY_COLUMNS = (
    "v.id, v.seq, v.text_hash, v.first_seen, v.last_seen, v.size, v.language, v.declared_date, v.origin, "
    "v.material, v.summary"
)


def sha256_hex(data: bytes | str) -> str:
    """Content address used for snapshots (raw bytes) and versions (UTF-8 text)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


DAMAGE_MARKERS = ("malformed", "not a database", "corrupt", "disk image", "damaged")


def _raised_by_sqlite(exc: BaseException) -> bool:
    """Whether a UnicodeDecodeError came from reading text SQLite stored (a damaged page), not from
    our own decoding; any sqlite3.Error is the database's."""
    if isinstance(exc, sqlite3.Error):
        return True
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    return bool(frames) and Path(frames[-1]).parent == Path(__file__).parent


def integrity_problems(conn: sqlite3.Connection, pragma: str = "quick_check", limit: int = 10) -> list[str]:
    """What `PRAGMA quick_check` (or `integrity_check`) reports, one line per problem; empty when sound."""
    try:
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}({int(limit)})")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return [str(exc).splitlines()[0] if str(exc) else type(exc).__name__]
    if rows == ["ok"]:
        return []
    lines = [line.strip() for row in rows for line in str(row).splitlines()]
    return [line for line in lines if line and not line.startswith("***")]


def writable(path: Path) -> bool:
    """Whether a database file and its folder (where SQLite keeps -wal and -shm) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


SQLITE_HEADER = b"SQLite format 3\x00"


def _sqlite_header(path: Path) -> bool:
    """Whether the file starts as every SQLite database does (unreadable: let SQLite say why).

    Never call it while this process has a connection to the file (see `Store._open_error`)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return True


class DatabaseError(StoreError):
    """A database failure worded for the user; `reason` is SQLite's own words."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def describe_database_error(path: Path, exc: BaseException) -> DatabaseError:
    """A database failure as a one-line error saying what it means and what to do."""
    if isinstance(exc, UnicodeDecodeError) and isinstance(exc.object, bytes):
        message = exc.object.decode("utf-8", "replace")  # SQLite's message quoted damaged bytes
    else:
        message = str(exc) or type(exc).__name__
    message = " ".join(line.strip() for line in message.splitlines() if line.strip() and "***" not in line)
    lowered = message.lower()
    if isinstance(exc, UnicodeDecodeError) or any(marker in lowered for marker in DAMAGE_MARKERS):
        text = f"{path} is damaged ({message}); run `policy-monitor doctor` to see what can be recovered"
    elif "full" in lowered:
        text = (f"no space left for {path} (database or disk is full): what was being written was not kept, "
                "what was written before is intact")
    elif "readonly" in lowered or "read-only" in lowered:
        text = f"{path} is read-only: policy-monitor cannot record anything in it"
    elif "locked" in lowered or "busy" in lowered:
        text = f"{path} is busy: another process kept it locked for {BUSY_TIMEOUT_MS // 1000} s"
    elif "unable to open" in lowered:
        text = f"cannot open database {path}: {message}"
    else:
        text = f"database {path}: {message}"
    return DatabaseError(text, message)


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (`executescript` would commit the open transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _as_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _as_int(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


@dataclass(slots=True)
class VersionSummary:
    """One row of a policy's history, without its text: cheap enough to list 100,000 of them."""

    id: int
    seq: int
    text_hash: str
    first_seen: str
    last_seen: str
    size: int
    language: str | None
    declared_date: str | None
    origin: str
    material: bool | None
    summary: str | None
    changes: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "seq": self.seq, "text_hash": self.text_hash, "first_seen": self.first_seen,
            "last_seen": self.last_seen, "size": self.size, "language": self.language,
            "declared_date": self.declared_date, "origin": self.origin,
            "material": self.material, "summary": self.summary, "changes": self.changes,
        }


@dataclass(frozen=True)
class Version:
    """One stored version of a policy's clean text."""

    id: int
    policy_id: int
    seq: int
    text_hash: str
    text: str
    snapshot_hash: str | None
    first_seen: str
    last_seen: str
    size: int
    language: str | None
    declared_date: str | None
    origin: str
    normalizer_version: int
    material: bool | None
    summary: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Store:
    """The policy-monitor database; opening it creates or migrates the schema."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        """Open (creating or migrating it) the database at `path`; `read_only` opens an existing
        one for reading only (SQLite refuses every write on that connection), which also works in
        a folder or on a file that cannot be written."""
        self.path = Path(path)
        self.read_only = read_only
        self._depth = 0
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a database file")
        in_memory = str(path) == ":memory:"
        existed = self.path.exists()
        if read_only and not existed:
            raise StoreError(f"{self.path}: no database yet (nothing was checked)")
        if not read_only and not in_memory:
            self._check_writable(existed)
        if existed and self.path.stat().st_size == 0:
            self._refuse_empty_file()
        try:
            self.conn = self._connect()
        except sqlite3.Error as exc:
            raise self._open_error(exc) from None
        try:
            self._configure()
            self._migrate()
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            self.conn.close()
            raise self._open_error(exc) from None
        except StoreError:
            self.conn.close()
            raise

    # -- connection, schema, transactions -------------------------------------------------

    def _check_writable(self, existed: bool) -> None:
        """A read-write open of what cannot be written fails here, in one line, rather than at
        the first write of a check (SQLite would open it read-only without a word)."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {self.path}: {(exc.strerror or str(exc)).lower()}") from None
        if existed and not os.access(self.path, os.W_OK):
            raise StoreError(f"{self.path} is read-only: policy-monitor cannot record anything in it "
                             "(make it writable, or read it: `list`, `history` and `show` still work)")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError(f"{self.path} is in a read-only folder: SQLite needs to create "
                             f"{self.path.name}-wal and {self.path.name}-shm next to it "
                             "(`list`, `history` and `show` still work)")

    def _refuse_empty_file(self) -> None:
        """A database file of 0 bytes is a truncated database (a failed copy, a full disk), not a new
        one: starting afresh in it would hide that the history is gone. One being created by another
        process right now has content within moments, so it is given a second."""
        deadline = time.monotonic() + EMPTY_FILE_GRACE_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if self.path.stat().st_size > 0:
                return
        raise StoreError(f"{self.path} is empty (0 bytes): it is not a policy-monitor database, and "
                         "its history, if it had one, is gone; restore a backup, or delete the file "
                         "to start a new database")

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: a statement outside `transaction()` commits itself; a transaction is explicit.
        options: dict[str, Any] = {"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None}
        if not self.read_only:
            return sqlite3.connect(str(self.path), **options)
        uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, **options)
            conn.execute("PRAGMA user_version").fetchone()
            return conn
        except sqlite3.OperationalError:
            wal = self.path.with_name(self.path.name + "-wal")
            if os.access(self.path.parent, os.W_OK) or wal.exists():
                raise
        # A folder nobody can write holds no -wal, so no writer: the file cannot change under us.
        return sqlite3.connect(uri + "&immutable=1", uri=True, **options)

    def _open_error(self, exc: BaseException) -> StoreError:
        """Why the file could not be opened as a database: not SQLite at all, or a failure."""
        # Only now, with no connection of ours on the file, may its bytes be read: closing any
        # descriptor of a database file drops every lock this process holds on it (POSIX), and
        # another process would then take a live database for an unused one.
        if "not a database" in str(exc) and not _sqlite_header(self.path):
            return StoreError(f"{self.path} is not a SQLite database")
        return self.error(exc)

    def error(self, exc: BaseException) -> DatabaseError:
        """A database failure as a one-line StoreError saying what it means for the user."""
        return describe_database_error(self.path, exc)

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.read_only:
            return
        self.conn.execute("PRAGMA foreign_keys = ON")
        if str(self.path) != ":memory:" and self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this policy-monitor "
                f"supports ({SCHEMA_VERSION}); upgrade policy-monitor"
            )
        if current == 0 and self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{self.path} is a SQLite database, but not a policy-monitor one")
        if self.read_only:
            return  # an older schema is read as it is: browsing needs none of the later additions
        for target in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                # Another process may have migrated while we waited for the write lock.
                if self.schema_version >= target:
                    continue
                for statement in _statements(MIGRATIONS[target - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {target}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        """Close; a database failure inside the `with` block leaves it as a one-line StoreError."""
        self.close()
        if isinstance(exc, (sqlite3.Error, UnicodeDecodeError)) and _raised_by_sqlite(exc):
            raise self.error(exc) from None

    def integrity_problems(self, limit: int = 10) -> list[str]:
        """What SQLite's `quick_check` finds wrong (empty: the file is sound). It reads every page
        (about 0.1 s per 200 MB) but not the indexes' agreement with their tables (`doctor` does)."""
        return integrity_problems(self.conn, "quick_check", limit)

    def ensure_sound(self) -> None:
        """Raise StoreError before anything is written to a database that `quick_check` finds damaged."""
        problems = self.integrity_problems(limit=1)
        if problems:
            raise StoreError(f"{self.path} is damaged ({problems[0]}); nothing was written to it. "
                             "Run `policy-monitor doctor` to see what can be recovered")

    def backup(self, target: str | Path) -> int:
        """Copy the database, consistent while others write, into `target` (SQLite's online backup);
        returns the copy's size in bytes."""
        target = Path(target)
        copy = sqlite3.connect(str(target))
        try:
            self.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # a self-contained file, no -wal beside it
        finally:
            copy.close()
        return target.stat().st_size

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One atomic write transaction (BEGIN IMMEDIATE); a nested use joins the outer one."""
        if self._depth > 0 or self.conn.in_transaction:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def _one(self, sql: str, params: tuple | dict = ()) -> dict | None:
        """The first row as a dict."""
        cursor = self.conn.execute(sql, params)
        row = cursor.fetchone()
        return dict(zip((column[0] for column in cursor.description), row)) if row is not None else None

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[dict[str, Any]]:
        """Every row as a dict."""
        return _dicts(self.conn.execute(sql, params))

    # -- policies ---------------------------------------------------------------------------

    def ensure_policy(self, name: str, url: str, language: str | None) -> int:
        """Register a watched policy (or update its URL/language and un-remove it); returns its id."""
        row = self.conn.execute(
            "SELECT id, url, language, removed_at FROM policies WHERE name = ?", (name,)
        ).fetchone()
        if row is not None and (row[1], row[2], row[3]) == (url, language, None):
            return row[0]  # already registered as it is: no write, no lock
        with self.transaction():
            self.conn.execute(
                "INSERT INTO policies (name, url, language, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET url = excluded.url, language = excluded.language, "
                "removed_at = NULL",
                (name, url, language, utc_now()),
            )
            return self.conn.execute("SELECT id FROM policies WHERE name = ?", (name,)).fetchone()[0]

    def ensure_policies(self, policies: list[tuple[str, str, str | None]]) -> None:
        """`ensure_policy` for many (name, url, language) at once, in one transaction.

        A first check of a big watchlist registers every policy in one commit instead of one each.
        """
        known = {row[0]: tuple(row[1:]) for row in self.conn.execute(
            "SELECT name, url, language, removed_at FROM policies")}
        stale = [(name, url, language) for name, url, language in policies
                 if known.get(name) != (url, language, None)]
        if not stale:
            return
        now = utc_now()
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO policies (name, url, language, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET url = excluded.url, language = excluded.language, "
                "removed_at = NULL",
                [(name, url, language, now) for name, url, language in stale],
            )

    def mark_policy_removed(self, name: str) -> None:
        """Stop treating a policy as watched while keeping all of its history."""
        with self.transaction():
            self.conn.execute(
                "UPDATE policies SET removed_at = ? WHERE name = ? AND removed_at IS NULL",
                (utc_now(), name),
            )

    def policy_id(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM policies WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def policy_ids(self) -> dict[str, int]:
        """Every registered policy's id, by name."""
        return dict(self.conn.execute("SELECT name, id FROM policies"))

    def policy_name(self, policy_id: int) -> str | None:
        row = self.conn.execute("SELECT name FROM policies WHERE id = ?", (policy_id,)).fetchone()
        return row[0] if row else None

    def policies(self) -> list[dict]:
        """Every policy ever registered (removed ones have `removed_at` set), by name."""
        return self.query("SELECT * FROM policies ORDER BY name")

    # -- snapshots --------------------------------------------------------------------------

    def put_snapshot(self, body: bytes, content_type: str | None, now: str, compressed: bytes | None = None,
                     digest: str | None = None, rendered_by: str | None = None) -> str:
        """Keep a raw response body (compressed, stored once per distinct body); returns its sha256.

        `compressed` is `compress_snapshot(body)` and `digest` is `sha256_hex(body)` when the caller
        already has them. `rendered_by` names the browser when the body is a rendered DOM.
        """
        digest = digest or sha256_hex(body)
        if compressed is None and self.conn.execute("SELECT 1 FROM snapshots WHERE hash = ?", (digest,)).fetchone():
            return digest  # known: spare the compression
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO snapshots (hash, content_type, size, first_seen, body, rendered_by) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (digest, content_type, len(body), now, compressed or compress_snapshot(body), rendered_by),
            )
        return digest

    def get_snapshot(self, snapshot_hash: str) -> tuple[bytes, str | None]:
        """The raw body and content type of a stored snapshot."""
        row = self.conn.execute(
            "SELECT body, content_type FROM snapshots WHERE hash = ?", (snapshot_hash,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no snapshot {snapshot_hash} in {self.path}")
        return decompress_snapshot(row[0]), row[1]

    def snapshot_rendered_by(self, snapshot_hash: str) -> str | None:
        """The browser that rendered a stored snapshot (`Chromium <version>`); None for bytes as fetched."""
        row = self.conn.execute("SELECT rendered_by FROM snapshots WHERE hash = ?", (snapshot_hash,)).fetchone()
        return row[0] if row else None

    # -- versions ---------------------------------------------------------------------------

    @staticmethod
    def _version(row: dict) -> Version:
        return Version(
            id=row["id"], policy_id=row["policy_id"], seq=row["seq"], text_hash=row["text_hash"],
            text=row["text"], snapshot_hash=row["snapshot_hash"], first_seen=row["first_seen"],
            last_seen=row["last_seen"], size=row["size"], language=row["language"],
            declared_date=row["declared_date"], origin=row["origin"],
            normalizer_version=row["normalizer_version"], material=_as_bool(row["material"]),
            summary=row["summary"],
        )

    def latest_version(self, policy_id: int) -> Version | None:
        row = self._one(
            "SELECT * FROM versions WHERE policy_id = ? ORDER BY seq DESC LIMIT 1", (policy_id,)
        )
        return self._version(row) if row else None

    def get_version(self, policy_id: int, seq: int) -> Version:
        row = self._one("SELECT * FROM versions WHERE policy_id = ? AND seq = ?", (policy_id, seq))
        if row is None:
            name = self.policy_name(policy_id) or f"#{policy_id}"
            raise UsageError(f"policy {name} has no version {seq}")
        return self._version(row)

    def version_at(self, policy_id: int, when: str) -> Version | None:
        """The version that was current at `when`: the one before the first version seen after
        `when` (the latest if none was). Versions follow one another by seq; a version stored
        while the clock was behind has an earlier `first_seen` than the one before it, and must
        not be taken for older than that one."""
        first_after = self.conn.execute(
            "SELECT min(seq) FROM versions WHERE policy_id = ? AND first_seen > ?", (policy_id, when)
        ).fetchone()[0]
        if first_after is None:
            return self.latest_version(policy_id)
        row = self._one("SELECT * FROM versions WHERE policy_id = ? AND seq = ?", (policy_id, first_after - 1))
        return self._version(row) if row else None

    def versions(self, policy_id: int, limit: int | None = None) -> list[VersionSummary]:
        """A policy's history (oldest first; only the newest `limit` if given), without texts."""
        # Counted per listed version (index changes_version): the newest few never pay for the
        # changes of the whole history.
        sql = (
            f"SELECT {_VERSION_SUMMARY_COLUMNS}, "
            "(SELECT count(*) FROM changes c WHERE c.version_id = v.id) "
            "FROM versions v WHERE v.policy_id = ?"
        )
        params: tuple = (policy_id,)
        if limit is not None:
            sql += " AND v.seq > (SELECT coalesce(max(seq), 0) FROM versions WHERE policy_id = ?) - ?"
            params += (policy_id, limit)
        rows = self.conn.execute(sql + " ORDER BY v.seq", params)
        return [
            VersionSummary(i, seq, text_hash, first, last, size, lang, date, origin,
                           None if material is None else material == 1, summary, changes)
            for i, seq, text_hash, first, last, size, lang, date, origin, material, summary, changes in rows
        ]

    def version_count(self, policy_id: int) -> int:
        """How many versions a policy has (versions are numbered 1..n without gaps)."""
        row = self.conn.execute("SELECT coalesce(max(seq), 0) FROM versions WHERE policy_id = ?", (policy_id,))
        return int(row.fetchone()[0])


    def add_version(
        self,
        policy_id: int,
        text: str,
        snapshot_hash: str | None,
        now: str,
        language: str | None = None,
        declared_date: str | None = None,
        origin: str = "fetch",
        normalizer_version: int = 1,
        material: bool | None = None,
        summary: str | None = None,
        text_hash: str | None = None,
    ) -> Version:
        """Append a version to a policy's history (seq = previous + 1).

        `text_hash` is `sha256_hex(text)` when the caller already has it.
        """
        with self.transaction():
            seq = self.conn.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM versions WHERE policy_id = ?", (policy_id,)
            ).fetchone()[0]
            version = Version(
                id=0, policy_id=policy_id, seq=seq, text_hash=text_hash or sha256_hex(text), text=text,
                snapshot_hash=snapshot_hash, first_seen=now, last_seen=now, size=len(text.encode("utf-8")),
                language=language, declared_date=declared_date, origin=origin,
                normalizer_version=normalizer_version, material=material, summary=summary,
            )
            cursor = self.conn.execute(
                "INSERT INTO versions (policy_id, seq, text_hash, snapshot_hash, first_seen, "
                "last_seen, size, language, declared_date, origin, normalizer_version, material, "
                "summary, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    policy_id, seq, version.text_hash, snapshot_hash, now, now, version.size, language,
                    declared_date, origin, normalizer_version, _as_int(material), summary, text,
                ),
            )
            return dataclasses.replace(version, id=cursor.lastrowid)

    def touch_version(self, version_id: int, now: str) -> None:
        """Record that a version was seen again (only `last_seen` moves)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE versions SET last_seen = max(last_seen, ?) WHERE id = ?", (now, version_id)
            )

    # -- checks -----------------------------------------------------------------------------

    def record_check(
        self,
        policy_id: int,
        *,
        started_at: str,
        finished_at: str | None,
        url: str,
        final_url: str | None,
        status: int | None,
        duration_ms: int | None,
        outcome: str,
        error: str | None,
        attempts: list[dict],
        snapshot_hash: str | None,
        version_id: int | None,
        etag: str | None,
        last_modified: str | None,
        derivation: str | None = None,
    ) -> int:
        """Store one check of one policy; `attempts` may be dicts or dataclasses (fetch.Attempt)."""
        if outcome not in CHECK_OUTCOMES:
            raise ValueError(f"unknown check outcome {outcome!r}")
        attempt_rows = [
            dataclasses.asdict(a) if dataclasses.is_dataclass(a) else dict(a) for a in attempts
        ]
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO checks (policy_id, started_at, finished_at, url, final_url, status, "
                "duration_ms, outcome, error, attempts, snapshot_hash, version_id, etag, "
                "last_modified, derivation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    policy_id, started_at, finished_at, url, final_url, status, duration_ms,
                    outcome, error, json.dumps(attempt_rows, ensure_ascii=False), snapshot_hash,
                    version_id, etag, last_modified, derivation,
                ),
            )
            return cursor.lastrowid

    @staticmethod
    def _check(row: dict) -> dict:
        row["attempts"] = json.loads(row["attempts"] or "[]")
        return row

    def last_check(self, policy_id: int) -> dict | None:
        row = self._one(
            "SELECT * FROM checks WHERE policy_id = ? ORDER BY id DESC LIMIT 1",
            (policy_id,),
        )
        return self._check(row) if row else None

    def checks(self, policy_id: int, limit: int = 50) -> list[dict]:
        """The most recent checks of a policy, newest first, attempts decoded."""
        return [
            self._check(row)
            for row in self.query(
                "SELECT * FROM checks WHERE policy_id = ? ORDER BY id DESC LIMIT ?",
                (policy_id, limit),
            )
        ]

    def last_check_times(self) -> dict[str, str]:
        """When each policy's latest check (by sequence: a clock moved back does not hide it) ended
        (or started, if it never ended), by name.

        Each policy's latest check comes from the (policy_id) index, so the service's start costs
        one lookup per policy however long the history (500,000 checks: 13 ms, where grouping the
        whole table took 280 ms).
        """
        return dict(row for row in self.conn.execute(
            "SELECT p.name, (SELECT coalesce(c.finished_at, c.started_at) FROM checks c WHERE c.policy_id = p.id "
            "ORDER BY c.id DESC LIMIT 1) AS stamp FROM policies p"
        ) if row[1])

    def overview(self, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """Per policy name (only `names` when given): its latest check (by sequence) as `last_check`
        (started_at, finished_at, outcome, error; None when never checked), how many versions it
        has, and its newest material version as `last_change` (seq, first_seen, summary and the
        highest severity of its changes; None when none). One query for all: what `list` and the
        web view's front page show for every entry."""
        rows = self.conn.execute(
            "SELECT p.name, c.started_at, c.finished_at, c.outcome, c.error, "
            "(SELECT coalesce(max(seq), 0) FROM versions v WHERE v.policy_id = p.id), "
            "m.seq, m.first_seen, m.summary, "
            "(SELECT ch.severity FROM changes ch WHERE ch.version_id = m.id AND ch.material = 1 "
            " ORDER BY CASE ch.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END DESC "
            " LIMIT 1) "
            "FROM policies p "
            "LEFT JOIN checks c ON c.id = (SELECT id FROM checks WHERE policy_id = p.id ORDER BY id DESC LIMIT 1) "
            "LEFT JOIN versions m ON m.id = (SELECT id FROM versions WHERE policy_id = p.id AND material = 1 "
            "ORDER BY seq DESC LIMIT 1)"
            + (f" WHERE p.name IN ({', '.join('?' * len(names))})" if names is not None else ""),
            names or (),
        )
        overview = {}
        for name, started, finished, outcome, error, count, seq, first_seen, summary, severity in rows:
            overview[name] = {
                "last_check": {"started_at": started, "finished_at": finished, "outcome": outcome, "error": error}
                if outcome is not None else None,
                "versions": count,
                "last_change": {"seq": seq, "first_seen": first_seen, "summary": summary, "severity": severity}
                if seq is not None else None,
            }
        return overview

    def failure_streak(self, policy_id: int) -> tuple[int, int | None]:
        """(failed or suspect checks since the last accepted one, id of the first of them)."""
        accepted = ", ".join("?" for _ in ACCEPTED_OUTCOMES)
        failed = ", ".join("?" for _ in FAILED_OUTCOMES)
        count, first = self.conn.execute(
            f"SELECT count(*), min(id) FROM checks WHERE policy_id = ? AND outcome IN ({failed}) AND id > "
            f"(SELECT coalesce(max(id), 0) FROM checks WHERE policy_id = ? AND outcome IN ({accepted}))",
            (policy_id, *FAILED_OUTCOMES, policy_id, *ACCEPTED_OUTCOMES),
        ).fetchone()
        return count, first

    def last_validators(self, policy_id: int) -> tuple[str | None, str | None]:
        """(etag, last_modified) of the latest check whose body was accepted as current."""
        placeholders = ", ".join("?" for _ in ACCEPTED_OUTCOMES)
        row = self.conn.execute(
            f"SELECT etag, last_modified FROM checks WHERE policy_id = ? "
            f"AND outcome IN ({placeholders}) ORDER BY id DESC LIMIT 1",
            (policy_id, *ACCEPTED_OUTCOMES),
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def last_accepted_body(self, policy_id: int) -> tuple[str | None, str | None, int | None]:
        """(snapshot hash, derivation, version id) of the latest check whose body was the current page."""
        row = self.conn.execute(
            "SELECT snapshot_hash, derivation, version_id FROM checks WHERE policy_id = ? "
            "AND outcome IN ('new_version', 'unchanged') ORDER BY id DESC LIMIT 1",
            (policy_id,),
        ).fetchone()
        return (row[0], row[1], row[2]) if row else (None, None, None)


    # -- changes ----------------------------------------------------------------------------

    def add_changes(
        self, policy_id: int, version_id: int, prev_version_id: int | None, changes: list, now: str
    ) -> None:
        """Store the analysed changes that led to `version_id` (dicts or analysis `Change`s)."""
        rows = [c.to_json() if hasattr(c, "to_json") else dict(c) for c in changes]
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO changes (policy_id, version_id, prev_version_id, category, material, "
                "severity, summary, old_values, new_values, old_text, new_text, rule, section, "
                "detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        policy_id, version_id, prev_version_id, c["category"],
                        int(bool(c.get("material"))), c.get("severity", "none"),
                        c.get("summary", ""),
                        json.dumps(list(c.get("old_values") or []), ensure_ascii=False),
                        json.dumps(list(c.get("new_values") or []), ensure_ascii=False),
                        c.get("old_text") or "", c.get("new_text") or "", c.get("rule") or "",
                        c.get("section") or "", now,
                    )
                    for c in rows
                ],
            )

    def changes(
        self,
        since: str | None = None,
        policy: str | None = None,
        category: str | None = None,
        material: bool | None = None,
        limit: int | None = None,
        version_id: int | None = None,
        policies: list[str] | None = None,
    ) -> list[dict]:
        """Stored changes, newest first (the order they were recorded in), with policy name and the seq
        of both versions; `policies` keeps those of the named policies only."""
        where, params = [], []
        if policies is not None:
            where.append(f"p.name IN ({', '.join('?' for _ in policies)})" if policies else "0")
            params.extend(policies)
        if version_id is not None:
            where.append("c.version_id = ?")
            params.append(version_id)
        if since is not None:
            where.append("c.detected_at >= ?")
            params.append(since)
        if policy is not None:
            where.append("p.name = ?")
            params.append(policy)
        if category is not None:
            where.append("c.category = ?")
            params.append(category)
        if material is not None:
            where.append("c.material = ?")
            params.append(int(material))
        sql = (
            "SELECT c.*, p.name AS policy, v.seq AS seq, pv.seq AS prev_seq "
            "FROM changes c JOIN policies p ON p.id = c.policy_id "
            "JOIN versions v ON v.id = c.version_id "
            "LEFT JOIN versions pv ON pv.id = c.prev_version_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY c.version_id DESC, c.id"  # newest first by sequence, whatever the clocks said
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        result = []
        for row in self.query(sql, params):
            row["material"] = bool(row["material"])
            row["old_values"] = json.loads(row["old_values"])
            row["new_values"] = json.loads(row["new_values"])
            result.append(row)
        return result

    # -- facts ------------------------------------------------------------------------------

    def add_facts(self, version_id: int, facts: dict[str, list], now: str | None = None) -> bool:
        """Store the facts derived from a version; items are strings, `{"value", "evidence"}` (the
        value, with the sentence it was read from) or other dicts (kept as given).

        A version's facts are derived once: when they already were, nothing is written and the
        result is False (two readers deriving the same version at once store one set).
        """
        rows = []
        for kind, items in facts.items():
            for item in items:
                if isinstance(item, dict) and set(item) <= {"value", "evidence"} and isinstance(item.get("value"), str):
                    rows.append((version_id, kind, item["value"], item.get("evidence"), None))
                elif isinstance(item, dict):
                    value = item.get("value")
                    rows.append((
                        version_id, kind,
                        value if isinstance(value, str) else json.dumps(item, ensure_ascii=False),
                        item.get("evidence"), json.dumps(item, ensure_ascii=False),
                    ))
                else:
                    rows.append((version_id, kind, str(item), None, None))
        with self.transaction():
            derived = self.conn.execute(
                "INSERT OR IGNORE INTO fact_derivations (version_id, derived_at) VALUES (?, ?)",
                (version_id, now or utc_now()),
            ).rowcount
            if not derived:
                return False
            self.conn.executemany(
                "INSERT INTO facts (version_id, kind, value, evidence, data) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        return True

    def versions_without_facts(self, policy_id: int) -> list[tuple[int, str, str | None]]:
        """(version id, text, language) of a policy's versions whose facts were not derived yet."""
        return [tuple(row) for row in self.conn.execute(
            "SELECT v.id, v.text, v.language FROM versions v "
            "LEFT JOIN fact_derivations d ON d.version_id = v.id "
            "WHERE v.policy_id = ? AND d.version_id IS NULL ORDER BY v.seq",
            (policy_id,),
        )]

    def facts(self, version_id: int) -> dict[str, list]:
        """The facts of one version, by kind, in the order they were stored."""
        result: dict[str, list] = {}
        for kind, value, data in self.conn.execute(
            "SELECT kind, value, data FROM facts WHERE version_id = ? ORDER BY id", (version_id,)
        ):
            result.setdefault(kind, []).append(json.loads(data) if data is not None else value)
        return result

    def fact_evidence(self, version_id: int) -> list[tuple[str, str, str]]:
        """(kind, value, sentence) of each fact of one version stored with the sentence stating it."""
        return [tuple(row) for row in self.conn.execute(
            "SELECT kind, value, evidence FROM facts WHERE version_id = ? AND evidence IS NOT NULL ORDER BY id",
            (version_id,),
        )]

    def fact_history(self, policy_id: int) -> list[dict]:
        """Per version (oldest first): seq, version id, first_seen and its facts."""
        history = [
            {"seq": seq, "version_id": vid, "first_seen": first_seen, "facts": {}}
            for vid, seq, first_seen in self.conn.execute(
                "SELECT id, seq, first_seen FROM versions WHERE policy_id = ? ORDER BY seq",
                (policy_id,),
            )
        ]
        by_id = {entry["version_id"]: entry["facts"] for entry in history}
        for vid, kind, value, data in self.conn.execute(
            "SELECT f.version_id, f.kind, f.value, f.data FROM facts f "
            "JOIN versions v ON v.id = f.version_id WHERE v.policy_id = ? ORDER BY f.id",
            (policy_id,),
        ):
            by_id[vid].setdefault(kind, []).append(json.loads(data) if data is not None else value)
        return history
