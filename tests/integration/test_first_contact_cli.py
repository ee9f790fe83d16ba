"""Issue 13 from the command line, as real subprocesses: a fresh database looks the same
whatever the first command (8), junk is refused by ``import`` (4), ``--week`` is a usage
error (12), and a database written before issue 13 loses the import days (migration 7)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import BUNDLED_CONTENT
from bot.store.db import open_sync
from tests.integration.test_terminal_chat import _article

TIMEOUT = 120


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text('[storage]\ndatabase = "fresh.db"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DANVAN_CONFIG")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--config", str(config)],
        capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, cwd=tmp_path, env=env,
    )  # fmt: skip


@pytest.fixture
def bundled() -> int:
    folder = BUNDLED_CONTENT / "articles"
    if not folder.is_dir():
        pytest.skip("no bundled content/articles in this checkout")
    return len([p for p in folder.iterdir() if p.suffix in (".md", ".txt")])


@pytest.mark.parametrize("first", ["stats", "search", "digest"])
def test_a_fresh_database_is_the_same_whatever_the_first_command(
    tmp_path: Path, bundled: int, first: str
) -> None:
    args = {
        "stats": ["stats", "--json"],
        "search": ["search", "dân vận", "--json"],
        "digest": ["digest", "--week", "2024-W17"],
    }[first]
    proc = run(tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    if first == "search":
        assert proc.stdout.count('"id"') >= 1
    if first == "digest":
        assert "Bản tin Dân vận tuần 17" in proc.stdout and "Bắc Kạn" in proc.stdout
    stats = json.loads(run(tmp_path, "stats", "--json").stdout)
    assert stats["articles"] == bundled


def test_import_refuses_a_file_without_substance(tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / "links.md").write_text("https://a.vn/1\nhttps://b.vn/2\n", encoding="utf-8")
    proc = run(tmp_path, "import", "hello.txt", "links.md")
    assert proc.returncode == 1
    assert "skipped hello.txt: too little text for an article: 1 word (at least 12)" in (
        proc.stderr
    )
    assert "skipped links.md: too little text" in proc.stderr
    assert "imported 0 new" in proc.stdout


def test_an_undated_import_is_not_this_weeks_news(tmp_path: Path) -> None:
    text = (
        "Ban Dân vận Huyện ủy tổ chức hội nghị tập huấn công tác dân vận cho cán bộ cơ sở, "
        "trao đổi kinh nghiệm vận động Nhân dân tham gia xây dựng nông thôn mới."
    )
    (tmp_path / "note.txt").write_text(text, encoding="utf-8")
    assert run(tmp_path, "import", "note.txt").returncode == 0
    db = sqlite3.connect(tmp_path / "fresh.db")
    assert db.execute("SELECT sort_date FROM articles").fetchall() == [("0000-00-00",)]
    db.close()
    chat = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--once", "/moinhat",
         "--config", str(tmp_path / "config.toml")],
        capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, cwd=tmp_path,
    )  # fmt: skip
    assert "chưa rõ ngày" in chat.stdout


@pytest.mark.parametrize("week", ["nonsense", "2024-W60"])
def test_a_bad_week_is_a_usage_error(tmp_path: Path, week: str) -> None:
    proc = run(tmp_path, "digest", "--week", week)
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: danvan-bot digest")
    assert "error: argument --week:" in proc.stderr
    assert "configuration error" not in proc.stderr


def test_migration_files_import_days_as_undated(tmp_path: Path) -> None:
    """A database from before issue 13: an article that only the import day dated is
    undated after the upgrade, per-province lists included; dated ones keep their date."""
    from bot.store import schema
    from bot.store.db import _step

    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    before = schema.MIGRATIONS.index(schema._v7_undated_and_topics)  # every step before it
    for version in range(before):
        old.execute("BEGIN")
        _step(old, version)
        old.execute("COMMIT")
    stamp = "2026-11-23T03:00:00+00:00"
    for n, (event, sort) in enumerate([(None, "2026-11-23"), ("2024-04-25", "2024-04-25")], 1):
        old.execute(
            "INSERT INTO articles(id, body_hash, source, title, body, summary, event_date,"
            " sort_date, level, meeting_kind, added_at, updated_at)"
            " VALUES (?, ?, 's', 't', 'b', '', ?, ?, 'province', 'so_ket', ?, ?)",
            (n, f"h{n}", event, sort, stamp, stamp),
        )
        old.execute("INSERT INTO article_units VALUES (?, 'Huế', 1, ?)", (n, sort))
    old.close()
    conn = open_sync(path)
    assert conn.execute("SELECT id, sort_date FROM articles ORDER BY id").fetchall() == [
        (1, "0000-00-00"),
        (2, "2024-04-25"),
    ]
    units = conn.execute("SELECT article_id, sort_date FROM article_units ORDER BY 1")
    assert units.fetchall() == [(1, "0000-00-00"), (2, "2024-04-25")]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(subscriptions)")]
    assert "thread_id" in cols
    conn.close()


def test_a_new_import_never_takes_the_import_day(tmp_path: Path) -> None:
    from bot.store.articles import save_many_sync

    db = open_sync(tmp_path / "n.db")
    undated = _article(1)
    undated = type(undated)(
        body=undated.body, source="t", body_hash="x1",
        extraction=type(undated.extraction)(**{**undated.extraction.__dict__, "event_date": None}),
    )  # fmt: skip
    save_many_sync(db, [undated], datetime(2026, 11, 23, tzinfo=UTC))
    assert db.execute("SELECT sort_date FROM articles").fetchone() == ("0000-00-00",)
    db.close()
