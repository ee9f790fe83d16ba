"""``danvan-bot chat``: a conversation in the terminal on the same database and replies.

Each line is a message: a command (``/moinhat``, ``/tim dan van``), plain text, or the
number of a button from the last reply. Works interactively and with piped stdin; ``--once``
answers one message and exits.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from bot.config import Settings
from bot.replies import dispatch
from bot.replies._bootstrap import import_bundled_if_empty, start_rescore
from bot.replies.model import Button, ChatContext, Reply
from bot.services import Services
from bot.terminal.render import numbered_buttons, render_reply

TERMINAL_CHAT_ID = 0  # never recorded in ``chats``: nothing is ever sent to it
QUIT_WORDS = {"/quit", "/exit", "/thoat", "q"}

GREETING = (
    "danvan-bot — trò chuyện trong terminal (giống hệt trên Telegram).\n"
    "Gõ /start, /moinhat, /tim dân vận …; gõ số để bấm nút; /thoat để ra."
)


def terminal_context(settings: Settings) -> ChatContext:
    """The local user runs the bot: treat them as its admin."""
    admin = min(settings.admin_users) if settings.admin_users else None
    return ChatContext(
        chat_id=TERMINAL_CHAT_ID,
        chat_type="private",
        user_id=admin,
        user_name=None,
        is_bot_admin=True,
        is_chat_admin=True,
        bot_username="danvan_bot",
        receives_messages=False,
    )


class TerminalChat:
    def __init__(self, services: Services, out: TextIO, *, color: bool = False) -> None:
        self.services = services
        self.out = out
        self.color = color
        self.ctx = terminal_context(services.settings)
        self.buttons: list[Button] = []

    async def say(self, line: str) -> Reply | None:
        """One user message in; the reply printed (and returned)."""
        text = line.strip()
        if not text:
            return None
        reply: Reply | None
        if text.isdigit() and self.buttons:
            index = int(text) - 1
            if not 0 <= index < len(self.buttons):
                self._print(f"Không có nút số {text}. Chọn từ 1 đến {len(self.buttons)}.")
                return None
            button = self.buttons[index]
            if button.url:
                self._print(f"Mở liên kết: {button.url}")
                return None
            reply = await dispatch.handle_callback(button.data or "", self.ctx, self.services)
        else:
            reply = await dispatch.handle_text(text, self.ctx, self.services)
        if reply is None:
            return None
        self.buttons = numbered_buttons(reply.buttons)
        self._print(render_reply(reply, color=self.color))
        return reply

    def _print(self, text: str) -> None:
        self.out.write(text + "\n\n")
        self.out.flush()


async def run_chat(
    settings: Settings,
    lines: Iterable[str] | None,
    out: TextIO,
    *,
    interactive: bool,
    color: bool,
    echo: bool = True,
) -> int:
    services = await Services.open(settings)
    try:
        await import_bundled_if_empty(services)
        start_rescore(services)  # relevance of a new classifier version
        chat = TerminalChat(services, out, color=color)
        if interactive:
            out.write(GREETING + "\n\n")
            while True:
                try:
                    line = input("bạn> ")
                except EOFError:
                    out.write("\n")
                    break
                if line.strip().lower() in QUIT_WORDS:
                    break
                await chat.say(line)
        else:
            for line in lines or ():
                if line.strip().lower() in QUIT_WORDS:
                    break
                if line.strip() and echo:  # a transcript reads better with the question
                    out.write(f"> {line.strip()}\n")
                await chat.say(line)
    finally:
        await services.close()
    return 0


def stdin_lines() -> Iterable[str]:
    yield from sys.stdin
