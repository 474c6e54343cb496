"""The hostile news site (tests/hostile_site.py), one test per class of hostile input: each
runs a real `newscrawl crawl` (or `newscrawl extract`) over 127.0.0.1 and checks that the
run ends by itself, obeys robots.txt as RFC 9309 says, and counts what went wrong by kind.
Peak memory per case is measured by benchmarks/hostile.py, not here."""
from __future__ import annotations

import gzip
import io
import json

import pytest

from conftest import FAST_CRAWL, read_jsonl, run_newscrawl
from hostile_site import BOMB_SIZE, deep_jsonld_story, gzip_bomb, serve_hostile

STORY_1 = "/news/2024/05/01/story-1.html"
STORY_2 = "/news/2024/05/02/story-2.html"
PRIVATE = "/private/secret.html"


def crawl(tmp_path, server, start="/", *extra):
    export = tmp_path / "out.jsonl"
    result = run_newscrawl("crawl", server.base_url + start, "-o", str(export), *FAST_CRAWL, *extra, timeout=240)
    summary = json.loads((tmp_path / "out.jsonl.summary.json").read_text())
    paths = [line["url"][len(server.base_url):] for line in read_jsonl(export)]
    return result, summary, paths


def assert_no_traceback(result):
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


# --- robots.txt (RFC 9309) ---------------------------------------------------------------------

def test_robots_500_disallows_the_whole_site(tmp_path):
    with serve_hostile("500") as server:
        result, summary, paths = crawl(tmp_path, server)
    assert result.returncode == 0, result.stderr[-2000:]
    assert paths == []
    assert [p for p in server.requests if p != "/robots.txt"] == []  # nothing but robots.txt asked
    assert summary["robots_txt"]["rfc9309/server_error_disallow"] == 1
    assert summary["robots_txt"]["rfc9309/forbidden_unavailable"] >= 1
    assert "robots.txt 5xx or unreachable" in result.stderr


def test_robots_timeout_disallows_and_is_asked_again_later(tmp_path):
    # Two hops of the home page apart in time: the second asks robots.txt again.
    with serve_hostile("timeout", robots_delay=3) as server:
        result, summary, paths = crawl(tmp_path, server, "/", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert paths == [] and PRIVATE not in server.requests and "/" not in server.requests
    assert summary["robots_txt"]["rfc9309/unreachable_disallow"] == 1
    assert_no_traceback(result)


def test_robots_asked_again_after_retry_interval():
    from newscrawl.robots import DisallowAll

    rules = DisallowAll("HTTP 503", retry_at=100.0)
    assert not rules.allowed("http://x.test/any", "newscrawl")
    assert not rules.expired(now=99.0) and rules.expired(now=100.0)


def test_robots_404_allows_everything(tmp_path):
    with serve_hostile("404") as server:
        result, summary, paths = crawl(tmp_path, server)
    assert PRIVATE in server.requests
    assert summary["robots_txt"]["rfc9309/unavailable_allow"] == 1


@pytest.mark.parametrize("case", ["huge", "huge-length"])
def test_huge_robots_is_read_in_part_and_obeyed(tmp_path, case):
    with serve_hostile(case) as server:
        result, summary, paths = crawl(tmp_path, server)
    assert result.returncode == 0, result.stderr[-2000:]
    assert PRIVATE not in server.requests and STORY_1 in paths
    assert summary["robots_txt"]["rfc9309/truncated"] == 1
    assert summary["robots_txt"]["forbidden"] == 1


def test_robots_redirects_are_followed(tmp_path):
    with serve_hostile("redirect") as server:
        result, summary, paths = crawl(tmp_path, server)
    assert "/robots-hop/4" in server.requests
    assert PRIVATE not in server.requests and STORY_1 in paths


# --- crawler traps ------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, trap", [
    ('<a href="/list?page=1">more</a>', "no_new_stories"),
    ('<a href="/calendar/2024/05/">calendar</a>', "no_new_stories"),
    ('<a href="/a/">a</a>', "repeating_path"),
])
def test_trap_ends_by_itself_and_is_counted(tmp_path, entry, trap):
    with serve_hostile("normal", entry=entry) as server:
        result, summary, paths = crawl(tmp_path, server)
    assert result.returncode == 0, result.stderr[-2000:]
    assert summary["finish_reason"] == "finished"
    assert sorted(paths) == [STORY_1, STORY_2]
    assert summary["crawler_traps"][trap] >= 1
    assert len(server.requests) < 40


def test_session_ids_are_stripped(tmp_path):
    with serve_hostile("normal", entry='<a href="/s/listing?sid=abc">s</a>') as server:
        result, summary, paths = crawl(tmp_path, server)
    assert summary["finish_reason"] == "finished"
    assert [p for p in server.requests if p.startswith("/s/")] == ["/s/listing"]
    assert summary["crawler_traps"]["session_id_stripped"] >= 1


def test_site_page_budget(tmp_path):
    with serve_hostile("normal", entry='<a href="/list?page=1">more</a>') as server:
        result, summary, paths = crawl(tmp_path, server, "/", "-s", "NEWSCRAWL_MAX_PAGES_PER_SITE=3")
    assert summary["crawler_traps"]["site_page_budget"] >= 1
    assert result.returncode == 0
    # The start URL and /sitemap.xml are not links found on pages: the budget is for those.
    assert len([p for p in server.requests if p not in ("/robots.txt", "/", "/sitemap.xml")]) == 3


def test_trap_rules_on_urls():
    from newscrawl.discovery.traps import TrapGuard, repeating_path, strip_session_ids, url_pattern

    assert strip_session_ids("http://x.test/a;jsessionid=ABC?id=3&PHPSESSID=9&q=1") == "http://x.test/a?id=3&q=1"
    assert strip_session_ids("http://x.test/(S(abc123))/news/1") == "http://x.test/news/1"
    assert repeating_path("http://x.test/a/a/a/") == "repeating_path"
    assert repeating_path("http://x.test/x/y/x/y/x/y/") == "repeating_path"
    assert repeating_path("http://x.test/news/2024/05/01/story.html") is None
    assert url_pattern("http://x.test/list?page=7") == url_pattern("http://x.test/list?page=8")
    guard = TrapGuard(max_barren_listings=2)
    assert guard.listing_done("http://x.test/list?page=1", ["http://x.test/s1"]) == 1
    for n in (2, 3):
        guard.listing_done(f"http://x.test/list?page={n}", ["http://x.test/s1"])
    assert guard.check("http://x.test/list?page=4")[1] == "no_new_stories"
    assert guard.check("http://x.test/other/")[1] is None


# --- bounded input and counted failures ---------------------------------------------------------

def test_gzip_bomb_article_is_counted(tmp_path):
    with serve_hostile("normal", entry='<a href="/bomb/story.html">b</a>') as server:
        result, summary, paths = crawl(tmp_path, server)
    assert sorted(paths) == [STORY_1, STORY_2]
    assert summary["errors"] == {"oversized after decompression": 1}
    assert_no_traceback(result)


def test_oversized_page_and_content_encoding_sitemap_are_counted(tmp_path):
    with serve_hostile("normal", entry='<a href="/big/story.html">big</a><a href="/bomb/sitemap.xml">s</a>') as server:
        result, summary, paths = crawl(tmp_path, server)
    assert sorted(paths) == [STORY_1, STORY_2]
    assert summary["errors"] == {"oversized": 1, "oversized after decompression": 1}, summary["errors"]
    assert_no_traceback(result)


def test_redirect_loop_and_long_chain_are_counted(tmp_path):
    with serve_hostile("normal", entry='<a href="/loop/a">l</a><a href="/chain/1">c</a>') as server:
        result, summary, paths = crawl(tmp_path, server)
    assert summary["errors"] == {"redirect loop": 1, "too many redirects": 1}
    assert "/chain/7" not in server.requests


def test_refused_url_is_one_error_however_many_retries(tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there: connection refused
    export = tmp_path / "out.jsonl"
    result = run_newscrawl("crawl", f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b", "-o", str(export),
                           *FAST_CRAWL, "-s", "ROBOTSTXT_OBEY=False", "-s", "NEWSCRAWL_USE_SITEMAPS=False")
    summary = json.loads((tmp_path / "out.jsonl.summary.json").read_text())
    assert summary["errors"] == {"connection refused": 2}, summary["errors"]


def test_deep_jsonld_keeps_the_story(tmp_path):
    with serve_hostile("normal", entry='<a href="/deep/story.html">d</a>') as server:
        result, summary, paths = crawl(tmp_path, server)
    assert "/deep/story.html" in paths
    assert summary["errors"] == {}
    assert_no_traceback(result)


def test_deep_jsonld_extraction_unit():
    from newscrawl.extraction import extract_article

    article = extract_article(deep_jsonld_story(), "http://x.test/deep/story.html")
    assert article.title == "Deep JSON-LD story"


# --- extract over hostile inputs ----------------------------------------------------------------

def _warc(records: list[tuple[str, bytes, list]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body, headers in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


STORY = ("<html><head><title>A story</title></head><body><article><h1>A story</h1>"
         + "<p>Some words of the story, long enough to be a paragraph of running text.</p>" * 10
         + "</article></body></html>").encode()


def test_extract_html_gz_bomb_is_bounded_and_counted(tmp_path):
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip_bomb(BOMB_SIZE))
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(bomb), "--url", "http://x.test/bomb.html", "-o", str(out), "--all-pages")
    assert result.returncode == 1
    assert "oversized 1" in result.stderr
    assert read_jsonl(out) == []


def test_extract_warc_content_encoding_bomb_is_bounded_and_counted(tmp_path):
    warc = tmp_path / "pages.warc.gz"
    warc.write_bytes(_warc([("http://x.test/ok.html", STORY, []),
                            ("http://x.test/bomb.html", gzip_bomb(BOMB_SIZE), [("Content-Encoding", "gzip")]),
                            ("http://x.test/ok2.html", STORY, [])]))
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(warc), "-o", str(out), "--all-pages")
    assert "oversized 1" in result.stderr, result.stderr
    assert [line["url"] for line in read_jsonl(out)] == ["http://x.test/ok.html", "http://x.test/ok2.html"]


def test_extract_truncated_warc_record_is_reported_not_written(tmp_path):
    data = _warc([("http://x.test/1.html", STORY * 40, []), ("http://x.test/2.html", STORY * 40, [])])
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(data[:-200])
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(warc), "-o", str(out), "--all-pages")
    assert "truncated record 1" in result.stderr, result.stderr
    assert [line["url"] for line in read_jsonl(out)] == ["http://x.test/1.html"]
    assert result.returncode == 1  # half the pages failed


def test_extract_corrupt_gzip_is_counted(tmp_path):
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(STORY)[:40])
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(broken), "--url", "http://x.test/b.html", "-o", str(out), "--all-pages")
    assert "decompression 1" in result.stderr, result.stderr
    assert_no_traceback(result)


# --- sitemaps (their gunzip is in discovery/feeds.py) -------------------------------------------

def test_gzip_bomb_sitemap_is_bounded_and_counted(tmp_path):
    with serve_hostile("normal") as server:
        result, summary, paths = crawl(tmp_path, server, "/bomb/sitemap.xml.gz")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert_no_traceback(result)
    assert sum(summary["errors"].values()) == 1, summary["errors"]


def test_corrupt_xml_gz_sitemap_is_counted_without_traceback(tmp_path):
    with serve_hostile("normal") as server:
        result, summary, paths = crawl(tmp_path, server, "/broken/sitemap.xml.gz")
    assert_no_traceback(result)
    assert sum(summary["errors"].values()) == 1, summary["errors"]
