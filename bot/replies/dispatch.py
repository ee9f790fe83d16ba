"""Text and button presses in, a Reply (or deliberate silence) out, for every front end.

Parsing is pure (:func:`parse_command`); :func:`handle_text` and :func:`handle_callback` run
the registered handler and turn anything that goes wrong into a short, kind apology, so no
user input can make a front end crash or show a traceback. Every reply passes through
:func:`finalize`: parts re-split under Telegram's limit, no empty part, no oversized
callback data, whichever module produced it.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import bot.replies
from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import CALLBACKS, COMMANDS, Command, unique_commands
from bot.replies.render import MAX_MESSAGE, esc, split_html
from bot.text.normalize import fold

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
# Telegram's own commands are [a-z0-9_]; people also type "/Tìm" or "/hộinghị", so any
# letters are accepted and folded (case, diacritics, đ -> d) before the lookup.
_COMMAND_RE = re.compile(r"^/(\w{1,32})(?:@(\w{1,64}))?(?=\s|$)")
# "/tomtat_12": a command and its number in one word, so that Telegram makes all of it one
# tappable link (it stops a command at the first space).
_JOINED_ARG_RE = re.compile(r"^([a-z]+)_(\d{1,12})$")

APOLOGY = "Xin lỗi, mình gặp trục trặc khi xử lý yêu cầu này. Bạn vui lòng thử lại sau ít phút nhé."
UNKNOWN_COMMAND = "Mình chưa hiểu lệnh <b>/{name}</b>. Gõ /huongdan để xem các lệnh có thể dùng."
ADMIN_ONLY = "Lệnh này chỉ dành cho quản trị viên của bot."
STALE_BUTTON = "Nút này đã cũ. Bạn hãy gõ lại lệnh, ví dụ /moinhat hoặc /tim dân vận."
PLAIN_TEXT_HINT = (
    "Gõ một từ khóa để tìm bài, ví dụ <code>dân vận khéo</code>, hoặc /huongdan để xem các lệnh."
)

# Modules that only hold shared helpers register nothing; skipping them is harmless.
_NOT_HANDLER_MODULES = {"dispatch", "model", "registry", "render", "views", "week"}


@dataclass(frozen=True)
class ParsedCommand:
    name: str  # lower case, without "/" and "@bot"
    args: str
    addressed_to_other_bot: bool = False
    addressed_to_us: bool = False  # "/cmd@OurBot"


def load_handlers() -> None:
    """Import every module in ``bot.replies`` so their @command/@callback run."""
    for info in pkgutil.iter_modules(bot.replies.__path__):
        if info.name.startswith("_") or info.name in _NOT_HANDLER_MODULES:
            continue
        importlib.import_module(f"bot.replies.{info.name}")


def parse_command(text: str, bot_username: str = "") -> ParsedCommand | None:
    """``/tim@DanVanBot dân vận`` -> ParsedCommand("tim", "dân vận"); None for plain text."""
    stripped = text.lstrip()
    m = _COMMAND_RE.match(stripped)
    if m is None:
        return None
    name, target = fold(m.group(1)), m.group(2)
    args = stripped[m.end() :].strip()
    joined = _JOINED_ARG_RE.match(name)
    if joined and name not in COMMANDS and joined.group(1) in COMMANDS:
        name, args = joined.group(1), f"{joined.group(2)} {args}".strip()
    if target is not None:
        ours = bool(bot_username) and target.lower() == bot_username.lower().lstrip("@")
        return ParsedCommand(name, args, addressed_to_other_bot=not ours, addressed_to_us=ours)
    return ParsedCommand(name, args)


# How /huongdan and the Telegram menu list commands: what people use most first; commands
# other modules add later go after these, and admin-only ones last.
PREFERRED_ORDER = (
    "start", "moinhat", "tim", "tomtat", "hoinghi", "tinh",
    "dangky", "caidat", "huy", "huongdan",
)  # fmt: skip


def ordered_commands(*, include_admin: bool) -> list[Command]:
    rank = {name: i for i, name in enumerate(PREFERRED_ORDER)}
    commands = [c for c in unique_commands() if include_admin or not c.admin_only]
    return sorted(commands, key=lambda c: (c.admin_only, rank.get(c.name, len(rank))))


def find_command(name: str) -> Command | None:
    return COMMANDS.get(name.lower())


async def handle_text(text: str, ctx: ChatContext, services: Services) -> Reply | None:
    """The answer to a message, or None when the bot should stay quiet."""
    parsed = parse_command(text or "", ctx.bot_username)
    if parsed is None:
        if ctx.is_group:
            return None  # ordinary group chatter
        return await _plain_text(text or "", ctx, services)
    if parsed.addressed_to_other_bot:
        return None
    cmd = find_command(parsed.name)
    if cmd is None:
        # In groups other bots may own the command; only answer when it was meant for us.
        if ctx.is_group and not parsed.addressed_to_us:
            return None
        return Reply.text(UNKNOWN_COMMAND.format(name=esc(parsed.name)))
    return await run_command(cmd, parsed.args, ctx, services)


async def run_command(cmd: Command, args: str, ctx: ChatContext, services: Services) -> Reply:
    if cmd.admin_only and not ctx.is_bot_admin:
        return Reply.text(ADMIN_ONLY)
    try:
        reply = await cmd.handler(args, ctx, services)
    except Exception:
        log.exception("command /%s failed (chat %s)", cmd.name, ctx.chat_id)
        return Reply.text(APOLOGY)
    return finalize(reply)


async def handle_callback(data: str, ctx: ChatContext, services: Services) -> Reply:
    """The answer to a button press; stale or forged data gets a polite note."""
    prefix, _, rest = (data or "").partition(":")
    handler = CALLBACKS.get(prefix)
    if handler is None or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return Reply.text(STALE_BUTTON)
    try:
        reply = await handler(rest, ctx, services)
    except Exception:
        log.exception("button %r failed (chat %s)", prefix, ctx.chat_id)
        return Reply.text(APOLOGY)
    return finalize(reply)


async def _plain_text(text: str, ctx: ChatContext, services: Services) -> Reply:
    # Plain text in a private chat is most often a half-remembered phrase: search it, since
    # that is the main thing people come for; the search reply itself says how to get help.
    query = text.strip()
    search_cmd = find_command("tim")
    if len(query) < 2 or search_cmd is None:
        return Reply.text(PLAIN_TEXT_HINT)
    return await run_command(search_cmd, query, ctx, services)


def finalize(reply: Reply, limit: int = MAX_MESSAGE) -> Reply:
    """Make any Reply safe to send: parts split under the limit and never empty; buttons
    with data over 64 bytes dropped (logged: that is a bug in the module that made it)."""
    parts: list[str] = []
    for part in reply.parts:
        parts.extend(split_html(part, limit))
    if not parts:
        parts = split_html("")
    rows: list[tuple[Button, ...]] = []
    for row in reply.buttons:
        kept = tuple(b for b in row if _button_ok(b))
        if kept:
            rows.append(kept)
    return replace(reply, parts=tuple(parts), buttons=tuple(rows))


def _button_ok(button: Button) -> bool:
    if not button.text.strip():
        return False
    if button.url is not None:
        return button.data is None
    if button.data is None or len(button.data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        log.error("dropping button %r: callback data missing or over 64 bytes", button.text)
        return False
    return True


load_handlers()
