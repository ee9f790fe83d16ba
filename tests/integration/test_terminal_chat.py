"""``danvan-bot chat`` as a real subprocess: piped stdin, numbered buttons, ``--once``."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.articles.model import Article, Extraction, ProvinceMention
from bot.config import BUNDLED_CONTENT
from bot.store.articles import save_many_sync
from bot.store.db import open_sync

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
TIMEOUT = 60


def _article(n: int) -> Article:
    title = f"Hội nghị dân vận khéo số {n} <ở> Bắc Kạn"
    body = f"{title}. Ban Dân vận Tỉnh ủy tổ chức hội nghị lần {n}."
    return Article(
        body=body,
        source="test",
        extraction=Extraction(
            title=title,
            published=None,
            event_date=f"2024-04-{n:02d}",
            provinces=(ProvinceMention("Bắc Kạn", "Thái Nguyên"),),
            level="province",
            meeting_kind="so_ket",
            chairs=(),
            summary=f"Tóm tắt hội nghị số {n}.",
        ),
        url=f"https://danvan.example.vn/{n}?x=1&y=2",
        body_hash=hashlib.sha1(body.encode()).hexdigest(),
    )


def _config(tmp_path: Path, articles: int) -> Path:
    database = tmp_path / "chat.db"
    db = open_sync(database)
    save_many_sync(db, [_article(n) for n in range(1, articles + 1)], NOW)
    db.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{database}"\n', encoding="utf-8")
    return config


def _chat(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DANVAN_CONFIG")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--config", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        cwd=config.parent,
        env=env,
    )


def test_piped_conversation_with_a_button_press(tmp_path: Path) -> None:
    config = _config(tmp_path, 12)
    result = _chat(config, stdin="/latest\n/tim dan van kheo\n1\n2\n9\n/hoinghi Atlantis\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # /latest: newest first, links shown as "text (url)", HTML entities decoded.
    assert "> /latest" in out
    assert "#12 Hội nghị dân vận khéo số 12 <ở> Bắc Kạn (https://danvan.example.vn/12?x=1&y=2)" in (
        out
    )
    assert "Bắc Kạn (nay thuộc Thái Nguyên)" in out
    # /tim: first page, then "1" presses its only button (Sau ▶) -> page 2,
    # then "2" is "Sau ▶" on page 2 (after "◀ Trước") -> page 3.
    assert "Kết quả cho “dan van kheo”\n1–5 trong 12 bài" in out
    assert "6–10 trong 12 bài" in out
    assert "11–12 trong 12 bài" in out
    assert "[1] ◀ Trước" in out
    assert "Không có nút số 9" in out
    assert "không tìm thấy tỉnh, thành phố nào tên “Atlantis”" in out
    assert "<b>" not in out and "&amp;" not in out
    assert "Traceback" not in result.stderr


def test_once_answers_one_message(tmp_path: Path) -> None:
    config = _config(tmp_path, 3)
    result = _chat(config, "--once", "/tomtat 2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#2 · Hội nghị dân vận khéo số 2 <ở> Bắc Kạn")
    assert "Tóm tắt hội nghị số 2." in result.stdout


def test_empty_database_gets_the_bundled_content(tmp_path: Path) -> None:
    if not (BUNDLED_CONTENT / "articles").is_dir():
        pytest.skip("no bundled content/articles in this checkout")
    config = _config(tmp_path, 0)
    result = _chat(config, "--once", "/moinhat")
    assert result.returncode == 0, result.stderr
    assert "tin mới nhất" in result.stdout and "#1 " in result.stdout


def test_terminal_does_not_subscribe_a_chat_nothing_can_reach(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[storage]\ndatabase = "t.db"\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--once", "/dangky"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "qua Telegram" in proc.stdout
    rows = sqlite3.connect(tmp_path / "t.db").execute("SELECT count(*) FROM subscriptions")
    assert rows.fetchone()[0] == 0
