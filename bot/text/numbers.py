"""Numbers for people, the Vietnamese way: ``6.074 bài``, ``1.234.567``. Pure."""

from __future__ import annotations

from babel.numbers import format_decimal


def format_number(n: int) -> str:
    """A count with Vietnamese thousands separators (a dot), through babel's ``vi`` locale."""
    return format_decimal(n, locale="vi")
