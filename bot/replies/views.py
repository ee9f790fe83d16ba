"""How an article looks in a reply: one compact block per article, and the full summary.

Pure: everything comes in as arguments. Every string from the archive is escaped here.
The visible ``#id`` lets a user reply to a list message with /tomtat and be understood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.articles.model import ProvinceMention, StoredArticle
from bot.replies.render import esc, link, truncate
from bot.text.dates import VN_TZ, format_date_vi, format_event_date

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


def provinces_text(provinces: Iterable[ProvinceMention]) -> str:
    names = []
    for p in provinces:
        names.append(p.name if p.name == p.current else f"{p.name} (nay thuộc {p.current})")
    return ", ".join(names)


def article_block(article: StoredArticle) -> str:
    """Title (link) with its #id, date and provinces, and one line of summary."""
    title = truncate(article.title, TITLE_CHARS) or "(không có tiêu đề)"
    lines = [f"<b>#{article.id}</b> {link(title, article.url)}"]
    meta = [m for m in (article_date(article), provinces_text(article.provinces)) if m]
    if meta:
        lines.append("🗓 " + esc(" · ".join(meta)))
    summary = truncate(article.summary, SUMMARY_LINE_CHARS)
    if summary:
        lines.append(f"<i>{esc(summary)}</i>")
    return "\n".join(lines)


def article_detail(article: StoredArticle) -> str:
    """The /tomtat view: everything we know about one article, then its full summary."""
    title = article.title or "(không có tiêu đề)"
    lines = [f"<b>#{article.id} · {esc(title)}</b>"]
    date_text = article_date(article)
    if date_text:
        lines.append(f"🗓 {esc(date_text)}")
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
