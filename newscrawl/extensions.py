"""Crawl progress on stderr while the crawl runs (used by the `newscrawl` command)."""
from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def errors_by_kind(stats: dict) -> dict[str, int]:
    """Failed URLs by kind, each counted once however often it was retried (timeout,
    oversized, decompression, redirect loop, ... see newscrawl.failures), HTTP error statuses
    of final responses, and spider exceptions. Requests that robots.txt forbids are not
    errors (they are counted under robotstxt/)."""
    errors = {}
    for key, value in stats.items():
        if key.startswith("newscrawl/errors/"):
            errors[key[len("newscrawl/errors/"):]] = int(value)
        elif key.startswith("httperror/response_ignored_status_count/"):
            errors["HTTP " + key.rsplit("/", 1)[-1]] = int(value)
        elif key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
            errors["spider " + key.rsplit("/", 1)[-1]] = int(value)
    return errors


def error_count(stats: dict) -> int:
    return sum(errors_by_kind(stats).values())


def progress_line(stats: dict, elapsed: float) -> str:
    return (
        f"[{elapsed:6.0f}s] pages {stats.get('response_received_count', 0)}"
        f" · stories written {stats.get('item_scraped_count', 0)}"
        f" · duplicates skipped {stats.get('dedup/duplicates', 0)}"
        f" · errors {error_count(stats)}"
    )


class CrawlProgress:
    """Prints one progress line every NEWSCRAWL_PROGRESS_INTERVAL seconds (0: off)."""

    def __init__(self, crawler, interval: float, stream=None):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.loop = None
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self, final: bool = False):
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started)
        if self.tty and not final:
            self.stream.write("\r" + line + "\x1b[K")
        else:
            self.stream.write(("\r" if self.tty else "") + line + "\n")
        self.stream.flush()

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        self.report(final=True)
