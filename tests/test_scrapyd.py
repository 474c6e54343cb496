"""A real scrapyd on 127.0.0.1: the project is deployed with scrapyd-deploy (as the README
says), the news spider scheduled through scrapyd's API against a local fixture site; the
job finishes and its items are there."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newscrawl.demo.server import serve_site

from conftest import REPO
from sitegen import build_site

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, endpoint: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path):
    if not (BIN / "scrapyd").exists() or not (BIN / "scrapyd-deploy").exists():
        pytest.skip("scrapyd and scrapyd-client are not installed (pip install -e '.[test]')")
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = %d\neggs_dir = %s\nlogs_dir = %s\nitems_dir = %s\n"
        "dbs_dir = %s\nmax_proc = 1\npoll_interval = 0.5\n" % (port, home / "eggs", home / "logs", home / "items", home / "dbs"),
        encoding="utf-8")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=str(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            api(base, "daemonstatus.json")
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("scrapyd did not start")
            time.sleep(0.3)
    yield base, home
    proc.terminate()
    proc.wait(timeout=30)


def test_deploy_schedule_and_collect_items(scrapyd, tmp_path):
    base, home = scrapyd
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    shutil.copytree(REPO / "newscrawl", project / "newscrawl", ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, project / name)
    config = (REPO / "scrapy.cfg").read_text(encoding="utf-8").replace("http://127.0.0.1:6800/", base + "/")
    (project / "scrapy.cfg").write_text(config, encoding="utf-8")
    deploy = subprocess.run([str(BIN / "scrapyd-deploy")], cwd=str(project), capture_output=True, text=True, timeout=300)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "news" in api(base, "listspiders.json?project=newscrawl")["spiders"]

    site_root = tmp_path / "site"
    stories = build_site(site_root, 6)
    server = serve_site(site_root)
    try:
        job = api(base, "schedule.json", {
            "project": "newscrawl", "spider": "news", "start_urls": server.base_url + "/",
            "setting": ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"],
        })["jobid"]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            jobs = api(base, "listjobs.json?project=newscrawl")
            if any(j["id"] == job for j in jobs.get("finished", [])):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"scrapyd job {job} did not finish: {jobs}")
    finally:
        server.stop()
    items = list((home / "items").rglob(f"{job}.jl"))
    assert items, f"no items file for job {job}: {list((home / 'items').rglob('*'))}"
    records = [json.loads(line) for line in items[0].read_text(encoding="utf-8").splitlines() if line.strip()]
    assert sorted(r["url"][len(server.base_url):] for r in records) == sorted(stories)
    assert all(r["body"] and r["title"] for r in records)
    (log,) = (home / "logs").rglob(f"{job}.log")
    assert "spider_exceptions" not in log.read_text(encoding="utf-8"), "the spider raised inside scrapyd (egg)"

    # A site list inline (sites=) naming a profile from a folder outside the egg
    # (NEWSCRAWL_PROFILES_DIR): no redeploy needed to add a site.
    sys.path.insert(0, str(REPO / "tests" / "fixtures" / "italian_site"))
    import build as italian

    italian_root = italian.build(tmp_path / "italian")
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "cronaca-locale.toml").write_text(italian.PROFILE, encoding="utf-8")
    server = serve_site(italian_root)
    try:
        sites = json.dumps([{"name": "cronaca", "start_urls": [server.base_url + "/"], "profile": "cronaca-locale",
                             "delay": 0}])
        job = api(base, "schedule.json", {
            "project": "newscrawl", "spider": "news", "sites": sites,
            "setting": ["AUTOTHROTTLE_ENABLED=False", f"NEWSCRAWL_PROFILES_DIR={profiles}"],
        })["jobid"]
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            jobs = api(base, "listjobs.json?project=newscrawl")
            if any(j["id"] == job for j in jobs.get("finished", [])):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"scrapyd job {job} did not finish: {jobs}")
    finally:
        server.stop()
    (items,) = (home / "items").rglob(f"{job}.jl")
    records = [json.loads(line) for line in items.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) == len(italian.STORIES)
    assert {r["source"] for r in records} == {"Cronaca Locale"} and {r["credit"] for r in records} == {"ANSA"}
