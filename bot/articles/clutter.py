"""Page clutter (pure): the lines of a news page that are not article text, by their shape.

Read by cleaning (which drops widgets and stamps) and by lead finding (which skips captions,
bylines, headings and outlet tags). Every recogniser looks at one line or one paragraph and
nothing else, so it holds on any site:

- widgets: print/share/font-size buttons, "Theo dõi ... trên Google News", view counters,
  skip links, hotlines, comment forms, image file names, template residue ("{keywords}");
- publication stamps in the shapes sites print them ("Cập nhật ngày: 14/03/2022 08:15:10",
  "Thứ Hai, 14/03/2022, 08:15 [GMT+7]", "(14:32 | 25/03/2020)", "10:05 22/07/2022",
  "07:50 - Thứ Hai, 04/07/2022 Lượt xem: 80") and the weekday banner of a site clock
  ("Thứ ba, 05/07/2022", no time of day), which dates nothing;
- outlet tags opening a lead ("(QNO) - ", "BBK - ", "(Baobacgiang.vn) – ");
- one-line bylines ("Minh Châu", "Hoàng Anh - Nam Khởi", "Tác giả: ...") and photo
  captions ("Quang cảnh hội nghị.", "... Ảnh: qdnd.vn", "X phát biểu tại hội nghị").
"""

from __future__ import annotations

import contextlib
import re
from datetime import date

from bot.text.sentences import UPPER

# --- publication stamps ---------------------------------------------------------------------

_LABEL = (
    r"(?:(?:ngày\s+)?cập\s+nhật(?:\s+(?:lúc|ngày|lần\s+cuối))?|ngày\s+đăng|đăng\s+(?:ngày|lúc)|"
    r"thời\s+gian(?:\s+đăng)?|(?:ngày\s+)?xuất\s+bản|ngày|đăng|published|updated|posted)"
    r"\s*:?\s*"
)
_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cn)"
_DATE = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>(?:19|20)\d{2})"
_DATE_B = _DATE.replace("P<d>", "P<d3>").replace("P<m>", "P<m3>").replace("P<y>", "P<y3>")
_DATE_WORDS = r"(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2}),?\s+(?P<y2>(?:19|20)\d{2})"
_TIME = r"\d{1,2}\s*[:hg]\s*\d{2}(?::\d{2})?(?:\s*(?:am|pm|sa|ch))?"
_ZONE = r"(?:\s*[\[(]?\s*(?:gmt|utc)\s*\+?\s*0?7(?::00)?\s*[\])]?)"
_SEP = r"\s*[,|\-–—]?\s*"
# Widget words that often stick to a stamp on flattened pages.
_STAMP_TAIL = (
    r"(?:\s*\|?\s*(?:lượt\s+(?:xem|đọc)\s*:?\s*[\d.,]+|in\s+bài(?:\s+viết)?|in\s+trang|"
    r"chia\s+sẻ|gửi\s+bài|bình\s+luận|a-\s*a\s*a\+|aa))*"
)
_STAMP = re.compile(
    rf"""^[(\[]?\s*(?P<label>{_LABEL})?
        (?P<t1>{_TIME})?{_SEP}(?P<wd>{_WEEKDAY})?{_SEP}
        (?:{_DATE}|{_DATE_WORDS})
        (?:{_SEP}(?P<t2>{_TIME}))?{_ZONE}?\s*[)\]]?{_STAMP_TAIL}\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# A stamp inside a paragraph of a flattened page: "... năm | 10:05 22/07/2022 | Chiều 20/7".
_INLINE_STAMP = re.compile(
    rf"""(?:^|\s)[|(]\s*(?:{_TIME}{_SEP}{_DATE}|{_DATE_B}{_SEP}{_TIME})\s*[|)](?:\s|$)""",
    re.IGNORECASE | re.VERBOSE,
)
# A stamp glued to the first word of the lead: "13/9/2023Cách đây 20 năm, ...".
_GLUED_STAMP = re.compile(rf"^{_DATE}\s*(?={UPPER})")


_DIGIT = re.compile(r"\d")


def _as_date(m: re.Match[str]) -> date | None:
    d, mo, y = m.group("d"), m.group("m"), m.group("y")
    for alt in ("2", "3"):  # the same date in another shape of the pattern
        if d is None and f"d{alt}" in m.re.groupindex:
            d, mo, y = m.group(f"d{alt}"), m.group(f"m{alt}"), m.group(f"y{alt}")
    if d is None:
        return None
    with contextlib.suppress(ValueError):
        return date(int(y), int(mo), int(d))
    return None


# A short line with a date, a time of day and nothing but CMS labels and counters:
# "cms-publish-date 07/07/2020 | 03:16 | cms-view-count: 1453".
_DATE_ANYWHERE = re.compile(_DATE)
_TIME_ANYWHERE = re.compile(rf"(?<![\d/]){_TIME}(?![\d/])", re.IGNORECASE)
_CMS_WORD = re.compile(r"^(?:[a-z]+(?:[-_][a-z]+)+|gmt|utc|view|views)$", re.IGNORECASE)


def stamp_date(line: str) -> date | None:
    """The date of a publication stamp that makes up the whole line, else None.

    A weekday with a date and no time of day is the banner of a site clock (today's date
    when the page was saved): it is no stamp and dates nothing."""
    if len(line) > 90 or _DIGIT.search(line, 0, 40) is None:
        return None
    m = _STAMP.match(line)
    if m is None:
        return _cms_stamp(line)
    if is_banner_match(m):
        return None
    return _as_date(m)


def _cms_stamp(line: str) -> date | None:
    d = _DATE_ANYWHERE.search(line)
    if d is None or _TIME_ANYWHERE.search(line) is None:
        return None
    rest = _TIME_ANYWHERE.sub(" ", _DATE_ANYWHERE.sub(" ", line))
    words = re.findall(r"[^\W\d_][\w\-]*", rest)
    if all(_CMS_WORD.match(w) for w in words):  # "10/07/2024 11:54 555": views
        return _as_date(d)
    return None


def read_stamp(line: str) -> tuple[bool, date | None]:
    """(True, its date) for a publication stamp, (True, None) for a site clock's banner,
    (False, None) for any other line."""
    if len(line) > 90 or _DIGIT.search(line, 0, 40) is None:
        return False, None
    m = _STAMP.match(line)
    if m is None:
        day = _cms_stamp(line)
        return day is not None, day
    if is_banner_match(m):
        return True, None
    return True, _as_date(m)


def is_banner(line: str) -> bool:
    """A site clock: "Thứ ba, 05/07/2022" (weekday and date, no time, no label)."""
    if len(line) > 60:
        return False
    m = _STAMP.match(line)
    return m is not None and is_banner_match(m)


def is_banner_match(m: re.Match[str]) -> bool:
    return bool(m.group("wd")) and not (m.group("t1") or m.group("t2") or m.group("label"))


def split_inline_stamp(paragraph: str) -> tuple[list[str], date | None]:
    """A paragraph cut at a stamp inside it ("headline | 10:05 22/07/2022 | lead"), or at a
    stamp glued to its first word; the pieces and the stamp's date."""
    if ("|" in paragraph or "(" in paragraph) and ":" in paragraph:
        m = _INLINE_STAMP.search(paragraph)
        if m is not None:
            pieces = [paragraph[: m.start()].strip(" |"), paragraph[m.end() :].strip(" |")]
            return [p for p in pieces if p], _as_date(m)
    if paragraph[:1].isdigit() and "/" in paragraph[1:3]:
        g = _GLUED_STAMP.match(paragraph)
        if g is not None:
            return [paragraph[g.end() :]], _as_date(g)
    return [paragraph], None


# --- widgets --------------------------------------------------------------------------------

WIDGET = re.compile(
    r"""^(?:
        in\ trang|in\ bài(?:\ viết|\ này)?|bản\ in|print|in
      | chia\ sẻ(?:\ bài\ viết)?:?|share|gửi\ bài|gửi\ email|gửi\ cho\ bạn\ bè|lưu\ bài|lưu\ tin
      | (?:facebook|twitter|zalo|email|tweet|like|linkedin|messenger)(?:\s*[|/,]?\s*\w+){0,4}
      | theo\ dõi\ .{0,80}\ trên\ (?:google\ news|facebook|zalo|youtube|tiktok)
      | (?:lượt\ xem|lượt\ đọc|lượt\ truy\ cập)\s*:?\s*[\d.,]*
      | bỏ\ qua\ liên\ kết.*|chuyển\ đến\ nội\ dung.*|skip\ to\ .{0,30}
      | (?:đường\ dây\ nóng|hotline)\b.{0,60}
      | (?:về\ )?đầu\ trang|quay\ lại|trở\ về|trang\ chủ(?:\s*[›>/»].{0,80})?
      | trả\ lời|gửi\ bình\ luận|bình\ luận(?:\s*\(\d+\))?
      | email\ của\ bạn\ sẽ\ không\ được\ hiển\ thị.*
      | phiên\ bản\ di\ động|responsive\ image|leftcenterrightdel|\{\w+\}
      | (?:cổng|trang)\ thông\ tin\ điện\ tử\b.{0,80}|báo\ điện\ tử\b.{0,60}
      | banner\b.{0,60}
      | [a-z0-9]+(?:[-_][a-z0-9.]+){3,}                          # an image file name
      | [\W_]{1,3}                                                 # stray punctuation
    )$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_widget(line: str) -> bool:
    """A page widget or template residue: never article text."""
    return len(line) <= 120 and WIDGET.match(line) is not None


# --- outlet tags ----------------------------------------------------------------------------

# "(QNO) - ", "(GLO)- ", "BBK - ", "VOV.VN - ", "QĐND Online – ", "(Baobacgiang.vn) – ".
_OUTLET = re.compile(
    r"^(?P<tag>\([\w.\- ]{2,30}\)|[A-ZĐ]{2,8}(?:\.[A-Za-z]{2,4}|\s+Online)?)\s*[-–—]\s*(?=\S)"
)


def outlet_tag(paragraph: str) -> tuple[str | None, str]:
    """The outlet tag opening a paragraph (without brackets) and the paragraph without it."""
    m = _OUTLET.match(paragraph)
    if m is None:
        return None, paragraph
    return m.group("tag").strip("() "), paragraph[m.end() :]


# --- bylines, captions, headings ------------------------------------------------------------

_NAME_WORD = rf"{UPPER}[\w’'.]*"
_BYLINE = re.compile(
    rf"""^(?:(?:tác\ giả|bài(?:\ và\ ảnh)?|tin(?:,?\ (?:và\ )?ảnh)?|ảnh|nhóm\ pv|pv)\s*:\s*.{{1,90}}
       |{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}(?:\s*[-–,/&]\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}){{0,3}}
        (?:\s*\((?:[^()]{{1,40}})\))?)$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_byline(line: str) -> bool:
    """A one-line author credit: names only, or "Tác giả: ...", "Bài và ảnh: ..."."""
    if len(line) > 100 or line.endswith((".", "!", "?", ":")) or any(c.isdigit() for c in line):
        return False
    m = _BYLINE.match(line)
    if m is None:
        return False
    if ":" in line:
        return True
    # Names only: every word capitalised (the regex is case-blind for the labels).
    words = re.split(r"[\s\-–,/&()]+", line)
    return all(w[:1].isupper() for w in words if w) and len(line) <= 50


_CAPTION_OPENER = re.compile(
    r"^(?:quang\s+cảnh|toàn\s+cảnh|một\s+góc|hình\s+ảnh|ảnh\s*:|các\s+đại\s+biểu|đại\s+biểu|"
    r"đại\s+diện\s+lãnh\s+đạo|tiết\s+mục|các\s+đồng\s+chí\s+lãnh\s+đạo|lãnh\s+đạo\s+\S+(?:\s+\S+)?"
    r"\s+(?:trao|tặng|chụp|thăm)|\(\s*ảnh)",
    re.IGNORECASE,
)
# A photo credit in a caption: "Ảnh: qdnd.vn", "(Ảnh: TTXVN)", "Ảnh minh họa".
_PHOTO_CREDITS = (
    *("ảnh:", "ảnh :", "(ảnh", "ảnh minh họa", "ảnh minh hoạ", "(hình từ internet)"),
    "nguồn ảnh",
)
_SPEAKER = re.compile(
    r"\bphát\s+biểu(?:\s+(?:tại|chỉ\s+đạo|khai\s+mạc|bế\s+mạc|kết\s+luận|ý\s+kiến)\b.{0,60})?"
    r"\.?$",
    re.IGNORECASE,
)
_TENSE = re.compile(r"\b(?:đã|vừa|sẽ|đang)\b|\d{1,2}\s*[/\-.]\s*\d{1,2}", re.IGNORECASE)


def is_caption(paragraph: str) -> bool:
    """A photo caption: it shows, it does not report (no tense, no date), and it is short."""
    if len(paragraph) > 220:
        return False
    low = paragraph.lower()
    if ("ảnh" in low or "hình" in low) and any(credit in low for credit in _PHOTO_CREDITS):
        return True
    if paragraph.startswith("(") and paragraph.endswith(")"):
        return True  # "(Hội viên nông dân làm đường bê tông)"
    if _CAPTION_OPENER.match(paragraph) is None and "phát biểu" not in low:
        return False
    if _TENSE.search(paragraph):
        return False
    return bool(_CAPTION_OPENER.match(paragraph) or _SPEAKER.search(paragraph))


_SENTENCE_END = (".", "!", "?", "…", "/.")
_SENTENCE_END_CHARS = frozenset(".!?…")
_CLOSERS = "\"”’»)]'"


def ends_a_sentence(text: str) -> bool:
    """Ends with a full stop, "!", "?" or "…", maybe inside closing quotes or brackets."""
    if text[-1:] in _SENTENCE_END_CHARS:
        return True
    return text.rstrip().rstrip(_CLOSERS).endswith(_SENTENCE_END)


def is_heading(paragraph: str) -> bool:
    """A headline, section label or sub-heading: short and without a final full stop."""
    return len(paragraph) <= 160 and not ends_a_sentence(paragraph)
