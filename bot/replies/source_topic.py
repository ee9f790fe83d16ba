"""A source's topic from chat: ``/nguon them ... tatca`` and ``/nguon chude <tên> tatca|loc``.

"all" (tatca): the source publishes only dân vận news, keep all of it; "filter" (loc): keep
what the relevance classifier calls dân vận news (see bot/store/relevance.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from bot.replies.model import Reply
from bot.replies.render import esc, truncate
from bot.store import sources as source_store
from bot.store.sources import SourceRow
from bot.text.normalize import fold

if TYPE_CHECKING:
    from bot.services import Services

MAX_NAME = 60

# Topic words an admin types (folded): keep every article, or only dân vận news.
TOPIC_WORDS: Mapping[str, str] = {
    "tatca": "all",
    "tat ca": "all",
    "all": "all",
    "moi tin": "all",
    "loc": "filter",
    "filter": "filter",
    "chi dan van": "filter",
}
TOPIC_VI = {"all": "giữ mọi tin", "filter": "chỉ giữ tin dân vận"}


def split_topic(text: str) -> tuple[str, str | None]:
    """``"Báo A https://x tatca"`` -> ("Báo A https://x", "all"): a topic word at the end
    (one or two words, any diacritics), or None."""
    words = text.split()
    for n in (2, 1):
        if len(words) > n and fold(" ".join(words[-n:])) in TOPIC_WORDS:
            return " ".join(words[:-n]), TOPIC_WORDS[fold(" ".join(words[-n:]))]
    return text.strip(), None


async def change_topic(
    rest: str,
    services: Services,
    find_by_name: Callable[[Sequence[SourceRow], str], SourceRow | None],
) -> Reply:
    """``/nguon chude <tên> tatca|loc``: trust a source or filter it, for its stored articles
    too."""
    name, topic = split_topic(rest)
    if topic is None or not name:
        return Reply.text(
            "Cần ghi tên nguồn và <code>tatca</code> (giữ mọi tin) hoặc <code>loc</code> "
            "(chỉ giữ tin dân vận), ví dụ:\n<code>/nguon chude Dân vận Thái Nguyên tatca</code>"
        )
    rows = await source_store.list_sources(services.db)
    row = find_by_name(rows, name)
    if row is None:
        return Reply.text(
            f"Không tìm thấy nguồn <b>{esc(truncate(name, MAX_NAME))}</b>. "
            "Gõ /nguon để xem tên các nguồn."
        )
    change = await source_store.set_topic(services.db, row.name, topic) or 0
    note = ""
    if change > 0:
        note = f"\n{change} bài đã lấy từ nguồn này nay được hiển thị."
    elif change < 0:
        note = f"\n{-change} bài đã lấy từ nguồn này nay không còn hiển thị."
    config_note = (
        "\nLưu ý: nguồn này khai báo trong tệp cấu hình (khóa <code>topic</code>), "
        "lần khởi động sau sẽ theo tệp cấu hình."
        if row.origin == "config"
        else ""
    )
    return Reply.text(f"Nguồn <b>{esc(row.name)}</b>: {TOPIC_VI[topic]}.{note}{config_note}")
