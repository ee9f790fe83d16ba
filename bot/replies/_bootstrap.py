"""Start-up on a database: load the bundled ``content/`` when the archive is empty, and keep
the archive's relevance scores current.

Shared by ``danvan-bot run`` and ``danvan-bot chat``; the importer is ``bot.sources.files``,
the re-scoring ``bot.store.relevance``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bot.sources import files
from bot.store.articles import count
from bot.store.db import open_sync
from bot.store.relevance import RescoreReport, rescore

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# Background tasks keep a reference here until they finish (the loop holds only weak ones).
_background: set[asyncio.Task[RescoreReport]] = set()


async def import_bundled_if_empty(services: Services) -> None:
    """The start-up hook: the bundled articles on first start, then :func:`start_rescore`."""
    if await count(services.db) == 0:
        try:
            # The importer is synchronous (bulk saves on one connection): run it on the
            # writer's connection in a worker thread, so the event loop stays free.
            report = await asyncio.to_thread(
                files.import_bundled_if_empty,
                services.writer.conn,
                services.settings.content_dir,
                services.clock(),
            )
            if report is not None:
                log.info("imported the bundled content: %s", report)
        except Exception:
            log.exception("importing the bundled content failed; starting with an empty archive")
    start_rescore(services.settings.database)


def start_rescore(database: Path) -> asyncio.Task[RescoreReport]:
    """Re-score, in the background, the articles a different classifier version scored
    (after an upgrade that changed the relevance rules). Batches of 500 in short write
    transactions on a connection of its own, so the bot answers meanwhile (a stale article
    shows its old label until its batch: ~10 s per 100,000 articles). Stops at the next
    batch when the task is cancelled (shutdown)."""
    task = asyncio.get_running_loop().create_task(_rescore_stale(database))
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


async def _rescore_stale(database: Path) -> RescoreReport:
    stop = threading.Event()
    try:
        report = await asyncio.to_thread(_rescore_until_done, database, stop)
    except asyncio.CancelledError:
        stop.set()  # the thread finishes its batch and returns
        raise
    except Exception:
        log.exception("re-scoring the archive's relevance failed; `danvan-bot rescore` retries")
        return RescoreReport()
    if report.scored:
        log.info(
            "relevance re-scored: %d articles, %d now shown, %d now filtered out",
            report.scored,
            report.shown,
            report.hidden,
        )
    return report


def _rescore_until_done(database: Path, stop: threading.Event) -> RescoreReport:
    total = RescoreReport()
    conn = open_sync(database)
    try:
        while not stop.is_set():
            # One batch per call, then look at ``stop`` again.
            report = rescore(conn, stale_only=True, max_batches=1, start_after=total.last_id)
            total.last_id = report.last_id
            total.scored += report.scored
            total.shown += report.shown
            total.hidden += report.hidden
            total.relabelled += report.relabelled
            if report.done:
                break
    finally:
        conn.close()
    return total
