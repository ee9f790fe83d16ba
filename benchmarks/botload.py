"""Shared pieces of the load benchmarks: the real bot process against the Bot API emulator
(tests/e2e), people who ask at a steady pace, and the figures (percentiles, windows, a
table). Not a benchmark itself."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.e2e.emulator import Emulator, Message  # noqa: E402
from tests.e2e.harness import FAKE_TOKEN, World, due_today, running_world  # noqa: E402

LIMIT = 30.0  # Telegram's overall messages per second
QUERIES = ("/tim dân vận", "/tim dan van kheo", "/moinhat 3", "/hoinghi bac kan", "/tinh")


@dataclass
class DigestWorld:
    world: World
    ids: list[int]
    week: str
    header: str


@contextlib.asynccontextmanager
async def digest_world(count: int, round_trip_ms: float = 0.0) -> AsyncIterator[DigestWorld]:
    """A bot (not started) against the emulator with Telegram-like flood limits and the
    given network delay, and ``count`` subscribers whose digest is due: its start-up tick
    sends it."""
    with tempfile.TemporaryDirectory(prefix="bench-digest-") as tmp:
        async with running_world(Path(tmp), start=False) as world:
            world.emulator.enable_flood_limits()
            world.emulator.round_trip = round_trip_ms / 1000
            ids, week, header = due_today(world.database, count)
            yield DigestWorld(world, ids, week, header)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def max_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """Most arrivals in any sliding window (times sorted)."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def rate(times: Sequence[float]) -> float:
    """Messages per second from the first to the last (times sorted)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return math.nan
    return (len(times) - 1) / (times[-1] - times[0])


def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def print_table(title: str, rows: Sequence[tuple[str, str]], note: str = "") -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}\n")
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-+-{'-' * 24}")
    for key, value in rows:
        print(f"{key.ljust(width)} | {value}")
    if note:
        print(f"\n{note}")


@dataclass
class Asked:
    chat_id: int
    at: float
    answered_at: float = math.nan


@dataclass
class ChatLoad:
    """People asking at ``per_second`` (each a new user, so no one trips the flood guard),
    until stopped. Reply time: the bot's first message in that chat after the question."""

    world: World
    per_second: float
    asked: list[Asked] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        emu = self.world.emulator
        queries = itertools.cycle(QUERIES)
        waiters: list[asyncio.Task[None]] = []
        started = time.monotonic()
        for n in itertools.count():
            due = started + n / self.per_second
            try:
                await asyncio.wait_for(stop.wait(), max(0.0, due - time.monotonic()))
                break
            except TimeoutError:
                pass
            person = self.world.person(f"Hỏi {n}")
            ask = Asked(person.chat.id, time.monotonic())
            emu.user_message(person.user, next(queries))
            self.asked.append(ask)
            waiters.append(asyncio.create_task(self._answer(ask)))
        await asyncio.gather(*waiters, return_exceptions=True)

    async def _answer(self, ask: Asked) -> None:
        emu = self.world.emulator

        def first() -> Message | None:
            msgs = emu.messages(ask.chat_id)
            return msgs[0] if msgs else None

        try:
            msg: Message = await emu.wait_until(first, 120)
        except TimeoutError:
            return
        ask.answered_at = msg.sent_at

    def reply_times(self) -> list[float]:
        return [a.answered_at - a.at for a in self.asked if not math.isnan(a.answered_at)]


async def emulator_floor(emulator: Emulator, runs: int = 30) -> float:
    """Median round trip of a plain send to the emulator: the floor under every reply."""
    from telegram import Bot

    out: list[float] = []
    async with Bot(FAKE_TOKEN, base_url=emulator.base_url) as bot:
        for _ in range(runs):
            user = emulator.add_user("Floor")  # a new chat each: no per-chat limit
            started = time.monotonic()
            await bot.send_message(user.id, "<b>Tin</b> dân vận")
            out.append(time.monotonic() - started)
    return statistics.median(out)


def load_note() -> str:
    import os

    load = os.getloadavg()
    return (
        f"load average {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} CPUs: the machine is "
        "shared with other work, so absolute times are rough; ratios measured in one run "
        "hold better."
    )
