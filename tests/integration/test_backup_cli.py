"""``danvan-bot backup`` / ``restore`` from the command line, and the newer-schema refusal."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store.db import open_sync

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T13:00:00+00:00"


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "danvan.db"
    db = open_sync(path)
    db.execute(
        "INSERT INTO sources (name, url) VALUES ('Dân vận Trung ương', 'https://danvan.vn/rss')"
    )
    db.close()
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("DANVAN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    return path


def test_backup_then_restore(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "b.db"
    assert main(["backup", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backup written: ") and str(target) in out and "1 sources" in out

    assert main(["backup", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert main(["backup", str(target), "--force"]) == 0
    capsys.readouterr()

    db = sqlite3.connect(live)
    db.execute("DELETE FROM sources")
    db.commit()
    db.close()
    assert main(["restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert "previous database kept as" in out and "restored: " in out
    db = sqlite3.connect(live)
    assert db.execute("SELECT name FROM sources").fetchall() == [("Dân vận Trung ương",)]
    db.close()


def test_restore_of_a_non_database_is_one_line_exit_1(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 100)
    assert main(["restore", str(junk)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"danvan-bot: restore refused: {junk} is not an SQLite database"


def test_newer_database_is_refused_with_one_line_exit_2(live: Path) -> None:
    db = sqlite3.connect(live)
    db.execute("PRAGMA user_version = 999")
    db.close()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "search", "dân vận"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"DATABASE_PATH": str(live), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "schema version 999 is newer" in lines[0] and "upgrade danvan-bot" in lines[0]
