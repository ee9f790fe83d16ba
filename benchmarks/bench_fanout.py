"""Digest fan-out at Telegram's flood limits: 10,000 subscribers, one real sending process.

Run: ``.venv/bin/python benchmarks/bench_fanout.py [--count 10000]``

Starts the Bot API emulator (tests/e2e/emulator.py) in flood-limit mode (30 msg/s overall,
1/s per private chat, 20/min per group, 429 + retry_after beyond), fills a fresh database
with ``--count`` private-chat subscribers and the e2e seed articles, and runs
``danvan-bot digest --week 2024-W17 --send`` as a child process against it. At 30/s,
10,000 messages take about 6 minutes; pass a smaller ``--count`` for a quick look (the
table says what was run).

Targets: achieved rate >= 0.95 of 30/s, 429s = 0, duplicates = 0, lost = 0.

The emulator runs in this process and counts arrivals in a sliding second. The sender
keeps at most 29 starts in any second, which absorbs one slot (34 ms) of jitter; on a
machine loaded beyond its cores both processes get descheduled and arrivals bunch, so the
table shows the load average and this process's GC pauses next to the 429 count.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.emulator import Emulator  # noqa: E402
from tests.e2e.harness import FAKE_TOKEN, seed_articles, write_config  # noqa: E402

WEEK = "2024-W17"
LIMIT = 30.0
FIRST_CHAT = 70_000_001


def add_subscribers(database: Path, count: int) -> list[int]:
    ids = list(range(FIRST_CHAT, FIRST_CHAT + count))
    stamp = "2024-01-01T00:00:00+00:00"
    db = sqlite3.connect(database)
    with db:
        db.executemany(
            "INSERT INTO chats(chat_id, type, active, created_at, updated_at)"
            " VALUES (?, 'private', 1, ?, ?)",
            [(i, stamp, stamp) for i in ids],
        )
        db.executemany(
            "INSERT INTO subscriptions(chat_id, weekday, time, timezone, provinces, created_at,"
            " updated_at) VALUES (?, 0, '07:00', 'Asia/Ho_Chi_Minh', '[]', ?, ?)",
            [(i, stamp, stamp) for i in ids],
        )
    db.close()
    return ids


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def max_in_window(times: list[float], window: float = 1.0) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class GcPauses:
    """Garbage-collection pauses of this (the emulator's) process: a pause bunches the
    requests that arrive meanwhile, which the flood window then sees as a burst."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._started) * 1000)


async def main(count: int) -> int:
    pauses = GcPauses()
    gc.callbacks.append(pauses)
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp:
        directory = Path(tmp)
        emulator = Emulator(FAKE_TOKEN)
        emulator.enable_flood_limits()
        await emulator.start()
        database = directory / "danvan.db"
        seed_articles(database)
        ids = add_subscribers(database, count)
        config = write_config(directory / "config.toml", emulator, database=database)
        load_before = os.getloadavg()[0]
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": FAKE_TOKEN}
        env.pop("DANVAN_CONFIG", None)
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "digest", "--week", WEEK, "--send",
            "--config", str(config), cwd=str(REPO), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        wall = time.monotonic() - started
        load_after = os.getloadavg()[0]
        await emulator.stop()

    sends = [c for c in emulator.calls_to("sendMessage") if c.status == 200]
    times = sorted(c.at for c in sends)
    per_chat = Counter(int(c.params["chat_id"]) for c in sends)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    lost = sum(1 for i in ids if per_chat[i] == 0)
    span = (times[-1] - times[0]) if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / span if len(times) > 1 else float("nan")
    gaps_ms = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
    per_second = list(Counter(int(t - times[0]) for t in times).values())[:-1] or [len(times)]

    rows = [
        ("subscribers (run)", f"{count}"),
        ("exit code", f"{proc.returncode}"),
        ("messages accepted", f"{len(sends)}"),
        ("wall time, process", f"{wall:.1f} s"),
        ("achieved rate (first->last send)", f"{rate:.2f} msg/s"),
        ("rate / 30 msg/s (target >= 0.95)", f"{rate / LIMIT:.3f}"),
        ("gap between sends: median", f"{statistics.median(gaps_ms):.1f} ms" if gaps_ms else "-"),
        ("gap between sends: p95", f"{percentile(gaps_ms, 0.95):.1f} ms" if gaps_ms else "-"),
        ("msgs per 1 s: median / p95", f"{statistics.median(per_second):.0f} / "
                                        f"{percentile([float(x) for x in per_second], 0.95):.0f}"),
        ("max msgs in any 1 s window", f"{max_in_window(times)}"),
        ("429s received (target 0)", f"{emulator.stats.total_429}"),
        ("emulator GC pauses >= 30 ms", f"{sum(p >= 30 for p in pauses.pauses)}"),
        ("load average, start / end", f"{load_before:.1f} / {load_after:.1f} "
                                      f"on {os.cpu_count()} CPUs"),
        ("duplicates (must be 0)", f"{duplicates}"),
        ("lost (must be 0)", f"{lost}"),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    print(f"\nbench_fanout: digest {WEEK} to {count} subscribers, emulator flood limits on\n")
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-+-{'-' * 16}")
    for key, value in rows:
        print(f"{key.ljust(width)} | {value}")
    print("\nprocess said:", out.decode().strip() or err.decode().strip()[-500:])
    ok = rate / LIMIT >= 0.95 and emulator.stats.total_429 == 0 and not duplicates and not lost
    return 0 if ok and proc.returncode == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="subscribers (default 10000)")
    sys.exit(asyncio.run(main(parser.parse_args().count)))
