"""SSRF guard: is a feed URL safe for the bot to fetch from the server it runs on?

A source added from chat (``/nguon them``) must not turn the bot into a probe of its own
network: the URL has to be http(s) and its host must resolve only to public addresses -
not loopback, private (RFC 1918, ULA), link-local, cloud metadata (169.254.169.254 and
friends), multicast, reserved or otherwise non-global - unless ``[fetch]
allow_private_hosts = true`` (an office intranet feed).

The decision is pure: :func:`judge` takes the URL and the addresses the host resolved to,
so every case is testable without DNS. :func:`check_url` is the thin async edge that does
the resolution (``loop.getaddrinfo``) and calls :func:`judge`.

A check made apart from the connection does not stop DNS rebinding (a name that answers
a public address to the check and a private one to the connection). The fetcher
(:mod:`bot.sources.http`) therefore splits the decision: :func:`precheck` on every request
and redirect hop (what the URL alone says), and :func:`judge_addresses` on the very
addresses it then connects to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

Reason = Literal[
    "scheme",  # not http or https
    "malformed",  # not parseable, no host, bad port, spaces
    "credentials",  # user:password@ in the URL
    "unresolvable",  # the host name did not resolve
    "metadata",  # a cloud metadata endpoint
    "loopback",
    "private",
    "link_local",
    "multicast",
    "reserved",
    "unspecified",
    "not_global",  # shared address space (100.64/10), documentation ranges, ...
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services. Most are link-local or private anyway; named so the refusal
# says what it is, and so allow_private_hosts never opens them.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS IPv6
    )
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


@dataclass(frozen=True)
class Verdict:
    """The answer for one URL: ``ok``, or the first reason it was refused."""

    url: str
    ok: bool
    reason: Reason | None = None
    host: str = ""
    address: str | None = None  # the offending address, when the reason is about one


Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


def classify_address(ip: IPAddress) -> Reason | None:
    """Why this address must not be fetched, or None when it is public."""
    # An IPv6 wrapper around an IPv4 address is judged by the address inside.
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is not None:
            return classify_address(inner)
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64
            return classify_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:  # before is_private, which also covers 240.0.0.0/4
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "not_global"
    return None


def split_url(url: str) -> tuple[str, int] | Verdict:
    """Host and port of an http(s) URL, or the refusal when it is not one."""
    if not url or any(c.isspace() for c in url):
        return Verdict(url, False, "malformed")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return Verdict(url, False, "malformed")
    if parts.scheme.lower() not in ("http", "https"):
        return Verdict(url, False, "scheme")
    if parts.username is not None or parts.password is not None:
        return Verdict(url, False, "credentials")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return Verdict(url, False, "malformed")
    return host, port or (443 if parts.scheme.lower() == "https" else 80)


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return None


def normal_host(host: str) -> str:
    """A host as the guard compares it: lower case, no trailing dot, no IPv6 brackets."""
    return host.strip("[]").rstrip(".").lower()


def precheck(url: str, allow_private: bool = False) -> Verdict:
    """What the URL alone decides: scheme, credentials, names that are always internal, and
    address literals. ``ok`` for a host name means its addresses are still to be judged."""
    split = split_url(url)
    if isinstance(split, Verdict):
        return split
    host, _ = split
    if host in METADATA_HOSTS:
        return Verdict(url, False, "metadata", host)
    if not allow_private and (host in _LOCAL_NAMES or host.endswith(".localhost")):
        return Verdict(url, False, "loopback", host)
    if literal_address(host) is not None:
        return judge_addresses(url, host, [host], allow_private)
    return Verdict(url, True, None, host)


def judge_addresses(
    url: str, host: str, addresses: Sequence[str], allow_private: bool = False
) -> Verdict:
    """Every address ``host`` resolved to must be acceptable: a host with one public and
    one private record is refused, since a connection might go to either."""
    if not addresses:
        return Verdict(url, False, "unresolvable", host)
    for text in addresses:
        ip = literal_address(text)
        if ip is None:
            return Verdict(url, False, "malformed", host, text)
        reason = classify_address(ip)
        if reason == "metadata" or (reason is not None and not allow_private):
            return Verdict(url, False, reason, host, str(ip))
    return Verdict(url, True, None, host)


def judge(url: str, addresses: Sequence[str], allow_private: bool = False) -> Verdict:
    """Pure decision for ``url`` whose host resolved to ``addresses`` (strings, any family)."""
    verdict = precheck(url, allow_private)
    if not verdict.ok or literal_address(verdict.host) is not None:
        return verdict
    return judge_addresses(url, verdict.host, addresses, allow_private)


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, via the system resolver, in its order of
    preference (RFC 6724), each once."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_url(
    url: str,
    allow_private: bool = False,
    resolver: Resolver = system_resolver,
    timeout: float = 5.0,
) -> Verdict:
    """Resolve the URL's host (unless it is an address already) and :func:`judge` it."""
    verdict = precheck(url, allow_private)
    if not verdict.ok or literal_address(verdict.host) is not None:
        return verdict
    split = split_url(url)
    assert not isinstance(split, Verdict)  # precheck passed
    addresses = await resolve(verdict.host, split[1], resolver, timeout)
    return judge_addresses(url, verdict.host, addresses, allow_private)


async def resolve(
    host: str, port: int, resolver: Resolver = system_resolver, timeout: float = 5.0
) -> list[str]:
    """The addresses of ``host``; empty when it does not resolve in time."""
    try:
        return list(await asyncio.wait_for(resolver(host, port), timeout))
    except (OSError, TimeoutError, UnicodeError):
        return []
