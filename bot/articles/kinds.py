"""Meeting kinds (pure): the words that name an organised event, and the kind they give.

An event is named by a form ("hội nghị", "lễ", "buổi", "họp") and what it does ("sơ kết",
"ký kết", "kỷ niệm"), or by a word that is both ("hội thảo", "hội thi", "làm việc"). The
kind is the first activity named, so a combined meeting ("sơ kết ..., triển khai ...")
takes its first one and a planned or cited meeting named later ("triển khai kế hoạch tổ
chức hội nghị biểu dương") does not count. Visits, working sessions, contests, festivals,
gift-giving, exchanges, anniversaries and congresses are ``khac``.

Read by :mod:`bot.articles.event` (which words may name an event) and by
:func:`meeting_kind` (which kind the reported event is).
"""

from __future__ import annotations

import re

from bot.text.alternation import by_first_letter

_I = re.IGNORECASE

# Forms of an event whose kind comes from the words after them.
NEUTRAL_FORMS = (
    r"hội\s+nghị|cuộc\s+họp|phiên\s+họp|họp\s+mặt|gặp\s+mặt|"
    r"lễ(?=\s+(?:ký|kí|kỷ|kỉ|tuyên|biểu|phát|ra|trao|khai|bế|khánh|khởi|tổng|sơ|mít|công|đón|"
    r"bàn|tri|dâng|chào|kết|tôn|vinh|tiếp|gắn|cắt|giao|xuất|hội|trưởng|đặt|thượng))|"
    r"buổi(?!\s+(?:sáng|chiều|tối|trưa|đêm|đầu|ban|học\s+đầu))"
)
# Forms that are a kind by themselves.
KIND_FORMS = (
    r"hội\s+thảo|tọa\s+đàm|toạ\s+đàm|diễn\s+đàn|đại\s+hội|hội\s+thi|cuộc\s+thi|liên\s+hoan|"
    r"ngày\s+hội|hội\s+diễn|hội\s+trại|hội\s+chợ|triển\s+lãm|họp\s+báo|mít\s*tinh|lễ\s+hội|"
    r"lớp\s+(?:tập\s+huấn|bồi\s+dưỡng|học|đào\s+tạo|cảm\s+tình|nhận\s+thức|lý\s+luận|"
    r"trung\s+cấp|cao\s+cấp|sơ\s+cấp|truyền\s+dạy|dạy)|"
    r"kh[oó]a\s+(?:tập\s+huấn|bồi\s+dưỡng|học|đào\s+tạo)|"
    r"chương\s+trình\s+(?:giao\s+lưu|gặp\s+mặt|nghệ\s+thuật|văn\s+nghệ|tri\s+ân)|"
    r"đêm\s+(?:văn\s+nghệ|giao\s+lưu|nhạc)|phiên\s+(?:giải\s+trình|chất\s+vấn|đối\s+thoại)"
)
# Verbs that report an event when they are what the subject did ("X làm việc với Y").
EVENT_VERBS = (
    r"làm\s+việc|thăm|chúc\s+mừng|chúc\s+tết|tặng\s+quà|trao\s+quà|trao\s+tặng|"
    r"trao(?=\s+(?:\d|giấy|bằng|huy|kỷ|kỉ|nhà|sổ|học\s+bổng|giải|quyết\s+định|cờ|thưởng|"
    r"tiền|xe|bò|suất))|tặng(?=\s+(?:\d|giấy|bằng|nhà|sổ|học\s+bổng|cờ|hoa|quà|xe|bò|suất))|"
    r"ký\s+kết|kí\s+kết|ký(?=\s+(?:chương\s+trình|quy\s+chế|kế\s+hoạch\s+phối\s+hợp|thỏa\s+thuận|"
    r"thoả\s+thuận|biên\s+bản|nghị\s+quyết\s+liên\s+tịch|cam\s+kết|giao\s+ước))|"
    r"khai\s+giảng|bế\s+giảng|mở\s+lớp|họp(?!\s+(?:mặt|báo))|gặp\s+gỡ|giao\s+lưu|"
    r"tiếp(?=\s+(?:đoàn|Đoàn|xúc|đón|và\s+làm\s+việc|công\s+dân|thân\s+mật))|"
    r"kiểm\s+tra|giám\s+sát|khảo\s+sát|đối\s+thoại|sơ\s+kết|tổng\s+kết|giao\s+ban|"
    r"tập\s+huấn|biểu\s+dương|tuyên\s+dương|tôn\s+vinh|phát\s+động|ra\s+mắt|khánh\s+thành|"
    r"khởi\s+công|bàn\s+giao|dâng\s+hương|nghiệm\s+thu|quán\s+triệt|triển\s+khai"
)
# Verbs that are events only on a stated day ("Chiều 2/3, X triển khai ...") or when a
# meeting is named: alone they are a policy being carried out.
WEAK_VERBS = frozenset({"triển khai", "quán triệt", "kiểm tra", "giám sát"})

# The words that name each kind (a regex per kind, alternatives separated by "|").
KIND_WORDS: dict[str, str] = {
    "so_ket": r"sơ\s+kết|giữa\s+nhiệm\s+kỳ",
    "tong_ket": r"tổng\s+kết",
    "ky_ket": r"ký\s+kết|kí\s+kết|ký\s+(?:chương\s+trình|quy\s+chế|kế\s+hoạch|th[ỏo]a\s+thuận|"
    r"biên\s+bản|nghị\s+quyết\s+liên\s+tịch|cam\s+kết|giao\s+ước)",
    "trien_khai": r"triển\s+khai",
    "quan_triet": r"quán\s+triệt|nghiên\s+cứu,?\s+học\s+tập|"
    r"học\s+tập,?\s+(?:nghị\s+quyết|chỉ\s+thị|kết\s+luận|chuyên\s+đề|quán\s+triệt)",
    "bieu_duong": r"biểu\s+dương|tuyên\s+dương|tôn\s+vinh|vinh\s+danh|khen\s+thưởng",
    "tap_huan": r"tập\s+huấn|bồi\s+dưỡng|đào\s+tạo|khai\s+giảng|bế\s+giảng|mở\s+lớp|"
    r"cập\s+nhật\s+kiến\s+thức|trang\s+bị\s+kiến\s+thức|lớp\s+(?:học|cảm\s+tình|nhận\s+thức|"
    r"lý\s+luận|trung\s+cấp|cao\s+cấp|sơ\s+cấp|truyền\s+dạy)",
    "giao_ban": r"giao\s+ban",
    "doi_thoai": r"đối\s+thoại",
    "diendan": r"diễn\s+đàn",  # a dialogue or not, by who meets (see kind_of_name)
    "toa_dam": r"tọa\s+đàm|toạ\s+đàm",
    "hoi_thao": r"hội\s+thảo",
    "khac": r"làm\s+việc|thăm|chúc\s+mừng|chúc\s+tết|tặng\s+quà|trao\s+quà|trao\s+tặng|"
    r"hội\s+thi|cuộc\s+thi|liên\s+hoan|ngày\s+hội|hội\s+diễn|hội\s+trại|hội\s+chợ|"
    r"triển\s+lãm|giao\s+lưu|gặp\s+gỡ|kỷ\s+niệm|kỉ\s+niệm|mít\s*tinh|ra\s+mắt|phát\s+động|"
    r"khánh\s+thành|khởi\s+công|bàn\s+giao|dâng\s+hương|khảo\s+sát|nghiệm\s+thu|"
    r"kiểm\s+tra|giám\s+sát|đại\s+hội|họp\s+báo|tiếp\s+xúc\s+cử\s+tri|công\s+bố|"
    r"ra\s+quân|kết\s+nạp|trao\s+giải|lễ\s+hội",
}


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex written as "a|b(?:c|d)|e"."""
    out: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def both_cases(pattern: str) -> str:
    """ "a|b" as "a|A|b|B": every alternative opens with a plain letter in either case, so
    that the regex engine skips to the positions where one may start (a case-insensitive
    alternation is tried at every position: several times slower on a sentence). The
    words after the first letter are matched as written (lower case)."""
    return by_first_letter(
        variant for a in alternatives(pattern) for variant in (a, f"{a[0].upper()}{a[1:]}")
    )


# Where the first kind word is (fast), then which kind it is.
_KIND_START = re.compile(both_cases("|".join(KIND_WORDS.values())))
_KIND_AT = [(kind, re.compile(rx, _I)) for kind, rx in KIND_WORDS.items()]
# Review wording without the word: "đánh giá/nhìn lại ... 6 tháng" is a mid-term review,
# "... năm 2022" (a whole year) an annual one.
_REVIEW_WORDS = r"đánh\s+giá(?!\s+cao)|nhìn\s+lại|rà\s+soát|kiểm\s+điểm"
_REVIEW = re.compile(
    f"(?:{both_cases(_REVIEW_WORDS)})"
    r"(?i:\s+(?:\S+\s+){0,8}?"
    r"(?:(?P<part>(?:\d+|một|hai|ba|sáu|chín)\s+tháng|quý|nửa\s+(?:đầu\s+)?năm|"
    r"(?:\d+|một|hai|ba|bốn|năm|mười)\s+năm\b(?!\s+\d))|(?P<year>năm\s+\d{4})))"
)
# A forum of leaders with people or cadres is a dialogue.
_PEOPLE = re.compile(
    r"nhân\s+dân|người\s+dân|nông\s+dân|công\s+nhân|thanh\s+niên|phụ\s+nữ|hội\s+viên|"
    r"đoàn\s+viên|cán\s+bộ|lãnh\s+đạo|cử\s+tri|đồng\s+bào|doanh\s+nghiệp|người\s+lao\s+động",
    _I,
)
# Where an event's name stops: its guests, its organiser, or a cited document.
# (Plain text: the name is its words joined by single spaces.)
_NAME_END = re.compile(
    "|".join(
        re.escape(end)
        for end in (
            *(" với sự", " do ", " có sự", " dưới sự", ". ", "; "),
            *(f" {w}" for w in ("Báo cáo", "Dự thảo", "Văn kiện", "Nghị quyết", "Chỉ thị")),
            *(f" {w}" for w in ("Quyết định số", "Thông tri", "Kế hoạch số")),
            *(f" {w}" for w in ("Kế hoạch tổ chức", "báo cáo", "dự thảo", "văn kiện")),
            *(f" {w}" for w in ("nghị quyết", "chỉ thị", "quyết định số", "thông tri")),
            *(f" {w}" for w in ("kế hoạch số", "kế hoạch tổ chức")),
            *(f" {w}" for w in ("Kết luận", "Luật", "Đề án", "Hướng dẫn")),
        )
    )
)
NAME_WORDS = 18
NAME_CHARS = 200  # enough for 18 words (the longest Vietnamese syllable has 7 letters)

# A meeting about a coordination programme that looks back on its years is its review.
_PROGRAMME = re.compile(r"phối\s+hợp|chương\s+trình|quy\s+chế", _I)
_PAST_REVIEW = re.compile(r"\b\d+\s+năm\s+(?:qua|thực\s+hiện|triển\s+khai)\b", _I)


def event_name(text: str) -> str:
    """The words that name an event, from its first word: at most NAME_WORDS words, up to
    its purpose, guests or a cited document."""
    words = text[:NAME_CHARS].split()
    name = " ".join(words[:NAME_WORDS])
    end = _NAME_END.search(name, 1)
    return name[: end.start()] if end else name


def kind_of_name(name: str) -> str | None:
    """The kind named first in an event's name; None when only a neutral form is named."""
    best: tuple[int, str] | None = None
    pos = 0
    while (m := _KIND_START.search(name, pos)) is not None:
        if m.start() > 0 and name[m.start() - 1].isalnum():
            pos = m.start() + 1  # inside a word ("bàn giao" is no "giao ban")
            continue
        kind = next(k for k, rx in _KIND_AT if rx.match(name, m.start()))
        if kind == "diendan":
            kind = "doi_thoai" if _PEOPLE.search(name) else "khac"
        best = (m.start(), kind)
        break
    review = _REVIEW.search(name)
    if review is not None and review.start() > 0 and name[review.start() - 1].isalnum():
        review = None
    if review is not None and (best is None or review.start() < best[0]):
        best = (review.start(), "so_ket" if review.group("part") else "tong_ket")
    return best[1] if best else None


def meeting_kind(name: str | None, headline: str, body: str) -> str | None:
    """The kind of the reported event named ``name`` (None: no event, kind None).

    The event's own name decides; a name that is only a form ("hội nghị ...") takes the
    kind its headline names; a meeting about a coordination programme that reports "the
    past N years" is a review (sơ kết); anything else that happened is ``khac``."""
    if name is None:
        return None
    kind = kind_of_name(name)
    if kind is not None:
        return kind
    head = kind_of_name(headline) if headline else None
    if head is not None and head != "khac":
        return head
    if _PROGRAMME.search(name) and _PAST_REVIEW.search(body):
        return "so_ket"
    return "khac"
