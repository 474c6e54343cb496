"""Crawl throughput and memory: the news spider against a bare Scrapy link-following spider,
on the same generated local site, in one run. Run by hand: `python benchmarks/crawl.py [--stories N]`.

Both crawls run as subprocesses with the same politeness-free settings against a site
served on 127.0.0.1; the figures are wall time, pages fetched, stories exported (ours) and
peak RSS of the crawl process. Quote the ratios, not the seconds: machines are noisy.
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

from newscrawl.demo.server import serve_site  # noqa: E402
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


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and this child's own peak RSS in KiB (from wait4's rusage)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nc-bench-crawl-"))
    build_site(work / "site", args.stories)
    (work / "bare.py").write_text(BARE_SPIDER)
    server = serve_site(work / "site")
    url = server.base_url + "/"
    ours, bare = [], []
    try:
        for i in range(args.repeat):
            out = work / f"ours{i}.jsonl"
            t, rss = timed([sys.executable, "-m", "newscrawl", "crawl", url, "-o", str(out), "--quiet", *FAST], REPO)
            pages = json.loads(out.with_name(out.name + ".summary.json").read_text())["pages_fetched"]
            ours.append((t, pages, sum(1 for _ in open(out)), rss))
            bare_out = work / f"bare{i}.jsonl"
            t, rss = timed([sys.executable, "-m", "scrapy", "runspider", str(work / "bare.py"), "-a", f"start_url={url}",
                            "-O", str(bare_out), *FAST], work)
            bare.append((t, sum(1 for _ in open(bare_out)), 0, rss))
    finally:
        server.stop()
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    print(f"site: {args.stories} stories on 127.0.0.1, {args.repeat} runs each, medians")
    print(f"{'crawler':<28}{'seconds':>9}{'pages':>8}{'pages/s':>9}{'stories':>9}{'peak RSS MiB':>14}")
    for name, rows in (("newscrawl news spider", ours), ("bare link-following spider", bare)):
        print(f"{name:<28}{med(rows, 0):>9.2f}{med(rows, 1):>8.0f}{med(rows, 1) / med(rows, 0):>9.1f}{med(rows, 2):>9.0f}{med(rows, 3) / 1024:>14.0f}")
    print(f"ratio pages/s ours/bare: {(med(ours, 1) / med(ours, 0)) / (med(bare, 1) / med(bare, 0)):.2f}")


if __name__ == "__main__":
    main()
