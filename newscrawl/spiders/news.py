"""The generic news spider: listings, pagination, feeds, sitemaps and related links in;
one Article per story out.

Scrapy glue only. Every fetched page goes to the page function (newscrawl.page) in a worker
process (newscrawl.workers); the spider turns its result into stats, the story item and the
requests to follow, applying the crawl's policies (on-site, depth, --since, skips). Each kind
of request has its own callback; the page function still sniffs what the bytes really are.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, Optional
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from newscrawl.text.dates import parse_since, parse_timestamp
from newscrawl.urls import host_of, registrable_domain, strip_tracking
from newscrawl.discovery.site_memory import SiteMemory
from newscrawl.page import (ARTICLE, FEED_LINK, LISTING, LISTING_LINK, OTHER, PAGINATION, RELATED, SITEMAP_LINK, STORY,
                            Link, PageHints, PageResult)
from newscrawl.workers import PagePool, default_workers

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


def response_headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def check_site_profiles(settings, site_list=()) -> tuple[str, ...]:
    """Every site profile file (bundled and NEWSCRAWL_PROFILES_DIR) checked before the first
    request, and the site list's profile names resolved: a bad file stops the crawl naming it.
    Sites given with -a sites= also set NEWSCRAWL_SITES and their DOWNLOAD_SLOTS here, while
    the settings can still change. Returns the profile folders."""
    from newscrawl.extraction.profiles import ProfileError, check_profiles, profile_dirs_setting, profile_named

    dirs = profile_dirs_setting(settings.get("NEWSCRAWL_PROFILES_DIR"))
    problems = check_profiles(dirs)
    if problems:
        more = f" (and {len(problems) - 1} more: newscrawl profiles check)" if len(problems) > 1 else ""
        raise ProfileError(f"bad site profile: {problems[0]}{more}")
    names = [site.profile for site in site_list] or [s.get("profile") for s in settings.getlist("NEWSCRAWL_SITES") or []]
    for name in filter(None, names):
        profile_named(name, dirs)
    if site_list and not settings.getlist("NEWSCRAWL_SITES"):
        from newscrawl.sitelist import download_slots

        settings.set("NEWSCRAWL_SITES", [site.to_dict() for site in site_list], priority="spider")
        slots = download_slots(list(site_list))
        if slots:
            settings.set("DOWNLOAD_SLOTS", {**slots, **settings.getdict("DOWNLOAD_SLOTS")}, priority="spider")
    return dirs


class NewsSpider(scrapy.Spider):
    """Subclasses change one step by overriding it: `page_function` (the dotted name of the
    function the worker processes run on every page: classify, extract, links),
    `hints_for(response)` (what it is told about a page) or `follow_result(result, response)`
    (what becomes an item or a request)."""
    name = "news"
    page_function = "newscrawl.page.process_page"

    def __init__(self, start_urls=None, sites=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [check_start_url(u) for u in split_start_urls(start_urls)]
        # -a sites=FILE (or the list inline as JSON): the per-site options of `newscrawl crawl --sites`.
        self.site_list = []
        if sites:
            from newscrawl.sitelist import site_list_argument

            self.site_list = site_list_argument(sites)
            self.start_urls += [u for site in self.site_list for u in site.start_urls if u not in self.start_urls]
        if not self.start_urls:
            raise ValueError("no start URLs: pass -a start_urls=URL[,URL...] or -a sites=FILE")
        self.site_domains = {registrable_domain(u) for u in self.start_urls}
        self.site_hosts = {host_of(u) for u in self.start_urls}
        self._sitemaps_requested: set[str] = set()
        self._pool: Optional[PagePool] = None
        self.site_memory: dict[str, SiteMemory] = {}  # registrable domain -> what the crawl learnt of it

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
        spider.profile_dirs = check_site_profiles(settings, spider.site_list)
        # Per-site options from a site list (newscrawl crawl --sites, -a sites=), by registrable domain.
        sites = settings.getlist("NEWSCRAWL_SITES") or [site.to_dict() for site in spider.site_list]
        spider.site_options = {registrable_domain(u): site for site in sites for u in site.get("start_urls", [])}
        workers = settings.get("NEWSCRAWL_WORKERS")
        spider.worker_count = default_workers() if workers in (None, "") else settings.getint("NEWSCRAWL_WORKERS")
        crawler.signals.connect(spider.close_pool, signal=signals.spider_closed)
        if spider.use_sitemaps and settings.getbool("ROBOTSTXT_OBEY"):
            crawler.signals.connect(spider.on_robots_parsed, signal=signals.robots_parsed)
        return spider

    # --- the worker pool ------------------------------------------------------------------------
    @property
    def pool(self) -> PagePool:
        if self._pool is None:
            settings = self.crawler.settings
            self._pool = PagePool(self.worker_count, queue_per_worker=settings.getint("NEWSCRAWL_WORKER_QUEUE", 2),
                                  page_timeout=settings.getfloat("NEWSCRAWL_PAGE_TIMEOUT", 120.0),
                                  page_function=self.page_function)
        return self._pool

    def close_pool(self, spider=None, reason=None) -> None:
        if self._pool is not None:
            self._pool.close()

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
            yield self.make_request(strip_tracking(url), callback=self.parse, meta={"nc_listing_depth": 0, "nc_start": True})
        if self.use_sitemaps and not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            for url in self.start_urls:
                for request in self._sitemap_requests(url, None):
                    yield request

    def make_request(self, url: str, callback, priority: int = 0, meta: Optional[dict] = None, **kwargs) -> scrapy.Request:
        """Every request of a site shares one politeness slot: its registrable domain, so that
        its subdomains do not each get a budget of their own."""
        meta = dict(meta or {})
        meta.setdefault("download_slot", registrable_domain(url))
        return scrapy.Request(url, callback=callback, priority=priority, meta=meta, **kwargs)

    def _sitemap_requests(self, site_url: str, sitemaps: Optional[list[str]]) -> list[scrapy.Request]:
        """The robots.txt Sitemap: lines of a start host, else its /sitemap.xml."""
        parts = urlsplit(site_url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root in self._sitemaps_requested:
            return []
        self._sitemaps_requested.add(root)
        urls = [u for u in (sitemaps or []) if self.is_on_site(u)] or [root + "/sitemap.xml"]
        return [self.make_request(u, callback=self.parse_sitemap, priority=PRIORITY_FEED, errback=self._quiet_errback,
                                  meta={"nc_listing_depth": 0, "nc_hint": SITEMAP_LINK}) for u in urls]

    def on_robots_parsed(self, robotparser, request):
        """Scrapy fetched a robots.txt: schedule its Sitemap: lines (or /sitemap.xml) for start hosts."""
        if host_of(request.url) not in self.site_hosts:
            return
        sitemaps = list(getattr(robotparser, "sitemaps", None) or ())
        for sitemap_request in self._sitemap_requests(request.url, sitemaps):
            self.crawler.engine.crawl(sitemap_request)

    def _quiet_errback(self, failure):
        # A missing /sitemap.xml is normal, not an error of the crawl.
        self._count("sitemaps/unavailable")

    # --- callbacks: one per kind of request; the page function does the work -------------------
    # Coroutines that return a list: Scrapy runs an async-generator callback's output through
    # CONCURRENT_ITEMS asyncio tasks per response, which costs more than the page's own glue.
    async def parse(self, response: Response) -> list:
        """Start URLs and links whose kind is not known before fetching."""
        return await self.handle_page(response)

    async def parse_story(self, response: Response) -> list:
        return await self.handle_page(response)

    async def parse_listing(self, response: Response) -> list:
        return await self.handle_page(response)

    async def parse_feed(self, response: Response) -> list:
        return await self.handle_page(response)

    async def parse_sitemap(self, response: Response) -> list:
        return await self.handle_page(response)

    def site_memory_of(self, url: str) -> SiteMemory:
        """What the crawl has learnt of a site: updated here from results, sent out as hints."""
        return self.site_memory.setdefault(registrable_domain(url), SiteMemory())

    def hints_for(self, response: Response) -> PageHints:
        """What the crawl knows of this page before it is parsed: inputs of the page function."""
        listed = response.meta.get("nc_listed") or {}
        site = self.site_options.get(registrable_domain(response.url)) or {}
        return PageHints(expect=response.meta.get("nc_hint"), listed_title=listed.get("title"),
                         listed_date=listed.get("date"), listed_from=listed.get("from"), language=site.get("language"),
                         date_locale=site.get("date_locale"), profile=site.get("profile"), timezone=site.get("timezone"),
                         site=self.site_memory_of(response.url).snapshot(), profile_dirs=self.profile_dirs,
                         fingerprint=True)

    async def handle_page(self, response: Response) -> list:
        deferred = self.pool.process(response.url, response_headers(response), response.body,
                                     datetime.now(timezone.utc), self.hints_for(response))
        result: PageResult = await maybe_deferred_to_future(deferred)
        for key, n in result.counters.items():
            # cleaning/* keys are the stats names the summary already reads; the rest are ours
            self.crawler.stats.inc_value(key if key.startswith("cleaning/") else f"newscrawl/{key}", n)
        if result.error:
            self.logger.warning("page function failed on %s: %s", response.url, result.error)
        if result.kind in (ARTICLE, LISTING, OTHER):
            self.site_memory_of(response.url).observe(
                response.url, result.kind, result.template, [l.url for l in result.links if l.role in (STORY, LISTING_LINK)])
        return list(self.follow_result(result, response))

    def follow_result(self, result: PageResult, response: Response) -> Iterable:
        """The story (if any) and the requests for the links the page function found."""
        meta = response.meta
        feeds = [link for link in result.links if link.role == FEED_LINK]
        if result.kind == ARTICLE:
            yield from self._follow(feeds, response, PRIORITY_FEED)
            if result.article is not None:
                self._count("stories/found")
                self._count(f"site/{registrable_domain(response.url)}/stories_found")
                if result.article.paywalled:
                    self._count(f"site/{registrable_domain(response.url)}/paywalled")
                yield result.article
            related_depth = meta.get("nc_related_depth", 0)
            if related_depth < self.related_depth_limit:
                related = [link for link in result.links if link.role == RELATED]
                yield from self._follow(related, response, PRIORITY_STORY, {"nc_related_depth": related_depth + 1})
            return
        if result.kind in ("feed", "sitemap"):
            yield from self._follow_listed(result.links, response, result.kind)
            return
        # Listings (and pages that are neither, such as a start page): follow what they link to.
        depth = meta.get("nc_listing_depth", 0)
        if self.max_listing_depth and depth >= self.max_listing_depth:
            self._count("skipped/max_depth")
            yield from self._follow(feeds, response, PRIORITY_FEED)
            return
        next_depth = {"nc_listing_depth": depth + 1}
        priorities = {PAGINATION: PRIORITY_PAGINATION, STORY: PRIORITY_STORY, LISTING_LINK: PRIORITY_LISTING,
                      FEED_LINK: PRIORITY_FEED, SITEMAP_LINK: PRIORITY_FEED}
        for link in result.links:
            if link.role in priorities:
                extra = next_depth if link.role != FEED_LINK else None
                yield from self._follow([link], response, priorities[link.role], extra)

    def _follow_listed(self, links: list[Link], response: Response, listed_from: str):
        """Feed and sitemap entries: dated ones older than --since are never fetched."""
        for link in links:
            if link.role == SITEMAP_LINK:
                yield from self._follow([link], response, PRIORITY_FEED)
                continue
            if self.since and link.date:
                listed_date = parse_timestamp(link.date)
                if listed_date and listed_date < self.since:
                    self._count("skipped/before_since")
                    continue
            yield from self._follow([link], response, PRIORITY_STORY,
                                    {"nc_listed": {"title": link.title, "date": link.date, "from": listed_from},
                                     "nc_listing_depth": 1})

    _CALLBACKS = {STORY: "parse_story", RELATED: "parse_story", PAGINATION: "parse_listing",
                  LISTING_LINK: "parse_listing", FEED_LINK: "parse_feed", SITEMAP_LINK: "parse_sitemap"}

    def _follow(self, links: Iterable[Link], response: Response, priority: int, extra: Optional[dict] = None):
        for link in links:
            url = link.url
            if not self.is_on_site(url):
                self._count("skipped/offsite")
                continue
            if url in self.skip_urls:
                self._count("skipped/already_exported")
                continue
            hint = STORY if link.role == RELATED else link.role
            meta = {"nc_hint": hint, "nc_listing_depth": response.meta.get("nc_listing_depth", 0)}
            if link.role == RELATED:
                meta["nc_related"] = True
            if extra:
                meta.update(extra)
            yield self.make_request(url, callback=getattr(self, self._CALLBACKS.get(link.role, "parse")),
                                    priority=priority, meta=meta)
