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

# A sentence about a visiting delegation (not the event sentence itself).
_GUESTS = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))(?:Các\s+)?[Đđ]oàn\s+(?:công\s+tác|đại\s+biểu|cán\s+bộ|"
    r"lãnh\s+đạo|khảo\s+sát|kiểm\s+tra|giám\s+sát|của)\b[^.!?\n]{0,200}?"
    r"\b(?:đến|về|sang)\s+(?:dự|thăm|làm\s+việc|trao\s+đổi|học\s+tập|chúc\s+mừng)[^.!?\n]*"
)
# A delegation received: "tiếp (và làm việc với) đoàn công tác Ban Dân vận Tỉnh ủy X".
_RECEIVED = re.compile(
    r"\b(?:tiếp|đón|tiếp\s+đón|(?:tiếp\s+và\s+)?làm\s+việc\s+với)\s+(?:các\s+)?[Đđ]oàn\s+"
    r"(?:công\s+tác|đại\s+biểu|cán\s+bộ|"
    r"lãnh\s+đạo|khảo\s+sát|của)\b[^.;!?\n]*"
)
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
    if "oàn" in text:  # cheap test before the delegation patterns
        keep = event.sentence if event is not None else ""
        text = _GUESTS.sub(lambda m: m.group(0) if keep and keep in m.group(0) else " ", text)
        text = _RECEIVED.sub(" ", text)
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


def _only_as_venue(text: str, name: str) -> bool:
    """Every mention of ``name`` is "tại/ở (thủ đô|thành phố|TP) <name>"."""
    start = text.find(name)
    while start != -1:
        if not _CAPITAL_VENUE.search(text[max(0, start - 24) : start]):
            return False
        start = text.find(name, start + 1)
    return True
