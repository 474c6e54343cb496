"""Fuzzing the extraction entry point with 300 mutants of real pages (the repo's extraction
fixtures and the demo sites' stories): slices deleted, duplicated and truncated, bytes
flipped, hostile snippets inserted (broken URLs, unknown or lying charsets, invalid UTF-8,
deep nesting, broken JSON-LD), with hostile page URLs and headers. Extraction must return an
Article for every one, never raise. The mutants are derandomized: CI runs the same 300."""
from __future__ import annotations

import os
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO

SEED_PAGES = sorted((REPO / "tests" / "data" / "extraction" / "pages").glob("*.html")) + sorted(
    p for p in (REPO / "newscrawl" / "demo" / "sites").rglob("*.html") if "/news/" in str(p) or "/article" in str(p))
SEEDS = [p.read_bytes()[:60_000] for p in SEED_PAGES]

SNIPPETS = [
    b'<a href="http://[::1">broken IPv6</a>',
    b'<a href="http://[zz::">x</a><link rel="canonical" href="http://[::1/story">',
    b'<link rel="canonical" href="http://xn--/">',
    b'<a href="http://xn--ls8h.xn--/">punycode</a><meta property="og:url" content="https://xn--a.xn--b">',
    b'<base href="http:///">',
    b'<meta charset="no-such-charset">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=utf-16">',
    b'<meta charset="windows-1256">',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc",
    b"\x00\x00\x00",
    b"<div>" * 3000,
    b"<![CDATA[",
    b"<!--",
    b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"x","author":[{"name":',
    b'<script type="application/ld+json">' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"</script>",
    b'<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"99999-99-99T99:99"}</script>',
    b'<meta property="article:published_time" content="2024-13-45T99:99:99+99:00">',
    b'<time datetime="-0001-00-00">yesterday</time>',
    b'<html lang="zz-\xff">',
    b"&#xFFFFFFFF;&#0;&#xD800;&nbsp",
    b'<img src="data:image/png;base64,!!!!">',
]
URLS = [
    "https://www.example-news.com/2024/05/01/story.html",
    "http://127.0.0.1:8080/news/1",
    "http://[::1]:8080/news/1",
    "https://xn--mgbh0fb.xn--kgbechtv/news/1",
    "https://example.com/%FF%FE/story?id=%00",
    "https://very.deep.sub.domain.example.co.uk/a/b/c",
]
HEADERS = [
    {},
    {"Content-Type": "text/html; charset=utf-8"},
    {"Content-Type": "text/html; charset=windows-1256"},
    {"Content-Type": "text/html; charset=x-no-such"},
    {"Content-Type": "text/html; charset=\"utf-8"},
    {"Content-Type": "application/octet-stream"},
]


@st.composite
def mutants(draw):
    page = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "flip", "truncate"]))
        at = draw(st.integers(0, len(page)))
        if op == "insert":
            page[at:at] = draw(st.sampled_from(SNIPPETS))
        elif op == "delete":
            del page[at:at + draw(st.integers(1, 4000))]
        elif op == "duplicate":
            page[at:at] = page[at:at + draw(st.integers(1, 4000))]
        elif op == "flip" and page:
            i = min(at, len(page) - 1)
            page[i] = draw(st.integers(0, 255))
        elif op == "truncate":
            del page[at:]
    return bytes(page), draw(st.sampled_from(URLS)), draw(st.sampled_from(HEADERS))


# 300 in CI; NEWSCRAWL_FUZZ_EXAMPLES=10000 for the full run (by hand).
@settings(max_examples=int(os.environ.get("NEWSCRAWL_FUZZ_EXAMPLES", "300")), derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(mutants())
def test_extraction_never_raises_on_mutants(mutant):
    from newscrawl.extraction import extract_article

    body, url, headers = mutant
    article = extract_article(body, url, headers=headers, fetched_at=datetime(2024, 5, 1, tzinfo=timezone.utc))
    assert article.url == url
    assert all(isinstance(v, (str, type(None))) for v in (article.title, article.body, article.date, article.language))


def test_seed_pages_are_there():
    assert len(SEEDS) >= 20, [str(p) for p in SEED_PAGES]
