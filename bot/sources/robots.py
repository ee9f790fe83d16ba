"""robots.txt for page sources: may the bot fetch this URL? The rules are parsed by the
standard library's :mod:`urllib.robotparser`; what to do when the file is missing or the
server fails follows RFC 9309 (4xx: no rules; 5xx or no answer: fetch nothing this round).
Pure apart from :func:`load_robots`, which fetches through the bot's :class:`Fetcher` (so
the SSRF guard, size and time bounds apply to robots.txt too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from bot.sources.http import Fetcher

ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_AGENT = "danvan-bot"


@dataclass
class Robots:
    """The rules of one host; ``unreachable`` blocks everything (RFC 9309 section 2.3.1.4)."""

    parser: RobotFileParser | None = None
    unreachable: str | None = None  # why, when the file could not be read
    sitemaps: list[str] = field(default_factory=list)

    def allows(self, url: str, agent: str = ROBOTS_AGENT) -> bool:
        if self.unreachable is not None:
            return False
        return self.parser is None or self.parser.can_fetch(agent, url)


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def parse_robots(text: str) -> Robots:
    parser = RobotFileParser()
    lines = text.splitlines()
    parser.parse(lines)
    sitemaps = [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.lower().startswith("sitemap:") and line.split(":", 1)[1].strip()
    ]
    return Robots(parser, None, sitemaps)


async def load_robots(fetcher: Fetcher, url: str) -> Robots:
    """The robots.txt rules for ``url``'s host."""
    result = await fetcher.fetch(
        robots_url(url), accept="text/plain, */*;q=0.5", max_bytes=ROBOTS_MAX_BYTES
    )
    if 400 <= result.status < 500:
        return Robots()
    if result.error is not None and not (result.truncated and result.body):
        return Robots(unreachable=f"robots.txt unavailable ({result.error})")
    text = result.body.decode("utf-8", errors="replace").lstrip("\ufeff")
    return parse_robots(text)


class RobotsCache:
    """One robots.txt per host per polling round."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._hosts: dict[str, Robots] = {}

    async def get(self, url: str) -> Robots:
        key = urlsplit(url).netloc.lower()
        if key not in self._hosts:
            self._hosts[key] = await load_robots(self.fetcher, url)
        return self._hosts[key]
