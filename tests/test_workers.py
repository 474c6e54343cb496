"""The worker pool: real child processes running the page function, a dead or stuck worker
costing only its page, a clean close, and no orphans when the crawl process is killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from newscrawl.page import ARTICLE, ERROR, PageHints, process_page
from newscrawl.workers import PagePool
from pool_runner import run_in_pool, start_reactor

REPO = Path(__file__).resolve().parents[1]
HTML = {"Content-Type": "text/html; charset=utf-8"}
PARAGRAPH = "The council approved the new budget after a long debate about school funding and roads. " * 6
STORY = f"<html><body><article><h1>Budget approved</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>"
# A page that keeps a worker busy for seconds: many long paragraphs to extract and clean.
SLOW = ("<html><body><article><h1>Long</h1>" + "".join(
    f"<p>Paragraph {i}: {PARAGRAPH}</p>" for i in range(20_000)) + "</article></body></html>").encode()


def _args(url: str, body: bytes = STORY.encode()) -> tuple:
    return (url, HTML, body, None, PageHints())


def test_workers_give_the_same_results_as_the_inline_page_function():
    start_reactor()
    pool = PagePool(2)
    try:
        urls = [f"https://council.example/2024/05/{d:02d}/budget.html" for d in range(1, 7)]
        results = run_in_pool(pool, [_args(u) for u in urls])
    finally:
        pool.close()
    for url, result in zip(urls, results):
        inline = process_page(*_args(url))
        assert result.kind == ARTICLE
        inline.article.fetched_at = result.article.fetched_at
        assert result.article == inline.article


def test_a_killed_worker_costs_its_page_only_and_is_replaced():
    start_reactor()
    pool = PagePool(1)
    try:
        victim = pool.pids()[0]

        def kill_when_busy():
            time.sleep(1.0)  # the slow page is in the worker by now
            os.kill(victim, signal.SIGKILL)

        threading.Thread(target=kill_when_busy, daemon=True).start()
        slow, after = run_in_pool(pool, [_args("https://council.example/slow.html", SLOW),
                                  _args("https://council.example/2024/05/01/budget.html")])
        assert slow.kind == ERROR and slow.counters["errors/worker_died"] == 1
        assert after.kind == ARTICLE  # the replacement worker took the next page
        assert pool.pids() and pool.pids()[0] != victim
    finally:
        pool.close()


def test_a_page_past_the_timeout_is_an_error_and_the_worker_is_replaced():
    start_reactor()
    pool = PagePool(1, page_timeout=0.5)
    try:
        first = pool.pids()[0]
        slow, after = run_in_pool(pool, [_args("https://council.example/slow.html", SLOW),
                                  _args("https://council.example/2024/05/01/budget.html")])
        assert slow.kind == ERROR and slow.counters["errors/timeout"] == 1
        assert after.kind == ARTICLE
        assert pool.pids()[0] != first
    finally:
        pool.close()


def test_close_ends_every_worker():
    pool = PagePool(2)
    pids = pool.pids()
    assert len(pids) == 2
    pool.close()
    for pid in pids:
        assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too (its parent has not reaped it yet).
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_kill_9_of_the_crawl_process_leaves_no_orphan_workers():
    script = ("import sys, time\nfrom newscrawl.workers import PagePool\npool = PagePool(2)\n"
              "print(' '.join(map(str, pool.pids())), flush=True)\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=str(REPO))
    pids = [int(p) for p in parent.stdout.readline().split()]
    pids += _children(parent.pid)  # the template too
    assert len(set(pids)) == 3 and all(_alive(p) for p in pids)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "worker processes outlived the crawl process"


def test_sigterm_ends_a_crawl_and_its_workers(tmp_path):
    """A crawl of a site that never ends on its own, stopped with SIGTERM: exit 3, no workers left."""
    from newscrawl.demo.server import serve_site
    from sitegen import build_site

    build_site(tmp_path / "site", 400)
    server = serve_site(tmp_path / "site")
    try:
        out = tmp_path / "out.jsonl"
        crawl = subprocess.Popen([sys.executable, "-m", "newscrawl", "crawl", server.base_url + "/", "-o", str(out),
                                  "-q", "-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_ENABLED=False",
                                  "-s", "NEWSCRAWL_WORKERS=2"], cwd=str(REPO))
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 3:
            time.sleep(0.2)
            workers = _children(crawl.pid)
        assert len(workers) >= 3, "the crawl started no template and workers"
        time.sleep(1.0)
        crawl.send_signal(signal.SIGTERM)
        assert crawl.wait(60) == 3
    finally:
        server.stop()
    assert not any(_alive(p) for p in workers)
    assert out.is_file()


def _children(pid: int) -> list[int]:
    """Worker processes below `pid` (the template's children and the template itself)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                if "newscrawl.workers" in (entry / "cmdline").read_text():
                    parents[int(entry.name)] = int(stat.split(")")[-1].split()[1])
            except OSError:
                continue
    found, frontier = [], {pid}
    while frontier:
        below = [p for p, parent in parents.items() if parent in frontier]
        found.extend(below)
        frontier = set(below)
    return found
