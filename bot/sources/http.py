"""Polite, bounded HTTP GETs for feeds and article pages (httpx). The async shell.

Bounded everywhere: a global and a per-host concurrency limit, connect/read timeouts plus an
overall deadline per request (a server that trickles bytes cannot hold a slot), a streamed
size cap (a 50 MB answer is cut off, never loaded whole), at most ``MAX_REDIRECTS``
redirects, and private/loopback addresses refused on every hop (``urlguard``) unless
``allow_private_hosts``.
``fetch`` never raises for network trouble: it returns a result that says what went wrong.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from bot.config import FetchSettings
from bot.sources.urlguard import check_url

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


class BlockedHostError(Exception):
    """The URL points at a private, loopback or otherwise internal address."""


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
    if isinstance(exc, BlockedHostError):
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
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"bad URL: {exc}"[:200]
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}"[:200]
    return f"{type(exc).__name__}: {exc}"[:200]


_BAD_URL = {
    "scheme": "bad URL: only http and https are fetched",
    "malformed": "bad URL",
    "credentials": "bad URL: it carries a user name or password",
}


def _refusal(reason: str | None, host: str, address: str | None) -> str:
    """The guard's verdict in words, for the source's progress line and last_error."""
    if reason in _BAD_URL:
        return _BAD_URL[reason or ""]
    if reason == "unresolvable":
        return f"cannot resolve {host}"
    where = f"{host} ({address})" if address and address != host else host
    if reason == "metadata":
        return f"refused {where}: a cloud metadata address"
    kind = (reason or "internal").replace("_", "-")
    return f"refused {where}: a {kind} address; set [fetch] allow_private_hosts = true to allow"


class Fetcher:
    """One httpx client and its limits, for one polling round (``async with Fetcher(...)``)."""

    def __init__(self, settings: FetchSettings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._global = asyncio.Semaphore(max(1, settings.concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        total = float(settings.timeout_seconds)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": settings.user_agent, "Accept-Language": "vi,en;q=0.5"},
            timeout=httpx.Timeout(total, connect=min(10.0, total)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            limits=httpx.Limits(
                max_connections=max(1, settings.concurrency), max_keepalive_connections=4
            ),
            event_hooks={"request": [self._check_host]},
            transport=transport,
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

    async def _check_host(self, request: httpx.Request) -> None:
        """Refuse internal addresses, for the first request and every redirect hop."""
        verdict = await check_url(str(request.url), self.settings.allow_private_hosts)
        if not verdict.ok:
            raise BlockedHostError(_refusal(verdict.reason, verdict.host, verdict.address))

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(max(1, self.settings.per_host))
        return self._hosts[host]

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
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        cap = max_bytes if max_bytes is not None else self.settings.max_bytes
        started = time.monotonic()
        # Host slot first: a task waiting for a busy host must not hold a global slot.
        async with self._host_slot(url), self._global:
            try:
                async with asyncio.timeout(float(self.settings.timeout_seconds)):
                    result = await self._get(url, headers, cap)
            except (httpx.HTTPError, BlockedHostError, TimeoutError, OSError, ValueError) as exc:
                result = FetchResult(url=url, error=_describe(exc))
        return replace(result, elapsed=time.monotonic() - started)

    async def _get(self, url: str, headers: dict[str, str], cap: int) -> FetchResult:
        async with self._client.stream("GET", url, headers=headers) as response:
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
            chunks: list[bytes] = []
            size_read = 0
            async for chunk in response.aiter_bytes(CHUNK):
                size_read += len(chunk)
                if size_read > cap:
                    chunks.append(chunk[: len(chunk) - (size_read - cap)])
                    return replace(
                        base,
                        body=b"".join(chunks),
                        truncated=True,
                        error=f"too large: cut off at {_size_text(cap)}",
                    )
                chunks.append(chunk)
            return replace(base, body=b"".join(chunks))
