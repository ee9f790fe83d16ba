"""The fetcher against a hostile server on 127.0.0.1: gzip bombs, DNS rebinding, host spellings.

Real HTTP through the bot's own Fetcher. Names that no DNS knows (``*.rebind.test``) are
answered by a resolver injected at the lookup seam, so a name can change its answer the way
a rebinding attacker's DNS server would.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import tracemalloc
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.config import FetchSettings
from bot.sources.connect import AddressBook
from bot.sources.http import Fetcher

MIB = 1024 * 1024
FEED = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Dân vận</title>'
    "<item><title>Hội nghị</title><link>https://x.example/1</link></item></channel></rss>"
).encode()


def gzip_bomb(wire_bytes: int, wbits: int = 31) -> bytes:
    """Zeros, ~1,000x compressed. After a full flush equal input compresses to equal bytes,
    so one compressed MiB repeated makes a bomb without compressing gigabytes."""
    zeros = bytes(MIB)
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    head = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    piece = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    return head + piece * (wire_bytes // len(piece))


@dataclass
class Route:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, str]] = []  # (path, Host header)
        self.accept_encoding: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.seen.append((self.path, self.headers.get("Host", "")))
                server.accept_encoding.append(self.headers.get("Accept-Encoding", ""))
                route = server.routes.get(self.path, Route(b"not found", status=404))
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                # The client may stop reading: what a bounded fetcher does.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def paths(self) -> list[str]:
        return [p for p, _ in self.seen]


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def settings(**options: object) -> FetchSettings:
    values: dict[str, object] = {"allow_private_hosts": True, "timeout_seconds": 20.0}
    values.update(options)
    return FetchSettings(**values)  # type: ignore[arg-type]


# --- decompression is bounded as it happens -----------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [("gzip", 31), ("deflate", 15), ("deflate", -15)],  # deflate with and without zlib header
)
async def test_a_compression_bomb_costs_about_the_cap_in_memory(
    server: Server, encoding: str, wbits: int
) -> None:
    bomb = gzip_bomb(MIB // 2, wbits)  # 0.5 MiB on the wire, ~0.5 GiB inflated
    server.routes["/bomb"] = Route(bomb, {"Content-Encoding": encoding})
    cap = MIB
    gc.collect()
    tracemalloc.start()
    try:
        async with Fetcher(settings(max_bytes=2 * MIB)) as fetcher:
            result = await fetcher.fetch(f"{server.base}/bomb", max_bytes=cap)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.truncated and len(result.body) == cap
    assert result.error is not None and "too large" in result.error
    assert set(result.body) == {0}
    # Before: one 64 KiB read inflated to 64 MiB at once (300 MB for a 2 MB bomb).
    assert peak < 6 * cap, f"peak {peak / MIB:.1f} MiB"


async def test_a_bomb_inside_a_bomb_is_bounded_too(server: Server) -> None:
    inner = gzip_bomb(MIB)  # ~1 GiB of zeros once inflated twice
    outer = zlib.compress(inner, 9)
    server.routes["/nested"] = Route(outer, {"Content-Encoding": "gzip, deflate"})
    gc.collect()
    tracemalloc.start()
    try:
        async with Fetcher(settings()) as fetcher:
            result = await fetcher.fetch(f"{server.base}/nested", max_bytes=MIB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.truncated and len(result.body) == MIB
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"


async def test_a_redirect_body_is_never_read(server: Server) -> None:
    """httpx reads (and inflates) a redirect's whole body before following it; we don't."""
    server.routes["/moved"] = Route(
        gzip_bomb(MIB),
        {"Location": "/feed", "Content-Encoding": "gzip"},
        status=302,
    )
    server.routes["/feed"] = Route(FEED, {"Content-Type": "application/rss+xml"})
    gc.collect()
    tracemalloc.start()
    try:
        async with Fetcher(settings()) as fetcher:
            result = await fetcher.fetch(f"{server.base}/moved")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.ok and result.body == FEED and result.url.endswith("/feed")
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", lambda b: zlib.compress(b, 6, wbits=31)),
        ("x-gzip", lambda b: zlib.compress(b, 6, wbits=31)),
        ("deflate", lambda b: zlib.compress(b, 6)),
        ("deflate", lambda b: zlib.compress(b, 6, wbits=-15)),
        ("gzip, gzip", lambda b: zlib.compress(zlib.compress(b, 6, wbits=31), 6, wbits=31)),
        ("identity", lambda b: b),
    ],
)
async def test_encoded_bodies_decode_exactly(server: Server, encoding: str, encode: object) -> None:
    assert callable(encode)
    body = FEED * 2000  # several pieces once inflated
    server.routes["/feed"] = Route(encode(body), {"Content-Encoding": encoding})
    async with Fetcher(settings()) as fetcher:
        result = await fetcher.fetch(f"{server.base}/feed")
    assert result.ok, result.error
    assert result.body == body


async def test_unknown_or_broken_encodings_are_errors_not_crashes(server: Server) -> None:
    server.routes["/br"] = Route(b"\x1b\x00\x00", {"Content-Encoding": "br"})
    server.routes["/bad"] = Route(b"not gzip at all", {"Content-Encoding": "gzip"})
    async with Fetcher(settings()) as fetcher:
        br = await fetcher.fetch(f"{server.base}/br")
        bad = await fetcher.fetch(f"{server.base}/bad")
    assert br.error == "unsupported content encoding: br"
    assert bad.error is not None and "bad gzip data" in bad.error


async def test_the_fetcher_asks_only_for_what_it_decodes(server: Server) -> None:
    server.routes["/feed"] = Route(FEED)
    async with Fetcher(settings()) as fetcher:
        assert (await fetcher.fetch(f"{server.base}/feed")).ok
    assert server.accept_encoding == ["gzip, deflate"]


# --- the address connected to is the address checked (DNS rebinding) ------------------------


class FlippingResolver:
    """Answers ``first`` to the first lookup of a name and ``then`` to every later one: what
    a rebinding attacker's DNS server does with a zero TTL."""

    def __init__(self, first: Sequence[str], then: Sequence[str]) -> None:
        self.first, self.then = list(first), list(then)
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append((host, port))
        return self.first if len(self.calls) == 1 else self.then


async def test_the_connection_goes_to_the_address_that_was_checked(server: Server) -> None:
    """A name answers 127.0.0.1 (allowed here) once, then the metadata address. The one
    answer is judged and connected to; the second is never asked for."""
    server.routes["/rss"] = Route(FEED)
    resolver = FlippingResolver(["127.0.0.1"], ["169.254.169.254"])
    url = f"http://feeds.rebind.test:{server.port}/rss"
    async with Fetcher(settings(), resolver=resolver) as fetcher:
        first = await fetcher.fetch(url)
        again = await fetcher.fetch(url)  # the same answer, not a new lookup
    assert first.ok and first.body == FEED, first.error
    assert again.ok
    assert resolver.calls == [("feeds.rebind.test", server.port)]
    # TLS and virtual hosting still see the name, not the address.
    assert server.seen == [("/rss", f"feeds.rebind.test:{server.port}")] * 2


async def test_a_name_that_turns_internal_is_refused_before_connecting(server: Server) -> None:
    """The flip happens between two rounds (a new fetcher, a new lookup): refused."""
    server.routes["/rss"] = Route(FEED)
    resolver = FlippingResolver(["127.0.0.1"], ["169.254.169.254"])
    url = f"http://feeds.rebind.test:{server.port}/rss"
    async with Fetcher(settings(), resolver=resolver) as fetcher:
        assert (await fetcher.fetch(url)).ok
    async with Fetcher(settings(), resolver=resolver) as fetcher:
        flipped = await fetcher.fetch(url)
    assert flipped.error is not None and "metadata" in flipped.error
    assert server.paths() == ["/rss"]  # the second round never connected


async def test_private_answers_are_refused_at_connect_time(server: Server) -> None:
    """Without allow_private_hosts a public-looking name that answers loopback (or a mix of
    public and loopback) is refused: nothing reaches the server."""
    server.routes["/rss"] = Route(FEED)
    for answer in (["127.0.0.1"], ["203.162.4.191", "127.0.0.1"], ["::ffff:127.0.0.1"]):
        resolver = FlippingResolver(answer, answer)
        async with Fetcher(settings(allow_private_hosts=False), resolver=resolver) as fetcher:
            result = await fetcher.fetch(f"http://feeds.rebind.test:{server.port}/rss")
        assert result.error is not None and "loopback" in result.error, answer
    assert server.seen == []


async def test_a_redirect_to_a_rebinding_name_is_checked_when_it_connects(server: Server) -> None:
    server.routes["/rss"] = Route(
        b"", {"Location": f"http://evil.rebind.test:{server.port}/secret"}, status=302
    )
    answers = {"feeds.rebind.test": ["127.0.0.1"], "evil.rebind.test": ["169.254.169.254"]}

    async def resolver(host: str, port: int) -> Sequence[str]:
        return answers[host]

    async with Fetcher(settings(), resolver=resolver) as fetcher:
        result = await fetcher.fetch(f"http://feeds.rebind.test:{server.port}/rss")
    assert result.error is not None and "metadata" in result.error
    assert server.paths() == ["/rss"]


# --- one host, however it is spelled -------------------------------------------------------


async def test_spellings_of_one_host_share_one_per_host_slot() -> None:
    """The per-host limit is keyed on the address: eight spellings of 127.0.0.1 are one host
    (before, each spelling had its own slots: eight bombs at once cost 594 MB)."""
    book = AddressBook(allow_private=True)
    spellings = [
        "127.0.0.1",
        "127.1",
        "127.0.1",
        "0x7f000001",
        "2130706433",
        "localhost",
        "::ffff:127.0.0.1",
        "127.0.0.1.",
    ]
    keys = {await book.slot_key(host, 80) for host in spellings}
    assert keys == {"127.0.0.1"}
    assert await book.slot_key("203.162.4.191", 80) == "203.162.4.191"
