"""Subscriptions through the reply handlers on a real SQLite file: /dangky, /huy, /caidat and
its buttons, group admin rules, and the confirmation with the next delivery date."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.digest.job import run_due
from bot.digest.schedule import IsoWeek, due_now
from bot.replies import subscribe, subscribe_buttons
from bot.replies.model import ChatContext
from bot.replies.subscribe import parse_request
from bot.replies.views import current_units
from bot.services import Services
from bot.store import deliveries, subscriptions
from bot.text.provinces import Gazetteer

# Monday 23 Nov 2026, 13:02 UTC (20:02 in Vietnam), as in the example.
NOW = datetime(2026, 11, 23, 13, 2, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    s = await Services.open(Settings(database=tmp_path / "subs.db"), clock=Clock(NOW))
    try:
        yield s
    finally:
        await s.close()


def private(chat_id: int = 101) -> ChatContext:
    return ChatContext(chat_id=chat_id, chat_type="private", user_id=chat_id)


def group(chat_id: int = -5001, admin: bool = True) -> ChatContext:
    return ChatContext(
        chat_id=chat_id, chat_type="group", user_id=7, chat_title="Ban Dân vận", is_chat_admin=admin
    )


def test_parse_request_in_any_order_and_spelling() -> None:
    g = Gazetteer.load()
    req = parse_request("thứ hai 7h bac kan, TP HCM", g)
    assert (req.weekday, req.at and req.at.hour) == (0, 7)
    assert req.provinces == ("Thái Nguyên", "Thành phố Hồ Chí Minh")
    assert req.renamed == (("Bắc Kạn", "Thái Nguyên"),)
    req = parse_request("Hà Nội cn 19h30 Bắc Cạn tphcm", g)
    assert (req.weekday, str(req.at)) == (6, "19:30:00")
    assert req.provinces == ("Hà Nội", "Thái Nguyên", "Thành phố Hồ Chí Minh")
    req = parse_request("thu 2 07:30 Thành phố Hồ Chí Minh", g)
    assert (req.weekday, str(req.at), req.provinces) == (0, "07:30:00", ("Thành phố Hồ Chí Minh",))
    assert parse_request("t2 xyz 8h", g).unknown == ("xyz",)
    assert parse_request("", g) == parse_request("  ", g)


async def test_dangky_defaults_and_confirmation(services: Services) -> None:
    reply = await subscribe.dangky("", private(), services)
    text = reply.parts[0]
    assert "Đã đăng ký" in text
    assert "Ngày nhận: Thứ Hai, lúc 07:00" in text
    assert "tất cả tỉnh, thành phố" in text
    assert "Bản tin tiếp theo: Thứ Hai, 30 tháng 11, 2026 lúc 07:00" in text
    sub = await subscriptions.get(services.db, 101)
    assert sub is not None and sub.active and not sub.paused
    assert (sub.weekday, sub.time, sub.timezone, sub.provinces) == (
        0,
        "07:00",
        "Asia/Ho_Chi_Minh",
        (),
    )


async def test_dangky_with_arguments_and_former_names(services: Services) -> None:
    reply = await subscribe.dangky("chủ nhật 19h30 Bắc Kạn, Cao Bằng", private(), services)
    text = reply.parts[0]
    assert "Bắc Kạn nay thuộc Thái Nguyên" in text
    assert "Chủ Nhật, lúc 19:30" in text
    assert "Bản tin tiếp theo: Chủ Nhật, 29 tháng 11, 2026 lúc 19:30" in text
    sub = await subscriptions.get(services.db, 101)
    assert sub is not None and sub.provinces == ("Thái Nguyên", "Cao Bằng")
    # Changing only the day keeps the rest.
    await subscribe.dangky("t4", private(), services)
    sub = await subscriptions.get(services.db, 101)
    assert sub is not None and (sub.weekday, sub.time) == (2, "19:30")
    assert sub.provinces == ("Thái Nguyên", "Cao Bằng")
    # "tất cả" goes back to every province.
    reply = await subscribe.dangky("tat ca", private(), services)
    assert "tất cả tỉnh, thành phố" in reply.parts[0]
    sub = await subscriptions.get(services.db, 101)
    assert sub is not None and sub.provinces == () and sub.weekday == 2


async def test_dangky_rejects_what_it_does_not_understand(services: Services) -> None:
    reply = await subscribe.dangky("thứ hai 7h Atlantis", private(), services)
    assert "Atlantis" in reply.parts[0] and "Cú pháp" in reply.parts[0]
    assert await subscriptions.get(services.db, 101) is None


async def test_groups_only_admins_change_the_subscription(services: Services) -> None:
    refused = await subscribe.dangky("", group(admin=False), services)
    assert "chỉ quản trị viên" in refused.parts[0]
    assert await subscriptions.get(services.db, -5001) is None
    ok = await subscribe.dangky("", group(admin=True), services)
    assert "cho nhóm" in ok.parts[0]
    assert "chỉ quản trị viên" in (await subscribe.huy("", group(admin=False), services)).parts[0]
    pressed = await subscribe_buttons.settings_button("s", group(admin=False), services)
    assert "chỉ quản trị viên" in pressed.parts[0]
    sub = await subscriptions.get(services.db, -5001)
    assert sub is not None and sub.active and not sub.paused and sub.chat_type == "group"
    shown = await subscribe.caidat("", group(admin=False), services)
    assert "Cài đặt bản tin" in shown.parts[0] and not shown.buttons


async def test_huy_and_resubscribe(services: Services) -> None:
    assert "chưa đăng ký" in (await subscribe.huy("", private(), services)).parts[0]
    await subscribe.dangky("", private(), services)
    assert "Đã hủy" in (await subscribe.huy("", private(), services)).parts[0]
    assert await subscriptions.active(services.db) == []
    assert "chưa đăng ký" in (await subscribe.caidat("", private(), services)).parts[0]
    await subscribe.dangky("", private(), services)
    assert [s.chat_id for s in await subscriptions.active(services.db)] == [101]


async def test_caidat_buttons_change_day_hour_provinces_pause(services: Services) -> None:
    await subscribe.dangky("", private(), services)
    shown = await subscribe.caidat("", private(), services)
    data = {b.data for row in shown.buttons for b in row}
    assert {"cfg:d", "cfg:h", "cfg:p:0", "cfg:s", "cfg:x"} <= data

    days = await subscribe_buttons.settings_button("d", private(), services)
    assert days.edit and len([b for row in days.buttons for b in row]) == 8
    after = await subscribe_buttons.settings_button("d:4", private(), services)
    assert "Thứ Sáu" in after.parts[0]
    await subscribe_buttons.settings_button("h:18", private(), services)

    page0 = await subscribe_buttons.settings_button("p:0", private(), services)
    names = current_units(services.gazetteer)
    assert len(names) == 34
    labels = [b.text for row in page0.buttons for b in row]
    assert names[0] in labels and "Trang 1/4" in labels
    page3 = await subscribe_buttons.settings_button("p:3", private(), services)
    assert any(names[33] in b.text for row in page3.buttons for b in row)
    # Toggle one on, another on, the first off again.
    await subscribe_buttons.settings_button("t:2:0", private(), services)
    toggled = await subscribe_buttons.settings_button("t:31:3", private(), services)
    assert f"✅ {names[31]}" in [b.text for row in toggled.buttons for b in row]
    await subscribe_buttons.settings_button("t:2:0", private(), services)
    paused = await subscribe_buttons.settings_button("s", private(), services)
    assert "tạm dừng" in paused.parts[0]
    sub = await subscriptions.get(services.db, 101)
    assert sub is not None
    assert (sub.weekday, sub.time, sub.provinces, sub.paused) == (4, "18:00", (names[31],), True)
    assert await subscriptions.active(services.db) == []  # paused: no digests
    await subscribe_buttons.settings_button("r", private(), services)
    await subscribe_buttons.settings_button("a:0", private(), services)
    sub = await subscriptions.get(services.db, 101)
    assert sub is not None and not sub.paused and sub.provinces == ()
    # Forged or stale data shows the settings instead of failing.
    odd = await subscribe_buttons.settings_button("t:99:x", private(), services)
    assert odd.parts and odd.parts[0]
    gone = await subscribe_buttons.settings_button("x", private(), services)
    assert "Đã hủy" in gone.parts[0]


async def test_due_and_migration_in_the_store(services: Services) -> None:
    db = services.db
    early = datetime(2026, 11, 1, tzinfo=UTC)
    for chat in (1, 2, -3):
        await subscriptions.subscribe(
            db, chat, weekday=0, at="07:00", timezone="Asia/Ho_Chi_Minh", provinces=(), now=early,
            chat_type="group" if chat < 0 else "private",
        )  # fmt: skip
    subs = await subscriptions.active(db)
    due = due_now([s.schedule_entry() for s in subs], NOW, set())
    assert sorted(d.chat_id for d in due) == [-3, 1, 2]
    assert {str(d.week) for d in due} == {"2026-W47"}

    row = await deliveries.begin(db, 1, "2026-W47", NOW)
    assert (row.state, row.attempts, row.parts_sent) == ("sending", 1, 0)
    await deliveries.finish(db, 1, "2026-W47", "sent", NOW, parts_sent=1)
    again = await deliveries.begin(db, 1, "2026-W47", NOW)
    assert (again.state, again.attempts) == ("sent", 1)  # final rows are left alone
    assert await deliveries.finished_chats(db, {"2026-W47"}) == {(1, "2026-W47")}

    await deliveries.begin(db, -3, "2026-W47", NOW)
    await subscriptions.migrate_chat(db, -3, -100777, NOW)
    assert await subscriptions.get(db, -3) is None
    moved = await subscriptions.get(db, -100777)
    assert moved is not None and moved.active and moved.chat_type == "supergroup"
    assert await deliveries.get(db, -100777, "2026-W47") is not None

    await subscriptions.deactivate_chat(db, 2, NOW)
    assert sorted(s.chat_id for s in await subscriptions.active(db)) == [-100777, 1]
    assert (await subscriptions.counts(db))["inactive"] == 1


async def test_run_due_sends_nothing_when_nothing_is_due(services: Services) -> None:
    # A subscription made now (after this Monday's 07:00) waits for next week: no bot call.
    await subscribe.dangky("", private(), services)

    class NoBot:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"nothing is due, yet the bot was used: {name}")

    report = await run_due(services, NoBot())  # type: ignore[arg-type]
    assert report.messages == 0 and report.sent == 0
    assert IsoWeek.of(NOW.date()) == IsoWeek(2026, 48)
