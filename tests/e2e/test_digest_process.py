"""The digest through real processes against the Bot API emulator.

- ``danvan-bot digest --send`` killed with SIGKILL mid fan-out, then run again: every
  subscriber has exactly one digest, except at most the one send in flight at the kill
  (the documented policy resends it: see bot/digest/deliver.py).
- SIGTERM mid fan-out: the process finishes the message in flight, records it, exits 0, and
  nothing is sent twice afterwards.
- ``danvan-bot run``: two private chats and one group subscribe with /dangky; the week's
  digest arrives once per chat with its Vietnamese header; sending again sends nothing; the
  scheduler's start-up tick delivers a digest that fell due while the bot was down.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .conftest import needs_bot
from .harness import (
    HEADER,
    BotProcess,
    World,
    add_subscribers,
    delivery_states,
    digests_per_chat,
    running_world,
)

WEEK = "2024-W17"


def send_process(world: World, week: str = WEEK, *, in_flight: int | None = None) -> BotProcess:
    env = {"DANVAN_DIGEST_MAX_IN_FLIGHT": str(in_flight)} if in_flight else {}
    return BotProcess(
        world.emulator, world.config, env=env, args=("digest", "--week", week, "--send")
    )


async def test_sigkill_mid_fanout_then_restart_sends_each_digest_once(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        ids = add_subscribers(world.database, 300)
        # One send in flight at a time, so "at most one repeated" holds however loaded the
        # machine is (by default more may be in flight when round trips exceed 34 ms).
        first = send_process(world, in_flight=1)
        await first.start(wait_polling=False)
        await world.emulator.wait_until(lambda: len(world.emulator.sent) >= 100, timeout=60)
        await first.kill()
        at_kill = digests_per_chat(world.emulator)
        assert 100 <= sum(at_kill.values()) < 300, "the kill came too late to test anything"
        assert delivery_states(world.database)["sending"] >= 1 or sum(at_kill.values()) < 300

        second = send_process(world)
        await second.start(wait_polling=False)
        assert await second.wait_exit(timeout=60) == 0, second.output
        per_chat = digests_per_chat(world.emulator)
        assert set(per_chat) == set(ids), "a subscriber got no digest"
        twice = [c for c, n in per_chat.items() if n > 1]
        assert len(twice) <= 1, f"more than the one in-flight send repeated: {twice}"
        assert all(n <= 2 for n in per_chat.values())
        assert delivery_states(world.database) == {"sent": 300}
        assert world.emulator.stats.total_429 == 0
        assert "300 delivered" not in second.output  # the first run's work was not redone

        third = send_process(world)
        await third.start(wait_polling=False)
        assert await third.wait_exit(timeout=60) == 0
        assert sum(digests_per_chat(world.emulator).values()) == sum(per_chat.values())
        assert "0 delivered" in third.output and "300 already had it" in third.output


async def test_sigterm_mid_fanout_finishes_in_flight_and_exits_zero(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        ids = add_subscribers(world.database, 200)
        first = send_process(world)
        await first.start(wait_polling=False)
        await world.emulator.wait_until(lambda: len(world.emulator.sent) >= 40, timeout=60)
        assert await first.stop(timeout=10) == 0, first.output
        assert "stopped by signal" in first.output
        received = digests_per_chat(world.emulator)
        states = delivery_states(world.database)
        # Everything that arrived is recorded as sent: nothing was left in flight.
        assert states["sent"] == len(received) == sum(received.values())
        assert len(received) < 200

        second = send_process(world)
        await second.start(wait_polling=False)
        assert await second.wait_exit(timeout=60) == 0, second.output
        per_chat = digests_per_chat(world.emulator)
        assert set(per_chat) == set(ids)
        assert set(per_chat.values()) == {1}, "a graceful stop must not cause duplicates"
        assert delivery_states(world.database) == {"sent": 200}


async def test_send_without_token_is_a_clear_error(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        proc = BotProcess(world.emulator, world.config, token="", args=("digest", "--send"))
        await proc.start(wait_polling=False)
        assert await proc.wait_exit() == 2
        assert "TELEGRAM_BOT_TOKEN" in proc.output and "Traceback" not in proc.output


async def test_preview_prints_the_digest(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        proc = BotProcess(world.emulator, world.config, args=("digest", "--week", WEEK))
        await proc.start(wait_polling=False)
        assert await proc.wait_exit() == 0, proc.output
        assert HEADER in proc.output
        assert "Thái Nguyên (Bắc Kạn)" in proc.output
        assert "Thứ Năm, 25/4" in proc.output
        assert world.emulator.sent == []
        bad = BotProcess(world.emulator, world.config, args=("digest", "--week", "2024-17"))
        await bad.start(wait_polling=False)
        assert await bad.wait_exit() == 2 and "--week" in bad.output


@needs_bot
async def test_subscribe_in_the_bot_then_send_once_per_chat(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w") as world:
        an, binh = world.person("An"), world.person("Bình")
        admin, member = world.person("Chi"), world.person("Dũng")
        group = world.group("Ban Dân vận huyện", admins=[admin], members=[member])
        in_group = admin.in_chat(group)
        (refused,) = await member.in_chat(group).send("/dangky")
        assert "chỉ quản trị viên" in refused.plain
        answers = [
            await an.send("/dangky"),
            await binh.send("/dangky cn 19h30 Bắc Kạn"),
            await in_group.send("/dangky thứ hai 7h"),
        ]
        for (reply,) in answers:
            assert "Bản tin tiếp theo:" in reply.plain, reply.plain
        assert "Bắc Kạn nay thuộc Thái Nguyên" in answers[1][0].plain

        for attempt in range(2):
            proc = send_process(world)
            await proc.start(wait_polling=False)
            assert await proc.wait_exit(timeout=60) == 0, proc.output
            per_chat = digests_per_chat(world.emulator)
            assert per_chat == {an.chat.id: 1, binh.chat.id: 1, group.id: 1}, attempt
        assert "0 delivered" in proc.output
        digest = next(m for m in binh.bot_messages() if HEADER in m.plain)
        assert "Thái Nguyên (Bắc Kạn)" in digest.plain


@needs_bot
async def test_startup_tick_delivers_an_overdue_digest(tmp_path: Path) -> None:
    """Due earlier today (Vietnam time) while the bot was down: it goes out on start."""
    async with running_world(tmp_path / "w", start=False) as world:
        now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        if now.hour == 0 and now.minute < 2:
            pytest.skip("too close to local midnight for a stable 'earlier today'")
        ids = add_subscribers(world.database, 3, weekday=now.weekday(), at="00:00")
        iso = (now.date() - timedelta(days=7)).isocalendar()
        header = f"Bản tin Dân vận tuần {iso.week} ("
        await world.bot.start()
        await world.emulator.wait_until(
            lambda: len(digests_per_chat(world.emulator, header)) == 3, timeout=30
        )
        week = f"{iso.year}-W{iso.week:02d}"
        await world.emulator.wait_until(lambda: delivery_states(world.database, week)["sent"] == 3)
        assert set(digests_per_chat(world.emulator, header)) == set(ids)
        await world.restart()  # the start-up tick again: nothing more
        await world.admin.barrier()
        assert sum(digests_per_chat(world.emulator, header).values()) == 3
        assert datetime.now(UTC) > datetime(2024, 1, 1, tzinfo=UTC)


@needs_bot
async def test_sigterm_to_the_bot_during_a_fanout_sends_nothing_twice(tmp_path: Path) -> None:
    """The PaaS restart case: ``danvan-bot run`` gets SIGTERM while the start-up tick fans
    out; it exits 0 with every arrived digest recorded, and the next start finishes the
    rest without repeating any."""
    async with running_world(tmp_path / "w", start=False) as world:
        now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
        if now.hour == 0 and now.minute < 2:
            pytest.skip("too close to local midnight for a stable 'earlier today'")
        ids = add_subscribers(world.database, 150, weekday=now.weekday(), at="00:00")
        iso = (now.date() - timedelta(days=7)).isocalendar()
        week, header = f"{iso.year}-W{iso.week:02d}", f"Bản tin Dân vận tuần {iso.week} ("
        await world.bot.start()
        await world.emulator.wait_until(
            lambda: sum(digests_per_chat(world.emulator, header).values()) >= 30, timeout=30
        )
        assert await world.bot.stop(timeout=15) == 0, world.bot.output
        received = digests_per_chat(world.emulator, header)
        assert len(received) < 150, "the fan-out finished before the stop: nothing tested"
        assert delivery_states(world.database, week)["sent"] == sum(received.values())

        await world.restart()
        await world.emulator.wait_until(
            lambda: len(digests_per_chat(world.emulator, header)) == 150, timeout=60
        )
        await world.emulator.wait_until(
            lambda: delivery_states(world.database, week)["sent"] == 150, timeout=10
        )
        per_chat = digests_per_chat(world.emulator, header)
        assert set(per_chat) == set(ids) and set(per_chat.values()) == {1}


@needs_bot
async def test_failures_through_the_real_processes(tmp_path: Path) -> None:
    """Subscribed in the running bot; then the sending process meets a blocked chat (403),
    a 429 and a group that became a supergroup."""
    async with running_world(tmp_path / "w") as world:
        blocked, slow, admin = world.person("Bị chặn"), world.person("Chậm"), world.person("Hà")
        group = world.group("Nhóm sắp nâng cấp", admins=[admin])
        for person in (blocked, slow, admin.in_chat(group)):
            (reply,) = await person.send("/dangky")
            assert "Bản tin tiếp theo:" in reply.plain
        emu = world.emulator
        emu.inject_failure("blocked", blocked.chat.id)
        emu.inject_failure("retry_after", slow.chat.id, times=1, retry_after=1)
        supergroup = emu.migrate_group(group)

        proc = send_process(world)
        await proc.start(wait_polling=False)
        assert await proc.wait_exit(timeout=60) == 0, proc.output
        assert "1 deactivated" in proc.output and "1 migrated" in proc.output
        per_chat = digests_per_chat(emu)
        assert per_chat == {slow.chat.id: 1, supergroup.id: 1}
        slow_calls = [
            c for c in emu.calls_to("sendMessage")
            if int(c.params["chat_id"]) == slow.chat.id and HEADER in str(c.params.get("text"))
        ]  # fmt: skip
        assert [c.status for c in slow_calls] == [429, 200]
        assert slow_calls[1].at - slow_calls[0].at >= 0.95

        db = sqlite3.connect(world.database)
        try:
            subs = dict(db.execute("SELECT chat_id, active FROM subscriptions").fetchall())
        finally:
            db.close()
        assert subs == {blocked.chat.id: 0, slow.chat.id: 1, supergroup.id: 1}
        # The moved subscription answers in the new supergroup too.
        (settings,) = await admin.in_chat(supergroup).send("/caidat")
        assert "Đang nhận bản tin" in settings.plain
