"""The generic news spider: listings, pagination, feeds, sitemaps and related links in;
one Article per story out. The logic lives in newscrawl.discovery and newscrawl.extraction;
this is the Scrapy glue that schedules what they find."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, Optional
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse, Response, TextResponse

from newscrawl.dates import parse_listed_date, parse_since
from newscrawl.dedup.urls import host_of, registrable_domain, same_site, strip_tracking
from newscrawl.discovery.feeds import parse_feed, parse_sitemap, xml_kind
from newscrawl.discovery.links import find_feeds, find_links, find_pagination
from newscrawl.discovery.pages import ARTICLE, LISTING, classify_page
from newscrawl.discovery.urls import looks_like_feed, looks_like_sitemap, url_shape
from newscrawl.extraction import extract_article
from newscrawl.extraction.article import parse_html
from newscrawl.extraction.profiles import load_profiles, site_list_profile

# Priorities: stories before more listings, so a bounded crawl spends its pages on stories.
PRIORITY_STORY = 20
PRIORITY_FEED = 15
PRIORITY_PAGINATION = 10
PRIORITY_LISTING = 0


def split_start_urls(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    return [u.strip() for u in value if u and u.strip()]


def check_start_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


def parse_page(response: HtmlResponse):
    """The page as an lxml tree, parsed once (with extraction's parser settings) and shared by
    classification, link discovery and extraction; None when there is no document."""
    try:
        text = response.text
    except ValueError:
        return None
    return parse_html(text)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, start_urls=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [check_start_url(u) for u in split_start_urls(start_urls)]
        if not self.start_urls:
            raise ValueError("no start URLs: pass -a start_urls=URL[,URL...]")
        self.site_domains = {registrable_domain(u) for u in self.start_urls}
        self.site_hosts = {host_of(u) for u in self.start_urls}
        self._sitemaps_requested: set[str] = set()

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if not settings.getdict("FEEDS"):
            default = settings.get("NEWSCRAWL_DEFAULT_FEED") or "output/%(name)s/%(time)s.jsonl"
            settings.set("FEEDS", {default: {"format": "jsonlines", "encoding": "utf-8", "store_empty": True,
                                             "item_export_kwargs": {"ensure_ascii": False}}}, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.allow_subdomains = settings.getbool("NEWSCRAWL_ALLOW_SUBDOMAINS", True)
        spider.related_depth_limit = settings.getint("NEWSCRAWL_RELATED_DEPTH", 2)
        spider.max_listing_depth = settings.getint("NEWSCRAWL_MAX_DEPTH", 0)
        spider.use_sitemaps = settings.getbool("NEWSCRAWL_USE_SITEMAPS", True)
        spider.since = parse_since(settings.get("NEWSCRAWL_SINCE"))
        spider.skip_urls = {strip_tracking(u) for u in settings.getlist("NEWSCRAWL_SKIP_URLS") or []}
        # Per-site options from a site list (newscrawl crawl --sites), by registrable domain.
        spider.site_options = {registrable_domain(u): site for site in settings.getlist("NEWSCRAWL_SITES") or []
                               for u in site.get("start_urls", [])}
        spider.site_profiles = {
            domain: site_list_profile(domain, site.get("profile"), site.get("language"), site.get("date_locale"))
            for domain, site in spider.site_options.items()
        }
        if spider.use_sitemaps and settings.getbool("ROBOTSTXT_OBEY"):
            crawler.signals.connect(spider.on_robots_parsed, signal=signals.robots_parsed)
        return spider

    # --- where the crawl stays --------------------------------------------------------------
    def is_on_site(self, url: str) -> bool:
        if self.allow_subdomains:
            return registrable_domain(url) in self.site_domains
        return host_of(url) in self.site_hosts

    def _count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/{key}", n)

    # --- start --------------------------------------------------------------------------------
    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(strip_tracking(url), callback=self.parse, meta={"nc_listing_depth": 0, "nc_start": True})
        if self.use_sitemaps and not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            for url in self.start_urls:
                for request in self._sitemap_requests(url, None):
                    yield request

    def _sitemap_requests(self, site_url: str, sitemaps: Optional[list[str]]) -> list[scrapy.Request]:
        """The robots.txt Sitemap: lines of a start host, else its /sitemap.xml."""
        parts = urlsplit(site_url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root in self._sitemaps_requested:
            return []
        self._sitemaps_requested.add(root)
        urls = [u for u in (sitemaps or []) if self.is_on_site(u)] or [root + "/sitemap.xml"]
        return [
            scrapy.Request(u, callback=self.parse, priority=PRIORITY_FEED, errback=self._quiet_errback,
                           meta={"nc_listing_depth": 0, "nc_hint": "sitemap"})
            for u in urls
        ]

    def on_robots_parsed(self, robotparser, request):
        """Scrapy fetched a robots.txt: schedule its Sitemap: lines (or /sitemap.xml) for start hosts."""
        if host_of(request.url) not in self.site_hosts:
            return
        rp = getattr(robotparser, "rp", None)
        sitemaps = list(getattr(rp, "sitemaps", []) or [])
        for sitemap_request in self._sitemap_requests(request.url, sitemaps):
            self.crawler.engine.crawl(sitemap_request)

    def _quiet_errback(self, failure):
        # A missing /sitemap.xml is normal, not an error of the crawl.
        self._count("sitemaps/unavailable")

    # --- parse --------------------------------------------------------------------------------
    def parse(self, response: Response):
        # Off-site responses never get here: StayOnSiteMiddleware drops them, redirects included.
        body_start = response.body[:512].lstrip()
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if not isinstance(response, HtmlResponse) or body_start.startswith(b"<?xml") or "xml" in content_type:
            kind = xml_kind(response.body)
            if kind == "feed":
                yield from self.parse_feed(response)
                return
            if kind == "sitemap":
                yield from self.parse_sitemap(response)
                return
            if not isinstance(response, HtmlResponse):
                self._count("pages/other")
                return
        yield from self.parse_html(response)

    def parse_html(self, response: HtmlResponse):
        meta = response.meta
        tree = parse_page(response)
        if tree is None:
            self._count("pages/empty")
            return
        page_kind = classify_page(tree, response.url).kind
        self._count(f"pages/{page_kind}")
        yield from self._follow(find_feeds(tree, response.url), response, hint="feed", priority=PRIORITY_FEED)

        if page_kind == ARTICLE:
            # Extraction finds the related links too (related_urls), and may prune the tree:
            # nothing reads the tree after it.
            site_profile = self.site_profiles.get(registrable_domain(response.url))
            article = extract_article(tree, response.url, headers=self._headers(response),
                                      fetched_at=datetime.now(timezone.utc),
                                      profiles=(site_profile, *load_profiles()) if site_profile else None)
            listed = meta.get("nc_listed") or {}
            if not article.title and listed.get("title"):
                article.title = listed["title"]
            if not article.date and listed.get("date"):
                listed_date = parse_listed_date(listed["date"])
                article.date = listed_date.isoformat() if listed_date else None
            site = self.site_options.get(registrable_domain(response.url)) or {}
            if not article.language and site.get("language"):
                article.language = site["language"]
            self._count("stories/found")
            self._count(f"site/{registrable_domain(response.url)}/stories_found")
            yield article
            related_depth = meta.get("nc_related_depth", 0)
            if related_depth < self.related_depth_limit:
                yield from self._follow(article.related_urls, response, hint="related", priority=PRIORITY_STORY,
                                        extra={"nc_related_depth": related_depth + 1})
            return

        # Listings (and pages that are neither, such as a start page): follow what they link to.
        depth = meta.get("nc_listing_depth", 0)
        if self.max_listing_depth and depth >= self.max_listing_depth:
            self._count("skipped/max_depth")
            return
        next_depth = {"nc_listing_depth": depth + 1}
        pagination = find_pagination(tree, response.url)
        yield from self._follow(pagination, response, hint="listing", priority=PRIORITY_PAGINATION, extra=next_depth)
        for url in find_links(tree, response.url):
            if url in pagination:  # already followed, with its own priority
                continue
            if looks_like_sitemap(url):
                yield from self._follow([url], response, hint="sitemap", priority=PRIORITY_FEED, extra=next_depth)
            elif looks_like_feed(url):
                yield from self._follow([url], response, hint="feed", priority=PRIORITY_FEED, extra=next_depth)
            elif url_shape(url) == "article":
                yield from self._follow([url], response, hint="story", priority=PRIORITY_STORY, extra=next_depth)
            else:
                yield from self._follow([url], response, hint="listing", priority=PRIORITY_LISTING, extra=next_depth)

    def parse_feed(self, response: Response):
        self._count("pages/feed")
        yield from self._follow_listed(parse_feed(response.body, response.url), response)

    def parse_sitemap(self, response: Response):
        self._count("pages/sitemap")
        entries = parse_sitemap(response.body, response.url)
        children = [e.url for e in entries if e.kind == "sitemap"]
        yield from self._follow(children, response, hint="sitemap", priority=PRIORITY_FEED)
        yield from self._follow_listed([e for e in entries if e.kind == "page"], response)

    def _follow_listed(self, entries, response: Response):
        """Feed and sitemap entries: dated ones older than --since are never fetched."""
        for entry in entries:
            if self.since and entry.date:
                listed_date = parse_listed_date(entry.date)
                if listed_date and listed_date < self.since:
                    self._count("skipped/before_since")
                    continue
            yield from self._follow([entry.url], response, hint="story", priority=PRIORITY_STORY,
                                    extra={"nc_listed": {"title": entry.title, "date": entry.date}, "nc_listing_depth": 1})

    def _follow(self, urls: Iterable[str], response: Response, hint: str, priority: int, extra: Optional[dict] = None):
        for url in urls:
            if not self.is_on_site(url):
                self._count("skipped/offsite")
                continue
            if url in self.skip_urls:
                self._count("skipped/already_exported")
                continue
            meta = {"nc_hint": hint, "nc_listing_depth": response.meta.get("nc_listing_depth", 0)}
            if extra:
                meta.update(extra)
            yield scrapy.Request(url, callback=self.parse, priority=priority, meta=meta)

    @staticmethod
    def _headers(response: Response) -> dict[str, str]:
        return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
