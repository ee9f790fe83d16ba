"""A small Telegram Bot API emulator for end-to-end tests and benchmarks.

It speaks enough of the Bot API for python-telegram-bot 22 (``getMe``, long-polling
``getUpdates``, ``sendMessage``, edits, callback answers, chat members, commands, webhooks,
inline queries, channels, forum topics, the bot's descriptions)
and validates what it receives the way Telegram does: HTML with Telegram's tag set, 4096
characters after entity parsing, non-empty text, 64-byte callback data, inline keyboard
shape. It can inject failures per chat (403, 429, 5xx, dropped connections, a group
migrated to a supergroup) and enforce Telegram's flood limits with 429 + ``retry_after``.

Stdlib only, one file, so it also runs as a script for benchmarks::

    python tests/e2e/emulator.py --port 8081 --token 123456:TEST-token-ABCdef [--flood]

In process::

    emu = Emulator(token="123456:TEST-token-ABCdef")
    await emu.start()                       # emu.base_url == "http://127.0.0.1:PORT/bot"
    alice = emu.add_user("Alice")
    emu.user_message(alice, "/start")       # queues an update for getUpdates
    await emu.wait_until(lambda: emu.messages(alice.id))
    await emu.stop()

The emulator never prints or logs tokens; it records the token path of every call in
:attr:`Emulator.calls` so that tests can make assertions about it.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import contextvars
import email.parser
import email.policy
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_INLINE_RESULTS = 50
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
MAX_DESCRIPTION = 512  # setMyDescription
MAX_SHORT_DESCRIPTION = 120  # setMyShortDescription

CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

# Methods that put a message in a chat: they count against flood limits and failures.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)
# Methods that act on one chat: failures injected for that chat apply to them too.
CHAT_METHODS = SEND_METHODS | {
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "sendChatAction",
    "getChat",
    "getChatMember",
    "getChatAdministrators",
    "leaveChat",
    "pinChatMessage",
}
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class ApiError(Exception):
    """An error answer, exactly as Telegram would send it."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class _DropConnection(Exception):
    """Close the connection without answering (a network failure as the client sees it)."""


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# --- HTML, the way Telegram parses it ------------------------------------------------------

_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]+));")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's wording."""


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Telegram decodes &lt; &gt; &amp; &quot; and numeric references; any other '&' is text."""
    m = _ENTITY_RE.match(text, i)
    if not m:
        return None
    if m.group(3) is not None:
        ch = _NAMED_ENTITIES.get(m.group(3))
        return (ch, m.end() - i) if ch else None
    code = int(m.group(1), 16) if m.group(1) is not None else int(m.group(2))
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), m.end() - i


def _decode_entities(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&" and (dec := _decode_entity(value, i)):
            out.append(dec[0])
            i += dec[1]
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities with UTF-16 offsets).

    Mirrors TDLib's parser: only Telegram's tags, end tags must match, attribute values
    quoted or simple, '<' always starts a tag. Raises :class:`HtmlError` with Telegram's
    message (without the "Bad Request: can't parse entities: " prefix).
    """
    n = len(text)
    out: list[str] = []
    out_len16 = 0
    stack: list[tuple[str, int, dict[str, str]]] = []  # tag, start (utf-16), attributes
    entities: list[dict[str, Any]] = []

    def byte_offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            dec = _decode_entity(text, i)
            chunk, step = dec if dec else ("&", 1)
            out.append(chunk)
            out_len16 += _utf16_len(chunk)
            i += step
            continue
        if c != "<":
            out.append(c)
            out_len16 += _utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] != "/":
            j = i
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            if j >= n:
                raise HtmlError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            tag = text[i:j].lower()
            if tag not in _TAG_TYPES:
                raise HtmlError(
                    f'Unsupported start tag "{tag}" at byte offset {byte_offset(begin)}'
                )
            i = j
            attrs: dict[str, str] = {}
            while True:
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise HtmlError(
                        f'Unclosed start tag "{tag}" at byte offset {byte_offset(begin)}'
                    )
                if text[i] == ">":
                    i += 1
                    break
                k = i
                while k < n and not text[k].isspace() and text[k] not in "=>":
                    k += 1
                name = text[i:k].lower()
                i = k
                while i < n and text[i].isspace():
                    i += 1
                if i >= n or text[i] != "=":
                    if tag == "blockquote" and name == "expandable":
                        attrs[name] = ""
                        continue
                    raise HtmlError(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                        f"at byte offset {byte_offset(begin)}"
                    )
                i += 1
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise HtmlError(
                        f'Unclosed start tag "{tag}" at byte offset {byte_offset(begin)}'
                    )
                if text[i] in "\"'":
                    end = text.find(text[i], i + 1)
                    if end < 0:
                        raise HtmlError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                    raw = text[i + 1 : end]
                    i = end + 1
                else:
                    k = i
                    while k < n and (text[k].isalnum() or text[k] in ".-"):
                        k += 1
                    raw = text[i:k]
                    i = k
                attrs[name] = _decode_entities(raw)
            if tag == "span" and attrs.get("class") != "tg-spoiler":
                raise HtmlError('Tag "span" must have class "tg-spoiler"')
            if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
                raise HtmlError("Custom emoji entity must contain a tg://emoji URL")
            stack.append((tag, out_len16, attrs))
        else:
            i += 1  # the '/'
            j = i
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_tag = text[i:j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise HtmlError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            i = j + 1
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            open_tag, start, attrs = stack.pop()
            if end_tag != open_tag:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                    f'expected "</{open_tag}>", found "</{end_tag}>"'
                )
            if out_len16 > start:
                entities.append(_entity(open_tag, start, out_len16 - start, attrs))
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity(tag: str, offset: int, length: int, attrs: dict[str, str]) -> dict[str, Any]:
    kind = _TAG_TYPES[tag]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href", "")
        if href.startswith("tg://user?id="):
            entity["type"] = "text_mention"
        entity["url"] = href
    elif tag == "pre" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    return entity


def visible_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """What the user sees, validated like Telegram; raises :class:`ApiError`."""
    entities: list[dict[str, Any]]
    if parse_mode is None or parse_mode == "":
        plain, entities = text, []
    elif parse_mode.upper() == "HTML":
        try:
            plain, entities = parse_html(text)
        except HtmlError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif parse_mode in ("Markdown", "MarkdownV2"):
        plain, entities = text, []  # not validated: the project sends HTML
    else:
        raise bad_request("unsupported parse_mode")
    stripped = plain.strip()
    if not stripped:
        raise bad_request("message text is empty")
    if len(stripped) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain, entities


# --- reply markup --------------------------------------------------------------------------

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
    "web_app",
)


def _valid_button_url(url: Any) -> bool:
    if not isinstance(url, str) or not url or len(url) > 2048 or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.hostname) and "." in (parts.hostname or "")
    return parts.scheme == "tg"


def validate_reply_markup(markup: Any) -> None:
    """Raise :class:`ApiError` for a reply markup Telegram would refuse."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            return
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    if sum(len(r) for r in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not button["text"].strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [a for a in _BUTTON_ACTIONS if a in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not (
                    1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not _valid_button_url(button["url"]):
                raise bad_request("BUTTON_URL_INVALID")


def _validate_inline_result(result: Any, seen: set[str]) -> None:
    """An InlineQueryResultArticle as Telegram checks it: a unique id of 1-64 bytes, a title,
    a text message of 1-4096 characters after parsing, a valid keyboard."""
    if not isinstance(result, dict) or result.get("type") != "article":
        raise bad_request("RESULT_TYPE_INVALID")
    result_id = str(result.get("id", ""))
    if not 1 <= len(result_id.encode("utf-8")) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if not str(result.get("title", "")).strip():
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or not isinstance(content.get("message_text"), str):
        raise bad_request("MESSAGE_EMPTY")
    visible_text(content["message_text"], content.get("parse_mode"))  # raises like sendMessage
    if "reply_markup" in result:
        validate_reply_markup(result["reply_markup"])


# --- the emulated world --------------------------------------------------------------------


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str = "vi"
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
        }
        if self.username:
            data["username"] = self.username
        if not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    user: User | None = None  # the other side of a private chat
    # user id -> "creator" | "administrator" | "member" | "left" | "kicked"
    members: dict[int, str] = field(default_factory=dict)
    migrated_to: int | None = None
    bot_left: bool = False
    username: str | None = None  # a public group's or channel's @username
    is_forum: bool = False  # a supergroup with topics
    topics: dict[int, str] = field(default_factory=dict)  # open topics: thread id -> name
    closed_topics: set[int] = field(default_factory=set)
    # Administrator rights that differ from the defaults, per member (e.g. a channel admin
    # without {"can_post_messages": False}).
    rights: dict[int, dict[str, bool]] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or f"Chat {self.id}"
            if self.username:
                data["username"] = self.username
            if self.is_forum:
                data["is_forum"] = True
        return data


@dataclass
class Message:
    """One message in a chat, from a user or from the bot, as the emulator recorded it."""

    chat_id: int
    message_id: int
    from_user: User
    text: str  # as sent: the HTML source for bot messages
    plain: str  # what the user sees, entities parsed
    date: int  # seconds since the epoch, like Telegram
    sent_at: float  # monotonic clock, for rate measurements
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    reply_to: int | None = None
    link_preview_options: dict[str, Any] | None = None
    outgoing: bool = False  # sent by the bot
    edits: list[str] = field(default_factory=list)  # earlier texts, oldest first
    edit_count: int = 0  # edits of text or markup
    deleted: bool = False
    thread_id: int | None = None  # the forum topic it is in
    via_bot: bool = False  # sent by a user through the bot's inline mode

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """All inline buttons, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [b for row in rows for b in row]

    def button(self, text: str) -> dict[str, Any]:
        """The inline button with this text (exact, else the only one that contains it)."""
        exact = [b for b in self.buttons if b.get("text") == text]
        if exact:
            return exact[0]
        near = [b for b in self.buttons if text.casefold() in str(b.get("text", "")).casefold()]
        if len(near) == 1:
            return near[0]
        labels = [b.get("text") for b in self.buttons]
        raise LookupError(f"no single button {text!r} on message {self.message_id}: {labels}")


@dataclass
class Call:
    """One HTTP call the bot made."""

    method: str
    token: str  # the token path it used (tests assert on it; never printed)
    params: dict[str, Any]
    status: int = 200
    at: float = 0.0
    error: str | None = None  # the error description, when it failed


@dataclass
class Failure:
    kind: str
    times: int | None  # None: until cleared
    retry_after: int = 5
    methods: frozenset[str] | None = None  # None: the chat's methods
    description: str | None = None


@dataclass
class FloodLimits:
    """Telegram's documented limits: about 30 messages a second overall (a 1 s sliding
    window), 1 a second per private chat with a small burst (a token bucket), 20 a minute
    per group (a 60 s sliding window)."""

    global_per_second: int = 30
    private_rate: float = 1.0
    private_burst: float = 3.0
    group_per_minute: int = 20


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    at: float

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self.tokens -= 1.0


@dataclass
class _Window:
    seconds: float
    limit: int
    times: collections.deque[float] = field(default_factory=collections.deque)

    def wait_time(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.seconds - now

    def take(self, now: float) -> None:
        self.times.append(now)


@dataclass
class Stats:
    flood_429: int = 0  # 429s the flood limiter gave
    injected_429: int = 0  # 429s from inject_failure(kind="retry_after")
    errors: int = 0  # every non-2xx answer
    conflicts: int = 0  # 409s for concurrent polling

    @property
    def total_429(self) -> int:
        return self.flood_429 + self.injected_429


class Emulator:
    """The Bot API for one bot, on 127.0.0.1. Not thread-safe: use it from its event loop."""

    def __init__(
        self,
        token: str = "123456:TEST-token-ABCdef",
        *,
        bot_username: str = "DanVanTestBot",
        bot_name: str = "Dân vận",
        host: str = "127.0.0.1",
        port: int = 0,
        auto_create_chats: bool = True,
        clock: Callable[[], float] = time.monotonic,
        round_trip: float = 0.0,
        inline_mode: bool = False,
    ) -> None:
        self.token = token
        self.inline_mode = inline_mode  # what @BotFather's /setinline switches on
        # Network delay to simulate: half on the way in (before the call is handled and
        # counted), half on the way back. 0: as fast as 127.0.0.1 goes.
        self.round_trip = round_trip
        self.bot = User(int(token.split(":", 1)[0]), bot_name, bot_username, is_bot=True)
        self.host = host
        self.port = port
        self.auto_create_chats = auto_create_chats
        self.clock = clock
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.calls: list[Call] = []
        self.stats = Stats()
        self.webhook: dict[str, Any] | None = None  # setWebhook parameters while set
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status; 0: failed)
        self._webhook_task: asyncio.Task[None] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (scope, lang)
        self.callback_answers: dict[str, dict[str, Any]] = {}
        # answerInlineQuery, by query id: results, next_offset, cache_time, is_personal
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self._open_inline: set[str] = set()
        # setMyDescription / setMyShortDescription: (kind, language) -> text
        self.descriptions: dict[tuple[str, str], str] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.flood: FloodLimits | None = None
        self._messages: dict[int, list[Message]] = {}
        self._by_id: dict[tuple[int, int], Message] = {}
        self._next_message_id: dict[int, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(700_000_001)
        self._confirmed_below = 0
        self._allowed_updates: list[str] | None = None
        self._pending_poll: asyncio.Future[str] | None = None
        self._pending_poll_reader: asyncio.StreamReader | None = None
        self._open_callbacks: dict[str, tuple[int, int]] = {}
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._user_ids = itertools.count(10_001)
        self._group_ids = itertools.count(4_000_001)
        self._supergroup_ids = itertools.count(1_000_000_001)
        self._chat_failures: dict[int, list[Failure]] = {}
        self._global_failures: list[Failure] = []
        self._limiters: dict[Any, _Bucket | _Window] = {}
        self._changed = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> Emulator:
        self._changed = asyncio.Event()  # bind to the running loop
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._pending_poll and not self._pending_poll.done():
            self._pending_poll.set_result("stop")
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The value for ``[telegram] api_base_url`` (PTB appends the token)."""
        return f"http://{self.host}:{self.port}/bot"

    # --- waiting on conditions ---------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def poke(self) -> None:
        """Wake every :meth:`wait_until` so it re-checks (for conditions outside the emulator)."""
        self._notify()

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every change); return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def rejected(self, since: int = 0) -> list[Call]:
        """Messages Telegram would have refused (400 on a send or edit), from call ``since``
        on. Not-modified edits are left out: pressing the same page twice is harmless."""
        return [
            c
            for c in self.calls[since:]
            if c.status == 400
            and c.method in SEND_METHODS | {"editMessageText", "editMessageReplyMarkup",
                                            "answerCallbackQuery", "setMyCommands",
                                            "answerInlineQuery", "setMyDescription",
                                            "setMyShortDescription"}
            and "message is not modified" not in (c.error or "")
        ]  # fmt: skip

    @property
    def polling(self) -> bool:
        """True while a getUpdates long poll is waiting."""
        return self._pending_poll is not None and not self._pending_poll.done()

    # --- the world: users, chats, what they send -----------------------------------------

    def add_user(
        self,
        first_name: str = "Người dùng",
        username: str | None = None,
        user_id: int | None = None,
    ) -> User:
        user = User(user_id or next(self._user_ids), first_name, username)
        self.users[user.id] = user
        self.chats.setdefault(user.id, Chat(user.id, "private", user=user))
        return user

    def private_chat(self, user: User) -> Chat:
        return self.chats.setdefault(user.id, Chat(user.id, "private", user=user))

    def add_group(
        self,
        title: str,
        *,
        admins: Iterable[User] = (),
        members: Iterable[User] = (),
        supergroup: bool = False,
        bot_is_admin: bool = False,
    ) -> Chat:
        chat_id = (
            -(1_000_000_000_000 + next(self._supergroup_ids))
            if supergroup
            else -next(self._group_ids)
        )
        chat = Chat(chat_id, "supergroup" if supergroup else "group", title=title)
        admins = list(admins)
        for i, user in enumerate(admins):
            chat.members[user.id] = "creator" if i == 0 else "administrator"
        for user in members:
            chat.members.setdefault(user.id, "member")
        chat.members[self.bot.id] = "administrator" if bot_is_admin else "member"
        self.chats[chat_id] = chat
        return chat

    def migrate_group(self, chat: Chat | int) -> Chat:
        """Upgrade a group to a supergroup: sends to the old id get 400 + migrate_to_chat_id."""
        old = self.chats[chat if isinstance(chat, int) else chat.id]
        new = Chat(
            -(1_000_000_000_000 + next(self._supergroup_ids)),
            "supergroup",
            title=old.title,
            members=dict(old.members),
        )
        old.migrated_to = new.id
        self.chats[new.id] = new
        self._notify()
        return new

    def _chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            if not self.auto_create_chats:
                raise bad_request("chat not found")
            if chat_id > 0:
                chat = Chat(chat_id, "private", user=self.users.get(chat_id) or User(chat_id, "U"))
            else:
                chat = Chat(chat_id, "supergroup" if chat_id < -(10**12) else "group")
                chat.members[self.bot.id] = "member"
            self.chats[chat_id] = chat
        return chat

    def _chat_param(self, value: Any) -> Chat:
        """A ``chat_id`` parameter: a number, or ``@username`` of a public group or channel."""
        if isinstance(value, str) and value.startswith("@"):
            name = value[1:].lower()
            for chat in self.chats.values():
                if chat.type != "private" and (chat.username or "").lower() == name:
                    return chat
            raise bad_request("chat not found")
        return self._chat(_int({"chat_id": value}, "chat_id"))

    def _new_message_id(self, chat_id: int) -> int:
        nxt = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = nxt + 1
        return nxt

    def _record(self, msg: Message) -> Message:
        self._messages.setdefault(msg.chat_id, []).append(msg)
        self._by_id[(msg.chat_id, msg.message_id)] = msg
        return msg

    def _message_to_api(self, msg: Message, with_reply: bool = True) -> dict[str, Any]:
        chat = self.chats[msg.chat_id]
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "chat": chat.to_api(),
            "date": msg.date,
            "text": msg.plain,
        }
        if chat.type == "channel":
            data["sender_chat"] = chat.to_api()  # a channel post has no "from"
        else:
            data["from"] = msg.from_user.to_api()
        if msg.thread_id is not None:
            data["message_thread_id"] = msg.thread_id
            data["is_topic_message"] = True
        if msg.via_bot:
            data["via_bot"] = self.bot.to_api()
        if msg.entities:
            data["entities"] = msg.entities
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        if msg.edit_count:
            data["edit_date"] = int(time.time())
        if with_reply and msg.reply_to is not None:
            replied = self._by_id.get((msg.chat_id, msg.reply_to))
            if replied is not None:
                data["reply_to_message"] = self._message_to_api(replied, with_reply=False)
        if msg.link_preview_options:
            data["link_preview_options"] = msg.link_preview_options
        return data

    def _push_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        self._notify()
        return update_id

    def user_message(
        self,
        user: User,
        text: str,
        chat: Chat | None = None,
        reply_to: Message | None = None,
        thread: int | None = None,
    ) -> Message:
        """The user writes ``text`` in ``chat`` (default: their private chat with the bot),
        in forum topic ``thread`` if given (None: the General topic)."""
        chat = chat or self.private_chat(user)
        if thread is not None and thread not in chat.topics:
            raise ValueError(f"chat {chat.id} has no open topic {thread}")
        msg = Message(
            chat_id=chat.id,
            message_id=self._new_message_id(chat.id),
            from_user=user,
            text=text,
            plain=text,
            date=int(time.time()),
            sent_at=self.clock(),
            entities=command_entities(text),
            reply_to=reply_to.message_id if reply_to else None,
            thread_id=thread,
        )
        self._record(msg)
        self._push_update("message", self._message_to_api(msg))
        return msg

    def press_button(self, user: User, message: Message, text: str) -> str:
        """The user presses the inline button labelled ``text``; returns the query id."""
        button = message.button(text)
        if "callback_data" not in button:
            raise LookupError(f"button {text!r} has no callback data: {button}")
        return self.callback_query(user, message, button["callback_data"])

    def callback_query(self, user: User, message: Message, data: str) -> str:
        query_id = str(next(self._callback_ids))
        self._open_callbacks[query_id] = (message.chat_id, message.message_id)
        self._push_update(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": self._message_to_api(message),
                "chat_instance": str(abs(message.chat_id) * 7919 + 31337),
                "data": data,
            },
        )
        return query_id

    def bot_added_to_group(self, chat: Chat, by: User) -> None:
        """A my_chat_member update, as Telegram sends when someone adds the bot."""
        chat.members[self.bot.id] = chat.members.get(self.bot.id, "member")
        self._push_update(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": by.to_api(),
                "date": int(time.time()),
                "old_chat_member": {"status": "left", "user": self.bot.to_api()},
                "new_chat_member": {"status": "member", "user": self.bot.to_api()},
            },
        )

    # --- channels, forum topics, inline mode -------------------------------------------------

    def add_channel(
        self,
        title: str,
        *,
        username: str | None = None,
        admins: Iterable[User] = (),
        bot: str = "poster",
    ) -> Chat:
        """A channel (the first admin is its creator). ``bot``: "poster" (an admin that may
        post), "admin" (an admin without the right to post), "absent" (not in it)."""
        chat_id = -(1_000_000_000_000 + next(self._supergroup_ids))
        chat = Chat(chat_id, "channel", title=title, username=username)
        for i, user in enumerate(admins):
            chat.members[user.id] = "creator" if i == 0 else "administrator"
        self._set_bot_rights(chat, bot)
        self.chats[chat_id] = chat
        return chat

    def _set_bot_rights(self, chat: Chat, bot: str) -> None:
        if bot not in ("poster", "admin", "absent"):
            raise ValueError(f"bot must be poster, admin or absent, not {bot!r}")
        chat.members[self.bot.id] = "left" if bot == "absent" else "administrator"
        chat.rights[self.bot.id] = {"can_post_messages": bot == "poster"}

    def promote_bot_in_channel(self, chat: Chat, by: User, bot: str = "poster") -> None:
        """``by`` makes the bot an admin of ``chat`` (or changes its rights): Telegram sends
        the bot a my_chat_member update saying who did it."""
        old = self._member(chat, self.bot.id)
        self._set_bot_rights(chat, bot)
        self._push_update(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": by.to_api(),
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": self._member(chat, self.bot.id),
            },
        )

    def add_forum(
        self,
        title: str,
        *,
        admins: Iterable[User] = (),
        members: Iterable[User] = (),
        topics: Iterable[str] = (),
    ) -> Chat:
        """A supergroup with topics; ``topics`` are created in order (see :meth:`topic`)."""
        chat = self.add_group(title, admins=admins, members=members, supergroup=True)
        chat.is_forum = True
        for name in topics:
            self.create_topic(chat, name)
        return chat

    def create_topic(self, chat: Chat, name: str) -> int:
        """A new topic; its thread id is the id of the message that created it."""
        if not chat.is_forum:
            raise ValueError(f"chat {chat.id} is not a forum")
        thread = self._new_message_id(chat.id)
        chat.topics[thread] = name
        return thread

    def topic(self, chat: Chat, name: str) -> int:
        return next(t for t, n in chat.topics.items() if n == name)

    def close_topic(self, chat: Chat, thread: int) -> None:
        chat.topics.pop(thread, None)
        chat.closed_topics.add(thread)

    def delete_topic(self, chat: Chat, thread: int) -> None:
        chat.topics.pop(thread, None)
        chat.closed_topics.discard(thread)

    def inline_query(
        self, user: User, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> str:
        """The user types ``@bot query`` in a chat of ``chat_type``; returns the query id."""
        query_id = str(next(self._callback_ids))
        self._open_inline.add(query_id)
        self._push_update(
            "inline_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            },
        )
        return query_id

    def choose_inline_result(
        self, user: User, chat: Chat, query_id: str, result_id: str
    ) -> Message:
        """The user taps a result: its message is sent to ``chat`` in their name, "via" the
        bot, as Telegram would show it (parsed and checked when the bot answered)."""
        answer = self.inline_answers[query_id]
        result = next(r for r in answer["results"] if r["id"] == result_id)
        content = result["input_message_content"]
        plain, entities = visible_text(content["message_text"], content.get("parse_mode"))
        msg = Message(
            chat_id=chat.id,
            message_id=self._new_message_id(chat.id),
            from_user=user,
            text=content["message_text"],
            plain=plain,
            date=int(time.time()),
            sent_at=self.clock(),
            parse_mode=content.get("parse_mode"),
            entities=entities,
            reply_markup=result.get("reply_markup"),
            via_bot=True,
        )
        self._record(msg)
        self._notify()
        return msg

    def _api_answerInlineQuery(self, params: dict[str, Any], chat: Chat | None) -> Any:
        query_id = str(params.get("inline_query_id", ""))
        if query_id not in self._open_inline or query_id in self.inline_answers:
            raise bad_request(QUERY_TOO_OLD)
        results = _json(params, "results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _validate_inline_result(result, seen)
        next_offset = str(params.get("next_offset") or "")
        if len(next_offset.encode("utf-8")) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        self.inline_answers[query_id] = {
            "results": results,
            "next_offset": next_offset,
            "cache_time": _int(params, "cache_time", 300),
            "is_personal": _bool(params, "is_personal"),
            "button": _json(params, "button"),
        }
        return True

    # --- what the bot did ------------------------------------------------------------------

    def messages(self, chat: Chat | User | int, *, outgoing: bool | None = True) -> list[Message]:
        """Messages in a chat in order; by default only the bot's (deleted ones included)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        msgs = self._messages.get(chat_id, [])
        return [m for m in msgs if outgoing is None or m.outgoing == outgoing]

    @property
    def sent(self) -> list[Message]:
        """Every message the bot sent, in every chat, in order of sending."""
        out = [m for msgs in self._messages.values() for m in msgs if m.outgoing]
        return sorted(out, key=lambda m: m.sent_at)

    def pending_updates(self) -> list[dict[str, Any]]:
        return [u for u in self._updates if u["update_id"] >= self._confirmed_below]

    # --- failure injection and flood limits ------------------------------------------------

    def inject_failure(
        self,
        kind: str,
        chat: Chat | User | int | None = None,
        *,
        times: int | None = None,
        retry_after: int = 5,
        methods: Iterable[str] | None = None,
        description: str | None = None,
    ) -> None:
        """Make calls fail. ``kind``: blocked | kicked | deactivated | retry_after |
        server_error | bad_gateway | drop | bad_request. With ``chat``: that chat's methods
        (sends, edits, chat actions...); without: every call of ``methods`` (e.g.
        ``{"getUpdates"}``). ``times=None`` keeps failing until :meth:`clear_failures`."""
        if kind not in _FAILURES:
            raise ValueError(f"unknown failure kind {kind!r}; choose from {sorted(_FAILURES)}")
        failure = Failure(
            kind,
            times,
            retry_after,
            frozenset(methods) if methods is not None else None,
            description,
        )
        if chat is None:
            if failure.methods is None:
                raise ValueError("a failure without a chat needs methods=...")
            self._global_failures.append(failure)
        else:
            chat_id = chat if isinstance(chat, int) else chat.id
            self._chat_failures.setdefault(chat_id, []).append(failure)

    def clear_failures(self, chat: Chat | User | int | None = None) -> None:
        if chat is None:
            self._chat_failures.clear()
            self._global_failures.clear()
        else:
            self._chat_failures.pop(chat if isinstance(chat, int) else chat.id, None)

    def enable_flood_limits(self, limits: FloodLimits | None = None) -> FloodLimits:
        """Enforce Telegram's limits on sends; each refusal is a 429 counted in stats."""
        self.flood = limits or FloodLimits()
        self._limiters.clear()
        return self.flood

    def disable_flood_limits(self) -> None:
        self.flood = None

    def _take_failure(
        self, failures: list[Failure], method: str, chat_level: bool
    ) -> Failure | None:
        for failure in failures:
            applies = (
                method in failure.methods
                if failure.methods is not None
                else (chat_level and method in CHAT_METHODS)
            )
            if not applies:
                continue
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    failures.remove(failure)
            return failure
        return None

    def _raise_failure(self, failure: Failure, chat: Chat | None) -> None:
        kind = failure.kind
        if kind == "drop":
            raise _DropConnection
        if kind == "retry_after":
            self.stats.injected_429 += 1
            raise ApiError(
                429,
                f"Too Many Requests: retry after {failure.retry_after}",
                {"retry_after": failure.retry_after},
            )
        if kind == "kicked":
            where = "supergroup chat" if chat and chat.type == "supergroup" else "group chat"
            raise ApiError(
                403, failure.description or f"Forbidden: bot was kicked from the {where}"
            )
        code, description = _FAILURES[kind]
        raise ApiError(code, failure.description or description)

    def _check_flood(self, chat: Chat) -> None:
        limits = self.flood
        if limits is None:
            return
        now = self.clock()
        limiters: list[_Bucket | _Window] = [
            self._limiters.setdefault("global", _Window(1.0, limits.global_per_second))
        ]
        if chat.type == "private":
            burst = limits.private_burst
            limiters.append(
                self._limiters.setdefault(chat.id, _Bucket(limits.private_rate, burst, burst, now))
            )
        else:
            limiters.append(
                self._limiters.setdefault(chat.id, _Window(60.0, limits.group_per_minute))
            )
        wait = max(limiter.wait_time(now) for limiter in limiters)
        if wait > 0:
            self.stats.flood_429 += 1
            retry = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        for limiter in limiters:
            limiter.take(now)

    # --- HTTP ------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                method_path, headers, body = request
                _current_reader.set(reader)
                if self.round_trip > 0:
                    await asyncio.sleep(self.round_trip / 2)
                try:
                    status, payload = await self._handle_http(method_path, headers, body)
                except _DropConnection:
                    return
                if self.round_trip > 0:
                    await asyncio.sleep(self.round_trip / 2)
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n"
                    "Connection: keep-alive\r\n\r\n".encode("ascii")
                    + data
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        finally:
            self._connections.discard(writer)
            writer.close()

    async def _handle_http(
        self, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(target)
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", parts.path)
        if match is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = match.groups()
        params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        params.update(_parse_body(headers.get("content-type", ""), body))
        call = Call(method, token, params, at=self.clock())
        self.calls.append(call)
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            result = await self._dispatch(method, params)
            payload: dict[str, Any] = {"ok": True, "result": result}
        except ApiError as exc:
            call.status = exc.code
            call.error = exc.description
            self.stats.errors += 1
            payload = exc.payload()
        except _DropConnection:
            call.status = 0
            self.stats.errors += 1
            self._notify()
            raise
        self._notify()
        return call.status, payload

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        failure = self._take_failure(self._global_failures, method, chat_level=False)
        if failure is not None:
            self._raise_failure(failure, None)
        chat: Chat | None = None
        if method in CHAT_METHODS and "chat_id" in params:
            chat = self._chat_param(params["chat_id"])
            failure = self._take_failure(self._chat_failures.get(chat.id, []), method, True)
            if failure is not None:
                self._raise_failure(failure, chat)
            if chat.migrated_to is not None:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": chat.migrated_to},
                )
            if chat.bot_left and method != "getChat":
                raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        if method in SEND_METHODS and chat is not None:
            self._check_flood(chat)
        return (
            await handler(params, chat)
            if asyncio.iscoroutinefunction(handler)
            else handler(params, chat)
        )

    # --- methods -----------------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any], chat: Chat | None) -> Any:
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": self.inline_mode,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_logOut(self, params: dict[str, Any], chat: Chat | None) -> Any:
        return True

    _api_close = _api_logOut

    async def _api_getUpdates(self, params: dict[str, Any], chat: Chat | None) -> Any:
        if self.webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset = _int(params, "offset", 0)
        limit = max(1, min(100, _int(params, "limit", 100)))
        timeout = max(0, _int(params, "timeout", 0))
        if "allowed_updates" in params:
            allowed = _json(params, "allowed_updates")
            self._allowed_updates = allowed or None
        if offset > 0:
            self._confirmed_below = max(self._confirmed_below, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        # A second poller takes over; the first is answered with 409, as Telegram does.
        if self._pending_poll is not None and not self._pending_poll.done():
            reader = self._pending_poll_reader
            if reader is not None and reader.at_eof():
                # Its client went away (killed or timed out): nobody to answer, no conflict.
                self._pending_poll.set_result("abandoned")
            else:
                self.stats.conflicts += 1
                self._pending_poll.set_result("conflict")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        self._pending_poll = future
        self._pending_poll_reader = _current_reader.get()
        self._notify()
        deadline = loop.time() + timeout
        try:
            while True:
                ready = self._deliverable()[:limit]
                if ready or loop.time() >= deadline:
                    return ready
                changed: asyncio.Future[Any] = asyncio.ensure_future(self._changed.wait())
                waiters: list[asyncio.Future[Any]] = [changed, future]
                try:
                    await asyncio.wait(
                        waiters,
                        timeout=deadline - loop.time(),
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    changed.cancel()
                if future.done():
                    if future.result() == "conflict":
                        raise ApiError(409, CONFLICT_POLL)
                    return []
        finally:
            if self._pending_poll is future:
                self._pending_poll = None
            if not future.done():
                future.set_result("done")

    def _deliverable(self) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        return [
            u
            for u in self._updates
            if u["update_id"] >= self._confirmed_below
            and (allowed is None or any(k in allowed for k in u if k != "update_id"))
        ]

    def _api_setWebhook(self, params: dict[str, Any], chat: Chat | None) -> Any:
        url = str(params.get("url", ""))
        if url and not url.startswith("https://") and not url.startswith("http://127.0.0.1"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {k: v for k, v in params.items() if k != "certificate"} if url else None
        if _bool(params, "drop_pending_updates"):
            self._updates.clear()
        if self.webhook is not None and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhooks())
        return True

    def _api_deleteWebhook(self, params: dict[str, Any], chat: Chat | None) -> Any:
        self.webhook = None
        if _bool(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _deliver_webhooks(self) -> None:
        """POST each pending update to the webhook in order, with the secret header;
        retry (after a short pause) until the bot answers 2xx, as Telegram does."""
        while self.webhook is not None:
            pending = self._deliverable()
            if not pending:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 1.0)
                continue
            update = pending[0]
            url = str(self.webhook.get("url", ""))
            secret = self.webhook.get("secret_token")
            status = await _post_json(url, update, secret if isinstance(secret, str) else None)
            self.webhook_deliveries.append((update["update_id"], status))
            if 200 <= status < 300:
                self._confirmed_below = max(self._confirmed_below, update["update_id"] + 1)
                self._updates = [
                    u for u in self._updates if u["update_id"] >= self._confirmed_below
                ]
                self._notify()
            else:
                self._notify()
                with contextlib.suppress(TimeoutError):  # a pause before retrying
                    await asyncio.wait_for(asyncio.Event().wait(), 0.2)

    def _api_getWebhookInfo(self, params: dict[str, Any], chat: Chat | None) -> Any:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False}
        if self.webhook:
            info["url"] = self.webhook.get("url", "")
        info["pending_update_count"] = len(self._deliverable())
        return info

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = _json(params, "scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _api_setMyCommands(self, params: dict[str, Any], chat: Chat | None) -> Any:
        commands = _json(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for cmd in commands:
            name = cmd.get("command", "") if isinstance(cmd, dict) else ""
            desc = cmd.get("description", "") if isinstance(cmd, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(name).lstrip("/")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    def _api_getMyCommands(self, params: dict[str, Any], chat: Chat | None) -> Any:
        return self.commands.get(self._commands_key(params), [])

    def _api_deleteMyCommands(self, params: dict[str, Any], chat: Chat | None) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _set_description(self, params: dict[str, Any], kind: str, limit: int) -> bool:
        text = str(params.get(kind) or "")
        if len(text) > limit:
            raise bad_request(f"{kind} is too long")
        key = (kind, str(params.get("language_code") or ""))
        if text:
            self.descriptions[key] = text
        else:
            self.descriptions.pop(key, None)
        return True

    def _api_setMyDescription(self, params: dict[str, Any], chat: Chat | None) -> Any:
        return self._set_description(params, "description", MAX_DESCRIPTION)

    def _api_setMyShortDescription(self, params: dict[str, Any], chat: Chat | None) -> Any:
        return self._set_description(params, "short_description", MAX_SHORT_DESCRIPTION)

    def _api_getMyDescription(self, params: dict[str, Any], chat: Chat | None) -> Any:
        # The language's own text (empty when it has none), as TDLib documents it.
        lang = str(params.get("language_code") or "")
        return {"description": self.descriptions.get(("description", lang), "")}

    def _api_getMyShortDescription(self, params: dict[str, Any], chat: Chat | None) -> Any:
        lang = str(params.get("language_code") or "")
        return {"short_description": self.descriptions.get(("short_description", lang), "")}

    def _api_setMyName(self, params: dict[str, Any], chat: Chat | None) -> Any:
        return True

    _api_setChatMenuButton = _api_setMyName

    def _check_can_post(self, chat: Chat) -> None:
        """A channel takes messages only from an admin with the right to post."""
        if chat.type != "channel":
            return
        status = chat.members.get(self.bot.id, "left")
        if status not in ("administrator", "creator"):
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
        if not chat.rights.get(self.bot.id, {}).get("can_post_messages", True):
            raise bad_request("need administrator rights in the channel chat")

    def _thread_for(self, params: dict[str, Any], chat: Chat) -> int | None:
        """``message_thread_id``: an open topic of a forum; the General topic has none."""
        if "message_thread_id" not in params or params["message_thread_id"] in (None, ""):
            return None
        thread = _int(params, "message_thread_id")
        if not chat.is_forum or (thread not in chat.topics and thread not in chat.closed_topics):
            raise bad_request("message thread not found")
        if thread in chat.closed_topics:
            raise bad_request("TOPIC_CLOSED")
        return thread

    def _api_sendMessage(self, params: dict[str, Any], chat: Chat | None) -> Any:
        assert chat is not None
        self._check_can_post(chat)
        thread = self._thread_for(params, chat)
        text = params.get("text")
        if not isinstance(text, str):
            raise bad_request("message text is empty")
        parse_mode = params.get("parse_mode") or None
        plain, entities = visible_text(text, parse_mode)
        markup = _json(params, "reply_markup")
        if markup is not None:
            validate_reply_markup(markup)
        reply_to = None
        reply_parameters = _json(params, "reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = int(reply_parameters.get("message_id", 0)) or None
        elif "reply_to_message_id" in params:
            reply_to = _int(params, "reply_to_message_id")
        if reply_to is not None and (chat.id, reply_to) not in self._by_id:
            allow = isinstance(reply_parameters, dict) and reply_parameters.get(
                "allow_sending_without_reply"
            )
            if not allow:
                raise bad_request("message to be replied not found")
            reply_to = None
        if thread is None and reply_to is not None:  # a reply goes to the topic it answers
            thread = self._by_id[(chat.id, reply_to)].thread_id
        msg = Message(
            chat_id=chat.id,
            message_id=self._new_message_id(chat.id),
            from_user=self.bot,
            text=text,
            plain=plain,
            date=int(time.time()),
            sent_at=self.clock(),
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            reply_to=reply_to,
            link_preview_options=_json(params, "link_preview_options"),
            outgoing=True,
            thread_id=thread,
        )
        self._record(msg)
        return self._message_to_api(msg)

    def _find_bot_message(self, params: dict[str, Any], chat: Chat | None, what: str) -> Message:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        if chat is None:
            raise bad_request("chat_id is empty")
        msg = self._by_id.get((chat.id, _int(params, "message_id", 0)))
        if msg is None or msg.deleted:
            raise bad_request(f"message to {what} not found")
        if not msg.outgoing:
            raise bad_request(f"message can't be {what}ed")
        return msg

    def _api_editMessageText(self, params: dict[str, Any], chat: Chat | None) -> Any:
        msg = self._find_bot_message(params, chat, "edit")
        text = params.get("text")
        if not isinstance(text, str):
            raise bad_request("message text is empty")
        parse_mode = params.get("parse_mode") or None
        plain, entities = visible_text(text, parse_mode)
        markup = _json(params, "reply_markup")
        if markup is not None:
            validate_reply_markup(markup)
        if plain == msg.plain and entities == msg.entities and markup == msg.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        msg.edits.append(msg.text)
        msg.text, msg.plain, msg.entities, msg.parse_mode = text, plain, entities, parse_mode
        msg.reply_markup = markup
        msg.edit_count += 1
        lpo = _json(params, "link_preview_options")
        if lpo is not None:
            msg.link_preview_options = lpo
        return self._message_to_api(msg)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any], chat: Chat | None) -> Any:
        msg = self._find_bot_message(params, chat, "edit")
        markup = _json(params, "reply_markup")
        if markup is not None:
            validate_reply_markup(markup)
        if markup == msg.reply_markup or (not markup and not msg.reply_markup):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        msg.reply_markup = markup
        msg.edit_count += 1
        return self._message_to_api(msg)

    def _api_deleteMessage(self, params: dict[str, Any], chat: Chat | None) -> Any:
        if chat is None:
            raise bad_request("chat_id is empty")
        msg = self._by_id.get((chat.id, _int(params, "message_id", 0)))
        if msg is None or msg.deleted:
            raise bad_request("message to delete not found")
        msg.deleted = True
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any], chat: Chat | None) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks or query_id in self.callback_answers:
            raise bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = {
            "text": text,
            "show_alert": _bool(params, "show_alert"),
            "url": params.get("url"),
        }
        return True

    def _api_sendChatAction(self, params: dict[str, Any], chat: Chat | None) -> Any:
        assert chat is not None
        action = str(params.get("action", ""))
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    def _api_getChat(self, params: dict[str, Any], chat: Chat | None) -> Any:
        assert chat is not None
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat: Chat, user_id: int) -> dict[str, Any]:
        user = self.bot if user_id == self.bot.id else self.users.get(user_id)
        if user is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        status = "member" if chat.type == "private" else chat.members.get(user_id, "left")
        data: dict[str, Any] = {"status": status, "user": user.to_api()}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            data.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
            if chat.type == "channel":
                data.update({"can_post_messages": True, "can_edit_messages": True})
            elif chat.is_forum:
                data["can_manage_topics"] = True
            data.update(chat.rights.get(user_id, {}))
        elif status == "kicked":
            data["until_date"] = 0
        return data

    def _api_getChatMember(self, params: dict[str, Any], chat: Chat | None) -> Any:
        assert chat is not None
        return self._member(chat, _int(params, "user_id"))

    def _api_getChatAdministrators(self, params: dict[str, Any], chat: Chat | None) -> Any:
        assert chat is not None
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self._member(chat, uid)
            for uid, status in chat.members.items()
            if status in ("creator", "administrator")
        ]

    def _api_leaveChat(self, params: dict[str, Any], chat: Chat | None) -> Any:
        assert chat is not None
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        chat.bot_left = True
        chat.members[self.bot.id] = "left"
        return True


# The connection a request came on (each connection is served by its own task).
_current_reader: contextvars.ContextVar[asyncio.StreamReader | None] = contextvars.ContextVar(
    "current_reader", default=None
)
_FAILURES: dict[str, tuple[int, str]] = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "retry_after": (429, "Too Many Requests"),
    "server_error": (500, "Internal Server Error"),
    "bad_gateway": (502, "Bad Gateway"),
    "drop": (0, ""),
    "bad_request": (400, "Bad Request: injected failure"),
}
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities, as Telegram marks them (UTF-16 offsets)."""
    return [
        {"type": "bot_command", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m[0])}
        for m in _COMMAND_RE.finditer(text)
    ]


# --- request parsing -----------------------------------------------------------------------


def _int(params: dict[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    if value is None or value == "":
        if default is not None:
            return default
        raise bad_request(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is True or str(value).lower() in ("true", "1")


def _json(params: dict[str, Any], name: str) -> Any:
    """Structured fields arrive JSON-encoded in form bodies and native in JSON bodies."""
    value = params.get(name)
    if isinstance(value, str):
        if not value:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        data = json.loads(body.decode("utf-8"))
        return data if isinstance(data, dict) else {}
    if kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        out: dict[str, Any] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            if part.get_filename():
                out[name] = payload  # a file upload: keep the bytes
            elif isinstance(payload, bytes):
                out[name] = payload.decode(part.get_content_charset() or "utf-8")
        return out
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


async def _post_json(url: str, payload: dict[str, Any], secret: str | None) -> int:
    """A minimal HTTP/1.1 POST (stdlib only); the status code, or 0 when it failed."""
    parts = urlsplit(url)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = [
        f"POST {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if secret is not None:
        headers.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 80), 5.0
        )
    except (OSError, TimeoutError):
        return 0
    try:
        writer.write(("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10.0)
        fields = status_line.split()
        return int(fields[1]) if len(fields) >= 2 and fields[1].isdigit() else 0
    except (OSError, TimeoutError, ValueError):
        return 0
    finally:
        writer.close()


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
    return parts[1], headers, body


# --- running as a script -------------------------------------------------------------------


async def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Telegram Bot API emulator on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token-ABCdef")
    parser.add_argument("--username", default="DanVanTestBot")
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument("--round-trip-ms", type=float, default=0.0, help="simulated network delay")
    args = parser.parse_args(argv)
    emu = Emulator(
        args.token, bot_username=args.username, port=args.port,
        round_trip=args.round_trip_ms / 1000,
    )  # fmt: skip
    if args.flood:
        emu.enable_flood_limits()
    await emu.start()
    # The token is not printed: the bot id is enough to tell emulators apart.
    print(f"Bot API emulator for bot {emu.bot.id} on {emu.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emu.stop()
        print(
            f"sent={len(emu.sent)} 429s={emu.stats.total_429} errors={emu.stats.errors}",
            flush=True,
        )


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main())
