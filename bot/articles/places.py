"""Provinces (pure): which provinces an article is about.

The gazetteer (:mod:`bot.text.provinces`) finds province names in prose, strictly; this
module decides which of them the article is about:

- the article's own text: headline and paragraphs up to where a listing page's next item
  starts (a listing page is described by its first event);
- a name inside a body or newspaper name counts ("Báo Yên Bái", "Mặt trận Tổ quốc Bến
  Tre"), and so does a readable outlet domain ("(Baobacgiang.vn) -") or a credit
  ("Theo Báo Lạng Sơn"); a cryptic tag ("(QNO)") names nothing;
- guests are not the subject: a sentence about a visiting delegation ("Đoàn công tác ...
  các tỉnh Bắc Giang, Lạng Sơn đến dự") or a delegation received ("tiếp đoàn ... tỉnh X");
- the capital as the venue of a central event ("Ban Dân vận Trung ương ... tại Hà Nội") is
  where central bodies sit, not a place the event is about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.articles.clutter import is_byline
from bot.articles.event import Event
from bot.articles.model import ProvinceMention
from bot.text.provinces import Gazetteer

# A delegation ("Đoàn công tác ...", "đoàn đại biểu ..."): a guest when its sentence opens
# with it and it comes to attend or visit, or when someone receives it.
_DELEGATION = re.compile(
    r"[Đđ]oàn\s+(?:công\s+tác|đại\s+biểu|cán\s+bộ|lãnh\s+đạo|khảo\s+sát|kiểm\s+tra|"
    r"giám\s+sát|của)\b"
)
_VISITS = re.compile(
    r"\b(?:đến|về|sang)\s+(?:dự|thăm|làm\s+việc|trao\s+đổi|học\s+tập|chúc\s+mừng)\b"
)
_RECEIVES = re.compile(
    r"\b(?:tiếp|đón|tiếp\s+đón|(?:tiếp\s+và\s+)?làm\s+việc\s+với)\s+(?:các\s+)?$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n)(?:Các\s+)?$")
_CAPITAL_VENUE = re.compile(r"(?:\btại|\bở)\s+(?:thủ\s+đô\s+|thành\s+phố\s+|TP\.?\s*)?$", re.I)
_CAPITAL = "Hà Nội"
_OUTLET_CREDIT = re.compile(r"^(?:theo\s+)?báo\b", re.IGNORECASE)


def provinces_of(
    gazetteer: Gazetteer,
    *,
    headline: str,
    paragraphs: Sequence[str],
    event: Event | None,
    level: str,
    outlet: str | None = None,
    credits: Sequence[str] = (),
) -> tuple[ProvinceMention, ...]:
    """The provinces the article is about, in order of first mention, as named then."""
    stop = event.end if event is not None else len(paragraphs)
    while stop > 1 and is_byline(paragraphs[stop - 1]):
        stop -= 1  # "Hà Tây", "Minh Châu": a byline names a writer, not a place
    body = "\n".join(paragraphs[:stop])
    text = f"{headline}\n{body}" if headline else body
    if "oàn " in text:  # cheap test before the delegation patterns
        text = _without_guests(text, event.sentence if event is not None else "")
    found: dict[str, ProvinceMention] = {}
    if outlet:
        tagged = gazetteer.outlet_province(outlet)
        if tagged is not None:
            found[tagged.name] = tagged
    for mention in gazetteer.mentions(text):
        found.setdefault(mention.name, mention)
    for credit in credits:
        if _OUTLET_CREDIT.match(credit):
            for mention in gazetteer.mentions(credit):
                found.setdefault(mention.name, mention)
    if level == "central" and _CAPITAL in found and _only_as_venue(text, _CAPITAL):
        del found[_CAPITAL]
    return tuple(found.values())


def _without_guests(text: str, keep: str) -> str:
    """``text`` without what it says of guest delegations (the event sentence ``keep``
    stays: a delegation that is the event's subject is its organiser)."""
    spans: list[tuple[int, int]] = []
    for m in _DELEGATION.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        start = max(text.rfind(". ", 0, m.start()) + 2, text.rfind("\n", 0, m.start()) + 1)
        ends = [i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i != -1]
        end = min(ends) if ends else len(text)
        if keep and keep in text[start:end]:
            continue
        if _RECEIVES.search(before):  # "tiếp đoàn công tác ... tỉnh X": to the clause end
            clause_end = min([end, *[i for i in (text.find(";", m.end()),) if i != -1]])
            spans.append((m.start(), clause_end))
        elif _SENTENCE_START.search(before) and _VISITS.search(text, m.end(), end):
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = f"{text[:start]} {text[end:]}"
    return text


def _only_as_venue(text: str, name: str) -> bool:
    """Every mention of ``name`` is "tại/ở (thủ đô|thành phố|TP) <name>"."""
    start = text.find(name)
    while start != -1:
        if not _CAPITAL_VENUE.search(text[max(0, start - 24) : start]):
            return False
        start = text.find(name, start + 1)
    return True
