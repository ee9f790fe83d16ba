"""First start on an empty database: load the bundled ``content/`` so replies show something.

Shared by ``danvan-bot run`` and ``danvan-bot chat``; the importer is
``bot.sources.files``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.sources import files
from bot.store.articles import count

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


async def import_bundled_if_empty(services: Services) -> None:
    if await count(services.db) > 0:
        return
    try:
        # The importer is synchronous (bulk saves on one connection): run it on the writer's
        # connection in a worker thread, so the event loop stays free.
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
