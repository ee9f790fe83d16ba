"""The catalogue of known public sources (``content/sources.toml``): load and filter. Pure,
except :func:`read_catalogue_text`, the one place that reads the file (switch it to
``importlib.resources`` when ``content/`` becomes package data).
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.text.normalize import fold

CATALOGUE_FILE = "sources.toml"
CATEGORIES = {
    "national-paper": "Báo trung ương",
    "provincial-paper": "Báo địa phương",
    "party-portal": "Cổng thông tin của Đảng",
    "front-portal": "Mặt trận Tổ quốc",
    "government": "Cơ quan Chính phủ",
}


class CatalogueError(ValueError):
    """The catalogue file is not what this module expects; the message says where."""


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    url: str
    kind: str  # feed | page
    category: str
    province: str | None = None  # the unit since 1 July 2025
    former: str | None = None  # the pre-2025 province the source is named after
    topic: str = "filter"
    checked: str = ""  # YYYY-MM-DD (or YYYY-MM) last seen working; "" never from here
    how: str = ""


def read_catalogue_text(content_dir: Path) -> str:
    return (content_dir / CATALOGUE_FILE).read_text(encoding="utf-8")


def parse_catalogue(text: str) -> list[CatalogueEntry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{CATALOGUE_FILE} is not valid TOML: {exc}") from None
    out: list[CatalogueEntry] = []
    for i, raw in enumerate(data.get("source", []), start=1):
        missing = [k for k in ("name", "url", "kind", "category") if not raw.get(k)]
        if missing:
            raise CatalogueError(f"{CATALOGUE_FILE} [[source]] #{i} has no {missing[0]}")
        if raw["kind"] not in ("feed", "page"):
            raise CatalogueError(f"{CATALOGUE_FILE} [[source]] #{i} kind must be feed or page")
        out.append(
            CatalogueEntry(
                name=str(raw["name"]),
                url=str(raw["url"]),
                kind=str(raw["kind"]),
                category=str(raw["category"]),
                province=raw.get("province") or None,
                former=raw.get("former") or None,
                topic=str(raw.get("topic", "filter")),
                checked=str(raw.get("checked", "")),
                how=str(raw.get("how", "")),
            )
        )
    return out


def suggest(entries: list[CatalogueEntry], province: str | None) -> list[CatalogueEntry]:
    """National sources, plus those of ``province`` (current or pre-2025 name, any
    spelling with or without diacritics); every entry when ``province`` is empty."""
    if not province or not province.strip():
        return list(entries)
    key = fold(unicodedata.normalize("NFC", province.strip()))
    for prefix in ("tinh ", "thanh pho ", "tp ", "tp. "):
        key = key.removeprefix(prefix)
    return [
        e for e in entries if e.province is None or key in (fold(e.province), fold(e.former or ""))
    ]


def known_province(entries: list[CatalogueEntry], province: str) -> bool:
    key = fold(province.strip())
    return any(key in (fold(e.province or ""), fold(e.former or "")) for e in entries)


def seen_text(entry: CatalogueEntry) -> str:
    """ "2026-10-06: saved copy ..." or "never checked from here: ..."."""
    when = entry.checked or "chưa kiểm tra"
    return f"{when}: {entry.how}" if entry.how else when
