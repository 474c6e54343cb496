"""Scrapy add-on (listed in newscrawl/settings.py ADDONS): when REDIS_URL is set, the crawl is
a worker of the distributed crawl NEWSCRAWL_CRAWL. Works the same for `newscrawl crawl --redis`
and `scrapy crawl news -s REDIS_URL=... -s NEWSCRAWL_CRAWL=...`."""
from __future__ import annotations


class DistributedCrawl:
    def update_settings(self, settings):
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "newscrawl.distributed.scheduler.DistributedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "newscrawl.distributed.dupefilter.FingerprintDupeFilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        order = pipelines.pop("newscrawl.pipelines.DedupPipeline", 500)
        pipelines["newscrawl.distributed.pipeline.RedisDedupPipeline"] = order
        settings.set("ITEM_PIPELINES", pipelines, priority=max(settings.getpriority("ITEM_PIPELINES") or 0, 15))
