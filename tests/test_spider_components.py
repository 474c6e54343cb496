"""Spider and middlewares tested the Scrapy way: a crawler from get_crawler, built requests and
responses, no reactor and no subprocess."""
from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.middlewares import OffsiteMiddleware, RobotParser
from newscrawl.page import ARTICLE, FEED, LISTING, PAGINATION, RELATED, STORY, Link, PageResult
from newscrawl.spiders.news import NewsSpider


def _spider(**settings) -> NewsSpider:
    base = {"NEWSCRAWL_WORKERS": 0}
    base.update(settings)
    crawler = get_crawler(NewsSpider, settings_dict=base)
    crawler.spider = NewsSpider.from_crawler(crawler, start_urls="https://www.ledger.co.uk/")
    crawler.stats.open_spider()
    return crawler.spider


def _response(url: str, **meta) -> HtmlResponse:
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def test_offsite_middleware_uses_the_spiders_sites_subdomains_included():
    spider = _spider()
    middleware = OffsiteMiddleware.from_crawler(spider.crawler)
    middleware.spider_opened(spider)
    assert middleware.process_request(Request("https://news.ledger.co.uk/a")) is None
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://elsewhere.example/a"))
    strict = _spider(NEWSCRAWL_ALLOW_SUBDOMAINS=False)
    strict_middleware = OffsiteMiddleware.from_crawler(strict.crawler)
    with pytest.raises(IgnoreRequest):
        strict_middleware.process_request(Request("https://news.ledger.co.uk/a"))


def test_robot_parser_keeps_sitemap_lines():
    parser = RobotParser(b"User-agent: *\nDisallow: /private/\nSitemap: https://www.ledger.co.uk/news.xml\n")
    assert parser.sitemaps == ["https://www.ledger.co.uk/news.xml"]
    assert not parser.allowed("https://www.ledger.co.uk/private/x", "newscrawl")


def test_requests_share_one_politeness_slot_per_site_and_get_the_callback_of_their_kind():
    spider = _spider()
    result = PageResult("https://www.ledger.co.uk/", LISTING, links=[
        Link("https://www.ledger.co.uk/page/2/", PAGINATION),
        Link("https://news.ledger.co.uk/2024/03/14/a.html", STORY),
        Link("https://www.ledger.co.uk/rss.xml", "feed"),
        Link("https://elsewhere.example/2024/03/14/b.html", STORY),
    ])
    requests = list(spider.follow_result(result, _response("https://www.ledger.co.uk/")))
    assert [r.url for r in requests] == ["https://www.ledger.co.uk/page/2/",
                                         "https://news.ledger.co.uk/2024/03/14/a.html",
                                         "https://www.ledger.co.uk/rss.xml"]
    assert {r.meta["download_slot"] for r in requests} == {"ledger.co.uk"}
    assert [r.callback.__name__ for r in requests] == ["parse_listing", "parse_story", "parse_feed"]
    assert spider.crawler.stats.get_value("newscrawl/skipped/offsite") == 1


def test_feed_entries_before_since_are_not_requested_and_hints_carry_the_listed_fields():
    spider = _spider(NEWSCRAWL_SINCE="2024-03-10")
    feed = PageResult("https://www.ledger.co.uk/rss.xml", FEED, links=[
        Link("https://www.ledger.co.uk/old.html", STORY, "Old", "2024-03-01T08:00:00+00:00"),
        Link("https://www.ledger.co.uk/new.html", STORY, "New", "2024-03-14"),
    ])
    requests = list(spider.follow_result(feed, _response("https://www.ledger.co.uk/rss.xml")))
    assert [r.url for r in requests] == ["https://www.ledger.co.uk/new.html"]
    story_response = _response(requests[0].url, **requests[0].meta)
    hints = spider.hints_for(story_response)
    assert (hints.expect, hints.listed_title, hints.listed_date) == (STORY, "New", "2024-03-14")


def test_related_links_stop_at_the_related_depth():
    spider = _spider(NEWSCRAWL_RELATED_DEPTH=1)
    story = PageResult("https://www.ledger.co.uk/a.html", ARTICLE,
                       links=[Link("https://www.ledger.co.uk/b.html", RELATED)])
    first = list(spider.follow_result(story, _response(story.url)))
    assert [r.meta["nc_related_depth"] for r in first] == [1]
    assert list(spider.follow_result(story, _response(story.url, nc_related_depth=1))) == []
