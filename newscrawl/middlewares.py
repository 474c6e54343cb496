"""Downloader middleware: the crawl never leaves its sites, not even through a redirect."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class StayOnSiteMiddleware:
    """Drops a request whose URL is off the spider's sites before anything is fetched.
    Scrapy's redirect middleware sends a redirect's target through the downloader
    middlewares again, so an on-site link that redirects off-site is stopped here too."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        is_on_site = getattr(spider, "is_on_site", None)
        if is_on_site is None or is_on_site(request.url):
            return None
        self.crawler.stats.inc_value("newscrawl/skipped/offsite_request")
        raise IgnoreRequest(f"off the crawl's sites: {request.url}")
