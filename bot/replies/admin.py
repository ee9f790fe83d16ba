"""Admin commands for the ids in ``[admin] users``: ``/nguon`` (sources) and ``/thongke`` (stats).

``/nguon`` lists the sources with their state; ``/nguon them <tên> <url>`` adds one after the
SSRF guard (:mod:`bot.sources.urlguard`) accepts the URL; ``tamdung`` / ``tieptuc`` pause and
resume; ``xoa`` removes a source added from chat. ``/thongke`` shows articles per week (last
8 weeks), per source, subscribers, deliveries and the latest fetch errors.

Rendering is pure (``render_*`` take the rows and the reference time); the handlers only
query and call them. Everyone else gets a polite refusal - the dispatcher already refuses
``admin_only`` commands, and the handlers check again so no other front end can skip it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.replies import sources_admin
from bot.replies.model import ChatContext, Reply
from bot.replies.registry import command
from bot.replies.render import esc, split_html, truncate
from bot.replies.source_topic import TOPIC_VI, change_topic, split_topic
from bot.sources import urlguard
from bot.store import sources as source_store
from bot.store import stats as stats_store
from bot.store.db import run
from bot.store.sources import SourceCounts, SourceRow
from bot.text.dates import format_date_short_vi
from bot.text.normalize import fold
from bot.text.numbers import format_number as num

if TYPE_CHECKING:
    from bot.services import Services

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKS_SHOWN = 8
MAX_SOURCES_LISTED = 40
MAX_NAME = 60

REFUSAL = (
    "Xin lỗi, lệnh này chỉ dành cho quản trị viên của bot. "
    "Nếu bạn cần thêm nguồn tin hay xem thống kê, hãy liên hệ người quản lý bot của đơn vị."
)

NGUON_HELP = (
    "<b>Quản lý nguồn tin</b>\n"
    "/nguon — xem các nguồn, tình trạng, số tin giữ lại và lọc bỏ\n"
    "/nguon them &lt;tên&gt; &lt;url&gt; [tatca] — thêm nguồn, ví dụ:\n"
    "<code>/nguon them Dân vận Thái Nguyên https://thainguyen.dcs.vn/rss</code>\n"
    "Mặc định bot chỉ giữ tin về công tác dân vận; thêm <code>tatca</code> ở cuối cho "
    "nguồn chỉ đăng tin dân vận (trang của Ban Dân vận) để giữ mọi tin.\n"
    "/nguon chude &lt;tên&gt; tatca|loc — đổi: giữ mọi tin, hoặc chỉ tin dân vận\n"
    "/nguon tamdung &lt;tên&gt; — tạm dừng lấy tin\n"
    "/nguon tieptuc &lt;tên&gt; — lấy tin trở lại\n"
    "/nguon xoa &lt;tên&gt; — xóa nguồn đã thêm từ chat\n"
    "/nguon themtrang &lt;tên&gt; &lt;url&gt; — đọc danh sách bài của một trang không có RSS\n"
    "/nguon goiy [tỉnh] — các nguồn tin công khai nên theo dõi"
)


# Why the SSRF guard refused a URL, for the admin who typed it.
URL_REFUSALS: Mapping[str | None, str] = {
    "scheme": "chỉ nhận địa chỉ bắt đầu bằng http:// hoặc https://",
    "malformed": "địa chỉ không hợp lệ",
    "credentials": "địa chỉ không được chứa tên đăng nhập hay mật khẩu",
    "unresolvable": "không tìm thấy máy chủ này (tên miền không phân giải được)",
    "metadata": "đây là địa chỉ dịch vụ nội bộ của máy chủ đám mây, không được phép",
    "loopback": "địa chỉ trỏ về chính máy chủ chạy bot (loopback)",
    "private": "địa chỉ thuộc mạng nội bộ",
    "link_local": "địa chỉ link-local, không được phép",
    "multicast": "địa chỉ multicast, không được phép",
    "reserved": "địa chỉ thuộc dải dành riêng",
    "unspecified": "địa chỉ không xác định (0.0.0.0)",
    "not_global": "địa chỉ không phải địa chỉ công khai trên Internet",
}
PRIVATE_HINT = (
    "Nếu đây là nguồn tin trong mạng nội bộ của cơ quan, người quản trị máy chủ có thể bật "
    "<code>allow_private_hosts = true</code> trong mục <code>[fetch]</code> của tệp cấu hình."
)

_SUBCOMMANDS: Mapping[str, str] = {
    "them": "add",
    "add": "add",
    "tamdung": "pause",
    "tam dung": "pause",
    "dung": "pause",
    "pause": "pause",
    "tieptuc": "resume",
    "tiep tuc": "resume",
    "batlai": "resume",
    "bat lai": "resume",
    "resume": "resume",
    "xoa": "remove",
    "remove": "remove",
    "delete": "remove",
    "themtrang": "add_page",
    "them trang": "add_page",
    "addpage": "add_page",
    "goiy": "suggest",
    "goi y": "suggest",
    "suggest": "suggest",
    "chude": "topic",
    "chu de": "topic",
    "topic": "topic",
}


# --- pure rendering ---------------------------------------------------------------------------


def _when(dt: datetime | None, now: datetime) -> str:
    """A short local time: "08:15" today, "08:15 20/11" otherwise."""
    if dt is None:
        return "chưa có"
    local = dt.astimezone(VN_TZ)
    if local.date() == now.astimezone(VN_TZ).date():
        return f"{local:%H:%M} hôm nay"
    return f"{local:%H:%M} {local:%d/%m/%Y}"


def source_state(row: SourceRow) -> str:
    if not row.enabled:
        return "⏸ tạm dừng"
    if row.last_fetch_at is None:
        return "🕓 chưa lấy tin"
    if row.failures > 0:
        return f"⚠️ lỗi {row.failures} lần liên tiếp"
    return "✅ hoạt động"


def render_sources(
    rows: Sequence[SourceRow],
    now: datetime,
    counts: Mapping[str, SourceCounts] | None = None,
) -> list[str]:
    """The /nguon list: one block per source, HTML-escaped, split under Telegram's limit.
    ``counts``: articles each source brought that users see (kept) and that the relevance
    classifier left out (filtered)."""
    if not rows:
        return [
            "Chưa có nguồn tin nào. Thêm nguồn bằng lệnh\n"
            "<code>/nguon them &lt;tên&gt; &lt;url&gt;</code>\n"
            "hoặc khai báo <code>[[sources]]</code> trong tệp cấu hình."
        ]
    blocks = [f"<b>Nguồn tin ({len(rows)})</b>"]
    for row in rows[:MAX_SOURCES_LISTED]:
        lines = [
            f"<b>{esc(truncate(row.name, MAX_NAME))}</b> — {source_state(row)}"
            + (" · thêm từ chat" if row.origin == "chat" else ""),
            f"<code>{esc(truncate(row.url, 200))}</code>",
            f"Lấy được gần nhất: {_when(row.last_success_at, now)}; "
            f"tổng số tin: {num(row.entries_total)}",
        ]
        if counts is not None:
            c = counts.get(row.name, SourceCounts())
            lines.append(
                f"Tin dân vận hiển thị: {num(c.kept)}; lọc bỏ: {num(c.filtered)}"
                f" · {TOPIC_VI[row.topic]}"
            )
        if row.failures and row.last_error:
            lines.append(f"Lỗi: {esc(truncate(row.last_error, 200))}")
        blocks.append("\n".join(lines))
    if len(rows) > MAX_SOURCES_LISTED:
        blocks.append(f"… và {len(rows) - MAX_SOURCES_LISTED} nguồn khác.")
    blocks.append("Gõ <code>/nguon help</code> để xem cách thêm, tạm dừng hay xóa nguồn.")
    return split_html("\n\n".join(blocks))


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekly_counts(
    per_day: Mapping[str, int], today: date, weeks: int = WEEKS_SHOWN
) -> list[tuple[date, int]]:
    """Per-day counts (``YYYY-MM-DD`` keys) summed into the last ``weeks`` Monday-weeks,
    oldest first, the current (partial) week last; weeks without articles count 0."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    buckets = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, n in per_day.items():
        try:
            d = date.fromisoformat(day)
        except ValueError:
            continue
        monday = week_start(d)
        if monday in buckets:
            buckets[monday] += n
    return sorted(buckets.items())


@dataclass(frozen=True)
class AdminStats:
    """What /thongke shows; gathered by :func:`gather_stats`, rendered by :func:`render_stats`."""

    totals: stats_store.Stats
    added: list[tuple[date, int]]  # articles stored per week (is ingestion working?)
    dated: list[tuple[date, int]]  # articles whose event/publication falls in the week
    per_source: list[tuple[str, int]]  # configured or chat sources, busiest first
    other_articles: int  # imported from files, or from sources since removed
    errors: list[SourceRow]
    # Per source: shown to users, left out by the relevance classifier.
    source_counts: Mapping[str, SourceCounts] = field(default_factory=dict)


_SUBSCRIBER_VI = {"active": "đang nhận", "paused": "tạm dừng", "inactive": "đã ngừng"}


def render_stats(s: AdminStats, now: datetime) -> list[str]:
    t = s.totals
    out = [
        "<b>Thống kê danvan-bot</b>",
        f"Bài trong kho: <b>{num(t.articles)}</b> (7 ngày qua: {num(t.articles_last_7_days)})",
    ]
    table = [f"{'Tuần':<10} {'Mới lưu':>8} {'Diễn ra':>8}"]
    for (monday, added), (_, dated) in zip(s.added, s.dated, strict=True):
        table.append(f"{format_date_short_vi(monday):<10} {num(added):>8} {num(dated):>8}")
    out.append(
        "<b>Bài theo tuần</b> (tuần bắt đầu thứ Hai)\n"
        + "<pre>"
        + "\n".join(table)
        + "</pre>\n"
        + "<i>Mới lưu: bài bot lưu trong tuần; "
        "Diễn ra: bài có ngày sự kiện (hoặc ngày đăng) trong tuần.</i>"
    )

    if s.per_source or s.other_articles:
        lines = ["<b>Bài theo nguồn</b> (hiển thị: tin dân vận; lọc bỏ: chủ đề khác)"]
        for name, n in s.per_source:
            c = s.source_counts.get(name, SourceCounts())
            kept = f" (hiển thị {num(c.kept)}, lọc bỏ {num(c.filtered)})" if n else ""
            lines.append(f"• {esc(truncate(name, MAX_NAME))}: {num(n)}{kept}")
        if s.other_articles:
            lines.append(f"• Nhập từ tệp hoặc nguồn đã xóa: {num(s.other_articles)}")
        out.append("\n".join(lines))

    src = t.sources
    out.append(
        f"<b>Nguồn tin</b>: {src.get('ok', 0)} hoạt động, {src.get('failing', 0)} đang lỗi, "
        f"{src.get('disabled', 0)} tạm dừng, {src.get('never_fetched', 0)} chưa lấy tin"
        + (
            f"; lần lấy tin gần nhất {_when(_parse_iso(t.last_fetch_at), now)}"
            if t.last_fetch_at
            else ""
        )
    )
    subs = ", ".join(f"{num(n)} {_SUBSCRIBER_VI.get(k, k)}" for k, n in t.subscribers.items())
    out.append(f"<b>Người đăng ký bản tin</b>: {subs}")

    if t.deliveries:
        lines = ["<b>Bản tin tuần đã gửi</b>"]
        for w in t.deliveries[:WEEKS_SHOWN]:
            extra = f", {w.other} đang gửi/bỏ qua" if w.other else ""
            lines.append(f"• {esc(w.week)}: {w.sent} thành công, {w.failed} thất bại{extra}")
        out.append("\n".join(lines))
    else:
        out.append("<b>Bản tin tuần</b>: chưa gửi lần nào.")

    if s.errors:
        lines = ["<b>Lỗi lấy tin gần đây</b>"]
        for row in s.errors:
            lines.append(
                f"• {esc(truncate(row.name, MAX_NAME))} ({_when(row.last_fetch_at, now)}): "
                f"{esc(truncate(row.last_error or 'không rõ', 160))}"
            )
        out.append("\n".join(lines))
    else:
        out.append("Không có nguồn nào đang lỗi.")
    return split_html("\n\n".join(out))


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_nguon_args(args: str) -> tuple[str, str]:
    """``"them Dân vận TN https://x"`` -> ("add", "Dân vận TN https://x"); ("list", "") when
    empty; ("help", rest) for anything unknown."""
    words = args.split()
    if not words:
        return "list", ""
    # Two-word spellings ("tạm dừng") before one-word ones ("dung").
    for n in (2, 1):
        key = fold(" ".join(words[:n]))
        if len(words) >= n and key in _SUBCOMMANDS:
            return _SUBCOMMANDS[key], " ".join(words[n:])
    return "help", " ".join(words)


def find_by_name(rows: Sequence[SourceRow], name: str) -> SourceRow | None:
    """Exact name first, then the same name folded (case, diacritics, đ)."""
    for row in rows:
        if row.name == name.strip():
            return row
    key = fold(name)
    matches = [row for row in rows if fold(row.name) == key]
    return matches[0] if len(matches) == 1 else None


# --- handlers ---------------------------------------------------------------------------------


@command(
    "nguon", "sources", description="Quản lý nguồn tin (quản trị viên)", admin_only=True, menu=False
)
async def nguon(args: str, ctx: ChatContext, services: Services) -> Reply:
    if not ctx.is_bot_admin:
        return Reply.text(REFUSAL)
    action, rest = parse_nguon_args(args)
    now = services.clock()
    if action == "list":
        rows = await source_store.list_sources(services.db)
        counts = await source_store.counts_by_source(services.db)
        return Reply(parts=tuple(render_sources(rows, now, counts)))
    if action == "help":
        return Reply.text(NGUON_HELP)
    if action in ("add", "add_page"):
        return await _add(rest, services, kind="page" if action == "add_page" else None)
    if action == "suggest":
        return await sources_admin.goiy(rest, services)
    if action == "topic":
        return await change_topic(rest, services, find_by_name)
    if not rest:
        return Reply.text(f"Bạn cần ghi tên nguồn.\n\n{NGUON_HELP}")
    rows = await source_store.list_sources(services.db)
    row = find_by_name(rows, rest)
    if row is None:
        return Reply.text(
            f"Không tìm thấy nguồn <b>{esc(truncate(rest, MAX_NAME))}</b>. "
            "Gõ /nguon để xem tên các nguồn."
        )
    name = esc(row.name)
    config_note = (
        "\nLưu ý: nguồn này khai báo trong tệp cấu hình, lần khởi động sau sẽ theo tệp cấu hình."
        if row.origin == "config"
        else ""
    )
    if action == "pause":
        await source_store.set_enabled(services.db, row.name, False)
        return Reply.text(f"Đã tạm dừng nguồn <b>{name}</b>.{config_note}")
    if action == "resume":
        await source_store.set_enabled(services.db, row.name, True)
        return Reply.text(f"Nguồn <b>{name}</b> sẽ được lấy tin trở lại.{config_note}")
    # remove
    if row.origin == "config":
        return Reply.text(
            f"Nguồn <b>{name}</b> khai báo trong tệp cấu hình nên không xóa được từ chat. "
            f"Bạn có thể tạm dừng bằng <code>/nguon tamdung {name}</code>, "
            "hoặc nhờ người quản trị máy chủ xóa mục đó trong tệp cấu hình."
        )
    # Articles already archived stay; only the source and its seen-entries go.
    await run(services.db, "DELETE FROM sources WHERE id = ? AND origin = 'chat'", (row.id,))
    return Reply.text(f"Đã xóa nguồn <b>{name}</b>. Các bài đã lưu vẫn còn trong kho.")


async def _add(rest: str, services: Services, kind: str | None = None) -> Reply:
    """``kind`` None: a feed URL is added as one; a home page gets feed discovery. A topic
    word at the end ("tatca") trusts the source to publish only dân vận news."""
    rest, topic = split_topic(rest)
    parts = rest.rsplit(maxsplit=1)
    if len(parts) != 2 or not ("://" in parts[1] or "." in parts[1]):
        return Reply.text(
            "Cần ghi cả tên và địa chỉ nguồn, ví dụ:\n"
            "<code>/nguon them Dân vận Thái Nguyên https://thainguyen.dcs.vn/rss</code>"
        )
    name, url = parts[0].strip(), parts[1].strip()
    if len(name) > MAX_NAME:
        return Reply.text(f"Tên nguồn dài quá, xin dùng tối đa {MAX_NAME} ký tự.")
    allow_private = services.settings.fetch.allow_private_hosts
    verdict = await urlguard.check_url(url, allow_private=allow_private)
    if not verdict.ok:
        why = URL_REFUSALS.get(verdict.reason, "địa chỉ không được phép")
        detail = f" ({esc(verdict.address)})" if verdict.address else ""
        hint = (
            f"\n\n{PRIVATE_HINT}"
            if verdict.reason in ("private", "loopback", "link_local", "not_global")
            else ""
        )
        return Reply.text(
            f"Không thêm được nguồn: {why}{detail}.\n<code>{esc(truncate(url, 200))}</code>{hint}"
        )
    rows = await source_store.list_sources(services.db)
    same_name = find_by_name(rows, name)
    if same_name is not None:
        return Reply.text(f"Đã có nguồn tên <b>{esc(same_name.name)}</b>. Hãy chọn một tên khác.")
    same_url = next((r for r in rows if r.url == url), None)
    if same_url is not None:
        return Reply.text(f"Địa chỉ này đã có trong nguồn <b>{esc(same_url.name)}</b>.")
    if kind is not None:
        return await sources_admin.added(name, url, kind, services, topic=topic or "filter")
    return await sources_admin.add_with_discovery(name, url, services, topic=topic or "filter")


async def gather_stats(services: Services, now: datetime) -> AdminStats:
    db = services.db
    totals = await stats_store.collect(db, now, weeks=WEEKS_SHOWN)
    today = now.astimezone(VN_TZ).date()
    first = week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    last = week_start(today) + timedelta(days=6)
    async with db.execute(
        "SELECT sort_date, count(*) FROM articles WHERE sort_date >= ? AND sort_date <= ?"
        " GROUP BY sort_date",
        (first.isoformat(), last.isoformat()),
    ) as cur:
        dated = {str(d): int(n) for d, n in await cur.fetchall()}
    # added_at is UTC; Vietnam is UTC+7 all year, so '+7 hours' gives the local day.
    async with db.execute(
        "SELECT date(added_at, '+7 hours') AS d, count(*) FROM articles WHERE added_at >= ?"
        " GROUP BY d",
        ((first - timedelta(days=1)).isoformat(),),
    ) as cur:
        added = {str(d): int(n) for d, n in await cur.fetchall()}
    async with db.execute(
        "SELECT s.name, count(a.id) AS n FROM sources s LEFT JOIN articles a ON a.source = s.name"
        " GROUP BY s.name ORDER BY n DESC, s.name LIMIT 15"
    ) as cur:
        per_source = [(str(name), int(n)) for name, n in await cur.fetchall()]
    async with db.execute(
        "SELECT count(*) FROM articles WHERE source NOT IN (SELECT name FROM sources)"
    ) as cur:
        row = await cur.fetchone()
        other = int(row[0]) if row else 0
    source_counts = await source_store.counts_by_source(db)
    rows = await source_store.list_sources(db)
    errors = sorted(
        (r for r in rows if r.last_error and r.failures > 0),
        key=lambda r: r.last_fetch_at or datetime.min.replace(tzinfo=VN_TZ),
        reverse=True,
    )[:10]
    return AdminStats(
        totals,
        weekly_counts(added, today),
        weekly_counts(dated, today),
        per_source,
        other,
        errors,
        source_counts,
    )


@command(
    "thongke",
    "stats",
    description="Thống kê hoạt động của bot (quản trị viên)",
    admin_only=True,
    menu=False,
)
async def thongke(args: str, ctx: ChatContext, services: Services) -> Reply:
    del args
    if not ctx.is_bot_admin:
        return Reply.text(REFUSAL)
    now = services.clock()
    return Reply(parts=tuple(render_stats(await gather_stats(services, now), now)))
