"""The digest in the running bot, against Telegram-like flood limits (issues 16.2, 16.4,
17.1): one send budget for replies and digest, every 429 in the report, and the resend
policy for parts whose outcome is unknown, bounded across repeated kills."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from .conftest import needs_bot
from .harness import (
    DIGEST_WEEK,
    FIRST_CHAT,
    BotProcess,
    add_subscribers,
    delivery_states,
    digests_per_chat,
    due_today,
    running_world,
)


def tick_line(output: str) -> str:
    lines = [line for line in output.splitlines() if "digest tick:" in line]
    return lines[-1] if lines else ""


@needs_bot
async def test_replies_go_first_and_every_429_is_reported(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        emu = world.emulator
        emu.enable_flood_limits()
        ids, week, header = due_today(world.database, 200)
        emu.inject_failure("retry_after", ids[150], times=1, retry_after=1)
        await world.bot.start()
        await emu.wait_until(lambda: sum(digests_per_chat(emu, header).values()) >= 30, 30)
        [answer] = await world.person("Lan").send("/tim dân vận")  # during the fan-out
        assert "dân vận" in answer.plain
        await emu.wait_until(lambda: len(digests_per_chat(emu, header)) == 200, 60)
        later = [m for m in emu.sent if header in m.plain and m.sent_at > answer.sent_at]
        assert len(later) > 100, "the reply waited for the digest"
        await emu.wait_until(lambda: "200 delivered" in tick_line(world.bot.output), 30)
        # The one 429 the budget waited out is in the report; the limits were never hit.
        assert "1 rate-limit answers (429)" in tick_line(world.bot.output)
        assert emu.stats.injected_429 == 1 and emu.stats.flood_429 == 0
        assert set(digests_per_chat(emu, header).values()) == {1}
        assert delivery_states(world.database, week) == {"sent": 200}


@needs_bot
async def test_repeated_kills_repeat_only_parts_in_flight_and_never_twice(tmp_path: Path) -> None:
    async with running_world(tmp_path / "w", start=False) as world:
        emu = world.emulator
        emu.enable_flood_limits()
        emu.round_trip = 0.050  # several parts in flight at 30 msg/s
        ids, week, header = due_today(world.database, 300)
        in_flight_at_kills = 0
        for threshold in (40, 120, 200):
            await world.bot.start()

            def reached(t: int = threshold) -> bool:
                return sum(digests_per_chat(emu, header).values()) >= t

            await emu.wait_until(reached, 60)
            await world.bot.kill()
            in_flight_at_kills += delivery_states(world.database, week)["in_flight"]
            world.bot = BotProcess(emu, world.config)
        await world.bot.start()
        await emu.wait_until(lambda: len(digests_per_chat(emu, header)) == 300, 60)
        await emu.wait_until(lambda: delivery_states(world.database, week) == {"sent": 300}, 30)
        per_chat = digests_per_chat(emu, header)
        assert set(per_chat) == set(ids)
        repeats = sum(n - 1 for n in per_chat.values())
        assert repeats <= in_flight_at_kills  # only parts that were in flight at a kill
        assert max(per_chat.values()) <= 2  # and never a part twice for one chat
        assert emu.stats.total_429 == 0


async def test_the_log_decides_what_an_unknown_outcome_means(tmp_path: Path) -> None:
    """After a crash: a part found in flight is sent once more; one found being resent
    (its second unconfirmed send) is counted as delivered, never sent a third time."""
    async with running_world(tmp_path / "w", start=False) as world:
        ids = add_subscribers(world.database, 4)
        in_flight, resending, begun, done = ids
        db = sqlite3.connect(world.database)
        with db:
            db.executemany(
                "INSERT INTO deliveries(chat_id, week, state, attempts, parts_sent, started_at)"
                " VALUES (?, ?, ?, 1, 0, '2024-04-29T00:00:00+00:00')",
                [(in_flight, DIGEST_WEEK, "in_flight"), (resending, DIGEST_WEEK, "resending"),
                 (begun, DIGEST_WEEK, "sending"), (done, DIGEST_WEEK, "sent")],
            )  # fmt: skip
        db.close()
        proc = BotProcess(world.emulator, world.config,
                          args=("digest", "--week", DIGEST_WEEK, "--send"))  # fmt: skip
        await proc.start(wait_polling=False)
        assert await proc.wait_exit(timeout=60) == 0, proc.output
        assert digests_per_chat(world.emulator) == {in_flight: 1, begun: 1}
        assert re.search(r"1 resent after an unknown outcome, 1 counted as delivered", proc.output)
        assert delivery_states(world.database) == {"sent": 4}
        assert FIRST_CHAT in ids
