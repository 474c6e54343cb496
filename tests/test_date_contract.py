"""The date contract: `date` / `date_modified` a full UTC timestamp or null; a naive time read
in the page's own offset, else the site's timezone, else UTC; precision and source recorded."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newscrawl.date_contract import TimezoneError, apply_date_contract, normalise_date, site_timezone
from newscrawl.extraction import extract_article
from newscrawl.extraction.profiles import site_list_profile
from newscrawl.items import Article

CAIRO = site_timezone("Africa/Cairo")


@pytest.mark.parametrize("value, site, expected", [
    ("2020-08-21T10:00:00+03:00", None, ("2020-08-21T07:00:00+00:00", "minute")),
    ("2020-08-21T10:00:05Z", CAIRO, ("2020-08-21T10:00:05+00:00", "second")),  # an offset on the page wins
    ("2020-08-19T18:00:00", CAIRO, ("2020-08-19T16:00:00+00:00", "minute")),  # Egypt in 2020: UTC+2, no summer time
    ("2020-08-19T18:00:00", None, ("2020-08-19T18:00:00+00:00", "minute")),  # no signal at all: UTC
    ("2020-08-21", site_timezone("+03:00"), ("2020-08-20T21:00:00+00:00", "day")),  # midnight in the site's zone
    ("2020-08-21", None, ("2020-08-21T00:00:00+00:00", "day")),
    ("2024-01-15T09:30:00.250+01:00", None, ("2024-01-15T08:30:00+00:00", "second")),
    ("not a date", None, (None, None)),
    (None, None, (None, None)),
])
def test_normalise_date(value, site, expected):
    assert normalise_date(value, site_tz=site) == expected


def test_the_pages_own_offset_comes_before_the_site_timezone():
    article = Article(date="2020-08-19T18:00:00", date_modified="2020-08-19T20:00:00+03:00")
    apply_date_contract(article, CAIRO, "visible")
    assert (article.date, article.date_precision, article.date_source) == ("2020-08-19T15:00:00+00:00", "minute", "visible")
    assert article.date_modified == "2020-08-19T17:00:00+00:00"


def test_the_contract_is_idempotent_and_clears_precision_without_a_date():
    article = apply_date_contract(Article(date="2020-08-21", fetched_at="2020-08-22T00:00:00+00:00"),
                                  site_timezone("Asia/Amman"), "url")
    once = article.to_dict()
    assert apply_date_contract(article).to_dict() == once and once["date_precision"] == "day"
    empty = apply_date_contract(Article(date=None, date_precision="day", date_source="meta"))
    assert (empty.date, empty.date_precision, empty.date_source) == (None, None, None)


def test_a_listed_date_is_used_only_when_the_page_gives_none():
    from newscrawl.page import PageHints, process_page

    undated = ('<html><head><title>Story</title></head><body><article><h1>A headline for the story</h1><p>'
               + "Words of the story. " * 60 + "</p></article></body></html>").encode()
    hints = PageHints(expect="story", listed_title="Story", listed_date="Fri, 21 Aug 2020 10:00:00 +0300",
                      listed_from="feed", extract_all=True)
    article = process_page("https://news.example/story", {"Content-Type": "text/html"}, undated,
                           datetime(2020, 8, 22, tzinfo=timezone.utc), hints).article
    assert (article.date, article.date_precision, article.date_source) == ("2020-08-21T07:00:00+00:00", "minute", "feed")
    dated = undated.replace(b"<title>", b'<meta property="article:published_time" content="2020-08-01T09:00:00Z"><title>')
    hints.listed_from, hints.listed_date = "sitemap", "2020-08-21"
    kept = process_page("https://news.example/story", {"Content-Type": "text/html"}, dated,
                        datetime(2020, 8, 22, tzinfo=timezone.utc), hints).article
    assert (kept.date, kept.date_source) == ("2020-08-01T09:00:00+00:00", "meta")


def test_unknown_timezone_is_refused():
    with pytest.raises(TimezoneError):
        site_timezone("Mars/Olympus")


def test_site_list_timezone_reaches_extraction():
    html = ('<html lang="ar"><head><title>خبر</title></head><body><article><h1>عنوان الخبر هنا</h1>'
            '<span class="date">2020-08-19 18:00</span><p>' + "نص الخبر " * 60 + "</p></article></body></html>")
    url = "https://arabi.example/news/story"
    fetched = datetime(2020, 8, 20, tzinfo=timezone.utc)
    plain = extract_article(html.encode(), url, fetched_at=fetched)
    profile = site_list_profile("arabi.example", language="ar", timezone="Asia/Amman")
    local = extract_article(html.encode(), url, fetched_at=fetched, profiles=(profile,))
    assert plain.date == "2020-08-19T18:00:00+00:00" and plain.date_source == "visible"
    assert local.date == "2020-08-19T15:00:00+00:00" and local.date_precision == "minute"


def test_site_list_rejects_a_bad_timezone(tmp_path):
    from newscrawl.sitelist import SiteListError, load_site_list

    path = tmp_path / "sites.toml"
    path.write_text('[[sites]]\nname = "a"\nstart_urls = ["https://a.example/"]\ntimezone = "Nowhere/City"\n')
    with pytest.raises(SiteListError, match="unknown timezone"):
        load_site_list(path)
    path.write_text('[[sites]]\nname = "a"\nstart_urls = ["https://a.example/"]\ntimezone = "Africa/Cairo"\n')
    assert load_site_list(path)[0].timezone == "Africa/Cairo"


def test_the_site_lists_timezone_reaches_the_page_function():
    from newscrawl.page import PageHints, process_page

    html = ('<html lang="ar"><head><title>خبر</title></head><body><article><h1>عنوان الخبر هنا</h1>'
            '<span class="date">2020-08-19 18:00</span><p>' + "نص الخبر " * 60 + "</p></article></body></html>")
    hints = PageHints(expect="story", timezone="Asia/Amman", extract_all=True)
    article = process_page("https://arabi.example/news/story", {"Content-Type": "text/html; charset=utf-8"},
                           html.encode(), datetime(2020, 8, 20, tzinfo=timezone.utc), hints).article
    assert (article.date, article.date_source) == ("2020-08-19T15:00:00+00:00", "visible")
