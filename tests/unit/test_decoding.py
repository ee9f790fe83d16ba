"""Bounded Content-Encoding decoding: pieces never exceed PIECE, whatever the ratio."""

from __future__ import annotations

import itertools
import zlib

import pytest

from bot.sources.decoding import PIECE, BoundedDecoder, DecodingError


def test_a_bomb_chunk_comes_out_in_bounded_pieces_and_lazily() -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = comp.compress(bytes(64 * 1024 * 1024)) + comp.flush()  # 64 MiB in ~64 KiB
    pieces = BoundedDecoder("gzip").feed(chunk)
    first = list(itertools.islice(pieces, 10))  # only what is asked for gets inflated
    assert [len(p) for p in first] == [PIECE] * 10
    assert max(len(p) for p in pieces) <= PIECE  # ...and the rest, bounded too


def test_split_input_decodes_the_same_as_whole() -> None:
    data = "Hội nghị sơ kết công tác dân vận ".encode() * 5000
    wire = zlib.compress(data, 6, wbits=31)
    decoder = BoundedDecoder("gzip")
    out = b"".join(p for i in range(0, len(wire), 7) for p in decoder.feed(wire[i : i + 7]))
    assert out == data


def test_data_after_the_end_of_the_stream_is_ignored() -> None:
    wire = zlib.compress(b"feed", wbits=31) + b"trailing junk"
    assert b"".join(BoundedDecoder("gzip").feed(wire)) == b"feed"


@pytest.mark.parametrize("header", ["br", "zstd", "compress", "gzip, br"])
def test_encodings_we_do_not_ask_for_are_refused(header: str) -> None:
    with pytest.raises(DecodingError, match="unsupported content encoding"):
        BoundedDecoder(header)


@pytest.mark.parametrize("header", [None, "", "identity", " Identity "])
def test_no_encoding_passes_bytes_through(header: str | None) -> None:
    assert list(BoundedDecoder(header).feed(b"<rss/>")) == [b"<rss/>"]
