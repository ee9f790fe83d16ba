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
    # False in the terminal chat: nothing can be delivered there, so no subscriptions.
    receives_messages: bool = True

    @property
    def is_group(self) -> bool:
        return self.chat_type in ("group", "supergroup")
