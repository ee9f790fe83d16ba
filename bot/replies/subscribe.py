"""/dangky, /huy and /caidat: the weekly digest subscription; its buttons are in
``bot.replies.subscribe_buttons``.

What can subscribe (:class:`Where`):

- a private chat, a group (its admins only), a forum group's topic (the digest goes to the
  topic where /dangky was sent);
- a **channel**, from the private chat of one of its admins: ``/dangky @kenh [thứ] [giờ]
  [tỉnh]``, ``/caidat @kenh``, ``/huy @kenh`` (or the channel's numeric id). The bot must be
  an admin of the channel with the right to post; the front end checks both with Telegram
  (getChatMember) and hands the result over as ``ChatContext.target``. The bot never reads
  what is posted in channels, so nothing appears there but the digest;
- the terminal chat (``danvan-bot chat``): its digest is printed when the chat opens.
"""

from __future__ import annotations

import re
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
from bot.replies.registry import command
from bot.replies.render import esc
from bot.store import deliveries, subscriptions
from bot.store.subscriptions import TERMINAL, Subscription
from bot.text.dates import format_datetime_vi
from bot.text.normalize import fold
from bot.text.provinces import Gazetteer

if TYPE_CHECKING:
    from bot.services import Services

# Commands that may name a channel (/dangky @kenh): the front end checks it first.
CHANNEL_COMMANDS = frozenset({"dangky", "huy", "caidat"})
_MAX_SPAN = 5  # words in the longest province name a user types ("Thành phố Hồ Chí Minh")
# A channel named in /dangky: @username (5-32 characters) or its numeric id (-100...).
_TARGET_RE = re.compile(r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-100\d{5,13})$")

ADMIN_ONLY = (
    "Trong nhóm, chỉ quản trị viên mới đăng ký hoặc thay đổi bản tin của nhóm. "
    "Bạn có thể nhờ quản trị viên, hoặc nhắn riêng cho bot để nhận bản tin cho mình."
)
USAGE = (
    "Cú pháp: <code>/dangky [thứ] [giờ] [tỉnh...]</code>\n"
    "Ví dụ: <code>/dangky</code> (mặc định), <code>/dangky thứ hai 7h</code>, "
    "<code>/dangky cn 19h30 Bắc Kạn, Cao Bằng</code>, <code>/dangky tất cả</code> (mọi tỉnh)\n"
    "Cho một kênh bạn quản trị: <code>/dangky @ten_kenh</code> (nhắn riêng cho bot)."
)
BOT_RIGHTS = (
    "Vào kênh → Quản trị viên → Thêm quản trị viên → chọn bot, bật quyền «Đăng bài» "
    "(Post messages), rồi gửi lại lệnh."
)
TARGET_PROBLEMS = {
    "not_found": "Mình không tìm thấy kênh {ref}. Kiểm tra tên kênh (dạng @ten_kenh); với "
    "kênh riêng tư, hãy thêm bot làm quản trị viên của kênh trước. " + BOT_RIGHTS,
    "not_channel": "{ref} không phải một kênh. Với một nhóm, hãy gõ /dangky ngay trong nhóm.",
    "not_admin": "Chỉ quản trị viên của kênh {ref} mới đăng ký hoặc đổi bản tin cho kênh.",
    "bot_not_admin": "Bot chưa là quản trị viên của kênh {ref} với quyền đăng bài, nên chưa "
    "gửi bản tin vào đó được. " + BOT_RIGHTS,
    "unavailable": "Đăng ký bản tin cho một kênh chỉ làm được trong Telegram: nhắn riêng cho "
    "bot <code>/dangky @ten_kenh</code>.",
}


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


def target_ref(args: str) -> tuple[str | None, str]:
    """(channel reference, the other arguments) when ``args`` starts with ``@kenh`` or a
    channel id; (None, args) otherwise. Pure: the front ends call it too."""
    first, _, rest = args.strip().partition(" ")
    if _TARGET_RE.match(first):
        return first, rest.strip()
    return None, args


@dataclass(frozen=True)
class Where:
    """The chat whose subscription a command or a button changes."""

    chat_id: int
    chat_type: str  # private | group | supergroup | channel | terminal
    title: str | None
    thread_id: int | None = None  # forum topic the digest goes to
    prefix: str = "cfg"  # callback-data prefix of its buttons: "cfg", or "k:<id>" (channel)

    @property
    def noun(self) -> str:
        """The subject of a sentence about this subscription."""
        if self.chat_type == "channel":
            return f"Kênh «{esc(self.title or self.chat_id)}»"
        if self.chat_type in ("group", "supergroup"):
            return "Nhóm này"
        if self.chat_type == TERMINAL:
            return "Chat terminal này"
        return "Bạn"

    def data(self, action: str) -> str:
        return f"{self.prefix}:{action}"


def where_of(ctx: ChatContext) -> Where:
    target = ctx.target
    if target is not None and target.problem is None and target.chat_id is not None:
        return Where(target.chat_id, "channel", target.title, None, f"k:{target.chat_id}")
    if not ctx.receives_messages:
        return Where(ctx.chat_id, TERMINAL, "terminal")
    thread = ctx.thread_id if ctx.is_group else None
    return Where(ctx.chat_id, ctx.chat_type, ctx.chat_title, thread)


def refused(ctx: ChatContext, args: str, *, leaving: bool = False) -> tuple[Reply | None, str]:
    """(a refusal, or None; the arguments without the channel reference). A channel named
    here must have been checked by the front end; ``leaving`` (/huy) lets a channel go
    even when the bot can no longer post there."""
    ref, rest = target_ref(args)
    if ref is not None:
        target = ctx.target if ctx.target is not None and ctx.target.ref == ref else None
        problem = "unavailable" if target is None else target.problem
        if problem == "bot_not_admin" and leaving:
            problem = None
        if ctx.is_group and target is None:
            return Reply.text("Hãy nhắn riêng cho bot để đăng ký bản tin cho một kênh."), rest
        if problem is not None:
            name = esc(f"«{target.title}»" if target and target.title else ref)
            return Reply.text(TARGET_PROBLEMS[problem].format(ref=name)), rest
        return None, rest
    if ctx.is_group and not ctx.is_chat_admin:
        return Reply.text(ADMIN_ONLY), args
    return None, args


def _default_weekday(services: Services) -> int:
    return parse_weekday(services.settings.digest.weekday) or 0


def settings_text(sub: Subscription, next_at: str) -> str:
    places = ", ".join(sub.provinces) if sub.provinces else "tất cả tỉnh, thành phố"
    state = "⏸ Đang tạm dừng" if sub.paused else "✅ Đang nhận bản tin"
    lines = [
        "<b>Cài đặt bản tin Dân vận hằng tuần</b>",
        state,
        f"Ngày nhận: {WEEKDAY_NAMES_VI[sub.weekday]}, lúc {esc(sub.time)}",
        f"Tỉnh, thành phố: {esc(places)}",
    ]
    if sub.thread_id is not None:
        lines.append("Gửi vào: chủ đề (topic) nơi gõ /dangky")
    if sub.chat_type == TERMINAL:
        lines.append("Hiện ra: khi bạn mở <code>danvan-bot chat</code> sau giờ nhận")
    if not sub.paused:
        lines.append(f"Bản tin tiếp theo: {next_at}")
    return "\n".join(lines)


async def next_text(services: Services, sub: Subscription) -> str:
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


def main_buttons(where: Where, sub: Subscription) -> tuple[tuple[Button, ...], ...]:
    pause = (
        Button("▶️ Tiếp tục", where.data("r"))
        if sub.paused
        else Button("⏸ Tạm dừng", where.data("s"))
    )
    return (
        (Button("📅 Đổi ngày", where.data("d")), Button("🕖 Đổi giờ", where.data("h"))),
        (Button("🗺 Chọn tỉnh, thành phố", where.data("p:0")),),
        (pause, Button("❌ Hủy đăng ký", where.data("x"))),
    )


async def settings_reply(services: Services, where: Where, sub: Subscription, *,
                         edit: bool) -> Reply:  # fmt: skip
    text = settings_text(sub, await next_text(services, sub))
    if where.chat_type == "channel":
        text = f"{where.noun}\n{text}"
    return Reply(parts=(text,), buttons=main_buttons(where, sub), edit=edit)


def not_subscribed(where: Where, edit: bool = False) -> Reply:
    return Reply(
        parts=(
            f"{where.noun} chưa đăng ký bản tin Dân vận hằng tuần.\n"
            "Gửi /dangky hoặc bấm nút bên dưới để đăng ký (mặc định: sáng thứ Hai, 07:00).",
        ),
        buttons=((Button("📝 Đăng ký", where.data("n")),),),
        edit=edit,
    )


def _who(where: Where) -> str:
    if where.chat_type == "channel":
        return f" cho kênh «{esc(where.title or where.chat_id)}»"
    if where.chat_type in ("group", "supergroup"):
        return " cho chủ đề này của nhóm" if where.thread_id is not None else " cho nhóm"
    return " cho chat terminal này" if where.chat_type == TERMINAL else ""


@command(
    "dangky",
    "subscribe",
    description="Đăng ký bản tin tuần: /dangky [thứ] [giờ] [tỉnh]",
)
async def dangky(args: str, ctx: ChatContext, services: Services) -> Reply:
    refusal, args = refused(ctx, args)
    if refusal is not None:
        return refusal
    where = where_of(ctx)
    req = parse_request(args, services.gazetteer)
    if req.unknown:
        words = ", ".join(f"“{esc(w)}”" for w in req.unknown)
        return Reply.text(
            f"Mình chưa hiểu: {words}. Ngày viết như “thứ hai”, “t2”, “cn”; giờ như “7h”, "
            f"“19h30”; tỉnh viết có dấu hay không đều được.\n\n{USAGE}"
        )
    existing = await subscriptions.get(services.db, where.chat_id)
    keep = existing if existing and existing.active else None
    defaults = services.settings.digest
    weekday = req.weekday if req.weekday is not None else (
        keep.weekday if keep else _default_weekday(services)
    )  # fmt: skip
    at = format_clock(req.at) if req.at else (keep.time if keep else defaults.time)
    provinces = req.provinces or (() if req.all_provinces or not keep else keep.provinces)
    sub = await subscriptions.subscribe(
        services.db,
        where.chat_id,
        weekday=weekday,
        at=at,
        timezone=keep.timezone if keep else defaults.timezone,
        provinces=provinces,
        now=services.clock(),
        chat_type=where.chat_type,
        title=where.title,
        thread_id=where.thread_id,
    )
    head = "✅ Đã cập nhật đăng ký" if keep else "✅ Đã đăng ký"
    lines = [f"<b>{head} bản tin Dân vận hằng tuần{_who(where)}.</b>"]
    lines.extend(
        f"{esc(old)} nay thuộc {esc(new)}: bản tin gồm tin của cả {esc(new)}."
        for old, new in req.renamed
    )
    lines.append(settings_text(sub, await next_text(services, sub)).split("\n", 2)[2])
    if where.chat_type == TERMINAL:
        lines.append(
            "\nBản tin không gửi qua Telegram: nó hiện ngay trong cửa sổ này khi bạn mở "
            "<code>danvan-bot chat</code> sau giờ nhận. Xem trước: "
            "<code>danvan-bot digest --chat 0</code>."
        )
    target = f" {ctx.target.ref}" if where.chat_type == "channel" and ctx.target else ""
    lines.append(f"\nĐổi cài đặt: /caidat{target} · Hủy: /huy{target}")
    return Reply.text("\n".join(lines), buttons=((Button("⚙️ Cài đặt", where.data("m")),),))


@command("huy", "unsubscribe", description="Hủy đăng ký bản tin tuần")
async def huy(args: str, ctx: ChatContext, services: Services) -> Reply:
    refusal, _ = refused(ctx, args, leaving=True)
    if refusal is not None:
        return refusal
    where = where_of(ctx)
    if await subscriptions.unsubscribe(services.db, where.chat_id, services.clock()):
        return Reply.text(
            f"Đã hủy đăng ký bản tin Dân vận{_who(where)}. Gửi /dangky để đăng ký lại."
        )
    return Reply.text(f"{where.noun} chưa đăng ký bản tin nên không có gì để hủy.")


@command("caidat", "settings", description="Xem và đổi cài đặt bản tin tuần")
async def caidat(args: str, ctx: ChatContext, services: Services) -> Reply:
    ref, _ = target_ref(args)
    member_of_group = ctx.is_group and not ctx.is_chat_admin and ref is None
    if not member_of_group:
        refusal, _ = refused(ctx, args)
        if refusal is not None:
            return refusal
    where = where_of(ctx)
    sub = await subscriptions.get(services.db, where.chat_id)
    if sub is None or not sub.active:
        if member_of_group:  # no button a member may not press
            return Reply.text(f"{where.noun} chưa đăng ký bản tin Dân vận hằng tuần.\n\n"
                              f"<i>{ADMIN_ONLY}</i>")  # fmt: skip
        return not_subscribed(where)
    reply = await settings_reply(services, where, sub, edit=False)
    if member_of_group:
        return Reply(parts=(reply.parts[0] + "\n\n<i>" + ADMIN_ONLY + "</i>",))
    return reply
