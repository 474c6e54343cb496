"""Distributed-crawl benchmark: a local Redis and a local site, one worker against two.

    .venv/bin/python benchmarks/distributed.py [--pages 10000] [--stories 1000000] [--server nginx|demo]
                                               [--repeat N] [--skip-crawl] [--skip-memory]

1. Throughput: a generated site (tests/sitegen.py) of --pages stories plus its paginated
   listings and a sitemap of every story, served on 127.0.0.1 by nginx from pre-rendered files
   (one process, no access log: as little CPU as a server can take; `--server demo`: the
   tests' Python server instead); crawled to the end by one `newscrawl crawl --redis` process,
   then (new crawl name, same site) by two processes together, --repeat times alternated.
   No politeness delay (DOWNLOAD_DELAY=0, no AutoThrottle), one extraction worker process per
   crawl process (NEWSCRAWL_WORKERS=1). Figures per configuration:
   - pages fetched by all processes / wall-clock seconds from the first start to the last
     exit (start-up included), and the ratio two/one;
   - CPU milliseconds per page of each part: the crawl processes (reactors), their extraction
     processes, the site server, Redis (utime + stime of each process tree, sampled from
     /proc/<pid>/stat every 0.25 s; beside it, the kernel's wait4 total for each crawl process,
     which counts only the processes it waited for);
   - the machine's idle share during the run (/proc/stat) and the cores other processes
     (other people's work on a shared machine) took meanwhile.
   With 2 cores, one crawl process may already keep them busy: then two cannot go faster,
   and what the figures can show is whether sharing the crawl costs CPU per page (flat CPU
   per page from one process to two: the design scales and the limit is cores).
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
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, utime + stime in clock ticks) of a live process, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def machine_ticks() -> tuple[int, int]:
    """(idle + iowait, total) clock ticks of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    return values[3] + values[4], sum(values[:8])


class TreeCpu:
    """CPU seconds of process trees (each root and all its descendants), sampled from /proc:
    each process counts with the last utime + stime seen for it, so a process that exits
    between two samples loses at most one interval of its time. A part watched with
    `children=NAME` counts its roots' descendants apart, as NAME."""

    def __init__(self, interval: float = 0.25):
        import threading

        self.interval = interval
        self.roots: dict[str, list[int]] = {}
        self.children_part: dict[str, str] = {}
        self.ticks: dict[int, tuple[str, int]] = {}  # pid -> (part, ticks)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, part: str, pid: int, children: str | None = None) -> None:
        self.roots.setdefault(part, []).append(pid)
        if children:
            self.children_part[part] = children

    def sample(self) -> None:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                found = proc_stat(int(entry))
                if found:
                    stats[int(entry)] = found
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        for part, roots in self.roots.items():
            todo = [r for r in roots if r in stats]
            while todo:
                pid = todo.pop()
                self.ticks[pid] = (part if pid in roots else self.children_part.get(part, part), stats[pid][1])
                todo += children.get(pid, [])

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> "TreeCpu":
        self.sample()
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self.sample()
        seconds: dict[str, float] = dict.fromkeys([*self.roots, *self.children_part.values()], 0.0)
        for part, ticks in self.ticks.values():
            seconds[part] += ticks / CLOCK_TICKS
        return seconds


def render_site(site: Path, out: Path, base_url: str) -> None:
    """The site's files with {{BASE}} filled in, ready for a static file server."""
    from newscrawl.demo.server import BASE_PLACEHOLDER

    for file in site.rglob("*"):
        if file.is_file():
            target = out / file.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.read_bytes().replace(BASE_PLACEHOLDER, base_url.encode("ascii")))


NGINX_CONF = """daemon off;
master_process off;
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/xml xml; application/rss+xml rss; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/plain application/xml application/rss+xml;  # and text/html, always
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def start_site_server(kind: str, site: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    """nginx (one process, no access log) serving the pre-rendered files, or the demo server
    (Python, the tests' server) in a child process."""
    if kind == "nginx":
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        root = tmp / "static"
        render_site(site, root, base)
        for path in (tmp, *[p for p in root.rglob("*") if p.is_dir()], root):
            path.chmod(0o755)  # nginx's user must read them
        user = f"user {__import__('pwd').getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, tmp=tmp, port=port, root=root), encoding="utf-8")
        proc = subprocess.Popen([shutil.which("nginx"), "-c", str(conf), "-p", str(tmp)])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return proc, base
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"nginx did not start (see {tmp}/nginx-error.log)")
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(site.parent)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def serve(root: str) -> None:
    from newscrawl.demo.server import serve_sites

    with serve_sites(["site"], root=Path(root)) as servers:
        print(servers["site"].base_url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin


def crawl_with(n_workers: int, url: str, redis_url: str, crawl: str, tmp: Path, parts: dict[str, int]) -> dict:
    """Run n worker processes to the end of a crawl; their figures and the CPU time of each
    part (the workers with their extraction processes, the site server, Redis) and of the
    whole machine meanwhile."""
    import redis

    from newscrawl.distributed.figures import crawl_figures

    cmd = [sys.executable, "-m", "newscrawl", "crawl", url, "--redis", redis_url, "--crawl", crawl, "-q",
           "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "NEWSCRAWL_WORKERS=1"]
    cpu = TreeCpu()
    for part, pid in parts.items():
        cpu.watch(part, pid)
    idle_before, total_before = machine_ticks()
    started = time.monotonic()
    workers = [subprocess.Popen(cmd + ["-o", str(tmp / f"{crawl}-{i}.jsonl")], cwd=REPO) for i in range(n_workers)]
    for worker in workers:
        cpu.watch("crawl reactors", worker.pid, children="extraction workers")
    cpu.start()
    kernel_cpu = 0.0  # the kernel's own total for each worker and the processes it waited for
    codes = []
    for worker in workers:
        _, status, usage = os.wait4(worker.pid, 0)
        worker.returncode = os.waitstatus_to_exitcode(status)
        codes.append(worker.returncode)
        kernel_cpu += usage.ru_utime + usage.ru_stime
    elapsed = time.monotonic() - started
    seconds = cpu.stop()
    idle_after, total_after = machine_ticks()
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    figures = crawl_figures(redis.Redis.from_url(redis_url), crawl)
    pages = figures["pages"]
    machine = (total_after - total_before) / CLOCK_TICKS
    idle = (idle_after - idle_before) / CLOCK_TICKS
    ours = sum(seconds.values())
    return {
        "seconds": round(elapsed, 1), "pages": pages, "pages_per_s": round(pages / elapsed, 2),
        "cpu_ms_per_page": {part: round(1000 * s / pages, 2) for part, s in seconds.items()},
        "cpu_ms_per_page_total": round(1000 * ours / pages, 2),
        "cpu_seconds": {part: round(s, 1) for part, s in seconds.items()},
        "crawl_cpu_seconds_kernel": round(kernel_cpu, 1),
        "dedup_conflicts": figures["dedup_conflicts"],
        "cores_busy": {part: round(s / elapsed, 2) for part, s in seconds.items()},
        "machine_idle_share": round(idle / machine, 3),
        "other_processes_cores": round((machine - idle - ours) / elapsed, 2),
    }


def throughput(pages: int, tmp: Path, redis_proc, redis_url: str, server_kind: str, repeat: int) -> dict:
    from sitegen import build_site

    site = tmp / "sites" / "site"
    paths = build_site(site, pages)
    # A sitemap of every story, as news sites have: the frontier is wide from the start, so
    # the figure is the workers' throughput, not the latency of walking 1,000 listing pages.
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{{{{BASE}}}}{p}</loc></url>" for p in paths) + "</urlset>", encoding="utf-8")
    server, base = start_site_server(server_kind, site, tmp)
    url = base + "/"
    parts = {"site server": server.pid, "redis": redis_proc.pid}
    try:
        runs: dict[int, list[dict]] = {1: [], 2: []}
        for rep in range(repeat):
            for n in (1, 2):
                result = crawl_with(n, url, redis_url, f"bench{n}-{rep}", tmp, parts)
                runs[n].append(result)
                per_page = ", ".join(f"{part} {ms:.2f}" for part, ms in result["cpu_ms_per_page"].items())
                print(f"  {n} process(es): {result['pages']} pages in {result['seconds']:.1f} s = "
                      f"{result['pages_per_s']:.1f} pages/s; CPU ms a page: {per_page} "
                      f"(total {result['cpu_ms_per_page_total']:.2f}); machine idle {100 * result['machine_idle_share']:.0f}%, "
                      f"other processes {result['other_processes_cores']:.2f} cores; cores busy: {result['cores_busy']}; "
                      f"dedup decisions replayed after a conflict: {result['dedup_conflicts']}; crawl CPU sampled "
                      f"{result['cpu_seconds']['crawl reactors'] + result['cpu_seconds']['extraction workers']:.1f} s "
                      f"vs {result['crawl_cpu_seconds_kernel']:.1f} s counted by the kernel for what the crawl processes waited for",
                      flush=True)
        ratios = sorted(b["pages_per_s"] / a["pages_per_s"] for a, b in zip(runs[1], runs[2]))
        results = {"server": server_kind, "runs": runs, "ratio_median": round(ratios[len(ratios) // 2], 2)}
        print(f"  two processes / one: {results['ratio_median']:.2f}x (median of {repeat})   (target >= 1.7x)")
        return results
    finally:
        if server.stdin:
            server.stdin.close()
        else:
            server.terminate()
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
    parser.add_argument("--server", choices=("nginx", "demo"), default="nginx" if shutil.which("nginx") else "demo",
                        help="site server: nginx over pre-rendered files (default when installed) or the tests' Python server")
    parser.add_argument("--repeat", type=int, default=1, help="1-process and 2-process runs, alternated, this many times")
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
                results["throughput"] = throughput(args.pages, Path(tmp), proc, url, args.server, args.repeat)
        finally:
            proc.kill()
            proc.wait()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
