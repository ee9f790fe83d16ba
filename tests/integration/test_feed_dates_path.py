"""Feed dates end up in Vietnam time through the whole path: a feed served on 127.0.0.1 ->
fetch -> parse -> article core -> SQLite. feedparser alone reads a zone-less date, "ICT" and
"GMT+7" as UTC (or not at all) and cannot tell "05/09/2026" is 5 September.

Every item below was published at 13:30 on 5 September 2026 in Vietnam (06:30 UTC), except
the two early-morning ones, which must still file under 5 September (the Vietnamese
calendar day), although it is 4 September in UTC.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.integration.test_fetch import (  # noqa: F401 - fixtures
    FeedServer,
    Opener,
    fetch_all,
    make_settings,
    open_services,
    server,
)

DATES = {
    "zone-less-iso": ("2026-09-05 13:30:00", "2026-09-05T06:30:00+00:00"),
    "zone-less-iso-t": ("2026-09-05T13:30:00", "2026-09-05T06:30:00+00:00"),
    "dotnet-us": ("9/5/2026 1:30:00 PM", "2026-09-05T06:30:00+00:00"),
    "ict": ("Sat, 05 Sep 2026 13:30:00 ICT", "2026-09-05T06:30:00+00:00"),
    "gmt-plus-7": ("Sat, 05 Sep 2026 13:30:00 GMT+7", "2026-09-05T06:30:00+00:00"),
    "rfc822-no-zone": ("Sat, 05 Sep 2026 13:30:00", "2026-09-05T06:30:00+00:00"),
    "day-first": ("05/09/2026 13:30", "2026-09-05T06:30:00+00:00"),
    "day-first-date": ("05/09/2026", "2026-09-04T17:00:00+00:00"),
    "explicit-offset": ("Sat, 05 Sep 2026 13:30:00 +0700", "2026-09-05T06:30:00+00:00"),
    "utc": ("Sat, 05 Sep 2026 06:30:00 GMT", "2026-09-05T06:30:00+00:00"),
    "early-morning": ("Sat, 05 Sep 2026 06:00:00 +0700", "2026-09-04T23:00:00+00:00"),
}


def rss(base: str) -> bytes:
    items = "".join(
        f"<item><title>Hội nghị dân vận ({key})</title><link>{base}/tin/{key}</link>"
        f"<guid>{key}</guid><pubDate>{value}</pubDate><description>Ban Dân vận Tỉnh ủy tổ chức"
        f" hội nghị giao ban công tác dân vận khối {key}, đánh giá kết quả phong trào thi đua"
        f" Dân vận khéo.</description></item>"
        for key, (value, _) in DATES.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Báo tỉnh'
        f"</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def atom(base: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Cổng Dân vận</title><id>{base}/atom</id><updated>2026-09-05T13:30:00</updated>"
        f"<entry><title>Hội nghị dân vận (atom-offset)</title><id>atom-offset</id>"
        f'<link href="{base}/tin/atom-offset"/><updated>2026-09-05T13:30:00+07:00</updated>'
        "<summary>Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban công tác dân vận.</summary>"
        f"</entry><entry><title>Hội nghị dân vận (atom-no-zone)</title><id>atom-no-zone</id>"
        f'<link href="{base}/tin/atom-no-zone"/><published>2026-09-05T06:00:00</published>'
        "<summary>Ban Dân vận Huyện ủy tổ chức hội nghị giao ban công tác dân vận.</summary>"
        "</entry></feed>"
    ).encode()


async def test_feed_dates_are_vietnam_time_from_http_to_database(
    server: FeedServer,  # noqa: F811
    tmp_path: Path,
    open_services: Opener,  # noqa: F811
) -> None:
    server.static("/rss", rss(server.base), "application/rss+xml; charset=utf-8")
    server.static("/atom", atom(server.base), "application/atom+xml")
    settings = make_settings(tmp_path, {"rss": f"{server.base}/rss", "atom": f"{server.base}/atom"})
    services = await open_services(settings)
    reports = await fetch_all(services)
    assert reports["rss"].new == len(DATES), reports["rss"].line()
    assert reports["atom"].new == 2, reports["atom"].line()

    db = sqlite3.connect(settings.database)
    rows = {
        url.rsplit("/", 1)[1]: (published, sort_date)
        for url, published, sort_date in db.execute(
            "SELECT url, published, sort_date FROM articles"
        )
    }
    db.close()
    for key, (_, expected) in DATES.items():
        assert rows[key] == (expected, "2026-09-05"), key
    assert rows["atom-offset"] == ("2026-09-05T06:30:00+00:00", "2026-09-05")
    assert rows["atom-no-zone"] == ("2026-09-04T23:00:00+00:00", "2026-09-05")
