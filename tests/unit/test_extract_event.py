"""The reported event: the grammar of a report, and what only looks like one.

Every text here was written for these tests. A text that reports no event (a feature, a
directive, an interview, a plan, a habit) must get no kind and no date.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.articles.clean import clean_text
from bot.articles.event import event_in_sentence, find_event
from bot.articles.extract import extract
from bot.articles.model import Extraction
from bot.text.provinces import Gazetteer


def _extract(text: str, published: date | None = None) -> Extraction:
    return extract(clean_text(text), gazetteer=Gazetteer.load(), published=published)


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Sáng 12/3, Ban Dân vận Huyện ủy Bảo Yên tổ chức hội nghị giao ban quý I.",
         "hội nghị giao ban quý I"),
        ("Chiều 22-8, Thường trực Huyện ủy Văn Bàn làm việc với Đảng ủy xã Sơn Thủy.",
         "làm việc với Đảng ủy xã Sơn Thủy"),
        ("Hội Cựu chiến binh tỉnh và Tỉnh đoàn vừa ký chương trình phối hợp giai đoạn 2024-2029.",
         "ký chương trình phối hợp giai đoạn 2024-2029"),
        ("Liên hoan dân ca do Hội Phụ nữ tỉnh tổ chức tối 3-9 thu hút 10 đội.",
         "Liên hoan dân ca"),
        ("Sáng 10/1, hội nghị tổng kết công tác dân vận năm 2023.",
         "hội nghị tổng kết công tác dân vận năm 2023"),
        ("Ngày hội Đại đoàn kết ở thôn Nà Hẩu diễn ra từ ngày 8/11 đến 18/11/2023.",
         "Ngày hội Đại đoàn kết ở thôn Nà Hẩu diễn ra từ ngày 8/11 đến 18/11/2023"),
    ],
)  # fmt: skip
def test_reports_of_an_event(sentence: str, name: str) -> None:
    event = event_in_sentence(sentence)
    assert event is not None and not event.presupposed
    assert event.name.rstrip(" .") == name


@pytest.mark.parametrize(
    "sentence",
    [
        "Những năm qua, huyện Mường Khương đã tổ chức nhiều hội nghị đối thoại với nhân dân.",
        "Bộ đội Biên phòng thường xuyên tổ chức các buổi tuyên truyền ở bản.",
        "Trong năm 2023, các cấp Hội đã tổ chức 56 buổi tuyên truyền pháp luật.",
        "Tháng 12 tới, Ban Dân vận Huyện ủy sẽ tổ chức hội nghị tổng kết phong trào.",
        "Ban Dân vận Tỉnh ủy đề nghị các huyện ủy, thị ủy tổ chức hội nghị sơ kết trước ngày 30/6.",
        "Ban Chỉ đạo huyện vừa triển khai kế hoạch kiểm tra việc thực hiện quy chế dân chủ.",
        "Thành tích của các điển hình được tuyên dương đợt này rất đáng trân trọng.",
        "Hội thi được Ban Dân vận Tỉnh ủy tổ chức định kỳ hai năm một lần.",
        "Ban Thường vụ Tỉnh ủy vừa ban hành Chỉ thị về công tác dân vận trong tình hình mới.",
        "Năm 2009, Ban Dân vận Trung ương đã phát động phong trào thi đua Dân vận khéo.",
        "Từ ngày 6/1-7/2/1930, Hội nghị thành lập Đảng được tổ chức tại Hương Cảng.",
        "Đại hội lần thứ I được tổ chức vào năm 1930 tại làng Đồng Xuân.",
        "Tại Hội nghị Trung ương 5 khóa XII, Đảng ta đã ban hành Nghị quyết về dân vận.",
        "Công tác kiểm tra, giám sát được các cấp ủy quan tâm.",
        "Ngày 5/3/2024, Ban Thường vụ Tỉnh ủy ban hành Chỉ thị số 20-CT/TU về tổ chức Hội thi.",
        "Ngày 15/10 hằng năm, các cấp ủy tổ chức kỷ niệm Ngày truyền thống công tác dân vận.",
    ],
)
def test_what_only_looks_like_a_report(sentence: str) -> None:
    assert event_in_sentence(sentence) is None


def test_a_presupposed_event_is_the_last_resort_of_the_lead() -> None:
    presupposed = event_in_sentence("Tại hội nghị, hai đơn vị đã ký kết quy chế phối hợp.")
    assert presupposed is not None and presupposed.presupposed
    paragraphs = (
        "Nhiều mô hình hay được giới thiệu tại hội nghị.",
        "Ngày 14/6, Ban Dân vận Tỉnh ủy Lào Cai tổ chức hội nghị chuyên đề về công tác tôn giáo.",
    )
    event = find_event(paragraphs)
    assert event is not None and event.paragraph == 1 and not event.presupposed


def test_a_feature_recounting_a_meeting_reports_no_event() -> None:
    paragraphs = (
        "Những năm qua, người dân xã Tả Phìn đã hiến hàng nghìn mét vuông đất làm đường.",
        "Câu chuyện bắt đầu từ năm 2021, khi thôn có chủ trương mở đường.",
        "Ngày 12/3/2023, UBND xã tổ chức họp dân lấy ý kiến; 95% hộ đồng ý.",
    )
    assert find_event(paragraphs) is None
    # A time of day after a scene-setting opening is a report of the day.
    timed = (*paragraphs[:1], "Liên hoan văn nghệ do Hội Phụ nữ tỉnh tổ chức chiều 21-9 tại xã.")
    assert find_event(timed) is not None


def test_a_listing_page_is_its_first_item() -> None:
    text = (
        "Sáng 14/5, đoàn công tác Ủy ban Dân tộc đã kiểm tra thực tế tại huyện Bảo Lạc, "
        "tỉnh Cao Bằng.\n"
        "Chiều 22/12, tại Hà Nội, Thứ trưởng Nông Văn Hòa đã chủ trì buổi gặp mặt đại biểu "
        "người có uy tín tỉnh Trà Vinh.\n"
        "Ban Dân tộc tỉnh An Giang vừa tổ chức họp mặt người có uy tín."
    )
    ex = _extract(text)
    assert ex.meeting_kind == "khac" and ex.event_date == "--05-14"
    assert ex.level == "central"
    assert [p.name for p in ex.provinces] == ["Cao Bằng"]
    assert ex.chairs == ()
    assert "Trà Vinh" not in ex.summary


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Sáng 5/3, Hội Nông dân xã tổ chức Hội thi nhà nông đua tài.", "khac"),
        ("Sáng 5/3, Huyện ủy tổ chức họp mặt kỷ niệm 93 năm Ngày truyền thống và tuyên dương "
         "điển hình.", "khac"),
        ("Sáng 5/3, Ủy ban MTTQ huyện tổ chức hội nghị gặp mặt biểu dương người có uy tín.",
         "bieu_duong"),
        ("Chiều 2/3, Ban Chỉ đạo huyện họp triển khai kế hoạch tổ chức hội nghị biểu dương.",
         "trien_khai"),
        ("Sáng 11/7, Ủy ban MTTQ huyện tổ chức hội nghị nhìn lại kết quả 6 tháng đầu năm.",
         "so_ket"),
        ("Sáng 15/1, Huyện ủy tổ chức hội nghị đánh giá kết quả công tác năm 2023, đề ra nhiệm "
         "vụ năm 2024.", "tong_ket"),
        ("Sáng 4/11, Ủy ban MTTQ tỉnh tổ chức Diễn đàn nông dân với lãnh đạo tỉnh.", "doi_thoai"),
        ("Sáng 9/5, Trường Chính trị tỉnh khai giảng lớp bồi dưỡng công tác dân vận.",
         "tap_huan"),
        ("Ngày 7/7, Tỉnh ủy tổ chức Hội nghị lần thứ 15 để sơ kết công tác 6 tháng đầu năm.",
         "so_ket"),
        ("Tổng cục Chính trị sáng 22/11 tổ chức Hội nghị góp ý vào Báo cáo tổng kết công tác "
         "năm 2023.", "khac"),
        ("Tại hội nghị, đại diện hai đơn vị đã ký kết quy chế phối hợp giai đoạn 2024-2026.",
         "ky_ket"),
        ("Ngày 25/12, Đồn Biên phòng tổ chức chương trình giao lưu văn nghệ, tặng quà học sinh.",
         "khac"),
        ("Ngày 5/12, Liên đoàn Lao động tỉnh tổ chức đối thoại với hơn 300 công nhân.",
         "doi_thoai"),
    ],
)  # fmt: skip
def test_the_kind_is_the_first_activity_named(text: str, kind: str) -> None:
    assert _extract(text).meeting_kind == kind


@pytest.mark.parametrize(
    ("text", "published", "want"),
    [
        ("Chiều 9/7, Ban Dân vận Tỉnh ủy tổ chức giao ban công tác dân vận quý II/2022.", None,
         "2022-07-09"),
        ("Sáng 26-3, Tỉnh đoàn tổ chức lễ tuyên dương nhân kỷ niệm 87 năm Ngày thành lập Đoàn "
         "(26/3/1931 - 26/3/2018).", None, "2018-03-26"),
        ("Ngày 8 và 15/11/2022, Ủy ban MTTQ huyện tổ chức đối thoại tại hai cụm xã.", None,
         "2022-11-08"),
        ("Từ ngày 1 đến 31-1-2023, Làng Văn hóa tổ chức ngày hội mùa xuân.", None, "2023-01-01"),
        ("Nhân dịp Tết, ngày 2/2, Phó Bí thư Tỉnh ủy đã đến thăm, chúc Tết gia đình chính sách.",
         date(2024, 2, 5), "2024-02-02"),
        ("Sáng 12/3, Ban Dân vận Huyện ủy tổ chức hội nghị giao ban.", date(2022, 3, 14),
         "2022-03-12"),
        ("Ban Dân vận Huyện ủy vừa phối hợp tổ chức lớp tập huấn cho 120 trưởng thôn.",
         date(2024, 3, 8), None),
        ("Hôm nay (15/10/2022), kỷ niệm 92 năm công tác dân vận của Đảng.", None, None),
    ],
)  # fmt: skip
def test_event_date_and_its_year(text: str, published: date | None, want: str | None) -> None:
    assert _extract(text, published).event_date == want
