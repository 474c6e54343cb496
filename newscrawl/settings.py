"""Scrapy settings for newscrawl: polite, bounded defaults. Every one can be overridden with
`-s NAME=VALUE` (both `newscrawl crawl` and `scrapy crawl news`)."""

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# Identify ourselves; replace the contact with yours before crawling real sites.
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; contact: crawler-admin@example.org)"

ROBOTSTXT_OBEY = True

# Politeness: one site is never hammered, however many sites a crawl holds.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Bounds: a stuck or huge response never stalls the crawl.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
# Outputs of one response processed in parallel. Scrapy starts this many asyncio tasks for
# every response; a page gives at most one story, and the pipelines are synchronous, so the
# default 100 only costs the reactor time (about 15 % of a crawl's wall time on a local site).
CONCURRENT_ITEMS = 4
TELNETCONSOLE_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Breadth-first: listings are near the root, stories one hop below; this keeps memory flat.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Scrapy's offsite filter, at its own place before robots.txt (100), with the spider's rule
# of what is on site: an off-site redirect target is dropped without fetching its robots.txt.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newscrawl.middlewares.OffsiteMiddleware": 50,
    # robots.txt as RFC 9309 says (5xx/unreachable: disallow; read the first 512 KiB).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawl.robots.RFC9309RobotsMiddleware": 100,
    # The stock middlewares, counting what they drop (gzip bombs, redirect loops) per URL.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newscrawl.failures.CountingHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newscrawl.failures.CountingRedirectMiddleware": 600,
    # Next to the downloader: sees each response as it arrived (off unless NEWSCRAWL_WARC is set).
    "newscrawl.warc.WarcMiddleware": 950,
}
# Scrapy's Protego parser, keeping the Sitemap: lines for the spider.
ROBOTSTXT_PARSER = "newscrawl.middlewares.RobotParser"
# Download errors counted once per URL by kind; a dropped item logged as one line.
LOG_FORMATTER = "newscrawl.failures.FailureLogFormatter"

# Crawler traps (infinite pagination/calendars, /a/a/a/ paths, session ids, per-site page budget).
SPIDER_MIDDLEWARES = {
    "newscrawl.crawl_guard.TrapMiddleware": 950,
}

# Cleaning runs inside the page function (newscrawl.page), in the worker processes.
ITEM_PIPELINES = {
    "newscrawl.pipelines.ValidationPipeline": 400,
    "newscrawl.pipelines.DedupPipeline": 500,
    "newscrawl.runs.RunIdPipeline": 600,  # every line carries the run's id
}

# Default export, used when no feed is configured (no -o/-O, no FEEDS): the news spider sets
# FEEDS to this (see NewsSpider.update_settings). A FEEDS default here would be written in
# addition to the file given with `scrapy crawl news -O FILE`.
NEWSCRAWL_DEFAULT_FEED = "output/%(name)s/%(time)s.jsonl"

# --- newscrawl's own settings -------------------------------------------------------------
# Follow links to subdomains of a start URL's registrable domain (news.example.com from
# www.example.com). False: only the start URLs' exact hosts.
NEWSCRAWL_ALLOW_SUBDOMAINS = True
# How many related-article hops away from a story found on a listing/feed/sitemap to follow.
NEWSCRAWL_RELATED_DEPTH = 2
# How many listing pages deep to follow pagination and section links (0: no limit). `--max-depth`.
NEWSCRAWL_MAX_DEPTH = 0
# Stories published before this (ISO date or age like 7d) are not exported. `--since`.
NEWSCRAWL_SINCE = None
# Worker processes running the page function (decode, classify, extract, clean) off the
# reactor thread. None: one per core. 0: inline on the reactor thread (for debugging).
NEWSCRAWL_WORKERS = None
# Pages that may wait for a busy worker, per worker: the bound on pages held in memory.
NEWSCRAWL_WORKER_QUEUE = 2
# Seconds one page may take in a worker before the worker is replaced and the page counted as an error.
NEWSCRAWL_PAGE_TIMEOUT = 120
# Most pages fetched from one site (registrable domain) in a run: the backstop against a trap
# no other rule catches (0: no limit).
NEWSCRAWL_MAX_PAGES_PER_SITE = 50000
# A listing URL pattern (digits ignored: ?page=N, /calendar/N/N/) is no longer followed after
# this many of its pages in a row yield no story not seen before.
NEWSCRAWL_MAX_BARREN_LISTINGS = 5
# Look for /robots.txt Sitemap: lines and /sitemap.xml on every start site.
NEWSCRAWL_USE_SITEMAPS = True
# A site whose robots.txt answered 5xx or did not answer is disallowed; its robots.txt is
# asked again this many seconds later (RFC 9309 2.3.1.4).
NEWSCRAWL_ROBOTS_RETRY_AFTER = 300.0
# Seconds between progress lines on stderr (0: off; `newscrawl crawl` sets it).
NEWSCRAWL_PROGRESS_INTERVAL = 0

# Distributed crawl (newscrawl/distributed): on when REDIS_URL is set (`newscrawl crawl --redis`).
ADDONS = {"newscrawl.distributed.addon.DistributedCrawl": 0}
# redis://[:password@]host:port/db of a crawl shared by several workers; None: a local crawl.
REDIS_URL = None
# Name of the distributed crawl: workers with the same REDIS_URL and name crawl together.
NEWSCRAWL_CRAWL = "news"
# Seconds between a worker's heartbeats; a worker silent longer than the timeout is dead and
# its requests go back to the queue.
NEWSCRAWL_REDIS_HEARTBEAT = 1.0
NEWSCRAWL_REDIS_WORKER_TIMEOUT = 15.0
# Sizes the Redis dedup buckets when a crawl's state is created (memory stays compact up to ~1.3x).
NEWSCRAWL_REDIS_EXPECTED_STORIES = 1_000_000
# This worker's name in Redis (default: host-pid-random).
NEWSCRAWL_WORKER_ID = None
# Id of the run of the crawl this worker joins (set when it starts: the run in progress, or a
# new run when the last one finished; newscrawl/distributed/runs.py).
NEWSCRAWL_CRAWL_RUN = None

EXTENSIONS = {
    "newscrawl.extensions.CrawlProgress": 500,
}

# Every exported line reaches the OS at once: a killed crawl loses no written story.
# CSV and Parquet (`-o out.csv`, `-o out.parquet`) in schema column order (newscrawl/exporters.py).
FEED_EXPORTERS = {
    "jsonlines": "newscrawl.exporters.FlushingJsonLinesExporter",
    "csv": "newscrawl.exporters.ArticleCsvExporter",
    "parquet": "newscrawl.exporters.ParquetItemExporter",
}

# Dedup state directory that outlives a run (`newscrawl crawl --state DIR`); None: in memory, one run.
NEWSCRAWL_STATE_DIR = None
# Resolved path of the JSON Lines export (set by `newscrawl crawl`); the dedup sidecar goes beside it.
NEWSCRAWL_EXPORT_PATH = None
# Exit code 1 when failed fetches and errors exceed this share of pages fetched.
NEWSCRAWL_MAX_ERROR_RATE = 0.2
# Per-site options from a site list (set by `newscrawl crawl --sites`): list of dicts.
NEWSCRAWL_SITES = []
# URLs not to fetch (set by a resumed run: the stories the interrupted run already wrote).
NEWSCRAWL_SKIP_URLS = []
# Id of the run (set by `newscrawl crawl`).
NEWSCRAWL_RUN_ID = None


# --- checked before a `newscrawl crawl` starts ---------------------------------------------
# (setting, type, lowest allowed value or None, whether the lowest value is excluded)
CHECKED_SETTINGS = (
    ("NEWSCRAWL_REDIS_HEARTBEAT", float, 0, True),
    ("NEWSCRAWL_REDIS_WORKER_TIMEOUT", float, 0, True),
    ("NEWSCRAWL_REDIS_EXPECTED_STORIES", int, 1, False),
    ("CONCURRENT_REQUESTS", int, 1, False),
    ("CONCURRENT_REQUESTS_PER_DOMAIN", int, 1, False),
    ("CONCURRENT_REQUESTS_PER_IP", int, 0, False),
    ("CONCURRENT_ITEMS", int, 1, False),
    ("DOWNLOAD_DELAY", float, 0, False),
    ("DOWNLOAD_TIMEOUT", float, 0, True),
    ("DOWNLOAD_MAXSIZE", int, 0, False),
    ("DOWNLOAD_WARNSIZE", int, 0, False),
    ("RETRY_TIMES", int, 0, False),
    ("REDIRECT_MAX_TIMES", int, 0, False),
    ("DEPTH_LIMIT", int, 0, False),
    ("AUTOTHROTTLE_START_DELAY", float, 0, False),
    ("AUTOTHROTTLE_MAX_DELAY", float, 0, False),
    ("AUTOTHROTTLE_TARGET_CONCURRENCY", float, 0, True),
    ("CLOSESPIDER_PAGECOUNT", int, 0, False),
    ("CLOSESPIDER_ITEMCOUNT", int, 0, False),
    ("CLOSESPIDER_TIMEOUT", float, 0, False),
    ("CLOSESPIDER_ERRORCOUNT", int, 0, False),
    ("NEWSCRAWL_RELATED_DEPTH", int, 0, False),
    ("NEWSCRAWL_MAX_DEPTH", int, 0, False),
    ("NEWSCRAWL_MAX_PAGES_PER_SITE", int, 0, False),
    ("NEWSCRAWL_MAX_BARREN_LISTINGS", int, 1, False),
    ("NEWSCRAWL_PROGRESS_INTERVAL", float, 0, False),
    ("NEWSCRAWL_ROBOTS_RETRY_AFTER", float, 0, False),
    ("NEWSCRAWL_MAX_ERROR_RATE", float, 0, False),
    ("NEWSCRAWL_WORKERS", int, 0, False),
    ("NEWSCRAWL_WORKER_QUEUE", int, 1, False),
    ("NEWSCRAWL_PAGE_TIMEOUT", float, 0, True),
)
CHECKED_BOOLS = (
    "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "RETRY_ENABLED", "COOKIES_ENABLED", "RANDOMIZE_DOWNLOAD_DELAY",
    "NEWSCRAWL_ALLOW_SUBDOMAINS", "NEWSCRAWL_USE_SITEMAPS",
)
# Add-on settings (scrapy-redis) a crawl may be given without newscrawl knowing them.
ADDON_PREFIXES = ("REDIS_", "SCHEDULER_", "DUPEFILTER_", "SCRAPY_REDIS_")


def known_setting_names() -> set[str]:
    from scrapy.settings import default_settings

    ours = {name for name in globals() if name.isupper()}
    return ours | {name for name in dir(default_settings) if name.isupper()}


def check_settings(settings, overridden=()) -> None:
    """Raise ValueError (one line) on the first bad setting: an unknown name among
    `overridden`, a value of the wrong type, or out of range."""
    known = known_setting_names()
    for name in overridden:
        if name not in known and not name.startswith(ADDON_PREFIXES):
            raise ValueError(f"-s {name}: not a Scrapy or newscrawl setting")
    for name, kind, lowest, exclusive in CHECKED_SETTINGS:
        raw = settings.get(name)
        if raw is None or raw == "":
            continue
        try:
            if isinstance(raw, bool) or (kind is int and isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            value = kind(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{name}={raw!r}: expected {'an integer' if kind is int else 'a number'}") from None
        if value != value or value in (float("inf"), float("-inf")):  # NaN, infinity
            raise ValueError(f"{name}={raw!r}: expected a finite number")
        if lowest is not None and (value < lowest or (exclusive and value == lowest)):
            raise ValueError(f"{name}={raw!r}: must be {'>' if exclusive else '>='} {lowest}")
    for name in CHECKED_BOOLS:
        raw = settings.get(name)
        if raw is None:
            continue
        try:
            settings.getbool(name)
        except ValueError:
            raise ValueError(f"{name}={raw!r}: expected True or False") from None
    since = settings.get("NEWSCRAWL_SINCE")
    if since:
        from newscrawl.text.dates import parse_since

        try:
            parse_since(since)
        except ValueError as exc:
            raise ValueError(f"NEWSCRAWL_SINCE={since!r}: {exc}") from None
# Folders of site profiles (*.toml) beside the bundled newscrawl/sites/ (`--profiles DIR`):
# one path, several separated by commas or os.pathsep, or a list. Checked before the first request.
NEWSCRAWL_PROFILES_DIR = None
# Write every fetched response to this WARC file (`--warc FILE.warc.gz`), rotated past
# NEWSCRAWL_WARC_MAX_SIZE bytes (FILE-00001.warc.gz ...).
NEWSCRAWL_WARC = None
NEWSCRAWL_WARC_MAX_SIZE = 1 << 30
