"""How long ``danvan-bot backup`` takes, and how much it slows the bot's writes meanwhile.

Run: ``.venv/bin/python benchmarks/backup_under_load.py [--runs 5]``

For each database size: a writer thread commits one small row at a time (as the bot does)
while :func:`bot.store.backup.backup` copies the database. Prints backup time (median, p95)
and the writer's commit rate during the backups against its rate with no backup running.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bot.store.backup import backup
from bot.store.db import open_sync

NOW = "2026-11-23T13:00:00+00:00"


def make_db(path: Path, megabytes: int) -> None:
    db = open_sync(path)
    rows = megabytes * 256  # ~4 KB per row
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO chats (chat_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(i, "x" * 4000, NOW, NOW) for i in range(1, rows + 1)],
    )
    db.execute("COMMIT")
    db.close()


class Writer(threading.Thread):
    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.commits = 0
        self.next_id = 10_000_000

    def run(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA synchronous = NORMAL")
        while not self.stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO chats (chat_id, title, created_at, updated_at) VALUES (?, 'y', ?, ?)",
                (self.next_id, NOW, NOW),
            )
            db.execute("COMMIT")
            self.next_id += 1
            self.commits += 1
        db.close()


def rate_for(writer: Writer, seconds: float) -> float:
    start_commits, start = writer.commits, time.perf_counter()
    time.sleep(seconds)  # measuring a rate over wall time, not synchronising
    return (writer.commits - start_commits) / (time.perf_counter() - start)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200], help="MB")
    args = parser.parse_args()
    print(
        f"{'size':>7} {'backup median':>14} {'backup p95':>11} {'MB/s':>7} "
        f"{'commits/s idle':>15} {'during backup':>14} {'ratio':>6}"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            live = Path(tmp) / "live.db"
            make_db(live, size)
            writer = Writer(live)
            writer.start()
            idle = rate_for(writer, 1.0)
            times: list[float] = []
            commits_during = 0
            for i in range(args.runs):
                before = writer.commits
                t0 = time.perf_counter()
                info = backup(live, Path(tmp) / f"copy{i}.db")
                times.append(time.perf_counter() - t0)
                commits_during += writer.commits - before
                (Path(tmp) / f"copy{i}.db").unlink()
            writer.stop.set()
            writer.join()
            during = commits_during / sum(times)
            med = statistics.median(times)
            mb = info.size_bytes / 1e6
            print(
                f"{size:>5}MB {med:>13.3f}s {p95(times):>10.3f}s {mb / med:>7.0f} "
                f"{idle:>15.0f} {during:>14.0f} {during / idle:>6.2f}"
            )
    print("backup time includes PRAGMA integrity_check of the copy and the final inspect().")


if __name__ == "__main__":
    main()
