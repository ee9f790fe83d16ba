"""Fetcher rules that need no server: the address guard on every redirect hop."""

from __future__ import annotations

import httpx

from bot.config import FetchSettings
from bot.sources.http import Fetcher

PUBLIC = "http://203.162.4.191"  # a public address, given literally: no DNS involved


async def test_redirect_to_an_internal_address_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data"})

    async with Fetcher(FetchSettings(), transport=httpx.MockTransport(handler)) as fetcher:
        result = await fetcher.fetch(f"{PUBLIC}/rss")
    assert seen == [f"{PUBLIC}/rss"]  # the metadata address was never requested
    assert result.error is not None and "metadata" in result.error


async def test_metadata_stays_refused_even_when_private_hosts_are_allowed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<rss/>")

    settings = FetchSettings(allow_private_hosts=True)
    async with Fetcher(settings, transport=httpx.MockTransport(handler)) as fetcher:
        private = await fetcher.fetch("http://10.0.0.5/rss")
        metadata = await fetcher.fetch("http://169.254.169.254/latest/meta-data")
    assert private.ok and private.body == b"<rss/>"
    assert metadata.error is not None and "metadata" in metadata.error


async def test_bad_urls_are_reported_not_raised() -> None:
    async with Fetcher(FetchSettings()) as fetcher:
        # http://0177.0.0.1/ is a URL httpx refuses to build (InvalidURL is no HTTPError).
        for url in (
            "file:///etc/passwd",
            "gopher://x/",
            "not a url",
            "http://",
            "http://0177.0.0.1/",
        ):
            result = await fetcher.fetch(url)
            assert result.error, url
            assert result.status == 0


async def test_a_busy_host_does_not_starve_the_others() -> None:
    """Global 2 slots, 1 per host: five requests to a stalled host leave room for another."""
    import asyncio

    stalled = asyncio.Event()
    other_done = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "203.162.4.191":
            await stalled.wait()
        else:
            other_done.set()
        return httpx.Response(200, content=b"<rss/>")

    settings = FetchSettings(concurrency=2, per_host=1, allow_private_hosts=True)
    async with Fetcher(settings, transport=httpx.MockTransport(handler)) as fetcher:
        busy = [asyncio.create_task(fetcher.fetch(f"{PUBLIC}/{i}")) for i in range(5)]
        other = asyncio.create_task(fetcher.fetch("http://203.162.4.192/rss"))
        await asyncio.wait_for(other_done.wait(), timeout=5)
        assert (await other).ok
        stalled.set()
        assert all(r.ok for r in await asyncio.gather(*busy))
