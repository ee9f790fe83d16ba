"""/dangky, /huy and /caidat: the weekly digest subscription, and its settings buttons.

Callback data (prefix ``cfg``): ``cfg:m`` settings, ``cfg:d`` / ``cfg:d:N`` weekday,
``cfg:h`` / ``cfg:h:HH`` hour, ``cfg:p:PAGE`` provinces, ``cfg:t:I:PAGE`` toggle a
province, ``cfg:a:PAGE`` all provinces, ``cfg:s`` / ``cfg:r`` pause / resume, ``cfg:n``
subscribe with defaults, ``cfg:x`` unsubscribe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

from bot.digest.schedule import (
    WEEKDAY_NAMES_VI,
    digest_week_at,
    due_moment,
    format_clock,
    next_delivery,
    parse_clock,
    parse_weekday,
    zone,
)
from bot.replies.model import Button, ChatContext, Reply
from bot.replies.registry import callback, command
from bot.replies.render import esc
from bot.store import deliveries, subscriptions
from bot.store.subscriptions import Subscription
from bot.text.dates import format_datetime_vi
from bot.text.normalize import fold
from bot.text.provinces import Gazetteer

if TYPE_CHECKING:
    from bot.services import Services

PROVINCES_PER_PAGE = 10
_MAX_SPAN = 5  # words in the longest province name a user types ("Thành phố Hồ Chí Minh")

ADMIN_ONLY = (
    "Trong nhóm, chỉ quản trị viên mới đăng ký hoặc thay đổi bản tin của nhóm. "
    "Bạn có thể nhờ quản trị viên, hoặc nhắn riêng cho bot để nhận bản tin cho mình."
)
USAGE = (
    "Cú pháp: <code>/dangky [thứ] [giờ] [tỉnh...]</code>\n"
    "Ví dụ: <code>/dangky</code> (mặc định), <code>/dangky thứ hai 7h</code>, "
    "<code>/dangky cn 19h30 Bắc Kạn, Cao Bằng</code>, <code>/dangky tất cả</code> (mọi tỉnh)"
)


@dataclass(frozen=True)
class Request:
    """What /dangky's arguments asked for; None means 'not said'."""

    weekday: int | None
    at: time | None
    provinces: tuple[str, ...]  # current units, in the order typed
    renamed: tuple[tuple[str, str], ...]  # (typed former name, current unit)
    unknown: tuple[str, ...]
    all_provinces: bool = False  # "tất cả": back to every province


def parse_request(text: str, gazetteer: Gazetteer) -> Request:
    """Pure: weekday, time and provinces from free text, in any order.

    Multi-word names are matched longest span first, so "thứ hai" is a day and "Hà Nội"
    one province; a word that is none of these is reported, not guessed."""
    words = text.replace(",", " ").replace(";", " ").split()
    weekday: int | None = None
    at: time | None = None
    provinces: list[str] = []
    renamed: list[tuple[str, str]] = []
    unknown: list[str] = []
    all_provinces = False
    i = 0
    while i < len(words):
        matched = 0
        if fold(" ".join(words[i : i + 2])) in ("tat ca", "ca nuoc"):
            all_provinces, i = True, i + 2
            continue
        for span in range(min(_MAX_SPAN, len(words) - i), 0, -1):
            chunk = " ".join(words[i : i + span])
            if span <= 2 and weekday is None and (day := parse_weekday(chunk)) is not None:
                weekday, matched = day, span
                break
            if span <= 2 and at is None and (clock := parse_clock(chunk)) is not None:
                at, matched = clock, span
                break
            found = gazetteer.resolve(chunk)
            if found is not None:
                current = found.unit.current
                if current not in provinces:
                    provinces.append(current)
                if found.renamed:
                    renamed.append((found.typed_name, current))
                matched = span
                break
        if matched:
            i += matched
        else:
            unknown.append(words[i])
            i += 1
    return Request(weekday, at, tuple(provinces), tuple(renamed), tuple(unknown), all_provinces)


def _default_weekday(services: Services) -> int:
    return parse_weekday(services.settings.digest.weekday) or 0


def _settings_text(sub: Subscription, next_at: str) -> str:
    places = ", ".join(sub.provinces) if sub.provinces else "tất cả tỉnh, thành phố"
    state = "⏸ Đang tạm dừng" if sub.paused else "✅ Đang nhận bản tin"
    lines = [
        "<b>Cài đặt bản tin Dân vận hằng tuần</b>",
        state,
        f"Ngày nhận: {WEEKDAY_NAMES_VI[sub.weekday]}, lúc {esc(sub.time)}",
        f"Tỉnh, thành phố: {esc(places)}",
    ]
    if not sub.paused:
        lines.append(f"Bản tin tiếp theo: {next_at}")
    return "\n".join(lines)


async def _next_text(services: Services, sub: Subscription) -> str:
    """When the next digest goes out, as the scheduler (``due_now``) will decide it."""
    now = services.clock()
    tz = zone(sub.timezone)
    week = digest_week_at(now, tz)
    row = await deliveries.get(services.db, sub.chat_id, str(week))
    done = row is not None and row.state in deliveries.FINAL_STATES
    moment = due_moment(week.shift(1), sub.weekday, sub.at, tz)
    if not done and moment <= now and sub.created_at <= moment:
        return f"trong vài phút tới (bản tin tuần {week.week})"
    when = next_delivery(now, sub.weekday, sub.at, tz, delivered_this_week=done)
    return esc(format_datetime_vi(when, tz))


def _main_buttons(sub: Subscription) -> tuple[tuple[Button, ...], ...]:
    pause = Button("▶️ Tiếp tục", "cfg:r") if sub.paused else Button("⏸ Tạm dừng", "cfg:s")
    return (
        (Button("📅 Đổi ngày", "cfg:d"), Button("🕖 Đổi giờ", "cfg:h")),
        (Button("🗺 Chọn tỉnh, thành phố", "cfg:p:0"),),
        (pause, Button("❌ Hủy đăng ký", "cfg:x")),
    )


async def _settings_reply(services: Services, sub: Subscription, *, edit: bool) -> Reply:
    text = _settings_text(sub, await _next_text(services, sub))
    return Reply(parts=(text,), buttons=_main_buttons(sub), edit=edit)


def _not_subscribed(edit: bool = False) -> Reply:
    return Reply(
        parts=(
            "Chat này chưa đăng ký bản tin Dân vận hằng tuần.\n"
            "Gửi /dangky hoặc bấm nút bên dưới để đăng ký (mặc định: sáng thứ Hai, 07:00).",
        ),
        buttons=((Button("📝 Đăng ký", "cfg:n"),),),
        edit=edit,
    )


@command("dangky", "subscribe", description="Đăng ký bản tin tuần: /dangky [thứ] [giờ] [tỉnh]")
async def dangky(args: str, ctx: ChatContext, services: Services) -> Reply:
    if ctx.is_group and not ctx.is_chat_admin:
        return Reply.text(ADMIN_ONLY)
    if not ctx.receives_messages:
        return Reply.text(
            "Bản tin hằng tuần được gửi qua Telegram: hãy gõ /dangky trong Telegram. "
            "Ở đây bạn xem trước bản tin bằng lệnh <code>danvan-bot digest</code>."
        )
    req = parse_request(args, services.gazetteer)
    if req.unknown:
        words = ", ".join(f"“{esc(w)}”" for w in req.unknown)
        return Reply.text(
            f"Mình chưa hiểu: {words}. Ngày viết như “thứ hai”, “t2”, “cn”; giờ như “7h”, "
            f"“19h30”; tỉnh viết có dấu hay không đều được.\n\n{USAGE}"
        )
    existing = await subscriptions.get(services.db, ctx.chat_id)
    keep = existing if existing and existing.active else None
    defaults = services.settings.digest
    weekday = req.weekday if req.weekday is not None else (
        keep.weekday if keep else _default_weekday(services)
    )  # fmt: skip
    at = format_clock(req.at) if req.at else (keep.time if keep else defaults.time)
    provinces = req.provinces or (() if req.all_provinces or not keep else keep.provinces)
    sub = await subscriptions.subscribe(
        services.db,
        ctx.chat_id,
        weekday=weekday,
        at=at,
        timezone=keep.timezone if keep else defaults.timezone,
        provinces=provinces,
        now=services.clock(),
        chat_type=ctx.chat_type,
        title=ctx.chat_title,
    )
    head = "✅ Đã cập nhật đăng ký" if keep else "✅ Đã đăng ký"
    who = " cho nhóm" if ctx.is_group else ""
    lines = [f"<b>{head} bản tin Dân vận hằng tuần{who}.</b>"]
    lines.extend(
        f"{esc(old)} nay thuộc {esc(new)}: bản tin gồm tin của cả {esc(new)}."
        for old, new in req.renamed
    )
    lines.append(_settings_text(sub, await _next_text(services, sub)).split("\n", 2)[2])
    lines.append("\nĐổi cài đặt: /caidat · Hủy: /huy")
    return Reply.text("\n".join(lines), buttons=((Button("⚙️ Cài đặt", "cfg:m"),),))


@command("huy", "unsubscribe", description="Hủy đăng ký bản tin tuần")
async def huy(args: str, ctx: ChatContext, services: Services) -> Reply:
    if ctx.is_group and not ctx.is_chat_admin:
        return Reply.text(ADMIN_ONLY)
    if await subscriptions.unsubscribe(services.db, ctx.chat_id, services.clock()):
        return Reply.text("Đã hủy đăng ký bản tin Dân vận. Gửi /dangky để đăng ký lại.")
    return Reply.text("Chat này chưa đăng ký bản tin nên không có gì để hủy.")


@command("caidat", "settings", description="Xem và đổi cài đặt bản tin tuần")
async def caidat(args: str, ctx: ChatContext, services: Services) -> Reply:
    sub = await subscriptions.get(services.db, ctx.chat_id)
    if sub is None or not sub.active:
        return _not_subscribed()
    reply = await _settings_reply(services, sub, edit=False)
    if ctx.is_group and not ctx.is_chat_admin:
        return Reply(parts=(reply.parts[0] + "\n\n<i>" + ADMIN_ONLY + "</i>",))
    return reply


# --- buttons ---------------------------------------------------------------------------------


def _day_buttons(current: int) -> tuple[tuple[Button, ...], ...]:
    days = [
        Button(("• " if i == current else "") + name, f"cfg:d:{i}")
        for i, name in enumerate(WEEKDAY_NAMES_VI)
    ]
    return (tuple(days[0:4]), tuple(days[4:7]), (Button("↩️ Quay lại", "cfg:m"),))


def _hour_buttons(current: str) -> tuple[tuple[Button, ...], ...]:
    hours = [
        Button(("• " if f"{h:02d}:00" == current else "") + f"{h:02d}:00", f"cfg:h:{h:02d}")
        for h in range(5, 23)
    ]
    rows = tuple(tuple(hours[i : i + 6]) for i in range(0, len(hours), 6))
    return (*rows, (Button("↩️ Quay lại", "cfg:m"),))


def _province_buttons(
    names: Sequence[str], chosen: Sequence[str], page: int
) -> tuple[tuple[Button, ...], ...]:
    pages = max(1, -(-len(names) // PROVINCES_PER_PAGE))
    page = max(0, min(page, pages - 1))
    start = page * PROVINCES_PER_PAGE
    items = [
        Button(("✅ " if n in chosen else "") + n, f"cfg:t:{i}:{page}")
        for i, n in enumerate(names)
        if start <= i < start + PROVINCES_PER_PAGE
    ]
    rows: list[tuple[Button, ...]] = [tuple(items[i : i + 2]) for i in range(0, len(items), 2)]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("⬅️ Trước", f"cfg:p:{page - 1}"))
    nav.append(Button(f"Trang {page + 1}/{pages}", f"cfg:p:{page}"))
    if page < pages - 1:
        nav.append(Button("Sau ➡️", f"cfg:p:{page + 1}"))
    rows.append(tuple(nav))
    rows.append((Button("🌐 Tất cả", f"cfg:a:{page}"), Button("✔️ Xong", "cfg:m")))
    return tuple(rows)


def current_units(gazetteer: Gazetteer) -> list[str]:
    """The 34 current units, in Vietnamese alphabetical order (by folded name)."""
    return sorted(gazetteer.current, key=lambda n: (fold(n), n))


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
    bits = data.split(":")
    action, rest = bits[0], bits[1:]
    now = services.clock()
    db = services.db
    if action == "n":
        return await dangky("", ctx, services)
    sub = await subscriptions.get(db, ctx.chat_id)
    if sub is None or not sub.active:
        return _not_subscribed(edit=True)
    try:
        if action == "d" and rest:
            sub = await subscriptions.update(db, ctx.chat_id, now, weekday=int(rest[0]) % 7) or sub
        elif action == "d":
            text = "<b>Chọn ngày nhận bản tin</b>"
            return Reply(parts=(text,), buttons=_day_buttons(sub.weekday), edit=True)
        elif action == "h" and rest:
            hour = max(0, min(23, int(rest[0])))
            sub = await subscriptions.update(db, ctx.chat_id, now, at=f"{hour:02d}:00") or sub
        elif action == "h":
            text = "<b>Chọn giờ nhận bản tin</b> (giờ Việt Nam; giờ lẻ: /dangky 19h30)"
            return Reply(parts=(text,), buttons=_hour_buttons(sub.time), edit=True)
        elif action in ("p", "t", "a"):
            names = current_units(services.gazetteer)
            page = int(rest[-1]) if rest else 0
            if action == "t" and len(rest) == 2 and 0 <= int(rest[0]) < len(names):
                name = names[int(rest[0])]
                chosen = [n for n in sub.provinces if n != name]
                if len(chosen) == len(sub.provinces):
                    chosen.append(name)
                sub = await subscriptions.update(db, ctx.chat_id, now, provinces=chosen) or sub
            elif action == "a":
                sub = await subscriptions.update(db, ctx.chat_id, now, provinces=()) or sub
            buttons = _province_buttons(names, sub.provinces, page)
            return Reply(parts=(_province_text(sub),), buttons=buttons, edit=True)
        elif action in ("s", "r"):
            sub = await subscriptions.update(db, ctx.chat_id, now, paused=action == "s") or sub
        elif action == "x":
            await subscriptions.unsubscribe(db, ctx.chat_id, now)
            return Reply(
                parts=("Đã hủy đăng ký bản tin Dân vận. Gửi /dangky để đăng ký lại.",),
                edit=True,
            )
    except ValueError:
        pass  # malformed callback data: show the settings again
    return await _settings_reply(services, sub, edit=True)
