"""The bundled demo sites, fetched over real HTTP from the local demo server: every story's
fields must match the site's manifest (the Arabic site covers Egyptian month names, Eastern
Arabic digits, "منذ ساعتين" with a meta date, bylines "إعداد:"/"بقلم:", a windows-1256 page)."""
from __future__ import annotations

import urllib.request
from datetime import datetime, timezone

import pytest

from newscrawl.date_contract import normalise_date, site_timezone
from newscrawl.demo.server import load_manifest, serve_sites
from newscrawl.extraction import extract_article
from newscrawl.extraction.profiles import find_profile, load_profiles
from newscrawl.extraction.structured import collect
from newscrawl.extraction.article import parse_html
from newscrawl.text.decode import decode_html

# Fetch times just after the newest story of each site (the dates are checked against them).
FETCHED_AT = {"arabic": datetime(2020, 8, 21, 18, 0, tzinfo=timezone.utc),
              "english": datetime(2024, 3, 15, 0, 0, tzinfo=timezone.utc)}
PROFILE_NAMES = {"arabic": "عربي اليوم", "english": "The Harbour Ledger"}
# The site profiles' `timezone`: a time the page writes without offset is read in it.
SITE_TIMEZONES = {"arabic": site_timezone("Asia/Amman"), "english": None}


def on_contract(value, site):
    """The page's date as the export writes it (newscrawl/date_contract.py): UTC, full timestamp."""
    return normalise_date(value, site_tz=SITE_TIMEZONES[site])[0]


@pytest.fixture(scope="module")
def demo_pages():
    pages = {}
    with serve_sites() as sites:
        for name, site in sites.items():
            manifest = load_manifest(site.root)
            for story in manifest["stories"]:
                with urllib.request.urlopen(site.url(story["path"]), timeout=10) as response:
                    pages[(name, story["path"])] = (site.url(story["path"]), dict(response.headers.items()),
                                                    response.read(), story, manifest)
    return pages


def _stories(site):
    from pathlib import Path

    import newscrawl.demo

    root = Path(newscrawl.demo.__file__).parent / "sites" / site
    return [(site, s["path"]) for s in load_manifest(root)["stories"]]


@pytest.mark.parametrize("key", _stories("arabic") + _stories("english"), ids=lambda k: f"{k[0]}:{k[1]}")
def test_demo_story_fields(demo_pages, key):
    site = key[0]
    url, headers, body, story, manifest = demo_pages[key]
    article = extract_article(body, url, headers=headers, fetched_at=FETCHED_AT[site])
    assert article.title == story["title"]
    assert article.date == on_contract(story["date_on_page"], site)
    if story.get("date"):
        assert datetime.fromisoformat(article.date) == datetime.fromisoformat(story["date"]) or \
            article.date_precision == "day"  # the page shows the day only
    assert article.authors == story["authors"]
    assert article.section == story["section"]
    assert article.language == manifest["language"]
    assert article.source == PROFILE_NAMES[site]
    assert article.body and len(article.body) > 200
    assert story["title"] not in article.body.split("\n\n")[0]  # the headline stays out of the body
    if "date_modified" in story:
        assert article.date_modified == on_contract(story["date_modified"], site)
    if "tags" in story:
        assert article.tags == story["tags"]


def test_windows_1256_story_is_decoded(demo_pages):
    url, headers, body, story, _ = demo_pages[("arabic", "/news/2020/08/18/jordan-tourism.html")]
    assert "windows-1256" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    article = extract_article(body, url, headers=headers, fetched_at=FETCHED_AT["arabic"])
    assert article.title == story["title"]
    # and without the HTTP header, from <meta charset> alone
    assert extract_article(body, url, headers=None, fetched_at=FETCHED_AT["arabic"]).title == story["title"]


def test_demo_profiles_match_by_site_name_not_domain(demo_pages):
    for site in ("arabic", "english"):
        url, headers, body, _, _ = next(v for k, v in demo_pages.items() if k[0] == site)
        data = collect(parse_html(decode_html(body, headers)))
        profile = find_profile(url, data.meta)
        assert profile is not None and profile["name"] == PROFILE_NAMES[site]
        assert profile["language"] == ("ar" if site == "arabic" else "en")
    assert {p["file"] for p in load_profiles()} >= {"demo-arabic.toml", "demo-english.toml"}


def test_related_links_are_read_from_the_same_tree(demo_pages):
    url, headers, body, _, _ = demo_pages[("english", "/2024/03/14/ferry-timetable-changes/")]
    article = extract_article(body, url, headers=headers, fetched_at=FETCHED_AT["english"])
    base = url.split("/2024/")[0]
    assert base + "/2024/03/10/lighthouse-restoration-history/" in article.related_urls
