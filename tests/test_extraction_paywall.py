"""`paywalled`: true / false / null from JSON-LD, meta tags and paywall boxes.

A fixture set of our own (tests/data/paywall/: free, metered, hard-paywalled, JSON-LD true /
false / "False" / schema URL, hasPart, @graph, vendor meta, paywall box, no markup) must come
out exactly; the demo sites and the dev pages whose markup says the story is free must never
come out paywalled."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.article import parse_html
from newscrawl.text.decode import decode_html
from newscrawl.extraction.paywall import accessible_for_free, find_paywalled, paywalled_from_html
from newscrawl.extraction.structured import collect, is_article

FIXTURES = Path(__file__).parent / "data" / "paywall"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_fixture_page(case):
    html = (FIXTURES / f"{case}.html").read_text(encoding="utf-8")
    want = EXPECTED[case]
    assert paywalled_from_html(html) == (want["paywalled"], want["source"])
    # the same through the whole extraction, with the source reported for the stats
    provenance: dict = {}
    article = extract_article(html.encode(), "https://news.example.com/2024/05/01/dredging.html",
                              provenance=provenance)
    assert article.paywalled is want["paywalled"]
    assert provenance["paywalled"] == want["source"]
    assert "harbour board met on Tuesday" in article.body  # a paywalled story keeps what the page shows


def test_fixture_set_covers_each_kind():
    values = [(v["paywalled"], v["source"]) for v in EXPECTED.values()]
    for kind in [(False, "jsonld"), (False, "meta"), (True, "jsonld"), (True, "meta"), (True, "container"),
                 (None, None)]:
        assert kind in values, kind
    assert "metered" in EXPECTED and EXPECTED["metered"]["paywalled"] is False


@pytest.mark.parametrize("value, free", [
    (True, True), (False, False), ("True", True), ("False", False), ("false", False), (" FALSE ", False),
    ("http://schema.org/False", False), ("yes", True), ("no", False), ([False], False), (None, None),
    ("maybe", None), ({"@value": "x"}, None),
])
def test_accessible_for_free_values(value, free):
    assert accessible_for_free(value) is free


def test_article_value_beats_a_free_part():
    html = ('<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":true,'
            '"hasPart":{"@type":"WebPageElement","isAccessibleForFree":false}}</script></head>'
            '<body><p>Text</p></body></html>')
    assert paywalled_from_html(html) == (False, "jsonld")


def test_empty_and_broken_input():
    assert paywalled_from_html("") == (None, None)
    assert find_paywalled(None) == (None, None)
    html = '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": </script></head></html>'
    assert paywalled_from_html(html)[0] in (None, True, False)  # never raises


def test_demo_sites_never_paywalled():
    import newscrawl.demo

    root = Path(newscrawl.demo.__file__).parent / "sites"
    checked = 0
    for site in ("arabic", "english"):
        for page in sorted((root / site).rglob("*.html")):
            html = page.read_bytes().replace(b"{{BASE}}", b"http://127.0.0.1:8000")
            value, source = paywalled_from_html(decode_html(html, None))
            assert value is not True, (page, source)
            checked += 1
    assert checked >= 20


_FREE_MARK = re.compile(rb'isAccessibleForFree"?\s*:\s*"?true|content_tier"\s+content="free"|'
                        rb'itemprop="isAccessibleForFree"\s+content="true"', re.I)


def _warc_pages(path: Path):
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                headers = dict(rec.http_headers.headers) if rec.http_headers else {}
                yield rec.rec_headers.get_header("WARC-Target-URI"), headers, rec.content_stream().read()


def test_dev_pages_marked_free_are_never_paywalled():
    """The eval kit's dev pages whose markup says the story is free (JSON-LD or content tier)
    must not come out paywalled; the others may, but only from markup that says so."""
    assert SHARED_EVAL.is_dir(), f"eval kit missing: {SHARED_EVAL}"
    free_pages = flagged = 0
    for name in ("fundus-dev", "zyte-dev"):
        for url, headers, body in _warc_pages(SHARED_EVAL / name / "pages.warc.gz"):
            tree = parse_html(decode_html(body, headers))
            if tree is None:
                continue
            data = collect(tree)
            article = next((o for o in data.jsonld if is_article(o)), None)
            value, source = find_paywalled(tree, article, data.jsonld)
            if _FREE_MARK.search(body):
                free_pages += 1
                assert value is not True, (url, source)
            if value is True:
                flagged += 1
                assert source in ("jsonld", "meta"), (url, source)  # no paywall box guessed on dev pages
    assert free_pages >= 50
    assert flagged > 0  # some dev pages do declare a paywall: the check above is not vacuous
