"""Summaries start at the lead, keep the event sentence and never end on a cut-off piece;
the sentence splitter and the date finder underneath them."""

from __future__ import annotations

import pytest

from bot.articles.clean import clean_text
from bot.articles.extract import extract
from bot.articles.summarize import summarize
from bot.text.date_mentions import find_dates
from bot.text.provinces import Gazetteer
from bot.text.sentences import paragraph_sentences, split_sentences

EVENT = (
    "Sáng 12/3, Ban Dân vận Tỉnh ủy Sơn La tổ chức hội nghị giao ban công tác dân vận quý I "
    "năm 2022 tại hội trường Tỉnh ủy."
)
BODY = (
    "Tại hội nghị, các đại biểu đã thảo luận, đề xuất nhiều giải pháp nâng cao hiệu quả công "
    "tác dân vận trong vùng đồng bào dân tộc thiểu số, nhất là ở các xã biên giới.",
    "Quý II, khối dân vận các cấp tập trung nắm tình hình nhân dân, vận động đồng bào tham gia "
    "xây dựng nông thôn mới và giữ gìn an ninh trật tự ở cơ sở.",
)


def _summary(text: str) -> str:
    return extract(clean_text(text), gazetteer=Gazetteer.load()).summary


def test_the_summary_begins_at_the_lead_not_with_page_clutter() -> None:
    text = "\n".join(
        [
            "Giao ban công tác dân vận quý I",
            "Cập nhật ngày: 14/03/2022 08:15:10",
            "Quang cảnh hội nghị.",
            "Minh Châu",
            f"(SL) - {EVENT}",
            *BODY,
        ]
    )
    summary = _summary(text)
    assert summary.startswith("Sáng 12/3, Ban Dân vận Tỉnh ủy Sơn La")
    for clutter in ("Cập nhật", "08:15", "Quang cảnh", "Minh Châu", "(SL)"):
        assert clutter not in summary


def test_the_summary_keeps_the_sentence_that_reports_the_event() -> None:
    opening = (
        "Những ngày đầu xuân, không khí ở các bản vùng cao của tỉnh rộn ràng hẳn lên, bà con "
        "nô nức chuẩn bị cho những hoạt động văn hóa, văn nghệ, thể thao của bản mình."
    )
    long_body = tuple(f"{p} {p}" for p in BODY)
    text = "\n".join([opening, *long_body, EVENT])  # the report comes late, after the feature
    paragraphs = clean_text(text).paragraphs
    assert EVENT in summarize(paragraphs, event=EVENT)
    assert EVENT not in summarize(paragraphs)


@pytest.mark.parametrize(
    "cut",
    [
        "Sở Dân tộc và Tôn giáo tỉnh …",
        "Từ việc nói cho đồng bào hiểu những cái hay của mô hình đến vận động đồng bào cùng "
        "làm, cùng hưởng ứng, cùng đóng góp để mô hình đạt hiệu quả, trái ngọt sa",
    ],
)
def test_the_summary_never_ends_on_a_piece_the_page_cut_off(cut: str) -> None:
    summary = summarize((EVENT, f"{BODY[0]} {cut}"))
    assert cut not in summary
    assert summary.endswith(".")


def test_a_teaser_cut_off_entirely_keeps_its_complete_clauses() -> None:
    teaser = (
        "Phó Thủ tướng phát biểu tại Lễ kỷ niệm 70 năm Ngày truyền thống ngành, đánh giá cao "
        "những thành tích và đề nghị ngành tiếp tục hoàn thiện chính sách nhằm ổn định xã …"
    )
    summary = summarize((teaser,))
    assert summary.endswith("…")
    assert "ổn định xã" not in summary
    assert summary.startswith("Phó Thủ tướng phát biểu tại Lễ kỷ niệm")


def test_a_lone_long_sentence_is_kept_whole_when_a_little_over_the_limit() -> None:
    sentence = EVENT[:-1] + ", " + ", ".join(["với sự tham dự của đại diện các ban, ngành"] * 8)
    sentence += "."
    assert 400 < len(sentence) <= 500
    assert summarize((sentence,)) == sentence


def test_the_splitter_tests_real_capitals() -> None:
    text = "Người dân hiến đất, dọn vệ sinh đường làng... đã giúp diện mạo nông thôn thay đổi."
    assert split_sentences(text) == [text]
    assert split_sentences("Hội nghị kết thúc... Đồng chí Ánh phát biểu.") == [
        "Hội nghị kết thúc...",
        "Đồng chí Ánh phát biểu.",
    ]
    assert paragraph_sentences(EVENT) == (EVENT,)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ngày 8 và 15/11/2022, Ủy ban MTTQ huyện", [("2022-11-08", None)]),
        ("diễn ra từ ngày 08/11 đến 18/11/2023.", [("2023-11-08", None), ("2023-11-18", None)]),
        ("Từ ngày 6/1-7/2/1930, Hội nghị", [("1930-01-06", None)]),
        ("Từ ngày 1 đến 31-1-2023, tại làng", [("2023-01-01", None)]),
        ("gửi danh sách trước ngày 20/11.", [("--11-20", "deadline")]),
        ("kỷ niệm 93 năm Ngày truyền thống (18/11/1930 – 18/11/2023) và",
         [("1930-11-18", "anniversary"), ("2023-11-18", "anniversary")]),
        ("Nhân dịp Tết Nguyên đán, ngày 2/2, đồng chí", [("--02-02", None)]),
        ("| 10:05 22/07/2022 | Chiều 20/7, Ủy ban", [("2022-07-22", None), ("--07-20", None)]),
        ("Thông báo số 110/TB-VPCP ngày 20/3, thông", [("--03-20", "document")]),
    ],
)  # fmt: skip
def test_dates_of_ranges_sessions_deadlines_and_anniversaries(
    text: str, found: list[tuple[str, str | None]]
) -> None:
    assert [(d.iso(), d.other) for d in find_dates(text)] == found
