"""Distributed crawls against a real Redis (a redis-server started on a free 127.0.0.1 port)
and real workers (`newscrawl crawl --redis`, subprocesses) crawling a local site."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.demo.server import serve_sites
from newscrawl.distributed.figures import crawl_figures
from sitegen import build_site, write_listings, write_story

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dedup_sites"
# Real but quick: no politeness delay against our own server; few requests at a time so that
# the crawl lasts long enough for several workers to share it.
WORKER = ["-q", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=2",
          "-s", "NEWSCRAWL_REDIS_WORKER_TIMEOUT=10", "-s", "NEWSCRAWL_REDIS_HEARTBEAT=0.5", "-s", "NEWSCRAWL_WORKERS=1"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, tmp: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: `apt-get install redis-server` (bash .ci/run does it)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        self.client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def site(tmp_path):
    paths = build_site(tmp_path / "sites" / "gazette", 120)
    with serve_sites(["gazette"], root=tmp_path / "sites") as servers:
        yield servers["gazette"], paths


def start_worker(url: str, redis_url: str, output: Path, crawl: str = "test", *extra: str, log: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newscrawl", "crawl", url, "-o", str(output), "--redis", redis_url,
                             "--crawl", crawl, *WORKER, *extra],
                            cwd=REPO, stdout=subprocess.PIPE, text=True,
                            stderr=open(log, "w") if log else subprocess.PIPE)


def finish(worker: subprocess.Popen, timeout: float = 240) -> tuple[int, str]:
    _, err = worker.communicate(timeout=timeout)
    return worker.returncode, err or ""


def lines_of(path: Path) -> list[dict]:
    """Complete lines of an export (the .part of a killed worker included)."""
    for candidate in (path, path.with_name(path.name + ".part")):
        if candidate.exists():
            text = candidate.read_text(encoding="utf-8")
            return [json.loads(line) for line in text.split("\n")[:-1] if line.strip()]
    return []


def story_paths(records: list[dict], base: str) -> list[str]:
    return [r["url"][len(base):] for r in records]


def wait_for_lines(paths: list[Path], at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while sum(len(lines_of(p)) for p in paths) < at_least:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {at_least} stories written after {timeout}s")
        time.sleep(0.2)


def test_two_workers_crawl_one_site_together(redis_server, site, tmp_path):
    server, paths = site
    outputs = [tmp_path / "w1.jsonl", tmp_path / "w2.jsonl"]
    # 0.2 s between requests per worker: one worker alone needs 25 s or more for the site, far
    # longer than the other's start-up, so both take part even on a loaded machine
    workers = [start_worker(server.base_url + "/", redis_server.url, out, "test", "-s", "DOWNLOAD_DELAY=0.2")
               for out in outputs]
    results = [finish(w) for w in workers]
    assert [code for code, _ in results] == [0, 0], [err[-2000:] for _, err in results]
    exported = [story_paths(lines_of(out), server.base_url) for out in outputs]
    union = exported[0] + exported[1]
    assert sorted(union) == sorted(paths)  # every story, exactly once
    assert all(exported), [len(e) for e in exported]  # both workers did part of it
    # every page was fetched once: the frontier and the seen-URL filter are shared
    fetched = [p for p in server.requests if p.startswith("/news/")]
    assert len(fetched) == len(set(fetched)) == len(paths)
    # the crawl's figures, aggregated through Redis, in each summary and in `newscrawl status`
    # (each summary is written when its worker ends: the last one sees every worker's final figures)
    crawl = [json.loads((tmp_path / f"w{i}.jsonl.summary.json").read_text())["crawl"] for i in (1, 2)]
    assert max(c["stories"] for c in crawl) == len(paths) and all(c["queued"] == 0 for c in crawl)
    status = subprocess.run([sys.executable, "-m", "newscrawl", "status", "--redis", redis_server.url, "--crawl", "test",
                             "--json"], cwd=REPO, capture_output=True, text=True, timeout=60)
    figures = json.loads(status.stdout)
    assert figures["stories"] == len(paths) and figures["queued"] == 0 and figures["done_at"]
    assert figures["workers_seen"] == 2 and figures["workers_alive"] == 0


def test_workers_killed_at_five_random_moments_and_one_joining_late(redis_server, site, tmp_path):
    """kill -9 of a worker at 5 random moments, a replacement started each time, and a worker
    that joins late: every story is exported exactly once in the union of the exports."""
    server, paths = site
    rng = random.Random(int(os.environ.get("NEWSCRAWL_TEST_SEED", "12")))
    base = server.base_url + "/"
    outputs: list[Path] = []

    def launch():
        out = tmp_path / f"w{len(outputs)}.jsonl"
        outputs.append(out)
        # a killed worker's requests come back after 3 s of silence
        return start_worker(base, redis_server.url, out, "test", "-s", "NEWSCRAWL_REDIS_WORKER_TIMEOUT=3",
                            "-s", "LOG_LEVEL=DEBUG", log=out.with_suffix(".log"))

    running = [launch(), launch()]
    killed = []
    marks = sorted(rng.sample(range(8, len(paths) - 25), 5))
    for mark in marks:
        wait_for_lines(outputs, mark)
        time.sleep(rng.random() * 0.3)
        victim = running.pop(rng.randrange(len(running)))
        victim.send_signal(signal.SIGKILL)
        victim.wait(30)
        killed.append(victim)
        running.append(launch())
    running.append(launch())  # joins late: the crawl is well under way
    results = [finish(w) for w in running]
    assert all(code == 0 for code, _ in results), [err[-2000:] for _, err in results]
    union = [p for out in outputs for p in story_paths(lines_of(out), server.base_url)]
    assert len(union) == len(set(union)), "a story was exported twice"
    lost = set(paths) - set(union)
    mentions = [f"{log.name}: {line.strip()[:300]}" for log in sorted(tmp_path.glob("w*.log"))
                for line in log.read_text(errors="replace").splitlines() if any(p in line for p in lost)]
    assert not lost, f"{len(lost)} stories lost: {sorted(lost)}\n" + "\n".join(mentions[-30:])
    figures = crawl_figures(redis_server.client, "test")
    assert figures["workers_lost"] >= 1  # the killed workers were noticed and reaped


def test_a_finished_crawl_run_again_exports_only_its_new_story(redis_server, tmp_path):
    """An hourly crawl: the same command after the crawl finished begins a new run of it; the
    listings are fetched again, the dedup state is the crawl's, so only the new story is
    exported; `newscrawl status` shows the new run."""
    from datetime import datetime, timezone

    root = tmp_path / "sites" / "gazette"
    paths = build_site(root, 20)
    with serve_sites(["gazette"], root=tmp_path / "sites") as servers:
        server = servers["gazette"]
        base = server.base_url + "/"
        code, err = finish(start_worker(base, redis_server.url, tmp_path / "first.jsonl", "hourly"))
        assert code == 0, err[-2000:]
        first = lines_of(tmp_path / "first.jsonl")
        assert sorted(story_paths(first, server.base_url)) == sorted(paths)
        new = write_story(root, 20, datetime(2024, 5, 2, 9, 0, tzinfo=timezone.utc))
        write_listings(root, [new] + paths)
        fetched_before = len(server.requests)
        code, err = finish(start_worker(base, redis_server.url, tmp_path / "second.jsonl", "hourly"))
        assert code == 0, err[-2000:]
        second = lines_of(tmp_path / "second.jsonl")
        assert story_paths(second, server.base_url) == [new]
        assert server.requests[fetched_before:].count("/") == 1  # a fresh frontier: the home page again
    runs = [json.loads((tmp_path / f"{name}.jsonl.summary.json").read_text()) for name in ("first", "second")]
    assert runs[0]["run_id"] != runs[1]["run_id"]
    assert {r["run_id"] for r in first} == {runs[0]["run_id"]} and second[0]["run_id"] == runs[1]["run_id"]
    assert runs[1]["crawl"]["run_number"] == 2 and runs[1]["crawl"]["stories"] == 1
    assert runs[1]["crawl"]["unchanged"] == len(paths)
    status = subprocess.run([sys.executable, "-m", "newscrawl", "status", "--redis", redis_server.url, "--crawl", "hourly",
                             "--json"], cwd=REPO, capture_output=True, text=True, timeout=60)
    figures = json.loads(status.stdout)
    assert (figures["run_id"], figures["run_number"], figures["stories"]) == (runs[1]["run_id"], 2, 1)
    assert figures["done_at"] and figures["dedup_stories"] == len(paths) + 1
    assert [(r["run_id"], r["stories"]) for r in figures["previous_runs"]] == [(runs[0]["run_id"], len(paths))]
    text = subprocess.run([sys.executable, "-m", "newscrawl", "status", "--redis", redis_server.url, "--crawl", "hourly"],
                          cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    assert f"run 2 ({runs[1]['run_id']})" in text and f"run 1 ({runs[0]['run_id']})" in text


def test_scrapy_crawl_workers_begin_a_new_run_too(redis_server, site, tmp_path):
    """`scrapy crawl news -s REDIS_URL=…` twice with one crawl name: two runs, each story
    carrying its run's id, the second exporting nothing new."""
    server, paths = site
    exported = []
    for name in ("first", "second"):
        out = tmp_path / f"{name}.jsonl"
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={server.base_url}/",
                                 "-O", str(out), "-L", "WARNING", "-s", f"REDIS_URL={redis_server.url}",
                                 "-s", "NEWSCRAWL_CRAWL=scrapy", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                                 "-s", "NEWSCRAWL_WORKERS=1"], cwd=REPO, capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stderr[-2000:]
        exported.append(lines_of(out))
    assert len(exported[0]) == len(paths) and exported[1] == []
    figures = crawl_figures(redis_server.client, "scrapy")
    assert figures["run_number"] == 2 and figures["unchanged"] == len(paths)
    from newscrawl.distributed.runs import history

    first_run = history(redis_server.client, "scrapy")[0]["run_id"]
    assert {r["run_id"] for r in exported[0]} == {first_run} and first_run != figures["run_id"]


def test_a_worker_joining_a_run_as_it_ends_stops_with_nothing_done(redis_server, site, tmp_path):
    """The race of a worker that entered a run in the seconds the run took to end: it crawls
    nothing, writes nothing to the ended run's keys, and exits 0 with an empty export."""
    from newscrawl.distributed import runs
    from newscrawl.distributed.keys import run_prefix

    server, _ = site
    ended = runs.enter(redis_server.client, "race")
    redis_server.client.hset(run_prefix("race", ended.run_id) + "meta", mapping={"seeded_at": 1, "done_at": 2})
    out = tmp_path / "late.jsonl"
    code, err = finish(start_worker(server.base_url + "/", redis_server.url, out, "race",
                                    "-s", f"NEWSCRAWL_CRAWL_RUN={ended.run_id}"))
    assert code == 0, err[-2000:]
    assert lines_of(out) == [] and out.exists()
    assert not [p for p in server.requests if p.startswith("/news/")]
    # the command began the next run, which deleted the ended run's keys: none written since
    assert not list(redis_server.client.scan_iter(match=run_prefix("race", ended.run_id) + "*"))


def test_two_workers_racing_on_copies_of_one_story_export_it_once(redis_server, tmp_path):
    sites = tmp_path / "sites"
    shutil.copytree(FIXTURES, sites)
    with serve_sites(["wire-a", "wire-b"], root=sites) as servers:
        a, b = servers["wire-a"].base_url + "/", servers["wire-b"].base_url + "/"
        # the two sites (each with a copy of the wire story) crawled by two workers at once
        workers = [start_worker(f"{a},{b}", redis_server.url, tmp_path / "a.jsonl", "wire"),
                   start_worker(f"{b},{a}", redis_server.url, tmp_path / "b.jsonl", "wire")]
        results = [finish(w) for w in workers]
    assert [code for code, _ in results] == [0, 0], [err[-2000:] for _, err in results]
    stories = lines_of(tmp_path / "a.jsonl") + lines_of(tmp_path / "b.jsonl")
    dredging = [s for s in stories if "dredg" in s["body"].lower()]
    assert len(dredging) == 1, [s["url"] for s in dredging]
    assert len(stories) == 4


def test_concurrent_decisions_on_copies_commit_once(redis_server):
    """The check-and-insert itself: worker A decides on a copy, worker B commits the other copy
    meanwhile; A's commit is refused and A, deciding again, finds B's story."""
    import redis

    from newscrawl.dedup.deduplicator import Deduplicator
    from newscrawl.dedup.redis_store import RedisStore, StoreConflict
    from newscrawl.items import Article

    body = "\n\n".join(f"Paragraph {i}: the harbour authority signed the dredging contract after a long review "
                       f"of bids from four firms, officials said on Tuesday, number {i}." for i in range(6))
    copy_a = Article(url="http://a.example/news/dredging", title="Dredging deal signed", body=body, source="A")
    copy_b = Article(url="http://b.example/2024/dredging-deal", title="Dredging deal signed", body=body, source="B")
    store_a = RedisStore(redis.Redis.from_url(redis_server.url), "newscrawl:race:", expected_stories=1000)
    store_b = RedisStore(redis.Redis.from_url(redis_server.url), "newscrawl:race:", expected_stories=1000)
    worker_a, worker_b = Deduplicator(store_a, commit_every=1 << 62), Deduplicator(store_b, commit_every=1 << 62)
    assert worker_a.process(copy_a).exported  # decided, not yet committed
    assert worker_b.process(copy_b).exported
    store_b.commit()
    with pytest.raises(StoreConflict):
        store_a.commit()
    again = worker_a.process(Article(url=copy_a.url, title=copy_a.title, body=body, source="A"))
    store_a.commit()
    assert again.action == "duplicate" and again.duplicate_of == copy_b.id
    assert store_a.stories() == 1


def test_redis_unreachable_at_start_is_one_line_and_exit_2(tmp_path):
    port = free_port()
    result = subprocess.run([sys.executable, "-m", "newscrawl", "crawl", "http://127.0.0.1:9/", "-o",
                             str(tmp_path / "out.jsonl"), "--redis", f"redis://127.0.0.1:{port}/0"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach Redis" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.jsonl.part").exists()


def test_redis_lost_mid_crawl_clear_error_nothing_written_lost_exit_1(redis_server, site, tmp_path):
    server, paths = site
    out = tmp_path / "w.jsonl"
    worker = start_worker(server.base_url + "/", redis_server.url, out, "test", "-s", "CONCURRENT_REQUESTS=1")
    wait_for_lines([out], 10)
    before = len(lines_of(out))
    redis_server.stop()
    code, err = finish(worker, timeout=120)
    assert code == 1, err[-2000:]
    assert "lost mid-crawl" in err and "Traceback" not in err, err[-2000:]
    assert out.exists()  # the lines written are put in place
    written = lines_of(out)
    assert len(written) >= before
    assert len({r["url"] for r in written}) == len(written)
    summary = json.loads((tmp_path / "w.jsonl.summary.json").read_text())
    assert summary["finish_reason"] == "redis_lost" and summary["exit_code"] == 1
    assert summary["stories_exported"] == len(written)
