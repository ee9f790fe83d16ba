"""The parts of ``/nguon`` that find sources: adding a site by its home page (feed discovery,
or a page source), ``/nguon themtrang`` and ``/nguon goiy [tỉnh]`` (the catalogue).

Called from :mod:`bot.replies.admin`, which has already checked that the user is a bot
admin and that the URL passed the SSRF guard. Everything shown is HTML-escaped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.replies.model import Reply
from bot.replies.render import esc, split_html, truncate
from bot.sources.catalogue import (
    CATEGORIES,
    CatalogueError,
    known_province,
    parse_catalogue,
    read_catalogue_text,
    seen_text,
    suggest,
)
from bot.sources.discovery import Discovery, discover
from bot.sources.http import Fetcher
from bot.store import sources as source_store
from bot.text.collation import sort_key

if TYPE_CHECKING:
    from bot.services import Services

# A URL that names a feed is added as one without fetching it first.
_FEED_URL = re.compile(r"(?:\.rss|\.xml|/rss|/feed|/atom)(?:[/?#.]|$)", re.IGNORECASE)
MAX_FEEDS_SHOWN = 5

GOIY_FOOTER = (
    "<i>Các trang web hay đổi địa chỉ: hãy thêm thử rồi xem /nguon sau lần lấy tin đầu tiên. "
    "Thêm nguồn: <code>/nguon them &lt;tên&gt; &lt;địa chỉ&gt;</code>.</i>"
)


def looks_like_feed_url(url: str) -> bool:
    return bool(_FEED_URL.search(url))


async def added(
    name: str, url: str, kind: str, services: Services, *, topic: str = "filter"
) -> Reply:
    row = await source_store.add_source(
        services.db, name, url, origin="chat", kind=kind, topic=topic
    )
    what = "nguồn trang (bot đọc danh sách bài trên trang)" if kind == "page" else "kênh RSS"
    keep = (
        "Mọi tin của nguồn này sẽ được giữ."
        if row.topic == "all"
        else "Bot chỉ giữ các tin về công tác dân vận của nguồn này "
        "(thêm <code>tatca</code> ở cuối lệnh nếu nguồn chỉ đăng tin dân vận)."
    )
    return Reply.text(
        f"Đã thêm nguồn <b>{esc(row.name)}</b> ({what}).\n<code>{esc(row.url)}</code>\n"
        f"Bot sẽ lấy tin từ nguồn này trong lần lấy tin tới. {keep}"
    )


def render_choices(name: str, d: Discovery, topic: str = "filter") -> str:
    """What the site offers, as commands the admin can copy."""
    word = " tatca" if topic == "all" else ""
    lines = [f"Trang <code>{esc(truncate(d.url, 200))}</code> không phải kênh RSS."]
    if d.feeds:
        lines.append("Trang này có kênh RSS, chọn một kênh để thêm:")
        for feed in d.feeds[:MAX_FEEDS_SHOWN]:
            title = f" — {esc(truncate(feed.title, 60))}" if feed.title else ""
            lines.append(
                f"• <code>/nguon them {esc(name)} {esc(feed.url)}{word}</code>{title} "
                f"({feed.entries} tin)"
            )
    else:
        lines.append("Không tìm thấy kênh RSS nào trên trang này.")
    if d.page_source_would_do:
        lines.append(
            f"Hoặc đọc thẳng danh sách bài trên trang ({d.article_links} bài thấy được):\n"
            f"• <code>/nguon themtrang {esc(name)} {esc(d.url)}{word}</code>"
        )
    else:
        lines.append(
            "Trang này không có danh sách bài rõ ràng; hãy thử địa chỉ một chuyên mục "
            "(ví dụ trang «Công tác dân vận» của cổng thông tin)."
        )
    return "\n".join(lines)


async def add_with_discovery(
    name: str, url: str, services: Services, *, topic: str = "filter"
) -> Reply:
    """Add ``url`` as a feed when it is one; otherwise say what the site offers."""
    if looks_like_feed_url(url):
        return await added(name, url, "feed", services, topic=topic)
    async with Fetcher(services.settings.fetch) as fetcher:
        found = await discover(fetcher, url)
    if found.error:
        return Reply.text(
            f"Không tải được trang <code>{esc(truncate(url, 200))}</code>: "
            f"{esc(truncate(found.error, 160))}.\nHãy kiểm tra lại địa chỉ."
        )
    if found.is_feed:
        return await added(name, url, "feed", services, topic=topic)
    return Reply.text(render_choices(name, found, topic))


async def goiy(args: str, services: Services) -> Reply:
    """/nguon goiy [tỉnh]: the catalogue for a province (national sources always)."""
    try:
        entries = parse_catalogue(read_catalogue_text(services.settings.content_dir))
    except (OSError, CatalogueError):
        return Reply.text("Chưa có danh mục nguồn tin gợi ý trên máy chủ này.")
    province = args.strip() or None
    blocks = [
        "<b>Nguồn tin gợi ý</b>"
        + (f" cho <b>{esc(truncate(province, 40))}</b>" if province else "")
    ]
    if province and not known_province(entries, province):
        blocks.append(
            f"Chưa có nguồn riêng của «{esc(truncate(province, 40))}» trong danh mục; "
            "dưới đây là các nguồn trung ương."
        )
    chosen = suggest(entries, province)
    for category, label in CATEGORIES.items():
        # Provinces in Vietnamese alphabetical order, then the source names.
        items = sorted(
            (e for e in chosen if e.category == category),
            key=lambda e: (sort_key(e.province or ""), sort_key(e.name)),
        )
        if not items:
            continue
        lines = [f"<b>{esc(label)}</b>"]
        for e in items:
            kind = "trang" if e.kind == "page" else "RSS"
            place = f" ({esc(e.province)})" if e.province else ""
            lines.append(
                f"• {esc(e.name)}{place} — {kind}\n<code>{esc(e.url)}</code>\n"
                f"<i>Lần cuối thấy hoạt động: {esc(seen_text(e))}</i>"
            )
        blocks.append("\n".join(lines))
    blocks.append(GOIY_FOOTER)
    return Reply(parts=tuple(split_html("\n\n".join(blocks))))
