"""Ordinary concurrency on one database: the bot running (answering users, whose commands
write searches, chats and subscriptions), two ``danvan-bot fetch`` processes started at
once, and a ``danvan-bot backup`` in the middle. No write may fail for a lock, and nothing
is lost: the feed articles and entries equal those of the same fetches run one after another.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.integration.test_fetch import FeedServer

from .conftest import needs_bot
from .harness import BotProcess, Person, running_world, write_config

FEEDS = 8
ENTRIES = 50
USER_PACE = 1.2  # seconds between one user's messages (not a synchronisation)


def feed(base: str, n: int) -> bytes:
    start = datetime(2026, 9, 1, tzinfo=UTC)
    items = []
    for i in range(ENTRIES):
        when = (start + timedelta(hours=7 * i + n)).strftime("%a, %d %b %Y %H:%M:%S +0700")
        words = " ".join(
            f"nội dung riêng {n}-{i}-{k} của bài về công tác dân vận" for k in range(24)
        )
        items.append(
            f"<item><title>Hội nghị dân vận {n}-{i} ở tỉnh Bắc Kạn</title>"
            f"<link>{base}/feed{n}/bai-{i}</link><guid>f{n}-{i}</guid><pubDate>{when}</pubDate>"
            f"<description>Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức hội nghị số {n}-{i}. {words}"
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Báo {n}</title><link>{base}/</link>{''.join(items)}</channel></rss>"
    ).encode()


def sources_config(base: str) -> str:
    lines = ["[fetch]", "allow_private_hosts = true", "fetch_pages = false", "interval_minutes = 1"]
    for n in range(FEEDS):
        lines += ["", "[[sources]]", f'name = "feed{n}"', f'url = "{base}/feed{n}.xml"']
    return "\n".join(lines) + "\n"


def feed_counts(database: Path) -> tuple[int, int]:
    db = sqlite3.connect(database)
    try:
        (articles,) = db.execute(
            "SELECT count(*) FROM articles WHERE source LIKE 'feed%'"
        ).fetchone()
        (entries,) = db.execute("SELECT count(*) FROM feed_entries").fetchone()
    finally:
        db.close()
    return int(articles), int(entries)


@needs_bot
async def test_two_fetches_a_running_bot_and_a_backup_share_one_database(tmp_path: Path) -> None:
    server = FeedServer()
    server.thread.start()
    try:
        for n in range(FEEDS):
            server.static(f"/feed{n}.xml", feed(server.base, n), "application/rss+xml")
        extra = sources_config(server.base)
        async with running_world(tmp_path / "w", extra_config=extra) as world:
            # The reference: the same two fetches, one after the other, on their own database.
            reference = write_config(
                tmp_path / "reference.toml",
                world.emulator,
                database=tmp_path / "reference.db",
                extra=extra,
            )
            for _ in range(2):
                seq = BotProcess(world.emulator, reference, args=("fetch",))
                await seq.start(wait_polling=False)
                assert await seq.wait_exit(120) == 0, seq.output
            expected = feed_counts(tmp_path / "reference.db")
            assert expected[0] == FEEDS * ENTRIES

            fetches = [BotProcess(world.emulator, world.config, args=("fetch",)) for _ in range(2)]
            for fetch in fetches:
                await fetch.start(wait_polling=False)
            done = asyncio.Event()

            async def chat(person: Person) -> int:
                answered = 0
                await person.send("/dangky cn 19h30 Bắc Kạn")
                while not done.is_set():
                    # At a person's pace: the flood guard allows about one command a second.
                    await asyncio.sleep(USER_PACE)
                    await person.send(f"/tim dân vận {answered}")
                    answered += 1
                return answered

            async def backup_in_the_middle() -> BotProcess:
                # As soon as the first source of the first fetch is stored.
                await world.emulator.wait_until(lambda: "feed" in fetches[0].output, 120)
                copy = BotProcess(
                    world.emulator, world.config, args=("backup", str(tmp_path / "mid.db"))
                )
                await copy.start(wait_polling=False)
                await copy.wait_exit(120)
                return copy

            async def both_fetches() -> list[int]:
                return [await f.wait_exit(180) for f in fetches]

            people = [world.person(name) for name in ("Lan", "Minh", "Hoa", "Tuấn")]
            chatting = asyncio.gather(*(chat(p) for p in people))
            codes, copy = await asyncio.gather(both_fetches(), backup_in_the_middle())
            done.set()
            answered = await chatting
            assert codes == [0, 0], [f.output for f in fetches]
            assert copy.returncode == 0 and "backup written" in copy.output, copy.output
            assert all(n > 0 for n in answered)
            outputs = [*(f.output for f in fetches), copy.output, world.bot.output]
            for output in outputs:
                assert "locked" not in output.lower(), output[-3000:]
                assert "Traceback" not in output, output[-3000:]
            assert feed_counts(world.database) == expected
            subscribed = (
                sqlite3.connect(world.database)
                .execute("SELECT count(*) FROM subscriptions")
                .fetchone()[0]
            )
            assert subscribed == len(people)
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
