"""Issue 13 through the real bot and the emulator: what a new user meets in the chat and
the digest, and the Telegram features people expect.

- one tap to a summary: ``/tomtat_12`` (also ``@Bot``, also in groups), ``t.me/...?start=a12``;
- the weekly summary on an archive whose news is old names the week it shows;
- inline mode: ``@bot từ khóa`` answered from the same search, pages, shareable messages;
- a channel subscribed from its admin's private chat, checked with Telegram, and its digest
  delivered there with ``t.me`` summary links; the bot made a channel admin offers it;
- a forum group's /dangky in a topic: replies and the digest go to that topic;
- the Vietnamese description and short description set at start-up;
- group wording ("Nhóm này").

Every message the bot sends is checked by the emulator as Telegram would (HTML, length,
buttons); ``rejected`` must stay empty.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from .conftest import BOT_RUN_AVAILABLE
from .emulator import command_entities
from .harness import HEADER, BotProcess, World, running_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT = "DanVanTestBot"
WEEK = "2024-W17"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    if not BOT_RUN_AVAILABLE:
        pytest.skip("`danvan-bot run` is not available in this checkout yet")
    async with running_world(tmp_path_factory.mktemp("contact"), inline_mode=True) as w:
        yield w


@pytest.fixture(autouse=True)
def _telegram_accepts_every_message(world: World) -> Iterator[None]:
    mark = len(world.emulator.calls)
    yield
    rejected = world.emulator.rejected(since=mark)
    assert not rejected, [(c.method, c.error) for c in rejected]


async def send_digest(world: World) -> BotProcess:
    """``danvan-bot digest --week 2024-W17 --send``, to every subscriber that lacks it."""
    proc = BotProcess(world.emulator, world.config, args=("digest", "--week", WEEK, "--send"))
    await proc.start(wait_polling=False)
    assert await proc.wait_exit(timeout=60) == 0, proc.output
    return proc


# --- one tap to a summary ---------------------------------------------------------------------


async def test_tomtat_with_its_number_is_one_command(world: World) -> None:
    lan = world.person("Lan")
    [listing] = await lan.send("/moinhat 3")
    # The commands Telegram finds in the text and makes tappable, whole.
    units = listing.plain.encode("utf-16-le")  # entity offsets count UTF-16 units
    commands = [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in command_entities(listing.plain)
    ]
    assert len(commands) == 3 and all(c.startswith("/tomtat_") for c in commands)
    # Tapping it sends exactly that text: the summary of that article comes back.
    article_id = int(commands[0].removeprefix("/tomtat_"))
    [summary] = await lan.send(commands[0])
    assert summary.plain.startswith(f"#{article_id} · ")
    [same] = await lan.send(f"{commands[0]}@{BOT}")
    assert same.plain == summary.plain


async def test_in_a_group_the_command_with_the_bot_name_works(world: World) -> None:
    hoa, minh = world.person("Hoa"), world.person("Minh")
    group = world.group("Ban Dân vận huyện", admins=[hoa], members=[minh])
    member = minh.in_chat(group)
    article_id = world.article_ids[0]
    [reply] = await member.send(f"/tomtat_{article_id}@{BOT}")
    assert reply.plain.startswith(f"#{article_id} · ")
    [plain] = await member.send(f"/tomtat_{article_id}")
    assert plain.plain == reply.plain


async def test_a_deep_link_opens_the_summary(world: World) -> None:
    an = world.person("An")
    article_id = world.article_ids[0]
    [reply] = await an.send(f"/start a{article_id}")  # what t.me/<bot>?start=a12 sends
    assert reply.plain.startswith(f"#{article_id} · ")


# --- the weekly summary -----------------------------------------------------------------------


async def test_the_weekly_summary_names_the_week_it_shows(world: World) -> None:
    binh = world.person("Bình")
    [start] = await binh.send("/start")
    pressed = await binh.press(start, "Tóm tắt tuần này")
    [summary] = pressed.new_messages
    assert "chưa có bài mới" in summary.plain  # the seeds are from 2024 and 2025
    assert "Dưới đây là tuần gần nhất có bài: tuần" in summary.plain
    assert "Chưa có bài mới trong kho" not in summary.plain


# --- inline mode ------------------------------------------------------------------------------


async def test_inline_query_offers_articles_to_share(world: World) -> None:
    chi = world.person("Chi")
    query_id, answer = await chi.inline("dien bien")
    results = answer["results"]
    assert len(results) == 10 and answer["next_offset"] == "10"
    assert all(r["type"] == "article" and "Điện Biên" in r["title"] for r in results)
    # Scrolling asks for the next page with the offset the bot gave.
    _, more = await chi.inline("dien bien", offset=answer["next_offset"])
    assert len(more["results"]) == 2 and more["next_offset"] == ""
    # Choosing one shares a message in any chat, with a link back to the bot.
    friend_chat = world.person("Dũng").chat
    shared = world.emulator.choose_inline_result(chi.user, friend_chat, query_id, results[0]["id"])
    assert shared.via_bot and "Điện Biên" in shared.plain
    links = [e.get("url", "") for e in shared.entities if e["type"] == "text_link"]
    assert any(u.startswith(f"https://t.me/{BOT}?start=a") for u in links)


async def test_inline_with_an_empty_query_offers_the_newest(world: World) -> None:
    _, answer = await world.person("Giang").inline("")
    assert answer["results"] and answer["cache_time"] <= 60
    escaped = await world.person("Hạnh").inline("chuyển đổi số")
    [result] = escaped[1]["results"]
    assert "&lt;chuyển đổi số&gt;" in result["input_message_content"]["message_text"]


# --- channels ---------------------------------------------------------------------------------


async def test_a_channel_admin_subscribes_the_channel_from_a_private_chat(world: World) -> None:
    owner, stranger = world.person("Khoa"), world.person("Lâm")
    channel = world.channel("Tin dân vận xã Hòa An", username="tin_dv_hoaan", admins=[owner])
    [refused] = await stranger.send("/dangky @tin_dv_hoaan")
    assert "Chỉ quản trị viên của kênh" in refused.plain
    [ok] = await owner.send("/dangky @tin_dv_hoaan thứ hai 7h Cao Bằng")
    assert "Đã đăng ký bản tin Dân vận hằng tuần cho kênh «Tin dân vận xã Hòa An»" in ok.plain
    # Settings from the private chat; every press is checked again.
    [settings] = await owner.send(f"/caidat {channel.id}")
    pressed = await owner.press(settings, "Đổi giờ")
    assert pressed.edited and "Chọn giờ" in settings.plain
    stolen = await stranger.press_data(settings, f"k:{channel.id}:x", expect_change=False)
    assert stolen.answer["show_alert"] and "Chỉ quản trị viên" in stolen.answer["text"]
    assert world.emulator.messages(channel) == []  # nothing posted in the channel so far

    await send_digest(world)
    [digest] = [m for m in world.emulator.messages(channel) if HEADER in m.plain]
    assert "Theo dõi: Cao Bằng" in digest.plain or "chưa có tin dân vận" in digest.plain


async def test_a_channel_digest_links_summaries_through_the_bot(world: World) -> None:
    owner = world.person("Mai")
    channel = world.channel("Dân vận Thái Nguyên", username="dv_thainguyen", admins=[owner])
    await owner.send("/dangky @dv_thainguyen Bắc Kạn")
    await send_digest(world)
    [digest] = [m for m in world.emulator.messages(channel) if HEADER in m.plain]
    links = [e["url"] for e in digest.entities if e["type"] == "text_link"]
    assert any(u.startswith(f"https://t.me/{BOT}?start=a") for u in links)
    assert "/tomtat_" not in digest.plain  # nobody can send a command in a channel


@pytest.mark.parametrize(("bot", "said"), [("admin", "quyền đăng bài"), ("absent", "quyền")])
async def test_a_channel_the_bot_cannot_post_in_is_explained(
    world: World, bot: str, said: str
) -> None:
    owner = world.person("Nam")
    world.channel(f"Kênh {bot}", username=f"kenh_{bot}", admins=[owner], bot=bot)
    [reply] = await owner.send(f"/dangky @kenh_{bot}")
    assert "Bot chưa là quản trị viên" in reply.plain and said in reply.plain
    [unknown] = await owner.send("/dangky @khong_co_kenh_nay")
    assert "không tìm thấy kênh" in unknown.plain


async def test_making_the_bot_a_channel_admin_offers_the_digest(world: World) -> None:
    owner = world.person("Oanh")
    await owner.send("/start")  # she has a private chat with the bot
    channel = world.channel("Kênh mới", username="kenh_moi_dv", admins=[owner], bot="absent")
    before = len(owner.bot_messages())
    world.emulator.promote_bot_in_channel(channel, owner.user)
    offer = await world.emulator.wait_until(lambda: owner.bot_messages()[before:])
    assert "Bot đã là quản trị viên của kênh «Kênh mới»" in offer[0].plain
    pressed = await owner.press(offer[0], "Đăng ký cho kênh")
    [confirmation] = pressed.new_messages
    assert "cho kênh «Kênh mới»" in confirmation.plain
    assert "/caidat @kenh_moi_dv" in confirmation.plain  # as people type it, not the id


# --- forum topics -----------------------------------------------------------------------------


async def test_a_forum_topic_gets_the_replies_and_the_digest(world: World) -> None:
    admin = world.person("Phúc")
    forum = world.forum("Ban Dân vận tỉnh", admins=[admin], topics=["Chung", "Bản tin tuần"])
    topic = world.emulator.topic(forum, "Bản tin tuần")
    in_forum = admin.in_chat(forum)
    [ok] = await in_forum.send("/dangky", thread=topic)
    assert ok.thread_id == topic and "cho chủ đề này của nhóm" in ok.plain
    [elsewhere] = await in_forum.send("/moinhat 1", thread=world.emulator.topic(forum, "Chung"))
    assert elsewhere.thread_id != topic

    await send_digest(world)
    [digest] = [m for m in world.emulator.messages(forum) if HEADER in m.plain]
    assert digest.thread_id == topic


async def test_a_deleted_topic_gets_the_digest_in_the_group(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    async with running_world(tmp_path_factory.mktemp("topic")) as world:
        admin = world.person("Quang")
        forum = world.forum("Ban Dân vận huyện", admins=[admin], topics=["Bản tin"])
        topic = world.emulator.topic(forum, "Bản tin")
        await admin.in_chat(forum).send("/dangky", thread=topic)
        world.emulator.delete_topic(forum, topic)
        await send_digest(world)
        [digest] = [m for m in world.emulator.messages(forum) if HEADER in m.plain]
        assert digest.thread_id is None


# --- what Telegram shows about the bot, and group wording -------------------------------------


async def test_the_description_is_set_in_vietnamese(world: World) -> None:
    descriptions = world.emulator.descriptions
    for language in ("", "vi"):
        assert "Bot tin dân vận" in descriptions[("description", language)]
        assert len(descriptions[("short_description", language)]) <= 120
    help_text = (await world.person("Sơn").send("/huongdan"))[0].plain
    assert f"@{BOT} từ khóa" in help_text  # inline mode is on in this world


async def test_a_group_is_called_a_group(world: World) -> None:
    tam = world.person("Tâm")
    group = world.group("Chi bộ", admins=[tam])
    [reply] = await tam.in_chat(group).send(f"/caidat@{BOT}")
    assert reply.plain.startswith("Nhóm này chưa đăng ký bản tin")
