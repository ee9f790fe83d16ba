"""Open the database: a private file, pragmas, forward migrations, and clear refusals.

Every way the file can be unusable becomes a :class:`DatabaseProblem` whose message is one
line naming the file, what is wrong and what to do: a folder that cannot be created, a
folder or file this user may not write, a file that is not a database or is damaged, a
full disk. The command line prints it and exits non-zero.

Private by construction: the folders this module creates are 0700 and the database file is
created 0600 before SQLite opens it; SQLite gives its ``-wal`` and ``-shm`` files the
database file's permissions. An existing database (and its -wal/-shm) readable by others is
narrowed to 0600.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path

import aiosqlite

from bot.store.schema import MIGRATIONS, SCHEMA_VERSION
from bot.store.tx import BUSY_TIMEOUT_MS, DatabaseBusyError, is_busy, pragma, write_sync
from bot.store.tx import run as run  # re-exported: store modules import it from here
from bot.store.tx import run_many as run_many

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
RESTORE_HINT = "restore a backup with `danvan-bot restore BACKUP`"
# quick_check reads every page: 0.35 s at 100,000 articles (643 MB) from the page cache,
# about 1 s from disk here; at the bot's start only. A slower disk gets this long.
QUICK_CHECK_SECONDS = 30.0


class DatabaseProblem(RuntimeError):
    """The database cannot be used; the message says what, where, and how to recover."""


class SchemaTooNewError(DatabaseProblem):
    """The database was written by a newer danvan-bot than this one."""


# --- files and folders -----------------------------------------------------------------------


def _make_folders(folder: Path) -> None:
    """Create ``folder`` and missing parents, each 0700; existing folders are left alone."""
    missing: list[Path] = []
    here = folder
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # another process made it meanwhile
        except OSError as exc:
            raise DatabaseProblem(
                f"cannot create the database folder {path}: {exc.strerror or exc}; "
                "set [storage] database or DATABASE_PATH to a place this user can write"
            ) from None
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


def make_private(path: Path) -> None:
    """Narrow an existing file of ours to 0600 (a database made by an older version)."""
    try:
        mode = path.stat().st_mode
        if stat.S_IMODE(mode) & 0o077:
            os.chmod(path, PRIVATE_FILE)
    except OSError:
        pass  # not ours to change, or gone: opening will say what matters


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (an empty file is an empty
    SQLite database)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)


def prepare_file(path: Path) -> None:
    """Folders (0700 when we create them) and a private database file, ready for SQLite."""
    if path.is_dir():
        raise DatabaseProblem(f"the database path {path} is a folder; name a file in it instead")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise DatabaseProblem(
            f"cannot create the database folder {folder}: a file has that name; "
            "set [storage] database or DATABASE_PATH to another place"
        )
    _make_folders(folder)
    if not path.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseProblem(
            f"cannot create {path}: this user may not write in {folder}; "
            "fix the folder's owner or permissions, or set DATABASE_PATH"
        )
    try:
        create_private(path)
    except OSError as exc:
        raise DatabaseProblem(f"cannot create {path}: {exc.strerror or exc}") from None
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        make_private(p)


# --- what went wrong, in one line ------------------------------------------------------------


def describe(exc: BaseException, path: Path | str | None) -> str:
    """A one-line explanation of an SQLite or OS error met while using the database."""
    if isinstance(exc, DatabaseBusyError):
        return str(exc)  # already says what and where
    where = str(path) if path else "the database"
    text = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text or _errno(exc) == errno.ENOSPC:
        return (
            f"the disk holding {where} is full ({text}); nothing of the failed step was "
            "stored: free some space, then run the command again"
        )
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or (
        "malformed" in text or "not a database" in text
    ):
        return (
            f"{where} is damaged or not a danvan-bot database ({text}); {RESTORE_HINT}, "
            "or move the file away to start an empty archive"
        )
    if primary == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return f"cannot write {where} ({text}); {_permission_hint(where)}"
    if primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return f"cannot open {where} ({text}); {_permission_hint(where)}"
    if is_busy(exc):
        return f"{where} is locked by another process ({text}); try again when it is done"
    if primary == sqlite3.SQLITE_IOERR or isinstance(exc, OSError):
        return f"cannot read or write {where} ({text}); check the disk and the file"
    return f"database error on {where}: {text}"


def _errno(exc: BaseException) -> int | None:
    return exc.errno if isinstance(exc, OSError) else None


def _permission_hint(where: str) -> str:
    path = Path(where)
    folder = path.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"this user may not write in {folder}, where SQLite keeps the -wal and -shm "
            "files: fix the folder's owner or permissions, or set DATABASE_PATH"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"this user may not read and write {path}: fix its owner or permissions"
    return "check the owner and permissions of the file and its folder"


# --- opening ---------------------------------------------------------------------------------


def _configure(db: sqlite3.Connection) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")


# A migration waits this long for another process's write lock (or for the same migration,
# run by a process that started at the same moment; schema 4 takes 27 s at 100,000 articles).
MIGRATION_WAIT_SECONDS = 600.0


def _version(db: sqlite3.Connection) -> int:
    (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version)


def script_statements(script: str) -> list[str]:
    """An SQL script as single statements (``executescript`` would commit first, and a
    migration must stay inside the transaction that checked the version)."""
    statements, buffer = [], ""
    for part in script.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                statements.append(buffer.strip())
            buffer = ""
    return statements


def _step(db: sqlite3.Connection, step: int) -> None:
    """Migration ``step`` -> ``step + 1``, unless another process already did it (the
    version is read again under the write lock)."""
    if _version(db) != step:
        return
    migration = MIGRATIONS[step]
    if isinstance(migration, str):
        for statement in script_statements(migration):
            db.execute(statement)
    else:
        migration(db)
    db.execute(f"PRAGMA user_version = {step + 1}")


def migrate(db: sqlite3.Connection) -> int:
    """Run every migration step the database has not seen; return the version reached.

    Each step is one ``BEGIN IMMEDIATE`` transaction that checks the version first, so two
    processes starting on a new database at once run each step once.
    """
    while True:
        version = _version(db)
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"database schema version {version} is newer than this danvan-bot "
                f"({SCHEMA_VERSION}); upgrade danvan-bot or restore an older backup"
            )
        if version == SCHEMA_VERSION:
            return SCHEMA_VERSION
        write_sync(db, _step, version, wait=MIGRATION_WAIT_SECONDS)


def quick_check(db: sqlite3.Connection, budget: float = QUICK_CHECK_SECONDS) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong (None when the file is sound).

    It reads every page (see QUICK_CHECK_SECONDS). Stopped after ``budget`` seconds, with a
    warning, so that a very slow disk does not keep the bot from starting: then None.
    """
    deadline = time.monotonic() + budget
    db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        rows = db.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            log.warning("quick_check of the database did not finish in %.0f s; skipped", budget)
            return None
        raise
    finally:
        db.set_progress_handler(None, 0)
    lines = [line.strip() for r in rows if r[0] != "ok" for line in str(r[0]).splitlines()]
    problems = [line for line in lines if line and not line.startswith("***")]
    if not problems and lines:
        problems = lines
    if not problems:
        return None
    text = "; ".join(problems[:2]) + (
        f" (and {len(problems) - 2} more)" if len(problems) > 2 else ""
    )
    return text[:200]


def _guarded(path: Path, action: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    """Run ``action``; every SQLite or OS error becomes a one-line DatabaseProblem."""
    try:
        return action()
    except DatabaseProblem:
        raise
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseProblem(describe(exc, path)) from None
    except UnicodeDecodeError:  # SQLite's error message quoted bytes of a mangled schema
        raise DatabaseProblem(
            f"{path} is damaged (its schema cannot be read); {RESTORE_HINT}, "
            "or move the file away to start an empty archive"
        ) from None


def open_sync(path: str | Path, *, check: bool = False) -> sqlite3.Connection:
    """A configured, migrated synchronous connection (command line imports, tests).

    ``check``: also run :func:`quick_check` and refuse a damaged file.
    """
    if str(path) == ":memory:":
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _configure(db)
        migrate(db)
        return db
    file = Path(path)
    prepare_file(file)

    def opened() -> sqlite3.Connection:
        db = sqlite3.connect(str(file), isolation_level=None, check_same_thread=False)
        try:
            _configure(db)
            if check:
                problem = quick_check(db)
                if problem:
                    raise DatabaseProblem(
                        f"{file} is damaged (quick_check: {problem}); {RESTORE_HINT}"
                    )
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    db = _guarded(file, opened)
    for p in (Path(f"{file}-wal"), Path(f"{file}-shm")):
        make_private(p)  # created by SQLite with the database file's mode; made sure
    return db


async def connect(path: str | Path) -> aiosqlite.Connection:
    """A configured, migrated aiosqlite connection in autocommit mode: the process's writer.

    Write paths go through :mod:`bot.store.tx` (one transaction at a time, ``BEGIN
    IMMEDIATE``, retried while another process writes).
    """
    # Create, check and migrate on a short-lived synchronous connection, once per start.
    open_sync(path).close()
    pending = aiosqlite.connect(str(path), isolation_level=None)
    # aiosqlite's worker thread is not a daemon: one left open (a failure between open and
    # close) would keep the process from ever exiting. Closing is still the rule.
    pending._thread.daemon = True
    try:
        db = await pending
    except sqlite3.Error as exc:
        raise DatabaseProblem(describe(exc, path)) from None
    db.row_factory = aiosqlite.Row
    try:
        await pragma(db, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await pragma(db, "PRAGMA synchronous = NORMAL")
        await pragma(db, "PRAGMA foreign_keys = ON")
    except BaseException:
        await db.close()
        raise
    return db
