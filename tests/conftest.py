"""Shared test helpers: the repo paths, running the `newscrawl` command in a subprocess, and
a crawl of the bundled demo sites served over real HTTP on 127.0.0.1."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from export_check import assert_valid_export

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Fast but still real: no politeness delay against our own local servers.
FAST_CRAWL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def missing_eval_data(message: str) -> None:
    """Dev-data gates fail, never skip, without ../shared/eval: a run without the data must
    not be green with no gate at all."""
    pytest.fail(f"dev data missing: {message} (expected at {SHARED / 'eval'}, the shared eval folder beside the "
                f"repository)", pytrace=False)


def run_newscrawl(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl", *args],
        capture_output=True, text=True, cwd=str(cwd or REPO), timeout=timeout,
    )


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON Lines file; an export (its lines carry schema_version) is checked
    against the shipped schema on the way (tests/export_check.py), sidecars are not."""
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    if records and all(isinstance(r, dict) and "schema_version" in r for r in records):
        assert_valid_export(path)
    return records


@dataclass
class DemoCrawl:
    servers: dict  # name -> newscrawl.demo.server.SiteServer (stopped; request logs kept)
    manifests: dict  # name -> manifest.json
    export: Path
    process: subprocess.CompletedProcess
    lines: list[dict]

    def exported_paths(self, name: str) -> list[str]:
        base = self.servers[name].base_url
        return [line["url"][len(base):] for line in self.lines if line["url"].startswith(base + "/")]


@pytest.fixture(scope="session")
def demo_crawl(tmp_path_factory) -> DemoCrawl:
    from newscrawl.demo.server import SITES_ROOT, load_manifest, serve_sites

    export = tmp_path_factory.mktemp("demo") / "demo.jsonl"
    with serve_sites() as servers:
        urls = [server.base_url + "/" for server in servers.values()]
        process = run_newscrawl("crawl", *urls, "-o", str(export), *FAST_CRAWL)
    assert process.returncode == 0, process.stderr[-3000:]
    assert_valid_export(export)
    manifests = {name: load_manifest(SITES_ROOT / name) for name in servers}
    return DemoCrawl(servers, manifests, export, process, read_jsonl(export))
