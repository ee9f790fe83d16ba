"""How an article looks in a reply: one compact block per article, and the full summary.

Pure: everything comes in as arguments. Every string from the archive is escaped here.
The visible ``#id`` lets a user reply to a list message with /tomtat and be understood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.articles.model import ProvinceMention, StoredArticle
from bot.replies.render import esc, link, truncate
from bot.text.collation import sort_key
from bot.text.dates import VN_TZ, format_date_vi, format_event_date
from bot.text.normalize import fold
from bot.text.provinces import Gazetteer

SUMMARY_LINE_CHARS = 200
TITLE_CHARS = 180

MEETING_KINDS_VI = {
    "so_ket": "Hội nghị sơ kết",
    "tong_ket": "Hội nghị tổng kết",
    "ky_ket": "Ký kết phối hợp",
    "trien_khai": "Hội nghị triển khai",
    "quan_triet": "Hội nghị quán triệt",
    "bieu_duong": "Biểu dương, khen thưởng",
    "tap_huan": "Tập huấn",
    "giao_ban": "Giao ban",
    "doi_thoai": "Đối thoại",
    "toa_dam": "Tọa đàm",
    "hoi_thao": "Hội thảo",
    "khac": "Hội nghị",
}

LEVELS_VI = {
    "central": "Trung ương",
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
    "military": "Lực lượng vũ trang",
    "unknown": "",
}

# The six centrally governed cities; every other current unit is a "tỉnh".
_CITIES = {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Cần Thơ"}

_ID_RE = re.compile(r"#(\d{1,12})\b")
UNDATED = "chưa rõ ngày"


def unit_label(name: str) -> str:
    """``tỉnh Thái Nguyên``, ``thành phố Huế``, ``Thành phố Hồ Chí Minh``."""
    if name.lower().startswith("thành phố"):
        return name
    if name in _CITIES:
        return f"thành phố {name}"
    return f"tỉnh {name}"


def article_date(article: StoredArticle) -> str:
    """The event date in Vietnamese, else the publication date, else an empty string."""
    if article.event_date:
        try:
            return format_event_date(article.event_date)
        except ValueError:
            pass
    if article.published is not None:
        return format_date_vi(article.published.astimezone(VN_TZ).date())
    return ""


def current_units(gazetteer: Gazetteer) -> list[str]:
    """The 34 current units in Vietnamese alphabetical order: the order of every province
    list and picker, and the index a button carries instead of a name."""
    return sorted(gazetteer.current, key=sort_key)


def former_name(name: str, current: str, gazetteer: Gazetteer | None = None) -> str:
    """How a province named by its former name reads today: "Bắc Kạn (nay thuộc Thái
    Nguyên)" for a merged unit, "Thừa Thiên Huế (nay là thành phố Huế)" for a renamed one."""
    if name == current:
        return name
    if (gazetteer or Gazetteer.load()).is_new_name(name, current):
        return f"{name} (nay là {unit_label(current)})"
    return f"{name} (nay thuộc {current})"


def provinces_text(provinces: Iterable[ProvinceMention]) -> str:
    return ", ".join(former_name(p.name, p.current) for p in provinces)


def summary_command(article_id: int) -> str:
    """``/tomtat_12``: Telegram makes the whole of it one tappable command."""
    return f"/tomtat_{article_id}"


def repeats_title(title: str, summary: str) -> bool:
    """True when the summary starts by saying what the title says: a title derived from
    the lead (its first sentence, cut, the "Chiều 25/4," dropped) would be shown twice."""
    head = fold(title).rstrip(" .…")
    if len(head.split()) < 4:
        return False
    first = fold(summary).split(". ", 1)[0].rstrip(" .…")
    if len(first.split()) < 4:
        return False
    return head in first or first in head


def article_block(article: StoredArticle) -> str:
    """Title (link) with its #id, date and provinces, the one-tap summary command, and one
    line of summary (unless it only repeats the title)."""
    title = truncate(article.title, TITLE_CHARS) or "(không có tiêu đề)"
    lines = [f"<b>#{article.id}</b> {link(title, article.url)}"]
    meta = [m for m in (article_date(article) or UNDATED, provinces_text(article.provinces)) if m]
    lines.append("🗓 " + esc(" · ".join(meta)) + f" · {summary_command(article.id)}")
    summary = truncate(article.summary, SUMMARY_LINE_CHARS)
    if summary and not repeats_title(article.title, article.summary):
        lines.append(f"<i>{esc(summary)}</i>")
    return "\n".join(lines)


def article_detail(article: StoredArticle) -> str:
    """The /tomtat view: everything we know about one article, then its full summary. A
    title that the summary repeats is left out of the heading."""
    title = article.title or "(không có tiêu đề)"
    if article.summary.strip() and repeats_title(title, article.summary):
        lines = [f"<b>#{article.id} · Tóm tắt</b>"]
    else:
        lines = [f"<b>#{article.id} · {esc(title)}</b>"]
    lines.append(f"🗓 {esc(article_date(article) or UNDATED)}")
    where = provinces_text(article.provinces)
    if where:
        lines.append(f"📍 {esc(where)}")
    kind = MEETING_KINDS_VI.get(article.meeting_kind or "", "")
    level = LEVELS_VI.get(article.level, "")
    if kind or level:
        lines.append("🏛 " + esc(" · ".join(x for x in (kind, level) if x)))
    if article.chairs:
        lines.append("👤 Chủ trì: " + esc(", ".join(article.chairs)))
    paragraphs = ["\n".join(lines)]
    if article.summary.strip():
        paragraphs.append(esc(article.summary.strip()))
    if article.url:
        paragraphs.append(link("Đọc bài gốc", article.url))
    return "\n\n".join(paragraphs)


def article_ids_in(text: str | None) -> list[int]:
    """The ``#id`` marks in a message, in order, without repeats."""
    if not text:
        return []
    seen: list[int] = []
    for m in _ID_RE.finditer(text):
        n = int(m.group(1))
        if n not in seen:
            seen.append(n)
    return seen
