"""Unattended runs (cron): bad settings and site lists stop before anything is written, a
state folder is locked, warnings reach stderr even with -q, --fail-on-warning exits 4, the
site-change check compares like with like, a resumed run loses nothing, a reader that goes
away does not change the exit code, a dropped item is one log line."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from newscrawl.demo.server import serve_site

from conftest import FAST_CRAWL, REPO, read_jsonl, run_newscrawl
from sitegen import build_site, write_story


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    stories = build_site(root, 6)
    server = serve_site(root)
    yield server, root, stories
    server.stop()


@pytest.mark.parametrize("setting, message", [
    ("CONCURRENT_REQUESTS=abc", "CONCURRENT_REQUESTS='abc': expected an integer"),
    ("CONCURRENT_REQUESTS=0", "CONCURRENT_REQUESTS='0': must be >= 1"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN=-1", "CONCURRENT_REQUESTS_PER_DOMAIN='-1': must be >= 1"),
    ("DOWNLOAD_DELAY=-5", "DOWNLOAD_DELAY='-5': must be >= 0"),
    ("ROBOTSTXT_OBEY=perhaps", "ROBOTSTXT_OBEY='perhaps': expected True or False"),
    ("CONCURENT_REQUESTS=4", "-s CONCURENT_REQUESTS: not a Scrapy or newscrawl setting"),
])
def test_bad_setting_is_one_line_exit_2_and_no_export(tmp_path, setting, message):
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("crawl", "http://127.0.0.1:9/", "-o", str(out), "-s", setting)
    assert result.returncode == 2
    assert result.stderr.strip() == f"newscrawl crawl: error: {message}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("line, message", [
    ("concurrency = 0", "concurrency must be an integer >= 1, got 0"),
    ("concurrency = -1", "concurrency must be an integer >= 1, got -1"),
    ("concurrency = 1.5", "concurrency must be an integer >= 1, got 1.5"),
    ("delay = -5", "delay must be a number >= 0, got -5"),
    ('delay = "fast"', "delay must be a number >= 0, got 'fast'"),
    ("language = 3", "language must be a non-empty string, got 3"),
])
def test_bad_site_list_is_one_line_exit_2_and_no_export(tmp_path, line, message):
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[sites]]\nname = "x"\nstart_urls = ["http://127.0.0.1:9/"]\n{line}\n')
    out = tmp_path / "out" / "out.jsonl"
    out.parent.mkdir()
    result = run_newscrawl("crawl", "--sites", str(sites), "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.strip() == f"newscrawl crawl: error: {sites}: site #1: {message}"
    assert list(out.parent.iterdir()) == []


def test_negative_max_pages_is_refused(tmp_path):
    result = run_newscrawl("crawl", "http://127.0.0.1:9/", "-o", str(tmp_path / "o.jsonl"), "--max-pages", "-3")
    assert result.returncode == 2 and "must be >= 0" in result.stderr


def test_state_is_locked_against_a_second_run(tmp_path, site):
    server, _, _ = site
    state = tmp_path / "state"
    from newscrawl.runs import lock_state

    holder = subprocess.Popen([sys.executable, "-c", "import sys,time; from newscrawl.runs import lock_state; "
                               f"held = lock_state(__import__('pathlib').Path({str(state)!r})); print('locked', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True, cwd=str(REPO))
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_newscrawl("crawl", server.base_url + "/", "-o", str(tmp_path / "o.jsonl"), "--state", str(state))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert result.stderr.strip() == f"newscrawl crawl: error: another run holds this state ({state})"
    assert not (tmp_path / "o.jsonl").exists()
    lock_state(state).close()  # free again once the holder is gone


def test_warnings_on_stderr_with_quiet_and_fail_on_warning_exits_4(tmp_path):
    root = tmp_path / "site"
    stories = build_site(root, 10)
    server = serve_site(root)
    state = tmp_path / "state"
    try:
        def crawl(name, *extra):
            return run_newscrawl("crawl", server.base_url + "/", "-o", str(tmp_path / name), "--state", str(state),
                                 "-q", "--fail-on-warning", *FAST_CRAWL, *extra)

        first = crawl("1.jsonl")
        assert first.returncode == 0, first.stderr[-2000:]
        # A run cut short by --max-pages is neither compared nor the next baseline.
        short = crawl("2.jsonl", "--max-pages", "3")
        assert short.returncode == 0 and "WARNING" not in short.stderr, short.stderr[-2000:]
        # The site loses most of its stories: the next full run warns, on stderr, despite -q.
        from sitegen import write_listings

        write_listings(root, stories[:2])
        third = crawl("3.jsonl")
    finally:
        server.stop()
    assert third.returncode == 4, third.stderr[-2000:]
    assert "WARNING" in third.stderr and "previous run 10" in third.stderr
    summary = json.loads((tmp_path / "3.jsonl.summary.json").read_text())
    assert summary["exit_code"] == 4 and summary["warnings"]


def test_site_change_check_only_on_sites_crawled(tmp_path):
    from newscrawl.runs import monitor_warnings

    state = tmp_path / "state"
    state.mkdir()
    figures = {"a.example": {"stories": 10, "coverage": {"date": 100.0}},
               "b.example": {"stories": 10, "coverage": {"date": 100.0}}}
    assert monitor_warnings(state, {"a.example": 10, "b.example": 10}, figures) == []
    # Only a.example crawled this time: b.example is neither warned about nor forgotten.
    assert monitor_warnings(state, {"a.example": 9}, {"a.example": figures["a.example"]}, {"a.example"}) == []
    assert monitor_warnings(state, {"b.example": 2}, {}, {"b.example"}) == [
        "WARNING b.example: 2 stories found, previous run 10"]
    # A bounded run (--max-age 2d) is compared with the previous run bounded alike.
    assert monitor_warnings(state, {"a.example": 1}, {}, {"a.example"}, baseline="max-age=2d") == []
    assert monitor_warnings(state, {"a.example": 9}, {}, {"a.example"}, baseline=None) == []


def test_resumed_run_reads_related_links_of_skipped_stories(tmp_path):
    root = tmp_path / "site"
    stories = build_site(root, 3)
    from datetime import datetime, timezone

    hidden = write_story(root, 50, datetime(2024, 5, 3, tzinfo=timezone.utc))  # linked from nowhere
    server = serve_site(root)
    out, state = tmp_path / "out.jsonl", tmp_path / "state"
    try:
        seed = run_newscrawl("crawl", server.base_url + stories[0], "-o", str(tmp_path / "seed.jsonl"), *FAST_CRAWL,
                             "-s", "NEWSCRAWL_USE_SITEMAPS=False")
        line = read_jsonl(tmp_path / "seed.jsonl")[0]
        assert line["url"].endswith(stories[0]), seed.stderr[-2000:]
        # The interrupted run had written story 0, whose related block links the hidden story.
        line["related_urls"] = [server.base_url + hidden]
        out.with_name(out.name + ".part").write_text(json.dumps(line) + "\n")
        state.mkdir()
        (state / "run.json").write_text(json.dumps({"run_id": "r1", "export_path": str(out), "status": "running",
                                                    "started_at": "2024-05-01T00:00:00+00:00"}))
        server.requests.clear()
        resumed = run_newscrawl("crawl", server.base_url + "/", "-o", str(out), "--state", str(state), *FAST_CRAWL)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    finally:
        server.stop()
    exported = [r["url"][len(server.base_url):] for r in read_jsonl(out)]
    assert sorted(exported) == sorted(stories + [hidden])
    assert Counter(server.requests)[stories[0]] == 0  # the written story is not fetched again


def test_broken_stdout_pipe_keeps_the_exit_code(tmp_path, site):
    server, _, _ = site
    command = (f"{sys.executable} -m newscrawl crawl {server.base_url}/ -o {tmp_path / 'o.jsonl'} "
               + " ".join(FAST_CRAWL) + " 2>&1 | head -c 1 > /dev/null; echo ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=str(REPO), timeout=120)
    assert result.stdout.strip() == "0", result.stdout + result.stderr
    summary = json.loads((tmp_path / "o.jsonl.summary.json").read_text())
    assert summary["exit_code"] == 0


def test_dropped_item_is_one_log_line(tmp_path, site):
    server, _, stories = site
    result = run_newscrawl("crawl", server.base_url + "/", "-o", str(tmp_path / "o.jsonl"), "-v", *FAST_CRAWL,
                           "--since", "2030-01-01")
    dropped = [line for line in result.stderr.splitlines() if "Dropped" in line]
    assert dropped, result.stderr[-2000:]
    for line in dropped:
        assert line.rstrip().endswith("before --since") or "http" in line
        assert len(line) < 400
    assert "body" not in "\n".join(dropped)
