"""The distributed parts one by one, against a real Redis (the fixture of test_distributed)."""
from __future__ import annotations

import random

import pytest
import redis as redis_lib
from scrapy import Request

from newscrawl.dedup.deduplicator import Deduplicator
from newscrawl.dedup.redis_store import RedisStore, pack_sketch, unpack_sketch
from newscrawl.dedup.similarity import sketch_of
from newscrawl.dedup.fingerprint import fingerprint
from newscrawl.dedup.store import MemoryStore
from newscrawl.distributed import serializer
from newscrawl.distributed.dupefilter import FingerprintDupeFilter, request_fingerprint_int
from newscrawl.items import Article
from sitegen import story_text
from test_distributed import redis_server  # noqa: F401  (fixture)


def test_request_serializer_round_trip_without_pickle():
    request = Request("http://127.0.0.1/a?x=1", method="POST", body=b"\x00\xffdata", priority=20,
                      headers={"Accept": "text/html"}, meta={"nc_listed": {"title": "عنوان", "date": None}, "depth": 2})
    data = serializer.dumps(request.to_dict())
    assert b"pickle" not in data and data.startswith(b"{")
    from scrapy.utils.request import request_from_dict

    back = request_from_dict(serializer.loads(data))
    assert (back.url, back.method, back.body, back.priority) == (request.url, "POST", b"\x00\xffdata", 20)
    assert back.headers.get("Accept") == b"text/html" and back.meta["nc_listed"]["title"] == "عنوان"


def test_fingerprint_strips_tracking_and_fragments():
    plain = request_fingerprint_int("GET", "http://site.example/news/a.html")
    assert plain == request_fingerprint_int("GET", "http://site.example/news/a.html?utm_source=x&fbclid=1#top")
    assert plain != request_fingerprint_int("GET", "http://site.example/news/b.html")
    assert plain != request_fingerprint_int("POST", "http://site.example/news/a.html")


def test_dupefilter_keeps_8_byte_integers_in_intset_buckets(redis_server):  # noqa: F811
    client = redis_lib.Redis.from_url(redis_server.url)
    df = FingerprintDupeFilter(client, "newscrawl:t:seen", buckets=16)
    urls = [f"http://site.example/news/{i}.html" for i in range(500)]
    assert not any(df.request_seen(Request(u)) for u in urls)
    assert all(df.request_seen(Request(u + "?utm_medium=email")) for u in urls)
    keys = list(client.scan_iter(match="newscrawl:t:seen:*"))
    assert len(keys) == 16 and sum(client.scard(k) for k in keys) == 500
    assert {client.object("encoding", k) for k in keys} == {b"intset"}


def test_sketch_packing_round_trip():
    rng = random.Random(3)
    body = "\n\n".join(story_text(rng, 5))
    sketch = sketch_of(fingerprint(body, "A title of words"), "0123456789abcdef0123", "2024-05-01T09:00:00+00:00", 3)
    back = unpack_sketch(pack_sketch(sketch))
    assert back.story_id == sketch.story_id and back.version == 3 and back.n_shingles == sketch.n_shingles
    assert (back.low16 == sketch.low16).all() and (back.title == sketch.title).all()
    assert abs(back.date_hours - sketch.date_hours) < 0.1
    assert len(pack_sketch(sketch)) < 15 + 11 + 2 * (sketch.low16.size + sketch.title.size) - 20


def test_redis_store_decides_like_the_memory_store(redis_server):  # noqa: F811
    """Stories, exact copies, edited copies, the same URL unchanged and revised: the same
    decisions over Redis as in memory."""
    rng = random.Random(7)
    stories = []
    for i in range(60):
        paragraphs = story_text(rng, 5)
        stories.append(Article(url=f"http://a.example/news/{i}", title=f"Story {i} " + paragraphs[0][:40],
                               body="\n\n".join(paragraphs), source="A"))
    copies = []
    for i in range(0, 60, 3):
        s = stories[i]
        copies.append(Article(url=f"http://b.example/wire/{i}", title=s.title, body=s.body, source="B"))
        edited = s.body.split("\n\n")
        copies.append(Article(url=f"http://c.example/{i}", title=s.title, body="\n\n".join(edited[:-1] + ["Reuters contributed."]), source="C"))
        copies.append(Article(url=s.url, title=s.title, body=s.body, source="A"))
    revised = Article(url=stories[1].url, title=stories[1].title, source="A",
                      body=stories[1].body + "\n\n" + " ".join(story_text(rng, 3)))
    sequence = stories + copies + [revised]
    rng.shuffle(sequence)

    def decide(store):
        dedup = Deduplicator(store)
        out = []
        for article in sequence:
            a = Article(url=article.url, title=article.title, body=article.body, source=article.source)
            d = dedup.process(a)
            out.append((d.action, d.reason, d.duplicate_of, a.version))
        return out

    in_memory = decide(MemoryStore())
    on_redis = decide(RedisStore(redis_lib.Redis.from_url(redis_server.url), "newscrawl:u:", expected_stories=1000))
    assert on_redis == in_memory
    assert {a for a, *_ in in_memory} == {"export", "duplicate", "unchanged"}
