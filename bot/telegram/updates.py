"""Updates from different chats run concurrently; updates of one chat run in order.

PTB hands every update to the application's update processor as soon as it is fetched (with
``concurrent_updates`` above 1, each in its own task, started in arrival order). This
processor chains the updates of one chat (or of one user, for updates without a chat such
as inline queries), so a chat's replies keep their order, while a chat that waits (its
answers paced by Telegram's one-message-a-second, a slow search) never holds another chat.

``on_arrival`` runs for each update the moment it arrives, before it queues behind its
chat: the flood guard counts what a person *sends* there, not what the bot has managed to
answer so far.

Bounds: at most ``max_running`` handlers run at once (database and CPU work); PTB's own
semaphore bounds the updates held in memory (``max_pending``), waiting included.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_key(update: object) -> Hashable | None:
    """What orders an update: its chat, else its user; None for neither (run at once)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        *,
        max_running: int = 64,
        max_pending: int = 4096,
        key: Callable[[object], Hashable | None] = chat_key,
        on_arrival: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(max_pending)
        self._key = key
        self._on_arrival = on_arrival
        self._max_running = max_running
        self._running: asyncio.Semaphore | None = None
        self._tails: dict[Hashable, asyncio.Future[None]] = {}

    def set_on_arrival(self, on_arrival: Callable[[object], None] | None) -> None:
        self._on_arrival = on_arrival

    async def initialize(self) -> None:
        self._running = asyncio.Semaphore(self._max_running)

    async def shutdown(self) -> None:
        self._tails.clear()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Nothing may await before the tail is taken: tasks start in arrival order, and
        # that order is the chat's order only up to the first suspension.
        if self._on_arrival is not None:
            self._on_arrival(update)
        key = self._key(update)
        previous = self._tails.get(key) if key is not None else None
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._tails[key] = mine
        started = False
        try:
            if previous is not None:
                await asyncio.shield(previous)
            if self._running is None:
                self._running = asyncio.Semaphore(self._max_running)
            async with self._running:
                started = True
                await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while queued: never run, and no warning
            mine.set_result(None)
            if key is not None and self._tails.get(key) is mine:
                del self._tails[key]
