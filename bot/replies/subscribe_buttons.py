"""The settings buttons of a digest subscription (/caidat), and what greets a channel admin.

Callback data: ``cfg:ACTION`` for the chat the button is in; ``k:CHAT_ID:ACTION`` for a
channel managed from a private chat (the front end checks, on every press, that the
presser administers that channel, and hands it over as ``ChatContext.target``).
ACTION: ``m`` settings, ``d`` / ``d:N`` weekday, ``h`` / ``h:HH`` hour, ``p:PAGE``
provinces, ``t:I:PAGE`` toggle a province, ``a:PAGE`` all provinces, ``s`` / ``r`` pause /
resume, ``n`` subscribe with defaults, ``x`` unsubscribe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.digest.schedule import WEEKDAY_NAMES_VI
from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import callback
from bot.replies.render import esc
from bot.replies.subscribe import (
    ADMIN_ONLY,
    Where,
    dangky,
    not_subscribed,
    settings_reply,
    where_of,
)
from bot.replies.views import current_units
from bot.store import subscriptions
from bot.store.subscriptions import Subscription

if TYPE_CHECKING:
    from bot.services import Services

PROVINCES_PER_PAGE = 10

CHANNEL_ADMIN_ONLY = "Chỉ quản trị viên của kênh mới đổi được bản tin của kênh."


def _day_buttons(where: Where, current: int) -> tuple[tuple[Button, ...], ...]:
    days = [
        Button(("• " if i == current else "") + name, where.data(f"d:{i}"))
        for i, name in enumerate(WEEKDAY_NAMES_VI)
    ]
    return (tuple(days[0:4]), tuple(days[4:7]), (Button("↩️ Quay lại", where.data("m")),))


def _hour_buttons(where: Where, current: str) -> tuple[tuple[Button, ...], ...]:
    hours = [
        Button(("• " if f"{h:02d}:00" == current else "") + f"{h:02d}:00", where.data(f"h:{h:02d}"))
        for h in range(5, 23)
    ]
    rows = tuple(tuple(hours[i : i + 6]) for i in range(0, len(hours), 6))
    return (*rows, (Button("↩️ Quay lại", where.data("m")),))


def _province_buttons(
    where: Where, names: Sequence[str], chosen: Sequence[str], page: int
) -> tuple[tuple[Button, ...], ...]:
    pages = max(1, -(-len(names) // PROVINCES_PER_PAGE))
    page = max(0, min(page, pages - 1))
    start = page * PROVINCES_PER_PAGE
    items = [
        Button(("✅ " if n in chosen else "") + n, where.data(f"t:{i}:{page}"))
        for i, n in enumerate(names)
        if start <= i < start + PROVINCES_PER_PAGE
    ]
    rows: list[tuple[Button, ...]] = [tuple(items[i : i + 2]) for i in range(0, len(items), 2)]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("⬅️ Trước", where.data(f"p:{page - 1}")))
    nav.append(Button(f"Trang {page + 1}/{pages}", where.data(f"p:{page}")))
    if page < pages - 1:
        nav.append(Button("Sau ➡️", where.data(f"p:{page + 1}")))
    rows.append(tuple(nav))
    rows.append((Button("🌐 Tất cả", where.data(f"a:{page}")), Button("✔️ Xong", where.data("m"))))
    return tuple(rows)


def _province_text(sub: Subscription) -> str:
    chosen = ", ".join(sub.provinces) if sub.provinces else "tất cả"
    return (
        "<b>Chọn tỉnh, thành phố cho bản tin</b>\n"
        "Bấm để chọn hoặc bỏ chọn; tên cũ (trước 7/2025) nằm trong tỉnh mới.\n"
        f"Đang chọn: {esc(chosen)}"
    )


@callback("cfg")
async def settings_button(data: str, ctx: ChatContext, services: Services) -> Reply:
    if ctx.is_group and not ctx.is_chat_admin:
        return Reply(parts=(ADMIN_ONLY,))
    return await _press(data, ctx, services)


@callback("k")
async def channel_settings_button(data: str, ctx: ChatContext, services: Services) -> Reply:
    """A settings button of a channel, pressed in a private chat."""
    chat_id, _, action = data.partition(":")
    target = ctx.target
    if target is None or target.problem is not None or str(target.chat_id) != chat_id:
        return Reply(parts=(CHANNEL_ADMIN_ONLY,))
    return await _press(action, ctx, services)


async def _press(data: str, ctx: ChatContext, services: Services) -> Reply:
    where = where_of(ctx)
    bits = data.split(":")
    action, rest = bits[0], bits[1:]
    now = services.clock()
    db = services.db
    chat = where.chat_id
    if action == "n":
        return await dangky("", ctx, services)
    sub = await subscriptions.get(db, chat)
    if sub is None or not sub.active:
        return not_subscribed(where, edit=True)
    try:
        if action == "d" and rest:
            sub = await subscriptions.update(db, chat, now, weekday=int(rest[0]) % 7) or sub
        elif action == "d":
            text = "<b>Chọn ngày nhận bản tin</b>"
            return Reply(parts=(text,), buttons=_day_buttons(where, sub.weekday), edit=True)
        elif action == "h" and rest:
            hour = max(0, min(23, int(rest[0])))
            sub = await subscriptions.update(db, chat, now, at=f"{hour:02d}:00") or sub
        elif action == "h":
            text = "<b>Chọn giờ nhận bản tin</b> (giờ Việt Nam; giờ lẻ: /dangky 19h30)"
            return Reply(parts=(text,), buttons=_hour_buttons(where, sub.time), edit=True)
        elif action in ("p", "t", "a"):
            names = current_units(services.gazetteer)
            page = int(rest[-1]) if rest else 0
            if action == "t" and len(rest) == 2 and 0 <= int(rest[0]) < len(names):
                name = names[int(rest[0])]
                chosen = [n for n in sub.provinces if n != name]
                if len(chosen) == len(sub.provinces):
                    chosen.append(name)
                sub = await subscriptions.update(db, chat, now, provinces=chosen) or sub
            elif action == "a":
                sub = await subscriptions.update(db, chat, now, provinces=()) or sub
            buttons = _province_buttons(where, names, sub.provinces, page)
            return Reply(parts=(_province_text(sub),), buttons=buttons, edit=True)
        elif action in ("s", "r"):
            sub = await subscriptions.update(db, chat, now, paused=action == "s") or sub
        elif action == "x":
            await subscriptions.unsubscribe(db, chat, now)
            return Reply(
                parts=("Đã hủy đăng ký bản tin Dân vận. Gửi /dangky để đăng ký lại.",),
                edit=True,
            )
    except ValueError:
        pass  # malformed callback data: show the settings again
    return await settings_reply(services, where, sub, edit=True)


def channel_added(chat_id: int, title: str, username: str | None, can_post: bool) -> Reply:
    """What the admin who made the bot an admin of a channel reads in their private chat."""
    ref = f"@{username}" if username else str(chat_id)
    name = esc(title or ref)
    if not can_post:
        return Reply.text(
            f"Bot đã được thêm vào kênh «{name}» nhưng chưa có quyền «Đăng bài», nên chưa gửi "
            "bản tin vào kênh được. Bật quyền đó cho bot trong phần Quản trị viên của kênh, "
            f"rồi gửi <code>/dangky {esc(ref)}</code> cho mình."
        )
    return Reply.text(
        f"Bot đã là quản trị viên của kênh «{name}». Bấm nút dưới đây để kênh nhận bản tin "
        "Dân vận hằng tuần (mặc định sáng thứ Hai, 07:00), hoặc gửi "
        f"<code>/dangky {esc(ref)} [thứ] [giờ] [tỉnh]</code>.",
        buttons=((Button("📝 Đăng ký cho kênh", f"k:{chat_id}:n"),),),
    )
