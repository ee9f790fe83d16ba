"""Article page HTML -> main text: a small readability-style extractor on the stdlib parser.

Why ours and not trafilatura: on the Vietnamese news-page fixtures in
``tests/fixtures/pages`` both find the article body (see ``tests/unit/test_feed_pages.py``
and ``benchmarks/bench_feeds.py``), and ours does it with no dependency, while trafilatura
brings lxml, dateparser, regex, justext, htmldate and courlan. The body we return goes
through the article core's cleaner anyway (captions, "Xem thêm", counters), so the
extractor only has to find the right container and drop navigation.

How: build a tolerant element tree; score each container by the text of its paragraph-like
children (long, comma-rich, few links), with hints from class/id names (``detail-content``,
``fck_detail``, ``article-body`` up; ``comment``, ``related``, ``footer`` down); take the
best container and emit its paragraphs. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from bot.sources.htmltext import BLOCK_TAGS, SKIP_TAGS, VOID_TAGS, tidy
from bot.sources.pagemeta import meta_content, page_title, published_time
from bot.text.normalize import fold_words

# Never part of the article.
_DROP_TAGS = SKIP_TAGS | {"nav", "footer", "aside", "form", "header", "menu"}
_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "blockquote", "li", "pre"})
# Containers that may hold paragraphs as bare text split by <br>.
_TEXT_BOXES = frozenset({"div", "td", "section", "article", "font", "span"})
_POSITIVE = re.compile(
    r"article|body|content|detail|entry|main|post|story|text|fck|noidung|chitiet|baiviet",
    re.IGNORECASE,
)
# Containers that are never the article: dropped with everything inside.
_DROP_HINT = re.compile(
    r"comment|binh-?luan|related|lien-?quan|tin-?khac|othernews|breadcrumb|share|social"
    r"|banner|advert|\bads?\b|popup|navbar|menu|\btags?\b|box-tags|subscribe|login|rating",
    re.IGNORECASE,
)
# Weak signs against a container (whole layouts sit in a "sidebar-1" on some sites).
_NEGATIVE = re.compile(r"sidebar|footer|header|widget|other|hidden|print|right|left", re.I)
# Paragraph text that is site furniture even inside the article container.
_FURNITURE = re.compile(
    r"^(?:chia sẻ|bình luận|in bài|gửi bài|lưu bài|theo dõi|quay lại|về đầu trang"
    r"|xem thêm|tin liên quan|đọc thêm|từ khóa|tags?)\s*:?\s*$",
    re.IGNORECASE,
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def hint(self) -> str:
        return f"{self.attrs.get('class', '')} {self.attrs.get('id', '')} " + (
            self.attrs.get("itemprop", "")
        )


# Deeper elements are flattened into their ancestor at this depth: real pages stay far
# below it, and it keeps end-tag matching linear on hostile ones.
MAX_DEPTH = 200


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unknown end tags are ignored, unclosed ones close with their parent."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root
        self.depth = 0
        self.open: dict[str, int] = {}  # tag -> how many are open on the current path

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.current.tag == "p" and tag in BLOCK_TAGS:
            self._close("p")  # a block start inside an open <p> closes it, as browsers do
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS and self.depth < MAX_DEPTH:
            self.current = node
            self.depth += 1
            self.open[tag] = self.open.get(tag, 0) + 1
        elif tag == "br":
            node.children.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        if tag == "br":
            node.children.append("\n")
        self.current.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def _close(self, tag: str) -> None:
        if not self.open.get(tag):
            return  # a stray end tag
        node = self.current
        while node.parent is not None:
            self.open[node.tag] -= 1
            self.depth -= 1
            closing, node = node, node.parent
            if closing.tag == tag:
                break
        self.current = node

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_tree(markup: str) -> Node:
    builder = _TreeBuilder()
    try:
        builder.feed(markup)
        builder.close()
    except (AssertionError, ValueError):
        pass
    return builder.root


def node_text(node: Node) -> str:
    """Visible text under ``node`` (iterative: hostile pages nest thousands deep)."""
    out: list[str] = []
    stack: list[Node | str] = list(reversed(node.children))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif item.tag not in _DROP_TAGS:
            if item.tag in BLOCK_TAGS:
                stack.append("\n\n")
                stack.extend(reversed(item.children))
                stack.append("\n\n")
            else:
                stack.extend(reversed(item.children))
    return tidy("".join(out))


def _link_text_len(node: Node) -> int:
    total = 0
    stack = [c for c in node.children if isinstance(c, Node)]
    while stack:
        child = stack.pop()
        if child.tag == "a":
            total += len(node_text(child))
        else:
            stack.extend(c for c in child.children if isinstance(c, Node))
    return total


def _dropped(node: Node) -> bool:
    return node.tag in _DROP_TAGS or bool(
        _DROP_HINT.search(node.hint()) and "articleBody" not in node.attrs.get("itemprop", "")
    )


def _has_own_text(node: Node) -> bool:
    return any(isinstance(c, str) and c.strip() for c in node.children)


def _paragraphs(node: Node) -> list[Node]:
    """Paragraph-like descendants, not looking inside dropped subtrees."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        for child in reversed(current.children):
            if not isinstance(child, Node) or _dropped(child):
                continue
            if child.tag in _PARAGRAPH_TAGS or (child.tag in _TEXT_BOXES and _has_own_text(child)):
                found.append(child)
            else:
                stack.append(child)
    found.reverse()
    return found


def _paragraph_score(text: str, links: int) -> float:
    if len(text) < 25:
        return 0.0
    density = links / max(1, len(text))
    if density > 0.5:
        return 0.0
    return (1 + text.count(",") + min(len(text) / 100, 3)) * (1 - density)


def extract_main_text(markup: str) -> str:
    """The article's paragraphs as plain text, or "" when the page has no clear body."""
    root = parse_tree(markup)
    scores: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    for para in _paragraphs(root):
        text = node_text(para)
        links = _link_text_len(para)
        score = sum(_paragraph_score(chunk, links) for chunk in text.split("\n\n"))
        if not score:
            continue
        # Credit the container and, less, its parent, as readability does. A div holding
        # its own text (paragraphs split by <br>, old provincial sites) is a container too.
        parent, share = (para if para.tag in _TEXT_BOXES else para.parent), 1.0
        while parent is not None and share >= 0.25:
            nodes[id(parent)] = parent
            scores[id(parent)] = scores.get(id(parent), 0.0) + score * share
            parent, share = parent.parent, share / 2
    if not scores:
        return ""
    for key, node in nodes.items():
        if _POSITIVE.search(node.hint()):
            scores[key] *= 1.5
        if _NEGATIVE.search(node.hint()):
            scores[key] *= 0.3
    best = nodes[max(scores, key=lambda k: scores[k])]
    if best.tag in _TEXT_BOXES and _has_own_text(best):
        return "\n\n".join(
            p for p in node_text(best).split("\n\n") if p and not _FURNITURE.match(p)
        )
    kept: list[str] = []
    for para in _paragraphs(best):
        text = node_text(para)
        if not text or _FURNITURE.match(text):
            continue
        if _link_text_len(para) / max(1, len(text)) > 0.5:
            continue
        kept.append(text)
    return "\n\n".join(kept)


@dataclass(frozen=True)
class PageArticle:
    """What an article page says about itself."""

    title: str | None
    published: datetime | None  # aware UTC
    text: str  # lead (from the page's description) + main text


def extract_page_article(markup: str) -> PageArticle:
    """Title, publication time and text of an article page. Pure; never raises."""
    body = extract_main_text(markup)
    lead = tidy(meta_content(markup, "og:description", "description") or "")
    if lead and (len(lead) > 400 or fold_words(lead) in fold_words(body)):
        lead = ""  # a long description is often the whole text again; a known one adds nothing
    text = f"{lead}\n\n{body}" if lead and body else (body or lead)
    return PageArticle(page_title(markup), published_time(markup), text)
