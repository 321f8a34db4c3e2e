"""Schema of the policy-monitor database as an ordered list of SQL scripts.

`PRAGMA user_version` holds how many of these scripts a database has applied. Scripts are only
ever appended: editing one that has shipped would leave existing databases on a different schema.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS policies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    language TEXT,
    added_at TEXT NOT NULL,
    removed_at TEXT
);

CREATE TABLE IF NOT EXISTS snapshots (
    hash TEXT PRIMARY KEY,
    content_type TEXT,
    size INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    body BLOB NOT NULL
);

-- `text` is the last column so that reading the small columns never walks its overflow pages.
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies(id),
    seq INTEGER NOT NULL,
    text_hash TEXT NOT NULL,
    snapshot_hash TEXT REFERENCES snapshots(hash),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    size INTEGER NOT NULL,
    language TEXT,
    declared_date TEXT,
    origin TEXT NOT NULL DEFAULT 'fetch' CHECK (origin IN ('fetch', 'reprocess', 'import')),
    normalizer_version INTEGER NOT NULL DEFAULT 1,
    material INTEGER,
    summary TEXT,
    text TEXT NOT NULL,
    UNIQUE (policy_id, seq)
);

CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    duration_ms INTEGER,
    outcome TEXT NOT NULL CHECK (outcome IN (
        'new_version', 'unchanged', 'not_modified', 'error', 'suspect', 'pending_confirmation'
    )),
    error TEXT,
    attempts TEXT NOT NULL DEFAULT '[]',
    snapshot_hash TEXT REFERENCES snapshots(hash),
    version_id INTEGER REFERENCES versions(id),
    etag TEXT,
    last_modified TEXT
);

CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    prev_version_id INTEGER REFERENCES versions(id),
    category TEXT NOT NULL,
    material INTEGER NOT NULL,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    old_values TEXT NOT NULL DEFAULT '[]',
    new_values TEXT NOT NULL DEFAULT '[]',
    old_text TEXT NOT NULL DEFAULT '',
    new_text TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    detected_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS facts (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    evidence TEXT,
    data TEXT
);

CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    policy TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    delivered_at TEXT
);

CREATE INDEX IF NOT EXISTS versions_policy_seq ON versions(policy_id, seq);
CREATE INDEX IF NOT EXISTS versions_policy_first_seen ON versions(policy_id, first_seen);
CREATE INDEX IF NOT EXISTS checks_policy_started ON checks(policy_id, started_at);
CREATE INDEX IF NOT EXISTS checks_version ON checks(version_id);
CREATE INDEX IF NOT EXISTS changes_detected ON changes(detected_at);
CREATE INDEX IF NOT EXISTS changes_policy ON changes(policy_id, version_id);
CREATE INDEX IF NOT EXISTS changes_version ON changes(version_id);
CREATE INDEX IF NOT EXISTS facts_version ON facts(version_id);
CREATE INDEX IF NOT EXISTS outbox_status_next ON outbox(status, next_attempt_at);

-- History is append-only: a stored version or snapshot is never rewritten or deleted.
CREATE TRIGGER IF NOT EXISTS versions_append_only_update
BEFORE UPDATE OF policy_id, seq, text_hash, text, snapshot_hash, first_seen, size, origin,
    normalizer_version ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are append-only');
END;

CREATE TRIGGER IF NOT EXISTS versions_append_only_delete
BEFORE DELETE ON versions
BEGIN
    SELECT RAISE(ABORT, 'versions are append-only');
END;

CREATE TRIGGER IF NOT EXISTS snapshots_append_only_update
BEFORE UPDATE OF hash, body ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'snapshots are append-only');
END;
"""

# `derivation` names how a check's body was turned into text (normaliser version and selectors):
# a body already seen with the same derivation holds the same text and need not be normalised again.
SCHEMA_V2 = """
ALTER TABLE checks ADD COLUMN derivation TEXT;
"""

# Facts are derived from a version's text when they are first asked for, not while it is checked:
# a row here says a version's facts were derived (even when none were found). Versions stored
# before this migration had theirs derived at check time.
SCHEMA_V3 = """
CREATE TABLE IF NOT EXISTS fact_derivations (
    version_id INTEGER PRIMARY KEY REFERENCES versions(id),
    derived_at TEXT NOT NULL
);
INSERT OR IGNORE INTO fact_derivations (version_id, derived_at) SELECT id, first_seen FROM versions;
"""

# UNIQUE(policy_id, seq) already gives versions an index on (policy_id, seq): a second one only
# cost every new version one more B-tree to write.
SCHEMA_V4 = """
DROP INDEX IF EXISTS versions_policy_seq;
"""

# A body a browser rendered (the DOM after its scripts ran, not the bytes served) names the browser
# that made it, e.g. `Chromium 156.0.8078.114`; NULL for bytes as fetched.
SCHEMA_V5 = """
ALTER TABLE snapshots ADD COLUMN rendered_by TEXT;
"""

# Concurrency and clocks. `leases`: the one process checking a policy now (store.leases). The
# outbox remembers who leased a row for sending (`leased_by`), so a process starting after a crash
# takes back what a dead one held, and when its retry was decided (`scheduled_at`), so a clock
# moved back does not hold it for the jump. Checks are read newest first by id, not by the clock
# (a check whose clock was behind the latest stored one is still the latest): one index on
# policy_id (its rowid order is the sequence) replaces (policy_id, started_at).
SCHEMA_V6 = """
CREATE TABLE IF NOT EXISTS leases (
    policy_id INTEGER PRIMARY KEY REFERENCES policies(id),
    holder TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
ALTER TABLE outbox ADD COLUMN scheduled_at TEXT;
DROP INDEX IF EXISTS checks_policy_started;
CREATE INDEX IF NOT EXISTS checks_policy ON checks(policy_id);
"""

MIGRATIONS: list[str] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6]
"""Migration N (1-based) brings a database from `user_version` N-1 to N."""

SCHEMA_VERSION = len(MIGRATIONS)
