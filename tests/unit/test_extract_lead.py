"""Page clutter and the lead: stamps, banners, widgets, outlet tags, bylines, captions."""

from __future__ import annotations

from datetime import date

import pytest

from bot.articles.clean import clean_text
from bot.articles.clutter import (
    is_banner,
    is_byline,
    is_caption,
    is_widget,
    outlet_tag,
    split_inline_stamp,
    stamp_date,
)
from bot.articles.lead import find_lead, heading_before, lead_text

LEAD = "Sáng 12/3, Ban Dân vận Huyện ủy Mèo Vạc tổ chức hội nghị giao ban quý I năm 2022."


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Cập nhật ngày: 14/03/2022 08:15:10", date(2022, 3, 14)),
        ("Thứ Hai, 14/03/2022, 08:15 [GMT+7]", date(2022, 3, 14)),
        ("Cập nhật: 14-03-2022 | 08:15:10", date(2022, 3, 14)),
        ("Thứ Hai - 14/03/2022 08:15", date(2022, 3, 14)),
        ("08:15 14/03/2022", date(2022, 3, 14)),
        ("(14:32 | 25/03/2020)", date(2020, 3, 25)),
        ("07:50 - Thứ Hai, 04/07/2022 Lượt xem: 8029 In bài viết", date(2022, 7, 4)),
        ("Ngày đăng: 25/04/2024 16:35", date(2024, 4, 25)),
        ("25/05/2022", date(2022, 5, 25)),
        ("cms-publish-date 07/07/2020 | 03:16 | cms-view-count: 1453", date(2020, 7, 7)),
        ("10/07/2024 11:54 555", date(2024, 7, 10)),
    ],
)
def test_publication_stamps_in_every_common_shape(line: str, day: date) -> None:
    assert stamp_date(line) == day
    assert is_widget(line) is False


@pytest.mark.parametrize(
    "line", ["Thứ ba, 05/07/2022", "thứ sáu, 08/03/2024", "Chủ nhật, 1/9/2024"]
)
def test_a_weekday_without_time_is_a_site_clock_that_dates_nothing(line: str) -> None:
    assert is_banner(line)
    assert stamp_date(line) is None


@pytest.mark.parametrize(
    "line", [LEAD, "Ngày 18/02/2022, Ban Dân vận tổ chức hội nghị.", "2.8 lần"]
)
def test_sentences_are_no_stamps(line: str) -> None:
    assert stamp_date(line) is None and not is_banner(line)


@pytest.mark.parametrize(
    "line",
    ["In trang", "In bài viết", "Chia sẻ", "Theo dõi Báo Gia Lai trên Google News", "Lượt xem: 120",
     "Bỏ qua liên kết", "Đường dây nóng: 0912 345 678", "Responsive image", "{keywords}",
     "anh-hoi-nghi-so-ket-cong-tac-dan-van-2024.jpg", "Cổng thông tin điện tử huyện Phù Yên"],
)  # fmt: skip
def test_widgets(line: str) -> None:
    assert is_widget(line)


def test_a_sentence_about_sharing_is_no_widget() -> None:
    assert not is_widget("Chia sẻ kinh nghiệm vận động nhân dân hiến đất làm đường.")


@pytest.mark.parametrize(
    ("paragraph", "tag"),
    [
        ("(QNO) - Sáng 5/3, hội nghị diễn ra.", "QNO"),
        ("(GLO)- Sáng 19-4, hội nghị diễn ra.", "GLO"),
        ("BBK - Chiều 25/4, hội nghị diễn ra.", "BBK"),
        ("VOV.VN - Chủ tịch Quốc hội nhấn mạnh.", "VOV.VN"),
        ("(Baobacgiang.vn) – Sáng 3/5, hội nghị diễn ra.", "Baobacgiang.vn"),
        ("QĐND Online – Ngày 21-11, hội nghị diễn ra.", "QĐND Online"),
    ],
)
def test_outlet_tags_open_a_lead(paragraph: str, tag: str) -> None:
    found, rest = outlet_tag(paragraph)
    assert found == tag
    assert rest[0].isupper() and not rest.startswith(("(", "-"))


def test_a_lead_without_tag_keeps_its_words() -> None:
    assert outlet_tag(LEAD) == (None, LEAD)
    assert lead_text(LEAD) == LEAD


@pytest.mark.parametrize(
    "line", ["Minh Châu", "Hoàng Anh - Nam Khởi", "Tác giả: Phương Dung", "Bài và ảnh: Thu Hà"]
)
def test_one_line_bylines(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize("line", ["Chính trị", LEAD, "Quang cảnh hội nghị."])
def test_no_byline(line: str) -> None:
    assert not is_byline(line)


@pytest.mark.parametrize(
    "line",
    ["Quang cảnh hội nghị.", "Toàn cảnh buổi làm việc", "Các đại biểu dự hội nghị.",
     "Đồng chí Lò Văn Páo phát biểu tại hội nghị.",
     "Hội Nông dân xã trao giấy khen cho hội viên. Ảnh: Thu Hà",
     "(Hội viên nông dân làm đường bê tông)"],
)  # fmt: skip
def test_photo_captions(line: str) -> None:
    assert is_caption(line)


@pytest.mark.parametrize(
    "line",
    [LEAD, "Tại hội nghị, các đại biểu đã thảo luận nhiều giải pháp.",
     "Đại biểu các xã đã phát biểu tại hội nghị sáng 5/3."],
)  # fmt: skip
def test_reports_are_no_captions(line: str) -> None:
    assert not is_caption(line)


def test_find_lead_skips_every_kind_of_clutter() -> None:
    paragraphs = (
        "In trang",
        "Chính trị",
        "Giao ban công tác dân vận quý I năm 2022",
        "Cập nhật ngày: 14/03/2022 08:15:10",
        "Quang cảnh hội nghị.",
        "Minh Châu",
        f"(ST) - {LEAD}",
        "Tại hội nghị, các đại biểu đã thảo luận nhiều giải pháp.",
    )
    lead = find_lead(paragraphs)
    assert lead == 6
    assert lead_text(paragraphs[lead]) == LEAD
    assert heading_before(paragraphs, lead) == "Giao ban công tác dân vận quý I năm 2022"


def test_find_lead_of_a_title_only_text_is_its_first_paragraph() -> None:
    assert find_lead(("HOẠT ĐỘNG ĐỐI THOẠI CỦA NGƯỜI ĐỨNG ĐẦU CẤP ỦY",)) == 0
    assert find_lead(()) == 0


def test_cleaning_reads_the_stamp_drops_widgets_and_strips_the_tag_of_the_lead() -> None:
    text = (
        "Giao ban công tác dân vận quý I năm 2022\nThứ Hai, 14/03/2022, 08:15 [GMT+7]\n"
        "In trang\nTheo dõi Báo Sơn La trên Google News\nMinh Châu\n"
        f"(ST) - {LEAD}\nTại hội nghị, các đại biểu đã thảo luận nhiều giải pháp."
    )
    cleaned = clean_text(text)
    assert cleaned.published == date(2022, 3, 14)
    assert cleaned.headline == "Giao ban công tác dân vận quý I năm 2022"
    assert cleaned.paragraphs[cleaned.lead] == LEAD
    assert cleaned.outlet == "ST"
    assert "Báo Sơn La" in cleaned.credits
    assert "In trang" not in cleaned.body and "08:15" not in cleaned.body


def test_a_site_clock_above_the_headline_dates_nothing() -> None:
    cleaned = clean_text(f"thứ sáu, 08/03/2024\nTập huấn kỹ năng vận động quần chúng\n{LEAD}")
    assert cleaned.published is None
    assert "08/03/2024" not in cleaned.body


def test_a_flattened_header_is_cut_at_its_stamp() -> None:
    pieces, day = split_inline_stamp(f"Mèo Vạc giao ban quý I | 10:05 14/03/2022 | {LEAD}")
    assert pieces == ["Mèo Vạc giao ban quý I", LEAD]
    assert day == date(2022, 3, 14)
    glued, when = split_inline_stamp("13/9/2023Cách đây 20 năm, ngày hội ra đời.")
    assert glued == ["Cách đây 20 năm, ngày hội ra đời."] and when == date(2023, 9, 13)
