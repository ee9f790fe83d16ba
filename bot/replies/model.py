"""What a command answers, independent of Telegram: HTML message parts and inline buttons."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # callback data, at most 64 bytes
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """One answer: one or more HTML messages (each valid for Telegram), buttons on the last."""

    parts: tuple[str, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    link_preview: bool = False
    # When answering a button press: edit the message the button was on instead of sending.
    edit: bool = False
    # For /tomtat as a reply: the article a message is about, so replies to it can find it.
    article_id: int | None = None

    @staticmethod
    def text(html: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
        return Reply(parts=(html,), buttons=buttons)


@dataclass(frozen=True)
class Target:
    """A channel the sender manages from their private chat with the bot (``/dangky @kenh``),
    as the front end checked it with Telegram. The reply layer never talks to Telegram: it
    reads ``problem`` and words it."""

    ref: str  # as typed: "@kenh_dan_van" or "-1001234567890"
    chat_id: int | None = None
    title: str | None = None
    # None: the sender administers the channel and the bot may post there. Otherwise one of
    # not_found | not_channel | not_admin | bot_not_admin | unavailable (no Telegram here).
    problem: str | None = None


@dataclass(frozen=True)
class ChatContext:
    """Who is asking, and where."""

    chat_id: int
    chat_type: str = "private"  # private | group | supergroup | channel
    user_id: int | None = None
    user_name: str | None = None
    chat_title: str | None = None
    is_bot_admin: bool = False  # listed in [admin] users
    is_chat_admin: bool = True  # admin of this group (always true in private chats)
    reply_to_text: str | None = None  # text of the message this one replies to
    bot_username: str = ""
    # False in the terminal chat: nothing is sent there; its digest is printed when it opens.
    receives_messages: bool = True
    thread_id: int | None = None  # the forum topic the message was sent in
    target: Target | None = None  # a channel named in /dangky @kenh, checked by the front end
    inline_mode: bool = False  # "@bot từ khóa" works (enabled with @BotFather's /setinline)

    @property
    def is_group(self) -> bool:
        return self.chat_type in ("group", "supergroup")

    @property
    def is_channel(self) -> bool:
        return self.chat_type == "channel"
