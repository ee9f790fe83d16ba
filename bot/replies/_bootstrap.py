"""First start on an empty database: load the bundled ``content/`` so replies show something.

Shared by ``danvan-bot run`` and ``danvan-bot chat``; uses the importer in
``bot.sources.files`` when it exists (written by the article-core work).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import TYPE_CHECKING, Any

from bot.store.articles import count

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def optional_module(name: str) -> Any:
    """The module, or None when it does not exist (yet); other import errors propagate."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


async def import_bundled_if_empty(services: Services) -> None:
    if await count(services.db) > 0:
        return
    files = optional_module("bot.sources.files")
    helper = getattr(files, "import_bundled_if_empty", None)
    if not callable(helper):
        log.info("database is empty and no bundled-content importer is available")
        return
    try:
        # The importer is synchronous (bulk saves on one connection): run it on the writer's
        # connection in a worker thread, so the event loop stays free.
        report = await asyncio.to_thread(
            helper,
            services.writer.conn,
            services.settings.content_dir,
            services.clock(),
        )
        if report is not None:
            log.info("imported the bundled content: %s", report)
    except Exception:
        log.exception("importing the bundled content failed; starting with an empty archive")
