"""The same bytes give the same story through a crawl over HTTP and through `newscrawl extract`.

Every page of the dev WARCs (served back by their own URLs through a local proxy), a few
Arabic pages in windows-1256 under wrong charset labels, and every story of the demo sites
go through both paths; each story the crawl exports must equal the line `extract` writes for
the same page, field for field (apart from `fetched_at`).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path


from export_check import assert_valid_export
from conftest import FAST_CRAWL, REPO, run_newscrawl
from warc_proxy import PageProxy, as_http, read_warc_pages, write_warc

EVAL = REPO.parent / "shared" / "eval"
DEV_SETS = ("zyte-dev", "fundus-dev")
IGNORED = {"fetched_at", "run_id"}  # when and in which run: differ between any two runs

ARABIC_TITLE = "الأردن يعيد فتح المواقع السياحية أمام الزوار"
ARABIC_BODY = ("أعلنت وزارة السياحة الأردنية إعادة فتح المواقع الأثرية والسياحية أمام الزوار اعتباراً من الأسبوع "
               "المقبل، مع الالتزام بإجراءات السلامة العامة وارتداء الكمامات في جميع الأماكن المغلقة. ") * 4


CITIES = ["عمّان", "إربد", "العقبة", "جرش", "مأدبا", "الكرك"]


def _arabic_page(meta: str, n: int) -> bytes:
    # Each page its own story (different cities), or dedup would rightly keep only one.
    own = " ".join(f"وتشمل الخطة مواقع في {city} للمرة {i} هذا العام." for i, city in enumerate(CITIES[n:] + CITIES[:n]))
    html = (f"<!DOCTYPE html><html lang='ar' dir='rtl'><head>{meta}<title>{ARABIC_TITLE} - أخبار اليوم</title></head>"
            f"<body><h1>{ARABIC_TITLE}</h1><p>{own} {ARABIC_BODY}</p><p>{own}</p></body></html>")
    return html.encode("cp1256")


# (url, Content-Type, body): windows-1256 bytes with a wrong or missing label.
CHARSET_PAGES = [
    ("http://legacy-ar.example/news/2024/05/01/utf8-label.html", "text/html; charset=utf-8",
     _arabic_page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', 0)),
    ("http://legacy-ar.example/news/2024/05/02/latin1-label.html", "text/html; charset=iso-8859-1", _arabic_page("", 2)),
    ("http://legacy-ar.example/news/2024/05/03/no-label.html", "text/html", _arabic_page("", 4)),
]


def _without_ignored(line: dict) -> dict:
    return {k: v for k, v in line.items() if k not in IGNORED}


def _crawl_through_proxy(tmp_path: Path, pages: dict, start_urls: list[str]) -> list[dict]:
    proxy = PageProxy(pages)
    # A site list, as some URLs hold commas (the command line splits on them).
    seeds = tmp_path / "sites.yaml"
    seeds.write_text(json.dumps({"sites": [{"name": "pages", "start_urls": start_urls}]}), encoding="utf-8")
    out = tmp_path / "crawl.jsonl"
    env = dict(os.environ, http_proxy=proxy.url, HTTP_PROXY=proxy.url, no_proxy="", NO_PROXY="")
    try:
        process = subprocess.run(
            [sys.executable, "-m", "newscrawl", "crawl", "--sites", str(seeds), "-o", str(out), "--quiet", *FAST_CRAWL,
             "-s", "NEWSCRAWL_RELATED_DEPTH=0", "-s", "NEWSCRAWL_MAX_DEPTH=1", "-s", "NEWSCRAWL_USE_SITEMAPS=False",
             "-s", "CONCURRENT_REQUESTS=32"],
            capture_output=True, text=True, cwd=str(REPO), env=env, timeout=900)
    finally:
        proxy.stop()
    assert process.returncode in (0, 1) and out.is_file(), process.stderr[-3000:]
    assert all(r.startswith("http://") for r in proxy.requests)
    return assert_valid_export(out)


def _extract(tmp_path: Path, pages: list[tuple[str, dict, bytes]]) -> dict[str, dict]:
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, pages)
    out = tmp_path / "extract.jsonl"
    process = run_newscrawl("extract", str(warc), "-o", str(out), "--all-pages", "--no-progress", timeout=900)
    assert process.returncode == 0, process.stderr[-3000:]
    return {line["url"]: line for line in assert_valid_export(out)}


def _compare(crawled: list[dict], extracted: dict[str, dict]) -> list[str]:
    differences = []
    for line in crawled:
        other = extracted.get(line["url"])
        if other is None:
            differences.append(f"{line['url']}: exported by the crawl, not by extract")
            continue
        a, b = _without_ignored(line), _without_ignored(other)
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                differences.append(f"{line['url']}: {key}: crawl {str(a.get(key))[:80]!r} != extract {str(b.get(key))[:80]!r}")
    return differences


def test_dev_pages_and_wrong_charset_labels_give_the_same_story_both_ways(tmp_path):
    missing = [name for name in DEV_SETS if not (EVAL / name / "pages.warc.gz").is_file()]
    assert not missing, f"the eval kit's dev WARCs are needed under {EVAL}: missing {missing}"
    pages: list[tuple[str, dict, bytes]] = []
    for name in DEV_SETS:
        for url, headers, body in read_warc_pages(EVAL / name / "pages.warc.gz"):
            pages.append((as_http(url), headers, body))
    for url, ctype, body in CHARSET_PAGES:
        pages.append((url, {"Content-Type": ctype}, body))
    served = {url: (200, headers, body) for url, headers, body in pages}
    crawled = _crawl_through_proxy(tmp_path, served, [url for url, _, _ in pages])
    extracted = _extract(tmp_path, pages)

    assert _compare(crawled, extracted) == []
    # The crawl exports what its classifier calls a story; most dev pages are stories.
    assert len(crawled) >= 0.8 * len(pages), f"the crawl exported {len(crawled)} of {len(pages)} pages"
    by_url = {line["url"]: line for line in crawled}
    for url, _, _ in CHARSET_PAGES:
        for line in (by_url[url], extracted[url]):
            assert line["title"] == ARABIC_TITLE
            assert "\ufffd" not in line["body"] and "Ø" not in line["body"]


def test_demo_stories_are_the_same_both_ways(tmp_path):
    from newscrawl.demo.server import serve_sites

    out = tmp_path / "demo.jsonl"
    pages = []
    with serve_sites() as servers:  # pages embed their server's port: fetch them while it runs
        urls = [server.base_url + "/" for server in servers.values()]
        process = run_newscrawl("crawl", *urls, "-o", str(out), "--quiet", *FAST_CRAWL)
        assert process.returncode == 0, process.stderr[-3000:]
        crawled = assert_valid_export(out)
        for line in crawled:
            with urllib.request.urlopen(line["url"]) as response:
                pages.append((line["url"], dict(response.headers.items()), response.read()))
    assert len(crawled) >= 20, f"the demo crawl exported {len(crawled)} stories"
    extracted = _extract(tmp_path, pages)
    assert _compare(crawled, extracted) == []
