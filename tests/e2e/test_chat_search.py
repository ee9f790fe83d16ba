"""/tim explains itself, through the real bot and the emulator (issue 13, defect 10): the
order it uses, an approximate match, an exclusion, and advice that fits the query."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import SEED_ARTICLES, World

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(autouse=True)
def _telegram_accepts_every_message(world: World) -> Iterator[None]:
    mark = len(world.emulator.calls)
    yield
    rejected = world.emulator.rejected(since=mark)
    assert not rejected, [(c.method, c.error) for c in rejected]


async def test_results_say_newest_first_and_are(world: World) -> None:
    [msg] = await world.person().send("/tim dân vận khéo")
    assert "mới nhất trước" in msg.plain
    # Hồ Chí Minh (18/12/2024), Hà Giang (9/8/2024), Bắc Kạn (25/4/2024).
    where = [msg.plain.find(SEED_ARTICLES[i].title) for i in (2, 1, 0)]
    assert 0 <= where[0] < where[1] < where[2], where


async def test_an_approximate_match_is_said(world: World) -> None:
    [msg] = await world.person().send("/tim đâu")  # the seeds say "đầu" (6 tháng đầu năm)
    assert "Không có bài nào có đúng chữ «đâu»; đây là các bài có «đầu»." in msg.plain


async def test_an_exclusion_is_applied_and_said(world: World) -> None:
    [msg] = await world.person().send("/tim dân vận khéo -Hồ")
    assert "Đã bỏ các bài có «Hồ»." in msg.plain
    assert SEED_ARTICLES[2].title not in msg.plain and "Hà Giang" in msg.plain


@pytest.mark.parametrize(
    ("query", "advice"),
    [
        ("a", "Từ khóa «a» ngắn quá"),
        ("dân vận xyzzy", "Không bài nào có chữ «xyzzy»: có thể gõ nhầm?"),
        ("-dân", "Bạn mới gõ từ cần bỏ"),
    ],
)
async def test_nothing_found_gets_advice_that_fits(world: World, query: str, advice: str) -> None:
    [msg] = await world.person().send(f"/tim {query}")
    assert advice in msg.plain
    assert "ngắn hơn" not in msg.plain
