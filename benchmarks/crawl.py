"""Crawl throughput and memory: the news spider against a bare Scrapy link-following spider,
on the same generated local site, in one run. Run by hand:
`python benchmarks/crawl.py [--stories 10000] [--repeat 3]`.

Every crawl runs as a subprocess with the same politeness-free settings against one site
served on 127.0.0.1 by nginx when the machine has it, else by the project's Python demo server
(see benchmarks/localsite.py; the server in use is printed). Ours runs with
NEWSCRAWL_WORKERS = the number of cores, 1 and 2. Figures: wall time, pages fetched, stories
exported, the peak of the summed RSS and PSS of the crawl process and all its children (the
workers), sampled every 50 ms, and where the CPU went: CPU milliseconds per page in the crawl's
main process (the reactor), in its workers, and in the server, and the share of the machine's
CPU time left idle during the crawl. Quote the ratios and medians, not the seconds: machines
are noisy.
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

from localsite import serve_static  # noqa: E402
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


def _process_tree(root: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return tree


def _memory_kib(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process. RSS counts a page shared by several processes (the
    workers' copy-on-write memory) in each of them; PSS divides it among them, so the PSS
    sum is the memory the crawl really holds."""
    try:
        rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return values.get("Rss", 0), values.get("Pss", 0)


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one live process, from /proc (0 once it is gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_idle() -> tuple[float, float]:
    """(idle, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return values[3] + values[4], sum(values)


def timed(command: list[str], cwd: Path, server_pid: int, env: dict | None = None) -> dict:
    """Wall seconds, peaks of the summed RSS and PSS (KiB) of the command's process tree, and
    CPU seconds of the command's own process, of its descendants (sampled from /proc every
    50 ms: the workers' parent ignores SIGCHLD, so their time never reaches a rusage), of
    the server; and the machine's idle share."""
    server_before = _cpu_seconds(server_pid)
    idle_before, total_before = _machine_idle()
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, **(env or {})))
    peak_rss = peak_pss = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        rss = pss = 0
        for pid in _process_tree(proc.pid):
            r, p = _memory_kib(pid)
            rss, pss = rss + r, pss + p
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    idle_after, total_after = _machine_idle()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed:\n{proc.stderr.read().decode()[-2000:]}")
    main_cpu = cpu.get(proc.pid, 0.0)
    return {"seconds": elapsed, "rss": peak_rss, "pss": peak_pss, "main_cpu": main_cpu,
            "workers_cpu": sum(cpu.values()) - main_cpu, "server_cpu": _cpu_seconds(server_pid) - server_before,
            "idle": (idle_after - idle_before) / max(1, total_after - total_before)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    work = Path(tempfile.mkdtemp(prefix="nc-bench-crawl-"))
    build_site(work / "site", args.stories, per_page=100)
    (work / "bare.py").write_text(BARE_SPIDER)
    configs = [("bare link-following spider", None)] + [(f"newscrawl, {n} worker{'s' * (n > 1)}", n)
                                                        for n in sorted({cores, 1, 2})]
    rows: dict[str, list[dict]] = {name: [] for name, _ in configs}
    with serve_static(work / "site") as (base_url, server_name, server_pid):
        url = base_url + "/"
        for i in range(args.repeat):
            for name, workers in configs:
                out = work / f"{i}-{workers}.jsonl"
                if workers is None:
                    row = timed([sys.executable, "-m", "scrapy", "runspider", str(work / "bare.py"), "-a",
                                 f"start_url={url}", "-O", str(out), *FAST], work, server_pid)
                    row["pages"] = row["stories"] = sum(1 for _ in open(out))
                else:
                    row = timed([sys.executable, "-m", "newscrawl", "crawl", url, "-o", str(out), "--quiet", *FAST,
                                 "-s", f"NEWSCRAWL_WORKERS={workers}"], REPO, server_pid)
                    row["pages"] = json.loads(out.with_name(out.name + ".summary.json").read_text())["pages_fetched"]
                    row["stories"] = sum(1 for _ in open(out))
                rows[name].append(row)
                print(f"  run {i + 1}: {name}: {row['pages']} pages in {row['seconds']:.1f} s, {row['stories']} stories,"
                      f" peak RSS {row['rss'] / 1024:.0f} MiB, PSS {row['pss'] / 1024:.0f} MiB,"
                      f" CPU main {row['main_cpu']:.1f} s workers {row['workers_cpu']:.1f} s server {row['server_cpu']:.1f} s,"
                      f" idle {row['idle']:.0%}", file=sys.stderr)
    med = lambda name, key: statistics.median(r[key] for r in rows[name])  # noqa: E731
    per_page = lambda name, key: 1000 * statistics.median(r[key] / r["pages"] for r in rows[name])  # noqa: E731
    rate = {name: statistics.median(r["pages"] / r["seconds"] for r in rows[name]) for name in rows}
    print(f"site: {args.stories} stories on 127.0.0.1 served by {server_name}, {cores} cores, {args.repeat} runs each, medians")
    print(f"{'crawler':<30}{'pages':>7}{'pages/s':>9}{'stories':>9}{'RSS MiB':>9}{'PSS MiB':>9}"
          f"{'CPU ms/page: main':>19}{'workers':>9}{'server':>8}{'idle':>7}")
    for name in rows:
        print(f"{name:<30}{med(name, 'pages'):>7.0f}{rate[name]:>9.1f}{med(name, 'stories'):>9.0f}"
              f"{med(name, 'rss') / 1024:>9.0f}{med(name, 'pss') / 1024:>9.0f}{per_page(name, 'main_cpu'):>19.2f}"
              f"{per_page(name, 'workers_cpu'):>9.2f}{per_page(name, 'server_cpu'):>8.2f}{med(name, 'idle'):>7.0%}")
    bare = rate["bare link-following spider"]
    ours_cores = rate[f"newscrawl, {cores} worker{'s' * (cores > 1)}"]
    print(f"pages/s, ours ({cores} workers) / bare: {ours_cores / bare:.2f}  (target >= 0.8)")
    print(f"pages/s, ours 2 workers / 1 worker: {rate['newscrawl, 2 workers'] / rate['newscrawl, 1 worker']:.2f}"
          f"  (target >= 1.7)")


if __name__ == "__main__":
    main()
