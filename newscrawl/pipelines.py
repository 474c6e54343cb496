"""Scrapy item pipelines: thin adapters around validation and dedup (cleaning runs in the
page function, newscrawl.page, off the reactor)."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem

from newscrawl.text.dates import parse_since
from newscrawl.items import Article, missing_required


def _as_article(item) -> Article:
    if isinstance(item, Article):
        return item
    return Article.from_dict(ItemAdapter(item).asdict())


class ValidationPipeline:
    """Drops pages that are not stories after cleaning (no title or body), and stories
    published before NEWSCRAWL_SINCE."""

    def __init__(self, stats, since=None):
        self.stats = stats
        self.since = since

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, parse_since(crawler.settings.get("NEWSCRAWL_SINCE")))

    def process_item(self, item, spider=None):
        article = _as_article(item)
        missing = missing_required(article)
        if missing:
            self.stats.inc_value("items/dropped/incomplete")
            raise DropItem(f"not a story, missing {', '.join(missing)}: {article.url}")
        if self.since and article.date and article.date[:10] < self.since.date().isoformat():
            self.stats.inc_value("items/dropped/before_since")
            raise DropItem(f"published {article.date}, before --since: {article.url}")
        return article


class DedupPipeline:
    """Exports each story once: copies (exact, syndicated, lightly edited, abridged) of a story
    already exported in this run, or in earlier runs with NEWSCRAWL_STATE_DIR, are dropped and
    written to the sidecar <export>.duplicates.jsonl; a story whose body changed at the same
    URL is exported again with `version` incremented. Logic in newscrawl.dedup."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.state_dir = crawler.settings.get("NEWSCRAWL_STATE_DIR") or None
        self.dedup = None
        self.sidecar = None
        self.sidecar_failed = False

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        # The state is committed only after the feed exporter has written the story
        # (item_scraped reaches the exporter first): a crash in between leaves a story in the
        # export but not in the state, which a resumed run reconciles, never the reverse.
        crawler.signals.connect(pipeline.commit_state, signal=signals.item_scraped)
        crawler.signals.connect(pipeline.commit_state, signal=signals.item_dropped)
        return pipeline

    def commit_state(self, *args, **kwargs):
        if self.dedup is not None:
            self.dedup.store.commit()

    def open_spider(self, spider=None):
        from newscrawl.dedup.deduplicator import Deduplicator
        from newscrawl.dedup.store import open_store

        # Commits come from commit_state, after the export is written.
        self.dedup = Deduplicator(open_store(self.state_dir), commit_every=1 << 62)

    def close_spider(self, spider=None):
        if self.dedup is not None:
            self.dedup.close()
            self.dedup = None
        if self.sidecar is not None:
            self.sidecar.close()
            self.sidecar = None

    def process_item(self, item, spider=None):
        if self.dedup is None:
            self.open_spider(spider)
        article = _as_article(item)
        return self._act(self.dedup.process(article), article, spider)

    def _act(self, decision, article, spider):
        """The story, or DropItem for a copy (counted, and listed in the sidecar)."""
        if decision.exported:
            if decision.reason == "revision":
                self.stats.inc_value("dedup/revisions")
            return article
        if decision.action == "unchanged":
            self.stats.inc_value("dedup/unchanged")
        else:
            self.stats.inc_value("dedup/duplicates")
            self.stats.inc_value(f"dedup/duplicates/{decision.reason}")
        if decision.for_sidecar(article):
            self._write_sidecar(decision.sidecar_record(article), spider)
        # expected and recorded (stats, sidecar): not worth a warning with the whole item
        raise DropItem(f"{decision.reason} copy of {decision.duplicate_of}: {article.url}", log_level="DEBUG")

    def _write_sidecar(self, record, spider) -> None:
        if self.sidecar is None and not self.sidecar_failed:
            path = _sidecar_path(self.crawler, spider)
            if path is None:
                self.sidecar_failed = True
            else:
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                self.sidecar = open(path, "a", encoding="utf-8")
        if self.sidecar is not None:
            self.sidecar.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.sidecar.flush()


def _export_path(crawler, spider) -> str | None:
    """The local path of the crawl's JSON Lines export: NEWSCRAWL_EXPORT_PATH (set by
    `newscrawl crawl`), else the open jsonlines feed, else the first jsonlines FEEDS URI with
    its %(name)s / %(time)s placeholders resolved the way Scrapy does."""
    path = crawler.settings.get("NEWSCRAWL_EXPORT_PATH")
    if path:
        return str(path)
    for ext in getattr(getattr(crawler, "extensions", None), "middlewares", ()):
        for slot in getattr(ext, "slots", ()) or ():
            if getattr(slot, "format", None) == "jsonlines" and getattr(slot, "uri", None):
                return _local_path(slot.uri)
    feeds = crawler.settings.getdict("FEEDS")
    for uri, options in feeds.items():
        if (options or {}).get("format") == "jsonlines":
            params = {"name": getattr(spider, "name", "crawl"),
                      "time": datetime.now(tz=timezone.utc).replace(microsecond=0).isoformat().replace(":", "-")}
            try:
                return _local_path(str(uri) % params)
            except (KeyError, ValueError, TypeError):
                return None
    return None


def _local_path(uri: str) -> str | None:
    if uri.startswith("file://"):
        return unquote(urlsplit(uri).path)
    if "://" in uri[:12]:
        return None  # remote feed storage: no sidecar beside it
    return uri


def _sidecar_path(crawler, spider) -> str | None:
    from newscrawl.dedup.deduplicator import sidecar_path

    export = _export_path(crawler, spider)
    return sidecar_path(export) if export else None
