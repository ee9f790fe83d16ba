"""Level, chairs and provinces of hand-written texts shaped like real reports."""

from __future__ import annotations

import pytest

from bot.articles.chairs import chairs_of
from bot.articles.clean import clean_text
from bot.articles.extract import extract
from bot.articles.model import Extraction
from bot.text.provinces import Gazetteer


def _extract(text: str) -> Extraction:
    return extract(clean_text(text), gazetteer=Gazetteer.load())


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Sáng 5-11, Ban Dân vận Thành ủy Thủy Nguyên (TP Hải Phòng) tổ chức hội nghị sơ kết.",
         "district"),
        ("Sáng 8/5, Ban Dân vận Thành ủy tổ chức hội nghị.\nHội Cựu chiến binh TP. Đà Nẵng có "
         "hơn 20.000 hội viên.", "province"),
        ("Sáng 8/5, Ban Dân vận Thành ủy Hội An tổ chức hội nghị sơ kết.", "district"),
        ("Chiều 9/8, Ủy ban MTTQ Việt Nam thành phố Cần Thơ tổ chức hội nghị.", "province"),
        ("Sáng 16/10, Sở Nội vụ tổ chức tập huấn công tác dân vận chính quyền.", "province"),
        ("Sáng 2/6, Ủy ban MTTQ huyện tổ chức hội nghị giao ban.", "district"),
        ("Sáng 21-10, Đảng ủy phường Tân Mai, TP Biên Hòa tổ chức hội nghị.", "commune"),
        ("Chiều 22/11, Cụm thi đua số 3 gồm Mặt trận Tổ quốc Sóc Trăng, Bạc Liêu và Cà Mau tổ "
         "chức hội nghị tổng kết.", "province"),
        ("Cụm thi đua số 5 (gồm Ban Dân vận 4 huyện miền núi) tổ chức hội nghị giao ban.",
         "district"),
        ("Sáng 11/1, Ban Dân vận TƯ tổ chức hội nghị giao ban khu vực.", "central"),
        ("Sáng 7/4, hội nghị trực tuyến toàn quốc về công tác tôn giáo được tổ chức.", "central"),
        ("Sáng 19/12, đoàn công tác Trung ương do Phó Trưởng ban Dân vận Trung ương dẫn đầu "
         "đã đến thăm xã Kim Sơn.", "central"),
        ("Chiều 5/6, Ban Thường vụ Tỉnh ủy Yên Bái làm việc với đoàn công tác Ban Dân vận "
         "Trung ương.", "central"),
        ("Sáng 6/6, Trường Cao đẳng Cảnh sát nhân dân tổ chức tọa đàm.", "military"),
        ("Sáng 20/12, Công an tỉnh Phú Thọ tổ chức hội nghị tổng kết.", "military"),
        ("Sáng 3/4, Ban Dân vận Tỉnh ủy phối hợp Bộ CHQS tỉnh tổ chức hội nghị.", "province"),
        ("Sáng 3/3, Hội Phụ nữ xã Tân Lập phối hợp với Hội Phụ nữ huyện Đồng Phú tổ chức tọa "
         "đàm.", "district"),
        ("Sáng 12/1, đồng chí Hoàng Minh, Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy thăm xã "
         "Nậm Cắn.", "province"),
        ("Ngày 26/5, Ban Dân Vận đã tổ chức họp báo ra mắt Bản tin.\nBan Dân vận Trung ương đã "
         "xây dựng Bản tin từ năm 2017.", "central"),
        ("Thời gian qua, phong trào Dân vận khéo được triển khai sâu rộng trong toàn tỉnh.",
         "province"),
        ("Những năm qua, các đoàn thể huyện Sơn Dương đã đổi mới cách vận động quần chúng.",
         "district"),
        ("Trải qua các thời kỳ cách mạng, Đảng ta luôn coi trọng công tác dân vận.", "central"),
        ("Cán bộ, chiến sĩ Bộ đội Biên phòng tỉnh luôn gần dân, hiểu dân.", "military"),
        ("Cách đây 20 năm, Nghị quyết số 04 của Ủy ban Trung ương MTTQ chọn ngày hội trên phạm "
         "vi toàn quốc. Từ đó, ngày hội đã thành nét đẹp trên toàn tỉnh.", "province"),
        ("Mùa xuân về trên những nương chè xanh mướt.", "unknown"),
    ],
)  # fmt: skip
def test_level(text: str, level: str) -> None:
    assert _extract(text).level == level


@pytest.mark.parametrize(
    ("sentence", "chairs"),
    [
        ("Sáng 14/8, Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy Hòa Bình Bùi Văn "
         "Thịnh chủ trì hội nghị.", ["Bùi Văn Thịnh"]),
        ("Phó Chủ tịch UBND huyện, Lê Thị Thu Hà chủ trì buổi đối thoại.", ["Lê Thị Thu Hà"]),
        ("Các đồng chí Trịnh Minh Quang, Đoàn Văn Sĩ và Lý Thị Hồng Nhung, Phó Trưởng Ban đồng "
         "chủ trì hội nghị.", ["Trịnh Minh Quang", "Đoàn Văn Sĩ", "Lý Thị Hồng Nhung"]),
        ("Đồng chủ trì hội nghị có các đồng chí: Trịnh Minh Quang, Trưởng Ban Dân vận Tỉnh ủy; "
         "Phùng Thị Lan, Đoàn Văn Sĩ, Phó Trưởng Ban.",
         ["Trịnh Minh Quang", "Phùng Thị Lan", "Đoàn Văn Sĩ"]),
        ("Dự chủ trì và điều hành Hội nghị có đồng chí Hà Văn Khoa, Phó Trưởng Ban Dân vận "
         "Trung ương, đồng chí Lò Văn Thắm, Phó Bí thư Tỉnh ủy.", ["Hà Văn Khoa", "Lò Văn Thắm"]),
        ("Chủ trì tại điểm cầu huyện có ông Nguyễn Hữu Tình, Chủ tịch Ủy ban MTTQ huyện.",
         ["Nguyễn Hữu Tình"]),
        ("Phó Chủ tịch Thường trực UBND tỉnh Trần Hoàng Tuấn cùng các Phó Chủ tịch UBND tỉnh: "
         "Võ Phiên, Trần Phước Hiền chủ trì cuộc họp.",
         ["Trần Hoàng Tuấn", "Võ Phiên", "Trần Phước Hiền"]),
        ("Chiều 4/9, tại trụ sở Chính phủ, Phó Thủ tướng Nguyễn Văn Thắng, Trưởng Ban Chỉ đạo "
         "điều hành giá chủ trì cuộc họp.", ["Nguyễn Văn Thắng"]),
        ("Ngày 11/6, Tổng Bí thư Tô Lâm đã chủ trì buổi làm việc.", ["Tô Lâm"]),
        ("Bí thư Huyện ủy Mai Sơn chủ trì hội nghị.", []),
        ("Phó Chủ tịch UBND tỉnh Cao Bằng chủ trì hội nghị.", []),
        ("Đoàn công tác do bà Lê Thị Hoa, Phó Chủ tịch Ủy ban MTTQ tỉnh làm trưởng đoàn.", []),
        ("Đồng chí Lò Văn Páo, Phó Bí thư Tỉnh ủy dự và phát biểu chỉ đạo hội nghị.", []),
    ],
)  # fmt: skip
def test_chairs(sentence: str, chairs: list[str]) -> None:
    assert chairs_of((sentence,), places=Gazetteer.load().place_names) == chairs


@pytest.mark.parametrize(
    ("text", "provinces"),
    [
        ("Sáng 10/10, Ban Dân vận Thành ủy thành phố Bắc Giang tổ chức hội nghị.", ["Bắc Giang"]),
        ("Sáng 5/1, Ban Dân vận Trung ương tổ chức hội nghị trực tuyến toàn quốc. Dự tại điểm "
         "cầu Phú Thọ có Phó Bí thư Tỉnh ủy.", ["Phú Thọ"]),
        ("Chiều 30/6, Ủy ban Mặt trận Tổ quốc Bến Tre tổ chức hội nghị.", ["Bến Tre"]),
        ("Sáng 25/5, Ủy ban Trung ương MTTQ Việt Nam tổ chức hội thảo tại Hà Nội.", []),
        ("Sáng 25/5, Ban Dân vận Thành ủy Hà Nội tổ chức hội thảo tại Hà Nội.", ["Hà Nội"]),
        ("Sáng 12/4, Ban Dân vận Tỉnh ủy Hà Tĩnh tổ chức hội nghị sơ kết. Đoàn công tác Ban Dân "
         "vận các tỉnh Quảng Bình, Nghệ An đến dự và trao đổi kinh nghiệm.", ["Hà Tĩnh"]),
        ("Sáng 12/4, Ban Dân vận Tỉnh ủy Lào Cai tiếp đoàn công tác Ban Dân vận Tỉnh ủy Yên Bái.",
         ["Lào Cai"]),
        ("Chiều 24/7, đồng chí Lương Đức Tài, Phó Bí thư Tỉnh ủy Cao Bằng dẫn đầu đoàn công tác "
         "đến thăm gia đình chính sách.", ["Cao Bằng"]),
        ("(Baobacgiang.vn) - Sáng 3/5, Ban Dân vận Tỉnh ủy tổ chức tập huấn.", ["Bắc Giang"]),
        ("(QNO) - Sáng 3/5, Ban Dân vận Tỉnh ủy tổ chức tập huấn.", []),
        ("Sáng 3/5, Ban Dân vận Tỉnh ủy tổ chức tập huấn.\nTheo Báo Lạng Sơn", ["Lạng Sơn"]),
        ("Sáng 3/5, Hội Nông dân xã tổ chức tập huấn cho hội viên.\nHà Tây", []),
        ("Sáng 3/5, Hội Nông dân xã tổ chức tập huấn tại phường Bắc Kạn.", []),
    ],
)  # fmt: skip
def test_provinces(text: str, provinces: list[str]) -> None:
    assert [p.name for p in _extract(text).provinces] == provinces
