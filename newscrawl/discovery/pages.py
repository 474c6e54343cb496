"""Page kind: is a fetched HTML page a story, a listing, or neither?

Signals, strongest first: the structured data's type (JSON-LD @type, og:type), then the
shape of the page (a run of long paragraphs vs. many short links to story-like URLs), then
the URL. Pure: takes a tree (or HTML) and a URL.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import dataclass, field

from newscrawl.discovery.links import as_tree, base_url, absolute, CHROME_XPATH
from newscrawl.discovery.site_memory import pattern_kind, template_is_story
from newscrawl.discovery.urls import is_page_number_url, url_shape
from newscrawl.text.dates import looks_like_date_line
from newscrawl.extraction.structured import ARTICLE_TYPES, MAX_JSONLD_CHARS, parse_jsonld

ARTICLE = "article"
LISTING = "listing"
OTHER = "other"

LISTING_TYPES = {"collectionpage", "itemlist", "website", "searchresultspage", "profilepage", "person", "blog", "organization", "newsmediaorganization", "aboutpage", "contactpage"}
NOT_STORY_TYPES = {"aboutpage", "contactpage", "profilepage", "searchresultspage", "faqpage"}

_TYPE_RE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')


@dataclass
class PageClass:
    kind: str
    signals: dict = field(default_factory=dict)


def jsonld_types(tree) -> set[str]:
    """Lower-cased @type values of the page's own JSON-LD objects: top level, @graph members
    and mainEntity (not the items of a list, which a listing has too). Read with extraction's
    JSON-LD reader (lenient, bounded in size and depth); a regex reads the types of a block
    that does not parse."""
    types: set[str] = set()
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        stack: list = parse_jsonld(script)
        if not stack and len(script) <= MAX_JSONLD_CHARS:
            for match in _TYPE_RE.findall(script):
                types.update(t.lower() for t in re.findall(r'"([^"]+)"', match))
        seen = 0
        while stack and seen < 10_000:
            seen += 1
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                t = node.get("@type")
                for v in (t if isinstance(t, list) else [t]):
                    if isinstance(v, str):
                        types.add(v.lower().rsplit("/", 1)[-1])
                if "@graph" in node:
                    stack.append(node["@graph"])
                main = node.get("mainEntity") or node.get("mainEntityOfPage")
                if isinstance(main, dict):
                    stack.append(main)
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


def text_profile(tree, url: str, site_hints: dict | None = None, with_block: bool = False):
    """Runs of text outside the page chrome: paragraphs (<p>, or <div>/<td> text with <br>),
    and which container holds them. With `with_block`, also returns the container of the
    main block (or None)."""
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
        if href and href != url and url_shape(href, site_hints) == "article":
            story_links += 1
    # A story's paragraphs are siblings in one container; a listing's teasers sit one per card.
    main_block_chars = max(per_container.values(), default=0)
    profile = {"long_paragraphs": long_paragraphs, "paragraph_chars": paragraph_chars,
               "main_block_chars": main_block_chars, "story_links": story_links}
    if with_block:
        block = max(per_container, key=per_container.get) if per_container else None
        return profile, block
    return profile


# --- the page's own shape, without metadata -----------------------------------------------
HEADLINE_TAGS = ("h1", "h2", "h3", "b", "strong", "font", "span", "div", "td")
HEADLINE_CHARS = (12, 250)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _inside_link(el) -> bool:
    return el.tag == "a" or any(a.tag == "a" for a in el.iterancestors()) or next(el.iter("a"), None) is not None


def block_shape(block) -> dict:
    """What surrounds the main block of running text: a headline before or at its top that is
    not a link (a listing's titles are links), a date line near it, its link density, and
    whether it is one of several look-alike siblings (a listing's cards)."""
    if block is None:
        return {"headline": False, "date_line": False, "block_link_ratio": 1.0, "repeated_blocks": 0, "template": None}
    scope = block
    for _ in range(2):  # the headline and date line sit in the block or just above it
        parent = scope.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        scope = parent
    headline = False
    date_line = False
    seen = 0
    for el in scope.iter(*HEADLINE_TAGS):
        seen += 1
        if seen > 200:
            break
        if el.tag in ("span", "div", "td", "font"):
            marker = ((el.get("class") or "") + " " + (el.get("id") or "")).lower()
            if not (("title" in marker or "headline" in marker) or (el.tag == "font" and (el.get("size") or "") in ("4", "5", "6", "+1", "+2", "+3"))):
                continue
        text = _clean(el.text_content())
        if HEADLINE_CHARS[0] <= len(text) <= HEADLINE_CHARS[1] and not _inside_link(el):
            headline = True
            break
    for i, text in enumerate(scope.itertext()):
        if i > 80:
            break
        text = text.strip()
        if 6 <= len(text) <= 120 and looks_like_date_line(text):
            date_line = True
            break
    all_chars = len(_clean(block.text_content())) or 1
    link_chars = sum(len(_clean(a.text_content())) for a in block.iter("a"))
    repeated = 0
    card = block
    for _ in range(2):  # the card itself, or its row (<tr><td class=item>)
        parent = card.getparent()
        if parent is None:
            break
        repeated = max(repeated, sum(1 for sib in parent if sib is not card and sib.tag == card.tag
                                     and (sib.get("class") or "") == (card.get("class") or "")
                                     and next(sib.iter("a"), None) is not None))
        card = parent
    return {"headline": headline, "date_line": date_line, "block_link_ratio": round(link_chars / all_chars, 3),
            "repeated_blocks": repeated, "template": template_signature(block)}


def template_signature(block) -> str:
    """Where the main block sits in the page: tag and first class of it and its ancestors.
    A site's story pages share it; its listings and static pages mostly do not."""
    parts = []
    for el in [block, *block.iterancestors()]:
        if not isinstance(el.tag, str):
            continue
        cls = (el.get("class") or "").split()
        parts.append(el.tag + ("." + cls[0] if cls else ""))
    return ">".join(reversed(parts))[-300:]


def has_date_signal(tree) -> bool:
    return bool(
        _meta(tree, "article:published_time", "datePublished", "date", "pubdate", "publishdate", "dc.date", "DC.date.issued", "sailthru.date", "parsely-pub-date")
        or tree.xpath("//time[@datetime] | //*[@itemprop='datePublished']")
    )


def classify_page(page, url: str, site_hints: dict | None = None) -> PageClass:
    """The page's kind from its structured data, its shape and its URL; `site_hints` (a
    `SiteMemory.snapshot()`) adds what the crawl has learnt of the site. No metadata is
    needed: a story is one long block of running text under a headline."""
    tree = as_tree(page)
    types = jsonld_types(tree)
    og_type = (_meta(tree, "og:type") or "").lower()
    shape = url_shape(url, site_hints)
    learnt = pattern_kind(site_hints, url)
    profile, block = text_profile(tree, url, site_hints, with_block=True)
    signals = {"jsonld_types": sorted(types), "og_type": og_type, "url_shape": shape, **profile}
    # Enough running text in one container to be a story rather than a card of a listing.
    dense = profile["main_block_chars"] >= 600

    if types & NOT_STORY_TYPES and not types & ARTICLE_TYPES:
        return PageClass(OTHER if not profile["story_links"] >= 5 else LISTING, signals)
    # Page 2+ of a listing, unless the page is plainly one long text (a story URL that
    # carries its listing's ?page= parameter) or the site's stories have this URL shape (?p=N).
    if is_page_number_url(url) and profile["main_block_chars"] < 1500 and learnt != ARTICLE:
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
    # No metadata: the page's own shape. A headline that is not a link, a date line, and one
    # block of running text with few links that is not one card among look-alike cards.
    # (A one-line flash is enough when the site's stories have this URL shape.)
    if profile["main_block_chars"] >= (RUN_MIN_CHARS if learnt == ARTICLE else 150) and not types & LISTING_TYPES:
        shape_signals = block_shape(block)
        signals.update(shape_signals)
        own_block = shape_signals["block_link_ratio"] < 0.25 and shape_signals["repeated_blocks"] < 2
        if own_block and shape_signals["headline"] and learnt != LISTING:
            if dense and shape_signals["date_line"]:
                return PageClass(ARTICLE, signals)
            if profile["main_block_chars"] >= 300 and shape_signals["date_line"]:
                return PageClass(ARTICLE, signals)
            # Short stories (wire briefs): the site's habits vouch for them.
            if learnt == ARTICLE or template_is_story(site_hints, shape_signals["template"]):
                return PageClass(ARTICLE, signals)
    if profile["story_links"] >= 3 or types & LISTING_TYPES or shape == "listing":
        return PageClass(LISTING, signals)
    return PageClass(OTHER, signals)
