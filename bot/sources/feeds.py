"""Feed bytes -> entries with a stable identity, dates in UTC and plain text. Pure.

feedparser only ever sees bytes in a BytesIO: given a str or bytes it may fetch a URL or
open a local file. A broken feed is reported in words (``ParsedFeed.problem``), never raised.

Speed: all we keep of an entry's HTML is its text, so feedparser neither sanitises it nor
resolves the links inside it, and it gets no base URL (with one it joins URLs at every
element); the entry's link and permalink guid are resolved here instead, the way
feedparser did, so keys stay what they were.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import feedparser

from bot.sources.dates import from_struct_time, parse_feed_date
from bot.sources.htmltext import html_to_text, plain_title, tidy
from bot.store.articles import canonical_url
from bot.text.normalize import clean_line, fold

# An entry whose text is shorter than this is a teaser: the article page has the rest.
TEASER_CHARS = 600

_XML_DECL_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([^"']+)(["'])""")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class FeedEntry:
    key: str  # identity within the source: guid, else link, else title + date
    title: str
    link: str | None
    guid: str | None
    published: datetime | None  # aware UTC
    text: str  # plain text from content or summary
    content_hash: str  # changes when title, link or text change

    @functools.cached_property  # a round asks for it several times per entry
    def alias(self) -> str | None:
        """The link key of a guid-keyed entry: some sites regenerate guids on every build."""
        if self.key.startswith("guid:"):
            curl = canonical_url(self.link)
            return "link:" + curl[:500] if curl else None
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.alias) if self.alias else (self.key,)

    @property
    def is_teaser(self) -> bool:
        return len(self.text) < TEASER_CHARS


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[FeedEntry, ...] = ()
    title: str = ""
    problem: str | None = None  # the feed is unusable, in words
    notes: tuple[str, ...] = field(default_factory=tuple)  # usable, but worth knowing
    skipped: int = 0  # entries with nothing to identify them


def _hash(*parts: str) -> str:
    data = "\x1f".join(parts).encode("utf-8")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def entry_key(guid: str | None, link: str | None, title: str, published: datetime | None) -> str:
    """Identity of an entry: guid -> canonical link -> folded title + publication time."""
    if guid:
        return "guid:" + guid[:500]
    curl = canonical_url(link)
    if curl:
        return "link:" + curl[:500]
    when = published.isoformat() if published else ""
    return "title:" + _hash(fold(title), when)


def _first(entry: Any, *names: str) -> str:
    for name in names:
        value = entry.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _entry_text(entry: Any) -> str:
    """The longest of content and summary, as plain text."""
    candidates: list[tuple[str, str]] = []
    for content in entry.get("content") or []:
        if isinstance(content, dict) and content.get("value"):
            candidates.append((str(content.get("type", "")), str(content["value"])))
    detail = entry.get("summary_detail") or {}
    if entry.get("summary"):
        candidates.append((str(detail.get("type", "")), str(entry["summary"])))
    texts = [
        tidy(value) if kind == "text/plain" else html_to_text(value) for kind, value in candidates
    ]
    texts = [t for t in texts if t and t.casefold() != "no description"]
    return max(texts, key=len, default="")


def _published(entry: Any) -> datetime | None:
    """The entry's date. Ours first (Vietnam time when the feed gives no zone, "ICT",
    "GMT+7", day-first numbers), feedparser's reading for the forms ours leaves alone
    (ISO 8601 with an offset or Z): feedparser reads a zone-less date as UTC."""
    for name in ("published", "updated", "created"):
        raw = entry.get(name)
        ours = parse_feed_date(raw) if isinstance(raw, str) else None
        if ours is not None:
            return ours
        parsed = from_struct_time(entry.get(f"{name}_parsed"))
        if parsed is not None:
            return parsed
    return None


# feedparser's clean-up of "http:///host" before joining, so keys stay as they were.
_EXTRA_SLASHES = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def absolute(base_url: str | None, uri: str) -> str:
    """``uri`` resolved against the feed's URL, as feedparser resolves with a base."""
    uri = _EXTRA_SLASHES.sub(r"\1\3", uri)
    if not base_url or not uri:
        return uri
    if uri.startswith(("http://", "https://")) and not any(c in uri for c in ";?#"):
        return uri  # what urljoin would give back: nearly every link, at a tenth of the cost
    try:
        return urllib.parse.urljoin(base_url, uri)
    except ValueError:
        return ""


def to_entry(entry: Any, base_url: str | None = None) -> FeedEntry | None:
    """One feedparser entry -> FeedEntry, or None when nothing identifies it. ``base_url``
    (the feed's URL) resolves a relative link, and a guid that is a permalink."""
    title = clean_line(plain_title(_first(entry, "title")))
    link = absolute(base_url, _first(entry, "link")) or None
    guid = _first(entry, "id", "guid") or None
    if guid and base_url and entry.get("guidislink"):
        guid = absolute(base_url, guid) or None
    text = _entry_text(entry)
    if not title and not link and not guid:
        return None
    published = _published(entry)
    return FeedEntry(
        key=entry_key(guid, link, title, published),
        title=title,
        link=link,
        guid=guid,
        published=published,
        text=text,
        content_hash=_hash(title, link or "", text),
    )


def _parse(data: bytes, content_type: str | None) -> Any:
    headers = {"content-type": content_type} if content_type else {}
    return feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        resolve_relative_uris=False,
        sanitize_html=False,
    )


def _redeclared_utf8(data: bytes) -> bytes | None:
    """The same document with its XML declaration saying utf-8, if the bytes are UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    m = _XML_DECL_ENCODING.match(data)
    if m is None or m.group(2).lower().replace(b"_", b"-") in (b"utf-8", b"utf8"):
        return None
    return data[: m.start(2)] + b"utf-8" + data[m.end(2) :]


def _declares_wide_encoding(data: bytes) -> bool:
    """An XML declaration readable byte by byte that names UTF-16 or UTF-32 is wrong about
    itself (in those encodings it would be full of NUL bytes): such a feed yields nothing."""
    m = _XML_DECL_ENCODING.match(data)
    return m is not None and m.group(2).lower().startswith((b"utf-16", b"utf-32", b"utf16"))


def _bozo_text(result: Any) -> str:
    exc = result.get("bozo_exception")
    if exc is None:
        return "malformed"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:200]


def parse_feed(
    data: bytes, content_type: str | None = None, base_url: str | None = None
) -> ParsedFeed:
    """Parse an RSS/Atom document. Never raises for bad input; says what is wrong instead."""
    body = data.lstrip(b"\xef\xbb\xbf\x00\t\r\n ")
    if not body:
        return ParsedFeed(problem="empty response")
    if body[:1] in (b"{", b"["):
        return ParsedFeed(problem="not a feed: a JSON document, not RSS/Atom")

    notes: list[str] = []
    # A feed that declares utf-16 but is UTF-8 yields nothing: read it as UTF-8 at once
    # rather than parse it twice; other wrong declarations are retried when they yield
    # nothing.
    fixed = _redeclared_utf8(data) if _declares_wide_encoding(data) else None
    result = _parse(fixed if fixed is not None else data, None if fixed else content_type)
    if not result.entries and fixed is None:
        fixed = _redeclared_utf8(data)
        if fixed is not None:
            retry = _parse(fixed, None)
            result = retry if retry.entries else result
            fixed = fixed if retry.entries else None
    if fixed is not None and result.entries:
        declared = _XML_DECL_ENCODING.match(data)
        name = declared.group(2).decode("ascii", "replace") if declared else "?"
        notes.append(f"declares encoding {name} but is UTF-8; read as UTF-8")

    entries: list[FeedEntry] = []
    keys: set[str] = set()
    skipped = 0
    for raw in result.entries:
        entry = to_entry(raw, base_url)
        if entry is None or entry.key in keys:  # a repeated item counts once
            skipped += 1
            continue
        keys.add(entry.key)
        entries.append(entry)

    version = result.get("version") or ""
    if not entries:
        if _HTML_START.match(body) or (
            not version and content_type and "html" in content_type.lower()
        ):
            return ParsedFeed(problem="not a feed: the server sent an HTML page")
        if not version:
            if result.get("bozo"):
                return ParsedFeed(problem=f"not a feed: {_bozo_text(result)}")
            return ParsedFeed(problem="not a feed: no RSS/Atom root element")
        if result.get("bozo"):
            return ParsedFeed(problem=f"broken feed, 0 usable entries: {_bozo_text(result)}")
        notes.append("feed has no entries")
    elif result.get("bozo"):
        notes.append(f"malformed but readable: {_bozo_text(result)}")
    if skipped:
        notes.append(f"{skipped} entries skipped (no title, link or guid, or repeated)")
    feed_title = clean_line(plain_title(str(result.feed.get("title", "") or "")))
    return ParsedFeed(tuple(entries), feed_title, None, tuple(notes), skipped)
