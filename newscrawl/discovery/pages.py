"""Page kind: is a fetched HTML page a story, a listing, or neither?

Signals, strongest first: the structured data's type (JSON-LD @type, og:type), then the
shape of the page (a run of long paragraphs vs. many short links to story-like URLs), then
the URL. Pure: takes a tree (or HTML) and a URL.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from newscrawl.discovery.links import as_tree, base_url, absolute, CHROME_XPATH
from newscrawl.discovery.urls import is_page_number_url, url_shape

ARTICLE = "article"
LISTING = "listing"
OTHER = "other"

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "socialmediaposting",
    "liveblogposting", "report", "scholarlyarticle", "techarticle", "satiricalarticle",
    "askpublicnewsarticle", "advertisertcontentarticle", "posting",
}
LISTING_TYPES = {"collectionpage", "itemlist", "website", "searchresultspage", "profilepage", "person", "blog", "organization", "newsmediaorganization", "aboutpage", "contactpage"}
NOT_STORY_TYPES = {"aboutpage", "contactpage", "profilepage", "searchresultspage", "faqpage"}

_TYPE_RE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')


@dataclass
class PageClass:
    kind: str
    signals: dict = field(default_factory=dict)


def jsonld_types(tree) -> set[str]:
    """Lower-cased @type values of the page's JSON-LD (tolerates broken JSON via a regex)."""
    types: set[str] = set()
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
            stack = [data]
            while stack:
                node = stack.pop()
                if isinstance(node, list):
                    stack.extend(node)
                elif isinstance(node, dict):
                    t = node.get("@type")
                    for v in (t if isinstance(t, list) else [t]):
                        if isinstance(v, str):
                            types.add(v.lower())
                    if "@graph" in node:
                        stack.append(node["@graph"])
                    main = node.get("mainEntity") or node.get("mainEntityOfPage")
                    if isinstance(main, dict):
                        stack.append(main)
        except (ValueError, RecursionError):
            for match in _TYPE_RE.findall(script):
                types.update(t.lower() for t in re.findall(r'"([^"]+)"', match))
    return types


def _meta(tree, *names: str) -> str | None:
    for name in names:
        values = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
        if values and values[0].strip():
            return values[0].strip()
    return None


def text_profile(tree, url: str) -> dict:
    """Long paragraphs and links outside the page chrome."""
    chrome = set(tree.xpath(CHROME_XPATH))
    long_paragraphs = 0
    paragraph_chars = 0
    per_parent: dict = {}
    for p in tree.iter("p"):
        if any(a in chrome for a in p.iterancestors()):
            continue
        text = " ".join("".join(p.itertext()).split())
        link_chars = sum(len(" ".join("".join(a.itertext()).split())) for a in p.iter("a"))
        if len(text) >= 80 and link_chars < 0.5 * len(text):
            long_paragraphs += 1
            paragraph_chars += len(text)
            parent = p.getparent()
            per_parent[parent] = per_parent.get(parent, 0) + len(text)
    base = base_url(tree, url)
    story_links = 0
    for a in tree.iter("a"):
        href = absolute(a.get("href"), base)
        if href and href != url and url_shape(href) == "article":
            story_links += 1
    # A story's paragraphs are siblings in one container; a listing's teasers sit one per card.
    main_block_chars = max(per_parent.values(), default=0)
    return {"long_paragraphs": long_paragraphs, "paragraph_chars": paragraph_chars,
            "main_block_chars": main_block_chars, "story_links": story_links}


def has_date_signal(tree) -> bool:
    return bool(
        _meta(tree, "article:published_time", "datePublished", "date", "pubdate", "publishdate", "dc.date", "DC.date.issued", "sailthru.date", "parsely-pub-date")
        or tree.xpath("//time[@datetime] | //*[@itemprop='datePublished']")
    )


def classify_page(page, url: str) -> PageClass:
    tree = as_tree(page)
    types = jsonld_types(tree)
    og_type = (_meta(tree, "og:type") or "").lower()
    shape = url_shape(url)
    profile = text_profile(tree, url)
    signals = {"jsonld_types": sorted(types), "og_type": og_type, "url_shape": shape, **profile}
    # Enough running text in one container to be a story rather than a card of a listing.
    dense = profile["main_block_chars"] >= 600

    if types & NOT_STORY_TYPES and not types & ARTICLE_TYPES:
        return PageClass(OTHER if not profile["story_links"] >= 5 else LISTING, signals)
    if is_page_number_url(url):
        return PageClass(LISTING, signals)
    # Structured data says story: trust it when there is some running text (a listing page
    # sometimes carries an ItemList of Article entries).
    if (types & ARTICLE_TYPES or og_type == "article") and profile["main_block_chars"] >= 200:
        return PageClass(ARTICLE, signals)
    if dense and (shape == "article" or has_date_signal(tree)):
        return PageClass(ARTICLE, signals)
    if profile["story_links"] >= 3 or types & LISTING_TYPES or shape == "listing":
        return PageClass(LISTING, signals)
    return PageClass(OTHER, signals)
