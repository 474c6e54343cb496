"""DistributedScheduler: scrapy-redis's Scheduler for a crawl shared by several workers, on the
Scrapy we pin (2.13+: the spider's own `async def start()` seeds the crawl).

What it adds to scrapy-redis (each a gap there, see README "Crawling on several machines"):
- reliable queue: requests popped go to this worker's in-flight hash; they are acknowledged
  when Scrapy has fully processed them (the engine's slot releases the request only after
  the callback's requests are scheduled and its items have passed the pipelines), and given
  back to the queue when the worker leaves early or dies (heartbeat lease, see queue.REAP);
- seeding once: start requests go through the shared seen-URL filter, so whichever worker
  starts first seeds the crawl and later workers join it;
- the end: scrapy-redis never ends a crawl (its spiders idle forever, or time out). Here a
  worker with nothing to do asks Redis whether the queue is empty and no worker holds a
  request; if so the crawl is over for everyone, at once;
- the queue stays when a worker closes (SCHEDULER_PERSIST: the others still crawl);
- Redis lost mid-crawl: one clear error, the spider closes with reason `redis_lost`;
- runs: the worker belongs to one run of the crawl (runs.py); its queue, seen-URL filter
  and figures are that run's.

Scrapy has no public API for two things this needs (the moment a request is fully
processed, waking the engine): both are in scrapy_internals.py.
"""
from __future__ import annotations

import logging
import os
import socket
import time

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawl.distributed import scrapy_internals
from newscrawl.distributed import serializer as json_serializer
from newscrawl.distributed.figures import worker_figures
from newscrawl.distributed.keys import connect, new_worker_id, one_line, run_prefix, safe_url
from newscrawl.distributed.queue import DONE, REAP, ReliablePriorityQueue
from newscrawl.distributed.runs import enter as enter_run

logger = logging.getLogger(__name__)

REDIS_LOST = "redis_lost"


class DistributedScheduler(Scheduler):
    def __init__(self, server, crawler, crawl: str, run_id: str, worker_id: str, heartbeat: float,
                 worker_timeout: float, **kwargs):
        super().__init__(server, persist=True, **kwargs)
        self.crawler = crawler
        self.crawl = crawl
        self.run_id = run_id
        self.prefix = run_prefix(crawl, run_id)
        self.run_over = False  # the run ended before this worker joined it: nothing to do
        self.worker_id = worker_id
        self.heartbeat_interval = heartbeat
        self.worker_timeout = worker_timeout
        self.tokens: dict[int, tuple] = {}  # id(request) -> (request, token)
        self.lost_reason = None
        self.finished = False
        self._loops: list = []
        self._reap = server.register_script(REAP)
        self._done = server.register_script(DONE)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("REDIS_URL")
        server = connect(url)
        crawler.nc_redis = server
        crawl = settings.get("NEWSCRAWL_CRAWL") or "news"
        # the run was entered before the crawler was built (the crawl command or the add-on),
        # so that the stories carry its id
        run_id = settings.get("NEWSCRAWL_CRAWL_RUN") or enter_run(server, crawl).run_id
        worker_id = settings.get("NEWSCRAWL_WORKER_ID") or new_worker_id()
        crawler.nc_worker_id = worker_id
        scheduler = cls(server, crawler, crawl, run_id, worker_id,
                        heartbeat=settings.getfloat("NEWSCRAWL_REDIS_HEARTBEAT", 1.0),
                        worker_timeout=settings.getfloat("NEWSCRAWL_REDIS_WORKER_TIMEOUT", 15.0),
                        queue_key=run_prefix(crawl, run_id) + "queue",
                        queue_cls="newscrawl.distributed.queue.ReliablePriorityQueue",
                        dupefilter_cls="newscrawl.distributed.dupefilter.FingerprintDupeFilter",
                        serializer=json_serializer)
        scheduler.stats = crawler.stats
        scheduler.redis_url = url
        crawler.nc_scheduler = scheduler
        return scheduler

    # --- Redis lost --------------------------------------------------------------------------
    def lost(self, exc: BaseException) -> None:
        if self.lost_reason is not None:
            return
        self.lost_reason = f"Redis at {safe_url(self.redis_url)} lost mid-crawl: {one_line(exc)}"
        logger.error(self.lost_reason)
        self.crawler.stats.set_value("newscrawl/redis_lost", self.lost_reason)
        self._stop_loops()
        engine = self.crawler.engine
        from scrapy.utils.defer import deferred_from_coro

        if hasattr(engine, "close_spider_async"):
            deferred_from_coro(engine.close_spider_async(reason=REDIS_LOST))
        else:  # Scrapy 2.13
            engine.close_spider(self.spider, REDIS_LOST)

    def _guard(self, call, default=None):
        import redis

        if self.lost_reason is not None:
            return default
        try:
            return call()
        except (redis.RedisError, OSError) as exc:
            self.lost(exc)
            return default

    # --- open / close ------------------------------------------------------------------------
    def open(self, spider):
        from newscrawl.distributed.dupefilter import FingerprintDupeFilter
        from newscrawl.distributed.runs import is_running

        self.spider = spider
        scrapy_internals.check(self.crawler)
        self.crawler.stats.set_value("newscrawl/worker_id", self.worker_id)
        self.crawler.stats.set_value("newscrawl/crawl_run", self.run_id)
        self.queue = ReliablePriorityQueue(self.server, spider, self.queue_key, self.serializer,
                                           inflight_key=self.prefix + "inflight:" + self.worker_id,
                                           token_key=self.prefix + "token")
        self.df = FingerprintDupeFilter(self.server, self.prefix + "seen", self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        if not is_running(self.server, self.crawl, self.run_id):
            # it ended in the seconds this worker took to start: the next start begins a new run
            self.run_over = True
            logger.warning("run %s of crawl %s ended while this worker was starting: nothing to do", self.run_id, self.crawl)
            return
        now = int(time.time())
        if self.server.hsetnx(self.prefix + "meta", "seeded_at", now):
            logger.info("starting run %s of crawl %s as worker %s", self.run_id, self.crawl, self.worker_id)
        else:
            logger.info("joining run %s of crawl %s (%d requests queued) as worker %s", self.run_id, self.crawl,
                        len(self.queue), self.worker_id)
        self.server.hset(self.prefix + "worker:" + self.worker_id, mapping={
            "host": socket.gethostname(), "pid": os.getpid(), "started_at": now, "state": "running",
            "export": self.crawler.settings.get("NEWSCRAWL_EXPORT_PATH") or "",
        })
        self._reap(keys=[self.prefix + "workers", self.queue_key], args=[self.prefix, self.worker_id, self.worker_timeout])
        # Acknowledge a request when the engine releases it: its download, callback output and
        # items are all done by then.
        scrapy_internals.on_request_released(self.crawler, self._ack)
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        self._start_loop(self.heartbeat, self.heartbeat_interval)
        self._start_loop(self.poll, 0.2)

    def _start_loop(self, function, interval):
        loop = task.LoopingCall(function)
        loop.start(interval, now=False).addErrback(lambda f: logger.error("distributed loop failed: %s", f.value))
        self._loops.append(loop)

    def _stop_loops(self):
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._loops = []

    def close(self, reason):
        self._stop_loops()
        if self.lost_reason is not None or self.run_over:
            return

        def leave():
            returned = 0 if reason == "finished" else self.queue.give_back()
            if returned:
                logger.info("gave %d in-flight requests back to the crawl", returned)
            self._push_figures()
            self.server.hset(self.prefix + "worker:" + self.worker_id, mapping={
                "state": "finished" if reason == "finished" else f"left ({reason})", "ended_at": int(time.time())})
            self.server.zrem(self.prefix + "workers", self.worker_id)
        self._guard(leave)

    # --- the queue ---------------------------------------------------------------------------
    def enqueue_request(self, request):
        # scrapy-redis's, with the filter check and the push in one script (a kill between them
        # would lose the URL), and without `spider=` to stats (deprecated since Scrapy 2.14)
        if self.run_over:
            return False

        def push():
            if request.dont_filter:
                self.queue.push(request)
            else:
                fp = self.df.request_fingerprint(request)
                if not self.queue.push_if_new(request, self.df.bucket_key(fp), fp):
                    self.df.log(request, self.spider)
                    return False
            self.stats.inc_value("scheduler/enqueued/redis")
            return True
        return bool(self._guard(push, False))

    def next_request(self):
        if self.run_over:
            return None
        popped = self._guard(lambda: self.queue.pop())
        if not popped:
            return None
        token, request = popped
        self.tokens[id(request)] = (request, token)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _ack(self, request):
        held = self.tokens.pop(id(request), None)
        if held is not None:
            self._guard(lambda: self.queue.ack(held[1]))

    def has_pending_requests(self):
        return not self.run_over and bool(self._guard(lambda: len(self.queue) > 0, False))

    def __len__(self):
        return 0 if self.run_over else int(self._guard(lambda: len(self.queue), 0))

    # --- heartbeat, end of the crawl ---------------------------------------------------------
    def heartbeat(self):
        def beat():
            returned, dead = self._reap(keys=[self.prefix + "workers", self.queue_key],
                                        args=[self.prefix, self.worker_id, self.worker_timeout])
            if dead:
                logger.warning("%d worker(s) stopped answering: %d of their requests are back in the queue", dead, returned)
            self._push_figures()
        self._guard(beat)

    def _push_figures(self):
        self.server.hset(self.prefix + "stats:" + self.worker_id, mapping=worker_figures(self.crawler.stats.get_stats()))

    def crawl_is_over(self) -> bool:
        def check():
            self._reap(keys=[self.prefix + "workers", self.queue_key], args=[self.prefix, self.worker_id, self.worker_timeout])
            return bool(self._done(keys=[self.prefix + "workers", self.queue_key, self.prefix + "meta"], args=[self.prefix]))
        return bool(self._guard(check, False))

    def spider_idle(self, spider):
        if self.lost_reason is not None:
            raise CloseSpider(REDIS_LOST)
        if self.tokens or not self.crawl_is_over():
            raise DontCloseSpider
        self.finished = True

    def poll(self):
        """Between the engine's 5-second heartbeats: pick up requests other workers queued, and
        notice the end of the crawl as soon as it comes."""
        if self.lost_reason is not None:
            return
        if self.has_pending_requests() or (not self.tokens and self.crawler.engine.spider_is_idle() and self.crawl_is_over()):
            # the engine asks for requests now; when the spider is idle its idle check (our
            # spider_idle, which lets it close once the crawl is over) runs too
            scrapy_internals.wake(self.crawler)
