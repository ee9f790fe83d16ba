"""A listing page (a section of a portal) -> the links on it that are articles. Pure.

Nothing is learned from one page and used on the next: every round reads the page as it
is, so a redesign changes which links are found, never which ones are trusted.

A link is an article link when it stays on the listing's site, sits in the page's main
content (not in ``<nav>``, ``<aside>``, a menu, the site header or footer, a sidebar, a tag
cloud or a "most read" / "related" box), its URL looks like a story (a slug of several
words or a numeric id, not a category, a file or a page number) and it reads like a
headline (four words or more, in the link text or its ``title``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from bot.sources.pages import Node, node_text, parse_tree

# Tags that are never the main content.
_NEVER_MAIN_TAGS = frozenset({"nav", "aside", "menu", "select", "form"})
# The site's header and footer; inside an <article> they are the story's own.
_FRAME_TAGS = frozenset({"header", "footer"})
# Class/id words of containers that are not the main list.
_NOT_MAIN_WORDS = frozenset(
    {"nav", "navbar", "navigation", "menu", "menus", "breadcrumb", "breadcrumbs", "sidebar",
     "aside", "footer", "related", "tag", "tags", "topic", "topics", "most", "popular",
     "banner", "ads", "advert", "advertisement", "social", "share", "widget",
     "other", "others", "comment", "comments", "login", "search", "weather", "lang",
     "language", "submenu", "dropdown", "mega", "copyright", "partner", "partners",
     "weblink", "lienket"}
)  # fmt: skip
_NOT_MAIN_JOINED = re.compile(
    r"lien-?quan|tin-?khac|doc-?nhieu|xem-?nhieu|most-?read|mostview|hot-?tag|top-?menu"
    r"|(?:col|box|pane|side|sub)[-_]*right|right[-_]*(?:col|box|pane|side)",
    re.IGNORECASE,
)
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_FILE_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|pptx?|zip|rar|mp[34]|avi|rss|xml|json|ico)$",
    re.IGNORECASE,
)
_PAGINATION = re.compile(r"(?:^|/)(?:page|trang|p)[/-]?\d+(?:\.html?)?/?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d{4,}")
_WORDS = re.compile(r"\w+", re.UNICODE)
# Links on a listing beyond this many are not considered (a page of 5,000 links is hostile).
MAX_LINKS = 1000


@dataclass(frozen=True)
class ListingLink:
    url: str  # absolute, without fragment
    title: str  # the headline as the listing shows it


def same_site(host_a: str, host_b: str) -> bool:
    """Hosts equal up to a leading ``www.`` and case."""

    def strip(host: str) -> str:
        host = host.lower().rstrip(".")
        return host[4:] if host.startswith("www.") else host

    return bool(host_a) and strip(host_a) == strip(host_b)


def _hint_words(node: Node) -> set[str]:
    return {w for w in _WORD_SPLIT.split(node.hint().lower()) if w}


def _is_frame(node: Node, in_article: bool) -> bool:
    if node.tag in _NEVER_MAIN_TAGS:
        return True
    words = _hint_words(node)
    if not in_article and (node.tag in _FRAME_TAGS or "header" in words):
        return True
    return bool(words & _NOT_MAIN_WORDS) or bool(_NOT_MAIN_JOINED.search(node.hint()))


def _anchors(root: Node) -> Iterator[tuple[Node, bool]]:
    """Every <a> in document order, with whether it sits in the main content."""
    stack: list[tuple[Node, bool, bool]] = [(root, True, False)]
    while stack:
        node, main, in_article = stack.pop()
        for child in reversed(node.children):
            if not isinstance(child, Node):
                continue
            if child.tag == "a":  # the link's own class says how it looks, not where it is
                yield child, main
                continue
            child_article = in_article or child.tag == "article"
            child_main = main and not _is_frame(child, in_article)
            stack.append((child, child_main, child_article))


def clean_url(href: str, base_url: str) -> str | None:
    href = html.unescape(href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        parts = urlsplit(urljoin(base_url, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def looks_like_article_url(url: str) -> bool:
    """A story URL: a slug of 4+ words or a numeric id; not a file, a page number or "/"."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path and not parts.query:
        return False
    if _FILE_EXT.search(path) or _PAGINATION.search(path):
        return False
    last = path.rsplit("/", 1)[-1]
    stem = re.sub(r"\.(?:html?|aspx?|php|jsp|vnp|chn|ldo|tpo)$", "", last, flags=re.IGNORECASE)
    words = [w for w in re.split(r"[-_]+", stem) if w]
    if len(words) >= 4 or _DIGITS.search(stem):
        return True
    query = dict(parse_qsl(parts.query))
    if any(k.lower() in ("page", "p", "trang") for k in query):
        return False
    return any(_DIGITS.search(v) or (v.isdigit() and len(v) >= 3) for v in query.values())


def _headline(anchor: Node) -> str:
    """The link's ``title`` when it is a headline (sites put the headline there even on
    the teaser link), else its text."""
    title = " ".join(html.unescape(anchor.attrs.get("title", "")).split())
    if len(_WORDS.findall(title)) >= 4:
        return title
    return " ".join(node_text(anchor).split())


def _is_headline(title: str) -> bool:
    return len(_WORDS.findall(title)) >= 4


def article_links(markup: str, base_url: str, limit: int = MAX_LINKS) -> list[ListingLink]:
    """The article links of a listing page, in page order, each URL once."""
    host = urlsplit(base_url).hostname or ""
    own = clean_url(base_url, base_url)
    found: dict[str, ListingLink] = {}
    seen_anchors = 0
    for anchor, main in _anchors(parse_tree(markup)):
        seen_anchors += 1
        if seen_anchors > limit * 5:
            break
        if not main:
            continue
        url = clean_url(anchor.attrs.get("href", ""), base_url)
        if url is None or url == own or not same_site(urlsplit(url).hostname or "", host):
            continue
        if not looks_like_article_url(url):
            continue
        title = _headline(anchor)
        known = found.get(url)
        if known is not None:
            if not _is_headline(known.title) and _is_headline(title):  # thumbnail came first
                found[url] = ListingLink(url, title)
            continue
        if len(found) >= limit:
            continue
        found[url] = ListingLink(url, title)
    return [link for link in found.values() if _is_headline(link.title)]
