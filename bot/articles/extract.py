"""Extraction (pure): title, event date, provinces, level, meeting kind, chairs, summary.

Each rule reads the places a careful reader looks first: the headline, then the lead
paragraph (who met, where, when, and who chaired), then the rest. When the text does not
say, the field stays empty: a wrong province or year is worse than none.
"""

from __future__ import annotations

import re
from datetime import date

from bot.articles.clean import Cleaned
from bot.articles.model import Extraction
from bot.articles.summarize import summarize
from bot.text.date_mentions import DateMention, find_dates, year_near
from bot.text.provinces import Gazetteer
from bot.text.sentences import split_sentences

UNTITLED = "(Không có tiêu đề)"


def extract(
    cleaned: Cleaned,
    *,
    gazetteer: Gazetteer,
    given_title: str | None = None,
    published: date | None = None,
) -> Extraction:
    paragraphs = cleaned.paragraphs
    lead = paragraphs[0] if paragraphs else ""
    headline = (given_title or cleaned.headline or "").strip()
    title = headline or derive_title(lead)
    full_text = "\n".join([headline, *paragraphs]) if headline else "\n".join(paragraphs)
    published = published or cleaned.published
    return Extraction(
        title=title,
        published=published,
        event_date=event_date(paragraphs, cleaned.year_month, published),
        provinces=gazetteer.mentions(full_text),
        level=level_of(lead, full_text),
        meeting_kind=meeting_kind_of(headline, lead, "\n".join(paragraphs)),
        chairs=tuple(chairs_of(paragraphs)),
        summary=summarize(paragraphs, title=title),
    )


# --- title ---------------------------------------------------------------------------------

_LEAD_PREFIX = re.compile(
    r"^(?:(?:sáng|chiều|trưa|tối|đêm|ngày|hôm\s+nay|hôm\s+qua)[^,]{0,40},\s*)?"
    r"(?:(?:tại|ở)\s+[^,]{1,60},\s*)?",
    re.IGNORECASE,
)


def derive_title(lead: str, limit: int = 140) -> str:
    """A headline for a text that has none: its first sentence, without the when/where."""
    sentences = split_sentences(lead)
    if not sentences:
        return UNTITLED
    first = _LEAD_PREFIX.sub("", sentences[0]).rstrip(" .…/")
    if not first:
        return UNTITLED
    first = first[0].upper() + first[1:]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"


# --- event date ----------------------------------------------------------------------------

_PAST_RANGE = re.compile(r"\bqua\s*\(\s*(\d{4})\s*[-–]\s*(\d{4})\s*\)", re.IGNORECASE)
_YEAR_WORD = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
_CITED_BEFORE = re.compile(
    r"(?:nghị\s+quyết|chỉ\s+thị|kết\s+luận|quyết\s+định|quy\s+định|hướng\s+dẫn|luật|"
    r"số\s+\d+[\w\-/]*|ban\s+hành|khóa\s+[IVXL]+|khoá\s+[IVXL]+)[^.;]{0,25}$",
    re.IGNORECASE,
)
_REVIEW_WORDS = re.compile(r"tổng\s+kết|kết\s+quả|đã\s+đạt", re.IGNORECASE)
_PLAN_WORDS = re.compile(
    r"(?:nhiệm\s+vụ|phương\s+hướng|kế\s+hoạch|triển\s+khai|chương\s+trình\s+công\s+tác)"
    r"[^.;]{0,25}$",
    re.IGNORECASE,
)


def event_date(
    paragraphs: tuple[str, ...],
    year_month: tuple[int, int] | None,
    published: date | None,
) -> str | None:
    """The date of the event reported: ISO, ``--MM-DD`` when the year is unknown, or None."""
    mention = _event_mention(paragraphs)
    if mention is None:
        return None
    if mention.year is not None:
        return mention.iso()
    year = _infer_year(mention, paragraphs, year_month, published)
    if year is None:
        return mention.iso()
    try:
        return date(year, mention.month, mention.day).isoformat()
    except ValueError:  # 29/2 in a year that has none
        return mention.iso()


def _event_mention(paragraphs: tuple[str, ...]) -> DateMention | None:
    if not paragraphs:
        return None
    lead_dates = [d for d in find_dates(paragraphs[0]) if d.other is None]
    # The lead's first cued date is the event ("Chiều 25/4, ...", "Ngày 28/11, ...").
    for d in lead_dates:
        if d.cue in ("time", "ngay", "paren"):
            return d
    if lead_dates and lead_dates[0].start < 40:
        return lead_dates[0]
    # Otherwise a clause-initial "Sáng 9-8," further down (a lead that is a quote, say).
    for paragraph in paragraphs[1:4]:
        for d in find_dates(paragraph):
            if d.other is None and d.cue == "time" and d.start < 5:
                return d
    return None


def _infer_year(
    mention: DateMention,
    paragraphs: tuple[str, ...],
    year_month: tuple[int, int] | None,
    published: date | None,
) -> int | None:
    if year_month is not None:
        y, m = year_month
        return year_near(mention.day, mention.month, date(y, m, 28 if m == 2 else 30))
    if published is not None:
        return year_near(mention.day, mention.month, published)
    lead = paragraphs[0]
    # "6 tháng cuối năm 2023", "tổng kết công tác năm 2023": the year the lead is about,
    # not the year of a document it cites ("Kết luận số 114 năm 2015").
    found = [
        (int(m.group(1)), lead[max(0, m.start() - 40) : m.start()])
        for m in _YEAR_WORD.finditer(lead)
        if 1945 <= int(m.group(1)) <= 2100
    ]
    found = [(y, before) for y, before in found if not _CITED_BEFORE.search(before)]
    years = sorted({y for y, _ in found})
    if len(years) == 1:
        year = years[0]
        before = " ".join(b for _, b in found)
        if mention.month <= 2 and _REVIEW_WORDS.search(before):
            return year + 1  # "tổng kết năm 2023" held in January 2024
        if mention.month >= 11 and _PLAN_WORDS.search(before):
            return year - 1  # "triển khai nhiệm vụ năm 2024" held in December 2023
        return year
    if len(years) == 2 and years[1] == years[0] + 1:
        return years[1] if mention.month <= 6 else years[0]
    # "Trong 2 năm qua (2016-2018)": a review held at the end of the period.
    for paragraph in paragraphs:
        past = _PAST_RANGE.search(paragraph)
        if past:
            return int(past.group(2))
    return None


# --- level ---------------------------------------------------------------------------------

_CENTRAL_CITIES = ("Hà Nội", "Hồ Chí Minh", "HCM", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
_LEVEL_CUES: tuple[tuple[str, str], ...] = (
    (
        "military",
        r"Quân\s+khu|Quân\s+đoàn|Quân\s+chủng|Binh\s+chủng|Sư\s+đoàn|Lữ\s+đoàn|Trung\s+đoàn|"
        r"Bộ\s+đội\s+Biên\s+phòng|BĐBP|Bộ\s+Chỉ\s+huy\s+Quân\s+sự|Bộ\s+CHQS|Bộ\s+Tư\s+lệnh|"
        r"Cục\s+Chính\s+trị|Tổng\s+cục\s+Chính\s+trị|Bộ\s+Quốc\s+phòng|Cục\s+Dân\s+vận|"
        r"Đảng\s+ủy\s+Quân\s+sự|Quân\s+đội|Học\s+viện\s+(?:Chính\s+trị|Quốc\s+phòng)",
    ),
    (
        "central",
        r"(?:Ban|Ủy\s+ban|Văn\s+phòng|Hội\s+đồng)\s+[^,.;]{0,40}?Trung\s+ương|"
        r"Ban\s+Chỉ\s+đạo\s+(?:Tây\s+Bắc|Tây\s+Nguyên|Tây\s+Nam\s+Bộ)|Bộ\s+Chính\s+trị|"
        r"Ban\s+Bí\s+thư|Chính\s+phủ|Quốc\s+hội|Thủ\s+tướng|Bộ\s+Công\s+an|"
        r"Đảng\s+ủy\s+Khối[^,.;]{0,30}?Trung\s+ương|"
        r"Trung\s+ương\s+(?:Hội|Đoàn|MTTQ)|Bộ\s+(?:Nội\s+vụ|Tư\s+pháp|Y\s+tế|Giáo\s+dục|"
        r"Tài\s+chính|Văn\s+hóa|Nông\s+nghiệp|Lao\s+động|Thông\s+tin|Công\s+Thương|"
        r"Ngoại\s+giao|Kế\s+hoạch|Xây\s+dựng|Giao\s+thông|Khoa\s+học|Tài\s+nguyên)",
    ),
    (
        "commune",
        r"Đảng\s+ủy\s+(?:xã|phường|thị\s+trấn)|UBND\s+(?:xã|phường|thị\s+trấn)|"
        r"(?:xã|phường|thị\s+trấn)\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*|Khối\s+dân\s+vận\s+(?:xã|phường)",
    ),
    (
        "district",
        r"Huyện\s+ủy|Quận\s+ủy|Thị\s+ủy|UBND\s+(?:huyện|quận|thị\s+xã)|"
        r"(?:huyện|quận|thị\s+xã)\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*|Thành\s+ủy(?!\s+(?:Hà\s+Nội|TP|Hải|Đà|Cần|Huế))",
    ),
    (
        "province",
        r"Tỉnh\s+ủy|Thành\s+ủy|UBND\s+(?:tỉnh|thành\s+phố)|HĐND\s+tỉnh|"
        r"(?:Ban|Sở|Hội|Ủy\s+ban|Đảng\s+ủy|Đảng\s+bộ|Công\s+an)"
        r"[^,.;]{0,30}?\btỉnh\b|\btỉnh\s+[A-ZÀ-ỸĐ]|Tỉnh\s+đoàn|Công\s+an\s+tỉnh|\bTU\b",
    ),
)
_LEVEL_RX = [(level, re.compile(rx)) for level, rx in _LEVEL_CUES]
_WHERE_CLAUSE = re.compile(r"\b(?:tại|ở)\s+[^,]{1,60}(?:,|(?=\s+đã\s+diễn\s+ra))")


def level_of(lead: str, text: str) -> str:
    """Who held it: the level of the first organisation named in the lead sentence."""
    sentences = split_sentences(lead)
    first = sentences[0] if sentences else lead
    first = _LEAD_PREFIX.sub("", first)
    first = _WHERE_CLAUSE.sub(" ", first)  # "tại tỉnh Yên Bái" is where, not who
    best: tuple[int, str] | None = None
    for level, rx in _LEVEL_RX:
        m = rx.search(first)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), level)
    if best is not None:
        level = best[1]
        city_committee = "Thành ủy" in first[best[0] : best[0] + 12]
        if level == "district" and city_committee and any(c in first for c in _CENTRAL_CITIES):
            return "province"
        return level
    # Nothing in the lead: the most frequent cue in the whole text.
    counts = {level: len(rx.findall(text)) for level, rx in _LEVEL_RX}
    level, n = max(counts.items(), key=lambda kv: kv[1])
    return level if n >= 2 else "unknown"


# --- meeting kind --------------------------------------------------------------------------

_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (
        "so_ket",
        r"sơ\s+kết|đánh\s+giá\s+(?:kết\s+quả\s+)?(?:\d+|một|hai|ba|năm)\s+năm|giữa\s+nhiệm\s+kỳ",
    ),
    ("tong_ket", r"tổng\s+kết"),
    ("ky_ket", r"ký\s+kết|ký\s+(?:chương\s+trình|quy\s+chế)\s+phối\s+hợp"),
    ("quan_triet", r"quán\s+triệt|học\s+tập,?\s+quán\s+triệt|nghiên\s+cứu,?\s+học\s+tập"),
    ("bieu_duong", r"biểu\s+dương|tuyên\s+dương|tôn\s+vinh|vinh\s+danh|khen\s+thưởng"),
    ("tap_huan", r"tập\s+huấn|bồi\s+dưỡng(?:\s+nghiệp\s+vụ|\s+kiến\s+thức|\s+cán\s+bộ)"),
    ("giao_ban", r"giao\s+ban"),
    ("doi_thoai", r"đối\s+thoại"),
    ("toa_dam", r"tọa\s+đàm|toạ\s+đàm"),
    ("hoi_thao", r"hội\s+thảo"),
    ("trien_khai", r"triển\s+khai"),
)
_KIND_RX = [(k, re.compile(rx, re.IGNORECASE)) for k, rx in _KIND_WORDS]
_MEETING_NOUN = re.compile(
    r"(?:hội\s+nghị|hội\s+thảo|tọa\s+đàm|toạ\s+đàm|lễ\s+ký\s+kết|lễ\s+biểu\s+dương|"
    r"lễ\s+tuyên\s+dương|lễ\s+phát\s+động|lễ\s+ra\s+mắt|lễ\s+trao|buổi\s+làm\s+việc|"
    r"buổi\s+đối\s+thoại|buổi\s+giao\s+ban|giao\s+ban|lớp\s+tập\s+huấn|lớp\s+bồi\s+dưỡng|"
    r"tập\s+huấn|đối\s+thoại|cuộc\s+họp|phiên\s+họp|đại\s+hội)",
    re.IGNORECASE,
)
_HELD = re.compile(
    r"tổ\s+chức|diễn\s+ra|khai\s+mạc|bế\s+mạc|chủ\s+trì|họp|tiến\s+hành|làm\s+việc|"
    r"đã\s+có\s+buổi|dự\s+hội\s+nghị",
    re.IGNORECASE,
)
_PROGRAMME = re.compile(
    r"phối\s+hợp|thực\s+hiện|chương\s+trình|quy\s+chế|đánh\s+giá", re.IGNORECASE
)
_REVIEW = re.compile(
    r"\b\d+\s+năm\s+qua\b|trong\s+thời\s+gian\s+qua|kết\s+quả\s+(?:thực\s+hiện|phối\s+hợp)",
    re.IGNORECASE,
)


def _meeting_phrase(text: str) -> str | None:
    """The words that name the meeting: "Hội nghị sơ kết 5 năm thực hiện ...", ~14 words."""
    m = _MEETING_NOUN.search(text)
    if not m:
        return None
    rest = text[m.start() :]
    return " ".join(rest.split()[:16])


def _first_kind(phrase: str) -> str | None:
    best: tuple[int, str] | None = None
    for kind, rx in _KIND_RX:
        m = rx.search(phrase)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    return best[1] if best else None


def meeting_kind_of(headline: str, lead: str, body: str) -> str | None:
    """The kind of meeting the article reports, or None when it reports no meeting."""
    lead_phrase = _meeting_phrase(lead)
    head_phrase = _meeting_phrase(headline) if headline else None
    is_meeting = (lead_phrase is not None and _HELD.search(lead) is not None) or (
        head_phrase is not None
    )
    if not is_meeting:
        return None
    for phrase in (head_phrase, lead_phrase):
        if phrase:
            kind = _first_kind(phrase)
            if kind:
                return kind
    # The meeting's name says nothing; a meeting about a programme or a coordination
    # agreement that reviews "the past N years" is a review (sơ kết).
    name = head_phrase or lead_phrase or ""
    if _PROGRAMME.search(name) and _REVIEW.search(body):
        return "so_ket"
    kind = _first_kind(lead)
    return kind or "khac"


# --- chairs --------------------------------------------------------------------------------

_HONORIFIC = (
    r"(?:các\s+đồng\s+chí\s*:?|đồng\s+chí|ông|bà|"
    r"(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)|Chuẩn\s+đô\s+đốc|"
    r"(?:GS|PGS|TS|ThS|NGƯT|NSND|NSƯT)[.\s]*(?:TS\.?\s*)?)"
)
_PERSON = r"[A-ZÀ-ỸĐ][\wÀ-ỹ’'`]*(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹ’'`]*){1,4}"
# Words that start a title or an organisation, never a name ("Chủ [tịch]", "Phó", "Bộ").
# "Chính", "Trung", "Đại", "Thường" are left out: they are common given names.
_TITLE_WORDS = frozenset(
    """phó ủy uỷ chủ trưởng bí giám chánh tổng ubnd hđnd mttq bộ sở cục vụ viện
    ban hội tỉnh huyện xã phường quận""".split()
)
_CHAIR_VERB = re.compile(r"(?:đồng\s+)?chủ\s+trì", re.IGNORECASE)
# Chairs named after the verb: "Chủ trì hội nghị có ...", "dưới sự chủ trì của ...".
_CHAIR_FIRST = re.compile(
    r"^(?:đồng\s+)?chủ\s+trì\s+(?:hội\s+nghị|buổi\s+\w+|lễ\s+\w+|tọa\s+đàm|hội\s+thảo)?\s*"
    r"(?:có|là|gồm)\b",
    re.IGNORECASE,
)
_CHAIR_OF = re.compile(r"\bsự\s+(?:đồng\s+)?chủ\s+trì\s+của\s+", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(rf"\s*(?:;|\s[-–]\s|,?\s+và\s+|,\s+)(?={_HONORIFIC}\s)", re.IGNORECASE)


def chairs_of(paragraphs: tuple[str, ...]) -> list[str]:
    """People who chaired (chủ trì / đồng chủ trì), as written; attending is not chairing."""
    names: list[str] = []
    for paragraph in paragraphs[:6]:
        for sentence in split_sentences(paragraph):
            for name in _chairs_in_sentence(sentence):
                if name not in names:
                    names.append(name)
        if names:
            break
    return names


def _chairs_in_sentence(sentence: str) -> list[str]:
    m = _CHAIR_VERB.search(sentence)
    if not m:
        return []
    first = _CHAIR_FIRST.match(sentence.strip())
    of = _CHAIR_OF.search(sentence)
    if first:
        clause = sentence.strip()[first.end() :]  # "Chủ trì hội nghị có đồng chí X, ...; Y"
    elif of:
        clause = sentence[of.end() :]
    else:
        clause = sentence[: m.start()]
        # Only the clause that ends at "chủ trì": after the last full stop or "Dự ..." list.
        clause = re.split(r"(?:^|[.;]\s+)(?=Dự\s|Tham\s+dự|Cùng\s+dự)", clause)[-1]
        clause = re.sub(r"^.*?\bdo\s+(?=" + _HONORIFIC + ")", "", clause, flags=re.IGNORECASE)
    out: list[str] = []
    for segment in re.split(r"\s*;\s*", clause):
        for part in _SEGMENT_SPLIT.split(segment):
            name = _name_in(part)
            if name:
                out.append(name)
    return out


_HONORIFIC_START = re.compile(rf"^\s*{_HONORIFIC}\s*", re.IGNORECASE)
_PERSON_START = re.compile(rf"^({_PERSON})")


def _name_in(part: str) -> str | None:
    """The person at the start of "đồng chí Ma Từ Đông Điền, Ủy viên ..."."""
    m = _HONORIFIC_START.match(part)
    rest = part[m.end() :] if m else part
    if not m and not re.search(r"^\s*[A-ZÀ-ỸĐ]", part):
        return None
    rest = rest.split(",")[0].strip()
    pm = _PERSON_START.match(rest)
    if not pm:
        return None
    words = pm.group(1).split()
    # Stop at the first word that starts a title ("Nguyễn Văn A Phó Chủ tịch").
    kept: list[str] = []
    for w in words:
        if w.lower() in _TITLE_WORDS and len(kept) >= 2:
            break
        kept.append(w)
    if len(kept) < 2 or kept[0].lower() in _TITLE_WORDS:
        return None
    if not m and len(pm.group(1)) != len(rest):
        return None  # no honorific and more text follows: a title or organisation
    return " ".join(kept)
