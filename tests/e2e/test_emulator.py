"""The Bot API emulator itself: Telegram's validation rules, failures, flood limits, polling.

Driven with python-telegram-bot's own ``Bot`` so the wire format is what PTB 22 sends.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
)

from .emulator import (
    Emulator,
    FloodLimits,
    HtmlError,
    command_entities,
    parse_html,
    validate_reply_markup,
)
from .harness import FAKE_TOKEN

# --- HTML as Telegram parses it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<b>đậm</b> và <i>nghiêng</i>", "đậm và nghiêng"),
        (
            "<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>",
            "abcdefg",
        ),
        ('<a href="https://x.vn/?a=1&amp;b=2">link</a>', "link"),
        ('<code>x &lt; y</code> <pre><code class="language-python">p</code></pre>', "x < y p"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ("<blockquote expandable>trích dẫn</blockquote>", "trích dẫn"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("&lt;&gt;&amp;&quot;&#39;&#x27;", "<>&\"''"),
        ("AT&T &nbsp; &copy;", "AT&T &nbsp; &copy;"),  # unknown entities stay text
        ("<B>HOA</B>", "HOA"),  # tag names are case-insensitive
    ],
)
def test_valid_html_gives_the_visible_text(html: str, plain: str) -> None:
    assert parse_html(html)[0] == plain


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("giá < 5 triệu", 'Unsupported start tag "" at byte offset 5'),
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("đậm</b>", "Unexpected end tag at byte offset 6"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ('<a href="https://x.vn/"t">x</a>', "Expected equal sign"),
        ("<b", "Unclosed start tag"),
        ("<p>đoạn</p>", 'Unsupported start tag "p"'),
        ("<br/>", 'Unsupported start tag "br/"'),
    ],
)
def test_invalid_html_is_refused_with_telegrams_words(html: str, message: str) -> None:
    with pytest.raises(HtmlError, match=None) as err:
        parse_html(html)
    assert message in str(err.value)


def test_entities_use_utf16_offsets() -> None:
    plain, entities = parse_html("👍 <b>Dân vận</b>")
    assert plain == "👍 Dân vận"
    assert entities == [{"type": "bold", "offset": 3, "length": 7}]  # 👍 is 2 UTF-16 units


def test_bot_command_entities() -> None:
    assert command_entities("/tim@DanVanTestBot dân vận") == [
        {"type": "bot_command", "offset": 0, "length": 18}
    ]
    assert command_entities("xem /moinhat nhé") == [
        {"type": "bot_command", "offset": 4, "length": 8}
    ]
    assert command_entities("a/b không phải lệnh") == []


# --- reply markup ----------------------------------------------------------------------------


def _kb(*buttons: dict[str, object]) -> dict[str, object]:
    return {"inline_keyboard": [list(buttons)]}


def test_callback_data_limit_is_64_bytes_not_characters() -> None:
    validate_reply_markup(_kb({"text": "ok", "callback_data": "x" * 64}))
    # 22 "ộ" = 66 bytes in UTF-8 although only 22 characters
    for data in ("x" * 65, "ộ" * 22, ""):
        with pytest.raises(Exception, match="BUTTON_DATA_INVALID"):
            validate_reply_markup(_kb({"text": "ok", "callback_data": data}))


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ({"inline_keyboard": [{"text": "a", "callback_data": "b"}]}, "Array of Arrays"),
        (_kb({"text": "chỉ chữ"}), "Text buttons are unallowed"),
        (_kb({"text": " ", "callback_data": "x"}), "BUTTON_TEXT_INVALID"),
        (_kb({"text": "web", "url": "javascript:alert(1)"}), "BUTTON_URL_INVALID"),
        ({"inline_keyboard": [[{"text": "b", "callback_data": "d"}] * 101]}, "too long"),
        ("not json", "can't parse reply keyboard markup"),
    ],
)
def test_bad_keyboards_are_refused(markup: object, message: str) -> None:
    with pytest.raises(Exception, match=message):
        validate_reply_markup(markup)


# --- over the wire, with PTB's Bot --------------------------------------------------------


@pytest_asyncio.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    b = Bot(FAKE_TOKEN, base_url=emulator.base_url)
    async with b:
        yield b


async def test_get_me_has_the_fields_ptb_needs(bot: Bot, emulator: Emulator) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "DanVanTestBot" and me.can_join_groups
    assert emulator.calls[-1].token == FAKE_TOKEN  # recorded for assertions


async def test_wrong_token_is_unauthorized(emulator: Emulator) -> None:
    from telegram.error import InvalidToken

    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=emulator.base_url):
            pass
    assert emulator.calls[-1].status == 401


async def test_send_records_html_and_visible_text(bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user("Lan")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Sau ▶", callback_data="s:1:1")]])
    sent = await bot.send_message(user.id, "<b>Chào</b> &amp; hẹn gặp", parse_mode="HTML",
                                  reply_markup=markup)  # fmt: skip
    assert sent.text == "Chào & hẹn gặp"
    assert sent.date.year >= 2024  # seconds, not milliseconds
    [msg] = emulator.messages(user)
    assert msg.text == "<b>Chào</b> &amp; hẹn gặp" and msg.parse_mode == "HTML"
    assert msg.button("Sau")["callback_data"] == "s:1:1"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<script>x</script>", "Can't parse entities: unsupported start tag"),
        ("x" * 4097, "Message is too long"),
        ("   ", "Message text is empty"),
        ("<b> </b>", "Message text is empty"),
    ],
)
async def test_sends_telegram_refuses(bot: Bot, emulator: Emulator, text: str, error: str) -> None:
    user = emulator.add_user()
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(user.id, text, parse_mode="HTML")
    assert emulator.messages(user) == []


async def test_length_is_counted_after_entity_parsing(bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user()
    # 4096 visible characters, far more in HTML source: accepted
    await bot.send_message(user.id, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(user.id, "&amp;" * 4097, parse_mode="HTML")


async def test_oversized_callback_data_is_refused(bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="tìm:" + "đ" * 31)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "hi", reply_markup=markup)


async def test_polling_offsets_and_updates(bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user("Lan")
    emulator.user_message(user, "/moinhat@DanVanTestBot 3")
    [update] = await bot.get_updates(timeout=1)
    assert update.message is not None and update.message.text == "/moinhat@DanVanTestBot 3"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.from_user is not None and not update.message.from_user.is_bot
    # Not confirmed yet: delivered again; confirmed with offset: gone.
    assert [u.update_id for u in await bot.get_updates()] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_long_poll_returns_when_an_update_arrives(bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user()
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=35))
    await emulator.wait_until(lambda: emulator.polling)
    emulator.user_message(user, "xin chào")
    updates = await asyncio.wait_for(poll, 5)  # long before the 30 s poll timeout
    assert updates[0].message is not None and updates[0].message.text == "xin chào"


async def test_second_poller_gets_the_first_a_conflict(bot: Bot, emulator: Emulator) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=35))
    await emulator.wait_until(lambda: emulator.polling)
    async with Bot(FAKE_TOKEN, base_url=emulator.base_url) as second:
        second_poll = asyncio.create_task(second.get_updates(timeout=1))
        with pytest.raises(Conflict, match="only one bot instance"):
            await asyncio.wait_for(first, 5)
        assert await second_poll == ()
    assert emulator.stats.conflicts == 1


async def test_webhook_blocks_get_updates(bot: Bot, emulator: Emulator) -> None:
    await bot.set_webhook("https://example.vn/hook", secret_token="s3cret")
    assert emulator.webhook is not None and emulator.webhook["secret_token"] == "s3cret"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_button_press_edit_and_answer(bot: Bot, emulator: Emulator) -> None:
    user = emulator.add_user()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Sau ▶", callback_data="l:5:1")]])
    sent = await bot.send_message(user.id, "Trang 1", reply_markup=markup)
    query_id = emulator.press_button(user, emulator.messages(user)[0], "Sau")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "l:5:1" and query.chat_instance
    assert query.message is not None and query.message.message_id == sent.message_id
    await query.answer("Đang tải…")
    assert emulator.callback_answers[query_id]["text"] == "Đang tải…"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()  # answered twice
    await bot.edit_message_text("Trang 2", user.id, sent.message_id)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Trang 2", user.id, sent.message_id)
    msg = emulator.messages(user)[0]
    assert msg.plain == "Trang 2" and msg.edits == ["Trang 1"] and msg.reply_markup is None


async def test_group_members_and_admins(bot: Bot, emulator: Emulator) -> None:
    boss, staff = emulator.add_user("Sếp"), emulator.add_user("Nhân viên")
    group = emulator.add_group("Ban Dân vận", admins=[boss], members=[staff])
    assert (await bot.get_chat_member(group.id, boss.id)).status == "creator"
    assert (await bot.get_chat_member(group.id, staff.id)).status == "member"
    admins = await bot.get_chat_administrators(group.id)
    assert [a.user.id for a in admins] == [boss.id]
    assert (await bot.get_chat(group.id)).title == "Ban Dân vận"
    await bot.leave_chat(group.id)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(group.id, "còn đây không?")


async def test_commands_recorded_per_scope_and_language(bot: Bot, emulator: Emulator) -> None:
    from telegram import BotCommandScopeAllGroupChats

    await bot.set_my_commands([("tim", "Tìm bài")], language_code="vi")
    await bot.set_my_commands([("moinhat", "Tin mới")], scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in await bot.get_my_commands(language_code="vi")] == ["tim"]
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Tìm", "x")])


# --- failure injection -------------------------------------------------------------------


async def test_injected_failures_per_chat(bot: Bot, emulator: Emulator) -> None:
    blocked, limited, flaky, ok = (emulator.add_user() for _ in range(4))
    emulator.inject_failure("blocked", blocked)
    emulator.inject_failure("retry_after", limited, times=1, retry_after=7)
    emulator.inject_failure("server_error", flaky, times=1)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(blocked.id, "x")
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(limited.id, "x")
    assert _seconds(err.value.retry_after) == 7
    await bot.send_message(limited.id, "lần hai")  # times=1: the next send goes through
    with pytest.raises(NetworkError):
        await bot.send_message(flaky.id, "x")
    await bot.send_message(ok.id, "bình thường")
    with pytest.raises(Forbidden):
        await bot.send_message(blocked.id, "vẫn bị chặn")  # until cleared
    assert emulator.stats.injected_429 == 1 and emulator.stats.total_429 == 1
    assert [len(emulator.messages(u)) for u in (blocked, limited, flaky, ok)] == [0, 1, 0, 1]


async def test_kicked_from_group_and_dropped_connection(bot: Bot, emulator: Emulator) -> None:
    group = emulator.add_group("Nhóm")
    emulator.inject_failure("kicked", group)
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(group.id, "x")
    user = emulator.add_user()
    emulator.inject_failure("drop", user, times=1)
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "x")
    await bot.send_message(user.id, "lại được")
    assert emulator.messages(user)[0].plain == "lại được"


async def test_global_failures_by_method(bot: Bot, emulator: Emulator) -> None:
    emulator.inject_failure("bad_gateway", methods={"getUpdates"}, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_updates()
    assert await bot.get_updates() == ()


async def test_group_migrated_to_supergroup(bot: Bot, emulator: Emulator) -> None:
    group = emulator.add_group("Nhóm cũ")
    new = emulator.migrate_group(group)
    with pytest.raises(ChatMigrated) as err:
        await bot.send_message(group.id, "x")
    assert err.value.new_chat_id == new.id and new.type == "supergroup"
    await bot.send_message(new.id, "ở nhóm mới")
    assert emulator.messages(new)[0].plain == "ở nhóm mới"


# --- flood limits ------------------------------------------------------------------------


def _seconds(value: object) -> float:
    """RetryAfter.retry_after: int in PTB 22 by default, timedelta with PTB_TIMEDELTA."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    assert isinstance(value, int | float)
    return float(value)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture
async def timed() -> AsyncIterator[tuple[Emulator, Bot, FakeClock]]:
    clock = FakeClock()
    emu = Emulator(FAKE_TOKEN, clock=clock)
    await emu.start()
    emu.enable_flood_limits(FloodLimits())
    try:
        async with Bot(FAKE_TOKEN, base_url=emu.base_url) as b:
            yield emu, b, clock
    finally:
        await emu.stop()


async def test_private_chat_limit_with_small_burst(timed: tuple[Emulator, Bot, FakeClock]) -> None:
    emu, bot, clock = timed
    user = emu.add_user()
    for i in range(3):  # burst of 3
        await bot.send_message(user.id, f"tin {i}")
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(user.id, "quá nhanh")
    assert _seconds(err.value.retry_after) == 1
    clock.now += 1.0  # one more per second
    await bot.send_message(user.id, "sau một giây")
    assert emu.stats.flood_429 == 1 and len(emu.messages(user)) == 4


async def test_global_limit_30_per_second(timed: tuple[Emulator, Bot, FakeClock]) -> None:
    emu, bot, clock = timed
    users = [emu.add_user() for _ in range(31)]
    for u in users[:30]:
        await bot.send_message(u.id, "bản tin")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[30].id, "bản tin")
    clock.now += 1.0  # the window has moved on
    await bot.send_message(users[30].id, "bản tin")
    assert emu.stats.flood_429 == 1 and len(emu.sent) == 31


async def test_group_limit_20_per_minute(timed: tuple[Emulator, Bot, FakeClock]) -> None:
    emu, bot, clock = timed
    group = emu.add_group("Nhóm")
    for i in range(20):
        clock.now += 1.0  # within the private/global limits, only the group limit applies
        await bot.send_message(group.id, f"tin {i}")
    clock.now += 1.0
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(group.id, "tin 21")
    assert _seconds(err.value.retry_after) == 40  # the first of the 20 leaves the window
    clock.now += 39.0
    with pytest.raises(RetryAfter):
        await bot.send_message(group.id, "tin 21")
    clock.now += 1.0
    await bot.send_message(group.id, "tin 21")
    assert emu.stats.flood_429 == 2


# --- as a script -----------------------------------------------------------------------------


async def test_runs_as_a_script_without_printing_the_token(tmp_path: Path) -> None:
    script = Path(__file__).with_name("emulator.py")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(script), "--port", "0", "--token", "4242:SECRET-script-token",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        base_url = line.split(" on ", 1)[1].strip()
        async with Bot("4242:SECRET-script-token", base_url=base_url) as b:
            assert (await b.get_me()).id == 4242
    finally:
        proc.terminate()
        out, err = await proc.communicate()
    assert "SECRET-script-token" not in line + out.decode() + err.decode()


async def test_a_poll_abandoned_by_its_client_is_no_conflict(emulator: Emulator) -> None:
    import httpx

    url = f"{emulator.base_url}{FAKE_TOKEN}/getUpdates"
    async with httpx.AsyncClient(timeout=0.3) as client:
        with pytest.raises(httpx.ReadTimeout):  # the client gives up (or dies) mid-poll
            await client.post(url, data={"timeout": "30"})
    assert emulator.polling  # the server side is still waiting
    async with Bot(FAKE_TOKEN, base_url=emulator.base_url) as restarted:
        assert await restarted.get_updates(timeout=0) == ()
    assert emulator.stats.conflicts == 0 and not emulator.polling


async def test_json_and_multipart_bodies(emulator: Emulator) -> None:
    import httpx

    user = emulator.add_user()
    url = f"{emulator.base_url}{FAKE_TOKEN}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "Sau ▶", "callback_data": "s:1:1"}]]}
    async with httpx.AsyncClient() as client:
        r1 = await client.post(
            url,
            json={"chat_id": user.id, "text": "<i>json</i>", "parse_mode": "HTML",
                  "reply_markup": markup},
        )  # fmt: skip
        r2 = await client.post(
            url,
            data={"chat_id": str(user.id), "text": "multipart"},
            files={"document": ("a.txt", b"x")},
        )
        r3 = await client.post(url, json={"chat_id": user.id, "text": "<b>x"})  # no parse_mode
        r4 = await client.post(url, json={"chat_id": user.id, "text": "<b>x", "parse_mode": "HTML"})
    assert r1.json()["ok"] and r2.json()["ok"] and r3.json()["ok"]
    assert r4.status_code == 400 and r4.json()["description"].startswith(
        "Bad Request: can't parse entities"
    )
    first, second, third = emulator.messages(user)
    assert first.plain == "json" and first.button("Sau")["callback_data"] == "s:1:1"
    assert second.plain == "multipart" and third.plain == "<b>x"


async def test_webhook_delivery_with_secret_and_retry(bot: Bot, emulator: Emulator) -> None:
    received: list[tuple[str, bytes]] = []
    answers = iter([500, 200, 200])

    async def receiver(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        length = int(next(h.split(":")[1] for h in head.split("\r\n") if h.lower().startswith(
            "content-length")))  # fmt: skip
        body = await reader.readexactly(length)
        secret = next((h.split(": ", 1)[1] for h in head.split("\r\n")
                       if h.lower().startswith("x-telegram-bot-api-secret-token")), "")  # fmt: skip
        received.append((secret, body))
        writer.write(f"HTTP/1.1 {next(answers)} X\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(receiver, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="hook-secret")
        user = emulator.add_user()
        emulator.user_message(user, "/moinhat")
        await emulator.wait_until(lambda: [s for _, s in emulator.webhook_deliveries] == [500, 200])
        assert [s for s, _ in received] == ["hook-secret", "hook-secret"]  # retried after 500
        assert b'"/moinhat"' in received[-1][1]
        assert emulator.pending_updates() == []
    finally:
        await bot.delete_webhook()
        server.close()
        await server.wait_closed()
