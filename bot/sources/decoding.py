"""Content-Encoding decoding that never produces more than it is asked for. Pure.

httpx inflates each chunk it reads in one call: 64 KB of a gzip bomb becomes 64 MB before
any size check can look at it. Here every stage inflates with zlib's ``max_length``, so a
piece is at most :data:`PIECE` bytes and the caller stops reading the moment its cap is
reached: memory stays near the cap whatever the compression ratio.

Only the encodings the fetcher asks for (``gzip``, ``deflate``) are decoded; a server that
sends another one anyway gets an error, not an unbounded decoder.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"


class DecodingError(Exception):
    """The body is not valid data of its declared encoding, or the encoding is unknown."""


class _Inflater:
    """One zlib stage: gzip, or deflate with or without its zlib header."""

    def __init__(self, coding: str) -> None:
        gzip = coding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        # Many servers send "deflate" as a raw stream without the zlib header.
        self._may_be_raw = not gzip
        self._coding = coding

    def feed(self, data: bytes) -> Iterator[bytes]:
        z = self._zlib
        if z.eof:  # data after the end of the stream is ignored, as httpx does
            return
        try:
            out = z.decompress(data, PIECE)
        except zlib.error as exc:
            if not self._may_be_raw:
                raise DecodingError(f"bad {self._coding} data: {exc}") from None
            self._zlib = z = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                out = z.decompress(data, PIECE)
            except zlib.error as exc2:
                raise DecodingError(f"bad {self._coding} data: {exc2}") from None
        self._may_be_raw = False
        try:
            while True:
                if out:
                    yield out
                # A full piece may leave output pending inside zlib even with no input left.
                if z.eof or (not z.unconsumed_tail and len(out) < PIECE):
                    return
                out = z.decompress(z.unconsumed_tail, PIECE)
        except zlib.error as exc:
            raise DecodingError(f"bad {self._coding} data: {exc}") from None


def _through(stage: _Inflater, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from stage.feed(piece)


class BoundedDecoder:
    """Decodes a body chunk by chunk for a ``Content-Encoding`` header value; lazily, so
    the caller that stops iterating stops the inflating."""

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise DecodingError(f"unsupported content encoding: {coding}"[:100])
        # Applied in the order listed, so undone in reverse.
        self._stages = [_Inflater(c) for c in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of the next raw chunk, each at most :data:`PIECE` bytes
        (or the chunk itself when there is nothing to decode)."""
        pieces: Iterator[bytes] = iter((data,))
        for stage in self._stages:
            pieces = _through(stage, pieces)
        return pieces
