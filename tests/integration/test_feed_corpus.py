"""Robustness: every file of ../shared/feed-corpus through the whole ingest path.

One local HTTP server serves the corpus folder; every file becomes a configured source; one
round fetches, parses, cleans, extracts and stores them all (page fetching off: the links
point at the internet). Nothing may raise, every failure must be reported with its source,
and the 18 real Vietnamese feeds must all yield entries with their dates understood.
The corpus is test data that stays in ../shared; the test skips when it is absent.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.config import FetchSettings, Settings, SourceSettings
from bot.services import Services
from bot.sources.ingest import run_round
from bot.store.sources import sync_config_sources

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "feed-corpus"
VIETNAMESE = 18


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def corpus_server() -> Iterator[str]:
    if not (CORPUS / "vietnamese").is_dir():
        pytest.skip(f"feed corpus not found at {CORPUS} (the shared folder sits beside the repo)")
    handler = functools.partial(_QuietHandler, directory=str(CORPUS))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _corpus_files() -> list[Path]:
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".xml", ".json", ".rss")
    )


async def test_whole_corpus_through_ingest(corpus_server: str, tmp_path: Path) -> None:
    files = _corpus_files()
    assert len(files) > 2100
    names = {str(p.relative_to(CORPUS)): p for p in files}
    settings = Settings(
        database=tmp_path / "corpus.db",
        fetch=FetchSettings(
            allow_private_hosts=True,
            fetch_pages=False,
            concurrency=8,
            per_host=8,
            timeout_seconds=20.0,
        ),
        sources=tuple(
            SourceSettings(name=name, url=f"{corpus_server}/{quote(name)}") for name in names
        ),
    )
    # A fixed "now" after every feed's dates, whatever the machine's clock says.
    services = await Services.open(settings, clock=lambda: datetime(2026, 11, 23, tzinfo=UTC))
    try:
        await sync_config_sources(services.db, settings.sources)
        started = time.monotonic()
        reports = {r.name: r for r in await run_round(services, due_only=False)}
        elapsed = time.monotonic() - started

        # No unhandled exception: every source came back with a report of its own.
        assert set(reports) == set(names)
        internal = {n: r.error for n, r in reports.items() if "internal error" in (r.error or "")}
        assert internal == {}
        # Every failure is reported, with its source's name, in words.
        failed = {n: r for n, r in reports.items() if r.outcome == "failed"}
        for name, report in failed.items():
            assert report.error, name
            assert report.line().startswith(f"{name}: FAILED: "), report.line()
        # Nothing empty goes unremarked.
        silent = [
            n for n, r in reports.items()
            if r.outcome == "ok" and r.entries == 0 and "feed has no entries" not in r.notes
        ]  # fmt: skip
        assert silent == []
        # The JSON Feed is not taken for RSS.
        json_report = next(r for n, r in reports.items() if n.endswith(".json"))
        assert "JSON" in (json_report.error or "")

        # All 18 Vietnamese feeds yield entries and store them.
        vietnamese = {n: r for n, r in reports.items() if n.startswith("vietnamese/")}
        assert len(vietnamese) == VIETNAMESE
        assert {n: r.outcome for n, r in vietnamese.items() if r.outcome != "ok"} == {}
        assert {n: r.new for n, r in vietnamese.items() if r.new == 0} == {}
        assert any("utf-16" in note for note in vietnamese["vietnamese/vietnambiz-1.xml"].notes)
        assert vietnamese["vietnamese/vietnambiz-1.xml"].new == 30
        assert vietnamese["vietnamese/baochinhphu-1.xml"].new == 50

        async with services.db.execute(
            "SELECT source, count(*), count(published) FROM articles"
            " WHERE source LIKE 'vietnamese/%' GROUP BY source"
        ) as cur:
            dated = {r[0]: (r[1], r[2]) for r in await cur.fetchall()}
        # Every stored Vietnamese article has a date (vnexpress-10's empty item is skipped).
        assert {s: c for s, c in dated.items() if c[0] != c[1]} == {}

        # Zone-less .NET dates are Vietnam time: 9/5/2026 1:30:00 PM = 06:30 UTC.
        async with services.db.execute(
            "SELECT published FROM articles WHERE title = ?",
            ("Cơ chế, chính sách xác định giá sản phẩm in, đúc tiền",),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == "2026-09-05T06:30:00+00:00"
        async with services.db.execute(
            "SELECT published FROM articles WHERE source = 'vietnamese/zing-1.xml'"
            " ORDER BY published DESC LIMIT 1"
        ) as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == "2017-02-18T16:21:09+00:00"  # 11:21:09 PM +07

        print(
            f"\ncorpus: {len(reports)} sources in {elapsed:.1f} s, {len(failed)} reported as"
            f" failed, {sum(r.new for r in reports.values())} articles stored"
        )
        assert elapsed < 90
    finally:
        await services.close()
