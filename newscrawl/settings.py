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
    # Next to the downloader: sees each response as it arrived (off unless NEWSCRAWL_WARC is set).
    "newscrawl.warc.WarcMiddleware": 950,
}
# Scrapy's Protego parser, keeping the Sitemap: lines for the spider.
ROBOTSTXT_PARSER = "newscrawl.middlewares.RobotParser"

# Cleaning runs inside the page function (newscrawl.page), in the worker processes.
ITEM_PIPELINES = {
    "newscrawl.pipelines.ValidationPipeline": 400,
    "newscrawl.pipelines.DedupPipeline": 500,
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
# Look for /robots.txt Sitemap: lines and /sitemap.xml on every start site.
NEWSCRAWL_USE_SITEMAPS = True
# Seconds between progress lines on stderr (0: off; `newscrawl crawl` sets it).
NEWSCRAWL_PROGRESS_INTERVAL = 0

EXTENSIONS = {
    "newscrawl.extensions.CrawlProgress": 500,
}

# Every exported line reaches the OS at once: a killed crawl loses no written story.
FEED_EXPORTERS = {"jsonlines": "newscrawl.exporters.FlushingJsonLinesExporter"}

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
# Folders of site profiles (*.toml) beside the bundled newscrawl/sites/ (`--profiles DIR`):
# one path, several separated by commas or os.pathsep, or a list. Checked before the first request.
NEWSCRAWL_PROFILES_DIR = None
# Write every fetched response to this WARC file (`--warc FILE.warc.gz`), rotated past
# NEWSCRAWL_WARC_MAX_SIZE bytes (FILE-00001.warc.gz ...).
NEWSCRAWL_WARC = None
NEWSCRAWL_WARC_MAX_SIZE = 1 << 30
