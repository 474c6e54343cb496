"""`newscrawl crawl --warc FILE.warc.gz`: every fetched response kept as a WARC record.

A downloader middleware placed next to the downloader (after every stock middleware on the
way in), so it sees each response as it arrived: robots.txt, redirects, errors, sitemaps and
pages, with their status line, headers and bytes (still compressed when the site compressed
them; WARC readers such as `newscrawl extract` decode Content-Encoding). The
crawl's hints for the page (what link led to it, the feed's title and date, the site list's
language and profile, what the crawl had learnt of the site) go in a `WARC-Newscrawl-Hints` header, so `newscrawl extract` over the
WARC runs the page function with the same inputs the crawl gave it.

Files rotate by size: FILE.warc.gz, then FILE-00001.warc.gz, FILE-00002.warc.gz ... once one
passes NEWSCRAWL_WARC_MAX_SIZE bytes (default 1 GiB).
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Optional

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

HINTS_HEADER = "WARC-Newscrawl-Hints"
# Hints that describe the page (the rest describe this run: where profiles live, cleaning on or off).
RECORDED_HINTS = ("expect", "listed_title", "listed_date", "language", "date_locale", "profile", "site")
# A site-memory snapshot larger than this is left out of the record (replay then classifies
# without it); snapshots are a few hundred bytes.
MAX_HINTS_BYTES = 64 * 1024
DEFAULT_MAX_SIZE = 1 << 30


def rotated_path(path: Path, index: int) -> Path:
    if index == 0:
        return path
    name = path.name
    for suffix in (".warc.gz", ".warc"):
        if name.endswith(suffix):
            return path.with_name(f"{name[: -len(suffix)]}-{index:05d}{suffix}")
    return path.with_name(f"{name}-{index:05d}")


class WarcWriter:
    """Writes response records to size-rotated WARC files (gzip per record for .gz names)."""

    def __init__(self, path: Path, max_size: int = DEFAULT_MAX_SIZE, software: str = "newscrawl") -> None:
        self.path, self.max_size, self.software = Path(path), max(1, int(max_size)), software
        self.index = 0
        self.files: list[Path] = []
        self._fh = None
        self._writer = None

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter

        target = rotated_path(self.path, self.index)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(target, "wb")
        self._writer = WARCWriter(self._fh, gzip=target.name.endswith(".gz"))
        self.files.append(target)
        info = self._writer.create_warcinfo_record(target.name, {"software": self.software, "format": "WARC File Format 1.1"})
        self._writer.write_record(info)

    def write_response(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes,
                       fetched_at: Optional[datetime] = None, protocol: str = "HTTP/1.1",
                       extra: Optional[dict] = None) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        if self._fh is None:
            self._open()
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        # The body is stored de-chunked: a Transfer-Encoding header would make readers de-chunk it again.
        headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol=protocol or "HTTP/1.1")
        fetched_at = fetched_at or datetime.now(timezone.utc)
        warc_headers = {"WARC-Date": fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        warc_headers.update(extra or {})
        record = self._writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http_headers,
                                                 warc_headers_dict=warc_headers)
        self._writer.write_record(record)
        if self._fh.tell() >= self.max_size:
            self.close()
            self.index += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = self._writer = None


def _header_pairs(response) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items() for value in values]


def readable_by_warc_readers(headers: list[tuple[str, str]], body: bytes, max_size: int = 0):
    """A body in a Content-Encoding WARC readers cannot undo (zstd, which Scrapy accepts) is
    stored decoded, its header kept as X-Archive-Orig-Content-Encoding (the web-archive
    convention for a header that no longer describes the stored bytes)."""
    from warcio.bufferedreaders import BufferedReader

    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if not encoding or encoding in BufferedReader.get_supported_decompressors() or encoding == "identity":
        return headers, body
    if encoding != "zstd":
        return headers, body  # unknown to Scrapy as well: kept as it came
    from scrapy.utils._compression import _unzstd

    body = _unzstd(body, max_size=max_size)
    headers = [("X-Archive-Orig-Content-Encoding", v) if k.lower() == "content-encoding" else (k, v) for k, v in headers]
    return headers, body


class WarcMiddleware:
    """Enabled by NEWSCRAWL_WARC (`--warc`); NEWSCRAWL_WARC_MAX_SIZE bytes per file."""

    def __init__(self, crawler, writer: WarcWriter) -> None:
        self.crawler, self.writer = crawler, writer

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("NEWSCRAWL_WARC")
        if not path:
            raise NotConfigured
        max_size = crawler.settings.getint("NEWSCRAWL_WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        middleware = cls(crawler, WarcWriter(Path(path).expanduser(), max_size,
                                             software=crawler.settings.get("USER_AGENT") or "newscrawl"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _hints(self, response) -> dict:
        spider = getattr(self.crawler, "spider", None)
        hints_for = getattr(spider, "hints_for", None)
        if hints_for is None:
            return {}
        try:
            hints = asdict(hints_for(response))
        except Exception:  # hints are a convenience for replay, never a reason to lose the record
            return {}
        recorded = {k: hints[k] for k in RECORDED_HINTS if hints.get(k) is not None}
        if len(json.dumps(recorded.get("site") or {})) > MAX_HINTS_BYTES:
            recorded.pop("site")
        return recorded

    def process_response(self, request, response, spider=None):
        hints = self._hints(response)
        extra = {HINTS_HEADER: json.dumps(hints, ensure_ascii=True)} if hints else None
        try:
            headers, body = readable_by_warc_readers(_header_pairs(response), response.body,
                                                     self.crawler.settings.getint("DOWNLOAD_MAXSIZE", 0))
            self.writer.write_response(response.url, response.status, headers, body,
                                       protocol=getattr(response, "protocol", None) or "HTTP/1.1", extra=extra)
        except Exception as exc:  # a record lost is logged and counted; the crawl goes on
            logger.error("cannot write WARC record for %s: %s", response.url, exc)
            self.crawler.stats.inc_value("newscrawl/warc/errors")
        else:
            self.crawler.stats.inc_value("newscrawl/warc/records")
        return response

    def spider_closed(self, spider=None, reason=None) -> None:
        self.writer.close()
        self.crawler.stats.set_value("newscrawl/warc/files", len(self.writer.files))
