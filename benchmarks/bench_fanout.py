"""Digest fan-out through the running bot's own path, at Telegram-like flood limits.

Run::

    .venv/bin/python benchmarks/bench_fanout.py --count 10000          # about 6 minutes
    .venv/bin/python benchmarks/bench_fanout.py --count 2000 --chat 2  # chat during digest

Starts ``danvan-bot run`` against the Bot API emulator (tests/e2e/emulator.py) with flood
limits on (30 msg/s in any sliding second, 1/s per private chat with a burst of 3, 20/min
per group; 429 beyond), with ``--count`` subscribers whose digest fell due earlier today:
the bot's start-up tick sends it, through the same send budget its replies use
(bot/telegram/scheduler.py). Nothing else sends: this is the path users get.

With ``--chat N``, N people a second ask (``/tim``, ``/moinhat``, ...) while the digest goes
out, then again for as long with the digest done: reply times with and without the digest,
measured in the same run against the same bot. ``--round-trip-ms`` adds network delay.

Figures: the digest's rate (first to last) as a fraction of 30 msg/s, the most messages the
emulator saw in any one second, every 429 (the emulator's count and the bot's own report),
duplicates and losses, reply p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.botload import (
    LIMIT,
    ChatLoad,
    digest_world,
    emulator_floor,
    load_note,
    max_in_window,
    ms,
    percentile,
    print_table,
    rate,
)
from tests.e2e.harness import digests_per_chat

TICK = re.compile(r"digest tick: (\d+) delivered .*?(\d+) rate-limit answers \(429\)")


async def main(count: int, chat: float, round_trip_ms: float) -> int:
    async with digest_world(count, round_trip_ms) as dw:
        world, ids, week, header = dw.world, dw.ids, dw.week, dw.header
        emu = world.emulator
        floor = await emulator_floor(emu)
        started = time.monotonic()
        await world.bot.start()
        startup = time.monotonic() - started
        stop = asyncio.Event()
        during = ChatLoad(world, chat)
        chat_task = asyncio.create_task(during.run(stop)) if chat else None

        def all_there() -> bool:
            return len(digests_per_chat(emu, header)) >= count

        await emu.wait_until(all_there, timeout=count / 20 + 120)
        await emu.wait_until(lambda: TICK.search(world.bot.output), timeout=60)
        stop.set()
        alone = ChatLoad(world, chat)
        if chat_task is not None:
            await chat_task
            digest_span = max(m.sent_at for m in emu.sent) - min(m.sent_at for m in emu.sent)
            second = asyncio.Event()
            task = asyncio.create_task(alone.run(second))
            await asyncio.sleep(min(digest_span, 30.0))  # the same pace, digest done
            second.set()
            await task
        await world.bot.stop()
        output = world.bot.output

    digests = sorted(m.sent_at for m in emu.sent if header in m.plain)
    per_chat = digests_per_chat(emu, header)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    lost = sum(1 for i in ids if per_chat[i] == 0)
    tick = TICK.search(output)
    digest_rate = rate(digests)
    busiest = max_in_window(sorted(m.sent_at for m in emu.sent))
    span = [m.sent_at for m in emu.sent if digests and digests[0] <= m.sent_at <= digests[-1]]
    all_rate = (len(span) - 1) / (digests[-1] - digests[0]) if len(digests) > 1 else 0.0
    rows = [
        ("subscribers", f"{count}"),
        ("network round trip (emulated)", f"{round_trip_ms:.0f} ms"),
        ("bot start to first poll", f"{startup:.1f} s"),
        ("digest rate, first to last", f"{digest_rate:.2f} msg/s"),
        ("  / 30 msg/s (target >= 0.98)", f"{digest_rate / LIMIT:.3f}"),
        ("all messages meanwhile / 30 msg/s", f"{all_rate / LIMIT:.3f}"),
        ("most messages in any 1 s (all kinds)", f"{busiest}"),
        ("429s the emulator gave (target 0)", f"{emu.stats.total_429}"),
        ("429s in the bot's digest report", tick.group(2) if tick else "no report line"),
        ("duplicates (must be 0)", f"{duplicates}"),
        ("lost (must be 0)", f"{lost}"),
        ("emulator echo floor (one send)", ms(floor)),
    ]  # fmt: skip
    if chat:
        with_digest, without = during.reply_times(), alone.reply_times()
        slower = percentile(with_digest, 0.95) / percentile(without, 0.95)
        rows += [
            (f"replies during the digest ({chat:g}/s)",
             f"{len(with_digest)} of {len(during.asked)}"),
            ("  reply p50 / p95", f"{ms(percentile(with_digest, 0.5))} / "
                                  f"{ms(percentile(with_digest, 0.95))}"),
            ("  reply max", ms(max(with_digest, default=float('nan')))),
            ("replies, digest done (same bot)", f"{len(without)} of {len(alone.asked)}"),
            ("  reply p50 / p95", f"{ms(percentile(without, 0.5))} / "
                                  f"{ms(percentile(without, 0.95))}"),
            ("p95 with digest / without", f"{slower:.2f}"),
        ]  # fmt: skip
    print_table(f"bench_fanout: digest {week} via `danvan-bot run`, flood limits on", rows,
                load_note())  # fmt: skip
    scheduler = [line for line in output.splitlines() if "telegram sends:" in line]
    if scheduler:
        print("bot's send budget at exit:", scheduler[-1].split("telegram sends:")[1].strip())
    ok = digest_rate / LIMIT >= 0.98 and emu.stats.total_429 == 0 and not duplicates and not lost
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="subscribers (default 10000)")
    parser.add_argument("--chat", type=float, default=0.0, help="questions a second meanwhile")
    parser.add_argument("--round-trip-ms", type=float, default=0.0)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.count, args.chat, args.round_trip_ms)))
