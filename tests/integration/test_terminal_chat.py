"""``danvan-bot chat`` as a real subprocess: piped stdin, numbered buttons, ``--once``."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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


def test_the_terminal_subscribes_and_its_digest_prints_when_due(tmp_path: Path) -> None:
    """Issue 13 (9): /dangky works in the terminal; the digest is not sent anywhere but
    printed when the chat opens after the subscriber's moment, once per week."""
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    if now.hour == 0 and now.minute < 2:
        pytest.skip("too close to local midnight for a stable 'earlier today'")
    config = _config(tmp_path, 3)
    first = _chat(config, stdin="/dangky\n/caidat\n")
    assert first.returncode == 0, first.stderr
    assert "Đã đăng ký bản tin Dân vận hằng tuần cho chat terminal này" in first.stdout
    assert "danvan-bot digest --chat 0" in first.stdout and "Bản tin tuần của" not in first.stdout
    assert "[1] 📅 Đổi ngày" in first.stdout  # /caidat's buttons work here too
    db = sqlite3.connect(tmp_path / "chat.db")
    assert db.execute("SELECT type FROM chats WHERE chat_id = 0").fetchone() == ("terminal",)
    # Make it due: today 00:00, subscribed long ago (what a week of waiting would do).
    with db:
        db.execute(
            "UPDATE subscriptions SET weekday = ?, time = '00:00',"
            " created_at = '2020-01-01T00:00:00+00:00' WHERE chat_id = 0",
            (now.weekday(),),
        )
    db.close()
    due = _chat(config, stdin="/thoat\n")
    assert "📬 Bản tin tuần của chat terminal" in due.stdout
    assert "Bản tin Dân vận tuần" in due.stdout
    again = _chat(config, stdin="/thoat\n")
    assert "Bản tin tuần của" not in again.stdout  # once per week
    preview = subprocess.run(
        [sys.executable, "-m", "bot", "digest", "--chat", "0", "--config", str(config)],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path,
    )  # fmt: skip
    assert preview.returncode == 0 and "Bản tin Dân vận tuần" in preview.stdout


def test_the_terminal_answers_like_telegram(tmp_path: Path) -> None:
    """Issue 13 (9): a command addressed to a bot by name is answered (one bot here), a
    number after a message without buttons is not a search, /tomtat_2 is a command."""
    config = _config(tmp_path, 3)
    result = _chat(config, stdin="/moinhat@DanVanBot 2\n/tomtat 1\n3\n/tomtat_2\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2 tin mới nhất" in out
    assert "Tin nhắn vừa rồi không có nút nào để bấm. Muốn tìm bài có số 3" in out
    assert "Kết quả cho “3”" not in out
    assert "#2 · Hội nghị dân vận khéo số 2" in out
