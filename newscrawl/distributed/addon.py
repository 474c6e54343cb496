"""Scrapy add-on (listed in newscrawl/settings.py ADDONS): when REDIS_URL is set, the crawl is
a worker of the distributed crawl NEWSCRAWL_CRAWL. Works the same for `newscrawl crawl --redis`
and `scrapy crawl news -s REDIS_URL=... -s NEWSCRAWL_CRAWL=...`."""
from __future__ import annotations

RUN_ID_PIPELINE = "newscrawl.runs.RunIdPipeline"


class DistributedCrawl:
    def update_settings(self, settings):
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "newscrawl.distributed.scheduler.DistributedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "newscrawl.distributed.dupefilter.FingerprintDupeFilter", priority="addon")
        settings.set("SCHEDULER_PERSIST", True, priority="addon")
        if not settings.get("NEWSCRAWL_CRAWL_RUN"):  # under `scrapy crawl` (`newscrawl crawl` has entered it)
            from newscrawl.distributed.keys import connect
            from newscrawl.distributed.runs import enter

            run = enter(connect(settings.get("REDIS_URL")), settings.get("NEWSCRAWL_CRAWL") or "news")
            # "project": over the defaults of newscrawl/settings.py (an add-on's priority is lower)
            settings.set("NEWSCRAWL_CRAWL_RUN", run.run_id, priority="project")
            settings.set("NEWSCRAWL_RUN_ID", run.run_id, priority="project")  # the stories carry the crawl run's id
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        order = pipelines.pop("newscrawl.pipelines.DedupPipeline", 500)
        pipelines["newscrawl.distributed.pipeline.RedisDedupPipeline"] = order
        # the dedup pipeline writes the story when it claims it: the run id must be on it by then
        if pipelines.get(RUN_ID_PIPELINE, -1) >= order:
            pipelines[RUN_ID_PIPELINE] = order - 1
        settings.set("ITEM_PIPELINES", pipelines, priority=max(settings.getpriority("ITEM_PIPELINES") or 0, 15))
