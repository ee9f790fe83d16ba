"""Groups: ``/cmd@BotName`` works, chatter is ignored, only admins change the group's
subscription. The bot handles updates in order, so "stayed quiet" is proven by a later
command being answered (a barrier), not by waiting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .emulator import Chat
from .harness import SEED_ARTICLES, Person, World

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOT = "DanVanTestBot"


@pytest.fixture(autouse=True)
def _telegram_accepts_every_message(world: World) -> Iterator[None]:
    mark = len(world.emulator.calls)
    yield
    rejected = world.emulator.rejected(since=mark)
    assert not rejected, [(c.method, c.error) for c in rejected]


def office(world: World, *, supergroup: bool = False) -> tuple[Chat, Person, Person]:
    """A group with its admin (chị Hoa) and a member (anh Minh), as they write in it."""
    boss, staff = world.person("Hoa"), world.person("Minh")
    chat = world.group("Ban Dân vận huyện", admins=[boss], members=[staff], supergroup=supergroup)
    return chat, boss.in_chat(chat), staff.in_chat(chat)


@pytest.mark.parametrize("supergroup", [False, True], ids=["group", "supergroup"])
async def test_command_addressed_to_the_bot(world: World, supergroup: bool) -> None:
    chat, _, staff = office(world, supergroup=supergroup)
    [latest] = await staff.send(f"/moinhat@{BOT} 3")
    [question] = world.emulator.messages(chat, outgoing=False)
    assert "3 tin mới nhất" in latest.plain and SEED_ARTICLES[-1].title in latest.plain
    assert latest.reply_to == question.message_id  # answers the message that asked
    [msg] = await staff.send(f"/tinh@{BOT}")
    assert "Điện Biên: 12 bài" in msg.plain
    assert len(world.emulator.messages(chat)) == 2


async def test_plain_commands_work_too(world: World) -> None:
    _, _, staff = office(world)
    [msg] = await staff.send("/hoinghi bac kan")
    assert "Hội nghị ở tỉnh Thái Nguyên" in msg.plain


async def test_ordinary_chatter_is_ignored(world: World) -> None:
    chat, boss, staff = office(world)
    await staff.say("Chào mọi người, chiều nay họp giao ban lúc 3 giờ nhé")
    await boss.say("dân vận khéo")  # in private this would be searched; not in a group
    await staff.say("/moinhat@SomeOtherBot")  # meant for another bot
    await staff.say("/lenhcuabotkhac")  # an unknown command, maybe another bot's
    await boss.barrier(f"/huongdan@{BOT}")
    [only] = world.emulator.messages(chat)
    assert "Các lệnh" in only.plain
    assert all(chat_id != chat.id for chat_id, _ in world.emulator.chat_actions)


async def test_start_in_a_group_is_not_personal(world: World) -> None:
    _, _, staff = office(world)
    [msg] = await staff.send(f"/start@{BOT}")
    assert "Xin chào!" in msg.plain and "Minh" not in msg.plain


async def test_any_member_can_page(world: World) -> None:
    _, boss, staff = office(world)
    [msg] = await boss.send(f"/tim@{BOT} dân vận")
    await staff.press(msg, "Sau")
    assert "6–10 trong" in msg.plain


async def test_only_admins_subscribe_the_group(world: World) -> None:
    _, boss, staff = office(world)
    [refused] = await staff.send(f"/dangky@{BOT}")
    assert "chỉ quản trị viên" in refused.plain
    [accepted] = await boss.send(f"/dangky@{BOT} thứ hai 7h")
    assert "Bản tin tiếp theo" in accepted.plain and "Thứ Hai" in accepted.plain
    # The bot asked Telegram who administers the group.
    assert world.emulator.calls_to("getChatMember")


async def test_added_to_a_group_then_used(world: World) -> None:
    boss = world.person("Hoa")
    chat = world.group("Đoàn thanh niên xã", admins=[boss])
    world.emulator.bot_added_to_group(chat, boss.user)
    [msg] = await boss.in_chat(chat).send(f"/moinhat@{BOT} 1")
    assert SEED_ARTICLES[-1].title in msg.plain
