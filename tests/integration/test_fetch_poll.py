"""The polling job on PTB's real JobQueue, and the fetch/stats commands as a user runs them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder

from bot.config import FetchSettings, Settings, SourceSettings
from bot.jobs import schedule_polling
from bot.services import Services
from bot.store import sources as store
from bot.store.articles import count
from bot.store.stats import collect

REPO = Path(__file__).resolve().parents[2]
FEED = (REPO / "tests" / "fixtures" / "feeds" / "danvan.xml").read_bytes()


@pytest.fixture
def feed_url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/rss":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(FEED)))
                self.end_headers()
                self.wfile.write(FEED)
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


async def test_polling_job_runs_a_round_on_the_job_queue(feed_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database=tmp_path / "poll.db",
        fetch=FetchSettings(allow_private_hosts=True, fetch_pages=False, interval_minutes=30),
        sources=(SourceSettings(name="tinh", url=f"{feed_url}/rss"),),
    )
    services = await Services.open(settings, clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    app = ApplicationBuilder().token("123:TEST").build()
    job_queue = app.job_queue
    assert job_queue is not None
    try:
        job = schedule_polling(job_queue, services, first=0)
        aps = job.job
        assert aps.misfire_grace_time == 15 * 60  # not APScheduler's 1 s default
        assert aps.coalesce is True and aps.max_instances == 1
        assert aps.trigger.interval.total_seconds() == 30 * 60
        assert 0 < aps.trigger.jitter <= 120
        await job_queue.start()
        aps.modify(next_run_time=datetime.now(UTC))  # the jitter also delays the first run
        await asyncio.wait_for(job.data.round_done.wait(), timeout=20)
        assert job.data.synced
        assert await count(services.db) == 4
        row = await store.get_source(services.db, "tinh")
        assert row is not None and row.state == "ok"
        # A second tick right away finds nothing due: the database decides, not the timer.
        job.data.round_done.clear()
        await job.run(app)
        assert job.data.round_done.is_set()
        assert job.data.rounds == 2
        stats = await collect(services.db, services.clock())
        assert stats.feed_entries == 4 and stats.sources["ok"] == 1
    finally:
        if job_queue.scheduler.running:
            await job_queue.stop(wait=False)
        await services.close()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DANVAN_CONFIG", "DATABASE_PATH")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_fetch_and_stats_commands(feed_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[storage]
database = "danvan.db"
[fetch]
allow_private_hosts = true
fetch_pages = false
[[sources]]
name = "tinh"
url = "{feed_url}/rss"
[[sources]]
name = "hong"
url = "{feed_url}/missing"
""",
        encoding="utf-8",
    )
    first = _cli("fetch", "--config", str(config), cwd=tmp_path)
    assert first.returncode == 0, first.stderr  # one source worked
    assert "tinh: 4 new, 0 updated, 0 unchanged" in first.stdout
    assert "hong: FAILED: HTTP 404" in first.stdout

    only_bad = _cli("fetch", "--source", "hong", "--config", str(config), cwd=tmp_path)
    assert only_bad.returncode == 1  # every source in the round failed
    unknown = _cli("fetch", "--source", "nope", "--config", str(config), cwd=tmp_path)
    assert unknown.returncode == 2 and "known: hong, tinh" in unknown.stderr

    again = _cli("fetch", "--config", str(config), cwd=tmp_path)
    assert "tinh: 0 new, 0 updated, 4 unchanged" in again.stdout

    stats = _cli("stats", "--json", "--config", str(config), cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["articles"] == 4
    assert data["sources"] == {"ok": 1, "failing": 1, "disabled": 0, "never_fetched": 0}
    assert data["failing_sources"][0]["name"] == "hong"
    text = _cli("stats", "--config", str(config), cwd=tmp_path)
    assert "articles:    4" in text.stdout and "1 failing" in text.stdout


def test_fetch_with_no_sources_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndatabase = "danvan.db"\n', encoding="utf-8")
    result = _cli("fetch", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0
    assert "no feed sources configured" in result.stderr
