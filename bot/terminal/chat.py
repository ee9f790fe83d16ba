"""``danvan-bot chat``: a conversation in the terminal on the same database and replies.

Each line is a message: a command (``/moinhat``, ``/tim dan van``, ``/moinhat@AnyBot``: there
is one bot here), plain text, or the number of a button from the last reply. Works
interactively and with piped stdin; ``--once`` answers one message and exits.

The terminal is chat 0. ``/dangky`` subscribes it like any chat (type ``terminal`` in the
``chats`` table, never sent to Telegram); when its digest is due, it is printed as the chat
opens, once per week (the delivery log records it). ``danvan-bot digest --chat 0`` previews
it at any time. Channels can be subscribed only in Telegram, and the reply says so.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.config import Settings
from bot.digest.compose import Digest
from bot.digest.job import digest_for
from bot.digest.schedule import digest_week_at, due_now, zone
from bot.replies import dispatch
from bot.replies._bootstrap import import_bundled_if_empty, start_rescore
from bot.replies.model import Button, ChatContext, Reply
from bot.services import Services
from bot.store import deliveries, subscriptions
from bot.terminal.render import html_to_text, numbered_buttons, render_reply

TERMINAL_CHAT_ID = 0  # chats.type 'terminal': nothing is ever sent to it
QUIT_WORDS = {"/quit", "/exit", "/thoat", "q"}
# "/moinhat@DanVanBot 5": in a terminal every command is meant for the one bot there.
_MENTION_RE = re.compile(r"^(\s*/\w+)@\w+")
NO_BUTTONS = (
    "Tin nhắn vừa rồi không có nút nào để bấm. Muốn tìm bài có số {n}, gõ "
    "<code>/tim {n}</code>; gõ /huongdan để xem các lệnh."
)

GREETING = (
    "danvan-bot — trò chuyện trong terminal, cùng các câu trả lời như trên Telegram.\n"
    "Gõ /start, /moinhat, /tim dân vận …; gõ số để bấm nút; /dangky để nhận bản tin tuần "
    "ngay tại đây (hiện ra khi bạn mở chat sau giờ nhận); /thoat để ra."
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
        if text.isdigit() and not self.buttons:
            self._print(html_to_text(NO_BUTTONS.format(n=text)))
            return None
        if text.isdigit():
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
            text = _MENTION_RE.sub(r"\1", text)
            reply = await dispatch.handle_text(text, self.ctx, self.services)
        if reply is None:
            return None
        self.buttons = numbered_buttons(reply.buttons)
        self._print(render_reply(reply, color=self.color))
        return reply

    def _print(self, text: str) -> None:
        self.out.write(text + "\n\n")
        self.out.flush()

    async def show_due_digest(self) -> Digest | None:
        """The terminal's weekly digest, printed once when it is due (as Telegram would
        have sent it), and recorded in the delivery log."""
        services = self.services
        sub = await subscriptions.get(services.db, TERMINAL_CHAT_ID)
        if sub is None or not sub.active or sub.paused:
            return None
        now = services.clock()
        current = str(digest_week_at(now, zone(sub.timezone)))
        done = await deliveries.finished_chats(services.db, {current})
        due = due_now([sub.schedule_entry()], now, done)
        if not due:
            return None
        digest = await digest_for(services, due[0].week, sub.provinces)
        parts = [html_to_text(p, color=self.color) for p in digest.parts]
        self._print("📬 Bản tin tuần của chat terminal:\n\n" + "\n──────────\n".join(parts))
        week = str(due[0].week)
        await deliveries.begin(services.db, TERMINAL_CHAT_ID, week, now)
        await deliveries.finish(
            services.db, TERMINAL_CHAT_ID, week, "sent", now, parts_sent=len(digest.parts)
        )
        return digest


async def run_chat(
    settings: Settings,
    lines: Iterable[str] | None,
    out: TextIO,
    *,
    interactive: bool,
    color: bool,
    echo: bool = True,
    digest: bool = True,
) -> int:
    services = await Services.open(settings)
    try:
        await import_bundled_if_empty(services)
        start_rescore(services)  # relevance of a new classifier version
        chat = TerminalChat(services, out, color=color)
        if interactive:
            out.write(GREETING + "\n\n")
        if digest:
            await chat.show_due_digest()
        if interactive:
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
