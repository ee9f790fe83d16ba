"""danvan-bot: a searchable archive of Vietnamese dân vận news, served in Telegram chats."""

__version__ = "0.1.0"
