"""The bundled demo sites and their server, over real HTTP on 127.0.0.1.

Checks the serving rules (README in newscrawl/demo/) and that each manifest tells the truth:
every path is served, every title is on its page, and every story is reachable exactly the
way its `reachable_via` says (walked with a small link follower, obeying robots.txt).
"""
from __future__ import annotations

import html
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import pytest

from newscrawl.demo.server import SITES_ROOT, load_manifest, serve_sites

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sites():
    with serve_sites() as servers:
        yield servers


def fetch(url: str, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def text_of(body: bytes, headers: dict) -> str:
    match = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    return body.decode(match.group(1) if match else "utf-8")


def test_all_sites_served_with_manifests(sites):
    assert set(sites) == {"arabic", "english", "legacy"}
    for name, site in sites.items():
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site.base_url)
        assert site.url("/about/") == site.base_url + "/about/"
        manifest = load_manifest(site.root)
        assert manifest["name"] == name
        assert 8 <= len(manifest["stories"]) <= 10
    ports = {site.base_url for site in sites.values()}
    assert len(ports) == len(sites)


def test_base_placeholder_replaced_in_robots_sitemaps_and_feeds(sites):
    for site in sites.values():
        manifest = load_manifest(site.root)
        for path in ["/robots.txt", *manifest["feeds"], *manifest["sitemaps"]]:
            status, headers, body = fetch(site.url(path))
            assert status == 200, path
            text = body.decode("utf-8")
            assert "{{BASE}}" not in text, path
            if path != "/robots.txt":
                assert site.base_url + "/" in text, path
    status, _, body = fetch(sites["arabic"].url("/robots.txt"))
    assert f"Sitemap: {sites['arabic'].base_url}/sitemap.xml" in body.decode()


def test_content_types(sites):
    arabic, english = sites["arabic"], sites["english"]
    expected = [
        (arabic, "/", "text/html; charset=utf-8"),
        (arabic, "/rss.xml", "application/rss+xml"),
        (arabic, "/sitemap.xml", "application/xml"),
        (arabic, "/robots.txt", "text/plain; charset=utf-8"),
        (english, "/feed.atom", "application/atom+xml"),
    ]
    for site, path, content_type in expected:
        status, headers, _ = fetch(site.url(path))
        assert (status, headers["Content-Type"]) == (200, content_type), path


def test_missing_and_hidden_paths_are_404_never_a_listing(sites):
    arabic, english = sites["arabic"], sites["english"]
    for site, path in [
        (arabic, "/no-such-page.html"),
        (arabic, "/news/2020/08/21/"),  # a directory without index.html: no listing
        (arabic, "/assets/"),
        (arabic, "/manifest.json"),
        (arabic, "/_headers.json"),
        (arabic, "/news/%2e%2e/manifest.json"),
        (english, "/section/city/__query__/page=2.html"),
        (english, "/static/"),
    ]:
        status, headers, body = fetch(site.url(path))
        assert status == 404, path
        assert b"Index of" not in body


def test_windows_1256_page_served_byte_for_byte(sites):
    site = sites["arabic"]
    manifest = load_manifest(site.root)
    [story] = [s for s in manifest["stories"] if s["encoding"] == "windows-1256"]
    status, headers, body = fetch(site.url(story["path"]))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1256"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = body.decode("windows-1256")
    assert '<meta charset="windows-1256">' in page
    assert story["title"] in html.unescape(page)
    assert body == (site.root / story["path"].lstrip("/")).read_bytes()


def test_every_manifest_path_served_and_every_title_visible(sites):
    for site in sites.values():
        manifest = load_manifest(site.root)
        for story in manifest["stories"]:
            status, headers, body = fetch(site.url(story["path"]))
            assert status == 200, story["path"]
            page = html.unescape(text_of(body, headers))
            # the headline: <h1>, or on the legacy site <font class="headline"><b>
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>|<font class=\"headline\"[^>]*><b>(.*?)</b>", page, re.S)
            assert h1 and (h1.group(1) or h1.group(2)).strip() == story["title"], story["path"]
            assert "{{BASE}}" not in page or story["encoding"] != "utf-8"
            if "date" in story:  # a full date-time is on the page exactly when the manifest says so
                assert (story["date"] in page) == (story["date_on_page"] == story["date"]), story["path"]
            else:  # legacy: only a visible date line
                assert story["date_line"] in page, story["path"]
        for path in manifest["non_stories"] + manifest["disallowed"]:
            status, _, _ = fetch(site.url(path))
            assert status == 200, path


def test_query_string_rules_and_request_log(sites):
    site = sites["english"]
    first = fetch(site.url("/section/city/"))[2].decode()
    second = fetch(site.url("/section/city/?page=2"))[2].decode()
    no_slash = fetch(site.url("/section/city?page=2"))[2].decode()
    assert first != second and second == no_slash
    assert "council-approves-seawall-budget" in second and "council-approves-seawall-budget" not in first
    story = "/2024/03/14/port-container-volumes-rise/"
    tracked = fetch(site.url(story + "?utm_source=newsletter&utm_medium=email"))
    assert tracked[0] == 200 and tracked[2] == fetch(site.url(story))[2]
    assert story + "?utm_source=newsletter&utm_medium=email" in site.requests
    assert "/section/city/?page=2" in site.requests
    status, headers, body = fetch(site.url(story), method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_seed_story_carries_the_seed_text_in_order(sites):
    site = sites["arabic"]
    manifest = load_manifest(site.root)
    seed = (REPO / "newscrawl" / "demo" / "seed-article.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()]
    title, body_paragraphs, cookie, ticker = paragraphs[0], paragraphs[1:-2], paragraphs[-2], paragraphs[-1]
    status, headers, raw = fetch(site.url(manifest["seed_story"]))
    page = raw.decode("utf-8")
    page_paragraphs = [
        html.unescape(re.sub(r"<[^>]+>", "", p)).strip()
        for p in re.findall(r"<p[^>]*>(.*?)</p>", page, re.S)
    ]
    positions = [page_paragraphs.index(p) for p in body_paragraphs]
    assert positions == sorted(positions)
    assert f">{title}</h1>" in page
    assert "إعداد: وكالة عربي اليوم الإخبارية" in page_paragraphs
    flat = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert re.sub(r"\s+", " ", cookie) in flat.replace(" ، ", " ، ")
    assert ticker in page
    # the three "إقرأ أيضاً" lines are links to other stories of the site
    links = re.findall(r'<p class="read-also">إقرأ أيضاً: <a href="([^"]+)">', page)
    stories = {s["path"] for s in manifest["stories"]}
    assert len(links) == 3 and set(links) <= stories and manifest["seed_story"] not in links
    assert 'property="article:published_time" content="2020-08-21T10:00:00+03:00"' in page
    assert "application/ld+json" not in page


# -- reachability: does each manifest's `reachable_via` tell the truth? -------------------

class LinkCollector(HTMLParser):
    """Hrefs of <a> and <link rel=next|prev>; those inside <aside class="related"> apart."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.related_links: list[str] = []
        self._in_related = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "aside" and "related" in (attrs.get("class") or "").split():
            self._in_related += 1
        href = attrs.get("href")
        if not href:
            return
        if tag == "a" or (tag == "link" and attrs.get("rel") in ("next", "prev")):
            (self.related_links if self._in_related else self.links).append(href)

    def handle_endtag(self, tag):
        if tag == "aside" and self._in_related:
            self._in_related -= 1


def without_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def walk(site, robots: RobotFileParser, follow_related: bool) -> set[str]:
    """Paths of the HTML pages reachable from the home page through links."""
    seen: set[str] = set()
    queue = deque([site.url("/")])
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = fetch(url)
        assert status == 200, url
        if not headers["Content-Type"].startswith("text/html"):
            continue
        collector = LinkCollector()
        collector.feed(text_of(body, headers))
        hrefs = collector.links + (collector.related_links if follow_related else [])
        for href in hrefs:
            target = without_tracking(urljoin(url, href))
            if target.startswith(site.base_url + "/") and robots.can_fetch("*", target):
                queue.append(target)
    return seen


@pytest.mark.parametrize("name", ["arabic", "english"])
def test_reachable_via_is_exact(sites, name):
    site = sites[name]
    manifest = load_manifest(site.root)
    robots = RobotFileParser()
    robots.parse(fetch(site.url("/robots.txt"))[2].decode().splitlines())
    for path in manifest["disallowed"]:
        assert not robots.can_fetch("*", site.url(path)), path

    with_related = walk(site, robots, follow_related=True)
    without_related = walk(site, robots, follow_related=False)
    feeds = "".join(fetch(site.url(p))[2].decode() for p in manifest["feeds"])
    sitemaps = "".join(fetch(site.url(p))[2].decode() for p in manifest["sitemaps"])

    kinds = {s["reachable_via"] for s in manifest["stories"]}
    assert {"listing", "feed", "sitemap"} <= kinds
    for story in manifest["stories"]:
        path, via = story["path"], story["reachable_via"]
        in_feed = f"{site.base_url}{path}<" in feeds
        in_sitemap = f"{site.base_url}{path}<" in sitemaps
        if via == "listing":
            assert path in without_related, path
        elif via == "related":
            assert path in with_related and path not in without_related, path
            assert not in_feed and not in_sitemap, path
        elif via == "feed":
            assert in_feed and not in_sitemap and path not in with_related, path
        elif via == "sitemap":
            assert in_sitemap and not in_feed and path not in with_related, path
        else:
            pytest.fail(f"unknown reachable_via {via!r}")
    for path in manifest["non_stories"]:
        assert path in with_related, path
    assert not any(p.startswith("/private/") for p in with_related)


def test_english_site_specifics(sites):
    site = sites["english"]
    manifest = load_manifest(site.root)
    assert [s for s in manifest["stories"] if s["reachable_via"] == "related"]
    home = fetch(site.url("/"))[2].decode()
    for path in manifest["disallowed"]:
        assert path.startswith("/private/") and f'href="{path}"' in home
    robots = fetch(site.url("/robots.txt"))[2].decode()
    assert "Disallow: /private/" in robots and "Sitemap:" not in robots
    for story in manifest["stories"]:
        page = fetch(site.url(story["path"]))[2].decode()
        assert '"@type": "NewsArticle"' in page
        assert '<aside class="related">' in page and "Related stories" in page
        assert ">By <a" in page and "newsletter-signup" in page
    for link in manifest["tracking_links"]:
        assert html.escape(link) in "".join(
            fetch(site.url(p))[2].decode() for p in ["/"] + [s["path"] for s in manifest["stories"]]
        )
    section = fetch(site.url("/section/business/"))[2].decode()
    assert '<link rel="next" href="/section/business/?page=2">' in section
    assert ">Load more</a>" in section


def test_serve_sites_subset_and_unknown_name():
    with serve_sites(["english"]) as servers:
        assert list(servers) == ["english"]
    with pytest.raises(ValueError):
        with serve_sites(["no-such-site"]):
            pass


def test_sites_root_is_the_bundled_folder():
    assert SITES_ROOT == REPO / "newscrawl" / "demo" / "sites"


def test_runnable_as_module():
    process = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.demo.server", "arabic"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert line.startswith("arabic") and match, line
        assert fetch(match.group(0) + "/robots.txt")[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
