"""The distributed parts one by one, against a real Redis (the fixture of test_distributed)."""
from __future__ import annotations

import random

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


# A real Scrapy crawl (in a subprocess: one reactor per process) of a two-page site, with the
# hooks of scrapy_internals installed the way the distributed scheduler and pipeline use them.
INTERNALS_PROBE = r'''
import json, sys
from scrapy import Request, Spider, signals
from scrapy.crawler import CrawlerProcess
from newscrawl.distributed import scrapy_internals
from newscrawl.distributed.pipeline import WrittenAtClaim

base, feed = sys.argv[1], sys.argv[2]
events = []

def path(request):
    return request.url[len(base):]

class Pipeline:
    def __init__(self, crawler):
        self.crawler = crawler
    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)
    def process_item(self, item, spider=None):
        events.append(["item", item["page"]])
        scrapy_internals.write_to_claim_feeds(self.crawler, item, WrittenAtClaim)
        return item

class Probe(Spider):
    name = "probe"
    async def start(self):
        yield Request(base + "/")
    def parse(self, response):
        if response.url.endswith("/"):
            yield Request(base + "/news/a.html")
        yield {"page": path(response)}

def scheduled(request, spider):
    events.append(["scheduled", path(request)])

def closed(spider):
    events.append(["wake", scrapy_internals.wake(crawler)])

def opened(spider):
    scrapy_internals.check(crawler)
    scrapy_internals.on_request_released(crawler, lambda request: events.append(["released", path(request)]))
    events.append(["wake", scrapy_internals.wake(crawler)])

process = CrawlerProcess({"ITEM_PIPELINES": {"__main__.Pipeline": 100}, "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False,
                          "FEEDS": {feed: {"format": "jsonlines", "item_filter": WrittenAtClaim}}})
crawler = process.create_crawler(Probe)
crawler.signals.connect(opened, signal=signals.spider_opened)
crawler.signals.connect(scheduled, signal=signals.request_scheduled)
crawler.signals.connect(closed, signal=signals.spider_closed)
process.crawl(crawler)
process.start()
print(json.dumps(events))
'''


def test_scrapy_internals_on_the_installed_scrapy(tmp_path):
    """The request is released after its callback's requests are scheduled and its items have
    passed the pipelines; waking works while the engine runs and is refused once it closes; a story
    written at claim is in the feed once."""
    import json
    import subprocess
    import sys

    from newscrawl.demo.server import serve_sites

    site = tmp_path / "sites" / "probe"
    (site / "news").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "news" / "a.html").write_text("<html><body>a</body></html>")
    feed = tmp_path / "feed.jsonl"
    with serve_sites(["probe"], root=tmp_path / "sites") as servers:
        result = subprocess.run([sys.executable, "-c", INTERNALS_PROBE, servers["probe"].base_url, str(feed)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    events = [tuple(e) for e in json.loads(result.stdout.strip().splitlines()[-1])]
    assert events[0] == ("wake", True) and events[-1] == ("wake", False)
    order = {event: i for i, event in enumerate(events)}
    assert order[("scheduled", "/news/a.html")] < order[("item", "/")] < order[("released", "/")]
    assert order[("item", "/news/a.html")] < order[("released", "/news/a.html")]
    assert sorted(json.loads(line)["page"] for line in feed.read_text().splitlines()) == ["/", "/news/a.html"]


def test_a_crawl_run_is_joined_while_it_runs_and_followed_by_a_new_one_once_over(redis_server):  # noqa: F811
    from newscrawl.distributed import runs
    from newscrawl.distributed.keys import run_prefix

    client = redis_lib.Redis.from_url(redis_server.url)
    first = runs.enter(client, "hourly")
    assert first.began and first.number == 1 and first.previous is None
    joined = runs.enter(client, "hourly")
    assert (joined.run_id, joined.number, joined.began) == (first.run_id, 1, False)
    old = run_prefix("hourly", first.run_id)
    client.zadd(old + "queue", {"a request": 0})
    client.sadd(old + "seen:5", 5)
    client.hset(old + "worker:w1", "state", "finished")
    client.hset(old + "stats:w1", mapping={"pages": 7, "stories": 3})
    client.set("newscrawl:hourly:dedup:n", 3)
    assert runs.enter(client, "hourly").run_id == first.run_id  # killed workers' run: still joined
    client.hset(old + "meta", mapping={"seeded_at": 100, "done_at": 200})
    second = runs.enter(client, "hourly")
    assert second.began and second.number == 2 and second.previous == first.run_id
    assert not list(client.scan_iter(match=old + "*"))  # a fresh frontier and seen-URL filter
    assert client.get("newscrawl:hourly:dedup:n") == b"3"  # the dedup state stays
    filed = runs.history(client, "hourly")
    assert [(r["run_id"], r["run_number"], r["pages"], r["stories"], r["done_at"]) for r in filed] == \
        [(first.run_id, 1, 7, 3, "200")]
    assert runs.is_running(client, "hourly", second.run_id) and not runs.is_running(client, "hourly", first.run_id)
