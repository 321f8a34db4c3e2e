"""SQLite persistence of policy history (see docs/ARCHITECTURE.md, "Storage")."""

from store.db import Store, Version, VersionSummary, sha256_hex, utc_now
from store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "Version", "VersionSummary", "sha256_hex", "utc_now"]
