"""The load picture: 200 people at once, plus a spammer, a feed fetch and a backup, against
the running bot with Telegram-like flood limits.

Run: ``.venv/bin/python benchmarks/bench_load.py [--users 200] [--spam 60]``

``danvan-bot run`` against the Bot API emulator (flood limits on: 30 msg/s in any
sliding second, 1/s per private chat with a burst of 3, 20/min per group). Two phases in
one run, against the same bot:

1. reference: ``--users`` new people each send one command (``/tim``, ``/moinhat``, ...)
   at the same moment;
2. loaded: as many other people at once, while one spammer sends ``--spam`` ``/tim`` at
   once, ``danvan-bot fetch`` imports the feeds served on 127.0.0.1 (the shared Vietnamese
   feed corpus when ``../shared`` is there, else the test fixtures) and ``danvan-bot backup``
   copies the database.

Per phase: reply time per person (first answer after the question) p50/p95/max, answers,
what the spammer got (answers, notices, silence covered by the notice), 429s, and "database
is locked" errors in every process's output. Telegram's 30 msg/s is the floor under these
times: 200 answers need at least 6.7 s however fast the bot is.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import math
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.botload import QUERIES, load_note, ms, percentile, print_table
from bot.telegram.flood import COMMAND_NOTICE, command_guard
from tests.e2e.harness import REPO, BotProcess, World, running_world

SHARED_FEEDS = REPO.parent / "shared" / "feed-corpus" / "vietnamese"
FIXTURE_FEEDS = REPO / "tests" / "fixtures" / "feeds"
NOTICE = COMMAND_NOTICE.format(seconds=int(command_guard().quiet))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def feed_server(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def sources_config(base: str, folder: Path) -> str:
    feeds = sorted(folder.glob("*.xml"))
    lines = ["[fetch]", "allow_private_hosts = true", "fetch_pages = false",
             "interval_minutes = 600", ""]  # fmt: skip
    for feed in feeds:
        lines += ["[[sources]]", f'name = "{feed.stem}"', f'url = "{base}/{feed.name}"', ""]
    return "\n".join(lines)


async def crowd(world: World, users: int) -> list[float]:
    """``users`` people send one command each at the same moment; their reply times."""
    emu = world.emulator
    people = [world.person(f"Người {i}") for i in range(users)]
    asked = time.monotonic()
    for i, person in enumerate(people):
        emu.user_message(person.user, QUERIES[i % len(QUERIES)])

    def all_answered() -> bool:
        return all(emu.messages(p.chat) for p in people)

    with contextlib.suppress(TimeoutError):
        await emu.wait_until(all_answered, timeout=60 + users / 10)
    return [emu.messages(p.chat)[0].sent_at - asked for p in people if emu.messages(p.chat)]


async def side_process(world: World, *args: str) -> tuple[int, float, str]:
    proc = BotProcess(world.emulator, world.config, args=args)
    started = time.monotonic()
    await proc.start(wait_polling=False)
    code = await proc.wait_exit(timeout=300)
    return code, time.monotonic() - started, proc.output


async def main(users: int, spam: int) -> int:
    feeds = SHARED_FEEDS if SHARED_FEEDS.is_dir() else FIXTURE_FEEDS
    with (
        tempfile.TemporaryDirectory(prefix="bench-load-") as tmp,
        feed_server(feeds) as base,
    ):
        async with running_world(Path(tmp), extra_config=sources_config(base, feeds)) as world:
            emu = world.emulator
            emu.enable_flood_limits()
            reference = await crowd(world, users)
            calls_before = len(emu.calls)

            spammer = world.person("Spam")
            for _ in range(spam):
                emu.user_message(spammer.user, "/tim dân vận")
            fetch = asyncio.create_task(side_process(world, "fetch"))
            backup = asyncio.create_task(side_process(world, "backup", str(Path(tmp) / "b.db")))
            loaded = await crowd(world, users)
            (fetch_code, fetch_time, fetch_out) = await fetch
            (backup_code, backup_time, backup_out) = await backup
            await emu.wait_until(lambda: any(m.plain == NOTICE for m in spammer.bot_messages()))
            spam_msgs = spammer.bot_messages()
            await world.bot.stop()
            bot_out = world.bot.output
            loaded_429 = sum(1 for c in emu.calls[calls_before:] if c.status == 429)

    locked = sum(out.count("database is locked") for out in (bot_out, fetch_out, backup_out))
    notices = sum(1 for m in spam_msgs if m.plain == NOTICE)
    n_feeds = len(list(feeds.glob("*.xml")))
    answers = len(spam_msgs) - notices
    rows = [
        ("people at once (each phase)", f"{users}"),
        ("reference: answered", f"{len(reference)} of {users}"),
        ("reference: reply p50 / p95 / max",
         f"{ms(percentile(reference, 0.5))} / {ms(percentile(reference, 0.95))} / "
         f"{ms(max(reference, default=math.nan))}"),
        ("loaded: answered", f"{len(loaded)} of {users}"),
        ("loaded: reply p50 / p95 / max",
         f"{ms(percentile(loaded, 0.5))} / {ms(percentile(loaded, 0.95))} / "
         f"{ms(max(loaded, default=math.nan))}"),
        ("loaded p95 / reference p95",
         f"{percentile(loaded, 0.95) / percentile(reference, 0.95):.2f}"),
        (f"spammer: {spam} /tim at once", f"{answers} answered, {notices} notice, "
                                          f"{spam - answers - notices} inside its quiet window"),
        ("429s the emulator gave, loaded phase", f"{loaded_429}"),
        ("fetch: exit code, time", f"{fetch_code}, {fetch_time:.1f} s ({n_feeds} feeds)"),
        ("backup: exit code, time", f"{backup_code}, {backup_time:.1f} s"),
        ("'database is locked' in any output", f"{locked}"),
        ("floor: answers / 30 msg/s", f"{users / 30:.1f} s for {users} answers"),
    ]  # fmt: skip
    print_table("bench_load: the running bot under a crowd, a spammer, a fetch and a backup",
                rows, load_note())  # fmt: skip
    ok = len(loaded) == users and loaded_429 == 0 and locked == 0 and notices == 1
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spam", type=int, default=60)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.users, args.spam)))
