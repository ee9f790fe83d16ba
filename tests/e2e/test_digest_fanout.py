"""The digest fan-out against the Bot API emulator (real HTTP on 127.0.0.1, PTB's ExtBot with
the process's send budget, as in the running bot): once per chat, idempotent reruns, 403,
429, group migration, 400, network errors, an answer lost twice, per-chat limits."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import ExtBot

from bot.config import Settings
from bot.digest.deliver import Limits
from bot.digest.job import run_due, send_week
from bot.digest.schedule import IsoWeek
from bot.services import Services
from bot.store import deliveries, subscriptions
from bot.telegram.scheduler import SendScheduler

from .emulator import Emulator
from .harness import FAKE_TOKEN, SEED_ARTICLES, seed_articles

WEEK = IsoWeek(2024, 17)  # the week of the Bắc Kạn seed (25 April 2024)
HEADER = "Bản tin Dân vận tuần 17 (22–28 tháng 4, 2024)"
EARLY = datetime(2024, 1, 1, tzinfo=UTC)
FAST = Limits(backoff_base=0.05)


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    db_path = tmp_path / "fanout.db"
    seed_articles(db_path, SEED_ARTICLES)
    s = await Services.open(Settings(database=db_path), clock=lambda: datetime.now(UTC))
    try:
        yield s
    finally:
        await s.close()


Bot = ExtBot[Any]


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    async with ExtBot(FAKE_TOKEN, base_url=emulator.base_url, rate_limiter=SendScheduler()) as b:
        yield b


async def subscribe(
    services: Services,
    chat_id: int,
    chat_type: str = "private",
    *,
    weekday: int = 0,
    at: str = "07:00",
    provinces: tuple[str, ...] = (),
) -> None:
    await subscriptions.subscribe(
        services.db, chat_id, weekday=weekday, at=at, timezone="Asia/Ho_Chi_Minh",
        provinces=provinces, now=EARLY, chat_type=chat_type,
    )  # fmt: skip


async def test_once_per_chat_and_rerun_sends_nothing(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    alice, bob = emulator.add_user("Alice"), emulator.add_user("Bob")
    group = emulator.add_group("Ban Dân vận xã", admins=[alice])
    await subscribe(services, alice.id)
    await subscribe(services, bob.id, provinces=("Thái Nguyên",))
    await subscribe(services, group.id, "group")

    report = await send_week(services, bot, WEEK, limits=FAST)
    assert (report.sent, report.failed, report.retry_after) == (3, 0, 0)
    for chat in (alice.id, bob.id, group.id):
        msgs = emulator.messages(chat)
        assert len(msgs) == 1, chat
        assert HEADER in msgs[0].plain
        assert "Thái Nguyên (Bắc Kạn)" in msgs[0].plain
        assert "Thứ Năm, 25/4" in msgs[0].plain
    assert "Theo dõi: Thái Nguyên" in emulator.messages(bob.id)[0].plain

    again = await send_week(services, bot, WEEK, limits=FAST)
    assert (again.sent, again.messages, again.already) == (0, 0, 3)
    assert len(emulator.sent) == 3
    assert await deliveries.counts(services.db, str(WEEK)) == {"sent": 3}


async def test_forbidden_deactivates_and_others_go_on(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    blocked, kicked_from, fine = (emulator.add_user(n) for n in ("Blocked", "Admin", "Fine"))
    group = emulator.add_group("Nhóm đã xóa bot", admins=[kicked_from])
    for chat in (blocked.id, fine.id):
        await subscribe(services, chat)
    await subscribe(services, group.id, "group")
    emulator.inject_failure("blocked", blocked)
    emulator.inject_failure("kicked", group)

    report = await send_week(services, bot, WEEK, limits=FAST)
    assert (report.sent, report.deactivated, report.failed) == (1, 2, 2)
    assert len(emulator.messages(fine.id)) == 1
    assert [s.chat_id for s in await subscriptions.active(services.db)] == [fine.id]
    row = await deliveries.get(services.db, blocked.id, str(WEEK))
    assert row is not None and row.state == "failed" and "Forbidden" in (row.error or "")
    # The next run does not try them again.
    calls = len(emulator.calls_to("sendMessage"))
    await send_week(services, bot, WEEK, limits=FAST)
    assert len(emulator.calls_to("sendMessage")) == calls


async def test_retry_after_is_waited_out(services: Services, bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user("Slow")
    await subscribe(services, user.id)
    emulator.inject_failure("retry_after", user, times=1, retry_after=1)
    started = time.monotonic()
    report = await send_week(services, bot, WEEK, limits=FAST)
    elapsed = time.monotonic() - started
    assert (report.sent, report.retry_after) == (1, 1)
    assert len(emulator.messages(user.id)) == 1
    assert elapsed >= 0.95  # it waited the retry_after instead of hammering
    attempts = [c for c in emulator.calls_to("sendMessage") if int(c.params["chat_id"]) == user.id]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.95


async def test_group_migration_moves_the_subscription(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    admin = emulator.add_user("Admin")
    group = emulator.add_group("Nhóm cũ", admins=[admin])
    await subscribe(services, group.id, "group", provinces=("Thái Nguyên",))
    new = emulator.migrate_group(group)

    report = await send_week(services, bot, WEEK, limits=FAST)
    assert (report.sent, report.migrated) == (1, 1)
    assert len(emulator.messages(new.id)) == 1
    assert HEADER in emulator.messages(new.id)[0].plain
    assert await subscriptions.get(services.db, group.id) is None
    moved = await subscriptions.get(services.db, new.id)
    assert moved is not None and moved.active and moved.provinces == ("Thái Nguyên",)
    row = await deliveries.get(services.db, new.id, str(WEEK))
    assert row is not None and row.state == "sent"
    assert (await send_week(services, bot, WEEK, limits=FAST)).messages == 0


async def test_bad_request_skips_that_chat_and_network_errors_are_retried(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    bad, flaky, dropped, ok = (emulator.add_user(n) for n in ("Bad", "Flaky", "Drop", "Ok"))
    for user in (bad, flaky, dropped, ok):
        await subscribe(services, user.id)
    emulator.inject_failure("bad_request", bad)
    emulator.inject_failure("server_error", flaky, times=2)
    emulator.inject_failure("drop", dropped, times=1)

    report = await send_week(services, bot, WEEK, limits=FAST)
    assert (report.sent, report.failed) == (3, 1)
    assert report.resent == 1  # the dropped answer: the part may have arrived; sent once more
    for user in (flaky, dropped, ok):
        assert len(emulator.messages(user.id)) == 1
    row = await deliveries.get(services.db, bad.id, str(WEEK))
    assert row is not None and row.state == "failed" and "BadRequest" in (row.error or "")
    assert FAKE_TOKEN.split(":")[1] not in (row.error or "")


async def test_network_failure_beyond_retries_is_resumed_next_run(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    user = emulator.add_user("Down")
    await subscribe(services, user.id)
    emulator.inject_failure("bad_gateway", user)  # until cleared
    limits = Limits(backoff_base=0.01, network_retries=2)
    report = await send_week(services, bot, WEEK, limits=limits)
    assert (report.sent, report.unfinished) == (0, 1)
    row = await deliveries.get(services.db, user.id, str(WEEK))
    assert row is not None and row.state == "sending" and row.error
    emulator.clear_failures(user)
    report = await send_week(services, bot, WEEK, limits=limits)
    assert report.sent == 1 and len(emulator.messages(user.id)) == 1


async def test_attempt_cap_gives_up_when_configured(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    user = emulator.add_user("Never")
    await subscribe(services, user.id)
    emulator.inject_failure("server_error", user)
    capped = Limits(backoff_base=0.01, network_retries=0, max_attempts=2)
    for _ in range(2):
        assert (await send_week(services, bot, WEEK, limits=capped)).unfinished == 1
    report = await send_week(services, bot, WEEK, limits=capped)
    assert (report.failed, report.unfinished) == (1, 0)
    row = await deliveries.get(services.db, user.id, str(WEEK))
    assert row is not None and row.state == "failed" and "gave up after 2" in (row.error or "")
    assert len(emulator.calls_to("sendMessage")) == 2


async def test_an_answer_lost_twice_is_never_sent_a_third_time(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    """Twice the connection drops after the request left: the part may have arrived
    either time. It is counted as delivered; a third copy is never sent."""
    user, other = emulator.add_user("Lost"), emulator.add_user("Fine")
    for u in (user, other):
        await subscribe(services, u.id)
    emulator.inject_failure("drop", user, times=2)
    report = await send_week(services, bot, WEEK, limits=FAST)
    attempts = [c for c in emulator.calls_to("sendMessage") if int(c.params["chat_id"]) == user.id]
    assert len(attempts) == 2
    assert (report.sent, report.assumed, report.resent) == (2, 1, 0)
    row = await deliveries.get(services.db, user.id, str(WEEK))
    assert row is not None and row.state == "sent"
    assert len(emulator.messages(other.id)) == 1


async def test_multi_part_digest_within_telegram_limits(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    from .harness import SeedArticle

    many = [
        SeedArticle(
            title=f"Hội nghị dân vận số {i} " + "với tiêu đề rất dài " * 6,
            body=f"Bài số {i} về hội nghị dân vận ở Cao Bằng, nội dung riêng {i}.",
            published="2024-04-24",
            event_date="2024-04-24",
            provinces=(("Cao Bằng", "Cao Bằng"),),
            meeting_kind="so_ket",
            summary=f"Tóm tắt bài số {i}.",
            url=f"https://caobang.example.vn/{i}",
        )
        for i in range(60)
    ]
    seed_articles(services.settings.database, many)
    emulator.enable_flood_limits()  # 1/s per private chat (burst 3), 20/min per group
    user, boss = emulator.add_user("Reader"), emulator.add_user("Boss")
    group = emulator.add_group("Nhóm đọc tin", admins=[boss])
    await subscribe(services, user.id)
    await subscribe(services, group.id, "group")
    report = await send_week(services, bot, WEEK, limits=FAST)
    assert emulator.stats.total_429 == 0 and report.retry_after == 0
    for chat in (user.id, group.id):
        msgs = emulator.messages(chat)
        assert len(msgs) >= 4 and HEADER in msgs[0].plain
        text = "\n".join(m.plain for m in msgs)
        assert all(f"Hội nghị dân vận số {i} " in text for i in range(60))
        row = await deliveries.get(services.db, chat, str(WEEK))
        assert row is not None and row.parts_sent == len(msgs) and row.state == "sent"
    assert report.sent == 2 and report.messages == len(emulator.sent)


async def test_scheduler_tick_sends_what_is_due_once(
    services: Services, bot: Bot, emulator: Emulator
) -> None:
    """run_due (the minute tick) with a clock set inside week 18: the digest of 17 is due."""
    due_user, later_user = emulator.add_user("Due"), emulator.add_user("Later")
    await subscribe(services, due_user.id, weekday=0, at="07:00")
    await subscribe(services, later_user.id, weekday=3, at="07:00")
    services.clock = lambda: datetime(2024, 4, 29, 1, 0, tzinfo=UTC)  # Mon 08:00 in Vietnam
    first = await run_due(services, bot, limits=FAST)
    second = await run_due(services, bot, limits=FAST)
    assert (first.sent, second.sent, second.messages) == (1, 0, 0)
    assert HEADER in emulator.messages(due_user.id)[0].plain
    assert emulator.messages(later_user.id) == []
