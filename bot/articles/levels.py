"""The level (pure): central, province, district, commune or military.

For a reported event, the level of the highest body that organised or hosted it. The
organisers are the subject of the event sentence ("X phối hợp với Y tổ chức ...", "Liên hoan
... do X tổ chức"), split into bodies; each body's level is its first level word: its own
kind ("Tỉnh ủy", "Sở", "Công an") or the unit it belongs to ("Ủy ban MTTQ huyện", "Đảng ủy
phường An Đông, TP HCM" is a ward body). The army, border guard and police are
``military`` when they lead. A city committee (Thành ủy, "thành phố") is a province for a
centrally-run city and a district otherwise. A bare body ("Ban Dân vận") takes the level
it is given elsewhere in the text ("Ban Dân vận Trung ương").

A text that reports no event (or does not say who held it) takes the level of its subject:
the first body or unit it is about ("trong tỉnh Vĩnh Long", "huyện Sơn Dương", "quân đội"),
else its national scope ("cả nước", "Đảng ta", "Chính phủ"), else ``unknown``. Cited
documents ("Nghị quyết số 04 của Ủy ban Trung ương ...") are not the subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.articles.clutter import is_byline
from bot.articles.event import Event
from bot.text.sentences import UPPER

_CENTRAL_CITY = (
    r"(?:Hà\s+Nội|(?:Hồ\s+Chí\s+Minh|HCM|\.HCM)|Hải\s+Phòng|Đà\s+Nẵng|Cần\s+Thơ|Huế|Thủ\s+đô)"
)
_CUES = re.compile(
    rf"""\b(?:(?P<military>(?-i:Quân\s+khu|Quân\s+đoàn|Quân\s+chủng|Binh\s+chủng|Binh\s+đoàn|
        Sư\s+đoàn|Lữ\s+đoàn|Trung\s+đoàn|Tiểu\s+đoàn)|bộ\s+đội|(?-i:BĐBP|BCH|LLVT|QĐND|CAND|CATP)|
        biên\s+phòng|bộ\s+chỉ\s+huy|(?-i:Bộ\s+CHQS|Ban\s+CHQS|Bộ\s+CH)|bộ\s+tư\s+lệnh|
        bộ\s+tham\s+mưu|cục\s+chính\s+trị|tổng\s+cục\s+chính\s+trị|bộ\s+quốc\s+phòng|
        cục\s+dân\s+vận|đảng\s+ủy\s+quân\s+sự|quân\s+ủy|quân\s+đội|hải\s+quân|
        cảnh\s+sát|công\s+an|lực\s+lượng\s+vũ\s+trang|trường\s+sĩ\s+quan|dân\s+quân|
        quân\s+sự|học\s+viện\s+(?:chính\s+trị(?!\s+quốc\s+gia)|quốc\s+phòng|lục\s+quân|
        biên\s+phòng|an\s+ninh))
      |(?P<central>(?<!thuộc\s)trung\s+ương|(?-i:TƯ|T\.Ư|TW)\b|chính\s+phủ|
        quốc\s+hội|(?-i:Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư)|thủ\s+tướng|chủ\s+tịch\s+nước|
        tổng\s+bí\s+thư|
        (?-i:Bộ\s+(?!Chỉ|CH|Tư\s+lệnh|Tham|Quốc\s+phòng|Công\s+an|đội|phận)[A-ZĐ]\w*)|
        ủy\s+ban\s+dân\s+tộc(?!\s+(?:tỉnh|huyện))|tổng\s+liên\s+đoàn|toàn\s+quốc|
        ban\s+chỉ\s+đạo\s+tây\s+(?:bắc|nguyên|nam\s+bộ)|học\s+viện\s+chính\s+trị\s+quốc\s+gia)
      |(?P<national>(?:mặt\s+trận\s+tổ\s+quốc|mttq|liên\s+hiệp\s+phụ\s+nữ|nông\s+dân|cựu\s+chiến\s+binh)
        \s+việt\s+nam(?!\s+(?:tỉnh|huyện|quận|thị|thành|xã|phường|(?-i:TP|{UPPER}))))
      |(?P<city>thành\s+(?:ủy|uỷ)|thành\s+phố|(?-i:TP\.?|Tp\.?)\s*)
      |(?P<province>tỉnh|(?-i:TU\b|Sở\s)|hđnd\s+tỉnh)
      |(?P<district>huyện|quận|thị\s+xã|thị\s+ủy|thị\s+đoàn|(?-i:TX\b\.?))
      |(?P<commune>(?<!tấn\s)xã(?!\s+hội)|phường|thị\s+trấn))""",
    re.IGNORECASE | re.VERBOSE,
)
_NATIONAL = re.compile(
    r"cả\s+nước|toàn\s+quốc|đảng\s+ta|nước\s+ta|của\s+đảng\b|(?-i:Đảng\s+Cộng\s+sản\s+Việt\s+Nam)|"
    r"nhà\s+nước\s+ta|toàn\s+quân",
    re.IGNORECASE,
)
_RANK = {"central": 4, "province": 3, "district": 2, "commune": 1}
_AFTER_CITY = re.compile(
    rf"\s*(?:thành\s+phố\s+|TP\.?\s*|Tp\.?\s*)?({_CENTRAL_CITY}|(?-i:{UPPER}))", re.IGNORECASE
)
_ORG_SPLIT = re.compile(
    r"\s+(?:phối\s+hợp\s+(?:với|cùng)|phối\s+hợp|cùng\s+với|cùng|với|và)\s+|;\s*|"
    r",\s+(?=(?:ban|ủy\s+ban|ub|ubnd|hđnd|hội|sở|phòng|trường|trung\s+tâm|đảng\s+ủy|"
    r"huyện\s+ủy|tỉnh\s+ủy|thành\s+ủy|mttq|mặt\s+trận|liên\s+đoàn|công\s+an|bộ|cục|viện|"
    r"đoàn|tỉnh\s+đoàn|huyện\s+đoàn|thường\s+trực|chi\s+bộ|khối|cụm|báo|đài|văn\s+phòng|"
    r"học\s+viện)\b)",
    re.IGNORECASE,
)
# Where and when are not who: "Sáng 12/3,", "tại tỉnh Yên Bái đã diễn ra".
_WHERE = re.compile(r"\b(?:tại|ở)\s+[^,]{1,60}(?:,|(?=\s+đã\s+diễn\s+ra)|$)", re.IGNORECASE)
# Central membership is a title, not the body: "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy".
_TITLE = re.compile(
    r"\b(?:ủy|uỷ)\s+viên\s+(?:dự\s+khuyết\s+)?(?:ban\s+chấp\s+hành\s+)?trung\s+ương(?:\s+đảng)?|"
    r"\bUVTW\b(?:\s+Đảng)?",
    re.IGNORECASE,
)
_CITED = re.compile(
    r"(?<=\S)\s+(?:(?:theo|của|tại|thực\s+hiện)\s+)?(?-i:Nghị\s+quyết|Chỉ\s+thị|Kết\s+luận|"
    r"Quyết\s+định|Luật|Thông\s+báo|Hướng\s+dẫn|Thông\s+tri|Điều\s+lệ)\b[^.;]*",
    re.IGNORECASE,
)
_ANNIVERSARY = re.compile(r"\d+\s+năm\s+(?:ngày|Ngày)[^;()]{0,90}\([^)]*\)", re.IGNORECASE)
_BODY_HEAD = re.compile(
    r"^(?:ban\s+thường\s+trực\s+|thường\s+trực\s+|ban\s+thường\s+vụ\s+|lãnh\s+đạo\s+)?"
    r"((?:ban|ủy\s+ban|hội|đoàn|mặt\s+trận|liên\s+đoàn|trung\s+tâm|đảng\s+ủy)(?:\s+\S+){1,3})",
    re.IGNORECASE,
)
_BODY_END = re.compile(
    r"\s(?:đã|vừa|có|phối\s+hợp|chủ\s+trì|cùng|và|tổ\s+chức|là|được|trong|tại)\b", re.IGNORECASE
)
FOLLOWING = 3  # paragraphs after the lead read for the subject of a text without event


def level_of(
    event: Event | None,
    paragraphs: Sequence[str],
    lead: int = 0,
    *,
    headline: str = "",
    central_city: bool | Callable[[], bool] = False,
    names_province: Callable[[str], bool] = lambda _: False,
) -> str:
    """The level of the event's organisers, else of the text's subject. ``central_city``:
    whether the text names a centrally-run city (a bare "Thành ủy" is then that city's),
    or a function that tells, asked only when a bare city body is named;
    ``names_province``: whether a piece of text names a province (a body named after one,
    like "Mặt trận Tổ quốc Bến Tre", is a provincial body)."""
    city = central_city if isinstance(central_city, bool) else _Lazy(central_city)
    if event is not None:
        level = _organisers_level(event.subject, city, names_province)
        level = _with_visitors(level, event.name, city)
        if level is None:
            level = _same_body_elsewhere(event.subject, paragraphs, city)
        if level is None:
            level = _first_level(event.name, city) or _scope_of(event.sentence, city)
        if level is not None:
            return level
    return subject_level(paragraphs, lead, headline=headline, central_city=city)


# A delegation the organisers work with or receive: "làm việc với đoàn công tác Ban Dân
# vận Trung ương" is a central delegation visiting.
_VISITORS = re.compile(
    r"\b(?:với|tiếp|đón)\s+(?:các\s+)?đoàn\s+(?:công\s+tác|đại\s+biểu|khảo\s+sát|kiểm\s+tra|"
    r"giám\s+sát)\s+([^,.;]{0,80})",
    re.IGNORECASE,
)


def _with_visitors(level: str | None, name: str, city: bool | _Lazy) -> str | None:
    """The organisers' level, raised to that of a delegation they host (a central
    delegation visiting makes a central event)."""
    visit = _VISITORS.search(name) if "đoàn" in name.lower() else None
    if visit is None or level == "military":
        return level
    guest = _first_level(visit.group(1), city)
    if guest in _RANK and (level not in _RANK or _RANK[guest] > _RANK[level]):
        return guest
    return level


class _Lazy:
    """A yes/no answer computed the first time it is asked."""

    def __init__(self, ask: Callable[[], bool]) -> None:
        self._ask: Callable[[], bool] | None = ask
        self._answer = False

    def __bool__(self) -> bool:
        if self._ask is not None:
            self._answer, self._ask = self._ask(), None
        return self._answer


def subject_level(
    paragraphs: Sequence[str],
    lead: int = 0,
    *,
    headline: str = "",
    central_city: bool | _Lazy = False,
) -> str:
    """The level of what a text is about: its lead first, then the paragraphs after it,
    its headline, and the lines above the lead."""
    order = [*paragraphs[lead : lead + 1 + FOLLOWING], headline, *paragraphs[:lead]]
    for text in order:
        level = _scope_of(text, central_city)
        if level is not None:
            return level
    return "unknown"


def _scope_of(text: str, central_city: bool | _Lazy) -> str | None:
    if not text:
        return None
    if is_byline(text):
        return None  # "Tác giả: ...": who wrote it, not what it is about
    text = _ANNIVERSARY.sub(" ", _CITED.sub(" ", _TITLE.sub(" ", text)))
    levels = [_cue_level(m, text, central_city) for m in _CUES.finditer(text)]
    if "military" in levels:
        return "military"
    bodies = [lv for lv in levels if lv != "national"]
    if bodies:
        return bodies[0]
    # Only national scope: a national body ("MTTQ Việt Nam") or "cả nước", "Đảng ta".
    return "central" if levels or _NATIONAL.search(text) else None


def _organisers_level(
    subject: str, central_city: bool | _Lazy, names_province: Callable[[str], bool]
) -> str | None:
    subject = _TITLE.sub(" ", _WHERE.sub(" ", subject))
    levels: list[str] = []
    for body in _ORG_SPLIT.split(subject):
        level = _first_level(body, central_city)
        if level == "national":
            level = "central"
        if level is None and names_province(body):
            level = "province"  # "Mặt trận Tổ quốc Bến Tre, Trà Vinh ..."
        if level is not None:
            levels.append(level)
    if not levels:
        return None
    if levels[0] == "military":
        return "military"
    civil = [lv for lv in levels if lv in _RANK]
    if not civil:
        return "military"
    return max(civil, key=_RANK.__getitem__)


def _first_level(text: str, central_city: bool | _Lazy) -> str | None:
    m = _CUES.search(text)
    if m is None:
        return None
    level = _cue_level(m, text, central_city)
    return "central" if level == "national" else level


def _cue_level(m: re.Match[str], text: str, central_city: bool | _Lazy) -> str:
    """The level a cue gives; "national" (a body "... Việt Nam") is central to the caller
    that names organisers, and weaker than any local cue to the one that reads a scope."""
    kind = m.lastgroup or "unknown"
    if kind != "city":
        return kind
    after = _AFTER_CITY.match(text, m.end())
    if after is not None:  # "Thành ủy Thủy Nguyên", "thành phố Hải Phòng", "TP.HCM"
        named_central = re.match(_CENTRAL_CITY, after.group(1), re.IGNORECASE) is not None
        return "province" if named_central else "district"
    return "province" if central_city else "district"


def _same_body_elsewhere(
    subject: str, paragraphs: Sequence[str], central_city: bool | _Lazy
) -> str | None:
    """The level the text gives a bare body elsewhere ("Ban Dân Vận đã tổ chức ...")."""
    body = _WHERE.sub(" ", subject).split(",")[-1]
    body = _BODY_END.split(body, maxsplit=1)[0].strip()
    head = _BODY_HEAD.match(body)
    if head is None:
        return None
    needle = head.group(1).lower()
    for paragraph in paragraphs[:12]:
        low = paragraph.lower()
        start = low.find(needle)
        while start != -1:
            tail = paragraph[start + len(needle) : start + len(needle) + 30]
            tail = _BODY_END.split(tail.split(",")[0], maxsplit=1)[0]
            level = _first_level(tail, central_city)
            if level is not None:
                return level
            start = low.find(needle, start + 1)
    return None
