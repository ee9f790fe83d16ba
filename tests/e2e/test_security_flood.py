"""Under load, against Telegram-like flood limits (emulator: 30/s overall, 1/s per private
chat with a burst of 3, 20/min per group; 429 beyond):

- one user flooding never holds another's reply: chats are handled concurrently;
- the flood guard counts what the user *sends* (decided on arrival), so it fires even
  though Telegram's pacing slows the answers down; the first command over the limit gets a
  notice naming a quiet window, and every command left unanswered falls inside it;
- button presses over the (looser) limit each get a toast in answerCallbackQuery, never a
  chat message; nothing is dropped without a word;
- a non-admin's press of a group-settings button gets an alert, not a group message;
- the bot itself never meets a 429.
"""

from __future__ import annotations

import pytest

from bot.telegram.flood import BUTTON_NOTICE, COMMAND_NOTICE, button_guard, command_guard
from bot.telegram.handlers import GROUP_ADMIN_ALERT

from .harness import World

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPAM = 30
COMMANDS, BUTTONS = command_guard(), button_guard()
NOTICE = COMMAND_NOTICE.format(seconds=int(COMMANDS.quiet))
BOT = "DanVanTestBot"


@pytest.fixture(autouse=True)
def _telegram_limits_and_no_429(world: World) -> object:
    world.emulator.enable_flood_limits()
    mark = len(world.emulator.calls)
    yield None
    calls = world.emulator.calls[mark:]
    assert [c for c in calls if c.status == 429] == []
    assert not world.emulator.rejected(since=mark)


async def test_a_spammer_does_not_stall_anyone_and_is_told_once(world: World) -> None:
    spammer, polite = world.person("Spam"), world.person("Lan")
    for _ in range(SPAM):
        world.emulator.user_message(spammer.user, "/tim dân vận")
    [welcome] = await polite.send("/start")  # sent after all thirty
    assert "Xin chào" in welcome.plain

    await world.emulator.wait_until(lambda: any(m.plain == NOTICE for m in spammer.bot_messages()))
    first = spammer.bot_messages()[0]
    # A barrier in the spammer's chat that the quiet window does not swallow: a button press
    # (its own bucket). Handled in order, so all thirty commands were handled before it.
    await spammer.press(first, "Sau")
    replies = spammer.bot_messages()
    notices = [m for m in replies if m.plain == NOTICE]
    answers = [m for m in replies if m.plain != NOTICE]
    assert len(notices) == 1 and len(answers) == COMMANDS.burst
    assert replies[-1] is notices[0]  # in order, after the answers it did give
    # Telegram paces the spammer's chat (1/s after a burst of 3); the polite user's answer
    # did not wait behind those answers.
    assert welcome.sent_at < answers[-1].sent_at
    # Nothing dropped without a word: every unanswered command was sent before the
    # notice's quiet window (10 s from the notice) was over.
    asked = [m for m in world.emulator.messages(spammer.chat, outgoing=False)][:SPAM]
    assert all(m.date <= notices[0].date + COMMANDS.quiet for m in asked)


async def test_paging_presses_over_the_limit_get_a_toast_each(world: World) -> None:
    lan = world.person("Lan")
    [listing] = await lan.send("/tim dân vận")
    presses = BUTTONS.burst + 5
    query_ids = [world.emulator.press_button(lan.user, listing, "Sau") for _ in range(presses)]
    await lan.barrier()
    answers = [world.emulator.callback_answers.get(q) for q in query_ids]
    assert all(a is not None for a in answers), "a press was left unanswered"
    toasts = [a for a in answers if a and a["text"]]
    assert len(toasts) >= presses - BUTTONS.burst - 1  # one may refill while they arrive
    assert all(a["text"] == BUTTON_NOTICE.format(seconds=1) for a in toasts)
    assert not any(a["show_alert"] for a in toasts if a)
    # Toasts only: the chat holds the listing and the barrier's answer, nothing else.
    assert len(lan.bot_messages()) == 2
    assert "6–10 trong" in listing.plain  # the allowed presses paged


async def test_a_group_command_flood_is_answered_in_the_group_once(world: World) -> None:
    boss, minh = world.person("Hoa"), world.person("Minh")
    group = world.group("Ban Dân vận xã", admins=[boss], members=[minh])
    for _ in range(COMMANDS.burst + 3):
        world.emulator.user_message(minh.user, f"/tinh@{BOT}", group)
    await boss.in_chat(group).barrier(f"/huongdan@{BOT}")
    texts = [m.plain for m in world.emulator.messages(group)]
    assert texts.count(NOTICE) == 1
    notice = next(m for m in world.emulator.messages(group) if m.plain == NOTICE)
    assert notice.reply_to is not None  # it answers Minh's command, not the whole group


async def test_a_members_press_on_group_settings_is_an_alert(world: World) -> None:
    boss, minh = world.person("Hoa"), world.person("Minh")
    group = world.group("Ban Dân vận huyện", admins=[boss], members=[minh])
    [confirmation] = await boss.in_chat(group).send(f"/dangky@{BOT}")
    assert "Bản tin tiếp theo" in confirmation.plain
    before = len(world.emulator.messages(group))
    pressed = await minh.in_chat(group).press(confirmation, "⚙️ Cài đặt", expect_change=False)
    assert pressed.answer == {"text": GROUP_ADMIN_ALERT, "show_alert": True, "url": None}
    assert not pressed.edited
    await boss.in_chat(group).barrier(f"/huongdan@{BOT}")
    assert len(world.emulator.messages(group)) == before + 1  # only the barrier's answer
    # The admin's own press works as before.
    mine = await boss.in_chat(group).press(confirmation, "⚙️ Cài đặt")
    assert mine.edited and mine.answer["show_alert"] is False
