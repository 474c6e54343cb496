"""Scheduled and resumable crawls: kill -9 and resume, state across runs, --since, site
lists, summaries and exit codes. Crawls run as subprocesses against local fixture sites."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.demo.server import serve_site
from newscrawl.runs import drop_partial_last_line, plan_run
from newscrawl.sitelist import SiteListError, download_slots, load_site_list

from export_check import assert_valid_export
from conftest import FAST_CRAWL, REPO, read_jsonl, run_newscrawl
from sitegen import build_site, write_feed, write_listings, write_story

SERIAL = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "CONCURRENT_REQUESTS=1"]


def assert_complete_lines(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path} ends with a partial line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def paths_of(records: list[dict], base: str) -> list[str]:
    return [r["url"][len(base):] for r in records]


def crawl_command(url: str, out: Path, state: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "newscrawl", "crawl", url, "-o", str(out), "--state", str(state), "--quiet", *FAST_CRAWL, *extra]


def test_kill9_then_resume_exports_every_story_exactly_once(tmp_path):
    site_root = tmp_path / "site"
    stories = build_site(site_root, 24)
    server = serve_site(site_root)
    server.delay = 0.15
    out, state = tmp_path / "out.jsonl", tmp_path / "state"
    try:
        command = crawl_command(server.base_url + "/", out, state, *SERIAL)
        proc = subprocess.Popen(command, cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        part = out.with_name(out.name + ".part")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if part.exists() and part.read_bytes().count(b"\n") >= 6:
                break
            if proc.poll() is not None:
                pytest.fail("crawl ended before it could be killed: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert not out.exists(), "the export was put in place although the run was killed"
        written_before = part.read_bytes().count(b"\n")
        assert 6 <= written_before < len(stories)
        complete = part.read_bytes().rsplit(b"\n", 1)[0].decode("utf-8").splitlines()
        done_before = {json.loads(line)["url"][len(server.base_url):] for line in complete}

        server.delay = 0
        resumed = subprocess.run(command, cwd=str(REPO), capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
    finally:
        server.stop()
    assert not part.exists()
    records = assert_complete_lines(out)
    exported = paths_of(records, server.base_url)
    assert sorted(exported) == sorted(stories), "every story exactly once across the interrupted and resumed run"
    # The resumed run fetched what was left, not the stories already written.
    fetched = Counter(server.requests)
    assert all(fetched[path] == 1 for path in done_before), {p: fetched[p] for p in done_before}
    summary = json.loads(out.with_name(out.name + ".summary.json").read_text())
    assert summary["resumed"] is True and summary["finish_reason"] == "finished"
    assert summary["stories_recovered_from_interrupted_run"] == written_before


def test_second_run_with_state_exports_only_new_stories(tmp_path):
    site_root = tmp_path / "site"
    stories = build_site(site_root, 12)
    state = tmp_path / "state"
    server = serve_site(site_root)
    try:
        first = run_newscrawl(*crawl_command(server.base_url + "/", tmp_path / "1.jsonl", state)[3:])
        assert first.returncode == 0, first.stderr[-2000:]
        assert len(read_jsonl(tmp_path / "1.jsonl")) == 12

        new = [write_story(site_root, 100 + i, datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc), seed=7) for i in range(2)]
        write_listings(site_root, new + stories)
        second = run_newscrawl(*crawl_command(server.base_url + "/", tmp_path / "2.jsonl", state)[3:])
        assert second.returncode == 0, second.stderr[-2000:]
    finally:
        server.stop()
    assert sorted(paths_of(read_jsonl(tmp_path / "2.jsonl"), server.base_url)) == sorted(new)


def test_since_drops_old_stories_without_fetching_dated_feed_entries(tmp_path):
    site_root = tmp_path / "site"
    listed = build_site(site_root, 4, start=datetime(2024, 5, 10, 9, 0, tzinfo=timezone.utc))  # May 10, 9, 8, 7
    old_only_in_feed = write_story(site_root, 50, datetime(2024, 1, 1, tzinfo=timezone.utc), seed=3)
    new_only_in_feed = write_story(site_root, 51, datetime(2024, 5, 11, tzinfo=timezone.utc), seed=3)
    write_feed(site_root, [(old_only_in_feed, datetime(2024, 1, 1, tzinfo=timezone.utc)),
                           (new_only_in_feed, datetime(2024, 5, 11, tzinfo=timezone.utc))])
    server = serve_site(site_root)
    out = tmp_path / "since.jsonl"
    try:
        proc = run_newscrawl("crawl", server.base_url + "/", "-o", str(out), "--since", "2024-05-09", "--quiet", *FAST_CRAWL)
    finally:
        server.stop()
    assert proc.returncode == 0, proc.stderr[-2000:]
    exported = set(paths_of(read_jsonl(out), server.base_url))
    assert exported == {listed[0], listed[1], new_only_in_feed}
    assert old_only_in_feed not in server.requests, "a feed entry dated before --since was fetched"


def test_site_list_toml_and_yaml(tmp_path):
    toml_file = tmp_path / "sites.toml"
    toml_file.write_text(
        '[[sites]]\nname = "a"\nstart_urls = ["https://a.example/", "https://a.example/rss.xml"]\nlanguage = "ar"\ndelay = 2.0\nconcurrency = 1\n'
        '[[sites]]\nstart_urls = "https://news.b.example/"\n', encoding="utf-8")
    sites = load_site_list(toml_file)
    assert [s.name for s in sites] == ["a", "news.b.example"] and sites[0].language == "ar"
    assert download_slots(sites) == {"a.example": {"delay": 2.0, "concurrency": 1}}
    yaml_file = tmp_path / "sites.yaml"
    yaml_file.write_text("sites:\n  - name: c\n    start_urls: [https://c.example/]\n    date_locale: fr-FR\n", encoding="utf-8")
    assert load_site_list(yaml_file)[0].date_locale == "fr-FR"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sites]]\nname = "x"\nstart_url = ["https://x.example/"]\n', encoding="utf-8")
    with pytest.raises(SiteListError, match="unknown keys"):
        load_site_list(bad)


def test_crawl_from_site_list_with_summary(tmp_path):
    site_root = tmp_path / "site"
    stories = build_site(site_root, 5)
    server = serve_site(site_root)
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"sites:\n  - name: gazette\n    start_urls: ['{server.base_url}/']\n    language: en\n    delay: 0\n"
                     "    timezone: Europe/Berlin\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    try:
        proc = run_newscrawl("crawl", "--sites", str(sites), "-o", str(out), *FAST_CRAWL)
    finally:
        server.stop()
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = assert_valid_export(out)
    assert len(records) == len(stories)
    # the list's language is a hint: it neither renames the source nor overrides the page
    assert {r["source"] for r in records} == {"Test Gazette"} and {r["language"] for r in records} == {"en"}
    summary = json.loads(out.with_name(out.name + ".summary.json").read_text())
    for key in ("run_id", "start_time", "end_time", "sites", "pages_fetched", "stories_exported", "duplicates",
                "revisions", "errors", "per_site", "finish_reason", "pages_by_kind", "http_statuses", "robots_refused",
                "dropped", "cleaning_removed", "duration_seconds", "newscrawl_version", "command_line"):
        assert key in summary
    assert sum(summary["http_statuses"].values()) == summary["pages_fetched"] and summary["pages_by_kind"]["article"] == 5
    assert summary["command_line"][-len(FAST_CRAWL):] == FAST_CRAWL
    assert list(summary["per_site"]) == ["gazette"]  # keyed by the site list's name
    (site,) = summary["per_site"].values()
    assert site["stories"] == 5 and site["stories_found"] == 5 and site["coverage"]["date"] == 100.0


def test_exit_code_could_not_start(tmp_path):
    bad = tmp_path / "sites.toml"
    bad.write_text("not [valid", encoding="utf-8")
    unknown_profile = tmp_path / "profile.toml"
    unknown_profile.write_text('[[sites]]\nstart_urls = ["http://127.0.0.1:9/"]\nprofile = "no-such-profile"\n', encoding="utf-8")
    for args in (["crawl", "--sites", str(bad)], ["crawl", "--sites", str(unknown_profile)], ["crawl", "ftp://x.example/"], ["crawl"], ["crawl", "http://127.0.0.1:9/", "--since", "yesterday-ish"]):
        proc = run_newscrawl(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_exit_code_errors_above_threshold(tmp_path):
    site_root = tmp_path / "site"
    build_site(site_root, 1)
    server = serve_site(site_root)
    try:
        missing = ",".join(server.base_url + f"/gone/{i}" for i in range(5))
        proc = run_newscrawl("crawl", missing, "-o", str(tmp_path / "e.jsonl"), "--quiet", *FAST_CRAWL,
                             "-s", "NEWSCRAWL_USE_SITEMAPS=False")
    finally:
        server.stop()
    assert proc.returncode == 1, proc.stderr[-2000:]
    summary = json.loads((tmp_path / "e.jsonl.summary.json").read_text())
    assert summary["errors"].get("HTTP 404") == 5


def test_exit_code_interrupted_by_sigterm(tmp_path):
    site_root = tmp_path / "site"
    build_site(site_root, 20)
    server = serve_site(site_root)
    server.delay = 0.3
    out = tmp_path / "t.jsonl"
    try:
        proc = subprocess.Popen([sys.executable, "-m", "newscrawl", "crawl", server.base_url + "/", "-o", str(out), "--quiet", *FAST_CRAWL, *SERIAL],
                                cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(server.requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    finally:
        server.stop()
    assert proc.returncode == 3
    assert_complete_lines(out)  # without --state the complete lines are put in place
    assert json.loads(out.with_name(out.name + ".summary.json").read_text())["finish_reason"] == "shutdown"


def test_drop_partial_last_line_and_plan(tmp_path):
    part = tmp_path / "x.jsonl.part"
    part.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    assert drop_partial_last_line(part) == 2
    assert part.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    state = tmp_path / "state"
    state.mkdir()
    (state / "run.json").write_text(json.dumps({"run_id": "r1", "export_path": str(tmp_path / "x.jsonl"), "status": "running"}))
    plan = plan_run(state, None, tmp_path)
    assert plan.resumed and plan.run_id == "r1" and plan.recovered_lines == 2


def test_monitor_warns_when_a_site_drops_far_below_its_previous_run(tmp_path):
    from newscrawl.runs import monitor_warnings

    state = tmp_path / "state"
    state.mkdir()
    full = {"a.example": {"stories": 40, "coverage": {"date": 100.0, "authors": 90.0}},
            "b.example": {"stories": 10, "coverage": {"date": 100.0, "authors": 80.0}}}
    assert monitor_warnings(state, {"a.example": 40, "b.example": 10}, full) == []
    later = {"a.example": {"stories": 5, "coverage": {"date": 100.0, "authors": 88.0}},
             "b.example": {"stories": 9, "coverage": {"date": 100.0, "authors": 20.0}}}
    warnings = monitor_warnings(state, {"a.example": 12, "b.example": 9}, later)
    assert warnings == ["WARNING a.example: 12 stories found, previous run 40",
                        "WARNING b.example: authors coverage 20%, previous run 80%"]


def test_site_list_profile_binds_a_named_profile_to_the_site():
    from newscrawl.extraction.profiles import ProfileError, site_list_profile

    named = site_list_profile("arabi.example", "demo-arabic", date_locale="ar-EG")
    assert named["domains"] == ["arabi.example"] and named["date_locale"] == "ar-EG" and not named.get("hint_only")
    hint = site_list_profile("quotidien.example", language="fr")
    assert hint["hint_only"] and hint["language"] == "fr" and hint["body"] == []
    assert site_list_profile("plain.example") is None
    with pytest.raises(ProfileError, match="no site profile named"):
        site_list_profile("x.example", "no-such-profile")


def test_interrupted_run_abandoned_for_another_export_is_closed_and_reported(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    old_export = tmp_path / "old.jsonl"
    old_export.with_name("old.jsonl.part").write_bytes(b'{"url": "http://x.example/a", "body": "b"}\n{"url": ')
    (state / "run.json").write_text(json.dumps({"run_id": "r1", "export_path": str(old_export), "status": "running"}))
    plan = plan_run(state, tmp_path / "new.jsonl", tmp_path)
    assert not plan.resumed and plan.run_id != "r1" and plan.export_path == tmp_path / "new.jsonl"
    assert plan.abandoned_export == old_export
    assert old_export.read_bytes() == b'{"url": "http://x.example/a", "body": "b"}\n'
