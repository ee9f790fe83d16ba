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

_KIND_WORDS = re.compile(
    r"""\b(?:(?P<so_ket>sơ\s+kết|giữa\s+nhiệm\s+kỳ)
      |(?P<tong_ket>tổng\s+kết)
      |(?P<ky_ket>k[ýí]\s+kết|ký\s+(?:chương\s+trình|quy\s+chế|kế\s+hoạch|th[ỏo]a\s+thuận|
          biên\s+bản|nghị\s+quyết\s+liên\s+tịch|cam\s+kết|giao\s+ước))
      |(?P<trien_khai>triển\s+khai)
      |(?P<quan_triet>quán\s+triệt|nghiên\s+cứu,?\s+học\s+tập|
          học\s+tập,?\s+(?:nghị\s+quyết|chỉ\s+thị|kết\s+luận|chuyên\s+đề|quán\s+triệt))
      |(?P<bieu_duong>biểu\s+dương|tuyên\s+dương|tôn\s+vinh|vinh\s+danh|khen\s+thưởng)
      |(?P<tap_huan>tập\s+huấn|bồi\s+dưỡng|đào\s+tạo|khai\s+giảng|bế\s+giảng|mở\s+lớp|
          cập\s+nhật\s+kiến\s+thức|trang\s+bị\s+kiến\s+thức|lớp\s+(?:học|cảm\s+tình|
          nhận\s+thức|lý\s+luận|trung\s+cấp|cao\s+cấp|sơ\s+cấp|truyền\s+dạy))
      |(?P<giao_ban>giao\s+ban)
      |(?P<doi_thoai>đối\s+thoại)
      |(?P<diendan>diễn\s+đàn)
      |(?P<toa_dam>tọa\s+đàm|toạ\s+đàm)
      |(?P<hoi_thao>hội\s+thảo)
      |(?P<khac>làm\s+việc|thăm|chúc\s+mừng|chúc\s+tết|tặng\s+quà|trao\s+quà|trao\s+tặng|
          hội\s+thi|cuộc\s+thi|liên\s+hoan|ngày\s+hội|hội\s+diễn|hội\s+trại|hội\s+chợ|
          triển\s+lãm|giao\s+lưu|gặp\s+gỡ|k[ỷỉ]\s+niệm|mít\s*tinh|ra\s+mắt|phát\s+động|
          khánh\s+thành|khởi\s+công|bàn\s+giao|dâng\s+hương|khảo\s+sát|nghiệm\s+thu|
          kiểm\s+tra|giám\s+sát|
          đại\s+hội|họp\s+báo|tiếp\s+xúc\s+cử\s+tri|công\s+bố|ra\s+quân|kết\s+nạp|
          trao\s+giải|lễ\s+hội))""",
    _I | re.VERBOSE,
)
# Review wording without the word: "đánh giá/nhìn lại ... 6 tháng" is a mid-term review,
# "... năm 2022" (a whole year) an annual one.
_REVIEW = re.compile(
    r"(?:đánh\s+giá(?!\s+cao)|nhìn\s+lại|rà\s+soát|kiểm\s+điểm)\s+(?:\S+\s+){0,8}?"
    r"(?:(?P<part>(?:\d+|một|hai|ba|sáu|chín)\s+tháng|quý|nửa\s+(?:đầu\s+)?năm|"
    r"(?:\d+|một|hai|ba|bốn|năm|mười)\s+năm\b(?!\s+\d))|(?P<year>năm\s+\d{4}))",
    _I,
)
# A forum of leaders with people or cadres is a dialogue.
_PEOPLE = re.compile(
    r"nhân\s+dân|người\s+dân|nông\s+dân|công\s+nhân|thanh\s+niên|phụ\s+nữ|hội\s+viên|"
    r"đoàn\s+viên|cán\s+bộ|lãnh\s+đạo|cử\s+tri|đồng\s+bào|doanh\s+nghiệp|người\s+lao\s+động",
    _I,
)
# Where an event's name stops: its guests, its organiser, or a cited document.
_NAME_END = re.compile(
    r"\s(?:với\s+sự|do\s|có\s+sự|dưới\s+sự)|[.;]\s|\b(?:[Bb]áo\s+cáo|[Dd]ự\s+thảo|[Vv]ăn\s+kiện)\b|"
    r"\b(?:[Nn]ghị\s+quyết|[Cc]hỉ\s+thị|Kết\s+luận|[Qq]uyết\s+định\s+số|Luật|Đề\s+án|"
    r"[Tt]hông\s+tri|Hướng\s+dẫn|[Kk]ế\s+hoạch\s+(?:số|tổ\s+chức))\b"
)
NAME_WORDS = 18

# A meeting about a coordination programme that looks back on its years is its review.
_PROGRAMME = re.compile(r"phối\s+hợp|chương\s+trình|quy\s+chế", _I)
_PAST_REVIEW = re.compile(r"\b\d+\s+năm\s+(?:qua|thực\s+hiện|triển\s+khai)\b", _I)


def event_name(text: str) -> str:
    """The words that name an event, from its first word: at most NAME_WORDS words, up to
    its purpose, guests or a cited document."""
    words = text.split()
    name = " ".join(words[:NAME_WORDS])
    end = _NAME_END.search(name, 1)
    return name[: end.start()] if end else name


def kind_of_name(name: str) -> str | None:
    """The kind named first in an event's name; None when only a neutral form is named."""
    best: tuple[int, str] | None = None
    m = _KIND_WORDS.search(name)
    if m is not None and m.lastgroup is not None:
        kind = m.lastgroup
        if kind == "diendan":
            kind = "doi_thoai" if _PEOPLE.search(name) else "khac"
        best = (m.start(), kind)
    review = _REVIEW.search(name)
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
