"""SSRF guard: pure classification with injected resolver results, plus the real resolver."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.sources.urlguard import check_url, judge

PUBLIC = ["203.162.4.191"]  # a public Vietnamese address


@pytest.mark.parametrize(
    ("url", "addresses", "reason"),
    [
        ("https://danvan.vn/rss", PUBLIC, None),
        ("http://danvan.vn:8080/rss", ["2001:ee0:4041::1"], None),
        # not http(s) / not a URL
        ("file:///etc/passwd", PUBLIC, "scheme"),
        ("gopher://danvan.vn/", PUBLIC, "scheme"),
        ("javascript:alert(1)", PUBLIC, "scheme"),
        ("danvan.vn/rss", PUBLIC, "scheme"),
        ("https://", PUBLIC, "malformed"),
        ("https://danvan.vn:99999/", PUBLIC, "malformed"),
        ("https://dan van.vn/", PUBLIC, "malformed"),
        ("https://admin:pw@danvan.vn/", PUBLIC, "credentials"),
        # resolution results
        ("https://danvan.vn/", [], "unresolvable"),
        ("https://internal.example/", ["127.0.0.1"], "loopback"),
        ("https://internal.example/", ["::1"], "loopback"),
        ("https://internal.example/", ["10.1.2.3"], "private"),
        ("https://internal.example/", ["172.16.0.9"], "private"),
        ("https://internal.example/", ["192.168.1.1"], "private"),
        ("https://internal.example/", ["fd12:3456::1"], "private"),
        ("https://internal.example/", ["169.254.10.1"], "link_local"),
        ("https://internal.example/", ["fe80::1"], "link_local"),
        ("https://internal.example/", ["224.0.0.1"], "multicast"),
        ("https://internal.example/", ["0.0.0.0"], "unspecified"),
        ("https://internal.example/", ["240.0.0.1"], "reserved"),
        ("https://internal.example/", ["100.64.0.1"], "not_global"),
        ("https://internal.example/", ["192.0.2.1"], "private"),  # TEST-NET-1
        # one bad record among good ones is enough to refuse
        ("https://mixed.example/", ["203.162.4.191", "10.0.0.1"], "private"),
        # IPv6 wrappers around IPv4 are judged by the IPv4 inside
        ("https://internal.example/", ["::ffff:127.0.0.1"], "loopback"),
        ("https://internal.example/", ["::ffff:169.254.169.254"], "metadata"),
        ("https://internal.example/", ["2002:a00:1::1"], "private"),  # 6to4 of 10.0.0.1
        ("https://internal.example/", ["64:ff9b::a9fe:a9fe"], "metadata"),  # NAT64
        # cloud metadata by address and by name
        ("http://169.254.169.254/latest/meta-data/", ["169.254.169.254"], "metadata"),
        ("http://anything.example/", ["100.100.100.200"], "metadata"),
        ("http://metadata.google.internal/computeMetadata/v1/", PUBLIC, "metadata"),
        # local names are refused before any lookup
        ("http://localhost:8080/", PUBLIC, "loopback"),
        ("http://feeds.localhost/", PUBLIC, "loopback"),
        ("http://LOCALHOST./", PUBLIC, "loopback"),
    ],
)
def test_judge(url: str, addresses: list[str], reason: str | None) -> None:
    verdict = judge(url, addresses)
    assert verdict.reason == reason, verdict
    assert verdict.ok is (reason is None)


def test_allow_private_opens_the_intranet_but_never_metadata() -> None:
    assert judge("http://intranet.banDV/rss", ["10.0.0.5"], allow_private=True).ok
    assert judge("http://localhost:8000/rss", ["127.0.0.1"], allow_private=True).ok
    assert judge("http://x/", ["169.254.169.254"], allow_private=True).reason == "metadata"
    assert judge("http://metadata.google.internal/", ["10.0.0.5"], True).reason == "metadata"
    # ...and never other schemes
    assert judge("ftp://intranet/", ["10.0.0.5"], allow_private=True).reason == "scheme"


def test_refusal_names_the_offending_address() -> None:
    verdict = judge("https://mixed.example/", ["203.162.4.191", "10.0.0.1"])
    assert verdict.host == "mixed.example"
    assert verdict.address == "10.0.0.1"


async def test_check_url_uses_the_resolver_with_host_and_port() -> None:
    calls: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> Sequence[str]:
        calls.append((host, port))
        return {"good.example": PUBLIC, "bad.example": ["192.168.0.10"]}.get(host, [])

    assert (await check_url("https://good.example/rss", resolver=resolver)).ok
    bad = await check_url("http://bad.example:8081/rss", resolver=resolver)
    assert bad.reason == "private"
    assert calls == [("good.example", 443), ("bad.example", 8081)]
    # An address literal is judged without any lookup.
    assert (await check_url("http://10.0.0.1/", resolver=resolver)).reason == "private"
    assert (await check_url("http://[::1]:80/", resolver=resolver)).reason == "loopback"
    assert len(calls) == 2


async def test_check_url_treats_resolver_failure_and_timeout_as_unresolvable() -> None:
    async def failing(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    never = asyncio.Event()

    async def hanging(host: str, port: int) -> Sequence[str]:
        await never.wait()
        return PUBLIC

    assert (await check_url("https://nx.example/", resolver=failing)).reason == "unresolvable"
    slow = await check_url("https://slow.example/", resolver=hanging, timeout=0.05)
    assert slow.reason == "unresolvable"


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",  # resolved by /etc/hosts
        "http://2130706433/",  # 127.0.0.1 written as one decimal number
        "http://0x7f.0.0.1/",  # ...and in hex
        "http://127.1/",
    ],
)
async def test_real_resolver_sees_through_odd_spellings_of_loopback(url: str) -> None:
    verdict = await check_url(url)
    assert verdict.reason == "loopback", verdict
