"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds, and XML sitemaps (index, urlset, Google News).

Scrapy's own sitemap helper drops `news:publication_date` and `news:title`; these parsers
keep them, so a story found in a news sitemap can be dated before it is fetched.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawl.urls import strip_tracking

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


@dataclass
class LinkEntry:
    url: str
    title: Optional[str] = None
    date: Optional[str] = None  # as given (ISO 8601 or RFC 822); parse with newscrawl.text.dates
    kind: str = "page"  # 'page' or 'sitemap' (a child sitemap of an index)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el, *names: str) -> Optional[str]:
    for child in el:
        if _local(child.tag) in names and (child.text or "").strip():
            return child.text.strip()
    return None


# The sitemap protocol's own limit on an uncompressed sitemap file; a gzip that inflates past it
# is a bomb, not a sitemap.
MAX_XML_BYTES = 50 * 1024 * 1024


class DecompressionError(ValueError):
    """A gzipped feed or sitemap that is corrupt or inflates past MAX_XML_BYTES."""


def _parse_xml(body: bytes):
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=MAX_XML_BYTES)
        except ValueError as exc:  # Scrapy's size-limit error is a ValueError
            raise DecompressionError(f"gzipped XML inflates past {MAX_XML_BYTES} bytes") from exc
        except (OSError, EOFError, struct.error, zlib.error) as exc:
            raise DecompressionError(f"corrupt gzipped XML ({type(exc).__name__})") from exc
    body = body.lstrip()
    if not body:
        return None
    try:
        return etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None


def xml_kind(body: bytes) -> Optional[str]:
    """'feed' (RSS/Atom/RDF), 'sitemap' (urlset / sitemapindex), or None."""
    root = _parse_xml(body)
    if root is None:
        return None
    tag = _local(root.tag)
    if tag in ("rss", "feed", "rdf"):
        return "feed"
    if tag in ("urlset", "sitemapindex"):
        return "sitemap"
    return None


def parse_feed(body: bytes, base_url: str) -> list[LinkEntry]:
    root = _parse_xml(body)
    if root is None:
        return []
    entries = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = None
        for child in item:
            cname = _local(child.tag)
            if cname == "link":
                href = child.get("href")
                rel = (child.get("rel") or "alternate").lower()
                if href and rel == "alternate":
                    link = href
                    break
                if not href and (child.text or "").strip():
                    link = child.text.strip()
                    break
        if not link:
            guid = [c for c in item if _local(c.tag) == "guid" and (c.get("isPermaLink") or "true") != "false"]
            link = guid[0].text.strip() if guid and guid[0].text else None
        if not link and item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"):
            link = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        if not link:
            continue
        entries.append(LinkEntry(
            url=strip_tracking(urljoin(base_url, link)),
            title=_child_text(item, "title"),
            date=_child_text(item, "pubdate", "published", "date", "issued", "updated", "modified"),
        ))
    return entries


def parse_sitemap(body: bytes, base_url: str) -> list[LinkEntry]:
    root = _parse_xml(body)
    if root is None:
        return []
    is_index = _local(root.tag) == "sitemapindex"
    entries = []
    for node in root:
        name = _local(node.tag)
        if name not in ("url", "sitemap"):
            continue
        loc = _child_text(node, "loc")
        if not loc:
            continue
        title = date = None
        for child in node:
            if _local(child.tag) == "news":
                title = _child_text(child, "title")
                date = _child_text(child, "publication_date")
        entries.append(LinkEntry(
            url=strip_tracking(urljoin(base_url, loc)),
            title=title,
            date=date or _child_text(node, "lastmod"),
            kind="sitemap" if is_index or name == "sitemap" else "page",
        ))
    return entries


def sitemaps_from_robots(robots_txt, base_url: str) -> list[str]:
    """The Sitemap: lines of a robots.txt, absolute (Scrapy's reader)."""
    if isinstance(robots_txt, str):
        robots_txt = robots_txt.encode("utf-8")
    return list(sitemap_urls_from_robots(robots_txt, base_url=base_url))
