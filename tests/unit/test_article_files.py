"""Article files: front matter, encodings, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sources.files import (
    ArticleFileError,
    iter_article_files,
    parse_front_matter,
    read_article_file,
)


def test_front_matter_is_read_and_split() -> None:
    meta, body = parse_front_matter(
        '---\ntitle: "Hội nghị: sơ kết"\nurl: https://x.vn/a\npublished: 2024-04-25\n---\nThân bài'
    )
    assert meta == {"title": "Hội nghị: sơ kết", "url": "https://x.vn/a", "published": "2024-04-25"}
    assert body == "Thân bài"


def test_text_without_closing_marker_is_all_body() -> None:
    assert parse_front_matter("---\ntitle: x\nno end") == ({}, "---\ntitle: x\nno end")


def test_published_date_is_vietnam_midnight(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("---\npublished: 2024-04-25\ntitle: Tiêu đề\n---\nSáng 25/4, hội nghị.", "utf-8")
    raw = read_article_file(f)
    assert raw.published == datetime(2024, 4, 24, 17, 0, tzinfo=UTC)
    assert raw.title == "Tiêu đề" and raw.source == "a.md"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"\x00\x01binary", "binary"), (b"\xff\xfe\xfa bad", "UTF-8"), (b"  \n ", "no article")],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(ArticleFileError, match=reason):
        read_article_file(f)


def test_utf8_bom_and_nfd_are_accepted(tmp_path: Path) -> None:
    import unicodedata

    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "Nghệ An").encode("utf-8"))
    assert read_article_file(f).text == "Nghệ An"


def test_folders_yield_article_files_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.md", "sub/b.txt", "README.md", "labels.jsonl", ".hidden.md"):
        (tmp_path / name).write_text("x", "utf-8")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in iter_article_files([tmp_path]))
    assert found == ["a.md", "sub/b.txt"]
