"""End-to-end harness: the real ``danvan-bot run`` process against the Bot API emulator.

Pieces, usable on their own (the fixtures in ``conftest.py`` wire them together):

- :func:`write_config` writes a config.toml (database in a temp dir, ``api_base_url``
  pointing at the emulator, admin users).
- :func:`seed_articles` fills the database with :data:`SEED_ARTICLES`, known articles that
  tests can assert on, through the project's own store code.
- :class:`BotProcess` starts ``python -m bot run`` with a fake token, waits until it polls
  (a condition on the emulator, not a sleep), stops it with SIGTERM and keeps its output.
- :class:`Person` drives a user: ``await alice.send("/moinhat")`` returns the bot's reply
  messages; ``await alice.press(msg, "Sau")`` presses an inline button.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .emulator import Chat, Emulator, Message, User

REPO = Path(__file__).resolve().parents[2]
FAKE_TOKEN = "123456:TEST-token-ABCdef"
ADMIN_ID = 900_001
REPLY_TIMEOUT = 15.0  # generous: CI machines are slow; a wait ends as soon as the reply is in
START_TIMEOUT = 60.0


# --- config and data -----------------------------------------------------------------------


def write_config(
    path: Path,
    emulator: Emulator,
    *,
    database: Path,
    admin_users: Sequence[int] = (ADMIN_ID,),
    log_level: str = "INFO",
    extra: str = "",
) -> Path:
    """A config.toml for the bot under test. ``extra`` is appended verbatim (more tables)."""
    admins = ", ".join(str(u) for u in admin_users)
    path.write_text(
        "[telegram]\n"
        f'api_base_url = "{emulator.base_url}"\n\n'
        "[storage]\n"
        f'database = "{database.as_posix()}"\n\n'
        "[admin]\n"
        f"users = [{admins}]\n\n"
        "[logging]\n"
        f'level = "{log_level}"\n' + (f"\n{extra}\n" if extra else ""),
        encoding="utf-8",
    )
    return path


@dataclass(frozen=True)
class SeedArticle:
    title: str
    body: str
    published: str  # YYYY-MM-DD
    event_date: str | None
    provinces: tuple[tuple[str, str], ...]  # (name in the text's era, current unit)
    level: str = "province"
    meeting_kind: str | None = None
    chairs: tuple[str, ...] = ()
    summary: str = ""
    url: str | None = None


# Known articles: titles and provinces tests can look for. One title carries characters
# that must be escaped in HTML, so a missing html.escape shows up as a 400 from the emulator.
_NAMED_SEEDS: tuple[SeedArticle, ...] = (
    SeedArticle(
        title="Bắc Kạn sơ kết công tác dân vận 6 tháng đầu năm 2024",
        body=(
            "Chiều 25/4, Ban Dân vận Tỉnh ủy Bắc Kạn tổ chức hội nghị sơ kết công tác dân vận "
            "6 tháng đầu năm 2024. Đồng chí Ma Từ Đông Điền chủ trì hội nghị.\n\n"
            "Hội nghị đánh giá phong trào thi đua “Dân vận khéo” đạt nhiều kết quả."
        ),
        published="2024-04-26",
        event_date="2024-04-25",
        provinces=(("Bắc Kạn", "Thái Nguyên"),),
        meeting_kind="so_ket",
        chairs=("Ma Từ Đông Điền",),
        summary="Ban Dân vận Tỉnh ủy Bắc Kạn sơ kết công tác dân vận 6 tháng đầu năm 2024.",
        url="https://backan.example.vn/tin/so-ket-dan-van-2024",
    ),
    SeedArticle(
        title='Hội thảo "Dân vận khéo" & <chuyển đổi số> ở Hà Giang',
        body=(
            "Sáng 9-8, Ban Dân vận Tỉnh ủy Hà Giang tổ chức hội thảo về dân vận khéo trong "
            "chuyển đổi số. Các đại biểu thảo luận cách đưa dịch vụ công đến với người dân."
        ),
        published="2024-08-10",
        event_date="2024-08-09",
        provinces=(("Hà Giang", "Tuyên Quang"),),
        meeting_kind="hoi_thao",
        summary="Hội thảo <dân vận khéo> & chuyển đổi số ở Hà Giang.",
        url="https://hagiang.example.vn/tin/hoi-thao?id=1&src=rss",
    ),
    SeedArticle(
        title="Thành phố Hồ Chí Minh tổng kết phong trào thi đua dân vận khéo",
        body=(
            "Ngày 18/12/2024, Ban Dân vận Thành ủy TP. Hồ Chí Minh tổ chức hội nghị tổng kết "
            "phong trào thi đua dân vận khéo giai đoạn 2021-2024."
        ),
        published="2024-12-19",
        event_date="2024-12-18",
        provinces=(("Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),),
        meeting_kind="tong_ket",
        chairs=("Nguyễn Văn A",),
        summary="TP. Hồ Chí Minh tổng kết phong trào dân vận khéo giai đoạn 2021-2024.",
        url="https://hcm.example.vn/tin/tong-ket-dan-van-kheo",
    ),
)
# Enough dân vận articles in one province for several pages of /tim and /hoinghi.
_COMMUNE_SEEDS = tuple(
    SeedArticle(
        title=f"Dân vận chính quyền ở xã Điện Biên số {i}: lắng nghe ý kiến nhân dân",
        body=(
            f"Ngày {i}/3/2025, UBND xã số {i} tổ chức đối thoại với nhân dân về công tác dân "
            "vận chính quyền, giải quyết kiến nghị về đất đai và đường giao thông nông thôn."
        ),
        published=f"2025-03-{i:02d}",
        event_date=f"2025-03-{i:02d}",
        provinces=(("Điện Biên", "Điện Biên"),),
        level="commune",
        meeting_kind="doi_thoai",
        summary=f"Xã số {i} đối thoại với nhân dân về dân vận chính quyền.",
        url=f"https://dienbien.example.vn/tin/doi-thoai-{i}",
    )
    for i in range(1, 13)
)
SEED_ARTICLES: tuple[SeedArticle, ...] = (*_NAMED_SEEDS, *_COMMUNE_SEEDS)


def seed_articles(database: Path, articles: Sequence[SeedArticle] = SEED_ARTICLES) -> list[int]:
    """Store ``articles`` through the project's own store code; return their ids."""
    from bot.articles.model import Article, Extraction, ProvinceMention
    from bot.articles.pipeline import body_hash
    from bot.store.articles import save_many_sync
    from bot.store.db import open_sync

    def to_article(a: SeedArticle) -> Article:
        published = datetime.fromisoformat(a.published).replace(hour=3, tzinfo=UTC)
        extraction = Extraction(
            title=a.title,
            published=published.date(),
            event_date=a.event_date,
            provinces=tuple(ProvinceMention(n, c) for n, c in a.provinces),
            level=a.level,
            meeting_kind=a.meeting_kind,
            chairs=a.chairs,
            summary=a.summary,
        )
        return Article(
            body=a.body,
            source="e2e-seed",
            extraction=extraction,
            url=a.url,
            published=published,
            body_hash=body_hash(a.body),
        )

    db = open_sync(database)
    try:
        results = save_many_sync(db, [to_article(a) for a in articles], datetime.now(UTC))
    finally:
        db.close()
    return [r.id for r in results]


# --- digest subscribers, straight into the database ----------------------------------------

DIGEST_WEEK = "2024-W17"  # the week of the Bắc Kạn seed (25 April 2024)
HEADER = "Bản tin Dân vận tuần 17 (22–28 tháng 4, 2024)"
FIRST_CHAT = 50_000_001


def add_subscribers(
    database: Path, count: int, *, weekday: int = 0, at: str = "07:00"
) -> list[int]:
    """Subscribers straight into the database (as if they had used /dangky long ago)."""
    ids = list(range(FIRST_CHAT, FIRST_CHAT + count))
    stamp = "2024-01-01T00:00:00+00:00"
    db = sqlite3.connect(database)
    with db:
        db.executemany(
            "INSERT INTO chats(chat_id, type, active, created_at, updated_at)"
            " VALUES (?, 'private', 1, ?, ?)",
            [(i, stamp, stamp) for i in ids],
        )
        db.executemany(
            "INSERT INTO subscriptions(chat_id, weekday, time, timezone, provinces, created_at,"
            " updated_at) VALUES (?, ?, ?, 'Asia/Ho_Chi_Minh', '[]', ?, ?)",
            [(i, weekday, at, stamp, stamp) for i in ids],
        )
    db.close()
    return ids


def due_today(database: Path, count: int) -> tuple[list[int], str, str]:
    """``count`` subscribers whose digest fell due at 00:00 today (Vietnam time): the
    running bot's start-up tick sends it. Returns (ids, week, header of that digest).
    Skips the test within two minutes of local midnight ("earlier today" is unstable)."""
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    if now.hour == 0 and now.minute < 2:
        import pytest

        pytest.skip("too close to local midnight for a stable 'earlier today'")
    ids = add_subscribers(database, count, weekday=now.weekday(), at="00:00")
    iso = (now.date() - timedelta(days=7)).isocalendar()
    return ids, f"{iso.year}-W{iso.week:02d}", f"Bản tin Dân vận tuần {iso.week} ("


def delivery_states(database: Path, week: str = DIGEST_WEEK) -> Counter[str]:
    db = sqlite3.connect(database)
    try:
        rows = db.execute("SELECT state FROM deliveries WHERE week = ?", (week,)).fetchall()
    finally:
        db.close()
    return Counter(r[0] for r in rows)


def digests_per_chat(emulator: Emulator, header: str = HEADER) -> Counter[int]:
    return Counter(m.chat_id for m in emulator.sent if header in m.plain)


# --- the bot process -----------------------------------------------------------------------


@dataclass
class BotProcess:
    """``python -m bot run --config CONFIG`` as a child process, output captured."""

    emulator: Emulator
    config: Path
    token: str = FAKE_TOKEN
    env: dict[str, str] = field(default_factory=dict)
    args: Sequence[str] = ("run",)
    # What runs: the bot's entry point, or a wrapper script (see sqlite_full.py).
    entry: Sequence[str] = ("-m", "bot")
    proc: asyncio.subprocess.Process | None = None
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def output(self) -> str:
        """Everything the process wrote so far, stdout then stderr."""
        return (bytes(self.stdout) + b"\n" + bytes(self.stderr)).decode("utf-8", "replace")

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.returncode

    async def start(self, *, wait_polling: bool = True, timeout: float = START_TIMEOUT) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("TELEGRAM_BOT_TOKEN", "DANVAN_CONFIG", "DATABASE_PATH")
        }
        env.update({"TELEGRAM_BOT_TOKEN": self.token, "PYTHONUNBUFFERED": "1"}, **self.env)
        polls_before = len(self.emulator.calls_to("getUpdates"))
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.entry,
            *self.args,
            "--config",
            str(self.config),
            cwd=str(REPO),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._tasks = [
            asyncio.create_task(_drain(self.proc.stdout, self.stdout, self.emulator)),
            asyncio.create_task(_drain(self.proc.stderr, self.stderr, self.emulator)),
            asyncio.create_task(self._watch_exit()),
        ]
        if wait_polling:
            await self.wait_polling(polls_before, timeout)

    async def _watch_exit(self) -> None:
        assert self.proc is not None
        await self.proc.wait()
        self.emulator.poke()  # wake anyone waiting on the emulator: the bot is gone

    async def wait_polling(self, polls_before: int = 0, timeout: float = START_TIMEOUT) -> None:
        """Until the bot's first getUpdates after start; fails fast if the process exits."""
        try:
            await self.emulator.wait_until(
                lambda: (
                    len(self.emulator.calls_to("getUpdates")) > polls_before
                    or self.returncode is not None
                ),
                timeout,
            )
        except TimeoutError:
            raise AssertionError(
                f"the bot did not poll within {timeout} s:\n{self.output}"
            ) from None
        if self.returncode is not None:
            raise AssertionError(f"the bot exited with {self.returncode}:\n{self.output}")

    async def wait_exit(self, timeout: float = 20.0) -> int:
        assert self.proc is not None
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        return code

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, wait; SIGKILL if it does not stop in time. Returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        return self.proc.returncode if self.proc.returncode is not None else -1

    async def kill(self) -> None:
        """SIGKILL: a crash, for crash-recovery tests."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _drain(stream: asyncio.StreamReader, into: bytearray, emulator: Emulator) -> None:
    while chunk := await stream.read(65536):
        into.extend(chunk)
        emulator.poke()  # so that emulator.wait_until can wait on the bot's output too


# --- people ---------------------------------------------------------------------------------


@dataclass
class Pressed:
    """What pressing a button did."""

    answer: dict[str, Any]  # answerCallbackQuery: text, show_alert, url
    message: Message  # the message the button was on (edited in place if the bot edited it)
    edited: bool
    new_messages: list[Message]


class Person:
    """A user talking to the bot, in their private chat or in a group."""

    def __init__(self, emulator: Emulator, user: User, chat: Chat | None = None) -> None:
        self.emulator = emulator
        self.user = user
        self.chat = chat or emulator.private_chat(user)

    @property
    def id(self) -> int:
        return self.user.id

    def in_chat(self, chat: Chat) -> Person:
        """The same user, writing in ``chat`` (a group)."""
        return Person(self.emulator, self.user, chat)

    def bot_messages(self) -> list[Message]:
        return self.emulator.messages(self.chat)

    async def send(
        self,
        text: str,
        *,
        count: int = 1,
        reply_to: Message | None = None,
        timeout: float = REPLY_TIMEOUT,
        thread: int | None = None,
    ) -> list[Message]:
        """Write ``text`` (in forum topic ``thread``, if given); return the first ``count``
        messages the bot sends in reply.

        Only sends count: a reply that edits an earlier message is seen with :meth:`press`.
        Replies with more parts than ``count`` may arrive after this returns; ask for them.
        """
        before = len(self.bot_messages())
        self.emulator.user_message(self.user, text, self.chat, reply_to=reply_to, thread=thread)

        def arrived() -> list[Message] | None:
            new = self.bot_messages()[before:]
            return new[:count] if len(new) >= count else None

        try:
            result: list[Message] = await self.emulator.wait_until(arrived, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no reply to {text[:60]!r} in chat {self.chat.id} within {timeout} s; "
                f"errors: {self.emulator_errors()}"
            ) from None
        return result

    async def say(self, text: str, reply_to: Message | None = None) -> Message:
        """Write without waiting for anything (group chatter, or before a barrier)."""
        return self.emulator.user_message(self.user, text, self.chat, reply_to=reply_to)

    async def press(
        self,
        message: Message,
        button_text: str,
        *,
        expect_change: bool = True,
        timeout: float = REPLY_TIMEOUT,
    ) -> Pressed:
        """Press an inline button; wait for the callback answer and (by default) for the bot
        to edit that message or send a new one."""
        edits_before = message.edit_count
        sent_before = len(self.bot_messages())
        query_id = self.emulator.press_button(self.user, message, button_text)
        return await self._await_press(query_id, message, edits_before, sent_before,
                                       expect_change, timeout)  # fmt: skip

    async def press_data(
        self, message: Message, data: str, *, expect_change: bool = True,
        timeout: float = REPLY_TIMEOUT,
    ) -> Pressed:  # fmt: skip
        """Press a button with arbitrary callback data (stale or forged buttons)."""
        edits_before = message.edit_count
        sent_before = len(self.bot_messages())
        query_id = self.emulator.callback_query(self.user, message, data)
        return await self._await_press(query_id, message, edits_before, sent_before,
                                       expect_change, timeout)  # fmt: skip

    async def _await_press(
        self,
        query_id: str,
        message: Message,
        edits_before: int,
        sent_before: int,
        expect_change: bool,
        timeout: float,
    ) -> Pressed:
        emu = self.emulator

        def done() -> bool:
            if query_id not in emu.callback_answers:
                return False
            changed = message.edit_count > edits_before or len(self.bot_messages()) > sent_before
            return changed or not expect_change

        try:
            await emu.wait_until(done, timeout)
        except TimeoutError:
            raise AssertionError(
                f"button press not handled within {timeout} s "
                f"(answered: {query_id in emu.callback_answers}); "
                f"errors: {self.emulator_errors()}"
            ) from None
        return Pressed(
            answer=emu.callback_answers[query_id],
            message=message,
            edited=message.edit_count > edits_before,
            new_messages=self.bot_messages()[sent_before:],
        )

    async def inline(
        self, query: str, *, offset: str = "", timeout: float = REPLY_TIMEOUT
    ) -> tuple[str, dict[str, Any]]:
        """Type ``@bot query`` in a chat; wait for the bot's answerInlineQuery and return
        (query id, the answer: results, next_offset, cache_time, is_personal)."""
        emu = self.emulator
        query_id = emu.inline_query(self.user, query, offset=offset)
        try:
            await emu.wait_until(lambda: query_id in emu.inline_answers, timeout)
        except TimeoutError:
            raise AssertionError(
                f"inline query {query!r} not answered within {timeout} s; "
                f"errors: {self.emulator_errors()}"
            ) from None
        return query_id, emu.inline_answers[query_id]

    async def barrier(
        self, text: str = "/huongdan", *, answer: str = "Các lệnh", timeout: float = REPLY_TIMEOUT
    ) -> None:
        """Send a command that is always answered and wait for the answer.

        The bot handles the updates of one chat in order (chats run concurrently), so once
        this is answered every earlier message *in this chat* has been handled, its
        error handling included: the way to assert that the bot stayed quiet here, without
        sleeping. It says nothing about other chats. It counts against this user's flood
        bucket like any command. Waits for a new message containing ``answer`` (the parts
        of an earlier long reply may still be arriving when the barrier is sent).
        """
        before = len(self.bot_messages())
        self.emulator.user_message(self.user, text, self.chat)
        try:
            await self.emulator.wait_until(
                lambda: any(answer in m.plain for m in self.bot_messages()[before:]), timeout
            )
        except TimeoutError:
            raise AssertionError(
                f"no answer to the barrier {text!r} in chat {self.chat.id} within {timeout} s; "
                f"errors: {self.emulator_errors()}"
            ) from None

    def emulator_errors(self) -> list[tuple[str, int]]:
        return [(c.method, c.status) for c in self.emulator.calls if c.status >= 400][-5:]


def add_person(
    emulator: Emulator, first_name: str, username: str | None = None, user_id: int | None = None
) -> Person:
    return Person(emulator, emulator.add_user(first_name, username, user_id))


# --- a whole world: emulator + database + bot -----------------------------------------------


@dataclass
class World:
    """An emulator, a seeded database, a config and the bot process using them."""

    emulator: Emulator
    bot: BotProcess
    directory: Path
    database: Path
    config: Path
    article_ids: list[int]
    admin: Person

    def person(self, first_name: str = "Lan", username: str | None = None) -> Person:
        """A new user with their own private chat (so tests do not see each other)."""
        return add_person(self.emulator, first_name, username)

    def group(
        self,
        title: str,
        *,
        admins: Sequence[Person] = (),
        members: Sequence[Person] = (),
        supergroup: bool = False,
    ) -> Chat:
        return self.emulator.add_group(
            title,
            admins=[p.user for p in admins],
            members=[p.user for p in members],
            supergroup=supergroup,
        )

    def channel(
        self,
        title: str,
        *,
        username: str | None = None,
        admins: Sequence[Person] = (),
        bot: str = "poster",
    ) -> Chat:
        """A channel; ``bot``: "poster" (admin allowed to post), "admin", or "absent"."""
        return self.emulator.add_channel(
            title, username=username, admins=[p.user for p in admins], bot=bot
        )

    def forum(
        self,
        title: str,
        *,
        admins: Sequence[Person] = (),
        members: Sequence[Person] = (),
        topics: Sequence[str] = (),
    ) -> Chat:
        """A supergroup with topics (thread ids: ``emulator.topic(chat, name)``)."""
        return self.emulator.add_forum(
            title,
            admins=[p.user for p in admins],
            members=[p.user for p in members],
            topics=topics,
        )

    async def restart(self) -> None:
        """Stop the bot with SIGTERM and start a new process on the same database."""
        await self.bot.stop()
        self.bot = BotProcess(self.emulator, self.config, self.bot.token, dict(self.bot.env))
        await self.bot.start()


@contextlib.asynccontextmanager
async def running_world(
    directory: Path,
    *,
    token: str = FAKE_TOKEN,
    log_level: str = "INFO",
    seed: bool = True,
    extra_config: str = "",
    env: dict[str, str] | None = None,
    start: bool = True,
    inline_mode: bool = False,
) -> AsyncIterator[World]:
    """Start an emulator, seed a database, write a config, start the bot; tear all down.

    With ``start=False`` the bot is prepared but not started (``await world.bot.start()``),
    e.g. to inject failures before its first call.
    """
    directory.mkdir(parents=True, exist_ok=True)
    emulator = await Emulator(token, inline_mode=inline_mode).start()
    database = directory / "danvan.db"
    ids = seed_articles(database) if seed else []
    config = write_config(
        directory / "config.toml", emulator, database=database, log_level=log_level,
        extra=extra_config,
    )  # fmt: skip
    admin = add_person(emulator, "Quản trị", "quantri", user_id=ADMIN_ID)
    bot = BotProcess(emulator, config, token, dict(env or {}))
    world = World(emulator, bot, directory, database, config, ids, admin)
    try:
        if start:
            await bot.start()
        yield world
    finally:
        await world.bot.stop()
        await emulator.stop()
