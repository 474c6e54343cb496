"""Links out of an HTML page: every crawlable link, pagination, feeds, related stories.

All functions take an lxml.html tree (or HTML text) and the page URL, and return absolute
URLs with fragments and tracking parameters removed, in page order, without repeats.
"""
from __future__ import annotations

from typing import Iterable, Union
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from newscrawl.urls import strip_tracking
from newscrawl.discovery.markers import equals_phrase, marker_words, starts_with_phrase
from newscrawl.text.normalise import normalize_marker_text
from newscrawl.discovery.urls import PAGE_NUMBER_RE, is_crawlable, url_shape

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
BLOCK_TAGS = {"p", "div", "li", "h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "section", "aside", "blockquote"}
HEADING_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "header", "span", "p", "div")
# Chrome that never holds a story's own links.
CHROME_XPATH = "//nav | //header | //footer | //*[@role='navigation']"
_ANCHORS_BELOW = etree.XPath("descendant::a[@href]")  # compiled once: it runs for every block element
_ANY_ANCHOR = etree.XPath("descendant::a")


def as_tree(page: Union[str, bytes, lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    if isinstance(page, (str, bytes)):
        return lxml.html.document_fromstring(page or "<html></html>")
    root = getattr(page, "root", None)  # a parsel Selector
    return root if root is not None else page


def absolute(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return strip_tracking(url)


def _unique(urls: Iterable[str | None]) -> list[str]:
    seen: set[str] = set()
    out = []
    for url in urls:
        if url and url not in seen:
            seen.add(url)
            out.append(url)
    return out


def base_url(tree, url: str) -> str:
    base = tree.xpath("//base/@href")
    return urljoin(url, base[0].strip()) if base and base[0].strip() else url


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _rel_tokens(el) -> set[str]:
    return set((el.get("rel") or "").lower().split())


def find_links(page, url: str) -> list[str]:
    tree = as_tree(page)
    base = base_url(tree, url)
    return _unique(u for u in (absolute(a.get("href"), base) for a in tree.iter("a", "area")) if u and is_crawlable(u))


def find_feeds(page, url: str) -> list[str]:
    tree = as_tree(page)
    base = base_url(tree, url)
    found = []
    for link in tree.xpath("//link[@href]"):
        if "alternate" in _rel_tokens(link) and (link.get("type") or "").lower().split(";")[0].strip() in FEED_TYPES:
            found.append(absolute(link.get("href"), base))
    return _unique(found)


def find_pagination(page, url: str) -> list[str]:
    """Next pages: rel=next (<link> and <a>), "next"/"load more" link texts in several
    languages, and numbered page links (/page/2/, ?page=3) in pagination blocks."""
    tree = as_tree(page)
    base = base_url(tree, url)
    found: list[str | None] = []
    for el in tree.xpath("//link[@href] | //a[@href]"):
        if "next" in _rel_tokens(el):
            found.append(absolute(el.get("href"), base))
    for a in tree.xpath("//a[@href]"):
        href = absolute(a.get("href"), base)
        if not href or not is_crawlable(href) or href == url:
            continue
        text = _text(a) or (a.get("aria-label") or a.get("title") or "")
        classes = " ".join(filter(None, [a.get("class"), a.getparent().get("class") if a.getparent() is not None else None])).lower()
        if text and len(text) <= 40 and equals_phrase(text, "next_page"):
            found.append(href)
        elif any(k in classes for k in ("next", "load-more", "loadmore", "more-link")) and "prev" not in classes:
            found.append(href)
        elif PAGE_NUMBER_RE.search(href) and (normalize_marker_text(text).isdigit() or "pag" in classes):
            found.append(href)
    return [u for u in _unique(found) if is_crawlable(u) and u != url]


def _is_related_container(el, marker_classes: list[str]) -> bool:
    ident = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if any(k in ident for k in marker_classes):
        return True
    # A heading as first meaningful child: <aside><h3>Related stories</h3><ul>...</ul></aside>
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in HEADING_TAGS and not _ANY_ANCHOR(child):
            text = _text(child)
            return bool(text) and len(text) <= 60 and equals_phrase(text, "related_block_heading")
        break
    return False


def find_related_links(page, url: str) -> list[str]:
    """Related stories a story links to: "Read also: <a>" lines (إقرأ أيضاً, Lire aussi,
    Lesen Sie auch, Leer más ...) and related-story blocks (by class/id or heading)."""
    tree = as_tree(page)
    base = base_url(tree, url)
    found: list[str | None] = []
    marker_classes = marker_words("related_block_class")
    # Everything under the chrome, gathered in one pass (not an ancestor walk per element).
    inside_chrome = {d for c in tree.xpath(CHROME_XPATH) for d in c.iterdescendants()}
    # nested wrappers (li > div > span > a) share one text: its phrase check is made once
    related_line: dict[str, bool] = {}
    for el in tree.iter(*BLOCK_TAGS):
        if not isinstance(el.tag, str) or el in inside_chrome:
            continue
        anchors = _ANCHORS_BELOW(el)
        if not anchors:
            continue
        if el.tag in ("section", "aside", "div", "ul") and _is_related_container(el, marker_classes):
            found.extend(absolute(a.get("href"), base) for a in anchors)
            continue
        if len(anchors) > 3:
            continue  # checked before reading the text: a big container's text is costly
        text = _text(el)
        if not text or len(text) >= 400:
            continue
        starts = related_line.get(text)
        if starts is None:
            starts = related_line[text] = starts_with_phrase(text, "related_line")
        if starts:
            found.extend(absolute(a.get("href"), base) for a in anchors)
    # Author, tag and section links inside a related block are not stories.
    return [u for u in _unique(found) if is_crawlable(u) and url_shape(u) != "listing" and u != url]
