"""Chairs (pure): the people who chaired the reported event (chủ trì / đồng chủ trì).

Read in the paragraphs of the event (from the lead to where a listing page's next item
starts), in the frames Vietnamese reports use:

- ``đồng chí A, <chức vụ> và đồng chí B, <chức vụ> đồng chủ trì``; ``do ông A ... chủ trì``;
- ``Các đồng chí A, B và C, <chức vụ> đồng chủ trì`` (a list: every name counts);
- ``(Dự) chủ trì (và điều hành) hội nghị / tại điểm cầu X có (các) đồng chí: A, ...; B, C``;
- ``dưới sự chủ trì của đồng chí A``;
- a name after a chain of titles, without honorific: ``Trưởng Ban Dân vận Tỉnh ủy Hòa Bình
  Bùi Văn Thịnh chủ trì``, ``Phó Chủ tịch UBND huyện, Lê Thị Thu Hà chủ trì``.

Attending ("dự và chỉ đạo", "tham dự"), leading a delegation ("trưởng đoàn", "dẫn đầu"),
receiving, signing and speaking are not chairing. A name is told from a place by the
family name it starts with; province names before it are places ("Tỉnh ủy Hòa Bình").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from bot.text.sentences import UPPER, paragraph_sentences

_HONORIFIC = (
    r"(?:các\s+đồng\s+chí\s*:?|đồng\s+chí|ông|bà|"
    r"(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)|Chuẩn\s+đô\s+đốc|"
    r"(?:GS|PGS|TS|ThS|NGƯT|NSND|NSƯT)[.\s]*(?:TS\.?\s*)?)"
)
_WORD = rf"{UPPER}[\w’'`]*"
_PERSON = rf"(?-i:{_WORD}(?:\s+{_WORD}){{1,4}})"
# Words that start a title or an organisation, never a name ("Chủ [tịch]", "Phó", "Bộ").
# "Chính", "Trung", "Đại", "Thường" are left out: they are common given names.
_TITLE_WORDS = frozenset(
    """phó ủy uỷ chủ trưởng bí giám chánh tổng ubnd hđnd mttq bộ sở cục vụ viện
    ban hội tỉnh huyện xã phường quận thứ""".split()
)
# Family names: a run of capitalised words is a name from its family name on.
SURNAMES = frozenset(
    """nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn
    lương trịnh mai hà lò ma triệu đào cao lâm tạ thái tô quách vương chu kiều lã lại nông
    hứa lưu tăng thân từ khổng bế điểu giàng sùng thào vàng mùa hầu lầu ksor rơ siu y đàm
    tòng lục mông sầm vi la bàn phùng trương châu tống khúc âu ông doãn hàn kim quan
    nghiêm giáp cù mạc lạc diệp thạch lữ mẫn ninh khuất nhữ tiêu viên ứng hoa bạch lò
    h' nay rah kpă nie niê bdap""".split()
)
# A title of office: the clause names a person, not only a body.
_PERSON_TITLE = re.compile(
    r"\b(?:trưởng|phó|bí\s+thư|chủ\s+tịch|giám\s+đốc|ủy\s+viên|uỷ\s+viên|chánh|chủ\s+nhiệm|"
    r"tư\s+lệnh|chính\s+ủy|thủ\s+trưởng|hiệu\s+trưởng|viện\s+trưởng|tổng\s+biên\s+tập)\b",
    re.IGNORECASE,
)
_CHAIR_VERB = re.compile(r"(?:đồng\s+)?chủ\s+trì", re.IGNORECASE)
# Chairs named after the verb: "Chủ trì hội nghị có ...", "Dự chủ trì và điều hành Hội nghị
# có ...", "Chủ trì tại điểm cầu huyện có ông ...".
_CHAIR_FIRST = re.compile(
    r"^(?:dự\s+)?(?:đồng\s+)?chủ\s+trì(?:\s+và\s+điều\s+hành)?(?:\s+[^,;:]{0,60}?)?\s+"
    r"(?:có|là|gồm)\b\s*:?",
    re.IGNORECASE,
)
_CHAIR_OF = re.compile(r"\bsự\s+(?:đồng\s+)?chủ\s+trì\s+của\s+", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(rf"\s*(?:;|\s[-–]\s|,?\s+và\s+|,\s+)(?={_HONORIFIC}\s)", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|\s+và\s+)\s*")
_HONORIFIC_START = re.compile(rf"^\s*{_HONORIFIC}\s*", re.IGNORECASE)
_LIST_START = re.compile(r"^\s*các\s+đồng\s+chí\b", re.IGNORECASE)
_PERSON_START = re.compile(rf"^({_PERSON})")
MAX_PARAGRAPHS = 6


def chairs_of(
    paragraphs: Sequence[str],
    start: int = 0,
    stop: int | None = None,
    *,
    places: Collection[str] = (),
) -> list[str]:
    """Chairs named in ``paragraphs[start:stop]`` (at most MAX_PARAGRAPHS), as written,
    from the first paragraph that names any. ``places``: province names, so that "Tỉnh ủy
    Hòa Bình Bùi Văn Thịnh" gives "Bùi Văn Thịnh"."""
    stop = len(paragraphs) if stop is None else stop
    names: list[str] = []
    for paragraph in paragraphs[start : min(stop, start + MAX_PARAGRAPHS)]:
        if "hủ trì" not in paragraph and "HỦ TRÌ" not in paragraph:
            continue  # no "chủ trì" / "Chủ trì" / "CHỦ TRÌ"
        for sentence in paragraph_sentences(paragraph):
            for name in chairs_in_sentence(sentence, places):
                if name not in names:
                    names.append(name)
        if names:
            break
    return names


def chairs_in_sentence(sentence: str, places: Collection[str] = ()) -> list[str]:
    m = _CHAIR_VERB.search(sentence)
    if not m:
        return []
    text = sentence.strip()
    first = _CHAIR_FIRST.match(text)
    of = _CHAIR_OF.search(sentence)
    listed = False
    if first:
        clause = text[first.end() :]  # "Chủ trì hội nghị có đồng chí X, ...; Y"
        listed = True
    elif of:
        clause = sentence[of.end() :]
    else:
        clause = sentence[: m.start()]
        # Only the clause that ends at "chủ trì": after the last full stop or "Dự ..." list.
        clause = re.split(r"(?:^|[.;]\s+)(?=Dự\s|Tham\s+dự|Cùng\s+dự)", clause)[-1]
        clause = re.sub(r"^.*?\bdo\s+(?=" + _HONORIFIC + ")", "", clause, flags=re.IGNORECASE)
        clause = _without_auxiliaries(clause)  # "Tô Lâm đã chủ trì", "X đến dự và chủ trì"
        listed = _LIST_START.match(clause) is not None
    out: list[str] = []
    for segment in re.split(r"\s*;\s*", clause):
        for part in _SEGMENT_SPLIT.split(segment):
            found = _names_in(part, listed)
            out.extend(found)
    if not out and not first and not of:
        out = _names_after_titles(clause, places)
    return out


def _names_in(part: str, listed: bool) -> list[str]:
    """The person at the start of "đồng chí Ma Từ Đông Điền, Ủy viên ...", or every name of
    a list ("các đồng chí A, B và C, Phó Trưởng ban")."""
    m = _HONORIFIC_START.match(part)
    rest = part[m.end() :] if m else part
    if not m and not listed:
        name = _name_in(rest, exact=True)
        return [name] if name else []
    if not listed and not (m and _LIST_START.match(part)):
        name = _name_in(rest.split(",")[0], exact=False)
        return [name] if name else []
    names: list[str] = []
    for piece in _LIST_SPLIT.split(rest.strip(" .:")):
        name = _name_in(piece, exact=True)
        if name is None:
            break  # the title that closes the list
        names.append(name)
    return names


def _name_in(text: str, *, exact: bool) -> str | None:
    """A person's name opening ``text``: 2-5 capitalised words, not a title or body.
    ``exact``: the name must be all of ``text``."""
    text = text.strip()
    pm = _PERSON_START.match(text)
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
    if exact and len(" ".join(kept)) != len(text):
        return None  # more text follows: a title or a body
    return " ".join(kept)


_AUXILIARIES = frozenset({"đã", "vừa", "trực", "tiếp", "đến", "dự", "và", "cùng"})


def _without_auxiliaries(clause: str) -> str:
    """A clause without the words between a chair's name and "chủ trì": "đã", "vừa",
    "trực tiếp", "(đến) dự và", "cùng"."""
    words = clause.split()
    while words and words[-1].lower() in _AUXILIARIES:
        words.pop()
    return " ".join(words)


_CHAIN_SPLIT = re.compile(r"\s+(?:cùng(?:\s+với)?|và)\s+(?:các\s+)?", re.IGNORECASE)
_PLACE_BEFORE = re.compile(
    r"(?:ủy|uỷ|tỉnh|huyện|quận|xã|phường|thị\s+xã|thị\s+trấn|thành\s+phố|TP\.?)$", re.IGNORECASE
)


def _names_after_titles(clause: str, places: Collection[str]) -> list[str]:
    """Chairs named by their titles, without honorific: "Phó Chủ tịch UBND tỉnh Trần Văn
    A cùng các Phó Chủ tịch UBND tỉnh: Võ B, Trần C chủ trì", "Phó Thủ tướng Nguyễn Văn D,
    Trưởng Ban Chỉ đạo ... chủ trì"."""
    names: list[str] = []
    for piece in _CHAIN_SPLIT.split(clause):
        if not _PERSON_TITLE.search(piece):
            continue
        if ":" in piece:  # "các Phó Chủ tịch UBND tỉnh: Võ Phiên, Trần Phước Hiền"
            for item in _LIST_SPLIT.split(piece.split(":", 1)[1].strip(" .")):
                name = _name_in(item, exact=True)
                if name is None:
                    break
                names.append(name)
            continue
        for segment in reversed(piece.split(",")[-3:]):
            name = _name_after_title(segment, places)
            if name:
                names.append(name)
                break
    return names


def _name_after_title(segment: str, places: Collection[str]) -> str | None:
    """The capitalised words that end a segment, from the family name on, without a
    province name before: "... Tỉnh ủy Hòa Bình Bùi Văn Thịnh" -> Bùi Văn Thịnh."""
    words = segment.split()
    run: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper() or not word.replace("’", "").replace("'", "").isalpha():
            break
        run.insert(0, word)
    before = " ".join(words[: len(words) - len(run)])
    after_place = _PLACE_BEFORE.search(before) is not None
    i = 0
    while i < len(run):  # province names open the run: "Hòa Bình", "Thừa Thiên Huế"
        for n in (3, 2, 1):
            if i + n <= len(run) and " ".join(run[i : i + n]) in places:
                i += n
                after_place = False
                break
        else:
            break
    run = run[i:]
    for p in range(max(0, len(run) - 4), len(run) - 1):
        if run[p].lower() not in SURNAMES or run[p].lower() in _TITLE_WORDS:
            continue
        if p == 0 and after_place and len(run) < 3:
            continue  # "Huyện ủy Mai Sơn": a place, not a person
        return " ".join(run[p:])
    return None
