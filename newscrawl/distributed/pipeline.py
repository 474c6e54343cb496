"""The dedup pipeline of a distributed crawl: the same Deduplicator over a RedisStore.

A story's decision is committed to Redis (atomically, see RedisStore) before the story is
written, and decided again when another worker committed meanwhile; so of two workers that
hold copies of one story, only the first to commit exports it."""
from __future__ import annotations

import copy
import logging

from scrapy.exceptions import DropItem

from newscrawl.pipelines import DedupPipeline, _as_article

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 50


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
        return self._act(decision, article, spider)

    def _act(self, decision, article, spider):
        # the same outcome as DedupPipeline.process_item once the decision is made
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
        raise DropItem(f"{decision.reason} copy of {decision.duplicate_of}: {article.url}", log_level="DEBUG")
