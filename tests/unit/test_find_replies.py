"""What /tim says: the order (newest first), approximate matches, exclusions, and advice
that fits the query when nothing is found. Real SQLite file, hand-made articles; every reply
is checked to be valid Telegram HTML (tests/unit/test_replies.visible)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.articles.model import Article
from bot.config import Settings
from bot.replies import dispatch
from bot.replies.model import Reply
from bot.services import Services
from tests.unit.test_replies import NOW, PRIVATE, visible
from tests.unit.test_replies import make_article as _make_article


def make_article(n: int, title: str, **kw: Any) -> Article:
    """test_replies' article, shown whatever the relevance classifier thinks of its text
    (these tests are about search)."""
    return replace(_make_article(n, title, **kw), all_relevant=True)


ARTICLES = [
    make_article(1, "Xây dựng Đảng ở cơ sở", event_date="2024-04-23",
                 body="Công tác xây dựng Đảng ở cơ sở được chú trọng."),
    make_article(2, "Đảng bộ xã đại hội", event_date="2024-04-26",
                 body="Đảng bộ xã tổ chức đại hội nhiệm kỳ mới."),
    make_article(3, "Dân vận khéo ở Hà Giang", event_date="2024-04-22",
                 body="Phong trào thi đua Dân vận khéo lan tỏa."),
    make_article(4, "Khéo léo vận động nhân dân", event_date="2024-04-25",
                 body="Cán bộ khéo léo vận động nhân dân hiến đất."),
    make_article(5, "Dân vận khéo trong mùa bão", event_date="2024-04-28",
                 body="Dân vận khéo giúp dân vượt qua bão lũ."),
]  # fmt: skip


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    svc = await Services.open(Settings(database=tmp_path / "bot.db"), clock=lambda: NOW)
    await svc.writer.save_many(ARTICLES, NOW)
    yield svc
    await svc.close()


async def tim(services: Services, query: str) -> str:
    reply: Reply | None = await dispatch.handle_text(f"/tim {query}", PRIVATE, services)
    assert reply is not None
    return visible(reply)


def ids_in(text: str) -> list[int]:
    return [int(line.split()[0][1:]) for line in text.splitlines() if line.startswith("#")]


async def test_results_are_newest_first_and_say_so(services: Services) -> None:
    text = await tim(services, "dan van")
    assert "mới nhất trước" in text
    assert ids_in(text) == [5, 3, 4]  # side by side (28/4, 22/4), then apart (25/4)


async def test_phrase_first_then_the_rest_with_a_line_that_says_why(services: Services) -> None:
    text = await tim(services, "dân vận khéo")
    assert ids_in(text) == [5, 3, 4]  # together (28/4, 22/4), then apart (25/4)
    assert "Các bài dưới đây có đủ các chữ nhưng không liền nhau:" in text
    assert text.index("không liền nhau") > text.index("#3 ")


async def test_an_approximate_match_is_said_in_vietnamese(services: Services) -> None:
    text = await tim(services, "đang")
    assert "Không có bài nào có đúng chữ «đang»; đây là các bài có «Đảng»." in text
    assert ids_in(text) == [2, 1]


async def test_an_approximate_word_is_named_once_capitalised_as_written(
    services: Services,
) -> None:
    lower = make_article(60, "Nghị quyết đại hội", event_date="2024-04-30",
                         body="Thực hiện nghị quyết đại hội đảng các cấp.")  # fmt: skip
    await services.writer.save(lower, NOW)
    text = await tim(services, "đang")
    assert "đây là các bài có «Đảng»." in text and "«đảng»" not in text


async def test_the_typed_spelling_is_not_called_approximate(services: Services) -> None:
    text = await tim(services, "Đảng")
    assert "đúng chữ" not in text and ids_in(text) == [2, 1]


async def test_exclusion_is_applied_and_said(services: Services) -> None:
    text = await tim(services, "dân vận -bão")
    assert ids_in(text) == [3, 4]
    assert "Đã bỏ các bài có «bão»." in text


async def test_a_query_of_exclusions_only_asks_for_a_word(services: Services) -> None:
    text = await tim(services, "-dân")
    assert "Bạn mới gõ từ cần bỏ" in text and "/tim dân vận -khéo" in text


async def test_everything_excluded_says_so(services: Services) -> None:
    text = await tim(services, "xã -đại")
    assert "Có bài có «xã», nhưng bài nào cũng có «đại» mà bạn muốn bỏ" in text
    assert "/tim xã" in text


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("a", "Từ khóa «a» ngắn quá. Hãy gõ cả từ"),
        ("xyzzy", "Không bài nào có chữ «xyzzy»: có thể gõ nhầm?"),
        ("dân vận xyzzy", "Bỏ chữ đó thì thử: /tim dân vận"),
        ("bão hiến", "không bài nào có đủ cả 2 chữ. Thử bớt chữ, ví dụ /tim bão"),
        ("🙂🎉", "không có chữ hay số nào để tìm"),
    ],
)
async def test_nothing_found_gives_advice_that_fits(
    services: Services, query: str, says: str
) -> None:
    text = await tim(services, query)
    assert f"Không tìm thấy bài nào cho “{query}”." in text
    assert says in text
    assert "ngắn hơn" not in text  # the old one-size advice


async def test_matches_that_are_not_dan_van_news_are_said_to_be_hidden(
    services: Services,
) -> None:
    market = _make_article(
        50, "Giá cổ phiếu ngân hàng tăng mạnh", kind=None,
        body="Giá cổ phiếu ngân hàng tăng mạnh trên sàn chứng khoán trong phiên sáng nay.",
    )  # fmt: skip
    await services.writer.save(market, NOW)
    text = await tim(services, "cổ phiếu")
    assert "Các bài có «cổ phiếu» mà mình tìm thấy đều không phải tin dân vận" in text


async def test_a_common_word_alone_gets_a_hint_when_it_matches_a_lot(services: Services) -> None:
    assert "hầu hết" not in await tim(services, "ở")  # two matches: nothing to narrow
    many = [make_article(100 + n, f"Tin {n} ở xã và phường") for n in range(301)]
    await services.writer.save_many(many, NOW)
    reply = await dispatch.handle_text("/tim và ở", PRIVATE, services)
    assert reply is not None
    text = visible(reply)
    assert "1–5 trong 300+ bài" in text
    assert "«và», «ở» có trong hầu hết các bài; hãy thêm từ cụ thể hơn" in text
    data = next(b.data for row in reply.buttons for b in row if b.text == "Sau ▶")
    assert data is not None
    beyond = await dispatch.handle_callback(data[: data.rindex(":")] + ":60", PRIVATE, services)
    assert "Mình chỉ xếp 300 bài mới nhất có “và ở”. Hãy thêm từ để thu hẹp" in visible(beyond)


async def test_a_page_button_keeps_the_order(services: Services) -> None:
    for n in range(6, 14):
        await services.writer.save(
            make_article(n, f"Dân vận khéo bài {n}", event_date=f"2023-05-{n:02d}"), NOW
        )
    reply = await dispatch.handle_text("/tim dân vận khéo", PRIVATE, services)
    assert reply is not None
    data = next(b.data for row in reply.buttons for b in row if b.text == "Sau ▶")
    assert data is not None
    page2 = await dispatch.handle_callback(data, PRIVATE, services)
    first, second = ids_in(visible(reply)), ids_in(visible(page2))
    assert first == [5, 3, 13, 12, 11] and second[:4] == [10, 9, 8, 7]


async def test_large_counts_have_the_vietnamese_thousands_dot(services: Services) -> None:
    from bot.replies.find import results_text
    from bot.store.search import search

    page = await search(services.db, "dân vận")
    assert page.hits
    text = results_text(replace(page, total=6074, total_is_lower_bound=False), 0)
    assert "6.074 bài" in text and "6074" not in text
