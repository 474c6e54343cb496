"""Key layout of one distributed crawl, and the Redis connection.

Every key of crawl NAME starts with `newscrawl:NAME:`. The crawl's own keys outlive its runs
(see runs.py):

  run              hash: the current run: id, number (1, 2 ...), started_at
  runs             list: the figures of the previous runs, newest first (JSON)
  dedup:*          the dedup state (newscrawl.dedup.redis_store)

Each run R has its keys under `newscrawl:NAME:run:R:`:

  queue            sorted set: the frontier (scrapy-redis PriorityQueue), score = -priority
  inflight:W       hash: token -> "score\\nrequest" popped by worker W and not yet done
  token            counter for in-flight tokens
  workers          sorted set: worker -> last heartbeat (Redis server time, seconds)
  worker:W         hash: host, pid, export file, start time, state of worker W
  stats:W          hash: the figures of worker W (pages, stories, duplicates, errors ...)
  seen:B           sets of 8-byte request fingerprints (dupefilter), B = fingerprint bucket
  meta             hash: seeded_at, done_at (the run is over), returned (requests put back
                   from dead workers), workers_lost
"""
from __future__ import annotations

import os
import secrets
import socket

PREFIX = "newscrawl"
DEFAULT_CRAWL = "news"


class RedisUnavailable(Exception):
    """Redis could not be reached or was lost: the message is one line for the user."""


def crawl_prefix(crawl: str) -> str:
    if not crawl or any(c in crawl for c in " \n\r\t{}*?[]"):
        raise ValueError(f"bad crawl name {crawl!r} (letters, digits, '-', '_', '.', ':' only)")
    return f"{PREFIX}:{crawl}:"


def run_prefix(crawl: str, run_id: str) -> str:
    return f"{crawl_prefix(crawl)}run:{run_id}:"


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"


def safe_url(url: str) -> str:
    """The Redis URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return url


def connect(url: str, timeout: float = 10.0):
    """A client for `url` (redis://[:password@]host:port/db), checked with PING. Raises
    RedisUnavailable with a one-line reason."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=min(timeout, 5.0),
                                      retry_on_timeout=False)
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {safe_url(url)}: {one_line(exc)}") from None
    return client


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300].rstrip(".")
