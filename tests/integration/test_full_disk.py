"""A full disk during ``danvan-bot import``: one line that says the disk is full (not
"cannot rollback - no transaction is active"), a non-zero exit, nothing half-stored.

Two ways to fill it: SQLite's own limit on the file's growth (``PRAGMA max_page_count``,
which fails exactly like a full disk, SQLITE_FULL), always available; and a real 320 KB
tmpfs, mounted in a user namespace where the machine allows it.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.store import db as store_db
from tests.integration.test_writer import limit_growth


def article_files(folder: Path, n: int = 150) -> Path:
    folder.mkdir()
    for i in range(n):
        words = " ".join(f"nội dung {i} đoạn {k} về công tác dân vận ở cơ sở" for k in range(40))
        (folder / f"bai-{i:03d}.md").write_text(
            f"---\ntitle: Hội nghị dân vận số {i}\npublished: 2026-03-0{1 + i % 9}\n---\n"
            f"Sáng 2/3/2026, Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức hội nghị số {i}. {words}\n",
            encoding="utf-8",
        )
    return folder


def test_import_into_a_full_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "danvan.db"
    opened = store_db.open_sync

    def open_full(path: str | Path, **kwargs: Any) -> sqlite3.Connection:
        conn = opened(path, **kwargs)
        limit_growth(conn)
        return conn

    monkeypatch.setattr("bot.cli.articles.open_sync", open_full)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.delenv("DANVAN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    code = main(["import", str(article_files(tmp_path / "articles"))])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1, err
    assert err[0].startswith(f"danvan-bot: the disk holding {database} is full")
    assert "database or disk is full" in err[0] and "rollback" not in err[0]
    db = sqlite3.connect(database)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    db.close()


def can_mount_tmpfs(where: Path) -> bool:
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        [unshare, "-Urm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {where}"],
        capture_output=True,
    )
    return probe.returncode == 0


def test_import_onto_a_real_full_disk(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if not can_mount_tmpfs(disk):
        pytest.skip("no user namespaces here: cannot mount a small tmpfs")
    articles = article_files(tmp_path / "articles")
    database = disk / "danvan.db"
    script = (
        f"mount -t tmpfs -o size=320k tmpfs {disk} && "
        f"DATABASE_PATH={database} exec {sys.executable} -m bot import {articles}"
    )
    result = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"danvan-bot: the disk holding {database} is full"), lines
