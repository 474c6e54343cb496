"""Crawl throughput and memory: the news spider against a bare Scrapy link-following spider,
on the same generated local site, in one run. Run by hand:
`python benchmarks/crawl.py [--stories 10000] [--repeat 3]`.

Every crawl runs as a subprocess with the same politeness-free settings against one site
served on 127.0.0.1 (by a separate process, so the server does not share the crawl's
interpreter). Ours runs with NEWSCRAWL_WORKERS = the number of cores, 1 and 2. Figures: wall
time, pages fetched, stories exported, and the peak of the summed RSS of the crawl process
and all its children (the workers), sampled every 50 ms. Quote the ratios and medians, not
the seconds: machines are noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from sitegen import build_site  # noqa: E402

BARE_SPIDER = '''
import scrapy
class Bare(scrapy.Spider):
    name = "bare"
    def __init__(self, start_url, **kw):
        super().__init__(**kw)
        self.start_urls = [start_url]
        self.allowed_domains = ["127.0.0.1"]
    def parse(self, response):
        yield {"url": response.url, "title": response.css("title::text").get()}
        yield from response.follow_all(css="a", callback=self.parse)
'''

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "LOG_LEVEL=WARNING"]


def _tree_memory_kib(root: int) -> tuple[int, int]:
    """Summed RSS and summed PSS of a process and all its descendants, from /proc. RSS counts
    a page shared by several processes (the workers' copy-on-write memory) in each of them;
    PSS divides it among them, so the PSS sum is the memory the crawl really holds."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    pss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(stat[1])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    total_rss = total_pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        total_rss += rss.get(pid, 0)
        try:
            rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
            total_pss += next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        except (OSError, StopIteration):
            total_pss += rss.get(pid, 0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total_rss, total_pss


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, int]:
    """Wall seconds and the peaks of the summed RSS and PSS (KiB) of the command's process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, **(env or {})))
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        rss, pss = _tree_memory_kib(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, peak_rss, peak_pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    work = Path(tempfile.mkdtemp(prefix="nc-bench-crawl-"))
    build_site(work / "site", args.stories, per_page=100)
    (work / "bare.py").write_text(BARE_SPIDER)
    serve = ("import sys, time\nfrom newscrawl.demo.server import serve_site\n"
             "server = serve_site(sys.argv[1])\nprint(server.base_url, flush=True)\ntime.sleep(10**6)\n")
    server = subprocess.Popen([sys.executable, "-c", serve, str(work / "site")], cwd=str(REPO), stdout=subprocess.PIPE,
                              text=True)
    url = server.stdout.readline().strip() + "/"
    configs = [("bare link-following spider", None)] + [(f"newscrawl, {n} worker{'s' * (n > 1)}", n)
                                                        for n in sorted({cores, 1, 2})]
    rows: dict[str, list] = {name: [] for name, _ in configs}
    try:
        for i in range(args.repeat):
            for name, workers in configs:
                out = work / f"{i}-{workers}.jsonl"
                if workers is None:
                    t, rss, pss = timed([sys.executable, "-m", "scrapy", "runspider", str(work / "bare.py"), "-a",
                                    f"start_url={url}", "-O", str(out), *FAST], work)
                    pages = stories = sum(1 for _ in open(out))
                else:
                    t, rss, pss = timed([sys.executable, "-m", "newscrawl", "crawl", url, "-o", str(out), "--quiet", *FAST,
                                    "-s", f"NEWSCRAWL_WORKERS={workers}"], REPO)
                    pages = json.loads(out.with_name(out.name + ".summary.json").read_text())["pages_fetched"]
                    stories = sum(1 for _ in open(out))
                rows[name].append((t, pages, stories, rss, pss))
                print(f"  run {i + 1}: {name}: {pages} pages in {t:.1f} s, {stories} stories, peak RSS {rss / 1024:.0f} MiB,"
                      f" PSS {pss / 1024:.0f} MiB", file=sys.stderr)
    finally:
        server.terminate()
    med = lambda name, k: statistics.median(r[k] for r in rows[name])  # noqa: E731
    rate = {name: med(name, 1) / med(name, 0) for name in rows}
    print(f"site: {args.stories} stories on 127.0.0.1, {cores} cores, {args.repeat} runs each, medians")
    print(f"{'crawler':<30}{'seconds':>9}{'pages':>8}{'pages/s':>9}{'stories':>9}{'peak RSS MiB':>14}"
          f"{'peak PSS MiB':>14}")
    for name in rows:
        print(f"{name:<30}{med(name, 0):>9.2f}{med(name, 1):>8.0f}{rate[name]:>9.1f}{med(name, 2):>9.0f}"
              f"{med(name, 3) / 1024:>14.0f}{med(name, 4) / 1024:>14.0f}")
    bare = rate["bare link-following spider"]
    ours_cores = rate[f"newscrawl, {cores} worker{'s' * (cores > 1)}"]
    print(f"pages/s, ours ({cores} workers) / bare: {ours_cores / bare:.2f}  (target >= 0.8)")
    print(f"pages/s, ours 2 workers / 1 worker: {rate['newscrawl, 2 workers'] / rate['newscrawl, 1 worker']:.2f}"
          f"  (target >= 1.7)")


if __name__ == "__main__":
    main()
