"""Page kind: is a fetched HTML page a story, a listing, or neither?

Signals, strongest first: the structured data's type (JSON-LD @type, og:type), then the
shape of the page (a run of long paragraphs vs. many short links to story-like URLs), then
the URL. Pure: takes a tree (or HTML) and a URL.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit
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


INLINE_TAGS = {"a", "b", "strong", "i", "em", "u", "span", "font", "br", "sup", "sub", "small", "mark", "abbr", "q", "cite", "time", "code", "s", "del", "ins"}
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "form", "button", "select", "textarea", "iframe"}
RUN_MIN_CHARS = 80


def _run_text(el) -> tuple[int, int]:
    """Characters of running text an element holds itself (its text, its inline children,
    their tails), and how many of them are link text. Block children count on their own."""
    chars = len((el.text or "").strip())
    link_chars = chars if el.tag == "a" else 0
    for child in el:
        if isinstance(child.tag, str) and child.tag in INLINE_TAGS:
            inner = len(" ".join("".join(child.itertext()).split()))
            chars += inner
            if child.tag == "a" or (el.tag == "a"):
                link_chars += inner
            else:
                link_chars += sum(len(" ".join("".join(a.itertext()).split())) for a in child.iter("a"))
        chars += len((child.tail or "").strip())
    return chars, link_chars


def text_profile(tree, url: str) -> dict:
    """Runs of text outside the page chrome: paragraphs (<p>, or <div>/<td> text with <br>),
    and which container holds them."""
    chrome = set(tree.xpath(CHROME_XPATH))
    long_paragraphs = 0
    paragraph_chars = 0
    per_container: dict = {}
    body = tree.find("body")
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in INLINE_TAGS or el.tag in SKIP_TAGS:
            continue
        chars, link_chars = _run_text(el)
        if chars < RUN_MIN_CHARS or link_chars >= 0.5 * chars:
            continue
        if el in chrome or any(a in chrome or (isinstance(a.tag, str) and a.tag in SKIP_TAGS) for a in el.iterancestors()):
            continue
        long_paragraphs += 1
        paragraph_chars += chars
        # <p> runs belong to their parent; text written straight into a <div> belongs to the div.
        container = el.getparent() if el.tag in ("p", "blockquote", "h2", "h3", "li") else el
        per_container[container] = per_container.get(container, 0) + chars
    base = base_url(tree, url)
    story_links = 0
    for a in tree.iter("a"):
        href = absolute(a.get("href"), base)
        if href and href != url and url_shape(href) == "article":
            story_links += 1
    # A story's paragraphs are siblings in one container; a listing's teasers sit one per card.
    main_block_chars = max(per_container.values(), default=0)
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
    # Page 2+ of a listing, unless the page is plainly one long text (a story URL that
    # carries its listing's ?page= parameter).
    if is_page_number_url(url) and profile["main_block_chars"] < 1500:
        return PageClass(LISTING, signals)
    # Structured data says story: trust it when there is some running text (a listing page
    # sometimes carries an ItemList of Article entries).
    if (types & ARTICLE_TYPES or og_type == "article") and (profile["main_block_chars"] >= 200 or shape == "article"):
        return PageClass(ARTICLE, signals)
    if dense and (shape == "article" or has_date_signal(tree)):
        return PageClass(ARTICLE, signals)
    # One long run of text is a story whatever its URL looks like (the home page aside).
    if profile["main_block_chars"] >= 2500 and urlsplit(url).path.strip("/"):
        return PageClass(ARTICLE, signals)
    if profile["story_links"] >= 3 or types & LISTING_TYPES or shape == "listing":
        return PageClass(LISTING, signals)
    return PageClass(OTHER, signals)
