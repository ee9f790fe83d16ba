"""The database schema as numbered forward migrations, tracked by ``PRAGMA user_version``.

Add a change at the end of ``MIGRATIONS``: an SQL script (run with ``executescript`` inside
one transaction) or, for data changes, a function that uses ``execute`` only (``executescript``
would commit half-way). Never edit a released step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = str | Callable[[sqlite3.Connection], None]

_V1_INITIAL = """
        CREATE TABLE articles (
            id            INTEGER PRIMARY KEY,
            canonical_url TEXT UNIQUE,
            url           TEXT,
            body_hash     TEXT NOT NULL UNIQUE,
            source        TEXT NOT NULL,
            guid          TEXT,
            title         TEXT NOT NULL,
            body          TEXT NOT NULL,
            summary       TEXT NOT NULL,
            published     TEXT,            -- ISO 8601, UTC
            event_date    TEXT,            -- YYYY-MM-DD or --MM-DD
            sort_date     TEXT NOT NULL,   -- YYYY-MM-DD: event date, else published, else added
            level         TEXT NOT NULL,
            meeting_kind  TEXT,
            chairs        TEXT NOT NULL DEFAULT '[]',  -- JSON list
            added_at      TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE INDEX articles_sort ON articles(sort_date DESC, id DESC);
        CREATE INDEX articles_added ON articles(added_at);

        CREATE TABLE article_provinces (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name       TEXT NOT NULL,   -- as named in the article's era
            current    TEXT NOT NULL,   -- unit since 2025-07-01
            PRIMARY KEY (article_id, name)
        ) WITHOUT ROWID;
        CREATE INDEX article_provinces_current ON article_provinces(current, article_id);
        CREATE INDEX article_provinces_name ON article_provinces(name, article_id);

        -- Search index only (contentless; the text lives in articles). *_fold hold the
        -- folded text (no case, no diacritics, đ -> d); *_tx the same words in Telex
        -- ("Đảng" -> "ddangr"), so exact-diacritic matches can rank first.
        CREATE VIRTUAL TABLE article_fts USING fts5(
            title_fold, body_fold, title_tx, body_tx,
            content='', tokenize='unicode61 remove_diacritics 2'
        );

        CREATE TABLE sources (
            id               INTEGER PRIMARY KEY,
            name             TEXT NOT NULL UNIQUE,
            url              TEXT NOT NULL,
            province         TEXT,
            interval_minutes INTEGER,
            enabled          INTEGER NOT NULL DEFAULT 1,
            origin           TEXT NOT NULL DEFAULT 'config',  -- config | chat
            etag             TEXT,
            last_modified    TEXT,
            last_fetch_at    TEXT,
            last_success_at  TEXT,
            last_error       TEXT,
            failures         INTEGER NOT NULL DEFAULT 0,
            next_due_at      TEXT,
            entries_total    INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE feed_entries (
            source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            entry_key    TEXT NOT NULL,
            article_id   INTEGER REFERENCES articles(id) ON DELETE SET NULL,
            content_hash TEXT NOT NULL,
            seen_at      TEXT NOT NULL,
            PRIMARY KEY (source_id, entry_key)
        ) WITHOUT ROWID;

        CREATE TABLE chats (
            chat_id    INTEGER PRIMARY KEY,
            type       TEXT NOT NULL DEFAULT 'private',
            title      TEXT,
            active     INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE subscriptions (
            chat_id    INTEGER PRIMARY KEY REFERENCES chats(chat_id) ON UPDATE CASCADE,
            weekday    INTEGER NOT NULL DEFAULT 0,       -- 0 = Monday (ISO - 1)
            time       TEXT NOT NULL DEFAULT '07:00',    -- HH:MM local
            timezone   TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
            provinces  TEXT NOT NULL DEFAULT '[]',       -- JSON list of current units; [] = all
            paused     INTEGER NOT NULL DEFAULT 0,
            active     INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        -- One row per (chat, ISO week): the unique key makes a digest send idempotent.
        CREATE TABLE deliveries (
            id          INTEGER PRIMARY KEY,
            chat_id     INTEGER NOT NULL,
            week        TEXT NOT NULL,                   -- YYYY-Www
            state       TEXT NOT NULL,                   -- sending | sent | failed | skipped
            attempts    INTEGER NOT NULL DEFAULT 0,
            parts_sent  INTEGER NOT NULL DEFAULT 0,
            error       TEXT,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            UNIQUE (chat_id, week)
        );
        CREATE INDEX deliveries_week ON deliveries(week, state);

        -- Saved searches, so inline buttons carry a short id instead of the query text.
        CREATE TABLE searches (
            id         INTEGER PRIMARY KEY,
            query      TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
"""


# v2: what "/tinh", the /hoinghi keyboard and "meetings in unit X, newest first" need, kept
# ready instead of computed over the whole archive (0.8 s at 100,000 articles before).
# article_units has one row per (article, current unit) with the article's sort date and
# whether it is a meeting, indexed in reading order; province_stats holds the counts,
# maintained by triggers on article_units.
_V2_UNITS_AND_COUNTS = """
        CREATE TABLE article_units (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            current    TEXT NOT NULL,
            meeting    INTEGER NOT NULL,
            sort_date  TEXT NOT NULL,
            PRIMARY KEY (article_id, current)
        ) WITHOUT ROWID;
        CREATE INDEX article_units_reading
            ON article_units(current, meeting, sort_date DESC, article_id DESC);

        CREATE TABLE province_stats (
            current  TEXT PRIMARY KEY,
            articles INTEGER NOT NULL DEFAULT 0,
            meetings INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;

        CREATE TRIGGER article_units_counted AFTER INSERT ON article_units BEGIN
            INSERT INTO province_stats(current, articles, meetings)
                VALUES (new.current, 1, new.meeting)
                ON CONFLICT(current) DO UPDATE SET
                    articles = articles + 1, meetings = meetings + excluded.meetings;
        END;
        CREATE TRIGGER article_units_uncounted AFTER DELETE ON article_units BEGIN
            UPDATE province_stats
                SET articles = articles - 1, meetings = meetings - old.meeting
                WHERE current = old.current;
        END;

        INSERT INTO article_units(article_id, current, meeting, sort_date)
            SELECT DISTINCT p.article_id, p.current, a.meeting_kind IS NOT NULL, a.sort_date
            FROM article_provinces p JOIN articles a ON a.id = p.article_id;
"""


# v3: an admin's pause of a source (/nguon tamdung) survives restarts; before, the start-up
# sync of [[sources]] from the config re-enabled it.
_V3_SOURCE_ADMIN_PAUSE = """
        ALTER TABLE sources ADD COLUMN admin_paused INTEGER NOT NULL DEFAULT 0;
"""

# v4: the search index without Telex columns (computing them was a third of the import
# time). article_fts gets the text with đ -> d and its tokenizer folds the rest; the exact
# spelling goes to article_exact as it is (no positions: only "which rows" is asked of it).
# columnsize=0: no per-row column sizes, which only ranking functions (bm25) would read.
# See bot/store/index.py; the replace() below is index_form() in SQL.
_V4_INDEX_WITHOUT_TELEX = """
        DROP TABLE article_fts;
        CREATE VIRTUAL TABLE article_fts USING fts5(
            title, body, content='', columnsize=0,
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE VIRTUAL TABLE article_exact USING fts5(
            text, content='', columnsize=0, detail=none,
            tokenize='unicode61 remove_diacritics 0'
        );
        INSERT INTO article_fts(rowid, title, body)
            SELECT id, replace(replace(title, 'đ', 'd'), 'Đ', 'D'),
                   replace(replace(body, 'đ', 'd'), 'Đ', 'D')
            FROM articles;
        INSERT INTO article_exact(rowid, text)
            SELECT id, title || char(10) || body FROM articles;
"""

# v5: a source is an RSS/Atom feed or a listing page of a site without one (issue 15).
_V5_SOURCE_KIND = """
        ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed';
"""


# v6: relevance (only dân vận news reaches users; bot/store/relevance.py). The classifier's
# opinion and version, whether a trusted source vouches for the article, and what users see
# (``relevance``, indexed for the newest-first lists it filters). Sources get a topic.
# Articles that no feed brought in were imported from files: files are all-relevant.
# The existing archive is scored here (about 10 s per 100,000 articles), and the
# per-province lists lose the articles that are not shown. Indexes: the newest-first lists
# of shown articles, counts per source, and "is this id shown" for search.
def _v6_relevance(db: sqlite3.Connection) -> None:
    from bot.store.relevance import rescore

    for column in (
        "relevance INTEGER NOT NULL DEFAULT 2",
        "relevance_auto INTEGER",
        "relevance_score REAL",
        "relevance_cues TEXT NOT NULL DEFAULT ''",
        "relevance_version INTEGER NOT NULL DEFAULT 0",
        "all_relevant INTEGER NOT NULL DEFAULT 0",
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column}")
    db.execute("ALTER TABLE sources ADD COLUMN topic TEXT NOT NULL DEFAULT 'filter'")
    db.execute(
        "UPDATE articles SET all_relevant = 1 WHERE NOT EXISTS"
        " (SELECT 1 FROM feed_entries e WHERE e.article_id = articles.id)"
    )
    db.execute(
        "CREATE TABLE relevance_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
        " version INTEGER NOT NULL)"
    )
    rescore(db, own_transactions=False)  # and records the version in relevance_state
    db.execute(
        "CREATE INDEX articles_relevant_sort ON articles(sort_date DESC, id DESC)"
        " WHERE relevance >= 1"
    )
    db.execute("CREATE INDEX articles_source_relevance ON articles(source, relevance)")
    # "Is this search match shown?" as an index seek: reading the flag from the row itself
    # (after the body, often on an overflow page) made /tim 3x slower.
    db.execute("CREATE INDEX articles_shown_ids ON articles(id) WHERE relevance >= 1")


# v7 (issue 13, first contact): an article nothing dates is undated, not dated by the day
# it was imported (those led "newest first" and the weekly summary: bot/store/articles.py
# sort_date); the stored ones are filed again, per-province lists too. A forum group gets
# its digest in the topic where /dangky was sent: subscriptions remember the thread.
def _v7_undated_and_topics(db: sqlite3.Connection) -> None:
    # Filed under the day it was added (a Vietnam calendar day: UTC+7, no summer time)
    # because nothing else dated it.
    undated = (
        "published IS NULL AND (event_date IS NULL OR NOT"
        " (length(event_date) = 10 AND substr(event_date, 5, 1) = '-'))"
        " AND sort_date = date(added_at, '+7 hours')"
    )
    filed = (
        "CASE WHEN event_date LIKE '--__-__' THEN '0000' || substr(event_date, 2)"
        " ELSE '0000-00-00' END"
    )
    # The per-province lists first: the condition reads the articles' old sort dates.
    db.execute(
        f"UPDATE article_units SET sort_date = (SELECT {filed} FROM articles a"
        " WHERE a.id = article_units.article_id)"
        f" WHERE article_id IN (SELECT id FROM articles WHERE {undated})"
    )
    db.execute(f"UPDATE articles SET sort_date = {filed} WHERE {undated}")
    db.execute("ALTER TABLE subscriptions ADD COLUMN thread_id INTEGER")


MIGRATIONS: list[Migration] = [
    _V1_INITIAL,
    _V2_UNITS_AND_COUNTS,
    _V3_SOURCE_ADMIN_PAUSE,
    _V4_INDEX_WITHOUT_TELEX,
    _V5_SOURCE_KIND,
    _v6_relevance,
    _v7_undated_and_topics,
]

SCHEMA_VERSION = len(MIGRATIONS)
