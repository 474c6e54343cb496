"""Crawler traps: URL spaces a site generates without end (infinite pagination, calendars,
growing paths, session ids in links). Pure logic; the crawl asks `TrapGuard.check(url)`
before it schedules a link, and tells it `listing_done(url, story_urls)` after a listing.

- session-id parameters are stripped, so a link that differs only by its session id is the
  same URL (and the dupefilter drops it);
- a path whose segments repeat (/a/a/a/, /x/y/x/y/x/y/) or that is absurdly deep is refused;
- listing pages are grouped by their URL pattern (digits replaced: /list?page=N,
  /calendar/N/N/); after MAX_BARREN_LISTINGS pages of one pattern in a row that yield no
  story not seen before, the pattern is not followed any more;
- each site (registrable domain) gets a budget of pages (NEWSCRAWL_MAX_PAGES_PER_SITE).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Iterable, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newscrawl.urls import registrable_domain

DEFAULT_MAX_PAGES_PER_SITE = 50_000
MAX_BARREN_LISTINGS = 5
MAX_SEGMENT_REPEATS = 2  # a path segment seen a third time is a trap
MAX_PATH_SEGMENTS = 20
MAX_URL_LENGTH = 2048

# Query parameters that carry a session, never content (compared lower-case).
SESSION_PARAMS = frozenset({
    "sid", "sessionid", "session_id", "session", "sess", "phpsessid", "jsessionid", "aspsessionid",
    "cfid", "cftoken", "zenid", "oscsid", "s_id", "sessid", "wt_session", "ps_session",
})
# ;jsessionid=... path parameters and ASP.NET cookieless /(S(...))/ segments.
PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*|/\((?:[A-Z]\([^)]*\))+\)(?=/)", re.I)
DIGITS = re.compile(r"\d+")

# Reasons, as counted in the stats (newscrawl/traps/<reason>).
REPEATING_PATH = "repeating_path"
DEEP_PATH = "deep_path"
LONG_URL = "long_url"
BARREN_PATTERN = "no_new_stories"
SITE_BUDGET = "site_page_budget"


def strip_session_ids(url: str) -> str:
    parts = urlsplit(url)
    path = PATH_SESSION.sub("", parts.path)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k.lower() not in SESSION_PARAMS and not k.lower().startswith("aspsessionid")]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    if path == parts.path and query == parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def repeating_path(url: str) -> Optional[str]:
    """DEEP_PATH or REPEATING_PATH when the path looks generated without end, else None."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return DEEP_PATH
    counts = Counter(s.lower() for s in segments)
    if counts and max(counts.values()) > MAX_SEGMENT_REPEATS:
        return REPEATING_PATH
    return None


def url_pattern(url: str) -> str:
    """The URL with its digits replaced: pages of one pagination or calendar share it."""
    parts = urlsplit(url)
    query = "&".join(sorted(DIGITS.sub("N", k) + "=" + DIGITS.sub("N", v)
                            for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    return f"{parts.netloc.lower()}{DIGITS.sub('N', parts.path)}?{query}"


def _key(url: str) -> bytes:
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=8).digest()


class TrapGuard:
    def __init__(self, max_pages_per_site: int = DEFAULT_MAX_PAGES_PER_SITE,
                 max_barren_listings: int = MAX_BARREN_LISTINGS):
        self.max_pages_per_site = max_pages_per_site
        self.max_barren_listings = max_barren_listings
        self.counts: Counter = Counter()  # reason -> URLs refused
        self._seen_urls: set[bytes] = set()
        self._pages_per_site: Counter = Counter()
        self._seen_stories: set[bytes] = set()
        self._barren: dict[str, int] = defaultdict(int)  # pattern -> listings in a row with no new story

    @classmethod
    def from_settings(cls, settings) -> "TrapGuard":
        return cls(max_pages_per_site=settings.getint("NEWSCRAWL_MAX_PAGES_PER_SITE", DEFAULT_MAX_PAGES_PER_SITE),
                   max_barren_listings=settings.getint("NEWSCRAWL_MAX_BARREN_LISTINGS", MAX_BARREN_LISTINGS))

    def check(self, url: str) -> tuple[str, Optional[str]]:
        """(the URL without session ids, the reason it is a trap or None). A URL is charged
        to its site's budget once, the first time it is allowed."""
        url = strip_session_ids(url)
        reason = None
        if len(url) > MAX_URL_LENGTH:
            reason = LONG_URL
        else:
            reason = repeating_path(url)
        if reason is None and self._barren.get(url_pattern(url), 0) >= self.max_barren_listings:
            reason = BARREN_PATTERN
        if reason is None:
            key = _key(url)
            if key not in self._seen_urls:
                site = registrable_domain(url)
                if self.max_pages_per_site and self._pages_per_site[site] >= self.max_pages_per_site:
                    reason = SITE_BUDGET
                else:
                    self._seen_urls.add(key)
                    self._pages_per_site[site] += 1
        if reason:
            self.counts[reason] += 1
        return url, reason

    def note_stories(self, story_urls: Iterable[str]) -> int:
        """Story links found on any page (listing, feed, sitemap, story); returns how many
        no page linked to before."""
        new = 0
        for story in story_urls:
            key = _key(strip_session_ids(story))
            if key not in self._seen_stories:
                self._seen_stories.add(key)
                new += 1
        return new

    def listing_done(self, url: str, story_urls: Iterable[str]) -> int:
        """A listing page was read: count the stories it links to that no page linked to
        before. Returns that number; a pattern whose pages keep returning 0 is closed."""
        new = self.note_stories(story_urls)
        pattern = url_pattern(url)
        if new:
            self._barren.pop(pattern, None)
        else:
            self._barren[pattern] += 1
        return new
