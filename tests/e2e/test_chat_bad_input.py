"""Bad input, each its own test: a kind Vietnamese answer, never a crash, never a message
Telegram would refuse (the emulator validates HTML, length and button data)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .harness import World

pytestmark = pytest.mark.asyncio(loop_scope="module")

APOLOGY = "Xin lỗi, mình gặp trục trặc"  # what the bot says when a handler crashed
NOTHING_FOUND = "Không tìm thấy bài nào cho"
STALE = "Nút này đã cũ"


@pytest.fixture(autouse=True)
def _no_crash_and_no_refused_message(world: World) -> Iterator[None]:
    calls = len(world.emulator.calls)
    out, err = len(world.bot.stdout), len(world.bot.stderr)
    yield
    rejected = world.emulator.rejected(since=calls)
    assert not rejected, [(c.method, c.error) for c in rejected]
    logged = (bytes(world.bot.stdout[out:]) + bytes(world.bot.stderr[err:])).decode()
    assert "Traceback" not in logged, logged
    for msg in world.emulator.sent:
        assert APOLOGY not in msg.plain, msg.plain


async def test_search_with_nothing_explains_how(world: World) -> None:
    [msg] = await world.person().send("/tim")
    assert "Tìm bài trong kho tin" in msg.plain
    assert "/tim dân vận khéo" in msg.plain


async def test_search_with_spaces_only_explains_how(world: World) -> None:
    [msg] = await world.person().send("/tim      ")
    assert "Tìm bài trong kho tin" in msg.plain


@pytest.mark.parametrize(
    "query",
    ['"', '"dân vận', "NEAR(", "NEAR(dân vận, 3)", "dân OR", "AND", "*", "title:x", "^-'"],
    ids=["quote", "open-quote", "near-paren", "near-call", "or", "and", "star", "column", "punct"],
)
async def test_search_with_fts_syntax_is_just_text(world: World, query: str) -> None:
    [msg] = await world.person().send(f"/tim {query}")
    # Either results or a kind "nothing found" that repeats what was typed; never an error.
    assert NOTHING_FOUND in msg.plain or "Kết quả cho" in msg.plain
    assert f"“{query}”" in msg.plain


async def test_search_for_a_script_tag_is_escaped(world: World) -> None:
    [msg] = await world.person().send("/tim <script>alert(1)</script>")
    assert "“<script>alert(1)</script>”" in msg.plain  # the user sees what they typed
    assert "&lt;script&gt;" in msg.text  # escaped in the HTML sent to Telegram


async def test_search_with_4000_characters(world: World) -> None:
    query = ("dân vận khéo " * 400)[:4000]
    [msg] = await world.person().send(f"/tim {query}")
    assert "Từ khóa dài quá" in msg.plain
    assert len(msg.plain) <= 4096 and "Kết quả cho" in msg.plain


async def test_search_with_only_emoji(world: World) -> None:
    [msg] = await world.person().send("/tim 🎉🔥👍🏽")
    assert NOTHING_FOUND in msg.plain and "🎉🔥👍🏽" in msg.plain


async def test_search_with_only_diacritics(world: World) -> None:
    marks = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below
    [msg] = await world.person().send(f"/tim {marks}")
    assert NOTHING_FOUND in msg.plain or "Tìm bài trong kho tin" in msg.plain


async def test_meetings_in_a_place_that_does_not_exist(world: World) -> None:
    [msg] = await world.person().send("/hoinghi Atlantis")
    assert "Mình không tìm thấy tỉnh, thành phố nào tên “Atlantis”" in msg.plain
    assert "/hoinghi bac kan" in msg.plain


async def test_meetings_in_a_place_with_html(world: World) -> None:
    [msg] = await world.person().send("/hoinghi <b>Hà Nội")
    assert "Mình không tìm thấy" in msg.plain and "<b>Hà Nội" in msg.plain


async def test_summary_of_an_article_that_does_not_exist(world: World) -> None:
    [msg] = await world.person().send("/tomtat 999999")
    assert "Không tìm thấy bài số 999999" in msg.plain


@pytest.mark.parametrize("arg", ["abc", "-1", "1.5", "99999999999999999999999"])
async def test_summary_with_a_bad_id(world: World, arg: str) -> None:
    [msg] = await world.person().send(f"/tomtat {arg}")
    assert "Hãy ghi số của bài" in msg.plain or "Không tìm thấy bài số" in msg.plain


@pytest.mark.parametrize("arg", ["-5", "abc", "0", "٣"])  # the last: an Arabic-Indic three
async def test_latest_with_a_bad_count(world: World, arg: str) -> None:
    [msg] = await world.person().send(f"/latest {arg}")
    assert "Số bài cần là một số nguyên dương" in msg.plain


async def test_latest_with_a_huge_count_is_capped(world: World) -> None:
    [msg] = await world.person().send("/moinhat 100000")
    # The archive has 15: the header says so instead of promising 20 (issue 13).
    assert msg.plain.startswith("15 tin mới nhất\nKho hiện chỉ có 15 bài dân vận.")
    [capped] = await world.person().send("/moinhat 30")
    assert "15 tin mới nhất" in capped.plain and "tối đa" not in capped.plain


@pytest.mark.parametrize(
    "data",
    ["s:999999:0", "s:abc:1", "l:5:99999", "h:999:0", "zz:1", "t:999999", "c:xoa_het", "ộ" * 21],
)
async def test_forged_or_unknown_buttons_get_a_polite_note(world: World, data: str) -> None:
    user = world.person()
    [msg] = await user.send("/moinhat 1")
    pressed = await user.press_data(msg, data, expect_change=False)
    assert pressed.answer is not None  # the spinner always stops

    def visible() -> str:
        return "\n".join(m.plain for m in user.bot_messages())

    # A note (new message or edit) says the button is old, or the article is missing.
    await world.emulator.wait_until(
        lambda: any(
            s in visible() for s in (STALE, "đã cũ", "Không tìm thấy bài", "Không còn bài")
        ),
        10,
    )
