"""Deduplicator: decides, story by story, whether to export it (new, or a revision of a story
already exported from the same URL) or not (a copy of an exported story, or the same URL
unchanged). The first copy seen is the one exported. Pure logic over a DedupStore; the Scrapy
pipeline and the `dedup` command are thin wrappers around it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

import numpy as np

from newscrawl.dedup.fingerprint import story_fingerprint
from newscrawl.dedup.similarity import (BOILERPLATE_STORIES, BOILERPLATE_VETO, REVISION_MIN_CHANGE, body_change, compare, date_hours,
                                        index_keys, judge, query_keys, sketch_of)
from newscrawl.dedup.store import DedupStore, MemoryStore, UrlRecord
from newscrawl.urls import canonicalize_url
from newscrawl.items import Article, article_id

EXPORT, DUPLICATE, UNCHANGED = "export", "duplicate", "unchanged"


@dataclass
class Decision:
    action: str  # export | duplicate | unchanged
    reason: str  # new | revision | same-url | exact | near-duplicate | abridged
    duplicate_of: Optional[str] = None  # id of the exported story this one is a copy of
    similarity: float = 1.0
    version: int = 1
    seen_this_run: bool = True  # (unchanged) the URL was already seen in this run, not only earlier
    duplicate_of_url: Optional[str] = None  # URL of that story, when it was exported in this run

    @property
    def exported(self) -> bool:
        return self.action == EXPORT

    def for_sidecar(self, article: Article) -> bool:
        """Copies go to the sidecar, and so does a page met again in the same run (at a
        tracking URL, say); a page only met in earlier runs and unchanged is just counted,
        so that a daily re-crawl does not list every page again."""
        if self.action == DUPLICATE:
            return True
        return self.action == UNCHANGED and self.seen_this_run

    def sidecar_record(self, article: Article) -> dict:
        return {"url": article.url, "id": article.id, "title": article.title, "source": article.source,
                "duplicate_of": self.duplicate_of, "duplicate_of_url": self.duplicate_of_url,
                "similarity": round(self.similarity, 3), "reason": self.reason}


def sidecar_path(export_path: str) -> str:
    """Where the copies of an export are listed: OUT.jsonl -> OUT.duplicates.jsonl (any other
    name: NAME.duplicates.jsonl). Shared by the crawl pipeline and the dedup command."""
    base = export_path[:-len(".jsonl")] if export_path.endswith(".jsonl") else export_path
    return base + ".duplicates.jsonl"


def _now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Deduplicator:
    def __init__(self, store: Optional[DedupStore] = None, commit_every: int = 1):
        self.store = store if store is not None else MemoryStore()
        self.commit_every = max(1, commit_every)
        self._uncommitted = 0
        self._urls_this_run: set[str] = set()
        self._exported_urls: dict[str, str] = {}  # id -> url of the stories exported in this run

    def process(self, article: Article) -> Decision:
        """Decide for one story; sets canonical_url / id when missing, and version /
        date_modified on a revision. The state is updated (exported stories enter the index)."""
        decision = self._decide(article)
        if decision.exported:
            self._exported_urls[article.id] = article.url
        elif decision.duplicate_of:
            decision.duplicate_of_url = self._exported_urls.get(decision.duplicate_of)
        self._uncommitted += 1
        if self._uncommitted >= self.commit_every:
            self.store.commit()
            self._uncommitted = 0
        return decision

    def close(self) -> None:
        self.store.close()

    def _decide(self, article: Article) -> Decision:
        store = self.store
        # canonical_url is trusted as set by extraction (already canonical); the `dedup`
        # command canonicalises the ones it reads from other tools' exports.
        if not article.canonical_url:
            article.canonical_url = canonicalize_url(article.url)
        if not article.id:
            article.id = article_id(article.canonical_url)
        url_key = article.canonical_url
        fp = story_fingerprint(article)
        record = store.get_url(url_key)
        seen_this_run = url_key in self._urls_this_run
        self._urls_this_run.add(url_key)

        if record is not None:
            if record.exact == fp.exact:
                return Decision(UNCHANGED, "same-url", record.story_id, 1.0, record.version, seen_this_run)
            old = store.sketch(record.number)
            change = body_change(fp, old)
            if change < REVISION_MIN_CHANGE:
                return Decision(UNCHANGED, "same-url", record.story_id, 1.0 - change, record.version, seen_this_run)
            if record.version > 0:
                # The exported story at this URL was revised: export it again.
                version = max(record.version, article.version or 1, old.version) + 1
                article.version = version
                article.id = record.story_id
                if not article.date_modified:
                    article.date_modified = article.fetched_at or _now_iso()
                sketch = sketch_of(fp, record.story_id, article.date, version)
                store.replace_story(record.number, sketch, fp.exact, index_keys(fp))
                store.put_url(url_key, UrlRecord(record.story_id, record.number, fp.exact, version))
                return Decision(EXPORT, "revision", None, 1.0 - change, version)
            # This URL held a copy of another story and now says something else: judge anew.

        if fp.n_tokens:
            number = store.find_exact(fp.exact)
            if number is not None:
                kept = store.sketch(number)
                store.put_url(url_key, UrlRecord(kept.story_id, number, fp.exact, 0))
                return Decision(DUPLICATE, "exact", kept.story_id, 1.0, 0)
            match = self._near_duplicate(fp, article)
            if match is not None:
                number, kept_id, similarity, reason = match
                store.put_url(url_key, UrlRecord(kept_id, number, fp.exact, 0))
                return Decision(DUPLICATE, reason, kept_id, similarity, 0)

        version = article.version or 1
        number = store.add_story(sketch_of(fp, article.id, article.date, version), fp.exact, index_keys(fp))
        store.add_paragraphs(sorted(set(fp.paragraph_hashes)))
        store.put_url(url_key, UrlRecord(article.id, number, fp.exact, version))
        return Decision(EXPORT, "new", None, 0.0, version)

    def _near_duplicate(self, fp, article: Article):
        candidates = self.store.candidates(query_keys(fp))
        if not candidates:
            return None
        boilerplate = None
        counts = self.store.paragraph_counts(fp.paragraph_hashes)
        shared = [fp.paragraph_shingles(i) for i, c in enumerate(counts) if c >= BOILERPLATE_STORIES]
        if shared:
            boilerplate = np.unique(np.concatenate(shared))
        date = date_hours(article.date)
        best = None
        for number in candidates:
            old = self.store.sketch(number)
            evidence = compare(fp, date, old)
            reason = judge(evidence)
            if reason and boilerplate is not None:
                # Shared boilerplate paragraphs must not be what makes the match: without
                # them, most of the shorter text must still be found in the longer.
                without = compare(fp, date, old, boilerplate)
                if without.discounted and without.containment < BOILERPLATE_VETO:
                    reason = None
            if reason and (best is None or evidence.containment > best[2]):
                best = (number, old.story_id, evidence.containment, reason)
        return best
