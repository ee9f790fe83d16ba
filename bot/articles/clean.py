"""Cleaning (pure): NFC, odd spaces, site chrome and boilerplate, repeated captions/paragraphs.

Rules come from real pages (see ``../shared/seeds``): video-player residue, visitor counters,
font-size widgets, search boxes, "Xem thêm"/"Các tin khác" link lists, photo captions
repeated with "ảnh 1", duplicated lead paragraphs, agency datelines ("BBK - "), credits
("Tin và ảnh: ...", "Theo Dangcongsan.vn"). Paragraph structure is kept; a real sentence is
never dropped: chrome is recognised by its shape, and everything after the end-of-article
marker "/." is kept unless it is short chrome.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date

from bot.articles.clutter import (
    is_byline,
    is_caption,
    is_widget,
    outlet_tag,
    read_stamp,
    split_inline_stamp,
)
from bot.articles.lead import find_lead
from bot.text.normalize import clean_nfc, squeeze_spaces


@dataclass(frozen=True)
class Cleaned:
    headline: str | None  # a headline found at the top of the text
    paragraphs: tuple[str, ...]  # body paragraphs, headline excluded
    year_month: tuple[int, int] | None = None  # from a "date 2024-04" marker
    credits: tuple[str, ...] = ()  # "Theo Dangcongsan.vn", "Tin và ảnh: ..." (not body)
    published: date | None = None  # from a publication stamp: "Ngày đăng: 25/04/2024 16:35"
    lead: int = 0  # index of the lead paragraph (bot.articles.lead.find_lead)
    outlet: str | None = None  # the outlet tag that opened the lead: "QNO", "Baobacgiang.vn"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


# Whole lines that are page chrome, never article text.
_CHROME_LINE = re.compile(
    r"""^(?:
        \d{1,2}:\d{2}(?:\s*/\s*\d{1,2}:\d{2})?           # video player "0:00 / 0:00"
      | xem\ thêm\.?:?
      | xem\ với\ cỡ\ chữ.*
      | cỡ\ chữ.*
      | thống\ kê\ truy\ cập
      | số\ lượng\ và\ lượt\ người\ truy\ cập
      | [•·\-*]?\s*(?:online|hôm\ nay|hôm\ qua|tuần\ này|tháng\ này|tổng|đang\ truy\ cập|
                     lượt\ truy\ cập|truy\ cập)\s*:?\s*[\d.,]+
      | (?:in\ bài|chia\ sẻ|bình\ luận|gửi\ email|lưu\ bài|quay\ lại|về\ đầu\ trang|
           đầu\ trang|bản\ in|print|facebook|twitter|zalo|email)(?:\s*[|/]\s*\w+)*\s*
      | tìm\ kiếm\ theo:?.*
      | từ\ khóa:?.*|từ\ khoá:?.*|tags?:.*
      | chuyên\ mục\ này.*
      | tất\ cả\ các\ chuyên\ mục
      | a-\s*a\s*a\+
      | một\ số\ hình\ ảnh(?:\ tại\ hội\ nghị)?.{0,40}
      | (?:ảnh|video|clip)\s*:\s*\S.{0,60}
      | \(?(?:ảnh|nguồn)\s*:.{0,60}\)?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Headings after which the page lists other articles: cut from there to the end.
_RELATED_HEADING = re.compile(
    r"""^(?:các\ tin\ khác|tin\ khác|tin\ liên\ quan|bài\ liên\ quan|tin\ cùng\ chuyên\ mục|
        bài\ viết\ liên\ quan|tin\ bài\ liên\ quan|tin\ đã\ đưa|các\ tin\ đã\ đưa(?:\ ngày)?|
        xem\ tiếp|đọc\ thêm|tin\ mới\ nhất|tin\ đọc\ nhiều|có\ thể\ bạn\ quan\ tâm)\s*:?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

_CREDIT = re.compile(
    r"^(?:theo\s+\S+(?:\s+\S+){0,3}|tin\s*(?:và|,|&)\s*ảnh\s*:.*|tin\s*:\s*.{0,60}|"
    r"bài\s*(?:và\s*ảnh)?\s*:.{0,60}|nguồn\s*:.{0,80}|\S+(?:\s+\S+){0,3}\s*\(tổng hợp\))$",
    re.IGNORECASE,
)

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?\s*", re.IGNORECASE)
# "Theo dõi Báo Gia Lai trên Google News": a widget that names the outlet.
_FOLLOW_OUTLET = re.compile(r"^theo\s+dõi\s+(.{2,80}?)\s+trên\s+\w+(?:\s+\w+)?$", re.IGNORECASE)
_TOP_LINES = 6  # stamps and flattened headers sit within the first lines of a page
_CAPTION_SUFFIX = re.compile(r"\s*ảnh\s+\d{1,2}\s*$", re.IGNORECASE)
_CAPTION_TAIL = 12  # the suffix is found in this many last characters (spaces are squeezed)


def _caption_suffix(line: str) -> re.Match[str] | None:
    # An end-anchored search scans the whole line from the start: look at the tail only.
    return _CAPTION_SUFFIX.search(line, max(0, len(line) - _CAPTION_TAIL))


def _has_end_mark(line: str) -> bool:
    """Ends with the end-of-article marker "/." (also written ".../." and "…/.")."""
    return line.rstrip().endswith("/.")


def _norm_key(paragraph: str) -> str:
    return " ".join(paragraph.lower().split()).rstrip(" .")


def _line_key(line: str) -> str:
    """_norm_key of a cleaned line: its only white space is single plain spaces."""
    return line.lower().rstrip(" .")


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Clean one article's text. ``title``, when the source knows it, is removed from the
    top of the body instead of being detected."""
    text = squeeze_spaces(clean_nfc(text))
    lines = [line for line in text.split("\n") if line]

    year_month: tuple[int, int] | None = None
    published: date | None = None
    if lines:
        m = _DATE_MARKER.match(lines[0])
        if m:
            year_month = (int(m.group(1)), int(m.group(2)))
            if m.group(3):  # "date 2025-10-16": the page's own date
                with contextlib.suppress(ValueError):
                    published = date(year_month[0], year_month[1], int(m.group(3)))
            lines[0] = lines[0][m.end() :]
            if not lines[0]:
                lines.pop(0)

    # Cut the related-articles list and everything after it.
    for i, line in enumerate(lines):
        if i > 0 and _RELATED_HEADING.match(line):
            lines = lines[:i]
            break

    kept: list[str] = []
    credits: list[str] = []
    for line in lines:
        size = len(line)
        if _CHROME_LINE.match(line) or (size <= 120 and is_widget(line)):
            followed = _FOLLOW_OUTLET.match(line)  # "Theo dõi Báo Gia Lai trên Google News"
            if followed:
                credits.append(followed.group(1))
            continue
        if size <= 90:
            dated, stamp = read_stamp(line)
            if dated:  # a publication stamp (the article's date, not text) or a site clock
                if stamp is not None and published is None and len(kept) <= _TOP_LINES:
                    published = stamp
                continue
        if size <= 80 and _CREDIT.match(line):
            credits.append(line)
            continue
        if len(kept) <= _TOP_LINES and ":" in line:  # "headline | 10:05 22/07/2022 | lead"
            pieces, inline = split_inline_stamp(line)
            if inline is not None and published is None:
                published = inline
            kept.extend(pieces)
        else:
            kept.append(line)

    # Photo captions repeated with "ảnh N": keep the plain copy, drop the numbered one.
    keyed = [(line, _line_key(line)) for line in kept]
    plain = {key for _, key in keyed}
    deduped: list[tuple[str, str]] = []
    for line, key in keyed:
        suffix = _caption_suffix(line)
        if suffix:
            line = line[: suffix.start()]
            key = _line_key(line)
            if key in plain:
                continue
        deduped.append((line, key))

    # Repeated paragraphs (duplicated lead, repeated captions): first occurrence wins.
    seen: set[str] = set()
    unique: list[tuple[str, str]] = []
    for line, key in deduped:
        if key in seen and len(key) > 0:
            continue
        seen.add(key)
        unique.append((line, key))

    # Short chrome after the end-of-article marker ("…/.") is not article text.
    for i, (line, _) in enumerate(unique):
        if _has_end_mark(line):
            tail = unique[i + 1 :]
            if all(len(t) < 80 and not t.endswith((".", "…")) for t, _ in tail):
                unique = unique[: i + 1]
            break

    headline: str | None = None
    if title:
        t_key = _norm_key(clean_nfc(title))
        paragraphs = [line for line, key in unique if key != t_key]
    else:
        paragraphs = [line for line, _ in unique]
        if paragraphs and looks_like_headline(paragraphs[0]) and len(paragraphs) > 1:
            headline = paragraphs.pop(0)

    lead = find_lead(paragraphs)
    outlet: str | None = None
    if paragraphs:
        outlet, paragraphs[lead] = outlet_tag(paragraphs[lead])
    return Cleaned(headline, tuple(paragraphs), year_month, tuple(credits), published, lead, outlet)


def looks_like_headline(line: str) -> bool:
    """A first line that is a headline: short, no final full stop, not a dated lead."""
    if len(line) > 250 or len(line) < 15:
        return False
    if line.endswith((".", "…", ":", ";", ",")) or line.endswith("/."):
        return False
    if is_caption(line) or is_byline(line):
        return False
    if re.match(r"^(?:sáng|chiều|trưa|tối|ngày|hôm nay|hôm qua|đêm)\b", line, re.IGNORECASE):
        return False
    return len(line.split()) >= 4
