"""Spider middleware: the crawl-trap guard (newscrawl.discovery.traps) applied to every
request the spider yields, with no change to the spider. Session ids are stripped from the
URL, trap URLs are dropped and counted (newscrawl/traps/<reason>), and a listing page that
yields no new story counts against its URL pattern."""
from __future__ import annotations

import logging

from scrapy import Request
from scrapy.http import HtmlResponse

from newscrawl.discovery.traps import TrapGuard, url_pattern
from newscrawl.discovery.urls import url_shape

logger = logging.getLogger(__name__)
STORY_HINTS = ("story", "related")
NOT_LISTING_HINTS = ("feed", "sitemap")


def is_story_request(request: Request) -> bool:
    hint = request.meta.get("nc_hint")
    if hint is not None:
        return hint in STORY_HINTS
    return url_shape(request.url) == "article"


class TrapMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.guard = TrapGuard.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _filter(self, request: Request):
        url, reason = self.guard.check(request.url)
        if reason:
            self.crawler.stats.inc_value(f"newscrawl/traps/{reason}")
            logger.debug("Crawler trap (%s): not following %s", reason, request.url)
            return None
        if url != request.url:
            self.crawler.stats.inc_value("newscrawl/traps/session_id_stripped")
            request = request.replace(url=url)
        return request

    def _done(self, response, stories: list[str], items: int) -> None:
        # A link to a page of the listing's own pattern (the next calendar month, even when
        # its URL looks like a story's) is not a story found.
        own = url_pattern(response.url)
        stories = [u for u in stories if url_pattern(u) != own]
        listing = (not items and isinstance(response, HtmlResponse)
                   and response.meta.get("nc_hint") not in NOT_LISTING_HINTS)
        if listing:
            self.guard.listing_done(response.url, stories)
        else:
            self.guard.note_stories(stories)

    def process_spider_output(self, response, result, spider=None):
        stories, items = [], 0
        for out in result:
            if isinstance(out, Request):
                out = self._filter(out)
                if out is None:
                    continue
                if is_story_request(out):
                    stories.append(out.url)
            else:
                items += 1
            yield out
        self._done(response, stories, items)

    async def process_spider_output_async(self, response, result, spider=None):
        stories, items = [], 0
        async for out in result:
            if isinstance(out, Request):
                out = self._filter(out)
                if out is None:
                    continue
                if is_story_request(out):
                    stories.append(out.url)
            else:
                items += 1
            yield out
        self._done(response, stories, items)
