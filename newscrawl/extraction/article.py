"""(url, response headers, page bytes, fetch time) -> Article, uncleaned.

The page is decoded and parsed once; every field reads the same lxml tree (and the body
extractor gets it too). Per field the sources are tried best first:

- title, authors: the site profile's selector, structured data (JSON-LD of the story,
  OpenGraph and other meta, microdata), then the page (<h1>, bylines);
- date: machine-readable dates (JSON-LD, meta, microdata, <time datetime>) first, as they
  carry the time and offset, then the profile's visible date, the URL, visible date text;
- language: the profile's, else the markup's checked against the text.
No Scrapy, no network.
"""
from __future__ import annotations

import copy
import html as html_lib
import re
import time
import unicodedata
from datetime import datetime, timezone
from typing import Any, Mapping, Optional, Union
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from newscrawl import bylines
from newscrawl.cleaning.title import (SITE_TITLE_SUFFIXES, SiteTitleSuffixes, compact_name, site_name_keys,
                                      strip_site_name)
from newscrawl.urls import canonicalize_url, registrable_domain
from newscrawl.date_contract import apply_date_contract, site_timezone
from newscrawl.extraction import body as body_extractor
from newscrawl.text.dates import (ParsedDate, date_from_url, is_modified_label, not_in_future,
                                        parse_machine_date, parse_visible_date)
from newscrawl.text.decode import decode_html
from newscrawl.extraction.images import find_images
from newscrawl.extraction.legacy import fill_from_legacy, read_legacy_layout
from newscrawl.extraction.paywall import find_paywalled
from newscrawl.extraction.standfirst import find_summary
from newscrawl.extraction.language import choose_language, normalise as normalise_language
from newscrawl.extraction.profiles import find_profile, select
from newscrawl.extraction.structured import (PageData, collect, is_article, is_page, is_secondary, itemprop_value,
                                             microdata, resolve, strings, text_of)
from newscrawl.items import Article, article_id

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False)
# Every element proxy lxml.html makes (every tree walk here and in trafilatura) asks its class
# lookup, written in Python, which class to use; the C default lookup gives HtmlElement (no
# FormElement/InputElement for form controls: nothing here uses their form APIs) and saves
# ~5 % of extraction time.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "published_time", "published-date", "publish-date", "publish_date", "publishdate", "pubdate",
    "datepublished", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "dc.date",
    "dcterms.date", "sailthru.date", "parsely-pub-date", "citation_publication_date", "citation_date",
    "article.published", "date", "release_date", "originalpublicationdate", "og:updated_time_published",
    "uploaddate",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                 "dcterms.modified", "dc.date.modified", "last-modified", "article.updated", "lastmod")
AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl", "citation_author", "article.author", "author_name", "cxenseparse:author")
SOCIAL_TITLE_META = ("og:title", "twitter:title", "dc.title", "dcterms.title", "parsely-title", "sailthru.title")
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher", "dc.publisher",
                  "twitter:site")
BYLINE_XPATH = etree.XPath(
    "//*[@rel='author' or contains(@class,'author') or contains(@class,'byline') or contains(@class,'Author')"
    " or contains(@class,'Byline') or contains(@id,'author') or contains(@id,'byline')]"
    "[not(self::meta or self::link or self::script or self::style or self::body or self::html or self::article)]")
DATE_TEXT_XPATH = etree.XPath(
    "//*[contains(@class,'date') or contains(@class,'Date') or contains(@class,'time') or contains(@class,'Time')"
    " or contains(@class,'publish') or contains(@class,'posted') or contains(@class,'dateline')"
    " or contains(@id,'date') or contains(@id,'time') or contains(@class,'meta')]"
    "[not(self::meta or self::script or self::style or self::body or self::html)]")


def parse_html(text: str) -> Optional[HtmlElement]:
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return tree


def _fold(text: Optional[str]) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


_LINE_SPACES = re.compile(r"[^\S\u3000]+")  # U+3000 (ideographic space) belongs to CJK headlines


def _one_line(text: str) -> str:
    return _LINE_SPACES.sub(" ", text).strip()


def _text(el: HtmlElement) -> str:
    return _one_line(el.text_content())


class Page:
    """One parsed page and the structured data read from it, shared by every field."""

    def __init__(self, tree: HtmlElement, url: str, fetched_at: datetime, profiles: Optional[tuple] = None) -> None:
        self.tree, self.url, self.fetched_at = tree, url, fetched_at
        self.data: PageData = collect(tree)
        self.profile = find_profile(url, self.data.meta, profiles)
        self.selectors = (self.profile or {}).get("selectors", {})
        self.article_ld = self._pick_article()
        self.language_hint = normalise_language((self.profile or {}).get("language")) or normalise_language(
            self.data.html_lang)

    # --- JSON-LD -------------------------------------------------------------------------
    def _pick_article(self) -> dict:
        page_key = canonicalize_url(self.url)

        def names_this_page(obj: dict) -> bool:
            urls = [text_of(obj.get(k)) for k in ("url", "mainEntityOfPage", "@id")]
            return any(u and u.startswith("http") and canonicalize_url(u.split("#")[0]) == page_key for u in urls)

        candidates = [o for o in self.data.jsonld if is_article(o)]
        if not candidates:
            candidates = [o for o in self.data.jsonld if is_secondary(o) and names_this_page(o)]
        if not candidates:
            pages = [o for o in self.data.jsonld if is_page(o) and (o.get("headline") or o.get("datePublished"))]
            return pages[0] if pages else {}
        if len(candidates) == 1:
            return candidates[0]

        def score(obj: dict) -> tuple:
            fields = sum(1 for k in ("headline", "datePublished", "author", "articleBody") if obj.get(k))
            return (names_this_page(obj), fields)

        return max(candidates, key=score)

    def ld(self, key: str) -> Any:
        return resolve(self.article_ld.get(key), self.data) if self.article_ld else None

    def profile_elements(self, key: str) -> list[HtmlElement]:
        css = self.selectors.get(key)
        return select(self.tree, css) if css else []


# --- title -------------------------------------------------------------------------------

def _site_names(page: Page) -> list[str]:
    names = [(page.profile or {}).get("name")]
    publisher = page.ld("publisher")
    names.append(text_of(publisher) if publisher else None)
    names.extend(page.data.all(*SITE_NAME_META))
    domain = registrable_domain(page.url)
    names.append(domain)
    names.append(domain.split(".")[0])
    # an app-name meta that repeats the page's own title (some CMSs fill it per page) is no site name
    titles = {_fold(t) for t in (page.data.title_tag, page.data.first(*SOCIAL_TITLE_META)) if t}
    return [_fold(n).lstrip("@") for n in names if n and _fold(n) not in titles]


KICKER_CLASS = re.compile(r"kicker|overline|topline|dachzeile|roofline|eyebrow|supertitle|overhead|spitzmarke", re.I)


def _heading_text(h1: HtmlElement) -> str:
    """An <h1>'s text without a kicker (overline) inside it; parts joined by a space."""
    parts = []
    for node in h1.iter():
        if node is not h1 and KICKER_CLASS.search(node.get("class") or ""):
            continue
        if any(KICKER_CLASS.search(a.get("class") or "") for a in node.iterancestors() if a is not h1 and h1 in a.iterancestors()):
            continue
        if node.text:
            parts.append(node.text)
        if node is not h1 and node.tail:
            parts.append(node.tail)
    text = _one_line(" ".join(parts))
    return text.strip(" -–—|:")


def _strip_kicker(value: str, others: list[str]) -> str:
    """'Kicker: Headline' -> 'Headline' when another source gives 'Headline' alone."""
    folded = _fold(value)
    for other in others:
        other_folded = _fold(other)
        if other_folded and other_folded != folded and folded.endswith(other_folded):
            head = folded[: -len(other_folded)].rstrip()
            if head.endswith((":", " -", " –", " —")) and len(other_folded.split()) >= 3:
                return other
    return value


def extract_title(page: Page, suffixes: Optional[SiteTitleSuffixes] = None) -> Optional[str]:
    for el in page.profile_elements("title"):
        text = _text(el)
        if text:
            return text
    title = _headline(page)
    if suffixes is not None:
        # the suffix the site's <title>s share, learned from the site's pages seen so far
        site = urlsplit(page.url).netloc.lower().removeprefix("www.")
        suffixes.observe(site, page.data.title_tag)
        title = suffixes.strip(site, title)
    return title


def _headline(page: Page) -> Optional[str]:
    site_keys = site_name_keys(_site_names(page))

    def clean(value: Optional[str]) -> Optional[str]:
        if not value:
            return None
        value = strip_site_name(_one_line(html_lib.unescape(value)), site_keys)
        if not value or compact_name(value) in site_keys:
            return None  # the site's own name given as the title (a template default)
        return value

    ld = clean(text_of(page.ld("headline")) or text_of(page.ld("name")))
    if ld and ld.endswith(("...", "…")):
        ld = None  # truncated to the 110 characters search engines show
    og = clean(page.data.first(*SOCIAL_TITLE_META))
    tag = clean(page.data.title_tag)
    h1, h1_kicker = None, False
    for el in page.data.h1[:5]:
        text = _heading_text(el)
        if 3 <= len(text) <= 400 and compact_name(text) not in site_keys:  # not the logo
            h1 = text
            h1_kicker = _fold(text) != _fold(_text(el).strip(" -–—|:"))
            break
    if not (ld or og or h1 or tag):
        return None
    # Kickers are stripped against metadata sources, and against the <h1> only when the page
    # marks the kicker inside it as its own element: without that mark the kicker often
    # belongs to the headline.
    meta_titles = [c for c in (ld, og) if c] + ([h1] if h1 and h1_kicker else [])
    ld, og, tag = (_strip_kicker(c, meta_titles) if c else None for c in (ld, og, tag))
    if ld and og and _fold(ld) != _fold(og):
        if _letters(ld) == _letters(og):
            # one headline in two typographies (curly or straight quotes, a dash for a colon):
            # the form the <title> shows
            return og if tag and _fold(og) in _fold(tag) and _fold(ld) not in _fold(tag) else ld
        # The <title> carries the search-engine headline; the source that differs from it
        # is the editorial one.
        if tag and _fold(tag) == _fold(ld):
            return og
        return ld
    for candidate in (ld, og):
        if candidate:
            return candidate
    if h1 and tag and len(tag.split()) >= 4 and _overlap(h1, tag) < 0.3:
        # no metadata headline and an <h1> that is not the <title>'s (a headline-sized one):
        # a section heading or the site's chrome; the heading the <title> names, else the <title>
        headings = [_heading_text(e) for e in page.data.h1[:5]] + [_text(e) for e in page.tree.iter("h2")][:10]
        best = max(headings, key=lambda t: _overlap(t, tag), default="")
        return best if best and _overlap(best, tag) >= 0.6 else tag
    if h1:
        return h1
    return tag


def _letters(text: str) -> str:
    """The letters and digits of a text, folded: equal for two typographies of one headline."""
    return re.sub(r"[\W_]+", "", _fold(text))


def _overlap(a: str, b: str) -> float:
    """Share of a's words found in b."""
    wa, wb = re.findall(r"\w+", _fold(a)), set(re.findall(r"\w+", _fold(b)))
    return sum(1 for w in wa if w in wb) / len(wa) if wa else 0.0


# --- dates -------------------------------------------------------------------------------

def _first_date(values, fetched_at) -> Optional[ParsedDate]:
    for value in values:
        parsed = not_in_future(parse_machine_date(value), fetched_at) if isinstance(value, str) else None
        if parsed:
            return parsed
    return None


OFF_STORY_CLASS = re.compile(r"related|teaser|sidebar|widget|most-?read|popular|recommend|comment|footer|nav|"
                             r"breaking|ticker|more-?stories|latest", re.I)


def _in_story(el: HtmlElement) -> bool:
    """Not a teaser's date: outside links and related/sidebar/footer blocks."""
    for ancestor in el.iterancestors():
        if ancestor.tag in ("body", "html"):
            break  # <body class="has-sidebar ..."> says nothing about this element
        if ancestor.tag in ("a", "footer", "nav", "aside"):
            return False
        if OFF_STORY_CLASS.search(ancestor.get("class") or ""):
            return False
    return True


def _visible_date(page: Page, elements, language, in_story_only: bool = False) -> Optional[ParsedDate]:
    for el in elements:
        if in_story_only and not _in_story(el):
            continue
        value = itemprop_value(el) if el.get("datetime") or el.get("content") else None
        parsed = parse_machine_date(value) if value else None
        if parsed is None:
            text = _text(el)
            if not text or len(text) > 120 or is_modified_label(text):
                continue
            parsed = parse_visible_date(text, language, page.fetched_at)
        parsed = not_in_future(parsed, page.fetched_at)
        if parsed:
            return parsed
    return None


def extract_dates(page: Page) -> tuple[Optional[str], Optional[str]]:
    """(published, modified); where the published date was read is left in page.date_source."""
    fetched = page.fetched_at
    modified = _first_date([text_of(page.ld("dateModified"))] + page.data.all(*MODIFIED_META), fetched)
    language = normalise_language((page.profile or {}).get("date_locale")) or page.language_hint
    # Machine-readable dates first (exact, with offset), then the profile's visible date.
    published = _first_date([text_of(page.ld("datePublished")), text_of(page.ld("dateCreated"))], fetched)
    page.date_source = "structured"
    if published is None:
        published, page.date_source = _first_date(page.data.all(*PUBLISHED_META), fetched), "meta"
    if published is None and page.selectors.get("date"):
        published, page.date_source = _visible_date(page, page.profile_elements("date"), language), "visible"
    if published is None:
        page.date_source = "structured"
        props = microdata(page.tree, page.data)
        published = _first_date([itemprop_value(el) for el in props.get("datepublished", [])], fetched)
    if published is None:
        times = page.data.times
        preferred = [t for t in times if t.get("pubdate") is not None or "publish" in (t.get("class") or "").lower()]
        in_story = [t for t in times if t.get("datetime") and _in_story(t)]  # not a teaser's <time>
        published = _first_date([t.get("datetime") for t in preferred + in_story if t.get("datetime")], fetched)
    if published is None:
        # What the page shows first; the URL's date is the fallback when it shows none, and
        # the check on a visible date read from the wrong place (a teaser's, a day apart or more).
        in_url = not_in_future(date_from_url(page.url), fetched)
        published, page.date_source = _visible_date(page, DATE_TEXT_XPATH(page.tree)[:30], language, in_story_only=True), "visible"
        if in_url is not None and (published is None or abs((published.value.date() - in_url.value.date()).days) > 1):
            published, page.date_source = in_url, "url"
    if published is None and modified is not None:
        published, page.date_source = modified, "structured" if text_of(page.ld("dateModified")) else "meta"  # the page gives no publication date: its last revision is the best known
    # Same moment given with and without offset: keep the offset.
    if published is not None and published.value.tzinfo is None and published.has_time:
        for value in page.data.all(*PUBLISHED_META):
            other = parse_machine_date(value)
            if other and other.value.tzinfo and other.value.replace(tzinfo=None) == published.value:
                published = other
                break
    return (published.iso() if published else None, modified.iso() if modified else None)


# --- authors -----------------------------------------------------------------------------

def _microdata_authors(page: Page) -> list[str]:
    """itemprop=author inside the page's first article-typed itemscope (not in teasers)."""
    props = microdata(page.tree, page.data)
    names: list[str] = []
    first_scope = None
    for el in props.get("author", [])[:20]:
        scope = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
        itemtype = (scope.get("itemtype") or "").lower() if scope is not None else ""
        if scope is not None and not any(k in itemtype for k in ("article", "posting", "report")):
            continue
        if first_scope is None:
            first_scope = scope
        elif scope is not first_scope:
            continue
        inner = [e for e in el.iter() if e is not el and (e.get("itemprop") or "").lower() == "name"]
        text = itemprop_value(inner[0]) if inner else _text(el)
        if text and len(text) < 120:
            names.extend(bylines.split_names(text))
    return names


def _byline_text(el: HtmlElement) -> str:
    """A byline element's words, without the links to section pages it holds (a category
    link beside the author's name)."""
    links = [a for a in el.iter("a") if bylines.is_section_link(a.get("href"))]
    if el in links:
        return ""
    if links:
        el = copy.deepcopy(el)
        for a in [a for a in el.iter("a") if bylines.is_section_link(a.get("href"))]:
            a.drop_tree()
    return " ".join(" ".join(el.itertext()).split())  # "Von<span>Name</span>": keep the words apart


_AUTHOR_LINKS = etree.XPath(".//a[@rel='author']")


def _name_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", _fold(name))


def _with_cobylines(page: Page, names: list[str]) -> list[str]:
    """The structured data's authors, and the co-authors the visible byline adds: the author
    links (rel=author) grouped with one of the known names' link, when the group names every
    known author ("Ingrid Treborg" beside "Marlene Lundberg Holm", whom alone the JSON-LD names)."""
    known = {_name_key(n) for n in names}
    for link in _AUTHOR_LINKS(page.tree):
        if _name_key(_text(link)) not in known:
            continue
        for level, group in enumerate(link.iterancestors()):
            links = _AUTHOR_LINKS(group)
            if level >= 4 or group.tag in ("body", "html", "article", "main") or len(links) > 6:
                return names
            if len(links) > 1:
                if len(_text(group)) > 300:
                    return names  # a list of stories, not a byline
                found = [n for a in links for n in bylines.split_names(_text(a)) if bylines.looks_like_name(n)]
                if known <= {_name_key(n) for n in found}:
                    return bylines.dedupe(found)
                return names
        return names
    return names


def _byline_authors(page: Page) -> list[str]:
    for el in BYLINE_XPATH(page.tree)[:12]:
        classes = (el.get("class") or "").lower()
        if "comment" in classes or "quote" in classes:
            continue
        text = _byline_text(el)
        if not text or len(text) > 150:
            continue
        names = bylines.split_names(text)
        # a button or link caught by an "author" class ("Themen bearbeiten"), a fact check's
        # "The Russian and Syrian defense ministries": words that read as no names
        if names and all(bylines.looks_like_name(n) or bylines.is_organisation(n) for n in names):
            return names
    return []


def extract_authors(page: Page) -> tuple[list[str], list[str]]:
    """(people, organisations) named as the story's authors. Authors are people: JSON-LD
    Organization entries, the site's own names (og:site_name, publisher, domain), news
    agencies and names made with an organisation word go to the second list (the caller
    puts them in `credit`), UI strings caught with a byline are dropped."""
    sites = _site_names(page)
    orgs: list[str] = []

    def people(found: list[str]) -> list[str]:
        persons, organisations = bylines.people_and_organisations(found, sites)
        orgs.extend(organisations)
        return bylines.dedupe(persons)

    def result(names: list[str]) -> tuple[list[str], list[str]]:
        return names, bylines.dedupe(orgs)

    names = people([n for el in page.profile_elements("authors") for n in bylines.split_names(_text(el))])
    if names:
        return result(names)
    if page.article_ld:
        for key in ("author", "creator"):
            value = page.article_ld.get(key)
            if value:
                found, ld_orgs = bylines.from_jsonld(value, lambda v: resolve(v, page.data))
                orgs.extend(o for o in ld_orgs if not bylines.is_ui_string(o))
                names = people([n for n in found if n not in ld_orgs])
                if names or found:
                    break
    if names:
        return result(_with_cobylines(page, names))
    for key in AUTHOR_META:
        found = []
        for value in page.data.all(key):
            if value.startswith(("http://", "https://", "/")):
                continue
            parts = bylines.split_names(value)
            if re.search(r"\w\.[a-z]{2,4}\b", value):
                orgs.extend(parts[:1])  # "mdr.de", "hessenschau.de, Frankfurt, Germany": the publisher
                continue
            found.extend(parts)
        names = people(found)
        if names:
            return result(names)
    names = people(_microdata_authors(page))
    if names:
        return result(names)
    # A visible byline is what readers see
    names = people(_byline_authors(page))
    if not names:
        names = people(_labelled_byline(page))
    return result(names)


def credit_from_organisations(orgs: list[str], page_sites: list[str]) -> Optional[str]:
    """The organisations named as authors, for `credit`: not the site's own name given alone
    (that is the story's `source`), nor a domain."""
    keys = {re.sub(r"[\W_]+", "", n) for n in page_sites}
    kept = [o for o in orgs if re.sub(r"[\W_]+", "", _fold(o)) not in keys and not bylines.is_domain_like(o)]
    return "; ".join(bylines.dedupe(kept)) or None


def _labelled_byline(page: Page) -> list[str]:
    """A byline written as a line of text in no byline markup: "بقلم: فلان", "Autorin/Autor
    Roman Goncharenko", "(责编：牛镛、岳弘彬)"; not in teasers, comments, footers."""
    for el in page.tree.iter("p", "span", "div", "li", "strong", "b", "address"):
        text = " ".join(" ".join(el.itertext()).split())
        if not text or len(text) > 160:
            continue
        names = bylines.read_byline(text)
        if names and _in_story(el) and not _in_teaser(el):
            return names
    return []


_LINKED_HEADING = etree.XPath(".//a[.//h2 or .//h3 or .//h4 or .//h5] | .//h2//a | .//h3//a | .//h4//a | .//h5//a")


def _in_teaser(el: HtmlElement, depth: int = 3) -> bool:
    """Part of a teaser card: one of the element's nearest ancestors holds a linked heading
    (another story's title), as a teaser's "Von Jane Doe" does."""
    for level, ancestor in enumerate(el.iterancestors()):
        if level >= depth or ancestor.tag in ("body", "html"):
            break
        if _LINKED_HEADING(ancestor):
            return True
    return False


# --- source, canonical, section, tags, image ------------------------------------------------

def extract_source(page: Page, domain: str) -> str:
    if page.profile and not page.profile.get("hint_only"):
        return page.profile["name"]
    publisher = page.ld("publisher")
    if isinstance(publisher, list):
        publisher = resolve(publisher[0], page.data) if publisher else None
    name = text_of(publisher.get("name")) if isinstance(publisher, dict) else None
    if not name:
        for obj in page.data.jsonld:
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in ("newsmediaorganization", "organization") for t in types):
                name = text_of(obj.get("name"))
                if name:
                    break
    name = name or page.data.first("og:site_name", "application-name", "dc.publisher", "publisher")
    if name and not name.startswith(("http://", "https://")):
        return " ".join(name.split())
    return domain


def extract_canonical(page: Page) -> str:
    own_site = registrable_domain(page.url)
    page_path = urlsplit(page.url).path.rstrip("/")
    for href in page.data.links.get("canonical", []) + page.data.all("og:url"):
        absolute = _absolute(page.url, href)
        try:
            if not absolute or registrable_domain(absolute) != own_site:
                continue
            if page_path and not urlsplit(absolute).path.rstrip("/"):
                continue  # a story whose canonical is the home page: a template error
            return canonicalize_url(absolute)
        except ValueError:  # a malformed URL in the markup ("//[")
            continue
    return canonicalize_url(page.url)


def _absolute(base: str, href: str) -> Optional[str]:
    """href resolved against base; None when it is not a well-formed http(s) URL."""
    try:
        absolute = urljoin(base, href.strip())
        urlsplit(absolute).port  # raises on a malformed host or port
    except ValueError:
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


def extract_section(page: Page) -> Optional[str]:
    section = text_of(page.ld("articleSection")) or page.data.first("article:section", "parsely-section",
                                                                     "section", "og:section", "category")
    return " ".join(section.split()) if section else None


def extract_tags(page: Page) -> list[str]:
    tags = page.data.all("article:tag", "og:article:tag", "parsely-tags", "sailthru.tags", "news_keywords")
    keywords = page.ld("keywords")
    if not tags and keywords:
        tags = keywords if isinstance(keywords, list) else [keywords]
        tags = strings(tags)
    out, seen = [], set()
    for raw in tags:
        for tag in re.split(r"\s*[,;]\s*", raw) if ("," in raw or ";" in raw) else [raw]:
            tag = " ".join(tag.split())
            if tag and len(tag) <= 80 and _fold(tag) not in seen:
                seen.add(_fold(tag))
                out.append(tag)
    return out[:50]


def extract_image(page: Page) -> Optional[str]:
    image = page.data.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
    if not image:
        value = page.ld("image")
        if isinstance(value, list):
            value = value[0] if value else None
        value = resolve(value, page.data)
        image = text_of(value.get("url") or value.get("contentUrl")) if isinstance(value, dict) else text_of(value)
    if not image:
        return None
    return _absolute(page.url, image)


def _related(tree: HtmlElement, url: str) -> list[str]:
    from newscrawl.discovery.links import find_related_links

    return find_related_links(tree, url)


# --- the whole page ----------------------------------------------------------------------

def extract_article(
    html: Union[bytes, str, HtmlElement],
    url: str,
    headers: Optional[Mapping[str, str]] = None,
    fetched_at: Optional[datetime] = None,
    profiles: Optional[tuple] = None,
    timings: Optional[dict] = None,
    hints: Any = None,
    provenance: Optional[dict] = None,
    title_suffixes: Optional[SiteTitleSuffixes] = None,
) -> Article:
    """`html`: the page bytes (decoded here), its text, or its lxml.html tree when the caller
    has parsed it already (a spider that classified the page): the page is never parsed twice.
    `profiles`: the site profiles to choose from (default: the bundled newscrawl/sites/*.toml).
    `timings`: when a dict is given, seconds spent per stage are added to it (for benchmarks).
    `hints`: newscrawl.page.PageHints: a feed's title and date and the site list's language
    fill what the page itself does not give.
    `provenance`: when a dict is given, where `summary` and `paywalled` came from is put in it
    (keys "summary", "paywalled"; values such as "element", "jsonld", "meta", or None).
    `title_suffixes`: where the suffix each site's <title>s share is learned and looked up
    (default: one per process, SITE_TITLE_SUFFIXES, so a crawl learns it as it goes)."""
    clock = _Stopwatch(timings)
    fetched_at = fetched_at or datetime.now(timezone.utc)
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=timezone.utc)
    domain = registrable_domain(url)
    article = Article(url=url, domain=domain,
                      fetched_at=fetched_at.astimezone(timezone.utc).isoformat(timespec="seconds"))
    tree = html if isinstance(html, HtmlElement) else parse_html(decode_html(html, headers))
    clock.lap("parse")
    if tree is None:
        article.canonical_url = canonicalize_url(url)
        article.id = article_id(article.canonical_url)
        article.source = domain
        return article
    page = Page(tree, url, fetched_at, profiles)
    article.canonical_url = extract_canonical(page)
    article.id = article_id(article.canonical_url)
    article.title = extract_title(page, SITE_TITLE_SUFFIXES if title_suffixes is None else title_suffixes)
    article.date, article.date_modified = extract_dates(page)
    article.date_source = page.date_source if article.date else None
    article.authors, organisations = extract_authors(page)
    article.credit = credit_from_organisations(organisations, _site_names(page))
    article.source = extract_source(page, domain)
    article.section = extract_section(page)
    article.tags = extract_tags(page)
    article.image = extract_image(page)
    clock.lap("metadata")
    article.related_urls = _related(tree, url)  # before the body extractor, in case it prunes the tree
    legacy = read_legacy_layout(tree, url) if not page.data.jsonld else None  # table/<br> pages
    if legacy:
        fill_from_legacy(article, legacy, fetched_at, machine_date=bool(page.data.all(*PUBLISHED_META)))
    clock.lap("related links")
    article.images = find_images(tree, url, article.image, page.ld("image"), page.data.first("og:image:alt"),
                                 article.title, lambda value: resolve(value, page.data))
    clock.lap("images")
    jsonld_body = text_of(page.ld("articleBody"))
    left_out: list[str] = []  # the standfirst the body extractor leaves out of the body
    paragraphs, body_source = body_extractor.extract_body_with_source(
        tree, url, title=article.title, jsonld_body=jsonld_body, profile=page.profile, standfirst=left_out)
    article.body = "\n\n".join(p for p in paragraphs if p and p.strip()) or None
    if legacy and legacy.body:
        article.body = legacy.body
        body_source = "legacy"
    # which body candidate won (body.extract_body_with_source): an attribute, not an export field
    article.body_source = body_source
    clock.lap("body")
    summary = find_summary(tree, article.title, article.body, text_of(page.ld("description")),
                           "\n\n".join(left_out) or None)
    article.summary = summary.text
    article.paywalled, paywall_source = find_paywalled(tree, page.article_ld, page.data.jsonld)
    if provenance is not None:
        provenance.update(summary=summary.source, paywalled=paywall_source)
    clock.lap("summary, paywall")
    markup_languages = [text_of(page.ld("inLanguage")), page.data.html_lang,
                        page.data.first("content-language", "dc.language", "language", "og:locale")]
    sample = " ".join(filter(None, [article.title, (article.body or "")[:1000]]))  # enough for the detector
    if page.profile and page.profile.get("language") and not page.profile.get("hint_only"):
        article.language = normalise_language(page.profile["language"])
    else:
        article.language = choose_language(markup_languages, sample)
    clock.lap("language")
    if hints is not None:
        dated = bool(article.date)
        _apply_hints(article, hints)
        if article.date and not dated:
            article.date_source = getattr(hints, "listed_from", None)  # the feed or sitemap entry's date
    # The export's date contract (full UTC timestamp, precision, source), once per Article.
    return apply_date_contract(article, site_timezone((page.profile or {}).get("timezone")))


def _apply_hints(article: Article, hints: Any) -> None:
    """What the crawl knew before fetching fills only what the page left empty."""
    from newscrawl.text.dates import listed_date_text

    if not article.title and getattr(hints, "listed_title", None):
        article.title = hints.listed_title
    if not article.date and getattr(hints, "listed_date", None):
        article.date = listed_date_text(hints.listed_date)
    if not article.language and getattr(hints, "language", None):
        article.language = normalise_language(hints.language)


class _Stopwatch:
    def __init__(self, timings: Optional[dict]) -> None:
        self.timings = timings
        self.last = time.perf_counter() if timings is not None else 0.0

    def lap(self, stage: str) -> None:
        if self.timings is None:
            return
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now
