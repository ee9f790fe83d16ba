"""Cleaning keeps every real sentence and drops page chrome."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.articles.clean import clean_text
from bot.text.normalize import clean_nfc, squeeze_spaces
from bot.text.sentences import split_sentences

# Lines of the seeds that are page chrome, credits or repeated captions, not article text.
CHROME = re.compile(
    r"^(?:\d+:\d+.*|Xem thêm|Thống kê truy cập|Số lượng và lượt người truy cập|• .*|"
    r"Xem với cỡ chữ.*|Các tin khác:?|Tìm kiếm theo:.*|Tin và ảnh:.*|Theo Dangcongsan\.vn|"
    r"Một số hình ảnh tại Hội nghị|QH\. Văn phòng – Thanh tra|Thứ ba, 05/07/2022)$"
)


def test_every_sentence_of_the_seeds_survives(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        original = squeeze_spaces(clean_nfc(path.read_text("utf-8")))
        cleaned = clean_text(original)
        kept = " ".join([cleaned.headline or "", *cleaned.paragraphs])
        kept_flat = " ".join(kept.split())
        for line in original.split("\n"):
            line = re.sub(r"^(?:date \d{4}-\d{2} )?BBK - ", "", line.strip())  # dateline
            line = re.sub(r"\s*ảnh \d+$", "", line)
            if not line or CHROME.match(line):
                continue
            for sentence in split_sentences(line):
                assert " ".join(sentence.split()) in kept_flat, (path.name, sentence)


@pytest.mark.parametrize(
    "junk",
    ["0:00 / 0:00", "Xem thêm", "Các tin khác", "Xem với cỡ chữ", "Tổng 1.121.895", "ảnh 1",
     "Tìm kiếm theo", "Thống kê truy cập", "Theo Dangcongsan.vn", "Tin và ảnh"],
)  # fmt: skip
def test_boilerplate_is_gone(junk: str, seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        assert junk not in clean_text(path.read_text("utf-8")).body, path.name


def test_duplicated_lead_is_kept_once(seeds_dir: Path) -> None:
    body = clean_text((seeds_dir / "002_6066fce058633cf5.txt").read_text("utf-8")).body
    assert body.count("Ngày 28/11, tại tỉnh Yên Bái") == 1


def test_nbsp_eth_and_nfd_are_normalised() -> None:
    text = "Ðồng chí Nguyễn\u00a0Văn A phát biểu.\n\nNghe\u0323\u0302 An"  # Eth, NBSP, NFD
    cleaned = clean_text(text)
    assert cleaned.body == "Đồng chí Nguyễn Văn A phát biểu.\n\nNghệ An"


def test_headline_is_detected_and_given_title_is_not_repeated() -> None:
    text = "Hội nghị sơ kết công tác dân vận quý III\nSáng 5/10, Ban Dân vận tổ chức hội nghị."
    assert clean_text(text).headline == "Hội nghị sơ kết công tác dân vận quý III"
    given = clean_text(text, title="Hội nghị sơ kết công tác dân vận quý III")
    assert given.headline is None
    assert given.paragraphs == ("Sáng 5/10, Ban Dân vận tổ chức hội nghị.",)


def test_related_articles_list_is_cut() -> None:
    text = "Sáng 5/10, hội nghị diễn ra.\nTin liên quan\nBài khác một\nBài khác hai"
    assert clean_text(text).paragraphs == ("Sáng 5/10, hội nghị diễn ra.",)
