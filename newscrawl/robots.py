"""robots.txt as RFC 9309 says, on top of Scrapy's RobotsTxtMiddleware.

What changes from the stock middleware (which allows everything whenever robots.txt cannot be
read):

- 4xx ("unavailable"): everything is allowed (RFC 9309 2.3.1.3);
- 5xx, or no answer at all (timeout, refused, reset): the site is completely disallowed
  (RFC 9309 2.3.1.4); robots.txt is fetched again NEWSCRAWL_ROBOTS_RETRY_AFTER seconds later,
  and the site is crawled from then on if it answers;
- only the first ROBOTS_PARSE_LIMIT bytes are read (RFC 9309 2.5: at least 500 KiB): the
  download is stopped there, whatever the file's size, and the rules read so far apply;
- redirects are followed up to 5 hops (RFC 9309 2.3.1.2); more is "unavailable" (allow).

Everything is counted in the crawl stats as it happens (robotstxt/rfc9309/...).
"""
from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

ROBOTS_PARSE_LIMIT = 512 * 1024
ROBOTS_MAX_REDIRECTS = 5
ROBOTS_META = "nc_robots"


def cut_robots_body(body: bytes, limit: int = ROBOTS_PARSE_LIMIT) -> bytes:
    """The first `limit` bytes, cut back to the last complete line (a rule cut in half
    could say something the file does not)."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    end = head.rfind(b"\n")
    return head[: end + 1] if end >= 0 else b""


class DisallowAll:
    """The rules of a site whose robots.txt answered 5xx or did not answer: nothing is
    allowed until `retry_at` (time.monotonic()), when robots.txt is fetched again."""

    def __init__(self, reason: str, retry_at: float):
        self.reason = reason
        self.retry_at = retry_at

    def allowed(self, url, user_agent) -> bool:
        return False

    def expired(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) >= self.retry_at


class RFC9309RobotsMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.retry_after = crawler.settings.getfloat("NEWSCRAWL_ROBOTS_RETRY_AFTER", 300.0)
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    def _count(self, key: str) -> None:
        self._stats.inc_value(f"robotstxt/rfc9309/{key}")

    def _bytes_received(self, data, request, spider=None):
        # Stop reading a robots.txt past the parse limit: the body kept so far is the response.
        if not request.meta.get(ROBOTS_META):
            return
        received = request.meta.get("nc_robots_bytes", 0) + len(data)
        request.meta["nc_robots_bytes"] = received
        if received >= ROBOTS_PARSE_LIMIT:
            raise StopDownload(fail=False)

    def process_request_2(self, rp, request):
        if isinstance(rp, DisallowAll):
            self._count("forbidden_unavailable")
            raise IgnoreRequest(f"robots.txt unavailable ({rp.reason}): site disallowed for now")
        return super().process_request_2(rp, request)

    async def robot_parser(self, request: Request):
        url = urlparse_cached(request)
        netloc = url.netloc
        known = self._parsers.get(netloc)
        if isinstance(known, DisallowAll) and known.expired():
            del self._parsers[netloc]
            self._count("refetched")
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robotsreq = Request(
                f"{url.scheme}://{url.netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={
                    "dont_obey_robotstxt": True,
                    ROBOTS_META: True,
                    # The size bound is ROBOTS_PARSE_LIMIT (the download is stopped there), so a
                    # big file is read in part instead of being cancelled as a whole.
                    "download_maxsize": 0,
                    "redirect_ttl": ROBOTS_MAX_REDIRECTS,
                },
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robotsreq)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def _resolve(self, netloc: str, parser) -> None:
        pending = self._parsers.get(netloc)
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)

    def _disallow(self, netloc: str, reason: str) -> None:
        logger.warning("robots.txt of %s unavailable (%s): the site is disallowed, asked again in %.0fs",
                       netloc, reason, self.retry_after)
        self._resolve(netloc, DisallowAll(reason, time.monotonic() + self.retry_after))

    async def _parse_robots(self, response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            self._count("server_error_disallow")
            self._disallow(netloc, f"HTTP {response.status}")
            return
        body = response.body
        if response.status >= 300:  # 4xx, or a redirect left unfollowed: unavailable, allow all
            self._count("unavailable_allow")
            body = b""
        elif "download_stopped" in response.flags or len(body) > ROBOTS_PARSE_LIMIT:
            self._count("truncated")
            body = cut_robots_body(body)
        rp = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=rp, request=request)
        self._resolve(netloc, rp)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            # Too many redirects, or a redirect off the crawl's sites: unavailable, allow all.
            self._count("unavailable_allow")
            self._resolve(netloc, None)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc).__name__}")
        self._count("unreachable_disallow")
        self._disallow(netloc, type(exc).__name__)
