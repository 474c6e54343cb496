"""The legacy demo site (PHP era, windows-1256, table layout, <br> paragraphs, marquee ticker,
news.php?id=N, no structured data): every story's fields against its manifest, field by
field for one golden story, and no mojibake in anything the crawl exported."""
from __future__ import annotations

import re
import urllib.request
from datetime import datetime, timezone

import pytest

from newscrawl.cleaning import clean_article
from newscrawl.date_contract import normalise_date
from newscrawl.demo.server import SITES_ROOT, load_manifest, serve_sites
from newscrawl.extraction import extract_article

FETCHED_AT = datetime(2020, 8, 22, 6, 0, tzinfo=timezone.utc)
MANIFEST = load_manifest(SITES_ROOT / "legacy")
GOLDEN = "/news.php?id=23063"
# Arabic read through the wrong single-byte table: UTF-8 bytes as Latin-1 ("Ø§Ù„") or
# windows-1256 bytes as Latin-1 ("ãÌáÓ"). Arabic never contains these letters.
MOJIBAKE = re.compile("[\u00c0-\u00ff\u0080-\u009f]|\ufffd")


@pytest.fixture(scope="module")
def legacy_pages():
    pages = {}
    with serve_sites(["legacy"]) as sites:
        site = sites["legacy"]
        for story in MANIFEST["stories"]:
            with urllib.request.urlopen(site.url(story["path"]), timeout=10) as response:
                pages[story["path"]] = (site.url(story["path"]), dict(response.headers.items()), response.read())
        pages["base"] = site.base_url
    return pages


def extracted(legacy_pages, path, clean=True):
    url, headers, body = legacy_pages[path]
    article = extract_article(body, url, headers=headers, fetched_at=FETCHED_AT)
    return clean_article(article) if clean else article


def test_golden_legacy_story_field_by_field(legacy_pages):
    story = next(s for s in MANIFEST["stories"] if s["path"] == GOLDEN)
    url, headers, raw = legacy_pages[GOLDEN]
    assert "windows-1256" in headers["Content-Type"]
    article = extracted(legacy_pages, GOLDEN)
    base = legacy_pages["base"]
    assert article.title == "مجلس الوزراء يقر مشروع الميزانية العامة للسنة المالية الجديدة"  # not "صدى الخليج :: …"
    assert article.date == "2020-08-16T00:00:00+00:00"  # "الأحد 16 أغسطس 2020 م - 26 ذو الحجة 1441 هـ"
    assert article.authors == ["خالد المطيري"]  # "كتب: خالد المطيري"
    assert article.body.split("\n\n") == story["paragraphs"]  # <br><br> paragraphs, nothing else
    assert article.related_urls == [base + "/news.php?id=23051"]  # "اقرأ أيضا:" (not the print link)
    assert article.language == "ar"
    assert article.url == url and article.canonical_url == url  # the id is the story: kept in the URL
    assert article.source == "127.0.0.1:" + base.rsplit(":", 1)[1]  # no site name in the markup: the domain
    assert article.section is None and article.tags == [] and article.credit is None
    for chrome in ["صدى الخليج", "آخر الأخبار", "الرئيسية", "طباعة", "جميع الحقوق", "كتب:", "ذو الحجة", *MANIFEST["ticker"]]:
        assert chrome not in article.body, chrome


@pytest.mark.parametrize("story", MANIFEST["stories"], ids=lambda s: s["path"])
def test_every_legacy_story_title_date_authors_paragraphs(legacy_pages, story):
    article = extracted(legacy_pages, story["path"])
    assert article.title == story["title"]
    assert article.date == normalise_date(story["date_on_page"])[0]  # the export's date contract
    assert article.authors == story["authors"]
    assert article.body.split("\n\n") == story["paragraphs"]
    assert article.language == "ar"


def test_legacy_pages_decoded_without_any_label():
    """The stories are labelled in the HTTP header; the same bytes with no header at all still
    decode (from <meta http-equiv>), and the listings carry only that meta."""
    story = MANIFEST["stories"][0]
    raw = (SITES_ROOT / "legacy" / "__query__" / "news.php" / (story["path"].split("?")[1] + ".html")).read_bytes()
    article = extract_article(raw, "http://legacy.test" + story["path"], headers=None, fetched_at=FETCHED_AT)
    assert article.title == story["title"]
    assert not MOJIBAKE.search(article.title + (article.body or ""))


def test_no_mojibake_in_any_exported_field(demo_crawl):
    base = demo_crawl.servers["legacy"].base_url
    lines = [line for line in demo_crawl.lines if line["url"].startswith(base + "/")]
    assert lines
    for line in lines:
        for name, value in line.items():
            for text in (value if isinstance(value, list) else [value]):
                if isinstance(text, str):
                    assert not MOJIBAKE.search(text), (line["url"], name, text[:80])
