"""Dedup state behind one small interface, so that the Deduplicator (and the Scrapy pipeline
around it) does not know where the state lives.

  MemoryStore   one process, one run (the `dedup` command, a crawl without --state); the
                near-duplicate index is numpy arrays (KeyIndex, SketchTable, ParagraphCounter),
                ~250 bytes a story.
  SqliteStore   a directory on disk that outlives runs (`--state DIR`): SQLite in WAL mode,
                every change inside a transaction, so an interrupted run (even kill -9) leaves
                the last committed state intact; memory bounded by SQLite's page cache.

A Redis store for crawls over several machines implements the same methods (hashes for
urls / exact / sketches, sets for keys, INCR for the story numbers).
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from newscrawl.dedup.index import KeyIndex, ParagraphCounter, SketchTable
from newscrawl.dedup.similarity import StorySketch


@dataclass(slots=True)
class UrlRecord:
    """What the state remembers of a canonical URL."""

    story_id: str  # the exported story this URL's content is (its own id, or the kept copy's)
    number: int  # story number of that story in the store (its sketch)
    exact: bytes  # exact fingerprint of the body last seen at this URL
    version: int  # version last exported at this URL (0: never exported, it was a copy)


class DedupStore:
    """Interface. Story numbers are assigned by the store (0, 1, 2, ...)."""

    def get_url(self, key: str) -> Optional[UrlRecord]: raise NotImplementedError
    def put_url(self, key: str, record: UrlRecord) -> None: raise NotImplementedError
    def find_exact(self, exact: bytes) -> Optional[int]: raise NotImplementedError
    def add_story(self, sketch: StorySketch, exact: bytes, keys: np.ndarray) -> int: raise NotImplementedError
    def replace_story(self, number: int, sketch: StorySketch, exact: bytes, keys: np.ndarray) -> None: raise NotImplementedError
    def candidates(self, keys: np.ndarray) -> list[int]: raise NotImplementedError
    def sketch(self, number: int) -> StorySketch: raise NotImplementedError
    def paragraph_counts(self, hashes: list[int]) -> list[int]: raise NotImplementedError
    def add_paragraphs(self, hashes: Iterable[int]) -> None: raise NotImplementedError

    def commit(self) -> None:
        """Make everything so far durable (one transaction)."""

    def close(self) -> None:
        self.commit()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class MemoryStore(DedupStore):
    def __init__(self, expected_stories: int = 100_000, **_ignored):
        from newscrawl.dedup.similarity import INDEX_KEYS

        self.urls: dict[str, UrlRecord] = {}
        self.exact: dict[bytes, int] = {}
        self.ids: list[str] = []
        self.sketches = SketchTable(expected_stories)
        self.index = KeyIndex(expected_stories * INDEX_KEYS)
        bits = max(20, int(np.ceil(np.log2(max(1, expected_stories) * 12 * 10))))
        self.paragraphs = ParagraphCounter(bits)

    def get_url(self, key):
        return self.urls.get(key)

    def put_url(self, key, record):
        self.urls[key] = record

    def find_exact(self, exact):
        return self.exact.get(exact)

    def add_story(self, sketch, exact, keys):
        number = self.sketches.append(sketch)
        self.ids.append(sketch.story_id)
        self.exact.setdefault(exact, number)
        self.index.add(keys, number)
        return number

    def replace_story(self, number, sketch, exact, keys):
        self.sketches.replace(number, sketch)
        self.exact.setdefault(exact, number)
        self.index.add(keys, number)

    def candidates(self, keys):
        return self.index.lookup(keys)

    def sketch(self, number):
        return self.sketches.get(number, self.ids[number])

    def paragraph_counts(self, hashes):
        return self.paragraphs.counts(hashes)

    def add_paragraphs(self, hashes):
        self.paragraphs.add_many(list(hashes))


class SqliteStore(DedupStore):
    """State directory: DIR/dedup.sqlite (+ its WAL). The Deduplicator commits after each
    story (or each batch of stories), so one story's changes are one transaction: a crash
    loses at most the uncommitted tail, never the consistency."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, story_id TEXT NOT NULL,
        number INTEGER NOT NULL, exact BLOB NOT NULL, version INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS stories (number INTEGER PRIMARY KEY, sketch BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS exact (exact BLOB PRIMARY KEY, number INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS keys (key INTEGER NOT NULL, number INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS keys_by_key ON keys (key);
    CREATE TABLE IF NOT EXISTS paragraphs (hash INTEGER PRIMARY KEY, count INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
    """
    # A key shared by more stories than this is a common phrase: not a useful candidate key.
    MAX_POSTINGS = 64

    def __init__(self, directory: str, cache_mib: int = 64):
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, "dedup.sqlite")
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{cache_mib * 1024}")
        self.db.executescript(self.SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('format', 'newscrawl-dedup-1')")
        self.db.execute("BEGIN")

    def _changed(self) -> None:
        """Changes stay in the open transaction until commit()."""

    def commit(self):
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def close(self):
        if self.db is None:
            return
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()
        self.db = None

    def get_url(self, key):
        row = self.db.execute("SELECT story_id, number, exact, version FROM urls WHERE url=?", (key,)).fetchone()
        return UrlRecord(row[0], row[1], bytes(row[2]), row[3]) if row else None

    def put_url(self, key, record):
        self.db.execute("INSERT OR REPLACE INTO urls VALUES (?,?,?,?,?)",
                        (key, record.story_id, record.number, record.exact, record.version))
        self._changed()

    def find_exact(self, exact):
        row = self.db.execute("SELECT number FROM exact WHERE exact=?", (exact,)).fetchone()
        return row[0] if row else None

    def add_story(self, sketch, exact, keys):
        cur = self.db.execute("INSERT INTO stories (sketch) VALUES (?)", (sketch.to_bytes(),))
        number = cur.lastrowid
        self._index(number, exact, keys)
        return number

    def replace_story(self, number, sketch, exact, keys):
        self.db.execute("UPDATE stories SET sketch=? WHERE number=?", (sketch.to_bytes(), number))
        self._index(number, exact, keys)

    def _index(self, number, exact, keys):
        self.db.execute("INSERT OR IGNORE INTO exact VALUES (?,?)", (exact, number))
        self.db.executemany("INSERT INTO keys VALUES (?,?)", [(int(k), number) for k in keys])
        self._changed()

    def candidates(self, keys):
        keys = [int(k) for k in keys]
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT key, number FROM keys WHERE key IN ({marks})", keys).fetchall()
        per_key: dict[int, list[int]] = {}
        for key, number in rows:
            per_key.setdefault(key, []).append(number)
        found = set()
        for numbers in per_key.values():
            if len(numbers) <= self.MAX_POSTINGS:
                found.update(numbers)
        return sorted(found)

    def sketch(self, number):
        row = self.db.execute("SELECT sketch FROM stories WHERE number=?", (number,)).fetchone()
        return StorySketch.from_bytes(bytes(row[0]))

    def paragraph_counts(self, hashes):
        if not hashes:
            return []
        marks = ",".join("?" * len(hashes))
        found = dict(self.db.execute(
            f"SELECT hash, count FROM paragraphs WHERE hash IN ({marks})", [int(h) for h in hashes]))
        return [min(3, found.get(int(h), 0)) for h in hashes]

    def add_paragraphs(self, hashes):
        self.db.executemany(
            "INSERT INTO paragraphs VALUES (?, 1) ON CONFLICT(hash) DO UPDATE SET count=count+1",
            [(int(h),) for h in hashes])
        self._changed()


def open_store(state_dir: Optional[str], **kwargs) -> DedupStore:
    """The store for a `--state DIR` (None: in memory)."""
    return SqliteStore(state_dir, **kwargs) if state_dir else MemoryStore(**kwargs)
