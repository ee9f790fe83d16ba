"""A generated corpus of Vietnamese-like dân vận articles (no external data), reproducible.

Sentences are assembled from the vocabulary and shapes of real articles: a dated lead that
names an organiser, a province and a meeting, a chair line, then body paragraphs. A few
articles carry a rare phrase so that "rare" searches have something to find.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from bot.articles.model import Article, Extraction, ProvinceMention, RawArticle
from bot.articles.pipeline import body_hash
from bot.text.provinces import Gazetteer

PROVINCES = [
    "Bắc Kạn", "Thái Nguyên", "Cao Bằng", "Lạng Sơn", "Yên Bái", "Lào Cai", "Hà Giang",
    "Tuyên Quang", "Nghệ An", "Thanh Hóa", "Quảng Nam", "Đắk Lắk", "Gia Lai", "Long An",
    "Cà Mau", "Sóc Trăng", "Bình Dương", "Đồng Nai", "Hưng Yên", "Nam Định",
]  # fmt: skip
KINDS = ["sơ kết", "tổng kết", "ký kết chương trình phối hợp", "triển khai nhiệm vụ",
         "quán triệt nghị quyết", "biểu dương điển hình", "tập huấn nghiệp vụ",
         "giao ban"]  # fmt: skip
NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quang Huy", "Phạm Thị Lan", "Hoàng Văn Nam",
         "Vũ Đức Thắng", "Đặng Thị Hoa", "Bùi Minh Tuấn"]  # fmt: skip
PHRASES = [
    "công tác dân vận chính quyền", "phong trào thi đua Dân vận khéo", "xây dựng nông thôn mới",
    "đồng bào dân tộc thiểu số", "giải phóng mặt bằng", "an sinh xã hội", "tín ngưỡng, tôn giáo",
    "nắm tình hình Nhân dân", "hệ thống chính trị ở cơ sở", "quy chế dân chủ ở cơ sở",
    "chuyển đổi số", "phát triển kinh tế - xã hội", "xóa đói giảm nghèo", "người có uy tín",
    "Mặt trận Tổ quốc", "các tổ chức chính trị - xã hội", "đoàn viên, hội viên",
]  # fmt: skip
VERBS = ["tiếp tục", "đẩy mạnh", "tăng cường", "nâng cao hiệu quả", "chú trọng", "thực hiện tốt",
         "phối hợp chặt chẽ", "đổi mới phương thức"]  # fmt: skip
RARE = "mô hình nuôi ong lấy mật của hợp tác xã Nà Tùm"


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(PHRASES, 2)
    verb, other = rng.choice(VERBS), rng.choice(PHRASES)
    return f"{rng.choice(VERBS).capitalize()} {a}, gắn với {b}; {verb} {other}."


@dataclass(frozen=True)
class Draft:
    """One generated article and the facts it was written from."""

    i: int
    title: str
    paragraphs: list[str]
    province: str
    kind: str
    day: date


def draft(i: int, rng: random.Random, target_bytes: int = 3000) -> Draft:
    """One article of about ``target_bytes`` of UTF-8 (Vietnamese letters take 1-3 bytes:
    3,000 bytes are ~2,300 characters)."""
    province = rng.choice(PROVINCES)
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2018, 2026)
    kind = rng.choice(KINDS)
    lead = (
        f"Sáng {day}/{month}, Ban Dân vận Tỉnh ủy {province} tổ chức Hội nghị {kind} công tác "
        f"dân vận năm {year}. Đồng chí {rng.choice(NAMES)}, Trưởng ban Dân vận Tỉnh ủy chủ trì."
    )
    paragraphs = [lead]
    size = len(lead.encode())
    while size < target_bytes:
        p = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        paragraphs.append(p)
        size += len(p.encode()) + 2
    if i % 5000 == 17:
        paragraphs.insert(2, f"Hội nghị giới thiệu {RARE} ở huyện miền núi.")
    title = f"Hội nghị {kind} công tác dân vận tại {province} (số {i})"
    return Draft(i, title, paragraphs, province, kind, date(year, month, day))


def article(i: int, rng: random.Random, target_bytes: int = 3000) -> RawArticle:
    d = draft(i, rng, target_bytes)
    return RawArticle("\n\n".join(d.paragraphs), source="bench", title=d.title,
                      url=f"https://bench.example/{i}")  # fmt: skip


def articles(n: int, seed: int = 1, target_bytes: int = 3000) -> Iterator[RawArticle]:
    rng = random.Random(seed)
    for i in range(n):
        yield article(i, rng, target_bytes)


def stored_articles(n: int, seed: int = 1, target_bytes: int = 3000) -> Iterator[Article]:
    """The same articles as :func:`articles`, as the pipeline would hand them to the store,
    without running it (the text is already clean; the facts are known): a million of them
    are saved in minutes instead of hours. For benchmarks of the store, not of extraction."""
    rng = random.Random(seed)
    units = {u.name: u.current for u in Gazetteer.load().former.values()}
    for i in range(n):
        d = draft(i, rng, target_bytes)
        body = "\n\n".join(d.paragraphs)
        province = ProvinceMention(d.province, units.get(d.province, d.province))
        yield Article(
            body=body,
            source="bench",
            extraction=Extraction(
                title=d.title,
                published=None,
                event_date=d.day.isoformat(),
                provinces=(province,),
                level="province",
                meeting_kind="so_ket",
                chairs=(),
                summary=d.paragraphs[0],
            ),
            url=f"https://bench.example/{i}",
            body_hash=body_hash(body),
        )
