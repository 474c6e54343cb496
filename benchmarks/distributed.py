"""Distributed-crawl benchmark: a local Redis and a local site, one worker against two.

    .venv/bin/python benchmarks/distributed.py [--pages 10000] [--stories 1000000] [--skip-crawl] [--skip-memory]

1. Throughput: a generated site (tests/sitegen.py) of --pages stories plus its paginated
   listings and a sitemap of every story, served over HTTP on 127.0.0.1 by a separate process; crawled to the end by one
   `newscrawl crawl --redis` worker process, then (new crawl name, same site) by two worker
   processes together. No politeness delay (DOWNLOAD_DELAY=0, no AutoThrottle), one extraction
   worker process per crawl process (NEWSCRAWL_WORKERS=1). Figure:
   pages fetched by all workers / wall-clock seconds from the first start to the last exit
   (start-up included), and the ratio two/one; and the CPU time the workers (with their
   extraction processes) spent per page, which tells whether sharing the crawl costs
   anything when the machine has no free core left to give a second worker.
2. Redis memory at --stories synthetic stories (used_memory of a fresh redis-server, before
   and after):
   - dedup state (RedisStore: URL records, exact fingerprints, sketches, index keys,
     paragraph Bloom filter). Each synthetic story takes the sizes of a real story of
     shared/eval/dedup-dev (sketch length, title words, paragraphs), in turn, with fresh
     random hash values, and goes through the same Lua commit as a crawl (pipelined);
   - seen-URL filter: our 8-byte fingerprints in intset buckets against scrapy-redis's
     default (40-character hex SHA-1 fingerprints in one set), the same number of URLs.

The machine is small and shared (2 cores for several people): read ratios, not absolutes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
DEV = REPO.parent / "shared" / "eval" / "dedup-dev"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(tmp: Path):
    import redis

    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return proc, client, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


# --- 1. throughput ---------------------------------------------------------------------------
def serve(root: str) -> None:
    from newscrawl.demo.server import serve_sites

    with serve_sites(["site"], root=Path(root)) as servers:
        print(servers["site"].base_url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin


def crawl_with(n_workers: int, url: str, redis_url: str, crawl: str, tmp: Path) -> tuple[float, int, float]:
    import resource

    import redis

    from newscrawl.distributed.figures import crawl_figures

    cmd = [sys.executable, "-m", "newscrawl", "crawl", url, "--redis", redis_url, "--crawl", crawl, "-q",
           "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "NEWSCRAWL_WORKERS=1"]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    workers = [subprocess.Popen(cmd + ["-o", str(tmp / f"{crawl}-{i}.jsonl")], cwd=REPO) for i in range(n_workers)]
    codes = [w.wait() for w in workers]
    elapsed = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    figures = crawl_figures(redis.Redis.from_url(redis_url), crawl)
    return elapsed, figures["pages"], cpu


def throughput(pages: int, tmp: Path, client, redis_url: str) -> dict:
    from sitegen import build_site

    paths = build_site(tmp / "sites" / "site", pages)
    # A sitemap of every story, as news sites have: the frontier is wide from the start, so
    # the figure is the workers' throughput, not the latency of walking 1,000 listing pages.
    (tmp / "sites" / "site" / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{{{{BASE}}}}{p}</loc></url>" for p in paths) + "</urlset>", encoding="utf-8")
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(tmp / "sites")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip() + "/"
    try:
        results = {}
        for n in (1, 2):
            load = os.getloadavg()[0]
            elapsed, fetched, cpu = crawl_with(n, url, redis_url, f"bench{n}", tmp)
            results[n] = {"seconds": round(elapsed, 1), "pages": fetched, "pages_per_s": round(fetched / elapsed, 2),
                          "cpu_ms_per_page": round(1000 * cpu / fetched, 1), "load_before": round(load, 1)}
            print(f"  {n} worker(s): {fetched} pages in {elapsed:.1f} s = {fetched / elapsed:.1f} pages/s; "
                  f"{1000 * cpu / fetched:.1f} ms CPU a page (workers and their extraction processes); "
                  f"machine load average before: {load:.1f}", flush=True)
        results["ratio"] = round(results[2]["pages_per_s"] / results[1]["pages_per_s"], 2)
        print(f"  two workers / one: {results['ratio']:.2f}x   (target >= 1.7x)")
        return results
    finally:
        server.stdin.close()
        server.wait(30)


# --- 2. memory -------------------------------------------------------------------------------
def real_story_shapes() -> list[tuple[int, int, int, int]]:
    """(sample size, title words, shingles, distinct paragraphs) of the dev stories."""
    from newscrawl.dedup.fingerprint import fingerprint
    from newscrawl.dedup.similarity import sketch_of

    if not DEV.exists():
        raise SystemExit(f"{DEV} is missing: the memory figures take their story shapes from it")
    shapes = []
    with open(DEV / "stories.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            fp = fingerprint(rec.get("body") or "", rec.get("title"))
            sketch = sketch_of(fp, "0" * 20, rec.get("date"), 1)
            shapes.append((sketch.low16.size, sketch.title.size, sketch.n_shingles, len(set(fp.paragraph_hashes))))
    return shapes


def dedup_memory(n: int, client) -> dict:
    import numpy as np

    from newscrawl.dedup.redis_store import MAX_POSTINGS, RedisStore
    from newscrawl.dedup.similarity import INDEX_KEYS, StorySketch
    from newscrawl.dedup.store import UrlRecord

    shapes = real_story_shapes()
    client.flushall()
    before = used_memory(client)
    store = RedisStore(client, "newscrawl:mem:", expected_stories=n)
    rng = np.random.default_rng(1)
    pipe = client.pipeline(transaction=False)
    started = time.monotonic()
    for i in range(n):
        n_low, n_title, n_shingles, n_par = shapes[i % len(shapes)]
        story_id = hashlib.sha1(str(i).encode()).hexdigest()[:20]
        sketch = StorySketch(story_id, n_shingles, int(rng.integers(1 << 31)),
                             np.sort(rng.integers(0, 1 << 16, n_low, dtype=np.uint16)),
                             np.sort(rng.integers(0, 1 << 16, n_title, dtype=np.uint16)), 480000.0 + i / 100, 1)
        exact = rng.bytes(8)
        store.version = i  # one writer: the commit counter is the story count
        store.add_story(sketch, exact, rng.integers(0, 1 << 32, INDEX_KEYS, dtype=np.uint64).astype(np.uint32))
        store.add_paragraphs(rng.integers(0, 1 << 32, n_par, dtype=np.uint64).tolist())
        store.put_url(f"https://www.example-news.com/{i // 1000}/story-{i}.html", UrlRecord(story_id, -1, exact, 1))
        store._apply(args=[store.p, store.version, MAX_POSTINGS, *store.ops], client=pipe)
        store.ops, store.version = [], None
        if i % 2000 == 1999:
            pipe.execute()
        if i % 200_000 == 199_999:
            print(f"    {i + 1} stories ({time.monotonic() - started:.0f} s)", flush=True)
    pipe.execute()
    assert store.stories() == n, store.stories()
    per_story = (used_memory(client) - before) / n
    print(f"  dedup state: {per_story:.0f} bytes/story at {n} stories   (target <= 300)")
    return {"stories": n, "bytes_per_story": round(per_story, 1)}


def seen_memory(n: int, client) -> dict:
    from newscrawl.distributed.dupefilter import BUCKETS, request_fingerprint_int

    out = {}
    for name in ("newscrawl", "scrapy-redis"):
        client.flushall()
        before = used_memory(client)
        pipe = client.pipeline(transaction=False)
        for i in range(n):
            url = f"https://www.example-news.com/{i // 1000}/story-{i}.html"
            if name == "newscrawl":
                fp = request_fingerprint_int("GET", url)
                pipe.sadd(f"newscrawl:mem:seen:{fp & (BUCKETS - 1)}", fp)
            else:  # scrapy-redis RFPDupeFilter.request_fingerprint: sha1 hex of a JSON of method/url/body
                data = json.dumps({"method": "GET", "url": url, "body": ""}, sort_keys=True)
                pipe.sadd("news:dupefilter", hashlib.sha1(data.encode()).hexdigest())
            if i % 5000 == 4999:
                pipe.execute()
        pipe.execute()
        out[name] = round((used_memory(client) - before) / n, 1)
    print(f"  seen-URL filter: {out['newscrawl']:.1f} bytes/URL (ours) vs {out['scrapy-redis']:.1f} "
          f"(scrapy-redis default) at {n} URLs   (target <= 150)")
    return out


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="stories on the generated site (default 10000)")
    parser.add_argument("--stories", type=int, default=1_000_000, help="synthetic stories for the memory figures")
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    print(f"machine: {os.cpu_count()} CPUs (shared); redis-server local")
    results = {}
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
        proc, client, url = start_redis(Path(tmp))
        try:
            if not args.skip_memory:
                print("Redis memory:")
                results["dedup"] = dedup_memory(args.stories, client)
                results["seen"] = seen_memory(args.stories, client)
                client.flushall()
            if not args.skip_crawl:
                print(f"Throughput on a local site of {args.pages} stories:")
                results["throughput"] = throughput(args.pages, Path(tmp), client, url)
        finally:
            proc.kill()
            proc.wait()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
