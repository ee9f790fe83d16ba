"""Polite, bounded HTTP GETs for feeds and article pages (httpx). The async shell.

Bounded everywhere: a global and a per-host concurrency limit (the host is the address a
request connects to, however the URL spells it), connect/read timeouts plus an overall
deadline per request (a server that trickles bytes cannot hold a slot), a size cap on the
decoded body enforced as it is inflated (a gzip bomb stops at the cap, :mod:`decoding`), at
most ``MAX_REDIRECTS`` redirects whose bodies are never read, and private/loopback
addresses refused on every hop and on the address actually connected to (``urlguard``,
:mod:`connect`) unless ``allow_private_hosts``.
``fetch`` never raises for network trouble: it returns a result that says what went wrong.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType

import httpx

from bot.config import FetchSettings
from bot.sources.connect import AddressBook, BlockedHostError, GuardedTransport, refusal
from bot.sources.decoding import ACCEPT_ENCODING, PIECE, BoundedDecoder, DecodingError
from bot.sources.urlguard import Resolver, precheck, split_url, system_resolver

__all__ = ["FEED_ACCEPT", "PAGE_ACCEPT", "BlockedHostError", "FetchResult", "Fetcher"]

MAX_REDIRECTS = 5
CHUNK = PIECE
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int = 0  # HTTP status; 0 when no response arrived
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    truncated: bool = False  # the body was cut at the size cap
    error: str | None = None  # why this is not a usable response, in words
    retry_after: float | None = None  # seconds, from a 429/503 Retry-After
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BlockedHostError | DecodingError):
        return str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timed out waiting for the server"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, httpx.ConnectError):
        detail = str(exc) or "connection refused"
        return f"cannot connect: {detail}"[:200]
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        return f"bad URL: {exc}"[:200]
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]


async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    if response.is_stream_consumed:
        yield response.content
        return
    async for raw in response.aiter_raw(CHUNK):
        yield raw


class Fetcher:
    """One httpx client and its limits, for one polling round (``async with Fetcher(...)``).

    ``transport`` replaces the network (tests); the address guard then sees only URLs, as
    nothing is resolved. ``resolver`` replaces DNS for the guarded connection (tests).
    """

    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        resolver: Resolver = system_resolver,
    ):
        self.settings = settings
        self._global = asyncio.Semaphore(max(1, settings.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._book = AddressBook(settings.allow_private_hosts, resolver)
        total = float(settings.timeout_seconds)
        limits = httpx.Limits(
            max_connections=max(1, settings.concurrency), max_keepalive_connections=4
        )
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Language": "vi,en;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            timeout=httpx.Timeout(total, connect=min(10.0, total)),
            follow_redirects=False,  # followed in _get, without reading redirect bodies
            limits=limits,
            event_hooks={"request": [self._check_url]},
            transport=transport or GuardedTransport(self._book, limits),
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _check_url(self, request: httpx.Request) -> None:
        """What the URL alone refuses, for the first request and every redirect hop; the
        addresses are judged when the connection is made."""
        verdict = precheck(str(request.url), self.settings.allow_private_hosts)
        if not verdict.ok:
            raise BlockedHostError(refusal(verdict), verdict)

    async def _host_slot(self, url: str) -> asyncio.Semaphore:
        split = split_url(url)
        key = "" if not isinstance(split, tuple) else await self._book.slot_key(*split)
        if key not in self._hosts:
            self._hosts[key] = asyncio.Semaphore(max(1, self.settings.per_host))
        return self._hosts[key]

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` within every bound. Conditional when ``etag``/``last_modified`` given."""
        verdict = precheck(url, self.settings.allow_private_hosts)
        if not verdict.ok:  # before any lookup: a metadata name is not even resolved
            return FetchResult(url=url, error=refusal(verdict))
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        cap = max_bytes if max_bytes is not None else self.settings.max_bytes
        started = time.monotonic()
        # Host slot first: a task waiting for a busy host must not hold a global slot.
        async with await self._host_slot(url), self._global:
            try:
                async with asyncio.timeout(float(self.settings.timeout_seconds)):
                    result = await self._get(url, headers, cap)
            except (
                httpx.HTTPError,
                httpx.InvalidURL,
                BlockedHostError,
                DecodingError,
                TimeoutError,
                OSError,
                ValueError,
            ) as exc:
                result = FetchResult(url=url, error=_describe(exc))
        return replace(result, elapsed=time.monotonic() - started)

    async def _get(self, url: str, headers: dict[str, str], cap: int) -> FetchResult:
        request = self._client.build_request("GET", url, headers=headers)
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._client.send(request, stream=True)
            try:
                if response.next_request is None:
                    return await self._read(response, cap)
                # A redirect: its body is never read (httpx would read, and inflate, all
                # of it); the next hop passes the URL check and the connection guard again.
                request = response.next_request
            finally:
                await response.aclose()
        raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)

    async def _read(self, response: httpx.Response, cap: int) -> FetchResult:
        base = FetchResult(
            url=str(response.url),
            status=response.status_code,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
        if response.status_code == 304:
            return base
        if response.status_code >= 400:
            reason = response.reason_phrase or ""
            return replace(
                base,
                error=f"HTTP {response.status_code} {reason}".strip(),
                retry_after=_retry_after(response.headers.get("retry-after")),
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            size, limit = _size_text(int(declared)), _size_text(cap)
            error = f"too large: {size} declared, limit {limit}"
            return replace(base, truncated=True, error=error)
        in_memory = response.is_stream_consumed  # a test transport's body, decoded already
        decoder = BoundedDecoder(None if in_memory else response.headers.get("content-encoding"))
        body = bytearray()
        on_wire = 0
        async for raw in _raw_chunks(response):
            on_wire += len(raw)
            # Decoded piece by piece: never more than one piece past the cap in memory.
            for piece in decoder.feed(raw):
                room = cap - len(body)
                if len(piece) > room:
                    body += piece[:room]
                    cut = f"too large: cut off at {_size_text(cap)}"
                    return replace(base, body=bytes(body), truncated=True, error=cut)
                body += piece
            if on_wire > cap:  # compressed data that inflates to less than it weighs
                cut = f"too large: more than {_size_text(cap)} sent"
                return replace(base, body=bytes(body), truncated=True, error=cut)
        return replace(base, body=bytes(body))
