"""The article types that flow from sources through the core into the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

LEVELS = ("central", "province", "district", "commune", "military", "unknown")
MEETING_KINDS = (
    "so_ket",
    "tong_ket",
    "ky_ket",
    "trien_khai",
    "quan_triet",
    "bieu_duong",
    "tap_huan",
    "giao_ban",
    "doi_thoai",
    "toa_dam",
    "hoi_thao",
    "khac",
)


@dataclass(frozen=True)
class RawArticle:
    """What a source hands over: text as found, plus whatever metadata the source knew."""

    text: str
    source: str  # file name or feed name
    title: str | None = None
    url: str | None = None
    published: datetime | None = None  # aware, UTC
    guid: str | None = None
    province_hint: str | None = None  # the source's own province, if configured
    all_relevant: bool = False  # the source publishes only dân vận news (topic = "all")


@dataclass(frozen=True)
class ProvinceMention:
    name: str  # as named in the text's era, canonical spelling
    current: str  # the unit it belongs to since 2025-07-01


@dataclass(frozen=True)
class Relevance:
    """Is it dân vận news (bot/articles/relevance.py decides)."""

    relevance: int  # 2 core dân vận, 1 adjacent (still wanted in a digest), 0 not dân vận
    score: float  # the evidence behind the label: cue points minus traps
    cues: tuple[str, ...] = ()  # what decided it, strongest first: "title:ban_dan_van", ...


@dataclass(frozen=True)
class Extraction:
    title: str
    published: date | None
    event_date: str | None  # YYYY-MM-DD, --MM-DD (year unknown) or None
    provinces: tuple[ProvinceMention, ...]
    level: str
    meeting_kind: str | None
    chairs: tuple[str, ...]
    summary: str
    # None: not classified yet (an Extraction made by hand); the store classifies it.
    relevance: Relevance | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article with what was extracted from it, ready to store."""

    body: str  # cleaned text, paragraphs separated by blank lines
    source: str
    extraction: Extraction
    url: str | None = None
    published: datetime | None = None
    guid: str | None = None
    body_hash: str = ""
    all_relevant: bool = False  # from a topic = "all" source or an imported file

    @property
    def title(self) -> str:
        return self.extraction.title


@dataclass(frozen=True)
class StoredArticle:
    """An article as read back from the database, for replies and digests."""

    id: int
    title: str
    url: str | None
    source: str
    published: datetime | None
    event_date: str | None
    level: str
    meeting_kind: str | None
    chairs: tuple[str, ...]
    summary: str
    provinces: tuple[ProvinceMention, ...]
    added_at: datetime
    relevance: int = 2  # as users see it: 2 core, 1 adjacent (0 is never shown)

    @property
    def event_day(self) -> date | None:
        """The event date when the year is known."""
        if self.event_date and len(self.event_date) == 10 and self.event_date[4] == "-":
            return date.fromisoformat(self.event_date)
        return None
