"""Sub-commands `doctor` and `backup`: the database's health, and copies of it.

`doctor` reads the database without writing to it: SQLite's integrity check, and every table row by
row past damaged pages, so it can say what is lost and what can still be read; `--recover NEW`
writes what can be read into a new database. `backup PATH` copies the database with SQLite's online
backup (consistent while a check or the service writes), checks the copy and says what it holds.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from basics.errors import UsageError
from basics.timestamps import utc_now
from monitor.cli.output import add_json_flag, console, human_size, open_watchlist, plural, print_json, table


def register(subparsers: argparse._SubParsersAction) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="check the database for damage and say what can be recovered",
        description="Read the whole database (never writing to it): SQLite's integrity check, and how many "
        "rows of each table can still be read. Exit status 1 when it is damaged.",
    )
    doctor.add_argument("database", nargs="?", type=Path,
                        help="the database file (default: the watchlist's)")
    doctor.add_argument("--recover", type=Path, metavar="NEW_DB",
                        help="write every readable row into this new database file")
    add_json_flag(doctor)
    doctor.set_defaults(func=cmd_doctor)

    backup = subparsers.add_parser(
        "backup", help="copy the database (safe while checks run)",
        description="Copy the watchlist's database with SQLite's online backup, then check the copy. "
        "PATH is a new file, or a folder to put a dated copy in.",
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="the copy to write (a new file, or a folder)")
    add_json_flag(backup)
    backup.set_defaults(func=cmd_backup)


def _database(args: argparse.Namespace) -> Path:
    if getattr(args, "database", None) is not None:
        return args.database
    from monitor.watchlist import database_path

    path = database_path(open_watchlist(args))
    if not path.exists():
        raise UsageError(f"no database at {path} yet (nothing was checked)")
    return path


# -- doctor -----------------------------------------------------------------------------------------


def _lost(report: Any) -> str:
    if report.error:
        return report.error
    parts = []
    if report.unreadable:
        parts.append(f"{len(report.unreadable)} damaged stretch(es) of rows")
    if report.altered:
        parts.append(f"{report.altered} text(s) no longer match their hash")
    return "; ".join(parts)


def _advice(found: Any, database: Path) -> str:
    if found.sound:
        return "sound: nothing to do"
    if not found.recoverable:
        return "nothing can be read from it: restore a backup (`policy-monitor backup` makes them)"
    tables_whole = all(report.complete for report in found.tables)
    what = ("every row can be read (the damage is in an index or free pages)" if tables_whole
            else "the rows above can be read")
    return (f"{what}: run `policy-monitor doctor {database} --recover NEW.db`, look at NEW.db "
            "(`policy-monitor doctor NEW.db`), then put it in place of the database")


def cmd_doctor(args: argparse.Namespace) -> int:
    from store.doctor import examine, recover

    database = _database(args)
    found = recover(database, args.recover) if args.recover is not None else examine(database)
    recovered = examine(args.recover) if args.recover is not None else None
    healthy = recovered.sound if recovered is not None else found.sound
    if args.json:
        print_json({**found.to_json(), "recovered": recovered.to_json() if recovered is not None else None})
        return 0 if healthy else 1
    out = console()
    state = "sound" if found.sound else "DAMAGED"
    version = f", schema v{found.schema_version}" if found.schema_version is not None else ""
    out.print(f"{database} ({human_size(found.size)}{version}): {state}")
    if found.unreadable_schema:
        out.print(f"  the schema cannot be read: {found.unreadable_schema}")
    if found.damaged_schema:
        out.print(f"  SQLite refuses its schema ({found.damaged_schema}); the other tables are read past it")
    for problem in found.problems[:10]:
        out.print(f"  integrity check: {problem}")
    if found.foreign_key_problems:
        out.print(f"  {found.foreign_key_problems} row(s) point to rows that do not exist")
    if found.tables:
        out.print(table(None, ("table", "readable rows", "lost"),
                        ([report.name, report.readable, _lost(report)] for report in found.tables)))
    if recovered is not None:
        rows = sum(report.readable for report in recovered.tables)
        out.print(f"wrote {args.recover}: {rows} rows, {'sound' if recovered.sound else 'NOT sound'}; "
                  f"once it looks right, put it in place of {database}")
    else:
        out.print(_advice(found, database))
    return 0 if healthy else 1


# -- backup -----------------------------------------------------------------------------------------


def _backup_target(path: Path) -> Path:
    if path.is_dir():
        stamp = utc_now().replace("-", "").replace(":", "")
        return path / f"policy-monitor-{stamp}.db"
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} already exists: give a new file name, or a folder")
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    from store import Store
    from store.db import integrity_problems

    database = _database(args)
    target = _backup_target(args.path)
    if target.resolve() == database.resolve():
        raise UsageError("the backup must be another file than the database")
    partial = target.with_name(f".{target.name}.partial")
    try:
        with Store(database, read_only=True) as store:
            size = store.backup(partial)
        with Store(partial, read_only=True) as copy:
            problems = integrity_problems(copy.conn)
            policies = copy.conn.execute("SELECT count(*) FROM policies").fetchone()[0]
            versions = copy.conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        partial.replace(target)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        partial.unlink(missing_ok=True)
    result = {"backup": str(target), "database": str(database), "bytes": size, "policies": policies,
              "versions": versions, "sound": not problems, "problems": problems}
    if args.json:
        print_json(result)
    else:
        console().print(f"wrote {target} ({human_size(size)}: {plural(policies, 'policy', 'policies')}, "
                        f"{plural(versions, 'version')})"
                        + ("" if not problems else f"; the copy is as damaged as the database ({problems[0]}): "
                                                   "see `policy-monitor doctor`"))
    return 0 if not problems else 1
