"""The reported event (pure): the sentence that says who held what, and when.

Vietnamese news reports an event in a few fixed shapes:

- ``[Sáng 12/3,] [tại X,] ORGANISER (vừa|đã) (phối hợp với Y) tổ chức EVENT ...``;
- ``[Chiều 22-8,] ORGANISER làm việc với / đến thăm / ký kết / khai giảng ...``;
- ``EVENT ... (do ORGANISER tổ chức) diễn ra / khai mạc ... [chiều 21-9]``;
- a lead that presupposes it: ``Tại hội nghị, ...``, ``X phát biểu tại Lễ kỷ niệm ...``.

:func:`find_event` reads the lead, then the paragraphs right after it (there it wants a
stated day, as a feature's opening is followed by the report), for those shapes, and refuses
what only looks like them: habits and totals ("thường xuyên tổ chức các buổi", "tổ chức 25
hội nghị"), plans and duties ("sẽ tổ chức", "kế hoạch tổ chức", "cần giám sát"), events in a
noun phrase ("công tác kiểm tra", "các điển hình được tuyên dương"), looking back ("Năm
2009, ...", "Thời gian qua, ..."), and history (a date before 1990). A text that reports no
event has none: features, directives and interviews get no kind and no date.

A listing page is described by its first event; :attr:`Event.end` is the paragraph where
the next item (a new dated report) starts, so that chairs and provinces stay in the item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.articles.kinds import (
    EVENT_VERBS,
    KIND_FORMS,
    NEUTRAL_FORMS,
    WEAK_VERBS,
    both_cases,
    event_name,
    kind_of_name,
)
from bot.articles.lead import lead_text
from bot.text.date_mentions import DateMention, find_dates
from bot.text.sentences import UPPER, paragraph_sentences, split_sentences

_I = re.IGNORECASE
HISTORY_BEFORE = 1990  # a date before this is history, not news of an event


_HELD_WORDS = r"tổ\s+chức"
_FORM_WORDS = f"{KIND_FORMS}|{NEUTRAL_FORMS}"
# The words that may report an event; what each is is told by _IS_HELD and _IS_FORM. The
# word boundary before a match is checked by the caller (see _anchors).
_ANCHOR_WORDS = f"{_HELD_WORDS}|{_FORM_WORDS}|{EVENT_VERBS}"
_ANCHOR = re.compile(rf"(?:{both_cases(_ANCHOR_WORDS)})\b")
_IS_HELD = re.compile(_HELD_WORDS, _I)
_IS_FORM = re.compile(rf"(?:{_FORM_WORDS})\b", _I)


def _anchors(text: str) -> Iterator[tuple[re.Match[str], str]]:
    """The event words of ``text`` in order, each with what it is: "held" ("tổ chức"),
    "form" ("hội nghị", "Hội thi") or "verb" ("làm việc", "ký kết")."""
    pos = 0
    while (m := _ANCHOR.search(text, pos)) is not None:
        start = m.start()
        if start > 0 and text[start - 1].isalnum():
            pos = start + 1  # inside a word
            continue
        pos = m.end()
        form = _IS_FORM.match(text, start)
        if _IS_HELD.match(m.group(0)):
            kind = "held"
        elif form is not None and form.end() == m.end():
            kind = "form"
        else:
            kind = "verb"
        yield m, kind


# "tổ chức" as a noun or for a policy: an organisation, "tổ chức thực hiện".
_NOT_HELD = re.compile(
    r"\s*(?:chính\s+trị|đảng|cơ\s+sở|đoàn\s+thể|hội\s+quần|tôn\s+giáo|,\s*cá\s+nhân|thành\s+viên|"
    r"quần\s+chúng|xã\s+hội|phi\s+|kinh\s+tế|quốc\s+tế|(?:triển\s+khai\s+)?thực\s+hiện|"
    r"bộ\s+máy|cán\s+bộ|và\s+cá\s+nhân|lại|sắp\s+xếp|tốt|được)",
    _I,
)
_NOUN_BEFORE_HELD = frozenset({"các", "những", "của", "và", "cho", "mọi"})
# Words between "tổ chức" and the event's name: "tổ chức thành công Đại hội".
_HELD_FILLER = re.compile(
    r"^\s*(?:(?:thành\s+công(?:\s+tốt\s+đẹp)?|trọng\s+thể|long\s+trọng|trang\s+trọng|"
    r"thành\s+công|chu\s+đáo)\s+)?",
    _I,
)
_PLURAL_START = re.compile(
    r"^\s*(?:các|nhiều|những|mỗi|hằng|hàng|(?:được\s+)?(?:hơn|trên|gần|khoảng|tới|hàng)?\s*\d)",
    _I,
)
_PLURAL_BEFORE = re.compile(r"(?:\bcác|\bnhiều|\bnhững|\bmỗi|\bhằng|\bhàng|\d)\s*$", _I)
# Words before an event that make it a habit, a plan or a duty, not a report: read as the
# last words before it (word sets: a regex ending in "(?:\S+\s+){0,8}$" costs ~30 µs).
_HABIT_WORDS = frozenset(
    """thường xuyên|định kỳ|hằng năm|hằng tháng|hằng quý|hằng tuần|hàng năm|hàng tháng|
    hàng quý|hàng tuần|mỗi năm|mỗi tháng|mỗi quý|luôn""".replace("\n", "").split("|")
)
_PLANNED_WORDS = frozenset(
    """sẽ|dự kiến|kế hoạch|chuẩn bị|hướng dẫn|cần|phải|nên|đề nghị|yêu cầu|việc|tiến tới|
    hướng tới|chưa|không|sắp|để|nhằm""".replace("\n", "").split("|")
)
# A document that asks for it: "ban hành Chỉ thị số 15 về tổ chức hội nghị ...".
_DOCUMENT_WORDS = frozenset(
    "ban hành|chỉ thị|nghị quyết|quyết định|công văn|thông báo|thông tri|kết luận|đề án".split("|")
)
# Directing others to hold it: "hướng dẫn các huyện ủy, thị ủy, thành ủy tổ chức".
_DIRECTING_WORDS = frozenset("hướng dẫn|đề nghị|yêu cầu|giao cho|chỉ đạo|đôn đốc".split("|"))
_NOT_DIRECTING = frozenset({"biểu", "ban"})  # "phát biểu chỉ đạo", "Ban Chỉ đạo" (a body)
_STRIP = ",;:.!?\"“”‘’'()[]"


def _habit_or_plan(before: str) -> bool:
    """A habit ("thường xuyên tổ chức"), a plan or duty ("sẽ tổ chức", "cần giám sát") in
    the last words before an event word, or others directed to hold it."""
    words = [w.strip(_STRIP) for w in before.lower().split()[-10:]]
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    if not (_HABIT_WORDS.isdisjoint(words) and _HABIT_WORDS.isdisjoint(pairs)):
        return True
    if not (_PLANNED_WORDS.isdisjoint(words[-4:]) and _PLANNED_WORDS.isdisjoint(pairs[-4:])):
        return True
    if not _DOCUMENT_WORDS.isdisjoint(pairs[-6:]):
        return True  # "Chỉ thị ... về tổ chức Hội thi": what a document asks for
    if _DIRECTING_WORDS.isdisjoint(pairs):
        return False
    return any(
        g in _DIRECTING_WORDS and not (g == "chỉ đạo" and i and words[i - 1] in _NOT_DIRECTING)
        for i, g in enumerate(pairs)
    )


# A verb inside a noun phrase or a passive modifier: "công tác kiểm tra", "được tuyên dương".
_NOUN_PHRASE = re.compile(
    r"(?:công\s+tác|\bviệc|kết\s+quả|hoạt\s+động|tình\s+hình|phong\s+trào|\bcuộc|\bđợt|"
    r"quá\s+trình|nội\s+dung|chương\s+trình|\bđược|\bbị|\btổ|\bban|\bbuổi|\bngày|\blễ|"
    r"\bhội|\bcủa|\bvà|cho\s+việc)\s+$",
    _I,
)
# A form named as the context of something else: "Nghị quyết Đại hội", "văn kiện Hội nghị".
_CITED_FORM = re.compile(
    r"(?:nghị\s+quyết|văn\s+kiện|tinh\s+thần|kết\s+luận|chỉ\s+thị|\bcủa|\bvề|\btheo|"
    r"phục\s+vụ|tham\s+gia|thông\s+qua|chuẩn\s+bị|kết\s+quả|hướng\s+tới|sau)\s+$",
    _I,
)
_PRESUPPOSED = re.compile(
    r"(?:\btại|\btrong|bên\s+lề|khuôn\s+khổ|phát\s+biểu\s+tại|phát\s+biểu\s+chỉ\s+đạo\s+tại)"
    r"\s+$",
    _I,
)
_REPORTED_AFTER = re.compile(
    r"\b(?:diễn\s+ra|được\s+tổ\s+chức|đã\s+được\s+tổ\s+chức|khai\s+mạc|bế\s+mạc|thu\s+hút|"
    r"được\s+khai\s+mạc)\b",
    _I,
)
_BY = re.compile(r"\bdo\s+(.{3,160}?)\s+(?:tổ\s+chức|chủ\s+trì|phối\s+hợp|đăng\s+cai)\b", _I)
_REPORTED_BEFORE = re.compile(
    r"(?:chủ\s+trì|\bdự|tham\s+dự|\bcó|diễn\s+ra|tiến\s+hành|đăng\s+cai|khai\s+mạc|bế\s+mạc|"
    r"\bmở|đến\s+dự)\s+$",
    _I,
)
_RECENT = re.compile(
    r"\b(?:vừa|mới\s+đây|hôm\s+qua|hôm\s+nay|sáng\s+nay|chiều\s+nay|tối\s+qua|sáng\s+qua|"
    r"chiều\s+qua|tối\s+nay)\b",
    _I,
)
_LOOKING_BACK = re.compile(
    r"^(?:năm\s+\d{4}|trong\s+năm|thời\s+gian\s+qua|những\s+năm\s+qua|từ\s+đầu\s+năm|"
    r"qua\s+\d+\s+năm|trong\s+\d+\s+năm|trong\s+(?:những|các|nhiều)\s+năm|hằng\s+năm|hàng\s+năm|thời\s+gian\s+tới|"
    r"sắp\s+tới|trong\s+thời\s+gian|trước\s+đó|cách\s+đây|từ\s+năm|sau\s+khi|trước\s+khi)",
    _I,
)
_CITED_PLENUM = re.compile(r"\bkh[oó]a\s+[IVXL]+\b|\bTrung\s+ương\s+\d", _I)
_SUBJECT_WORD = re.compile(rf"{UPPER}|\bđoàn\b|\bđồng\s+chí\b")
_MAIN_VERB = re.compile(
    r"\s(?:đã|vừa|phát\s+biểu|ký|trao|nhấn\s+mạnh|cho\s+biết|đề\s+nghị|thống\s+nhất)\b", _I
)
_NEW_ITEM = re.compile(both_cases("sáng|chiều|trưa|tối|đêm|ngày|hôm|vào"))

LEAD_SENTENCES = 2  # sentences of the lead read without a stated day
FOLLOWING = 3  # paragraphs after the lead read for a dated report
SENTENCES_PER_PARAGRAPH = 2


@dataclass(frozen=True)
class Event:
    """An organised event the text reports."""

    paragraph: int  # index of the paragraph that reports it
    sentence: str  # the sentence that reports it
    subject: str  # who held it: the words naming the organisers ("" when unsaid)
    name: str  # the words that name it, from its first word ("hội nghị sơ kết ...")
    date: DateMention | None  # its date as written in the sentence
    presupposed: bool = False  # "Tại hội nghị, ...": the text takes the event as known
    end: int = 0  # first paragraph of the next item of a listing page


def find_event(paragraphs: Sequence[str], lead: int = 0, headline: str = "") -> Event | None:
    """The first event the text reports, reading from the lead paragraph on.

    After the lead's first sentences a report needs a stated day, and a time of day
    ("chiều 21-9") unless the lead or headline speaks of an event: a feature recounting
    "Ngày 12/5/2023, xã tổ chức họp dân" in its third paragraph reports no event."""
    if not paragraphs:
        return None
    presupposed: Event | None = None
    about_event: bool | None = None
    last = min(len(paragraphs), lead + 1 + FOLLOWING)
    for index in range(lead, last):
        text = lead_text(paragraphs[index]) if index == lead else paragraphs[index]
        limit = None if index == lead else SENTENCES_PER_PARAGRAPH
        for order, sentence in enumerate(paragraph_sentences(text)[:limit]):
            strict = index != lead or order >= LEAD_SENTENCES
            if strict and about_event is None:
                about_event = names_event(headline) or names_event(paragraphs[lead])
            event = event_in_sentence(
                sentence, index, strict=strict, timed=strict and not about_event
            )
            if event is None:
                continue
            if event.presupposed:
                if presupposed is None and index == lead:
                    presupposed = event
                continue
            return _with_end(event, paragraphs)
    return _with_end(presupposed, paragraphs) if presupposed else None


_FORMS = re.compile(rf"\b(?:{KIND_FORMS}|{NEUTRAL_FORMS})\b", _I)
_HABIT_ANYWHERE = re.compile("hằng năm|hàng năm|định kỳ|thường niên|mỗi năm|thường xuyên")
_RECENT_HINT = re.compile("vừa|mới đây| qua| nay")


def names_event(text: str) -> bool:
    """Whether a text speaks of an event at all: a form ("hội nghị", "ngày hội") or a kind."""
    return bool(text) and (_FORMS.search(text) is not None or kind_of_name(text) is not None)


def event_in_sentence(
    sentence: str, paragraph: int = 0, *, strict: bool = False, timed: bool = False
) -> Event | None:
    """The event this sentence reports, if it reports one. ``strict``: only with a stated
    day; ``timed``: only with a time of day ("Sáng 12/3", "chiều 21-9")."""
    if _LOOKING_BACK.match(sentence):
        return None
    dates = [d for d in find_dates(sentence) if d.other is None]
    if _is_history(sentence, dates):
        return None
    if (strict and not dates) or (timed and dates[0].cue != "time"):
        return None
    low = sentence.lower()
    if not dates and _HABIT_ANYWHERE.search(low):
        return None  # "Hội thi được tổ chức hằng năm": a habit
    date = dates[0] if dates else None
    recent = _RECENT_HINT.search(low) is not None and _RECENT.search(low) is not None
    named_until = -1  # a rejected form's name: the verbs in it ("Hội nghị triển khai ...")
    for m, kind in _anchors(sentence):
        if m.start() < named_until:
            continue
        before = sentence[max(0, m.start() - 60) : m.start()]
        if _habit_or_plan(before):
            continue
        if kind == "held":
            found = _held(sentence, m, before, dated=date is not None)
        elif kind == "form":
            found = _form(sentence, m, before, dated=date is not None)
            if found is None:
                named_until = m.start() + len(event_name(sentence[m.start() :]))
        else:
            found = _verb(sentence, m, before, dated=date is not None, recent=recent)
        if found is not None:
            subject, name, presupposed = found
            return Event(paragraph, sentence, subject, name, date, presupposed)
    return None


_YEARS = re.compile(r"(?:19|20)\d{2}(?!\d)")  # (digit-led: the engine skips to it)


def _is_history(sentence: str, dates: Sequence[DateMention]) -> bool:
    """A sentence about history: its event date, or every year it names, before 1990 ("Từ
    ngày 6/1-7/2/1930, Hội nghị ...", "Đại hội lần thứ I được tổ chức vào năm 1930")."""
    if dates and dates[0].year is not None:
        return dates[0].year < HISTORY_BEFORE
    years = [
        int(m.group(0))
        for m in _YEARS.finditer(sentence)
        if not sentence[m.start() - 1 : m.start()].isalnum()
    ]
    return bool(years) and max(years) < HISTORY_BEFORE


def _held(
    sentence: str, m: re.Match[str], before: str, *, dated: bool
) -> tuple[str, str, bool] | None:
    """A "X tổ chức <event>" report: the object names an event, or the day is stated."""
    rest = sentence[m.end() :]
    last = before.rsplit(None, 1)[-1].lower() if before.strip() else ""
    if last in _NOUN_BEFORE_HELD or _NOT_HELD.match(rest) or _PLURAL_START.match(rest):
        return None
    filler = _HELD_FILLER.match(rest)
    rest = rest[filler.end() :] if filler else rest
    head = " ".join(rest.split()[:4])
    named = next((a for a, kind in _anchors(head) if kind != "held"), None)
    if named is not None and named.start() <= 12:
        return sentence[: m.start()], event_name(rest[named.start() :]), False
    if kind_of_name(head) is not None:  # "tổ chức kỷ niệm ...", "tổ chức học tập, quán triệt"
        return sentence[: m.start()], event_name(rest), False
    if dated:  # "Sáng 5/5, Hội Phụ nữ xã tổ chức tuyên truyền ...": held, kind unsaid
        return sentence[: m.start()], event_name(rest), False
    return None


def _form(
    sentence: str, m: re.Match[str], before: str, *, dated: bool
) -> tuple[str, str, bool] | None:
    """A form ("hội nghị", "Hội thi", "Lễ ..."): reported, held by someone, or presupposed."""
    if _PLURAL_BEFORE.search(before) or _CITED_FORM.search(before):
        return None
    name = event_name(sentence[m.start() :])
    after = sentence[m.end() :]
    by = _BY.search(after)
    if by is not None:
        return by.group(1), name, False
    if _REPORTED_BEFORE.search(before):
        return sentence[: m.start()], name, False
    if _REPORTED_AFTER.search(after):
        return sentence[: m.start()], name, False
    if dated and _starts_clause(before):  # "Sáng 10/1, hội nghị tổng kết ..."
        return "", name, False
    presupposing = _PRESUPPOSED.search(before)
    if presupposing is not None:
        if _CITED_PLENUM.search(name):
            return None  # "Tại Hội nghị Trung ương 5 khóa XII, Đảng ta đã ban hành ..."
        start = m.start() - len(presupposing.group(0))
        name = event_name(sentence[m.start() :])
        if start <= 3:  # "Tại hội nghị, X đã ký kết ...": the subject follows
            comma = sentence.find(",", m.end())
            rest = sentence[comma + 1 :] if comma != -1 else ""
            verb = _MAIN_VERB.search(rest)
            subject = rest[: verb.start()] if verb else rest
            if verb is not None:  # what was done there names it too: "đã ký kết ..."
                done = event_name(rest[verb.start() :])
                name = f"{event_name(sentence[m.start() : comma])} {done}"
        else:  # "X phát biểu tại Lễ kỷ niệm ...": the subject is before
            subject = sentence[:start]
        return subject, name, True
    return None


def _verb(
    sentence: str, m: re.Match[str], before: str, *, dated: bool, recent: bool
) -> tuple[str, str, bool] | None:
    """What a named subject did, on a stated day (or "vừa"): "X làm việc với Y", "X vừa ký
    chương trình phối hợp"."""
    if _NOUN_PHRASE.search(before):
        return None
    word = " ".join(m.group(0).lower().split())
    if not dated and (word in WEAK_VERBS or not recent):
        return None
    subject = sentence[: m.start()]
    if not _SUBJECT_WORD.search(subject[-160:]):
        return None
    return subject, event_name(sentence[m.start() :]), False


_CLAUSE_START = re.compile(r"(?:^|,)\s*$")


def _starts_clause(before: str) -> bool:
    return _CLAUSE_START.search(before) is not None


def _with_end(event: Event, paragraphs: Sequence[str]) -> Event:
    """The event, with the paragraph where the next item of a listing page starts: a later
    paragraph that opens with its own report on another day."""
    when = (event.date.day, event.date.month) if event.date else None
    for index in range(event.paragraph + 1, len(paragraphs)):
        paragraph = paragraphs[index]
        if _NEW_ITEM.match(paragraph) is None and paragraph.find(" vừa ", 0, 160) == -1:
            continue
        first = split_sentences(paragraph[:600])[:1]
        other = event_in_sentence(first[0], index) if first else None
        if other is None or other.presupposed:
            continue
        if other.date is None or when is None or (other.date.day, other.date.month) != when:
            return _ending(event, index)
    return _ending(event, len(paragraphs))


def _ending(event: Event, end: int) -> Event:
    """``event`` with ``end`` (dataclasses.replace costs ~10 µs)."""
    e = event
    return Event(e.paragraph, e.sentence, e.subject, e.name, e.date, e.presupposed, end)
