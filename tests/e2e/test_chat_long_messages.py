"""A reply longer than Telegram's 4096 characters arrives as several valid messages, split
between paragraphs, nothing lost."""

from __future__ import annotations

from pathlib import Path

from .harness import SeedArticle, running_world, seed_articles

PARAGRAPHS = [
    f"Đoạn {i}: Ban Dân vận & Mặt trận <Tổ quốc> vận động Nhân dân tham gia xây dựng nông "
    "thôn mới, giải phóng mặt bằng, bảo đảm an sinh xã hội ở cơ sở. " * 4
    for i in range(1, 31)
]
LONG = SeedArticle(
    title="Báo cáo rất dài về công tác dân vận năm 2025",
    body="\n\n".join(PARAGRAPHS),
    published="2025-06-30",
    event_date="2025-06-30",
    provinces=(("Nghệ An", "Nghệ An"),),
    meeting_kind="tong_ket",
    summary="\n\n".join(PARAGRAPHS),  # about 11,000 characters
    url="https://nghean.example.vn/tin/bao-cao-dai",
)


async def test_a_long_summary_is_split_on_paragraphs(tmp_path: Path) -> None:
    async with running_world(tmp_path, start=False) as world:
        [article_id] = seed_articles(world.database, [LONG])
        await world.bot.start()
        user = world.person()
        await user.send(f"/tomtat {article_id}", count=3)
        await user.barrier()  # the same chat, in order: every part has been sent
        parts = user.bot_messages()[:-1]  # the last is the barrier's answer
        assert len(parts) >= 3
        assert all(len(p.plain) <= 4096 for p in parts)
        assert not world.emulator.rejected()
        shown = "\n".join(p.plain for p in parts)
        for paragraph in PARAGRAPHS:  # nothing lost, no paragraph cut in two
            assert paragraph.strip() in shown
        assert LONG.title in parts[0].plain
