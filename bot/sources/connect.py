"""Connections that go only where the address guard said yes. The async shell under httpx.

A guard that resolves a name and lets httpx resolve it again can be fooled: the name answers
a public address to the check and a private one to the connection (DNS rebinding). Here the
name is resolved once (:class:`AddressBook`), those addresses are judged, and the socket is
opened to one of them: httpcore asks the network backend for ``connect_tcp(name, port)``
and gets a connection to the checked IP, while TLS (SNI, certificate) and the ``Host``
header still use the name. Every new connection, for a first request or a redirect hop, is
checked this way; a kept-alive connection was checked when it was opened.

The same book gives the per-host limit its key: the address a request will connect to, so
``127.1``, ``0x7f000001`` and ``localhost`` are one host, not three.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from bot.sources.urlguard import (
    Resolver,
    Verdict,
    judge_addresses,
    literal_address,
    normal_host,
    resolve,
    system_resolver,
)

# How long an answer is reused: one polling round, about; browsers keep theirs for a minute.
ADDRESS_TTL = 60.0


class BlockedHostError(Exception):
    """The URL points at a private, loopback or otherwise internal address."""

    def __init__(self, message: str, verdict: Verdict | None = None) -> None:
        super().__init__(message)
        self.verdict = verdict


class AddressBook:
    """Resolved addresses per host name, each name looked up once per :data:`ADDRESS_TTL`
    (concurrent requests share one lookup), and judged before use."""

    def __init__(self, allow_private: bool, resolver: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self._resolver = resolver
        self._answers: dict[tuple[str, int], tuple[float, asyncio.Task[list[str]]]] = {}

    async def lookup(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` (an address literal is its own answer)."""
        host = normal_host(host)
        literal = literal_address(host)
        if literal is not None:
            return [str(literal)]
        key = (host, port)
        now = time.monotonic()
        known = self._answers.get(key)
        if known is None or known[0] < now:
            task = asyncio.ensure_future(resolve(host, port, self._resolver))
            known = self._answers[key] = (now + ADDRESS_TTL, task)
        return list(await asyncio.shield(known[1]))

    async def checked(self, host: str, port: int) -> list[str]:
        """The addresses to connect to; raises :class:`BlockedHostError` unless all pass."""
        addresses = await self.lookup(host, port)
        name = normal_host(host)
        verdict = judge_addresses(name, name, addresses, self.allow_private)
        if not verdict.ok:
            raise BlockedHostError(refusal(verdict), verdict)
        return addresses

    async def slot_key(self, host: str, port: int) -> str:
        """Which machine a request to ``host`` goes to, for the per-host limit: its IPv4
        address when it has one (``localhost`` is ``::1`` and ``127.0.0.1``, the same host as
        ``127.1``), else its first address; the name itself when it does not resolve."""
        ips = [literal_address(a) for a in await self.lookup(host, port)]
        v4 = [ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip for ip in ips if ip]
        v4 = [ip for ip in v4 if ip.version == 4] or v4
        return str(v4[0]) if v4 else normal_host(host)


_BAD_URL = {
    "scheme": "bad URL: only http and https are fetched",
    "malformed": "bad URL",
    "credentials": "bad URL: it carries a user name or password",
}


def refusal(verdict: Verdict) -> str:
    """The guard's verdict in words, for the source's progress line and last_error."""
    reason, host, address = verdict.reason, verdict.host, verdict.address
    if reason in _BAD_URL:
        return _BAD_URL[reason or ""]
    if reason == "unresolvable":
        return f"cannot resolve {host}"
    where = f"{host} ({address})" if address and address != host else host
    if reason == "metadata":
        return f"refused {where}: a cloud metadata address"
    kind = (reason or "internal").replace("_", "-")
    return f"refused {where}: a {kind} address; set [fetch] allow_private_hosts = true to allow"


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting to checked addresses only."""

    def __init__(self, book: AddressBook) -> None:
        self.book = book
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await self.book.checked(host, port):
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address may answer
        assert failure is not None  # checked() never returns an empty list
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedHostError("refused: Unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~20 ms, which a
    client per round used to pay each time."""
    return httpx.create_ssl_context()


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its error mapping and streams) over a pool that connects
    through :class:`GuardedBackend`. Proxies from the environment are not used: the guard
    must make the connection itself."""

    def __init__(self, book: AddressBook, limits: httpx.Limits) -> None:
        super().__init__(verify=tls_context(), limits=limits, trust_env=False)
        # httpx has no parameter for the network backend; its pool is replaced with the same
        # settings plus ours. A test (rebinding) fails if httpx stops using this attribute.
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx.AsyncHTTPTransport has changed: no _pool to guard")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(book),
        )
