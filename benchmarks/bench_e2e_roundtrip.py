"""End-to-end round trip: a user's message -> the real bot process -> its reply, through
the Bot API emulator on 127.0.0.1 (long polling, HTML validation, all of it).

Run: ``.venv/bin/python benchmarks/bench_e2e_roundtrip.py [--runs 30] [--articles 0] [--flood]``

Each sample is a new user (the bot's per-user flood guard would otherwise slow a fast
typist down on purpose), commands interleaved round-robin so that drift hits them all
alike. ``--articles N`` adds N generated articles (benchmarks/bench_replies.py) to the 15
known e2e seed articles. ``--flood`` turns the emulator's Telegram-like flood limits on
(every reply still goes through the bot's send budget either way). The last row is the
emulator alone: PTB's Bot sending a message, the floor under every round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.emulator import Message  # noqa: E402
from tests.e2e.harness import FAKE_TOKEN, Person, World, running_world  # noqa: E402

CASES: list[str] = [
    "/start",
    "/moinhat",
    "/tim dân vận",
    "/tim dan van kheo",
    "/hoinghi bac kan",
    "/hoinghi",
    "/tinh",
    "/tomtat 1",
    "/tomtat",
    "press Sau (/tim page 2)",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def one_sample(world: World, case: str) -> float:
    person: Person = world.person("Bench")
    if case.startswith("press"):
        page: Message = (await person.send("/tim dân vận"))[0]
        started = time.monotonic()
        await person.press(page, "Sau")
    else:
        started = time.monotonic()
        await person.send(case)
    return (time.monotonic() - started) * 1000


async def emulator_floor(world: World, runs: int) -> list[float]:
    from telegram import Bot

    user = world.emulator.add_user("Floor")
    out: list[float] = []
    async with Bot(FAKE_TOKEN, base_url=world.emulator.base_url) as bot:
        for _ in range(runs):
            started = time.monotonic()
            await bot.send_message(user.id, "<b>Tin mới nhất</b>\n" + "dân vận " * 200)
            out.append((time.monotonic() - started) * 1000)
    return out


async def run(runs: int, articles: int, flood: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        async with running_world(Path(tmp), start=False) as world:
            if flood:
                world.emulator.enable_flood_limits()
            if articles:
                from benchmarks.bench_replies import build_database

                print(f"generating {articles:,} articles…", file=sys.stderr)
                build_database(world.database, articles)
            started = time.monotonic()
            await world.bot.start()
            startup = time.monotonic() - started
            samples: dict[str, list[float]] = {case: [] for case in CASES}
            for case in CASES:  # warm-up: first queries open caches and pages
                await one_sample(world, case)
            for _ in range(runs):
                for case in CASES:
                    samples[case].append(await one_sample(world, case))
            floor = await emulator_floor(world, runs)
            rejected = world.emulator.rejected()

    base = statistics.median(samples["/start"])
    print(
        f"\nbench_e2e_roundtrip: {runs} runs per command, {15 + articles:,} articles, "
        f"flood limits {'on' if flood else 'off'}, bot start to first poll {startup:.2f} s\n"
    )
    print(f"{'command':<28}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'p50 / start':>13}")
    for case, values in samples.items():
        p50 = statistics.median(values)
        print(
            f"{case:<28}{p50:>9.1f}{percentile(values, 0.95):>9.1f}{max(values):>9.1f}"
            f"{p50 / base:>13.2f}"
        )
    p50 = statistics.median(floor)
    print(
        f"{'(emulator alone: send)':<28}{p50:>9.1f}{percentile(floor, 0.95):>9.1f}"
        f"{max(floor):>9.1f}{p50 / base:>13.2f}"
    )
    print(f"\nmessages Telegram would have refused: {len(rejected)}")
    return 0 if not rejected else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--articles", type=int, default=0, help="extra generated articles")
    parser.add_argument("--flood", action="store_true", help="Telegram-like flood limits on")
    args = parser.parse_args()
    return asyncio.run(run(args.runs, args.articles, args.flood))


if __name__ == "__main__":
    sys.exit(main())
