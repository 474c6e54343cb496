"""The page function (newscrawl.page.process_page) on strings of bytes, and the decoder it owns."""
from __future__ import annotations

import gzip
import zlib

import pytest

from newscrawl.text.decode import decode_html, detect_encoding
from newscrawl.page import (ARTICLE, ERROR, FEED, LISTING, PAGINATION, RELATED, SITEMAP, SITEMAP_LINK, STORY, PageHints,
                            process_page)

HTML = {"Content-Type": "text/html; charset=utf-8"}
PARAGRAPH = ("The harbour authority awarded the dredging contract on Tuesday after a two-year tender that drew "
             "bids from five consortia, officials said, adding that work would start in the spring. ")
STORY_PAGE = f"""<html><head><title>Dredging contract awarded | Harbour Ledger</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Dredging contract awarded</h1><p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p>
<p>Read also: <a href="/2024/03/13/port-fees-rise.html">Port fees rise</a></p></article></body></html>"""
LISTING_PAGE = "<html><body><h1>Business</h1>" + "".join(
    f'<div class="card"><a href="/2024/03/{d:02d}/story-{d}.html">Story {d}</a></div>' for d in range(1, 12)
) + '<a rel="next" href="/business/page/2/">Next</a></body></html>'


def test_story_page_gives_a_cleaned_article_and_its_related_links():
    result = process_page("https://ledger.example/2024/03/14/dredging.html", HTML, STORY_PAGE.encode())
    assert result.kind == ARTICLE and result.error is None
    assert result.article.title == "Dredging contract awarded"
    assert "Read also" not in result.article.body  # cleaned in the page function
    assert [(link.url, link.role) for link in result.links if link.role == RELATED] == [
        ("https://ledger.example/2024/03/13/port-fees-rise.html", RELATED)]
    assert result.counters["pages/article"] == 1
    assert sum(n for k, n in result.counters.items() if k.startswith("extraction/body/")) == 1  # chosen body candidate


def test_listing_gives_links_by_role_and_no_article():
    result = process_page("https://ledger.example/business/", HTML, LISTING_PAGE.encode())
    assert result.kind == LISTING and result.article is None
    roles = {link.url: link.role for link in result.links}
    assert roles["https://ledger.example/business/page/2/"] == PAGINATION
    assert roles["https://ledger.example/2024/03/05/story-5.html"] == STORY


def test_feed_and_gzipped_sitemap_entries_keep_their_title_and_date():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><item><title>A story</title>
    <link>https://ledger.example/2024/03/14/a.html</link><pubDate>Thu, 14 Mar 2024 09:30:00 +0100</pubDate></item></channel></rss>"""
    feed = process_page("https://ledger.example/rss.xml", {"Content-Type": "application/rss+xml"}, rss)
    assert feed.kind == FEED
    assert [(l.url, l.title, l.date) for l in feed.links] == [
        ("https://ledger.example/2024/03/14/a.html", "A story", "Thu, 14 Mar 2024 09:30:00 +0100")]
    index = gzip.compress(b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://ledger.example/sitemap-1.xml</loc></sitemap></sitemapindex>""")
    sitemap = process_page("https://ledger.example/sitemap.xml.gz", {}, index, hints=PageHints(expect="sitemap"))
    assert sitemap.kind == SITEMAP and [(l.url, l.role) for l in sitemap.links] == [
        ("https://ledger.example/sitemap-1.xml", SITEMAP_LINK)]


def test_gzip_bomb_and_corrupt_gzip_sitemaps_are_errors_not_exceptions():
    # 200 MB of zeros inflating from a few hundred KB: past the sitemap protocol's 50 MB.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(compressor.compress(chunk) for _ in range(200)) + compressor.flush()
    result = process_page("https://ledger.example/sitemap.xml.gz", {}, bomb, hints=PageHints(expect="sitemap"))
    assert result.kind == ERROR and result.counters["errors/decompression"] == 1
    corrupt = gzip.compress(b"<urlset>" * 100)[:10] + b"\x00garbage that is no deflate stream" * 3
    result = process_page("https://ledger.example/sitemap.xml.gz", {}, corrupt, hints=PageHints(expect="sitemap"))
    assert result.kind == ERROR and result.counters["errors/decompression"] == 1


def test_hints_fill_what_the_page_lacks_without_inventing_a_time():
    page = f"<html><body><div><p>{PARAGRAPH * 4}</p><p>{PARAGRAPH * 3}</p></div></body></html>".encode()
    hints = PageHints(listed_title="Listed headline", listed_date="2024-03-14", language="en", extract_all=True)
    url = "https://ledger.example/story?id=123"  # no date in the URL either
    article = process_page(url, HTML, page, hints=hints).article
    assert article.title == "Listed headline"
    # a date-only feed date stays a day: midnight (UTC here, no site timezone), precision "day"
    assert (article.date, article.date_precision) == ("2024-03-14T00:00:00+00:00", "day")
    with_time = PageHints(listed_date="2024-03-14T09:30:00+01:00", extract_all=True)
    timed = process_page(url, HTML, page, hints=with_time).article
    assert (timed.date, timed.date_precision) == ("2024-03-14T08:30:00+00:00", "minute")


@pytest.mark.parametrize("url", ["http://[::1/x", "http://xn--ls8h-.example/", "http://exa mple.com/", "ftp://x/"])
def test_hostile_urls_never_raise(url):
    result = process_page(url, HTML, STORY_PAGE.encode(), hints=PageHints(extract_all=True))
    assert result.kind in (ARTICLE, ERROR, LISTING, "other")


def test_deeply_nested_markup_is_an_error_not_an_exception():
    deep = ("<div>" * 200_000 + "x" + "</div>" * 200_000).encode()
    result = process_page("https://ledger.example/deep.html", HTML, deep)
    assert result.error is None or result.kind == ERROR


# --- the decoder: labels are claims, the bytes decide ---------------------------------------
ARABIC = "أعلنت وزارة السياحة إعادة فتح المواقع الأثرية أمام الزوار مع الالتزام بإجراءات السلامة. " * 5
ARABIC_PAGE = f"<html><head><title>عنوان الخبر</title></head><body><p>{ARABIC}</p></body></html>"
META_1256 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'


@pytest.mark.parametrize("body, header", [
    (ARABIC_PAGE.replace("<head>", "<head>" + META_1256).encode("cp1256"), "text/html; charset=utf-8"),  # 1256 as utf-8
    (ARABIC_PAGE.encode("utf-8"), "text/html; charset=windows-1256"),  # utf-8 labelled windows-1256
    (ARABIC_PAGE.encode("utf-8"), "text/html; charset=iso-8859-1"),  # utf-8 labelled latin-1
    (b"\xef\xbb\xbf" + ARABIC_PAGE.encode("utf-8"), "text/html; charset=windows-1256"),  # BOM against the header
    (ARABIC_PAGE.encode("cp1256"), "text/html; charset=no-such-charset"),  # a charset that does not exist
    (ARABIC_PAGE.encode("iso-8859-6"), "text/html; charset=iso-8859-1"),  # ISO-8859-6 labelled latin-1
    (ARABIC_PAGE.encode("cp1256"), "text/html; charset=punycode"),  # a codec that is not a text encoding
])
def test_mislabelled_arabic_decodes_to_arabic(body, header):
    text = decode_html(body, {"Content-Type": header})
    assert "عنوان الخبر" in text and ARABIC.strip() in text
    assert "\ufffd" not in text


def test_utf8_with_a_few_invalid_bytes_keeps_its_text():
    body = ARABIC_PAGE.encode("utf-8").replace("المواقع".encode(), "المواقع".encode() + b"\xff", 1)
    text = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
    assert "عنوان الخبر" in text and "\ufffd" not in text
    assert detect_encoding(body, {}) == "utf-8-mostly"


def test_honest_latin_labels_are_kept():
    french = "<html><body><p>" + "L'été dernier, les élèves ont visité la forêt près de Genève. " * 10 + "</p></body></html>"
    assert detect_encoding(french.encode("cp1252"), {"Content-Type": "text/html; charset=windows-1252"}) == "cp1252"
    assert "élèves" in decode_html(french.encode("cp1252"), {"Content-Type": "text/html; charset=iso-8859-1"})


def test_reporting_and_editing_line_moves_to_credit_not_lost():
    """Extraction leaves credit lines to cleaning, which moves them into `credit`."""
    page = (f"<html><head><title>Bank raises rates</title></head><body><article><h1>Bank raises rates</h1>"
            f"<p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p><p>Reporting by Jane Doe; Editing by John Roe</p>"
            f"</article></body></html>").encode()
    article = process_page("https://news.example.com/2024/05/01/rates.html", HTML, page,
                           hints=PageHints(extract_all=True)).article
    assert "Reporting by" not in article.body
    assert article.credit and "Jane Doe" in article.credit and "John Roe" in article.credit


def test_dedup_fingerprint_is_computed_in_the_page_function_and_reused_only_for_the_same_text():
    import pickle

    import numpy as np

    from newscrawl.dedup.fingerprint import FINGERPRINT_ATTRIBUTE, fingerprint, story_fingerprint

    url = "https://ledger.example/2024/03/14/dredging.html"
    assert not hasattr(process_page(url, HTML, STORY_PAGE.encode()).article, FINGERPRINT_ATTRIBUTE)  # extract: not asked
    result = pickle.loads(pickle.dumps(process_page(url, HTML, STORY_PAGE.encode(), hints=PageHints(fingerprint=True))))
    article = result.article  # as the reactor receives it from a worker
    expected = fingerprint(article.body, article.title)
    attached = getattr(article, FINGERPRINT_ATTRIBUTE)[1]
    assert attached.exact == expected.exact and np.array_equal(attached.shingles, expected.shingles)
    assert story_fingerprint(article) is attached
    assert not hasattr(article, FINGERPRINT_ATTRIBUTE)  # released once dedup has it
    assert "dedup_fingerprint" not in article.to_dict()  # never exported

    changed = pickle.loads(pickle.dumps(process_page(url, HTML, STORY_PAGE.encode(), hints=PageHints(fingerprint=True))))
    changed.article.body += "\n\nA paragraph a later pipeline added."
    assert story_fingerprint(changed.article).exact == fingerprint(changed.article.body, changed.article.title).exact
    assert story_fingerprint(changed.article).exact != expected.exact
