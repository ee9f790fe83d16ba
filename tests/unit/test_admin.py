"""/nguon and /thongke on a real SQLite file: refusal, SSRF guard, state changes, rendering."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from bot.config import FetchSettings, Settings, SourceSettings
from bot.replies import admin, dispatch
from bot.replies.model import ChatContext, Reply
from bot.services import Services
from bot.store import sources as source_store

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 in Hà Nội
EMULATOR = Path(__file__).resolve().parents[1] / "e2e" / "emulator.py"
ADMIN_ID = 1001
ADMIN = ChatContext(chat_id=ADMIN_ID, user_id=ADMIN_ID, is_bot_admin=True)
STRANGER = ChatContext(chat_id=2002, user_id=2002, is_bot_admin=False)


def _parse_html() -> Callable[[str], tuple[str, list[dict[str, object]]]]:
    if not EMULATOR.exists():
        pytest.skip("tests/e2e/emulator.py (the Telegram HTML validator) is not there")
    name = "danvan_test_emulator"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EMULATOR)
        assert spec and spec.loader
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].parse_html  # type: ignore[no-any-return]


def visible(reply: Reply) -> str:
    """What the admin reads: every part valid Telegram HTML, non-empty, at most 4096."""
    parse = _parse_html()
    texts = []
    for part in reply.parts:
        plain, _ = parse(part)
        assert plain.strip()
        assert len(plain.encode("utf-16-le")) // 2 <= 4096
        texts.append(plain)
    return "\n\n".join(texts)


Services_ = Callable[..., Awaitable[Services]]


@pytest.fixture
async def make_services(tmp_path: Path) -> AsyncIterator[Services_]:
    opened: list[Services] = []

    async def make(allow_private: bool = False) -> Services:
        settings = Settings(
            database=tmp_path / f"danvan{len(opened)}.db",
            admin_users=frozenset({ADMIN_ID}),
            fetch=FetchSettings(allow_private_hosts=allow_private),
        )
        s = await Services.open(settings, clock=lambda: NOW)
        opened.append(s)
        return s

    yield make
    for s in opened:
        await s.close()


@pytest.fixture
async def services(make_services: Services_) -> Services:
    return await make_services()


async def say(text: str, ctx: ChatContext, services: Services) -> str:
    reply = await dispatch.handle_text(text, ctx, services)
    assert reply is not None
    return visible(reply)


async def names(services: Services) -> list[str]:
    return [r.name for r in await source_store.list_sources(services.db)]


# --- refusal ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["/nguon", "/thongke", "/nguon them X http://203.162.4.191/rss", "/nguon xoa A"]
)
async def test_others_get_a_polite_refusal(text: str, services: Services) -> None:
    await source_store.add_source(services.db, "A", "https://a.example/rss", origin="chat")
    answer = await say(text, STRANGER, services)
    assert "quản trị viên" in answer
    assert "Nguồn tin" not in answer and "Thống kê" not in answer
    assert await names(services) == ["A"]  # nothing changed


async def test_handlers_refuse_even_when_called_directly(services: Services) -> None:
    for handler in (admin.nguon, admin.thongke):
        reply = await handler("", STRANGER, services)
        assert reply.parts == (admin.REFUSAL,)
        assert "Xin lỗi" in visible(reply)


async def test_admin_commands_stay_out_of_the_public_menu() -> None:
    from bot.replies.registry import COMMANDS

    assert COMMANDS["nguon"].admin_only and not COMMANDS["nguon"].menu
    assert COMMANDS["thongke"].admin_only and not COMMANDS["thongke"].menu


# --- /nguon -----------------------------------------------------------------------------------


async def test_empty_list_says_how_to_add(services: Services) -> None:
    answer = await say("/nguon", ADMIN, services)
    assert "Chưa có nguồn tin nào" in answer and "/nguon them" in answer


async def test_add_pause_resume_remove(services: Services) -> None:
    answer = await say("/nguon them Dân vận Thái Nguyên http://203.162.4.191/rss", ADMIN, services)
    assert "Đã thêm nguồn Dân vận Thái Nguyên" in answer
    row = await source_store.get_source(services.db, "Dân vận Thái Nguyên")
    assert row is not None and row.origin == "chat" and row.enabled
    assert row.url == "http://203.162.4.191/rss"

    # Names match without diacritics or case; "tạm dừng" in two words works too.
    assert "Đã tạm dừng" in await say("/nguon tamdung dan van thai nguyen", ADMIN, services)
    row = await source_store.get_source(services.db, "Dân vận Thái Nguyên")
    assert row is not None and not row.enabled
    assert "tạm dừng" in await say("/nguon", ADMIN, services)
    assert "trở lại" in await say("/nguon tiếp tục Dân vận Thái Nguyên", ADMIN, services)
    row = await source_store.get_source(services.db, "Dân vận Thái Nguyên")
    assert row is not None and row.enabled
    assert "Đã tạm dừng" in await say("/nguon tạm dừng Dân Vận Thái Nguyên", ADMIN, services)

    assert "Đã xóa nguồn" in await say("/nguon xoá Dân vận Thái Nguyên", ADMIN, services)
    assert await names(services) == []


async def test_add_refuses_duplicates_and_incomplete_input(services: Services) -> None:
    await say("/nguon them Báo A http://203.162.4.191/rss", ADMIN, services)
    assert "Đã có nguồn tên" in await say(
        "/nguon them báo a http://203.162.4.192/", ADMIN, services
    )
    assert "đã có trong nguồn" in await say(
        "/nguon them Báo B http://203.162.4.191/rss", ADMIN, services
    )
    assert "Cần ghi cả tên và địa chỉ" in await say("/nguon them Báo C", ADMIN, services)
    assert "tối đa" in await say(f"/nguon them {'x' * 80} http://203.162.4.9/", ADMIN, services)
    assert await names(services) == ["Báo A"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080/rss", "loopback"),
        ("http://localhost/rss", "loopback"),
        ("http://[::1]/rss", "loopback"),
        ("http://10.0.0.7/rss", "mạng nội bộ"),
        ("http://192.168.1.10/rss", "mạng nội bộ"),
        ("http://169.254.169.254/latest/meta-data/", "đám mây"),
        ("http://metadata.google.internal/computeMetadata/v1/", "đám mây"),
        ("file:///etc/passwd", "http://"),
        ("ftp://203.162.4.191/rss", "http://"),
        ("http://user:pw@203.162.4.191/rss", "mật khẩu"),
        ("http://224.0.0.1/", "multicast"),
        ("http://no-such-host.invalid/rss", "không tìm thấy máy chủ"),
    ],
)
async def test_add_refuses_unsafe_urls(url: str, expected: str, services: Services) -> None:
    answer = await say(f"/nguon them Nguồn lạ {url}", ADMIN, services)
    assert answer.startswith("Không thêm được nguồn")
    assert expected in answer
    assert await names(services) == []


async def test_allow_private_hosts_opens_intranet_but_not_metadata(
    make_services: Services_,
) -> None:
    services = await make_services(allow_private=True)
    assert "Đã thêm" in await say("/nguon them Nội bộ http://10.0.0.7/rss", ADMIN, services)
    assert "Đã thêm" in await say("/nguon them Máy này http://127.0.0.1:8000/rss", ADMIN, services)
    meta = await say("/nguon them Meta http://169.254.169.254/latest/", ADMIN, services)
    assert "đám mây" in meta
    assert sorted(await names(services)) == ["Máy này", "Nội bộ"]


async def test_private_refusal_hints_at_the_setting(services: Services) -> None:
    answer = await say("/nguon them Nội bộ http://10.0.0.7/rss", ADMIN, services)
    assert "allow_private_hosts = true" in answer and "(10.0.0.7)" in answer


async def test_config_sources_cannot_be_removed_from_chat(services: Services) -> None:
    await source_store.sync_config_sources(
        services.db, [SourceSettings("Dân vận TW", "https://danvan.vn/rss")]
    )
    answer = await say("/nguon xoa Dân vận TW", ADMIN, services)
    assert "tệp cấu hình" in answer and "/nguon tamdung" in answer
    assert await names(services) == ["Dân vận TW"]
    assert "lần khởi động sau" in await say("/nguon tamdung Dân vận TW", ADMIN, services)


async def test_unknown_names_and_subcommands(services: Services) -> None:
    assert "Không tìm thấy nguồn" in await say("/nguon xoa Không có", ADMIN, services)
    assert "Bạn cần ghi tên nguồn" in await say("/nguon tamdung", ADMIN, services)
    assert "Quản lý nguồn tin" in await say("/nguon gì đó", ADMIN, services)


async def test_list_shows_state_and_escapes_everything(services: Services) -> None:
    db = services.db
    ok = await source_store.add_source(
        db, "Báo <b>Nhân Dân</b> & co", "https://a.example/rss?a=1&b=<2>"
    )
    bad = await source_store.add_source(db, "Hỏng", "https://b.example/rss")
    await source_store.record_success(
        db, ok.id, now=NOW - timedelta(hours=1), next_due=NOW, etag=None, last_modified=None,
        entries_added=12,
    )  # fmt: skip
    for _ in range(3):
        await source_store.record_failure(
            db, bad.id, now=NOW, next_due=NOW, error="HTTP 500 <html>Lỗi máy chủ</html>"
        )
    answer = await say("/nguon", ADMIN, services)
    assert "Báo <b>Nhân Dân</b> & co" in answer  # shown literally, not as markup
    assert "https://a.example/rss?a=1&b=<2>" in answer
    assert "✅ hoạt động" in answer and "09:00 hôm nay" in answer and "tổng số tin: 12" in answer
    assert "lỗi 3 lần liên tiếp" in answer and "HTTP 500 <html>Lỗi máy chủ</html>" in answer


async def test_long_lists_are_split_under_the_limit(services: Services) -> None:
    for i in range(60):
        row = await source_store.add_source(
            services.db, f"Nguồn {i:02d} " + "dài " * 10, f"https://s{i}.example/" + "x" * 150
        )
        await source_store.record_failure(
            services.db, row.id, now=NOW, next_due=NOW, error="lỗi " + "rất dài " * 60
        )
    reply = await dispatch.handle_text("/nguon", ADMIN, services)
    assert reply is not None and len(reply.parts) >= 2
    answer = visible(reply)
    assert "… và 20 nguồn khác." in answer


# --- /thongke ---------------------------------------------------------------------------------


async def insert_article(services: Services, n: int, source: str, day: date) -> None:
    await services.db.execute(
        "INSERT INTO articles (body_hash, source, title, body, summary, sort_date, level,"
        " added_at, updated_at) VALUES (?, ?, ?, 'b', 's', ?, 'province', ?, ?)",
        (f"h{n}", source, f"Bài {n}", day.isoformat(), NOW.isoformat(), NOW.isoformat()),
    )


async def test_thongke(services: Services) -> None:
    db = services.db
    for n in range(5):
        await insert_article(services, n, "Báo <Dân vận>", date(2026, 11, 23))  # this week
    for n in range(5, 8):
        await insert_article(services, n, "thainguyen", date(2026, 11, 16))  # last week
    await insert_article(services, 8, "thainguyen", date(2020, 1, 1))  # outside the 8 weeks
    bad = await source_store.add_source(db, "Hỏng & hư", "https://b.example/rss")
    await source_store.record_failure(db, bad.id, now=NOW, next_due=NOW, error="timeout <30s>")
    await db.execute(
        "INSERT INTO chats (chat_id, created_at, updated_at) VALUES (1, 'x', 'x'), (2, 'x', 'x')"
    )
    await db.execute(
        "INSERT INTO subscriptions (chat_id, created_at, updated_at) VALUES (1, 'x', 'x'), "
        "(2, 'x', 'x')"
    )
    await db.execute(
        "INSERT INTO deliveries (chat_id, week, state, started_at) VALUES "
        "(1, '2026-W47', 'sent', 'x'), (2, '2026-W47', 'failed', 'x')"
    )
    await source_store.add_source(db, "Báo <Dân vận>", "https://c.example/rss")
    answer = await say("/thongke", ADMIN, services)
    assert "Bài trong kho: 9" in answer
    week_lines = [line for line in answer.splitlines() if re.match(r"\d\d/\d\d/\d{4} ", line)]
    assert len(week_lines) == 8
    # Columns: week (Monday), stored that week, happened that week.
    assert week_lines[-1].split() == ["23/11/2026", "9", "5"]
    assert week_lines[-2].split() == ["16/11/2026", "0", "3"]
    assert week_lines[0].split() == ["05/10/2026", "0", "0"]
    assert "• Báo <Dân vận>: 5" in answer and "• Hỏng & hư: 0" in answer
    assert "• Nhập từ tệp hoặc nguồn đã xóa: 4" in answer
    assert "2 đang nhận" in answer
    assert "2026-W47: 1 thành công, 1 thất bại" in answer
    assert "Hỏng & hư" in answer and "timeout <30s>" in answer
    assert "1 đang lỗi" in answer


async def test_thongke_counts_stored_articles_by_vietnam_day(services: Services) -> None:
    # Sunday 23:30 in Hà Nội is Sunday 16:30 UTC; Monday 00:30 there is Sunday 17:30 UTC.
    for n, added in ((1, "2026-11-22T16:30:00+00:00"), (2, "2026-11-22T17:30:00+00:00")):
        await services.db.execute(
            "INSERT INTO articles (body_hash, source, title, body, summary, sort_date, level,"
            " added_at, updated_at) VALUES (?, 'x', 't', 'b', 's', '2001-01-01', 'unknown', ?, ?)",
            (f"h{n}", added, added),
        )
    stats = await admin.gather_stats(services, NOW)
    assert stats.added[-2:] == [(date(2026, 11, 16), 1), (date(2026, 11, 23), 1)]


async def test_thongke_on_an_empty_database(services: Services) -> None:
    answer = await say("/thongke", ADMIN, services)
    assert "Bài trong kho: 0" in answer
    assert "chưa gửi lần nào" in answer and "Không có nguồn nào đang lỗi" in answer


# --- pure helpers -----------------------------------------------------------------------------


def test_weekly_counts_fills_missing_weeks() -> None:
    weeks = admin.weekly_counts(
        {"2026-11-22": 2, "2026-11-16": 1, "2026-11-23": 4, "bad": 9, "2026-01-01": 7},
        date(2026, 11, 25),
        weeks=3,
    )
    assert weeks == [(date(2026, 11, 9), 0), (date(2026, 11, 16), 3), (date(2026, 11, 23), 4)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", ("list", "")),
        ("them Báo A https://x", ("add", "Báo A https://x")),
        ("THÊM  Báo A  https://x", ("add", "Báo A https://x")),
        ("tạm dừng Báo A", ("pause", "Báo A")),
        ("tamdung Báo A", ("pause", "Báo A")),
        ("tiếp tục Báo A", ("resume", "Báo A")),
        ("xóa Báo A", ("remove", "Báo A")),
        ("Báo A", ("help", "Báo A")),
    ],
)
def test_parse_nguon_args(args: str, expected: tuple[str, str]) -> None:
    assert admin.parse_nguon_args(args) == expected


def test_settings_replace_keeps_admins() -> None:
    # Guard for the fixture: admins come from Settings.admin_users.
    s = replace(Settings(), admin_users=frozenset({1}))
    assert 1 in s.admin_users
