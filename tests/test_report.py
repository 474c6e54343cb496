"""The crawl report: built from a real crawl of the demo sites, opened in real headless
Chromium (Debian's `chromium`, installed by .ci/run), screenshotted, and checked for its
charts, for the absence of console messages, and for hostile input kept inert."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import FAST_CRAWL, run_newscrawl
from export_check import assert_valid_export
from newscrawl.items import Article
from newscrawl.report import PALETTE, build_report

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--log-level=0"]


class Chromium:
    """Runs headless Chromium on a local file, each time with a fresh profile folder."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary, self.workdir, self.runs = binary, workdir, 0

    def _run(self, page: Path, *extra: str) -> subprocess.CompletedProcess:
        self.runs += 1
        profile = self.workdir / f"profile-{self.runs}"
        args = [self.binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
        return subprocess.run(args, capture_output=True, text=True, timeout=120)

    def screenshot(self, page: Path, png: Path, width: int = 1000, height: int = 3600) -> tuple[Image.Image, list[str]]:
        proc = self._run(page, f"--screenshot={png}", f"--window-size={width},{height}")
        assert proc.returncode == 0 and png.exists(), proc.stderr[-2000:]
        return Image.open(png).convert("RGB"), console_messages(proc.stderr)

    def dom(self, page: Path) -> tuple[str, list[str]]:
        proc = self._run(page, "--dump-dom")
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout, console_messages(proc.stderr)


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the console, errors included (CSP violations, failed loads,
    script errors): Chromium logs every console message as a CONSOLE line."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def chromium(tmp_path_factory) -> Chromium:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary, "headless Chromium is needed (Debian package `chromium`; .ci/run installs it)"
    return Chromium(binary, tmp_path_factory.mktemp("chromium"))


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _has_colour(image: Image.Image, colour: str, min_pixels: int = 50) -> bool:
    counts = {rgb: n for n, rgb in image.getcolors(maxcolors=1 << 24)}
    return counts.get(_hex(colour), 0) >= min_pixels


def test_report_of_the_demo_crawl_renders_in_chromium(demo_crawl, chromium, tmp_path):
    report = tmp_path / "report.html"
    proc = run_newscrawl("report", str(demo_crawl.export), "-o", str(report))
    assert proc.returncode == 0, proc.stderr
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page and "http-equiv=\"Content-Security-Policy\"" in page
    # nothing that loads: no src attribute, no <link>, no url() in the styles (story links are <a> only)
    assert not re.search(r"""\ssrc=|<link\b|url\(|@import""", page)

    image, messages = chromium.screenshot(report, tmp_path / "report.png")
    assert messages == [], messages
    assert image.width == 1000 and image.height > 1000
    for colour in PALETTE[:2]:  # bars of the two demo sources
        assert _has_colour(image, colour), f"no {colour} bars in the screenshot"
    assert _has_colour(image, "#fde2e1"), "the sites below 80% coverage are not marked"

    dom, messages = chromium.dom(report)
    assert messages == []
    charts = re.findall(r'<svg class="chart"', dom)
    assert len(charts) >= 2
    assert len(re.findall(r'<rect class="bar"', dom)) >= 4
    for heading in ("Stories per source per day", "Language mix", "Field coverage per site", "Duplicate clusters",
                    "Drops and errors by kind", "Slowest and least productive sites", "Run settings"):
        assert heading in dom
    assert "عربي اليوم" in dom and "The Harbour Ledger" in dom
    summary = json.loads(demo_crawl.export.with_name(demo_crawl.export.name + ".summary.json").read_text())
    assert summary["run_id"] in dom  # the run's settings, from the summary beside the export


def test_hostile_titles_and_urls_stay_inert(chromium, tmp_path):
    export = tmp_path / "hostile.jsonl"
    evil = Article(url="https://evil.example/a", title='<script>console.error("pwned")</script><img src=x onerror=alert(1)>',
                   body="x", source='"><svg onload=alert(1)>', date="2024-05-01T10:00:00+00:00", date_precision="minute",
                   date_source="meta", id="0123456789abcdef0123", canonical_url="https://evil.example/a",
                   language="en", domain="evil.example", fetched_at="2024-05-02T00:00:00+00:00", run_id="r1")
    copy = {"url": "javascript:alert(1)", "id": "x", "title": "<b onmouseover=alert(1)>copy</b>",
            "source": "<iframe src=//evil.example>", "duplicate_of": evil.id, "duplicate_of_url": "javascript:alert(2)",
            "similarity": 0.9, "reason": "<near>"}
    export.write_text(json.dumps(evil.to_dict()) + "\n", encoding="utf-8")
    (tmp_path / "hostile.duplicates.jsonl").write_text(json.dumps(copy) + "\n", encoding="utf-8")
    assert_valid_export(export)
    report = tmp_path / "report.html"
    assert run_newscrawl("report", str(export), "-o", str(report)).returncode == 0
    page = report.read_text(encoding="utf-8")
    for raw in ("<script", "<img", "<svg onload", "<iframe", "<b onmouseover", "javascript:"):
        assert raw not in page.replace('<svg class="chart"', ""), raw
    assert "&lt;script&gt;" in page
    dom, messages = chromium.dom(report)
    assert messages == []  # nothing ran, nothing was fetched
    assert "<script" not in dom and "<iframe" not in dom


def test_crawl_report_flag_writes_it_beside_the_export(tmp_path):
    from newscrawl.demo.server import serve_sites

    out = tmp_path / "out.jsonl"
    with serve_sites(["english"]) as servers:
        proc = run_newscrawl("crawl", servers["english"].base_url + "/", "-o", str(out), "--report", "--quiet",
                             *FAST_CRAWL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert_valid_export(out)
    report = tmp_path / "out.jsonl.report.html"
    summary = json.loads((tmp_path / "out.jsonl.summary.json").read_text())
    assert summary["report"] == str(report)
    assert "The Harbour Ledger" in report.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.part"))


def test_report_without_summary_or_dates(tmp_path):
    export = tmp_path / "e.jsonl"
    export.write_text(json.dumps(Article(url="https://a.example/1", title="t", body="b", source="A").to_dict()) + "\n")
    page = build_report(export)
    assert "No story has a date." in page and "No summary given" in page
