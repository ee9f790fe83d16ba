"""Backup while the bot writes, and restore with its refusals, on real SQLite files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.store.backup import BackupError, backup, in_use_by_another_process, inspect, restore
from bot.store.db import open_sync
from bot.store.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T13:00:00+00:00"


def make_db(path: Path, chats: int = 0, padding: int = 0) -> Path:
    db = open_sync(path)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO chats (chat_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(i, "x" * padding, NOW, NOW) for i in range(1, chats + 1)],
    )
    db.execute("COMMIT")
    db.close()
    return path


def chat_ids(path: Path) -> list[int]:
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT chat_id FROM chats ORDER BY chat_id")]
    finally:
        db.close()


class Writer(threading.Thread):
    """The running bot, as far as the database sees it: one committed insert after another."""

    def __init__(self, path: Path, first_id: int) -> None:
        super().__init__(daemon=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.next_id = first_id
        self.committed: list[int] = []
        self.lock = threading.Lock()
        self.started_writing = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute(
                    "INSERT INTO chats (chat_id, title, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?)",
                    (self.next_id, "y" * 2000, NOW, NOW),
                )
                self.db.execute("COMMIT")
                with self.lock:
                    self.committed.append(self.next_id)
                self.next_id += 1
                if len(self.committed) >= 50:
                    self.started_writing.set()
        except BaseException as exc:  # surfaced by the test
            self.error = exc
            self.started_writing.set()
        finally:
            self.db.close()

    def snapshot(self) -> list[int]:
        with self.lock:
            return list(self.committed)


def test_backup_while_writes_are_running(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=4000, padding=4000)  # ~17 MB
    writer = Writer(live, first_id=100_000)
    writer.start()
    try:
        assert writer.started_writing.wait(10), "writer never got going"
        before = writer.snapshot()
        started = time.monotonic()
        info = backup(live, tmp_path / "copy.db")
        took = time.monotonic() - started
        after = writer.snapshot()
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None, writer.error
    copy = tmp_path / "copy.db"
    db = sqlite3.connect(copy)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    db.close()
    ids = chat_ids(copy)
    written = [i for i in ids if i >= 100_000]
    # Every row committed before the backup started is in the copy...
    assert set(before) <= set(written)
    assert ids[:4000] == list(range(1, 4001))
    # ...and the copy is one moment in time: a prefix of the writer's commits, no gaps.
    assert written == after[: len(written)]
    assert info.path == copy and info.size_bytes > 10_000_000
    # The bot was not blocked: it kept committing while the backup ran.
    assert len(after) > len(before), f"no writes during the backup ({took:.2f}s)"
    print(f"backup {took:.3f}s, {len(after) - len(before)} commits meanwhile")


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=3)
    target = tmp_path / "b.db"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(BackupError, match=r"already exists; .*--force"):
        backup(live, target)
    assert target.read_text(encoding="utf-8") == "precious"
    info = backup(live, target, force=True)
    assert info.path == target and chat_ids(target) == [1, 2, 3]
    assert not list(tmp_path.glob(".*.tmp")), "temporary file left behind"


def test_backup_into_a_folder_and_other_refusals(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=2)
    folder = tmp_path / "backups"
    folder.mkdir()
    info = backup(live, folder)
    assert info.path.parent == folder and info.path.name.startswith("danvan-")
    with pytest.raises(BackupError, match="nothing to back up"):
        backup(tmp_path / "missing.db", tmp_path / "x.db")
    with pytest.raises(BackupError, match="live database itself"):
        backup(live, live, force=True)
    with pytest.raises(BackupError, match="does not exist; create it"):
        backup(live, tmp_path / "no" / "such" / "x.db")


def test_restore_puts_the_backup_in_place_and_keeps_the_old_one(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=5)
    saved_copy = tmp_path / "monday.db"
    backup(live, saved_copy)
    db = open_sync(live)  # the bot writes more, then something goes wrong
    db.execute("DELETE FROM chats WHERE chat_id > 2")
    db.execute("INSERT INTO chats (chat_id, created_at, updated_at) VALUES (99, ?, ?)", (NOW, NOW))
    db.close()
    info, previous = restore(saved_copy, live)
    assert chat_ids(live) == [1, 2, 3, 4, 5]
    assert info.schema_version == SCHEMA_VERSION
    assert previous is not None and "before-restore" in previous.name
    assert chat_ids(previous) == [1, 2, 99]
    # The restored database opens normally (migrations, WAL) for the next start.
    db = open_sync(live)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_restore_into_an_empty_place(tmp_path: Path) -> None:
    src = make_db(tmp_path / "a.db", chats=3)
    target = tmp_path / "new" / "danvan.db"
    info, previous = restore(src, target)
    assert previous is None
    assert chat_ids(target) == [1, 2, 3] and info.path == target


def test_restore_refuses_files_that_are_not_our_databases(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=1)
    text = tmp_path / "notes.txt"
    text.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    with pytest.raises(BackupError, match="not an SQLite database"):
        restore(text, live)

    foreign = tmp_path / "foreign.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()
    with pytest.raises(BackupError, match="not a danvan-bot database"):
        restore(foreign, live)

    newer = tmp_path / "newer.db"
    backup(live, newer)
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(BackupError, match=r"newer than this danvan-bot.*upgrade"):
        restore(newer, live)

    damaged = tmp_path / "damaged.db"
    backup(make_db(tmp_path / "big.db", chats=500, padding=500), damaged)
    raw = bytearray(damaged.read_bytes())
    raw[4096 * 3 : 4096 * 3 + 2000] = b"\xff" * 2000  # scribble over a b-tree page
    damaged.write_bytes(bytes(raw))
    with pytest.raises(BackupError, match=r"damaged|cannot be read"):
        restore(damaged, live)

    with pytest.raises(BackupError, match="does not exist"):
        restore(tmp_path / "nope.db", live)
    # None of the refusals touched the live database.
    assert chat_ids(live) == [1]
    assert not list(tmp_path.glob("*before-restore*"))


def test_restore_refuses_while_another_process_has_the_database_open(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=2)
    good = tmp_path / "good.db"
    backup(live, good)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from bot.store.db import open_sync; db = open_sync(sys.argv[1]); "
            "db.execute('SELECT count(*) FROM chats').fetchone(); print('ready', flush=True); "
            "sys.stdin.read()",
            str(live),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        if not sys.platform.startswith("linux"):
            pytest.skip("open-database detection is Linux-only")
        assert in_use_by_another_process(live)
        with pytest.raises(BackupError, match="is the bot running"):
            restore(good, live)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert not in_use_by_another_process(live)
    info, _ = restore(good, live)
    assert info.articles == 0 and chat_ids(live) == [1, 2]


def test_inspect_counts(tmp_path: Path) -> None:
    live = make_db(tmp_path / "live.db", chats=0)
    info = inspect(live)
    assert (info.articles, info.sources, info.subscriptions, info.deliveries) == (0, 0, 0, 0)
    assert "schema v" in info.describe()
