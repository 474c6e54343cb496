"""Scrapy components where the stock ones need one more rule: the crawl stays on its sites
(subdomains by registrable domain, redirects included), and robots.txt hands its Sitemap:
lines to the spider."""
from __future__ import annotations

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware as ScrapyOffsiteMiddleware
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.sitemap import sitemap_urls_from_robots


class OffsiteMiddleware(ScrapyOffsiteMiddleware):
    """Scrapy's offsite filter with the spider's own notion of its sites (`is_on_site`: the
    start URLs' registrable domains, or their exact hosts with NEWSCRAWL_ALLOW_SUBDOMAINS off)
    instead of `allowed_domains`. Scrapy's redirect middleware sends a redirect's target
    through the downloader middlewares again, so an on-site link that redirects off-site is
    stopped here too, before its robots.txt is fetched."""

    def should_follow(self, request, spider) -> bool:
        is_on_site = getattr(spider, "is_on_site", None)
        if is_on_site is None:
            return super().should_follow(request, spider)
        return is_on_site(request.url)


class RobotParser(ProtegoRobotParser):
    """Scrapy's default robots.txt parser that also keeps the file's Sitemap: lines, read with
    Scrapy's own reader, for the robots_parsed signal's receivers."""

    def __init__(self, robotstxt_body: bytes, spider=None):
        super().__init__(robotstxt_body, spider)
        self.sitemaps = list(sitemap_urls_from_robots(robotstxt_body))
