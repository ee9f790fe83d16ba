"""/start and /help, and the menu buttons that run a command without typing it.

``/start`` understands deep-link payloads (``https://t.me/<bot>?start=a12`` opens the chat
with ``/start a12``): ``a12`` shows article 12's summary. The digest of a channel and the
articles shared inline link there, since nobody can send a command in a channel or in a
chat the bot is not in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import callback, command
from bot.replies.render import esc

if TYPE_CHECKING:
    from bot.services import Services

# (button text, command run by the button); "tim" without a query shows how to search.
MENU: tuple[tuple[tuple[str, str], ...], ...] = (
    (("🆕 Tin mới nhất", "moinhat"), ("🔎 Tìm bài", "tim")),
    (("🏛 Hội nghị theo tỉnh", "hoinghi"), ("🗺 Các tỉnh", "tinh")),
    (("📰 Tóm tắt tuần này", "tomtat"), ("❓ Hướng dẫn", "huongdan")),
)

WELCOME = (
    "<b>Xin chào{name}!</b> Mình là bot tin <b>dân vận</b>.\n\n"
    "Mình lưu trữ tin tức về công tác dân vận: hội nghị, chương trình phối hợp, "
    "phong trào “Dân vận khéo”… để bạn:\n"
    "• xem tin mới nhất và tóm tắt ngắn gọn;\n"
    "• tìm bài cũ, gõ có dấu hay không dấu đều được;\n"
    "• xem các hội nghị theo tỉnh, thành phố;\n"
    "• nhận bản tin tổng hợp hằng tuần (/dangky).\n\n"
    "Chọn một mục bên dưới hoặc gõ /huongdan."
)


# What Telegram shows about the bot (set at start-up: setMyDescription and friends):
# the description on the empty chat before /start (at most 512 characters), the short one
# on the bot's profile and in shared links (at most 120).
BOT_DESCRIPTION = (
    "Bot tin dân vận: lưu trữ và tìm tin về công tác dân vận (hội nghị, chương trình phối "
    "hợp, phong trào “Dân vận khéo”…), gõ có dấu hay không dấu đều được; tóm tắt từng bài, "
    "hội nghị theo tỉnh, thành phố, và bản tin tổng hợp hằng tuần cho cá nhân, nhóm và kênh. "
    "Bấm «Bắt đầu» để xem tin mới nhất."
)
BOT_SHORT_DESCRIPTION = "Tin công tác dân vận: tìm bài, tóm tắt, hội nghị theo tỉnh, bản tin tuần."

_ARTICLE_PAYLOAD = re.compile(r"^a(\d{1,12})$")


def article_link(bot_username: str, article_id: int) -> str | None:
    """The deep link that opens article ``article_id``'s summary, when the username is
    known."""
    return f"https://t.me/{bot_username}?start=a{article_id}" if bot_username else None


def menu_buttons() -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(Button(text, f"c:{cmd}") for text, cmd in row) for row in MENU)


@command("start", "batdau", description="Bắt đầu, giới thiệu bot")
async def start(args: str, ctx: ChatContext, services: Services) -> Reply:
    payload = _ARTICLE_PAYLOAD.match(args.strip())
    if payload:
        from bot.replies.dispatch import find_command, run_command

        summary = find_command("tomtat")
        if summary is not None:
            return await run_command(summary, payload.group(1), ctx, services)
    name = f", {esc(ctx.user_name)}" if ctx.user_name and not ctx.is_group else ""
    return Reply.text(WELCOME.format(name=name), buttons=menu_buttons())


@command("huongdan", "help", description="Hướng dẫn sử dụng")
async def help_(args: str, ctx: ChatContext, services: Services) -> Reply:
    from bot.replies.dispatch import ordered_commands

    lines = ["<b>Các lệnh</b>"]
    for cmd in ordered_commands(include_admin=ctx.is_bot_admin):
        aliases = "".join(f", /{a}" for a in cmd.aliases)
        lines.append(f"/{cmd.name}{aliases} — {esc(cmd.description)}")
    lines.append("")
    examples = [
        "<b>Ví dụ</b>",
        "/moinhat 10 — 10 tin mới nhất",
        "/tim dan van kheo — tìm bài, không cần gõ dấu",
        "/hoinghi Bắc Kạn — hội nghị ở một tỉnh (tên cũ hay mới đều được)",
        "/tomtat_12 — tóm tắt bài #12 (bấm lệnh dưới mỗi bài); hoặc trả lời một tin của bot "
        "bằng /tomtat",
        "/dangky @ten_kenh — bản tin tuần cho một kênh bạn quản trị (nhắn riêng cho bot)",
    ]
    if ctx.inline_mode and ctx.bot_username:
        examples.append(
            f"@{esc(ctx.bot_username)} từ khóa — gõ trong bất kỳ cuộc trò chuyện nào để tìm "
            "và chia sẻ một bài"
        )
    lines.append("\n".join(examples))
    if ctx.is_group:
        lines.append(
            "\nTrong nhóm, gõ lệnh kèm tên bot nếu cần, ví dụ "
            f"/moinhat@{esc(ctx.bot_username or 'ten_bot')}."
        )
    return Reply.text("\n".join(lines))


@callback("c")
async def menu_press(data: str, ctx: ChatContext, services: Services) -> Reply:
    """A menu button: run the command it names, with no arguments."""
    from bot.replies.dispatch import STALE_BUTTON, find_command, run_command

    allowed = {cmd for row in MENU for _, cmd in row}
    cmd = find_command(data) if data in allowed else None
    if cmd is None:
        return Reply.text(STALE_BUTTON)
    return await run_command(cmd, "", ctx, services)
