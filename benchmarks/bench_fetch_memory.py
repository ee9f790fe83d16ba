"""Peak memory of hostile fetches: ``.venv/bin/python benchmarks/bench_fetch_memory.py``.

A server on 127.0.0.1 (in this process) serves a normal 1 MiB feed and a gzip bomb (2 MiB on
the wire, 2 GiB inflated). Each case runs the bot's :class:`Fetcher` in a fresh child process
and reports the child's peak resident memory (``ru_maxrss``) and its traced Python peak:

- normal: one fetch of the 1 MiB feed;
- bomb: one fetch of the bomb;
- bomb x 8 spellings: the bomb fetched at once through eight spellings of 127.0.0.1
  (``127.1``, ``0x7f000001``, ``2130706433``, ...), which the per-host limit must see as one
  host.

Options: ``--rounds N`` (default 3) children per case; the table quotes medians.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SPELLINGS = (
    "127.0.0.1",
    "127.1",
    "0x7f000001",
    "2130706433",
    "[::ffff:127.0.0.1]",
    "127.0.1",
    "localhost",
    "127.0.0.1.",
)

CHILD = r"""
import asyncio, json, resource, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
from bot.config import FetchSettings
from bot.sources.http import Fetcher

async def main(urls):
    settings = FetchSettings(allow_private_hosts=True, timeout_seconds=60.0)
    async with Fetcher(settings) as fetcher:
        async def one(url):  # keeps what a caller keeps after parsing: not the body
            result = await fetcher.fetch(url)
            return len(result.body), result.error
        return await asyncio.gather(*(one(u) for u in urls))

urls = json.loads(sys.argv[2])
tracemalloc.start()
outcome = asyncio.run(main(urls))
traced = tracemalloc.get_traced_memory()[1]
rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rss": rss_kib / 1024, "traced": traced / 1024 / 1024, "outcome": outcome}))
"""


def gzip_bomb(mib_on_wire: int) -> bytes:
    """A gzip stream of zeros, ~1,000x: after a full flush, equal input gives equal bytes, so
    one compressed MiB repeated makes the bomb without compressing gigabytes."""
    zeros = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    piece = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    return head + piece * (mib_on_wire * 1024 * 1024 // len(piece))


def normal_feed(size: int) -> bytes:
    item = (
        "<item><title>Hội nghị sơ kết công tác dân vận {i}</title>"
        "<link>https://baotinh.example/bai-{i}.html</link><description>"
        + "Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết. " * 20
        + "</description></item>"
    )
    items, total, i = [], 0, 0
    while total < size:
        items.append(item.format(i=i))
        total += len(items[-1].encode("utf-8"))
        i += 1
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            + "".join(items) + "</channel></rss>").encode("utf-8")  # fmt: skip


class Server:
    def __init__(self, routes: dict[str, tuple[bytes, dict[str, str]]]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, headers = routes.get(self.path, (b"", {}))
                self.send_response(200 if body else 404)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def child(urls: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO), json.dumps(urls)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    bomb = gzip_bomb(2)
    feed = normal_feed(1 << 20)
    server = Server(
        {
            "/feed.xml": (feed, {"Content-Type": "application/rss+xml"}),
            "/bomb.xml": (bomb, {"Content-Type": "text/xml", "Content-Encoding": "gzip"}),
        }
    )
    port = server.port
    cases = {
        "normal feed (1 MiB)": [f"http://127.0.0.1:{port}/feed.xml"],
        "gzip bomb (2 MiB -> 2 GiB)": [f"http://127.0.0.1:{port}/bomb.xml"],
        "gzip bomb x 8 spellings of 127.0.0.1": [
            f"http://{host}:{port}/bomb.xml" for host in SPELLINGS
        ],
    }
    try:
        print(f"{'case':40} {'peak RSS MiB':>13} {'traced MiB':>11}  outcome")
        for label, urls in cases.items():
            runs = [child(urls) for _ in range(args.rounds)]
            rss = statistics.median(r["rss"] for r in runs)
            traced = statistics.median(r["traced"] for r in runs)
            outcome = runs[-1]["outcome"]
            first = outcome[0] if isinstance(outcome, list) else outcome
            print(f"{label:40} {rss:13.1f} {traced:11.1f}  {first}")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
