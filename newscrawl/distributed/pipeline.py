"""The dedup pipeline of a distributed crawl: the same Deduplicator over a RedisStore.

A story's decision is committed to Redis (atomically, see RedisStore) before the story is
written, and decided again when another worker committed meanwhile; so of two workers that
hold copies of one story, only the first to commit exports it."""
from __future__ import annotations

import copy
import logging

from scrapy.exceptions import DropItem
from scrapy.extensions.feedexport import ItemFilter

from newscrawl.pipelines import DedupPipeline, _as_article

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 50


class WrittenAtClaim(ItemFilter):
    """Item filter of the export feed of `newscrawl crawl --redis`: the dedup pipeline writes a
    story to the feed itself, right after its claim is committed in Redis (no reactor turn in
    between, so a worker killed there cannot leave a claimed story unwritten); the feed then
    skips it instead of writing it a second time."""

    def __init__(self, feed_options=None):
        super().__init__(feed_options)
        # id -> the item itself, so that the id cannot be reused by another item meanwhile
        self.written: dict[int, object] = {}

    def accepts(self, item) -> bool:
        if self.written.get(id(item)) is item:
            del self.written[id(item)]
            return False
        return super().accepts(item)


class RedisDedupPipeline(DedupPipeline):
    def open_spider(self, spider=None):
        from newscrawl.dedup.deduplicator import Deduplicator
        from newscrawl.dedup.redis_store import RedisStore
        from newscrawl.distributed.keys import connect, crawl_prefix

        settings = self.crawler.settings
        client = getattr(self.crawler, "nc_redis", None) or connect(settings.get("REDIS_URL"))
        store = RedisStore(client, crawl_prefix(settings.get("NEWSCRAWL_CRAWL") or "news"),
                           expected_stories=settings.getint("NEWSCRAWL_REDIS_EXPECTED_STORIES", 1_000_000))
        self.dedup = Deduplicator(store, commit_every=1 << 62)

    def process_item(self, item, spider=None):
        import redis

        from newscrawl.dedup.redis_store import StoreConflict

        if self.dedup is None:
            self.open_spider(spider)
        original = _as_article(item)
        scheduler = getattr(self.crawler, "nc_scheduler", None)
        for attempt in range(MAX_ATTEMPTS):
            article = copy.deepcopy(original)
            urls_seen = set(self.dedup._urls_this_run)  # a refused decision must leave no trace
            try:
                decision = self.dedup.process(article)
                self.dedup.store.commit()
                break
            except StoreConflict:
                self.dedup._urls_this_run = urls_seen
                self.stats.inc_value("dedup/redis_conflicts")
                continue
            except (redis.RedisError, OSError) as exc:
                self.dedup.store.rollback()
                if scheduler is not None:
                    scheduler.lost(exc)
                self.stats.inc_value("newscrawl/redis_lost/stories_not_exported")
                # the one error line is the scheduler's; the crawl is closing
                raise DropItem(f"Redis lost, story not exported: {original.url}", log_level="DEBUG") from None
        else:
            raise DropItem(f"dedup state too busy, gave up after {MAX_ATTEMPTS} attempts: {original.url}")
        if decision.exported:
            from newscrawl.distributed.scrapy_internals import write_to_claim_feeds

            write_to_claim_feeds(self.crawler, article, WrittenAtClaim)
        return self._act(decision, article, spider)
