"""The page function: (url, headers, body bytes, fetched_at, hints) -> PageResult.

One pure function for every path that turns fetched bytes into stories and links: the
spider runs it in worker processes (newscrawl.workers), `newscrawl extract` runs it on WARC
records and saved pages. The same bytes and hints give the same result on either path.

It decodes (one decoder), parses once, classifies, extracts and cleans an HTML page, or
reads a feed or sitemap; it never touches Scrapy, the network or shared state. What the crawl
knows before fetching (a feed's title and date for the entry, the site list's language and
profile) comes in as `PageHints`, never patched in afterwards. Results and hints are plain
picklable data, as they cross a process boundary.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Mapping, Optional

from newscrawl.discovery.feeds import DecompressionError, parse_feed, parse_sitemap, xml_kind
from newscrawl.discovery.links import find_feeds, find_links, find_pagination
from newscrawl.discovery.pages import ARTICLE, LISTING, OTHER, classify_page
from newscrawl.discovery.urls import looks_like_feed, looks_like_sitemap, url_shape

# Page kinds beyond the classifier's article / listing / other.
FEED = "feed"
SITEMAP = "sitemap"
EMPTY = "empty"  # no document (empty body, undecodable markup)
NOT_HTML = "not_html"  # an image, a PDF, JSON ... fetched by mistake
ERROR = "error"  # the page function failed on this page (counted, never raised)

# Link roles: how the spider schedules a link (its priority and depth rules).
STORY = "story"
LISTING_LINK = "listing"
PAGINATION = "pagination"
FEED_LINK = "feed"
SITEMAP_LINK = "sitemap"
RELATED = "related"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_MARKERS = (b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf:rdf")


@dataclass
class PageHints:
    """What the crawl knows of a page before it is parsed; every field optional."""
    expect: Optional[str] = None  # what the link promised: story, listing, feed, sitemap, related
    listed_title: Optional[str] = None  # a feed / news sitemap's title for this URL
    listed_date: Optional[str] = None  # a feed / sitemap's date for this URL, as given there
    listed_from: Optional[str] = None  # "feed" or "sitemap": where listed_title / listed_date come from
    language: Optional[str] = None  # the site list's language (a hint: the text shown still wins)
    date_locale: Optional[str] = None
    profile: Optional[str] = None  # a site profile named by the site list
    profile_dirs: tuple = ()  # folders of site profiles beside the bundled ones (NEWSCRAWL_PROFILES_DIR)
    timezone: Optional[str] = None  # the site list's timezone: reads times the page writes without offset
    clean: bool = True  # False: the extracted fields without the cleaning stage (`extract --no-clean`)
    extract_all: bool = False  # extract whatever the page's kind (`extract` over saved story pages)
    site: Optional[dict] = None  # what the crawl has learnt of the page's site (SiteMemory.snapshot())
    fingerprint: bool = False  # attach dedup's fingerprint to the story (the crawl dedups on the reactor)


@dataclass
class Link:
    url: str
    role: str
    title: Optional[str] = None  # feed / sitemap entries only
    date: Optional[str] = None


@dataclass
class PageResult:
    url: str
    kind: str
    article: Optional[object] = None  # newscrawl.items.Article, cleaned unless hints.clean is False
    links: list[Link] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)  # stats keys -> increments
    error: Optional[str] = None
    template: Optional[str] = None  # where the main block of text sits (the site memory learns story templates)


def process_page(url: str, headers: Optional[Mapping] = None, body: bytes = b"",
                 fetched_at: Optional[datetime] = None, hints: Optional[PageHints] = None) -> PageResult:
    """Never raises: a failure becomes kind ERROR with its message, counted by exception type."""
    hints = hints or PageHints()
    fetched_at = fetched_at or datetime.now(timezone.utc)
    try:
        return _process(url, headers or {}, body or b"", fetched_at, hints)
    except RecursionError:
        result = PageResult(url, ERROR, error="RecursionError: the page is nested too deeply")
    except Exception as exc:  # hostile input must not stop the crawl: count it and move on
        result = PageResult(url, ERROR, error=f"{type(exc).__name__}: {exc}"[:500])
    result.counters[f"errors/page/{result.error.split(':', 1)[0]}"] += 1
    return result


def _content_type(headers: Mapping) -> str:
    from newscrawl.text.decode import content_type

    return (content_type(headers) or "").split(";", 1)[0].strip().lower()


def _looks_xml(body: bytes, ctype: str) -> bool:
    if body[:2] == b"\x1f\x8b":
        return True
    head = body[:512].lstrip().lower()
    return "xml" in ctype or head.startswith(_XML_MARKERS)


def _process_bytes(url: str, headers: Mapping, body: bytes, fetched_at: datetime, hints: PageHints) -> PageResult:
    ctype = _content_type(headers)
    if hints.expect in (FEED_LINK, SITEMAP_LINK) or _looks_xml(body, ctype):
        try:
            kind = xml_kind(body)
        except DecompressionError as exc:
            result = PageResult(url, ERROR, error=str(exc))
            result.counters["errors/decompression"] += 1
            return result
        if kind == FEED:
            return _feed_result(url, body)
        if kind == SITEMAP:
            return _sitemap_result(url, body)
        if ctype not in _HTML_TYPES and not body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html")):
            result = PageResult(url, NOT_HTML)
            result.counters["pages/not_html"] += 1
            return result
    elif ctype and ctype not in _HTML_TYPES and ctype not in ("text/plain", "application/octet-stream"):
        result = PageResult(url, NOT_HTML)
        result.counters["pages/not_html"] += 1
        return result
    return _html_result(url, headers, body, fetched_at, hints)


def _process(url: str, headers: Mapping, body: bytes, fetched_at: datetime, hints: PageHints) -> PageResult:
    result = _process_bytes(url, headers, body, fetched_at, hints)
    if result.kind in (FEED, SITEMAP):
        _apply_url_rules(result, _page_profile(None, url, hints))
    return result


def _feed_result(url: str, body: bytes) -> PageResult:
    result = PageResult(url, FEED)
    result.counters["pages/feed"] += 1
    result.links = [Link(e.url, STORY, e.title, e.date) for e in parse_feed(body, url)]
    return result


def _sitemap_result(url: str, body: bytes) -> PageResult:
    result = PageResult(url, SITEMAP)
    result.counters["pages/sitemap"] += 1
    for entry in parse_sitemap(body, url):
        if entry.kind == "sitemap":
            result.links.append(Link(entry.url, SITEMAP_LINK))
        else:
            result.links.append(Link(entry.url, STORY, entry.title, entry.date))
    return result


def _html_result(url: str, headers: Mapping, body: bytes, fetched_at: datetime, hints: PageHints) -> PageResult:
    from newscrawl.cleaning import clean_article
    from newscrawl.extraction import extract_article
    from newscrawl.extraction.article import parse_html
    from newscrawl.text.decode import decode_html
    from newscrawl.extraction.profiles import apply_profile_fields, read_profile_fields

    tree = parse_html(decode_html(body, headers))
    if tree is None:
        result = PageResult(url, EMPTY)
        result.counters["pages/empty"] += 1
        return result
    profile = _page_profile(tree, url, hints)
    page_class = classify_page(tree, url, site_hints=hints.site)
    kind = profile_kind(profile, url, page_class.kind)
    result = PageResult(url, kind, template=page_class.signals.get("template"))
    result.counters[f"pages/{kind}"] += 1
    if kind == OTHER and url_shape(url) == "article":
        # A story-shaped URL the classifier turned down: said in the summary, as a profile may be missing.
        result.counters["classified/story_url_not_story"] += 1
    result.links.extend(Link(u, FEED_LINK) for u in find_feeds(tree, url))
    if kind != ARTICLE:
        # Link discovery reads the tree before extraction, which may prune it.
        result.links.extend(_listing_links(tree, url, hints.site))
    if kind == ARTICLE or hints.extract_all:
        profile_fields = read_profile_fields(tree, url, profile)
        provenance: dict = {}
        article = extract_article(tree, url, headers=headers, fetched_at=fetched_at, profiles=_profiles(url, hints),
                                  hints=hints, provenance=provenance)
        apply_profile_fields(article, profile_fields, profile)
        result.counters[f"summary/{provenance.get('summary') or 'none'}"] += 1
        paywalled = {True: "true", False: "false"}.get(article.paywalled, "unknown")
        result.counters[f"paywalled/{paywalled}"] += 1
        result.counters[f"extraction/body/{getattr(article, 'body_source', None) or 'none'}"] += 1
        if hints.clean:
            counts: Counter = Counter()
            article = clean_article(article, counts)
            for name, n in counts.items():
                result.counters[f"cleaning/removed/{name}"] += n
        if hints.fingerprint:
            from newscrawl.dedup.fingerprint import attach_fingerprint

            attach_fingerprint(article)
        result.article = article
        if kind == ARTICLE:
            result.links.extend(Link(u, RELATED) for u in article.related_urls)
    _apply_url_rules(result, profile)
    return result


def profile_kind(profile: Optional[dict], url: str, kind: str) -> str:
    """The site profile's URL rules over the classifier: a URL the profile calls a story is one
    whatever its length; an ignored URL is never a story."""
    from newscrawl.extraction.profiles import url_kind

    ruled = url_kind(profile, url)
    if ruled == "ignore":
        return OTHER
    return ruled or kind


def _apply_url_rules(result: PageResult, profile: Optional[dict]) -> None:
    """Links the profile ignores are dropped; links it calls stories or listings get that role."""
    if not profile or not any(profile.get(k) for k in ("story_urls", "listing_urls", "ignore_urls")):
        return
    from newscrawl.extraction.profiles import url_kind

    kept = []
    for link in result.links:
        ruled = url_kind(profile, link.url)
        if ruled == "ignore":
            result.counters["links/ignored_by_profile"] += 1
            continue
        if ruled == ARTICLE and link.role in (LISTING_LINK, PAGINATION):
            link.role = STORY
        elif ruled == LISTING and link.role == STORY:
            link.role = LISTING_LINK
        kept.append(link)
    result.links = kept


def _listing_links(tree, url: str, site_hints: Optional[dict] = None) -> list[Link]:
    """A listing's (or other page's) links by role: pagination first, then every on-page link
    typed by its URL's shape (and the site's story shapes, once learnt). Which of them are on
    the crawl's sites is the spider's business."""
    pagination = find_pagination(tree, url)
    links = [Link(u, PAGINATION) for u in pagination]
    seen = set(pagination)
    for link_url in find_links(tree, url):
        if link_url in seen:
            continue
        seen.add(link_url)
        if looks_like_sitemap(link_url):
            links.append(Link(link_url, SITEMAP_LINK))
        elif looks_like_feed(link_url):
            links.append(Link(link_url, FEED_LINK))
        elif url_shape(link_url, site_hints) == "article":
            links.append(Link(link_url, STORY))
        else:
            links.append(Link(link_url, LISTING_LINK))
    return links


def _profiles(url: str, hints: PageHints) -> Optional[tuple]:
    """The site list's profile for this page first, then those of the profile folders and the
    bundled ones; None: the bundled ones."""
    if not (hints.profile or hints.language or hints.date_locale or hints.profile_dirs or hints.timezone):
        return None
    from newscrawl.urls import registrable_domain
    from newscrawl.extraction.profiles import load_profiles, site_list_profile

    dirs = tuple(hints.profile_dirs)
    site_profile = site_list_profile(registrable_domain(url), hints.profile, hints.language, hints.date_locale, dirs,
                                     timezone=hints.timezone)
    return (site_profile, *load_profiles(dirs)) if site_profile else load_profiles(dirs)


def _page_profile(tree, url: str, hints: PageHints) -> Optional[dict]:
    """The profile that applies to this page (by domain, else by its markup), as extraction finds it."""
    from newscrawl.extraction.profiles import page_profile

    return page_profile(tree, url, _profiles(url, hints))


__all__ = ["ARTICLE", "LISTING", "OTHER", "FEED", "SITEMAP", "EMPTY", "NOT_HTML", "ERROR", "PageHints", "Link",
           "PageResult", "process_page"]
