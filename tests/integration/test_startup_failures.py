"""Every start-up failure ends the same way: one line on stderr naming what and where, a
non-zero exit code, no traceback, no hang (the commands run as real processes; a hang
would hit the subprocess timeout).

Kinds: bad configuration, a database path whose folder cannot be created, a folder or file
this user may not write, a text file / garbage / damaged pages instead of a database, a
schema from a newer version, a failure after the database is open, and ``run`` on a damaged
database (refused before Telegram is contacted). Also: a closed stdout (``| head``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store.articles import save_many_sync
from bot.store.db import open_sync
from bot.store.schema import SCHEMA_VERSION
from tests.integration.test_writer import article

TIMEOUT = 60  # a hang detector, not a speed requirement
FAKE_TOKEN = "123456:AAH-not-a-real-token-0123456789abcd"


def danvan(
    *args: str,
    cwd: Path,
    database: Path | None = None,
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    stdout: int | None = subprocess.PIPE,
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TELEGRAM_BOT_TOKEN", "DANVAN_CONFIG", "DATABASE_PATH", "LOG_LEVEL")
    }
    if database is not None:
        clean["DATABASE_PATH"] = str(database)
    clean.update(env or {})
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=TIMEOUT,
    )


def one_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The process failed with exactly one line on stderr, containing every needle."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode not in (0, None), result
    assert len(lines) == 1, f"expected one line, got:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("danvan-bot: "), line
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


def filled_database(path: Path, n: int = 20) -> Path:
    db = open_sync(path)
    save_many_sync(db, [article(i, words=200) for i in range(n)], datetime.now(UTC))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def damage_table(path: Path, table: str = "articles") -> None:
    """Overwrite the first page of a table's b-tree: the schema still reads, the table not."""
    db = sqlite3.connect(path)
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    (page_size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 64)


# --- configuration -------------------------------------------------------------------------


def test_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[digest]\ntimezon = "x"\n', encoding="utf-8")
    result = danvan("stats", cwd=tmp_path)
    one_line(result, "configuration error", "config.toml", 'did you mean "timezone"')
    assert result.returncode == 2


# --- the database file and its folder -------------------------------------------------------


@pytest.mark.parametrize("command", [["stats"], ["search", "dân vận"], ["chat", "--once", "/tinh"]])
def test_folder_that_cannot_be_created(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "afile").write_text("not a folder")
    result = danvan(*command, cwd=tmp_path, database=tmp_path / "afile" / "data" / "danvan.db")
    one_line(result, "cannot create the database folder", str(tmp_path / "afile"))
    assert result.returncode == 1


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"hello, I am a text file\n" * 40, "text"), (bytes(range(256)) * 64, "garbage header")],
)
@pytest.mark.parametrize(
    "command", [["stats"], ["search", "dân vận"], ["chat", "--once", "/moinhat"], ["import", "."]]
)
def test_not_a_database(tmp_path: Path, content: bytes, what: str, command: list[str]) -> None:
    database = tmp_path / "danvan.db"
    database.write_bytes(content)
    result = danvan(*command, cwd=tmp_path, database=database)
    one_line(result, str(database), "not a danvan-bot database", "danvan-bot restore")
    assert database.read_bytes() == content, "the file was changed"


@pytest.mark.parametrize(
    ("command", "needle"),
    [
        (["chat", "--once", "/moinhat"], "quick_check"),  # refused at start
        (["search", "dân vận"], "malformed"),  # found on first read
        (["run"], "quick_check"),  # refused before Telegram is contacted
    ],
)
def test_damaged_pages(tmp_path: Path, command: list[str], needle: str) -> None:
    database = damaged = filled_database(tmp_path / "danvan.db")
    damage_table(damaged)
    result = danvan(
        *command,
        cwd=tmp_path,
        database=database,
        env={
            "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",  # nothing listens: not reached
        },
    )
    one_line(result, str(database), "damaged", needle, "danvan-bot restore")


def test_schema_from_a_newer_version(tmp_path: Path) -> None:
    database = filled_database(tmp_path / "danvan.db", 1)
    db = sqlite3.connect(database)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    result = danvan("search", "x", cwd=tmp_path, database=database)
    one_line(result, "newer than this danvan-bot")
    assert result.returncode == 2


def without_write_permission() -> list[str] | None:
    """A command prefix under which file permissions apply: nothing for a normal user; for
    root, setpriv dropping the capabilities that bypass them. None when impossible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run(
        [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "true"],
        capture_output=True,
    )
    return (
        [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]
        if probe.returncode == 0
        else None
    )


@pytest.fixture
def unprivileged() -> list[str]:
    prefix = without_write_permission()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    return prefix


def test_read_only_folder(tmp_path: Path, unprivileged: list[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    filled_database(folder / "danvan.db", 3)
    folder.chmod(0o500)
    try:
        existing = danvan(
            "search", "dân vận", cwd=tmp_path, database=folder / "danvan.db", prefix=unprivileged
        )
        new = danvan("stats", cwd=tmp_path, database=folder / "new.db", prefix=unprivileged)
    finally:
        folder.chmod(0o700)
    one_line(existing, str(folder / "danvan.db"), f"may not write in {folder}")
    one_line(new, str(folder / "new.db"), f"may not write in {folder}")


def test_read_only_database_file_fails_after_opening(
    tmp_path: Path, unprivileged: list[str]
) -> None:
    """An empty archive, read-only: chat opens it, then the first-start import cannot write.
    The failure comes after the database is open; the process must still end at once."""
    database = tmp_path / "danvan.db"
    open_sync(database).close()
    database.chmod(0o400)
    result = danvan(
        "chat", "--once", "/moinhat", cwd=tmp_path, database=database, prefix=unprivileged
    )
    one_line(result, str(database), "readonly")


def test_a_failure_after_the_database_is_open_ends_the_process(tmp_path: Path) -> None:
    """Any error once the database is open (here a trigger refuses the first-start import)
    is one line and an exit, not a hang on aiosqlite's thread."""
    database = tmp_path / "danvan.db"
    db = open_sync(database)
    db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON articles"
        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    db.close()
    for command in (["chat", "--once", "/moinhat"], ["search", "dân vận"]):
        result = danvan(*command, cwd=tmp_path, database=database)
        one_line(result, str(database), "injected failure")


# --- output -----------------------------------------------------------------------------------


def test_closed_stdout_is_no_error(tmp_path: Path) -> None:
    """``danvan-bot search ... | head -1``: the reader is gone before we write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = danvan("search", "dân vận", cwd=tmp_path, stdout=write_end)
    finally:
        os.close(write_end)
    assert result.returncode == 141
    assert result.stderr == ""


def test_version(tmp_path: Path) -> None:
    from bot import __version__

    result = danvan("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"danvan-bot {__version__}"
