"""`images`: [{url, caption, credit}] in page order, lead image first, absolute URLs, no
pixels / icons / sprites / placeholders; captions and credits from figures, JSON-LD, og:image:alt."""
from __future__ import annotations

import lxml.html
import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.images import images_from_html, is_story_image, split_caption, split_credit_text

URL = "https://news.example.com/2024/05/01/ferry.html"


def page(head: str = "", body: str = "") -> str:
    return (f"<html><head><title>Ferry returns | Example</title>{head}</head><body><article>"
            f"<h1>Ferry returns to Gull Island</h1>{body}<p>{'Story text. ' * 30}</p></article></body></html>")


def test_figures_in_page_order_with_caption_and_credit():
    html = page(body="""
      <figure><img src="/img/ferry-dawn.jpg" width="1200" height="800">
        <figcaption>The ferry leaves at dawn. <span class="credit">Jane Doe/Example</span></figcaption></figure>
      <p>Text between.</p>
      <figure><img src="https://cdn.example.com/quay.jpg"><figcaption>The quay in 1912. Photo: City Archive</figcaption></figure>
      <figure><img src="../pier.jpg"><figcaption>Der Pier. Foto: dpa</figcaption></figure>""")
    assert images_from_html(html, URL) == [
        {"url": "https://news.example.com/img/ferry-dawn.jpg", "caption": "The ferry leaves at dawn.", "credit": "Jane Doe/Example"},
        {"url": "https://cdn.example.com/quay.jpg", "caption": "The quay in 1912.", "credit": "City Archive"},
        {"url": "https://news.example.com/2024/05/pier.jpg", "caption": "Der Pier.", "credit": "dpa"},
    ]


def test_lead_image_first_and_merged_with_its_figure():
    html = page(head='<meta property="og:image" content="/img/ferry-dawn_1200x630.jpg">'
                     '<meta property="og:image:alt" content="A ferry at dawn">',
                body='<figure><img src="/img/other.jpg"><figcaption>Another picture.</figcaption></figure>'
                     '<figure><img src="/img/ferry-dawn_800.jpg"><figcaption>The ferry. © Jane Doe</figcaption></figure>')
    images = images_from_html(html, URL)
    assert images[0] == {"url": "https://news.example.com/img/ferry-dawn_1200x630.jpg", "caption": "The ferry.",
                         "credit": "Jane Doe"}
    assert [i["url"] for i in images[1:]] == ["https://news.example.com/img/other.jpg"]  # the lead once


def test_lead_caption_from_jsonld_image_object_then_og_alt():
    ld = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"Ferry returns",'
          '"image":{"@type":"ImageObject","url":"https://cdn.example.com/lead.jpg","caption":"Passengers board.",'
          '"creditText":"Jane Doe"}}</script>')
    assert images_from_html(page(head=ld), URL) == [
        {"url": "https://cdn.example.com/lead.jpg", "caption": "Passengers board.", "credit": "Jane Doe"}]
    og = ('<meta property="og:image" content="https://cdn.example.com/lead.jpg">'
          '<meta property="og:image:alt" content="Passengers board the ferry at the quay">')
    assert images_from_html(page(head=og), URL)[0]["caption"] == "Passengers board the ferry at the quay"
    headline_alt = ('<meta property="og:title" content="Ferry returns to Gull Island">'
                    '<meta property="og:image" content="https://cdn.example.com/lead.jpg">'
                    '<meta property="og:image:alt" content="Ferry returns to Gull Island">')
    assert images_from_html(page(head=headline_alt), URL)[0]["caption"] is None  # the headline is no caption


def test_lazy_loading_and_srcset():
    html = page(body="""
      <figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/lazy.jpg"><figcaption>Lazy.</figcaption></figure>
      <figure><img src="/img/placeholder.png" srcset="/img/s.jpg 480w, /img/l.jpg 1600w, /img/m.jpg 960w">
        <figcaption>Wide.</figcaption></figure>
      <figure><picture><source srcset="/img/p.webp 1x, /img/p2.webp 2x"><img></picture><figcaption>Picture.</figcaption></figure>""")
    assert [i["url"] for i in images_from_html(html, URL)] == [
        "https://news.example.com/img/lazy.jpg", "https://news.example.com/img/l.jpg",
        "https://news.example.com/img/p2.webp"]


def test_pixels_icons_sprites_and_teasers_left_out():
    html = page(body="""
      <figure><img src="/track/pixel.gif" width="1" height="1"></figure>
      <figure><img src="/img/spacer.gif"></figure>
      <figure><img src="/static/icons/share.svg"><figcaption>Share</figcaption></figure>
      <figure><img src="/static/sprite.png"></figure>
      <figure><img src="/img/photo.jpg" width="1" height="1"></figure>
      <figure><img src="https://stats.example.com/p?w=1&h=1&id=3"></figure>
      <aside><figure><img src="/img/ad.jpg"><figcaption>Advert</figcaption></figure></aside>
      <div class="related-stories"><figure><img src="/img/other-story.jpg"><figcaption>Other</figcaption></figure></div>
      <a href="/other.html"><figure><img src="/img/teaser.jpg"></figure></a>
      <figure><img src="/img/story.jpg"><figcaption>The story's picture.</figcaption></figure>""")
    assert images_from_html(html, URL) == [
        {"url": "https://news.example.com/img/story.jpg", "caption": "The story's picture.", "credit": None}]


@pytest.mark.parametrize("url, ok", [
    ("https://cdn.example.com/2024/ferry.jpg", True), ("https://cdn.example.com/favicon.ico", False),
    ("https://cdn.example.com/assets/logo-white.png", False), ("https://t.example.com/1x1.gif", False),
    ("https://cdn.example.com/avatars/jane.jpg", False), ("https://cdn.example.com/img.jpg?w=1", False),
])
def test_is_story_image(url, ok):
    assert is_story_image(url) is ok


@pytest.mark.parametrize("text, caption, credit", [
    ("A ferry at dawn. Photo: Jane Doe", "A ferry at dawn.", "Jane Doe"),
    ("Die Fähre am Morgen (Foto: dpa)", "Die Fähre am Morgen", "dpa"),
    ("العبارة في الميناء. تصوير: أحمد علي", "العبارة في الميناء.", "أحمد علي"),
    ("La gare en 1912 © AFP", "La gare en 1912", "AFP"),
    ("Photo: The Harbour Ledger", None, "The Harbour Ledger"),
    ("Just a caption without credit.", "Just a caption without credit.", None),
])
def test_split_credit_text(text, caption, credit):
    assert split_credit_text(text) == (caption, credit)


def test_split_caption_credit_element():
    el = lxml.html.fragment_fromstring('<figcaption>Quay at night <small>Foto: Max Muster</small></figcaption>')
    assert split_caption(el) == ("Quay at night", "Max Muster")


def test_extract_article_fills_images_and_keeps_image_the_lead():
    html = page(head='<meta property="og:image" content="/img/lead.jpg">',
                body='<figure><img src="/img/second.jpg"><figcaption>Second. Photo: X Y</figcaption></figure>')
    article = extract_article(html.encode(), URL)
    assert article.image == "https://news.example.com/img/lead.jpg"
    assert [i["url"] for i in article.images] == [article.image, "https://news.example.com/img/second.jpg"]
    assert all(i["url"].startswith(("http://", "https://")) for i in article.images)
    assert "Second." not in article.body  # captions stay out of the body


def test_no_images():
    assert images_from_html(page(), URL) == []
    assert images_from_html("", URL) == []


@pytest.fixture(scope="module")
def demo_story_pages():
    """Every demo story, fetched over HTTP from the local demo server."""
    import urllib.request

    from newscrawl.demo.server import load_manifest, serve_sites

    pages = []
    with serve_sites() as sites:
        for name, site in sites.items():
            for story in load_manifest(site.root)["stories"]:
                url = site.url(story["path"])
                with urllib.request.urlopen(url, timeout=10) as response:
                    pages.append((name, url, response.read()))
    return pages


def test_demo_sites_every_figure_with_its_caption(demo_story_pages):
    """Every figure of a demo story comes out with its absolute image URL and its figcaption
    (as caption + credit); placeholder images (the Arabic site's) are no story images."""
    from urllib.parse import urljoin

    from newscrawl.text.decode import decode_html

    figures = {"english": 0, "arabic": 0}
    for site, url, body in demo_story_pages:
        article = extract_article(body, url)
        assert all(i["url"].startswith("http://127.0.0.1:") for i in article.images)
        tree = lxml.html.fromstring(decode_html(body, None))
        for fig in tree.xpath("//article//figure"):
            figures[site] += 1
            absolute = urljoin(url, fig.find(".//img").get("src"))
            if not is_story_image(absolute):
                assert "placeholder" in absolute and absolute not in [i["url"] for i in article.images]
                continue
            match = [i for i in article.images if i["url"] == absolute]
            assert len(match) == 1, (url, absolute)
            caption_el = fig.find(".//figcaption")
            expected = " ".join(caption_el.text_content().split()) if caption_el is not None else ""
            got = " ".join(x for x in (match[0]["caption"], match[0]["credit"]) if x)
            assert got and all(word in expected.split() for word in got.split()), (expected, match[0])
        if article.images:
            assert article.images[0]["url"] == article.image
    assert figures["english"] >= 10 and figures["arabic"] >= 10
