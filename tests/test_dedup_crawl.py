"""End-to-end: real crawls (`newscrawl crawl`, a subprocess) of local sites over HTTP.

- A wire story on two fixture sites (tests/fixtures/dedup_sites), also linked at a tracking
  URL and a print URL: exported once, the other copies in the sidecar.
- The English demo site crawled twice with the same --state: the second run exports
  nothing; after one story is edited, a third run exports exactly that story, version 2.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from export_check import assert_valid_export

from newscrawl.demo.server import SITES_ROOT, serve_sites

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dedup_sites"


def crawl(urls, output: Path, state: Path) -> list[dict]:
    cmd = [sys.executable, "-m", "newscrawl", "crawl", *urls, "-o", str(output), "--state", str(state), "-q",
           "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return assert_valid_export(output, min_lines=0)


def sidecar(output: Path) -> list[dict]:
    path = output.with_name(output.name[: -len(".jsonl")] + ".duplicates.jsonl")
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_syndicated_story_is_exported_once_with_copies_in_sidecar(tmp_path):
    with serve_sites(["wire-a", "wire-b"], root=FIXTURES) as sites:
        a, b = sites["wire-a"], sites["wire-b"]
        out = tmp_path / "crawl.jsonl"
        stories = crawl([a.base_url + "/", b.base_url + "/"], out, tmp_path / "state")
        copies = sidecar(out)
        requested_a = list(a.requests)
    dredging = [s for s in stories if "dredg" in (s["body"] or "").lower()]
    assert len(dredging) == 1, [s["url"] for s in dredging]
    kept = dredging[0]
    # the distinct stories of both sites are all there
    titles = {s["title"] for s in stories}
    assert {"Old swing bridge to close for repairs in May", "Hillside school wins national science prize",
            "Central library to open on Sundays"} <= titles
    assert len(stories) == 4
    # the other site's syndicated copy (or this one, whichever was crawled second) is in the sidecar
    syndicated = [c for c in copies if c["duplicate_of"] == kept["id"] and c["reason"] in {"near-duplicate", "abridged"}]
    assert len(syndicated) == 1
    assert {kept["url"].split("/")[2], syndicated[0]["url"].split("/")[2]} == {
        a.base_url.split("/")[2], b.base_url.split("/")[2]}
    # the print page was fetched and recorded as a copy of the same story; the tracking link
    # was either never fetched (same canonical URL) or recorded as a copy too
    listed = {c["url"] for c in copies}
    if any("/print" in r for r in requested_a):
        assert any(u.endswith("/news/channel-dredging-deal/print/") or u.endswith("/print") for u in listed)
    assert not any("utm_source" in s["url"] or "/print" in s["url"] for s in stories)
    assert all(c["duplicate_of"] == kept["id"] for c in copies)


def test_demo_crawled_twice_with_state_then_one_story_edited(tmp_path):
    root = tmp_path / "sites"
    shutil.copytree(SITES_ROOT / "english", root / "english")
    state = tmp_path / "state"
    with serve_sites(["english"], root=root) as sites:
        base = sites["english"].base_url + "/"
        first = crawl([base], tmp_path / "run1.jsonl", state)
        assert len(first) >= 5
        second = crawl([base], tmp_path / "run2.jsonl", state)
        assert second == []
        # edit one story: a paragraph rewritten and one added
        edited_story = first[0]
        path = urlpath_to_file(root / "english", edited_story["url"])
        html = path.read_text(encoding="utf-8")
        html, n = re.subn(r"(<div class=\"story-body\">\s*<p>)([^<]+)(</p>)",
                          r"\1Correction: an earlier version of this story misstated the figures; "
                          r"they have been updated throughout after the council published its final accounts "
                          r"on Friday afternoon.\3\n<p>The council said the final accounts would be debated "
                          r"at its next meeting, and that members of the public could attend.</p>", html, count=1)
        assert n == 1
        path.write_text(html, encoding="utf-8")
        third = crawl([base], tmp_path / "run3.jsonl", state)
    assert [s["id"] for s in third] == [edited_story["id"]]
    assert third[0]["version"] == 2 and third[0]["date_modified"]


def urlpath_to_file(site_root: Path, url: str) -> Path:
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    path = path.split("?")[0]
    candidate = site_root / path.lstrip("/")
    if candidate.is_file():
        return candidate
    return candidate / "index.html"
