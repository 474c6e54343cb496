"""Every failed fetch counted once per URL, by kind, and logged as one line.

Scrapy counts `downloader/exception_type_count/*` once per attempt (a refused URL retried
twice counts 3) and does not count what it drops with IgnoreRequest (a gzip bomb, a redirect
loop). Here:

- `FailureLogFormatter` (LOG_FORMATTER) counts a download error when it is final, after the
  retries, as `newscrawl/errors/<kind>`; a dropped item is logged as one line, URL and reason;
- `CountingHttpCompressionMiddleware` counts a body that inflates past DOWNLOAD_MAXSIZE and a
  body that does not decompress;
- `CountingRedirectMiddleware` counts a redirect chain cut at REDIRECT_MAX_TIMES (a loop when
  it comes back to a URL already visited).
"""
from __future__ import annotations

import logging
import zlib

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.logformatter import LogFormatter

ERROR_KEY = "newscrawl/errors/"
logger = logging.getLogger(__name__)

# Exception class name -> kind shown in the summary.
KIND_BY_EXCEPTION = {
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "ConnectionRefusedError": "connection refused",
    "DownloadConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "DNS lookup failed",
    "ResponseDataLossError": "broken response",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
    "ConnectError": "connection failed",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection lost",
    "DNSLookupError": "DNS lookup failed",
    "ResponseNeverReceived": "no response",
    "ResponseFailed": "broken response",
    "PotentialDataLoss": "broken response",
    "DownloadFailedError": "broken response",
    "DownloadCancelledError": "oversized",
    "CancelledError": "oversized",
    "error": "decompression",  # zlib.error
    "BadGzipFile": "decompression",
    "DecompressionError": "decompression",
}


def failure_kind(exc: BaseException) -> str:
    if isinstance(exc, zlib.error):
        return "decompression"
    return KIND_BY_EXCEPTION.get(type(exc).__name__, type(exc).__name__)


def count_error(stats, kind: str) -> None:
    if stats is not None:
        stats.inc_value(ERROR_KEY + kind)


class FailureLogFormatter(LogFormatter):
    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def dropped(self, item, exception, response, spider):
        url = getattr(item, "url", None) or (item.get("url") if isinstance(item, dict) else None)
        reason = " ".join(str(exception).split())[:200]
        return {"level": logging.INFO, "msg": "Dropped %(url)s: %(reason)s", "args": {"url": url, "reason": reason}}

    def item_error(self, item, exception, response, spider):
        url = getattr(item, "url", None) or (item.get("url") if isinstance(item, dict) else None)
        return {"level": logging.ERROR, "msg": "Error processing %(url)s: %(reason)s",
                "args": {"url": url, "reason": f"{type(exception).__name__}: {exception}"[:300]}}

    def download_error(self, failure, request, spider, errmsg=None):
        kind = failure_kind(failure.value)
        count_error(self.stats, kind)
        entry = super().download_error(failure, request, spider, errmsg)
        if kind != type(failure.value).__name__:
            # A known kind: one line at WARNING; Scrapy's record (with its traceback) at INFO, for -v.
            logger.warning("Failed %s: %s", request.url, kind)
            entry["level"] = logging.INFO
        return entry


class CountingHttpCompressionMiddleware(HttpCompressionMiddleware):
    def process_response(self, request, response, spider=None):
        if request.meta.get("nc_robots") and not request.meta.get("download_maxsize"):
            # robots.txt is read unbounded on the wire (stopped at its parse limit);
            # its decompression stays bounded.
            request.meta["download_maxsize"] = self._max_size
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            count_error(self.stats, "oversized after decompression")
            raise
        except (zlib.error, OSError, EOFError) as exc:
            count_error(self.stats, "decompression")
            raise IgnoreRequest(f"cannot decompress {response.url}: {type(exc).__name__}: {exc}") from None


class CountingRedirectMiddleware(RedirectMiddleware):
    def _redirect(self, redirected, request, reason):
        visited = {*request.meta.get("redirect_urls", []), request.url}
        if redirected.url in visited:
            # Without this the dupefilter would drop the loop's next hop silently.
            self._dropped(request, "redirect loop")
            raise IgnoreRequest("redirect loop")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            self._dropped(request, "too many redirects")
            raise

    def _dropped(self, request, kind: str) -> None:
        count_error(self.crawler.stats, kind)
        origin = (request.meta.get("redirect_urls") or [request.url])[0]
        logging.getLogger(__name__).warning("Dropped %s: %s after %d redirects", origin, kind,
                                            request.meta.get("redirect_times", 0))
