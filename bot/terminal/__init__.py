"""The terminal chat: the same replies as in Telegram, read in a terminal."""
