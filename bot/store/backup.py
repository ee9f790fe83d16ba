"""Backup and restore of the database file, safe while the bot runs.

Backup uses SQLite's online backup API in a single step: the copy is one read transaction,
so it is a consistent snapshot (every transaction committed before it started, none after)
and, the database being in WAL mode, the bot keeps writing meanwhile. The copy is written
to a temporary file next to the target, switched to a self-contained rollback journal,
checked with ``PRAGMA integrity_check`` and only then renamed into place.

Restore validates the file first (SQLite, integrity ok, a danvan-bot schema this version
can read), refuses while another process has the live database open, saves the current
database next to it (``<name>.before-restore-<UTC time>.db``), and writes the backup into
the live file through the backup API, which SQLite applies as one transaction. Schema
migrations then run forward on the next start as usual.

Backups and pre-restore copies hold what the database holds (chat ids, names): they are
created 0600 (bot.store.db.create_private), whatever the umask.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import struct
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.store.db import DatabaseProblem, create_private, make_private, prepare_file
from bot.store.schema import SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables every danvan-bot database has had since schema v1.
REQUIRED_TABLES = frozenset({"articles", "sources", "chats", "subscriptions", "deliveries"})
# Byte in the WAL "-shm" file on which every connection holds a shared lock while it has the
# database open (SQLite's os_unix.c: UNIX_SHM_DMS = (22 + 8) * 4 + 8).
_SHM_DMS_BYTE = 128


class BackupError(RuntimeError):
    """A backup or restore cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class DatabaseInfo:
    path: Path
    size_bytes: int
    schema_version: int
    articles: int
    sources: int
    subscriptions: int
    deliveries: int

    def describe(self) -> str:
        return (
            f"{self.path} ({_human_size(self.size_bytes)}, schema v{self.schema_version}: "
            f"{self.articles} articles, {self.sources} sources, "
            f"{self.subscriptions} subscriptions, {self.deliveries} deliveries)"
        )


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


def _count(db: sqlite3.Connection, table: str) -> int:
    (n,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()  # table: one of our fixed names
    return int(n)


def inspect(path: Path) -> DatabaseInfo:
    """Validate that ``path`` is a danvan-bot database this version can read, and count it."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    with path.open("rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite database")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from None
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
        (check,) = db.execute("PRAGMA integrity_check(1)").fetchone()
        if check != "ok":
            raise BackupError(f"{path} is damaged (integrity_check: {check})")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = REQUIRED_TABLES - tables
        if version < 1 or missing:
            raise BackupError(
                f"{path} is not a danvan-bot database"
                + (f" (no tables {', '.join(sorted(missing))})" if missing else " (no schema)")
            )
        if version > SCHEMA_VERSION:
            raise BackupError(
                f"{path} has schema version {version}, newer than this danvan-bot "
                f"({SCHEMA_VERSION}); upgrade danvan-bot before restoring it"
            )
        return DatabaseInfo(
            path=path,
            size_bytes=path.stat().st_size,
            schema_version=int(version),
            articles=_count(db, "articles"),
            sources=_count(db, "sources"),
            subscriptions=_count(db, "subscriptions"),
            deliveries=_count(db, "deliveries"),
        )
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}") from None
    finally:
        db.close()


def in_use_by_another_process(database: Path) -> bool:
    """True when another process has ``database`` open (WAL mode; detected on Linux).

    Every SQLite connection to a WAL database holds a shared POSIX lock on one byte of the
    ``-shm`` file; ``F_GETLK`` asks whether someone else holds it without taking anything.
    Locks of this very process are invisible to ``F_GETLK``, which is what we want.
    """
    shm = Path(f"{database}-shm")
    if not sys.platform.startswith("linux") or not shm.exists():
        return False  # the struct flock layout below is Linux's; elsewhere we cannot tell
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return True  # we cannot even look: assume the worst
    try:
        # struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid
        query = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, _SHM_DMS_BYTE, 1, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query + b"\x00" * 8)
        return bool(struct.unpack_from("h", answer)[0] != fcntl.F_UNLCK)
    finally:
        os.close(fd)


def _connect_source(path: Path) -> sqlite3.Connection:
    # A plain connection: no migration, no journal-mode change on a database in use.
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA busy_timeout = 10000")
    return db


def _temp_next_to(target: Path, tag: str) -> Path:
    return target.with_name(f".{target.name}.{tag}-{os.getpid()}.tmp")


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def backup(database: Path, target: Path, force: bool = False) -> DatabaseInfo:
    """Copy ``database`` to ``target`` consistently; returns what was written.

    ``target`` may be a directory: the copy is then named ``danvan-<UTC time>.db`` in it.
    An existing file is only replaced with ``force``.
    """
    if not database.is_file():
        raise BackupError(f"no database at {database}; nothing to back up")
    if target.is_dir():
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        target = target / f"danvan-{stamp}.db"
    if target.resolve() == database.resolve():
        raise BackupError("the backup path is the live database itself; choose another path")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; choose another path or add --force")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist; create it first")
    temp = _temp_next_to(target, "backup")
    _remove(temp)
    source = _connect_source(database)
    try:
        create_private(temp)  # SQLite would make it with the umask's mode
        copy = sqlite3.connect(str(temp), isolation_level=None)
        try:
            # pages=-1: the whole database in one step, i.e. one read transaction.
            source.backup(copy, pages=-1)
            # A backup should be one self-contained file, not a file plus a WAL.
            copy.execute("PRAGMA journal_mode = DELETE")
            (check,) = copy.execute("PRAGMA integrity_check(1)").fetchone()
            if check != "ok":
                raise BackupError(f"the copy failed its integrity check ({check}); not kept")
        finally:
            copy.close()
        with temp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
    except sqlite3.Error as exc:
        raise BackupError(f"backup of {database} failed: {exc}") from None
    finally:
        source.close()
        _remove(temp)
    return inspect(target)


def restore(backup_file: Path, database: Path) -> tuple[DatabaseInfo, Path | None]:
    """Put ``backup_file`` in place of ``database``; returns (what is live now, safety copy).

    Refuses when the backup is not a readable danvan-bot database or when another process
    (the running bot) has the live database open.
    """
    info = inspect(backup_file)
    if backup_file.resolve() == database.resolve():
        raise BackupError("the backup is the live database itself; nothing to do")
    if in_use_by_another_process(database):
        raise BackupError(
            f"{database} is open in another process (is the bot running?); "
            "stop the bot, then restore"
        )
    saved: Path | None = None
    if database.exists():
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        saved = database.with_name(f"{database.stem}.before-restore-{stamp}{database.suffix}")
        backup(database, saved, force=True)
    try:
        prepare_file(database)  # folders 0700, a 0600 file, when there was none
    except DatabaseProblem as exc:
        raise BackupError(str(exc)) from None
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        live = _connect_source(database)
        try:
            # The backup API writes the destination as one transaction: all or nothing.
            source.backup(live, pages=-1)
            live.execute("PRAGMA journal_mode = WAL")
        finally:
            live.close()
        for p in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            make_private(p)
    except sqlite3.Error as exc:
        where = f"; the previous database is saved as {saved}" if saved else ""
        raise BackupError(f"restore into {database} failed: {exc}{where}") from None
    finally:
        source.close()
    now = inspect(database)
    if now.articles != info.articles or now.schema_version != info.schema_version:
        raise BackupError(f"restore into {database} did not take; previous database: {saved}")
    return now, saved
