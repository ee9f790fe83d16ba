"""``danvan-bot import`` killed with SIGKILL: its pool workers exit too (they watch their
parent), instead of waiting forever on a task queue nobody will write to again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"
)


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(condition: object, timeout: float) -> bool:
    """Poll a condition until it holds or the deadline passes (no fixed sleep decides)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def test_pool_workers_exit_when_the_import_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    text = " ".join(f"Ban Dân vận Tỉnh ủy tổ chức hội nghị, đoạn {k}." for k in range(60))
    for i in range(3000):
        (folder / f"{i:05d}.txt").write_text(f"Bài số {i}. {text}", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DANVAN_CONFIG",)}
    env["DATABASE_PATH"] = str(tmp_path / "danvan.db")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "import", str(folder)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:

        def pool_started() -> bool:
            workers.update(children_of(proc.pid))
            return len(workers) >= 2 or proc.poll() is not None

        assert wait_for(pool_started, 60), "the import never started its worker pool"
        assert proc.poll() is None, "the import finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert wait_for(lambda: not any(alive(w) for w in workers), 20), (
            f"pool workers {sorted(w for w in workers if alive(w))} outlived the killed import"
        )
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
