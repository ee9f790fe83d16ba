"""Extraction rules on small hand-made texts shaped like real articles beyond the seeds."""

from __future__ import annotations

from datetime import date

import pytest

from bot.articles.chairs import chairs_of
from bot.articles.clean import clean_text
from bot.articles.extract import extract
from bot.articles.model import Extraction
from bot.text.provinces import Gazetteer


def _extract(text: str, published: date | None = None) -> Extraction:
    return extract(clean_text(text), gazetteer=Gazetteer.load(), published=published)


@pytest.mark.parametrize(
    ("lead", "chairs"),
    [
        ("Hội nghị do đồng chí Nguyễn Văn Hùng, Trưởng ban Dân vận Tỉnh ủy chủ trì.",
         ["Nguyễn Văn Hùng"]),
        ("Đồng chí Trần Thị Mai, Phó Bí thư Tỉnh ủy và đồng chí Lê Quang Huy, Chủ tịch UBND "
         "tỉnh đồng chủ trì hội nghị.", ["Trần Thị Mai", "Lê Quang Huy"]),
        ("Chủ trì hội nghị có các đồng chí: Hoàng Văn Nam, Bí thư Huyện ủy; Đinh Thị Lan, "
         "Chủ tịch UBND huyện.", ["Hoàng Văn Nam", "Đinh Thị Lan"]),
        ("Thiếu tướng Dương Đình Thông, Chính ủy Quân khu dự và chỉ đạo hội nghị.", []),
        ("Đồng chí Phạm Minh Chính, Thủ tướng Chính phủ phát biểu chỉ đạo.", []),
        ("Ban Dân vận Tỉnh ủy chủ trì, phối hợp với Sở Nội vụ tổ chức hội nghị.", []),
        ("Đoàn công tác do ông Võ Văn Thưởng làm trưởng đoàn.", []),
        ("Hội nghị diễn ra dưới sự chủ trì của đồng chí Lò Văn Mừng, Trưởng ban Dân vận.",
         ["Lò Văn Mừng"]),
        ("Đồng chí Nguyễn Thị Hà - Ủy viên Ban Thường vụ, Trưởng ban Dân vận Tỉnh ủy chủ trì.",
         ["Nguyễn Thị Hà"]),
    ],
)  # fmt: skip
def test_chairs(lead: str, chairs: list[str]) -> None:
    assert chairs_of((lead,)) == chairs


@pytest.mark.parametrize(
    ("lead", "level"),
    [
        ("Sáng 5/3, Ban Dân vận Huyện ủy Chợ Đồn tổ chức hội nghị sơ kết.", "district"),
        ("Chiều 12/6, Đảng ủy xã Tân Lập tổ chức hội nghị đối thoại với Nhân dân.", "commune"),
        ("Ngày 9/9, Ban Dân vận Trung ương tổ chức hội nghị giao ban khối dân vận.", "central"),
        ("Sáng 3/4, Bộ Chỉ huy Quân sự tỉnh tổ chức hội nghị tổng kết.", "military"),
        ("Sáng 3/4, tại Hà Nội, Ban Dân vận Thành ủy Hà Nội tổ chức hội nghị.", "province"),
        ("Sáng 3/4, Ban Dân vận Tỉnh ủy phối hợp Bộ CHQS tỉnh tổ chức hội nghị.", "province"),
        ("Sáng 3/4, Đảng ủy Khối các cơ quan tỉnh tổ chức hội nghị.", "province"),
        ("Sáng 3/4, Đảng ủy Khối các cơ quan Trung ương tổ chức hội nghị.", "central"),
    ],
)
def test_level_is_the_organisers(lead: str, level: str) -> None:
    assert _extract(lead).level == level


@pytest.mark.parametrize(
    ("headline", "lead", "kind"),
    [
        ("", "Sáng 10/1, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm "
             "2023, triển khai nhiệm vụ năm 2024.", "tong_ket"),
        ("", "Ngày 5/5, Huyện ủy tổ chức hội nghị học tập, quán triệt Nghị quyết.", "quan_triet"),
        ("", "Chiều 2/6, Ban Dân vận tổ chức lớp tập huấn nghiệp vụ công tác dân vận.",
         "tap_huan"),
        ("", "Sáng 2/6, Ban Dân vận tổ chức buổi tọa đàm về Dân vận khéo.", "toa_dam"),
        ("", "Sáng 2/6, Đảng ủy xã tổ chức hội nghị đối thoại với Nhân dân.", "doi_thoai"),
        ("Hội nghị biểu dương điển hình Dân vận khéo", "Sáng 2/6, hội nghị đã diễn ra.",
         "bieu_duong"),
        ("", "Mô hình Dân vận khéo ở xã Tân Lập giúp người dân thoát nghèo.", None),
        ("", "Sáng 2/6, Tỉnh ủy tổ chức Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12.", "khac"),
    ],
)  # fmt: skip
def test_meeting_kind(headline: str, lead: str, kind: str | None) -> None:
    text = f"{headline}\n{lead}" if headline else lead
    assert _extract(text).meeting_kind == kind


@pytest.mark.parametrize(
    ("text", "published", "want"),
    [
        ("Sáng 28/12, Ban Dân vận tổ chức hội nghị.", date(2024, 1, 3), "2023-12-28"),
        ("Sáng 10/1, hội nghị tổng kết công tác dân vận năm 2023.", None, "2024-01-10"),
        ("Sáng 24.11, hội nghị diễn ra.", None, "--11-24"),
        ("Trong 2 ngày (24-25/11), tại Hà Nội, hội nghị diễn ra.", date(2025, 11, 26),
         "2025-11-24"),
        ("Thực hiện Kế hoạch số 12-KH/TU ngày 5/3/2021, hôm nay Ban Dân vận họp.", None, None),
        ("Trong 2 năm qua (2016-2018), các đơn vị phối hợp.\nSáng 9-8, hội nghị diễn ra.",
         None, "2018-08-09"),
    ],
)  # fmt: skip
def test_event_date(text: str, published: date | None, want: str | None) -> None:
    assert _extract(text, published).event_date == want


def test_no_province_is_guessed_from_a_source_hint() -> None:
    cleaned = clean_text("Sáng 2/6, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết.")
    ex = extract(cleaned, gazetteer=Gazetteer.load(), published=date(2026, 6, 3))
    assert ex.provinces == ()
    assert ex.event_date == "2026-06-02"
    assert ex.level == "province" and ex.meeting_kind == "so_ket"


def test_publication_stamp_under_the_headline_dates_the_article() -> None:
    text = (
        "Hội nghị sơ kết công tác dân vận quý III\n25/09/2024 16:35\n"
        "Chiều 25/9, Ban Dân vận Huyện ủy tổ chức hội nghị sơ kết."
    )
    cleaned = clean_text(text)
    assert cleaned.published == date(2024, 9, 25)
    assert "16:35" not in cleaned.body
    ex = extract(cleaned, gazetteer=Gazetteer.load())
    assert ex.event_date == "2024-09-25" and ex.published == date(2024, 9, 25)


@pytest.mark.parametrize(
    ("lead", "want"),
    [
        ("Sáng 20/12, Ban Dân vận triển khai nhiệm vụ năm 2024.", "2023-12-20"),
        ("Sáng 20/11, Ban Dân vận quán triệt Kết luận số 114 năm 2015 của Ban Bí thư.", "--11-20"),
        ("Sáng 20/7, hội nghị sơ kết 6 tháng đầu năm 2023.", "2023-07-20"),
    ],
)
def test_year_from_the_lead_but_not_from_cited_documents(lead: str, want: str) -> None:
    assert _extract(lead).event_date == want
