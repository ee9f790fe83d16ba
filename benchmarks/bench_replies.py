"""In-process reply latency per command on a 100,000-article archive (target: p95 <= 50 ms).

Run: ``.venv/bin/python benchmarks/bench_replies.py [--articles 100000] [--runs 60]``

Builds (once, cached under ``benchmarks/.cache/``) a database of synthetic Vietnamese-like
articles saved with the store's own bulk save, so the rows, province links and FTS index
are what the importer would write. Then each command goes through the same
``dispatch.handle_text`` / ``handle_callback`` that Telegram and the terminal use, and the
table shows p50/p95 per command and p95 relative to /start (pure rendering, no query).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.articles.model import MEETING_KINDS, Article, Extraction, ProvinceMention
from bot.config import Settings
from bot.replies import dispatch
from bot.replies.model import ChatContext, Reply
from bot.services import Services
from bot.store.articles import save_many_sync
from bot.store.db import open_sync
from bot.text.provinces import Gazetteer

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 2000

WORDS = (
    "Ban Dân vận Tỉnh ủy Huyện ủy Thành ủy tổ chức hội nghị sơ kết tổng kết triển khai "
    "chương trình phối hợp công tác dân vận khéo mô hình điển hình tiên tiến đồng bào dân tộc "
    "thiểu số Mặt trận Tổ quốc đoàn thể chính trị xã hội Công an Quân sự cựu chiến binh "
    "phụ nữ thanh niên nông dân xây dựng nông thôn mới giảm nghèo bền vững an sinh xã hội "
    "đối thoại nhân dân quy chế dân chủ cơ sở tiếp xúc cử tri giám sát phản biện đảng viên "
    "chính quyền đoàn kết đổi mới phương thức lãnh đạo chỉ đạo năm 2024 2025 kết quả nhiệm vụ "
    "giải pháp trọng tâm thời gian tới đồng chí Trưởng ban Phó Trưởng ban chủ trì phát biểu"
).split()


def synthetic_articles(count: int, gazetteer: Gazetteer, first: int = 0) -> list[Article]:
    rng = random.Random(first)
    former = sorted(gazetteer.former.values(), key=lambda u: u.name)
    start = date(2018, 1, 1)
    span = (NOW.date() - start).days
    out = []
    for n in range(first, first + count):
        title = " ".join(rng.choices(WORDS, k=rng.randint(8, 16))).capitalize()
        body = (
            "\n\n".join(" ".join(rng.choices(WORDS, k=rng.randint(40, 90))) + "." for _ in range(4))
            + f" Mã bài {n}."
        )
        # A few hundred articles in the benchmark week, so /tomtat has a week to sum up.
        day = NOW.date() - timedelta(days=rng.randint(0, 2)) if n % 400 == 0 else (
            start + timedelta(days=rng.randint(0, span))
        )  # fmt: skip
        units = rng.sample(former, k=rng.choice((1, 1, 1, 2)))
        kind = rng.choice(MEETING_KINDS) if rng.random() < 0.7 else None
        out.append(
            Article(
                body=body,
                source="synthetic",
                extraction=Extraction(
                    title=title,
                    published=day,
                    event_date=day.isoformat(),
                    provinces=tuple(ProvinceMention(u.name, u.current) for u in units),
                    level="province",
                    meeting_kind=kind,
                    chairs=("Nguyễn Văn A",) if kind else (),
                    summary=" ".join(body.split()[:40]) + ".",
                ),
                url=f"https://danvan.example.vn/tin/{n}",
                published=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
                body_hash=hashlib.blake2b(body.encode(), digest_size=16).hexdigest(),
            )
        )
    return out


def build_database(path: Path, count: int) -> float:
    """Create the synthetic archive unless a complete one is cached; seconds spent."""
    if path.exists():
        db = open_sync(path)
        (have,) = db.execute("SELECT count(*) FROM articles").fetchone()
        db.close()
        if have == count:
            return 0.0
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    db = open_sync(path)
    for offset in range(0, count, BATCH):
        batch = synthetic_articles(min(BATCH, count - offset), gazetteer, first=offset)
        save_many_sync(db, batch, NOW)
        print(f"\r  generating: {offset + len(batch):,}/{count:,}", end="", file=sys.stderr)
    db.execute("PRAGMA optimize")
    db.close()
    print(file=sys.stderr)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


async def measure(path: Path, runs: int) -> list[tuple[str, float, float, float, int]]:
    settings = Settings(database=path)
    ctx = ChatContext(chat_id=1, user_id=1, bot_username="DanVanBot")
    # Button data comes from real replies; got on a separate connection so that the
    # measured one starts with empty reply-layer caches ("first" is then honest).
    setup = await Services.open(settings, clock=lambda: NOW)
    try:
        first_page = await dispatch.handle_text("/tim dân vận khéo", ctx, setup)
        keyboard = await dispatch.handle_text("/hoinghi", ctx, setup)
    finally:
        await setup.close()
    assert first_page is not None and keyboard is not None and keyboard.buttons
    page_data = next((b.data for row in first_page.buttons for b in row if b.data), "s:1:1")
    search_id = page_data.split(":")[1]
    province_data = keyboard.buttons[0][0].data or "h:0:0"
    services = await Services.open(settings, clock=lambda: NOW)
    try:
        cases: list[tuple[str, str, bool]] = [
            ("/start", "/start", False),
            ("/huongdan", "/huongdan", False),
            ("/moinhat", "/moinhat", False),
            ("/moinhat 20", "/moinhat 20", False),
            ("button l:5:40", "l:5:40", True),
            ("/tim dân vận khéo", "/tim dân vận khéo", False),
            ("/tim dan van kheo", "/tim dan van kheo", False),
            ("/tim (rare) mã bài 4242", "/tim mã bài 4242", False),
            ("/tim (no hit) atlantis", "/tim atlantis", False),
            ("button s:id:3", f"s:{search_id}:3", True),
            ("/tomtat 4242", "/tomtat 4242", False),
            ("/tomtat (this week)", "/tomtat", False),
            ("/hoinghi Bắc Kạn", "/hoinghi Bắc Kạn", False),
            ("/hoinghi (keyboard)", "/hoinghi", False),
            ("button h:idx:2", province_data[:-1] + "2", True),
            ("/tinh", "/tinh", False),
            ("plain text search", "dân vận khéo", False),
        ]
        rows = []
        for label, text, is_button in cases:
            times: list[float] = []
            first = 0.0
            size = 0
            for i in range(runs + 3):
                t0 = time.perf_counter()
                reply: Reply | None
                if is_button:
                    reply = await dispatch.handle_callback(text, ctx, services)
                else:
                    reply = await dispatch.handle_text(text, ctx, services)
                elapsed = (time.perf_counter() - t0) * 1000
                if i == 0:
                    first = elapsed  # includes filling any cache the reply layer keeps
                if i >= 3:  # warm-up runs fill SQLite's page cache
                    times.append(elapsed)
                assert reply is not None and reply.parts
                size = sum(len(p) for p in reply.parts)
            rows.append((label, first, statistics.median(times), percentile(times, 0.95), size))
        return rows
    finally:
        await services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--db", type=Path, default=None, help="database file (default: cache)")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    path = args.db or CACHE / f"replies_{args.articles}.db"
    spent = build_database(path, args.articles)
    if spent:
        print(f"built {args.articles:,} articles in {spent:.1f} s ({path})")
    rows = asyncio.run(measure(path, args.runs))
    base = next(p95 for label, _, _, p95, _ in rows if label == "/start") or 1e-9
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nreply latency, {args.articles:,} articles, {args.runs} runs per command")
    print(f"(machine load average {load} on {os.cpu_count()} CPUs)")
    print("(first = the very first call on a fresh connection: cold caches)")
    head = f"{'command':<28} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p95/start':>10}"
    print(f"{head} {'html chars':>11}  p95<=50")
    for label, first, p50, p95, size in rows:
        ok = "yes" if p95 <= 50 else "NO"
        print(f"{label:<28} {first:9.2f} {p50:8.2f} {p95:8.2f} {p95 / base:10.1f} {size:11d}  {ok}")
    worst = max(rows, key=lambda r: r[3])
    print(f"\nworst p95: {worst[0]} {worst[3]:.1f} ms (target <= 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
