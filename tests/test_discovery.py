"""Unit tests for discovery on saved pages (the demo sites' files) and small HTML strings:
page classification, pagination, related links, feeds, sitemaps, URL shapes."""
from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.demo.server import SITES_ROOT, load_manifest
from newscrawl.discovery.feeds import parse_feed, parse_sitemap, sitemaps_from_robots, xml_kind
from newscrawl.discovery.links import find_feeds, find_links, find_pagination, find_related_links
from newscrawl.discovery.pages import ARTICLE, LISTING, OTHER, classify_page
from newscrawl.discovery.urls import is_crawlable, url_shape
from conftest import missing_eval_data

BASE = "http://127.0.0.1:8000"


def site_file(site: str, path: str) -> Path:
    root = SITES_ROOT / site
    path, _, query = path.partition("?")
    if query:
        target = root / path.lstrip("/")
        if path.endswith("/") or target.is_dir():
            return target / "__query__" / f"{query}.html"
        return target.parent / "__query__" / target.name / f"{query}.html"  # /news.php?id=1
    rel = path.lstrip("/")
    candidate = root / rel
    if not rel or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate


def saved_page(site: str, path: str) -> str:
    raw = site_file(site, path).read_bytes()
    charset = "windows-1256" if b"windows-1256" in raw[:2000].lower() else "utf-8"
    return raw.decode(charset).replace("{{BASE}}", BASE)


def demo_sites():
    return sorted(p.name for p in SITES_ROOT.iterdir() if (p / "manifest.json").exists())


def manifest_pages(kind: str):
    for site in demo_sites():
        manifest = load_manifest(SITES_ROOT / site)
        if kind == "stories":
            yield from ((site, s["path"]) for s in manifest["stories"])
        else:
            yield from ((site, p) for p in manifest["non_stories"] if not p.endswith((".xml", ".txt", ".atom", ".rss")))


@pytest.mark.parametrize("site,path", list(manifest_pages("stories")))
def test_demo_stories_classified_as_articles(site, path):
    assert classify_page(saved_page(site, path), BASE + path).kind == ARTICLE


@pytest.mark.parametrize("site,path", list(manifest_pages("non_stories")))
def test_demo_non_stories_not_articles(site, path):
    assert classify_page(saved_page(site, path), BASE + path).kind in (LISTING, OTHER)


def test_home_page_is_a_listing():
    for site in demo_sites():
        assert classify_page(saved_page(site, "/"), BASE + "/").kind == LISTING


def test_jsonld_type_decides_even_with_broken_json():
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",,}</script></head>
    <body><article><p>""" + "Word " * 60 + "</p></article></body></html>"
    assert classify_page(html, "http://x.test/a").kind == ARTICLE


def test_listing_of_teasers_is_not_an_article():
    cards = "".join(
        f'<div class="card"><h3><a href="/news/2024/05/0{i}/story-number-{i}-here.html">Story {i}</a></h3>'
        f"<p>{'A teaser sentence that runs long enough to look like a paragraph. ' * 2}</p><time datetime='2024-05-0{i}'>May</time></div>"
        for i in range(1, 9)
    )
    html = f"<html><body><main>{cards}</main></body></html>"
    assert classify_page(html, "http://x.test/section/world/").kind == LISTING


def test_pagination_multilingual_and_numbered():
    html = """<html><head><link rel="next" href="/news/page/2/"></head><body>
      <a href="/archive?page=3">3</a>
      <a href="/ar/politics/p2">التالي</a>
      <a href="/fr/monde/2">Suivant »</a>
      <a href="/de/politik/?seite=2">Weiter</a>
      <a href="/es/mundo/pagina/2/">Siguiente</a>
      <a class="load-more" href="/latest?offset=20">Load more</a>
      <a href="/story/a-real-story-about-something">Next week the council votes on the budget</a>
    </body></html>"""
    found = find_pagination(html, "http://x.test/news/")
    assert found[:1] == ["http://x.test/news/page/2/"]
    for expected in ["/archive?page=3", "/ar/politics/p2", "/fr/monde/2", "/de/politik/?seite=2", "/es/mundo/pagina/2/", "/latest?offset=20"]:
        assert "http://x.test" + expected in found
    assert "http://x.test/story/a-real-story-about-something" not in found


def test_related_links_inline_lines_and_blocks():
    html = """<html><body><nav><a href="/section/">Related</a></nav><article>
      <p>Some body text that links to <a href="/elsewhere">a page</a> in passing.</p>
      <p>إقرأ أيضاً: <a href="/news/one.html?utm_source=x">خبر أول</a></p>
      <p><strong>Lire aussi :</strong> <a href="/fr/deux">Deux</a></p>
      <p>Lesen Sie auch: <a href="/de/drei">Drei</a></p>
      <p>Leer más: <a href="/es/cuatro">Cuatro</a></p>
      </article>
      <aside><h3>Related stories</h3><ul><li><a href="/world/five-things-to-know-today#top">Five</a></li><li><a href="/world/six-more-things-to-know">Six</a></li>
      <li><a href="/author/jane-doe/">Jane Doe</a></li></ul></aside>
      <div class="related-articles"><a href="/article/70707">Seven</a></div>
    </body></html>"""
    found = find_related_links(html, "http://x.test/story")
    assert found == ["http://x.test/news/one.html", "http://x.test/fr/deux", "http://x.test/de/drei",
                     "http://x.test/es/cuatro", "http://x.test/world/five-things-to-know-today",
                     "http://x.test/world/six-more-things-to-know", "http://x.test/article/70707"]


def test_sentence_mentioning_related_is_not_a_related_line():
    html = '<p>Related research published last year by <a href="/uni">the university</a> showed that the effect persisted for months after the policy ended.</p>'
    # starts with "Related" but the line is a sentence of the story: only exact markers at the start count
    found = find_related_links(html, "http://x.test/story")
    assert found in ([], ["http://x.test/uni"])  # documented limitation: a sentence starting with the marker word


def test_seed_story_related_links_are_the_read_also_links():
    manifest = load_manifest(SITES_ROOT / "arabic")
    seed = manifest["seed_story"]
    related = find_related_links(saved_page("arabic", seed), BASE + seed)
    assert len(related) >= 2
    story_paths = {s["path"] for s in manifest["stories"]}
    assert all(url[len(BASE):] in story_paths for url in related)


def test_feed_links_in_head():
    html = '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"><link rel="alternate" type="application/atom+xml" href="https://x.test/feed.atom"><link rel="alternate" hreflang="fr" href="/fr/"></head></html>'
    assert find_feeds(html, "http://x.test/") == ["http://x.test/rss.xml", "https://x.test/feed.atom"]


def test_rss_atom_and_news_sitemap_keep_titles_and_dates():
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>A</title><link>http://x.test/a?utm_medium=rss</link><pubDate>Fri, 21 Aug 2020 10:00:00 +0300</pubDate></item></channel></rss>'
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>B</title><link rel="alternate" href="/b"/><published>2020-01-01T00:00:00Z</published></entry></feed>'
    news = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            b'<url><loc>http://x.test/c</loc><news:news><news:publication><news:name>X</news:name></news:publication>'
            b'<news:publication_date>2020-02-02T08:00:00+01:00</news:publication_date><news:title>C title</news:title></news:news></url></urlset>')
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://x.test/s1.xml</loc></sitemap></sitemapindex>'
    assert xml_kind(rss) == xml_kind(atom) == "feed" and xml_kind(news) == xml_kind(index) == "sitemap"
    (a,) = parse_feed(rss, "http://x.test/")
    assert (a.url, a.title, a.date) == ("http://x.test/a", "A", "Fri, 21 Aug 2020 10:00:00 +0300")
    (b,) = parse_feed(atom, "http://x.test/")
    assert (b.url, b.date) == ("http://x.test/b", "2020-01-01T00:00:00Z")
    (c,) = parse_sitemap(news, "http://x.test/")
    assert (c.url, c.title, c.date, c.kind) == ("http://x.test/c", "C title", "2020-02-02T08:00:00+01:00", "page")
    (s,) = parse_sitemap(index, "http://x.test/")
    assert s.kind == "sitemap"


def test_gzipped_sitemap():
    import gzip
    body = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x.test/z</loc></url></urlset>')
    assert [e.url for e in parse_sitemap(body, "http://x.test/")] == ["http://x.test/z"]


def test_robots_sitemap_lines():
    robots = "User-agent: *\nDisallow: /private/\nSitemap: /sitemap-index.xml\nsitemap: https://x.test/news.xml\n"
    assert sitemaps_from_robots(robots, "https://x.test/robots.txt") == ["https://x.test/sitemap-index.xml", "https://x.test/news.xml"]


@pytest.mark.parametrize("url,shape", [
    ("https://x.test/news/2020/08/21/lavrov-shoukry.html", "article"),
    ("https://x.test/article/10234", "article"),
    ("https://x.test/world/europe/minister-resigns-after-long-row-over-budget", "article"),
    ("https://x.test/", "listing"),
    ("https://x.test/section/politics/page/2/", "listing"),
    ("https://x.test/tag/economy/", "listing"),
    ("https://x.test/news?page=3", "listing"),
])
def test_url_shapes(url, shape):
    assert url_shape(url) == shape


@pytest.mark.parametrize("url,ok", [
    ("https://x.test/a.jpg", False), ("https://x.test/login", False), ("mailto:x@y", False),
    ("https://x.test/share?u=1", False), ("https://x.test/story-1", True), ("ftp://x.test/", False),
])
def test_crawlable(url, ok):
    assert is_crawlable(url) is ok


def test_page_links_strip_fragments_and_tracking():
    links = find_links('<a href="/a#x">a</a><a href="/a?utm_source=n&fbclid=1">a</a><a href="/b?gclid=2&id=3">b</a>', "http://x.test/")
    assert links == ["http://x.test/a", "http://x.test/b?id=3"]


def test_real_article_pages_are_classified_as_articles():
    """Every page of the dev eval sets is a story: the classifier must say so for nearly all
    (measured 266/268 when this floor was set)."""
    from conftest import SHARED

    warcs = sorted(SHARED.glob("eval/*/pages.warc.gz"))
    if not warcs:
        missing_eval_data(f"dev eval sets not found under {SHARED}/eval")
    import lxml.html
    from warcio.archiveiterator import ArchiveIterator

    total = articles = 0
    for warc in warcs:
        with open(warc, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                tree = lxml.html.document_fromstring(record.content_stream().read())
                total += 1
                articles += classify_page(tree, url).kind == ARTICLE
    assert total >= 200
    assert articles / total >= 0.97, f"{articles}/{total} real stories classified as articles"
