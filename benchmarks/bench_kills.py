"""Repeats per kill: SIGKILL the running bot mid-digest, again and again, at 0, 50 and
150 ms of network round trip.

Run: ``.venv/bin/python benchmarks/bench_kills.py [--count 600] [--kills 4]``

For each round trip: ``danvan-bot run`` against the Bot API emulator (flood limits on,
the delay split evenly between the way in and the way back) with ``--count`` subscribers
whose digest is due; killed with SIGKILL after every ``count / (kills + 1)`` digests, then
started again, until every subscriber has the digest. The delivery log's ``in_flight``
rows at each kill are the parts whose outcome was unknown; the policy (bot/digest/deliver.py)
resends each once and never twice. Figures: repeated messages per kill, the most copies
any chat got, losses, and the fan-out rate between kills.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.botload import LIMIT, digest_world, load_note, rate
from tests.e2e.harness import (
    BotProcess,
    delivery_states,
    digests_per_chat,
)


async def one_round_trip(round_trip_ms: float, count: int, kills: int) -> list[str]:
    async with digest_world(count, round_trip_ms) as dw:
        world, ids, week, header = dw.world, dw.ids, dw.week, dw.header
        emu = world.emulator
        in_flight: list[int] = []
        step = count // (kills + 1)
        for k in range(1, kills + 1):
            await world.bot.start()

            def reached(target: int = k * step) -> bool:
                return sum(digests_per_chat(emu, header).values()) >= target

            await emu.wait_until(reached, timeout=120)
            await world.bot.kill()
            in_flight.append(delivery_states(world.database, week)["in_flight"])
            world.bot = BotProcess(emu, world.config)
        await world.bot.start()
        await emu.wait_until(lambda: len(digests_per_chat(emu, header)) >= count, 300)
        await emu.wait_until(lambda: delivery_states(world.database, week)["sent"] == count, 60)
        await world.bot.stop()
    per_chat = digests_per_chat(emu, header)
    repeats = sum(n - 1 for n in per_chat.values())
    lost = sum(1 for i in ids if per_chat[i] == 0)
    fan_rate = rate(sorted(m.sent_at for m in emu.sent if header in m.plain)[: step - 1])
    return [
        f"{round_trip_ms:.0f} ms",
        f"{kills}",
        " ".join(str(n) for n in in_flight),
        f"{repeats}",
        f"{repeats / kills:.1f}",
        f"{max(per_chat.values())}",
        f"{lost}",
        f"{emu.stats.total_429}",
        f"{fan_rate / LIMIT:.3f}",
    ]


async def main(count: int, kills: int, round_trips: list[float]) -> int:
    head = ["round trip", "kills", "in flight at each kill", "repeats", "per kill",
            "max copies", "lost", "429s", "rate to 1st kill / 30"]  # fmt: skip
    rows = [await one_round_trip(rt, count, kills) for rt in round_trips]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    print(f"\nbench_kills: {count} subscribers, SIGKILL {kills} times mid-digest\n")
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(
        "\nrepeats: messages a chat received twice; each kill can repeat at most the parts in "
        "flight then, one per chat, and no chat gets a part three times.\n" + load_note()
    )
    return 0 if all(r[5] in ("1", "2") and r[6] == "0" for r in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--round-trips", default="0,50,150", help="milliseconds, comma-separated")
    args = parser.parse_args()
    trips = [float(x) for x in args.round_trips.split(",")]
    sys.exit(asyncio.run(main(args.count, args.kills, trips)))
