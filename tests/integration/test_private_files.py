"""Private data stays private: the database, its -wal and -shm, backups and pre-restore
copies are 0600, in folders 0700 where we create them, whatever the umask says (checked
under a permissive umask of 022).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store.articles import save_many_sync
from bot.store.backup import backup, restore
from bot.store.db import open_sync
from tests.integration.test_writer import article


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_database_wal_and_shm_are_owner_only(tmp_path: Path, permissive_umask: None) -> None:
    database = tmp_path / "new" / "deeper" / "danvan.db"
    db = open_sync(database)
    try:
        save_many_sync(db, [article(1)], datetime.now(UTC))  # the WAL now has content
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert path.exists(), path
            assert mode(path) == 0o600, f"{path}: {oct(mode(path))}"
    finally:
        db.close()
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "deeper") == 0o700


def test_an_existing_world_readable_database_is_narrowed(
    tmp_path: Path, permissive_umask: None
) -> None:
    database = tmp_path / "danvan.db"
    open_sync(database).close()
    database.chmod(0o644)
    open_sync(database).close()
    assert mode(database) == 0o600


def test_backups_and_pre_restore_copies_are_owner_only(
    tmp_path: Path, permissive_umask: None
) -> None:
    database = tmp_path / "live" / "danvan.db"
    db = open_sync(database)
    save_many_sync(db, [article(1)], datetime.now(UTC))
    db.close()
    (tmp_path / "backups").mkdir()
    info = backup(database, tmp_path / "backups")
    assert mode(info.path) == 0o600
    _, saved = restore(info.path, database)
    assert saved is not None and mode(saved) == 0o600
    assert mode(database) == 0o600


def test_the_command_line_creates_private_files(tmp_path: Path) -> None:
    """``danvan-bot`` itself, started with umask 022, in a folder with no data/ yet."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_PATH", "DANVAN_CONFIG")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "search", "dân vận"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "danvan.db") == 0o600
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(backup_dir / "copy.db")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    assert mode(backup_dir / "copy.db") == 0o600
