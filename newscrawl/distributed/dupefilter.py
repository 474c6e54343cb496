"""The seen-URL filter of a distributed crawl: scrapy-redis's RFPDupeFilter with our request
fingerprint and a compact layout.

- Fingerprint: method + our canonical URL (w3lib canonical form with the tracking parameters
  we strip: utm_*, fbclid, gclid ...; no fragment) + body, blake2b 8 bytes. So
  `/a?utm_source=x` and `/a` are one request on every worker.
- Layout: scrapy-redis keeps a 40-character hex SHA-1 per URL in one set (about 90 bytes a URL
  in Redis). We keep the 8-byte fingerprint as a 64-bit integer in one of BUCKETS sets:
  Redis stores a small set of integers as an intset, 8 bytes an entry, so a seen URL costs
  about 10 bytes while the buckets hold up to 512 entries (BUCKETS * 512 URLs; beyond that a
  bucket becomes an ordinary set, still under 60 bytes a URL).
"""
from __future__ import annotations

import hashlib
import logging

from scrapy_redis.dupefilter import RFPDupeFilter

from newscrawl.urls import canonicalize_url

logger = logging.getLogger(__name__)

BUCKETS = 1 << 14


def request_fingerprint_int(method: str, url: str, body: bytes = b"") -> int:
    try:
        canonical = canonicalize_url(url)
    except ValueError:
        canonical = url
    digest = hashlib.blake2b(f"{method.upper()} {canonical}".encode("utf-8") + b"\0" + (body or b""),
                             digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class FingerprintDupeFilter(RFPDupeFilter):
    logger = logger

    def __init__(self, server, key, debug=False, buckets: int = BUCKETS):
        super().__init__(server, key, debug)
        self.buckets = buckets

    def bucket_key(self, fp: int) -> str:
        return f"{self.key}:{fp & (self.buckets - 1)}"

    def request_fingerprint(self, request) -> int:
        return request_fingerprint_int(request.method, request.url, request.body)

    def request_seen(self, request) -> bool:
        fp = self.request_fingerprint(request)
        return self.server.sadd(self.bucket_key(fp), fp) == 0

    def clear(self):
        # the buckets go with their run (deleted when the next run begins), never by one worker
        pass
