"""Article files -> raw articles: plain text (like ``seeds/``) or Markdown with front matter.

Front matter is a small ``key: value`` block between ``---`` lines at the top::

    ---
    title: Tiếp tục đổi mới phương thức hoạt động của ban dân vận các cấp
    url: https://baobackan.vn/...
    published: 2023-07-05
    source: Báo Bắc Kạn
    ---
    (article text)

Known keys: title, url, published (date or ISO datetime; dates are read in Vietnam time),
source (defaults to the file name), province (a hint, never used as an extracted fact).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from time import sleep

from bot.articles.model import Article, RawArticle
from bot.articles.pipeline import process
from bot.store import index
from bot.store.articles import save_many_sync
from bot.store.tx import write_sync
from bot.text.dates import VN_TZ
from bot.text.normalize import clean_nfc
from bot.text.provinces import Gazetteer
from bot.text.substance import lacks_substance

ARTICLE_SUFFIXES = (".md", ".txt", ".markdown")
_SKIP_NAMES = {"readme.md", "license", "license.md", "notice.md", "sources.md"}
MAX_FILE_BYTES = 2 * 1024 * 1024


class ArticleFileError(ValueError):
    """A file that cannot be read as an article; the message says why."""


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` front matter from the body. No front matter: ({}, text)."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return meta, "\n".join(lines[i + 1 :])
        key, sep, value = line.partition(":")
        if sep and key.strip():
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[key.strip().lower()] = value
    return {}, text  # no closing line: it was not front matter


def parse_published(value: str | None) -> datetime | None:
    """A front-matter date: ``2023-07-05`` (Vietnam midnight) or an ISO datetime."""
    if not value:
        return None
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime.combine(d, time(0, 0), VN_TZ).astimezone(UTC)
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(UTC)


def read_article_file(path: Path) -> RawArticle:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleFileError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleFileError(f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    if b"\x00" in data[:4096]:
        raise ArticleFileError("binary file, not article text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleFileError("not UTF-8 text") from None
    text = clean_nfc(text)
    meta, body = parse_front_matter(text)
    if not body.strip():
        raise ArticleFileError("no article text")
    return RawArticle(
        text=body,
        source=meta.get("source") or path.name,
        title=meta.get("title") or None,
        url=meta.get("url") or None,
        published=parse_published(meta.get("published")),
        province_hint=meta.get("province") or None,
        all_relevant=True,  # see import_paths
    )


def iter_article_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to import: the files given, and article files found under folders given."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if (
                    found.is_file()
                    and found.suffix.lower() in ARTICLE_SUFFIXES
                    and found.name.lower() not in _SKIP_NAMES
                    and not any(part.startswith(".") for part in found.parts)
                ):
                    yield found
        else:
            yield path


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.duplicate + len(self.failed)


def read_for_import(path: Path) -> RawArticle:
    """An article file, refused when it has no substance (``bot.text.substance``): a file
    holding only "hello" is not news. ``extract`` reads files without this check."""
    raw = read_article_file(path)
    # A title from the front matter counts: a titled note with a short body is still news.
    problem = lacks_substance(f"{raw.title or ''}\n{raw.text}")
    if problem is not None:
        raise ArticleFileError(problem)
    return raw


def _read_and_process(path: Path, all_relevant: bool = True) -> Article | str:
    """One file through the core; an error message instead of an exception (for pools)."""
    try:
        raw = read_for_import(path)
        if not all_relevant:
            raw = replace(raw, all_relevant=False)
        return process(raw, Gazetteer.load())
    except ArticleFileError as exc:
        return str(exc)


def exit_with_parent() -> None:
    """Pool initializer: end this worker as soon as the process that started it is gone.

    A pool worker waits on its task queue; after a SIGKILL of ``danvan-bot import`` nobody
    would ever write to it again, and it would wait forever. Watching the parent id (it
    changes when the worker is re-parented) works with every start method.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes for the CPU-bound core, which exit with their parent."""
    return ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent)


def process_many(raws: Iterable[RawArticle], workers: int = 1) -> Iterator[Article]:
    """The pure core over many articles, in order, on ``workers`` processes when > 1."""
    if workers <= 1:
        gazetteer = Gazetteer.load()
        yield from (process(raw, gazetteer) for raw in raws)
        return
    with worker_pool(workers) as pool:
        yield from pool.map(_process_with_default_gazetteer, raws, chunksize=64)


def _process_with_default_gazetteer(raw: RawArticle) -> Article:
    return process(raw, Gazetteer.load())


def import_paths(
    conn: sqlite3.Connection,
    paths: Iterable[Path],
    now: datetime,
    *,
    workers: int | None = None,
    batch_size: int = 500,
    all_relevant: bool = True,
) -> ImportReport:
    """Read, clean, extract and store every article file under ``paths``; one bad file is
    reported and skipped, never fatal. Large imports use one process per core for the
    (CPU-bound) core while this process writes, one transaction per batch.

    Files are dân vận news by default (someone chose them: the bundled content, a Ban's
    archive); ``all_relevant=False`` lets the relevance classifier decide, as for a general
    feed. The classifier's opinion is stored either way."""
    read = partial(_read_and_process, all_relevant=all_relevant)
    files = list(iter_article_files(paths))
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(files) >= 200 else 1
    report = ImportReport()
    batch: list[Article] = []
    results: Iterable[Article | str]
    if workers > 1:
        pool = worker_pool(workers)
        results = pool.map(read, files, chunksize=32)
    else:
        pool = None
        results = map(read, files)
    try:
        for path, result in zip(files, results, strict=True):
            if isinstance(result, str):
                report.failed.append((str(path), result))
                continue
            batch.append(result)
            if len(batch) >= batch_size:
                _store(conn, batch, now, report)
                batch = []
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if batch:
        _store(conn, batch, now, report)
    if report.new + report.updated >= index.OPTIMIZE_AFTER:
        write_sync(conn, index.optimize)
    return report


def _store(
    conn: sqlite3.Connection, batch: list[Article], now: datetime, report: ImportReport
) -> None:
    for result in save_many_sync(conn, batch, now):
        if result.status == "new":
            report.new += 1
        elif result.status == "updated":
            report.updated += 1
        else:
            report.duplicate += 1


def process_files(paths: Iterable[Path]) -> tuple[list[Article], list[tuple[str, str]]]:
    """Every article file under ``paths`` through the core, in this process (a small set,
    such as the bundled articles); the articles, and (file, reason) for those skipped."""
    articles: list[Article] = []
    failed: list[tuple[str, str]] = []
    for path in iter_article_files(paths):
        result = _read_and_process(path)
        if isinstance(result, str):
            failed.append((str(path), result))
        else:
            articles.append(result)
    return articles, failed
