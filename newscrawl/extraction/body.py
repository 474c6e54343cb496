"""Generic body extractor: page tree -> the story's paragraphs.

Contract: extract_body(tree, url, title=None, jsonld_body=None, profile=None) -> list[str]
  tree        lxml.html.HtmlElement of the whole page (parsed once by extraction/article.py;
              not modified here: other fields are read from it too)
  url         the page URL
  title       the headline already extracted (kept out of the body)
  jsonld_body JSON-LD articleBody when the page gives one, else None
  profile     dict of the site profile or None (keys used: ``body``, ``remove``: CSS selectors)
Returns the paragraphs of the story, in order, without the headline and the standfirst.

How:
1. A site profile with body selectors wins when its selectors find text.
2. Otherwise trafilatura finds the main content, in precision mode, on its own copy of the
   tree, pruned first of comments, scripts, styles, media, page header, navigation, footers,
   captions and form controls (comment nodes derail its scoring; the rest only costs time).
   When that keeps little of the page's running text, its balanced mode is tried too; when
   it refuses the page, the page's longer paragraphs are taken. Its XML output is read
   block by block (paragraphs, headings, list items, quotes, table rows; two line breaks end
   a paragraph) with the share of link text.
3. Blocks that are not story text go: the headline and what sits above it (kicker, section,
   date), the standfirst when the markup marks it as one (lead, intro, standfirst, subtitle
   ... classes, a paragraph wholly in bold, a heading repeating the meta description), a
   key-points list above the story, link-only items and lines (related stories), date
   stamps and service lines from the lexicons' `[extraction]` tables
   (newscrawl/text/lexicons/<lang>.toml). Byline and credit lines stay: cleaning moves them
   into `authors` and `credit` (newscrawl/bylines reads them).
4. JSON-LD articleBody, where the page gives the full text, is a second opinion: it filters
   the candidate's blocks when it covers them (subheadings between kept paragraphs stay),
   and replaces the candidate when the candidate is a clearly shorter part of it.
"""
from __future__ import annotations

import re
import unicodedata
from copy import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Optional

from lxml import etree
from lxml.html import HtmlElement

import trafilatura
from trafilatura.xml import delete_element

from newscrawl.text.lexicons import words_for

_WORD = re.compile(r"\w+")
_WS = re.compile(r"\s+")
_SPACE = re.compile(r"[^\S\n]+")  # whitespace but newlines
_PARA_BREAK = re.compile(r"\n[^\S\n]*\n\s*")

# precision mode first; the balanced mode when the precision output is below this share of
# the page's running text, kept when it is this many times longer
# a second (generic, balanced-mode) run when the precise body is below this share of the page's
# running text; the generic body wins when it is this many times longer
_SECOND_SHARE = 0.5
_GENERIC_GAIN = 2.0
# when neither trafilatura run keeps this share of the page's running text, the page's longer
# paragraphs are a third candidate
_FALLBACK_SHARE = 0.25
_FEW_WORDS = 50  # a body this short is no story to agree with
# precision mode runs first without trafilatura's fallback comparison; in full when that keeps
# fewer characters than this, or less than this share of the page's running text
# a precise body under this share of the page's running text: look for its continuation
# in repeated boxes (up to _CONTINUE_DEPTH ancestors up from its last paragraph)
_CONTINUE_SHARE = 0.6
_CONTINUE_DEPTH = 4
_FAST_MIN_CHARS = 1500
_FAST_SHARE = 0.4
# at most this many generic blocks are put back between two consecutive precise ones
_MAX_GAP = 3
ALWAYS_SECOND_OPINION = bool(__import__("os").environ.get("NC_ALWAYS"))  # experiment only


@dataclass
class Block:
    kind: str  # p, head, item, quote, row, other
    text: str
    link_share: float = 0.0  # share of the text inside links
    rend: str = ""
    _toks: Optional[list] = None

    @property
    def toks(self) -> list[str]:
        if self._toks is None:
            self._toks = _tokens(self.text)
        return self._toks


# --------------------------------------------------------------------------- data


@lru_cache(maxsize=1)
def _marker_re() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in words_for("extraction", "drop_blocks")), re.IGNORECASE)


def _word_prefix_re(name: str) -> re.Pattern:
    words = sorted(words_for("extraction", name), key=len, reverse=True)
    return re.compile(r"(?:%s)\b\W*" % "|".join(re.escape(w) for w in words), re.IGNORECASE)


@lru_cache(maxsize=1)
def _stamp_re() -> re.Pattern:
    return _word_prefix_re("stamp_words")


def _is_marker_line(text: str) -> bool:
    return _marker_re().fullmatch(text) is not None


_DIGIT = re.compile(r"\d")


def _is_stamp_line(text: str) -> bool:
    """A date / time / duration line ("18.05.2026", "Updated 15.59 | Published 14.14")."""
    if len(text) > 80 or "\n" in text or not _DIGIT.search(text) or len(_tokens(text)) > 8:
        return False
    alnum = sum(1 for c in text if c.isalnum())
    digits = len(_DIGIT.findall(text))
    return digits >= 0.4 * alnum or _stamp_re().match(text) is not None


# --------------------------------------------------------------------------- helpers


def _norm(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _shingles(text: str, n: int = 4) -> set:
    toks = _tokens(text)
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


@lru_cache(maxsize=4)
def _article_body_shingles(text: str) -> frozenset:
    """The articleBody's shingles, computed once per page (read by two steps)."""
    return frozenset(_shingles(text))


def _share_in(text: str, reference: set) -> float:
    sh = _shingles(text)
    if not sh:
        return 0.0
    return len(sh & reference) / len(sh)


# --------------------------------------------------------------------------- blocks


_NESTED_BLOCKS = {"p", "head", "quote", "list", "item", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
                  "blockquote"}


def _text_and_links(elem: etree._Element) -> tuple[str, int]:
    """Text of a trafilatura output element with <lb/> as newlines; chars inside <ref>."""
    parts: list[str] = []
    linked = 0

    def walk(e: etree._Element, in_link: bool) -> None:
        nonlocal linked
        if e.tag == "lb":
            parts.append("\n")
        elif e.text:
            parts.append(e.text)
            if in_link or e.tag == "ref":
                linked += len(e.text.strip())
        for child in e:
            block = child.tag in _NESTED_BLOCKS
            if block:  # a quote's paragraphs stay paragraphs, not one run of text
                parts.append("\n\n")
            walk(child, in_link or e.tag == "ref")
            if block:
                parts.append("\n\n")
            if child.tail:
                parts.append(child.tail)
                if in_link or e.tag == "ref":
                    linked += len(child.tail.strip())

    walk(elem, False)
    # one <lb/> is a line break inside the paragraph, two or more end the paragraph
    paragraphs = []
    for chunk in _PARA_BREAK.split("".join(parts)):
        lines = [_SPACE.sub(" ", line).strip() for line in chunk.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs), linked


_PARA_TAGS = {"p": "p", "code": "p", "pre": "p", "quote": "quote", "blockquote": "quote",
              "head": "head", "h1": "head", "h2": "head", "h3": "head", "h4": "head", "h5": "head",
              "h6": "head", "item": "item", "li": "item", "dt": "item", "dd": "item"}
_SKIP_TAGS = {"graphic", "img", "figure", "script", "style", "noscript"}
_INLINE_TAGS = {"hi", "ref", "a", "span", "b", "i", "em", "strong", "u", "sub", "sup", "code", "del", "ins"}


def _blocks_from_xml(body: etree._Element) -> list[Block]:
    """Blocks of trafilatura's output tree (its XML, or HTML from its fallbacks)."""
    blocks: list[Block] = []

    def add(kind: str, elem: etree._Element, rend: str = "") -> None:
        text, linked = _text_and_links(elem)
        if text:
            plain = len(text.replace("\n", "").replace(" ", "")) or 1
            share = min(1.0, linked / plain)
            for para in text.split("\n\n"):
                blocks.append(Block(kind, para, share, rend))

    def walk(container: etree._Element) -> None:
        # text standing directly in a container, with its inline elements (links, bold ...),
        # is one line up to the next line break or block: a sentence linking a ticker symbol
        # stays one line
        run: list[str] = []
        linked = 0

        def flush() -> None:
            nonlocal linked
            text = _WS.sub(" ", "".join(run)).strip()
            if text:
                plain = len(text.replace(" ", "")) or 1
                blocks.append(Block("other", text, min(1.0, linked / plain)))
            run.clear()
            linked = 0

        run.append(container.text or "")
        for elem in container:
            tag = elem.tag if isinstance(elem.tag, str) else ""
            if tag in _SKIP_TAGS or not tag:
                pass
            elif tag in ("lb", "br"):
                flush()
            elif tag in _INLINE_TAGS and not any(c.tag in ("lb", "br", "list", "p", "head") for c in elem.iter()):
                text = "".join(elem.itertext())
                run.append(text)
                if tag in ("ref", "a"):
                    linked += len(text.replace(" ", ""))
                else:
                    linked += sum(len("".join(r.itertext()).replace(" ", "")) for r in elem.iter("ref", "a"))
            elif tag in ("table",):
                flush()
                for row in elem.iter("row", "tr"):
                    cells = [_text_and_links(c)[0] for c in row if c.tag in ("cell", "td", "th")]
                    text = " ".join(c for c in cells if c)
                    if text:
                        blocks.append(Block("row", text))
            elif tag in _PARA_TAGS:
                flush()
                if tag in ("item", "li") and any(c.tag in ("list", "ul", "ol", "p") for c in elem):
                    walk(elem)  # an item that holds a list or paragraphs
                else:
                    add(_PARA_TAGS[tag], elem, elem.get("class", "") or elem.get("rend", ""))
            else:
                flush()
                walk(elem)  # list, div, section, ...
            run.append(elem.tail or "")
        flush()

    walk(body)
    return blocks


# --------------------------------------------------------------------------- filters


_DESCRIPTION_KEYS = {"description", "og:description", "twitter:description"}


def _meta_descriptions(tree: HtmlElement) -> list[str]:
    out: list[str] = []
    head = tree.find("head")
    if head is None:
        return out
    for meta in head.iter("meta"):
        if (meta.get("name") or meta.get("property") or "").lower() not in _DESCRIPTION_KEYS:
            continue
        value = _norm(meta.get("content") or "")
        if value and value not in out:
            out.append(value)
    return out


def _is_label_link(block: Block) -> bool:
    """A short "Label: <link>" line ("Tag: example.com", "Related Roundup: <a>…</a>")."""
    return block.link_share >= 0.4 and len(block.text) < 100 and _LABEL_LINK.match(block.text) is not None


def _is_link_line(block: Block) -> bool:
    """A list item or a line that is (almost) all link text: a related-story teaser."""
    if block.kind in ("item", "head", "other"):
        return block.link_share >= 0.8
    return block.link_share >= 0.95 and len(block.text) < 200


_LEAD_TOKENS = {
    "lead", "leadtext", "intro", "introduction", "standfirst", "subtitle", "subline", "subhead",
    "subheader", "subheadline", "summary", "excerpt", "teaser", "preface", "vorspann", "dek",
    "deck", "abstract", "description", "strapline", "header", "head", "headline", "hero", "bold",
}
_NOT_LEAD_TOKENS = {"caption", "figcaption", "body", "content", "text", "paragraph"}
_CLASS_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "header",
               "blockquote", "figure", "article", "main", "body", "td", "dd", "dt", "aside", "footer"}
_BOLD_TAGS = {"strong", "b"}


def _class_tokens(elem: HtmlElement) -> set:
    cls = (elem.get("class") or "") + " " + (elem.get("id") or "")
    return {t.lower() for t in _CLASS_SPLIT.split(cls) if t}


def _block_of(elem: HtmlElement) -> HtmlElement:
    while elem.tag not in _BLOCK_TAGS and elem.getparent() is not None:
        elem = elem.getparent()
    return elem


_TEXT_STARTING = etree.XPath("//text()[starts-with(normalize-space(.), $key)]")


def _node_block(node) -> HtmlElement:
    elem = node.getparent()
    if node.is_tail and elem.getparent() is not None:
        elem = elem.getparent()
    return _block_of(elem)


def _source_element(tree: HtmlElement, text: str) -> Optional[HtmlElement]:
    """The page block element a block of extracted text came from: the first text node that
    starts with the block's first characters, else (no-break spaces, a short bold dateline
    as the first text node, ...) a slower walk that also checks short leading nodes."""
    key = _norm(text)[:30]
    if len(key) < 12:
        return None
    try:
        for node in _TEXT_STARTING(tree, key=key):
            return _node_block(node)
    except ValueError:  # a control character in the text: lxml refuses it as an XPath value
        pass
    first = key[:1]
    for elem in tree.iter():
        t = elem.text
        if not t or t.lstrip()[:1] != first:
            continue
        nt = _norm(t)
        if nt.startswith(key):
            return _block_of(elem)
        if len(nt) >= 3 and key.startswith(nt):
            block = _block_of(elem)
            if _norm(block.text_content()).startswith(key):
                return block
    return None


# "دمشق، سوريا (CNN) --", "WASHINGTON (AP) —", "BERLIN -- ": a story's first paragraph opens
# with a dateline, a standfirst does not (some sites set that first paragraph in bold)
_DATELINE = re.compile(r"^[^\W\d][^\s.!?()]*(?:[\s,،][^\s.!?()]+){0,3}\s*"
                       r"(?:\([^()]{1,30}\)\s*(?:--|[-–—:])?|\s(?:--|[-–—]))\s", re.U)


def _is_bold_paragraph(elem: HtmlElement) -> bool:
    """A paragraph set entirely in bold: how many sites mark their standfirst."""
    if elem.tag != "p":
        return False
    full = len(_norm(elem.text_content()))
    bold = sum(len(_norm(c.text_content())) for c in elem.iter(*_BOLD_TAGS))
    return full > 0 and bold >= 0.9 * full


def _lead_container(tree: HtmlElement, block: Block, desc_shingles: set, total: int) -> tuple[Optional[HtmlElement], bool]:
    """The element holding the headline's standfirst (lead) when this leading block is one.

    A paragraph that only repeats the meta description is often the story's first paragraph,
    so the markup decides: a lead-like class on the element or a close ancestor (lead,
    intro, standfirst, subtitle, header ...), or a heading that repeats the description."""
    elem = _source_element(tree, block.text)
    rend = {t.lower() for t in _CLASS_SPLIT.split(block.rend) if t}
    if rend & _LEAD_TOKENS and not rend & {"caption", "figcaption"}:
        # trafilatura kept the paragraph's own lead-like class
        return (elem if elem is not None else etree.Element("p")), True
    if elem is None:
        return None, False
    if _is_bold_paragraph(elem) and not _DATELINE.match(block.text):
        return elem, True
    chain = [elem] + [a for _, a in zip(range(3), elem.iterancestors())]
    for e in chain:
        if e.tag in ("article", "main", "body"):
            break
        toks = _class_tokens(e)
        if e.tag == "header" or toks & _LEAD_TOKENS:
            # a wrapper holding much of the story is no standfirst
            return (e if len(e.text_content()) < 0.4 * total else None), False
        if toks & _NOT_LEAD_TOKENS:
            break
    if elem.tag in ("h2", "h3", "h4") and desc_shingles and _share_in(block.text, desc_shingles) >= 0.5:
        return elem, False
    return None, False


def _inside(tree: HtmlElement, block: Block, container: HtmlElement) -> bool:
    elem = _source_element(tree, block.text)
    return elem is not None and (elem is container or any(a is container for a in elem.iterancestors()))


def _same_kind_follows(tree: HtmlElement, lead: HtmlElement, following: Block) -> bool:
    """Does the next block sit in an element like the lead's (a body split in repeated boxes)?"""
    elem = _source_element(tree, following.text)
    if elem is None:
        return False
    sig = (lead.tag, lead.get("class"))
    return any((e.tag, e.get("class")) == sig for e in [elem, *list(elem.iterancestors())[:4]])


def _is_title(block: Block, title_key: Optional[list]) -> bool:
    if not title_key:
        return False
    toks = block.toks
    if toks == title_key:
        return True
    # a kicker run into the headline ("Topic" + "Headline") in one heading line
    n = len(title_key)
    return len(toks) <= n + 8 and toks[-n:] == title_key and block.kind in ("head", "p", "other")


def _is_title_like(block: Block, title_set: set) -> bool:
    """A heading line that is mostly the headline (kicker, site name or punctuation aside)."""
    toks = block.toks
    if not toks or not title_set:
        return False
    common = sum(1 for t in set(toks) if t in title_set)
    if common / len(title_set) >= 0.9 and len(toks) <= len(title_set) + 8:
        return True
    return common / len(set(toks)) >= 0.7 and common / len(title_set) >= 0.7


class _Kept(list):
    """Blocks kept by _drop_boilerplate, with the standfirst it left out (`.standfirst`)."""
    standfirst: list = []


_HEAD_ZONE = 4  # blocks from the top where headline, kicker, date and standfirst lines sit


def _drop_boilerplate(blocks: list[Block], title: Optional[str], tree: HtmlElement,
                      standfirst: Optional[list] = None) -> list[Block]:
    title_key = _tokens(title) if title else None
    kept: list[Block] = []
    dropped_lead: list[str] = []
    for block in blocks:
        if not block.toks:
            continue
        if _is_title(block, title_key):
            if len(kept) <= _HEAD_ZONE:  # the headline near the top: kicker, date, section above it go
                kept = [b for b in kept if len(b.toks) > 12]
            continue
        if _is_link_line(block):
            continue
        if len(block.text) <= 240:
            line = _norm(block.text)
            if _is_marker_line(line) or (block.kind != "row" and _is_stamp_line(block.text)):
                continue
        kept.append(block)
    # the head zone: headline variants, one-word labels above the story, the standfirst
    title_set = set(title_key or ())
    dropped = 0
    while kept and dropped < _HEAD_ZONE and (_is_title_like(kept[0], title_set) or len(kept[0].toks) <= 2):
        kept = kept[1:]
        dropped += 1
    if len(kept) > 2:
        descriptions = _meta_descriptions(tree)
        desc_shingles = set().union(*(_shingles(d) for d in descriptions)) if descriptions else set()
        lead, bold = _lead_container(tree, kept[0], desc_shingles, _text_len(kept))
        if lead is not None and (bold or not _same_kind_follows(tree, lead, kept[1])):
            first, kept = kept[0], kept[1:]
            left_out = [first.text]
            # a standfirst in bullet points
            while first.kind == "item" and len(kept) > 2 and kept[0].kind == "item" and _inside(tree, kept[0], lead):
                left_out.append(kept[0].text)
                kept = kept[1:]
            if standfirst is not None:
                standfirst.extend(left_out)  # the caller keeps it as the summary
            dropped_lead = left_out
    # "Label: <link>" lines after the story (tags, roundups); inside it they may be content
    while kept and _is_label_link(kept[-1]):
        kept = kept[:-1]
    # a list before any paragraph: the key points box above the story
    lead_items = 0
    while lead_items < len(kept) and kept[lead_items].kind == "item":
        lead_items += 1
    if lead_items and len(kept) - lead_items >= 3:
        kept = kept[lead_items:]
    result = _Kept(kept)
    result.standfirst = dropped_lead
    return result


_MARKUP_LINE = re.compile(r"^(\+\+\+|\{:|\[#|<\w+[ >/])")


def _jsonld_paragraphs(jsonld_body: str) -> list[str]:
    """articleBody lines as paragraphs, without the CMS markup some sites leave in it."""
    out = []
    for line in jsonld_body.splitlines():
        line = _norm(line)
        if line and not _MARKUP_LINE.match(line) and len(_tokens(line)) >= 1:
            out.append(line)
    return out


def _reconcile_jsonld(blocks: list[Block], jsonld_body: Optional[str]) -> tuple[list[str], bool]:
    """Use JSON-LD articleBody as a second opinion on the candidate paragraphs; True when
    the articleBody replaced them."""
    paras = [b.text for b in blocks]
    if not jsonld_body or len(_tokens(jsonld_body)) < 50 or not paras:
        return paras, False
    ref = _article_body_shingles(jsonld_body)
    cand = _shingles("\n".join(paras))
    if not cand or not ref:
        return paras, False
    inter = len(cand & ref)
    cand_in_ref = inter / len(cand)  # how much of the candidate the articleBody has
    ref_in_cand = inter / len(ref)  # how much of the articleBody the candidate has
    if ref_in_cand >= 0.9 and cand_in_ref >= 0.6:
        # the articleBody is the full text: keep the candidate's paragraphs it holds, and the
        # subheadings between them (articleBody often leaves headings out)
        inside = [_share_in(p, ref) >= 0.5 for p in paras]
        kept = [p for i, p in enumerate(paras)
                if inside[i] or (blocks[i].kind == "head" and any(inside[:i]) and any(inside[i + 1:i + 3]))]
        return kept or paras, False
    if cand_in_ref >= 0.95 and ref_in_cand < 0.8:
        # the candidate is a clearly shorter part of the articleBody: take the articleBody
        return _jsonld_paragraphs(jsonld_body), True
    if cand_in_ref < 0.2 and len(_tokens(jsonld_body)) >= 150 and len(cand) < 0.5 * len(ref):
        # a short candidate that is not in the story the page declares (an overlay's words,
        # a teaser box): the articleBody is the story
        return _jsonld_paragraphs(jsonld_body), True
    return paras, False


# --------------------------------------------------------------------------- profile


def _selectors(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value or [] if isinstance(v, str)]


def _select(tree: HtmlElement, css: str) -> list[HtmlElement]:
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(css)(tree)
    except Exception:  # a bad selector in a profile must not stop extraction
        return []


def _from_profile(tree: HtmlElement, profile: Mapping[str, Any]) -> list[str]:
    containers: list[HtmlElement] = []
    for sel in _selectors(profile.get("body")):
        containers.extend(_select(tree, sel))
    if not containers:
        return []
    removed: set = set()
    for sel in _selectors(profile.get("remove")):
        removed.update(_select(tree, sel))
    paras: list[str] = []
    block_tags = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
    for container in containers:
        found = False
        for elem in container.iter(*block_tags):
            found = True
            ancestors = []
            for a in elem.iterancestors():
                if a is container:
                    break
                ancestors.append(a)
            if elem in removed or any(a in removed for a in ancestors):
                continue
            if any(a.tag in block_tags for a in ancestors):
                continue  # nested block: its text is in the outer one
            text = _norm(elem.text_content())
            if text:
                paras.append(text)
        if not found and container not in removed:
            text = _norm(container.text_content())  # a container with bare text
            if text:
                paras.append(text)
    return paras


def _light_filter(paras: list[str], title: Optional[str]) -> list[str]:
    """Headline and service lines out of a profile's body (its selectors did the rest)."""
    title_key = _tokens(title) if title else None
    out = []
    for p in paras:
        if title_key and _tokens(p) == title_key:
            continue
        if len(p) <= 240 and _is_marker_line(p):
            continue
        out.append(p)
    return out


# --------------------------------------------------------------------------- main


# elements that never hold story text: pruned first from trafilatura's input
# (comment nodes derail its scoring; the rest only costs time in its whole-tree passes)
# (page header, navigation, footers and captions too; not <aside> or <form>: some sites wrap
# the whole story in them)
_STRIP_TAGS = ("script", "style", "svg", "noscript", "template", "iframe", "link", "meta", "head",
               "picture", "source", "video", "audio", "object", "embed", "canvas", "figcaption",
               "header", "nav", "footer", "button", "select", "input", "textarea", "option", "label")


def _pruned_copy(tree: HtmlElement, profile: Optional[Mapping[str, Any]]) -> Optional[HtmlElement]:
    """trafilatura's input: a copy of the page without _STRIP_TAGS and comments, then without
    the profile's ``remove`` selectors, each element's tail text kept. Made once per page and
    shared by its trafilatura runs (each works on its own copy of it): one walk of the tree
    instead of a 28-way XPath union per run. None when lxml refuses to move a tail (control
    characters): trafilatura refused such pages when it pruned them itself."""
    pruned = copy(tree)
    selectors: list = []
    if profile and profile.get("remove"):
        from cssselect import GenericTranslator

        for sel in _selectors(profile["remove"]):
            try:
                selectors.append(etree.XPath(GenericTranslator().css_to_xpath(sel)))
            except Exception:  # a bad selector in a profile must not stop extraction
                continue
    try:
        for elem in list(pruned.iter(etree.Comment, *_STRIP_TAGS)):  # document order, as the XPath gave
            delete_element(elem)
        for xpath in selectors:
            for elem in xpath(pruned):
                delete_element(elem)
    except ValueError:
        return None
    return pruned


def _trafilatura_blocks(pruned: Optional[HtmlElement], precision: bool, fast: bool = False) -> list[Block]:
    # `pruned`: _pruned_copy's tree, which trafilatura copies before it changes anything.
    # Given a tree (not a URL) and with images off it never fetches anything; links are kept
    # (for the link share), unresolved.
    # fast: without its comparison with its fallback extractors (a third of its time)
    if pruned is None:
        return []
    try:
        doc = trafilatura.bare_extraction(
            pruned, url=None, include_comments=False, include_tables=True, include_images=False,
            include_links=True, with_metadata=False, favor_precision=precision, fast=fast,
        )
    except Exception:  # trafilatura raises on odd trees (e.g. control characters)
        return []
    if doc is None or doc.body is None:
        return []
    return _blocks_from_xml(doc.body)


_NOT_RUNNING = {"script", "style", "noscript", "template", "svg", "head", "title", "textarea"}


def _text_mass(tree: HtmlElement) -> int:
    """Characters of the page's longer text runs (text nodes over 60 characters, in any
    element): the size of its running text, <p> or not."""
    total = 0
    for elem in tree.iter():
        if isinstance(elem.tag, str) and elem.tag not in _NOT_RUNNING and elem.text:
            n = len(elem.text.strip())
            if n > 60:
                total += n
        if elem.tail:
            n = len(elem.tail.strip())
            if n > 60:
                total += n
    return total


def _precise_blocks(pruned: Optional[HtmlElement], text_mass: int) -> list[Block]:
    """trafilatura's precision mode, first without its fallback comparison; run in full when
    that output looks short: under _FAST_MIN_CHARS, under _FAST_SHARE of the page's running
    text, or fewer than three paragraphs (where the fast run fails, it keeps a few lines)."""
    blocks = _trafilatura_blocks(pruned, precision=True, fast=True)
    size = _text_len(blocks)
    paragraphs = sum(1 for b in blocks if b.kind in ("p", "quote") and len(b.toks) >= 8)
    if size < _FAST_MIN_CHARS or paragraphs < 3 or size < _FAST_SHARE * text_mass:
        blocks = _trafilatura_blocks(pruned, precision=True)
    return blocks


def _paragraph_mass(tree: HtmlElement) -> int:
    """Characters of the page's longer <p> elements: a rough size of its running text."""
    total = 0
    for p in tree.iter("p"):
        n = len(p.text_content().strip())
        if n > 80:
            total += n
    return total


def _text_len(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OUTSIDE_STORY = {"nav", "footer", "header", "aside", "form", "figure", "figcaption"}


def _paragraph_blocks(tree: HtmlElement) -> list[Block]:
    """Rescue when trafilatura gives nothing (it refuses pages with control characters):
    the page's longer <p> elements outside navigation, header, footer and asides."""
    blocks = []
    for p in tree.iter("p"):
        if any(a.tag in _OUTSIDE_STORY for a in p.iterancestors()):
            continue
        text = _norm(_CONTROL.sub("", p.text_content()))
        if len(_tokens(text)) >= 8:
            blocks.append(Block("p", text))
    return blocks


def _key(block: Block) -> str:
    return " ".join(block.toks)


def _fill_gaps(main: list[Block], other: list[Block]) -> tuple[list[Block], int]:
    """`main` with the blocks `other` has between two of main's consecutive blocks added in
    place (precision mode drops story lines for the links they hold: ticker symbols, "both
    applied to Nato in May 2022"). Only short gaps inside the story span are filled; blocks
    before main's first or after its last line are not (that is where boilerplate sits)."""
    index: dict[str, int] = {}
    for i, block in enumerate(other):
        index.setdefault(_key(block), i)
    out: list[Block] = []
    added = 0
    prev = None
    for block in main:
        pos = index.get(_key(block))
        if pos is not None and prev is not None and 1 < pos - prev <= 1 + _MAX_GAP:
            gap = other[prev + 1:pos]
            if all(_key(g) not in index or index[_key(g)] > prev for g in gap):
                for g in gap:
                    if g.kind in ("p", "quote", "other") and len(g.toks) >= 5:
                        out.append(g)
                        added += 1
        out.append(block)
        if pos is not None:
            prev = pos
    return out, added


_SENTENCE_END = re.compile(r"[.!?。！？؟…][\"'”’»)\]]*$")
_LABEL_LINK = re.compile(r"^\W*(?:\S+\s+){0,3}\S+:\s")
_GAP_OUTSIDE = {"aside", "figure", "figcaption", "nav", "footer", "header", "form", "blockquote", "li", "table"}


_LINE_BREAKING = {"br", "p", "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th", "section",
                  "article", "main", "aside", "header", "footer", "nav", "figure", "figcaption", "blockquote",
                  "h1", "h2", "h3", "h4", "h5", "h6", "center", "pre", "form", "hr", "body"}
_NOT_TEXT = {"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link"}
_FRAGMENT_END = re.compile(r"[.!?:;。！？؟…\"”’»)\]]$")
_FRAGMENT_START = re.compile(r"^(?:[,.;:)\]’”»]|[^\W\d_](?<=[a-zà-ÿ]))")


def _looks_cut(first: Block, second: Block) -> bool:
    """Two blocks that read as one sentence cut in two: the first ends without punctuation,
    and the second starts with punctuation or a lower-case letter, or one of them is a link
    or a few words (an emphasised name)."""
    if first.kind not in ("p", "other") or second.kind not in ("p", "other"):
        return False
    a, b = first.text.rstrip(), second.text.lstrip()
    return bool(a and b and not _FRAGMENT_END.search(a)
                and (_FRAGMENT_START.match(b) or second.link_share >= 0.8 or first.link_share >= 0.8
                     or len(first.toks) <= 4 or len(second.toks) <= 4))


def _page_lines(tree: HtmlElement) -> list[str]:
    """The page's text lines: runs of text and inline elements between line breaks and
    block elements (a story written as text with <br>s in a <div> has no <p> to find)."""
    lines: list[str] = []

    def flush(run: list[str]) -> None:
        text = _norm("".join(run))
        if text:
            lines.append(text)
        run.clear()

    def walk(elem: HtmlElement) -> None:
        run = [elem.text or ""]
        for child in elem:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _NOT_TEXT or not tag:
                pass
            elif tag in _LINE_BREAKING or any(isinstance(d.tag, str) and d.tag in _LINE_BREAKING
                                              for d in child.iterdescendants()):
                flush(run)
                walk(child)
            else:
                run.append(child.text_content())
            run.append(child.tail or "")
        flush(run)

    body = tree.find("body")
    walk(body if body is not None else tree)
    return lines


def _mend_fragments(tree: HtmlElement, blocks: list[Block]) -> tuple[list[Block], int]:
    """A sentence trafilatura cut at its links or emphasis ("…given the source is" |
    "DigiTimes" | ", we would …") joined again: consecutive blocks that look cut and together
    lie inside one line of the page become that line."""
    if not any(_looks_cut(a, b) for a, b in zip(blocks, blocks[1:])):
        return blocks, 0
    lines = _page_lines(tree)
    # compared without spaces: trafilatura sometimes glues a link to the word after it
    keys = ["".join(_tokens(line)) for line in lines]

    def run_key(run: list[Block]) -> str:
        return "".join("".join(b.toks) for b in run)

    out: list[Block] = []
    mended = 0
    i = 0
    while i < len(blocks):
        j = i
        while j + 1 < len(blocks) and _looks_cut(blocks[j], blocks[j + 1]):
            j += 1
        while j > i:
            # the longest run of the cut blocks that lies in one line and makes most of it
            key = run_key(blocks[i:j + 1])
            home = next((n for n, k in enumerate(keys) if key in k and len(key) >= 0.5 * len(k)), None)
            if home is not None and len(key) >= 12:
                text = lines[home]
                linked = sum(b.link_share * len(b.text) for b in blocks[i:j + 1])
                out.append(Block("p", text, min(1.0, linked / max(1, len(text)))))
                mended += j - i
                i = j + 1
                break
            j -= 1
        else:
            out.append(blocks[i])
            i += 1
    return out, mended


def _fill_dom_gaps(tree: HtmlElement, blocks: list[Block]) -> tuple[list[Block], int]:
    """Story paragraphs precision mode dropped for the links they hold ("Having been neutral
    for decades, <a>both applied to Nato in May 2022</a>, ..."), put back from the page:
    the <p> elements standing between two consecutive extracted paragraphs in the page's
    order (at most _MAX_GAP of them), outside asides, figures and lists. One pass over the
    page's <p> elements, no second extraction run."""
    if len(blocks) < 2:
        return blocks, 0
    paragraphs: list[HtmlElement] = list(tree.iter("p"))
    if len(paragraphs) > 3000:
        return blocks, 0
    position: dict[str, int] = {}
    keys: list[str] = []
    for i, elem in enumerate(paragraphs):
        key = " ".join(_tokens(elem.text_content()))
        keys.append(key)
        if key:
            position.setdefault(key, i)
    out: list[Block] = []
    added = 0
    prev = None
    for block in blocks:
        pos = position.get(_key(block)) if block.kind == "p" else None
        if pos is not None and prev is not None and 1 < pos - prev <= 1 + _MAX_GAP:
            for elem, key in zip(paragraphs[prev + 1:pos], keys[prev + 1:pos]):
                if len(key.split()) < 5 or any(a.tag in _GAP_OUTSIDE for a in elem.iterancestors()):
                    continue
                text = _norm(_CONTROL.sub("", elem.text_content()))
                linked = sum(len(_norm(a.text_content())) for a in elem.iter("a"))
                if not 0 < linked < 0.95 * len(text) or len(key.split()) < 8 or not _SENTENCE_END.search(text):
                    continue  # dropped for another reason than the links it holds, or not a sentence
                if _LABEL_LINK.match(text):
                    continue  # "Read more: <a>…</a>", "On Example.com: <a>…</a>": a teaser
                out.append(Block("p", text, linked / len(text)))
                added += 1
        out.append(block)
        if pos is not None:
            prev = pos
        elif block.kind == "p":
            prev = None  # a paragraph not found in the page: no gap is known across it
    return out, added


def _continue_story(tree: HtmlElement, blocks: list[Block]) -> tuple[list[Block], int]:
    """A story the page splits into repeated boxes ("article__chunks": text, ad, text) of
    which only the first came through: the paragraphs of the boxes that follow the last
    paragraph's box, with the same tag and class, put after it (ads and other small boxes
    between them skipped)."""
    paras = [b for b in blocks if b.kind == "p" and len(b.toks) >= 8]
    if not paras:
        return blocks, 0
    elem = _source_element(tree, paras[-1].text)
    if elem is None:
        return blocks, 0
    known = {_key(b) for b in blocks}
    for box in [elem, *list(elem.iterancestors())[:_CONTINUE_DEPTH]]:
        if box.tag in ("body", "html", "article", "main"):
            break
        signature = (box.tag, box.get("class"))
        if not signature[1]:
            continue
        found: list[Block] = []
        for sibling in box.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if (sibling.tag, sibling.get("class")) != signature:
                if len(sibling.text_content()) > 200:
                    break  # another kind of box with text: the story's boxes have ended
                continue
            for p in sibling.iter("p"):
                if any(a.tag in _GAP_OUTSIDE for a in p.iterancestors() if a is not sibling):
                    continue
                text = _norm(_CONTROL.sub("", p.text_content()))
                block = Block("p", text, min(1.0, sum(len(_norm(a.text_content())) for a in p.iter("a")) / max(1, len(text))))
                if len(block.toks) >= 5 and _key(block) not in known:
                    found.append(block)
                    known.add(_key(block))
        if found:
            return blocks + found, len(found)
    return blocks, 0


def _links(blocks: list[Block]) -> float:
    total = _text_len(blocks)
    return sum(b.link_share * len(b.text) for b in blocks) / total if total else 0.0


def _cover(part: list[Block], whole: list[Block]) -> float:
    """Share of `part`'s shingles found in `whole`."""
    a = _shingles("\n".join(b.text for b in part))
    if not a:
        return 0.0
    return len(a & _shingles("\n".join(b.text for b in whole))) / len(a)


def _needs_second_opinion(blocks: list[Block], mass: int, jsonld_body: Optional[str], text_mass: int = 0) -> bool:
    """Cheap signs that precision mode may have missed the story: little of the page's
    running text (in <p>s, or in any element), few paragraphs, or an articleBody it covers
    only in part."""
    size = _text_len(blocks)
    paragraphs = sum(1 for b in blocks if b.kind in ("p", "quote") and len(b.toks) >= 8)
    if size < _SECOND_SHARE * mass or paragraphs < 3 or size < 500 or size < _FAST_SHARE * text_mass:
        return True
    if sum(len(b.text) for b in blocks if b.kind == "quote") > 0.5 * size:
        return True  # mostly quotes: perhaps only a long story's pull quotes
    if jsonld_body and len(_tokens(jsonld_body)) >= 50:
        ref = _article_body_shingles(jsonld_body)
        if ref and len(ref & _shingles("\n".join(b.text for b in blocks))) / len(ref) < 0.8:
            return True
    return False


def _sentence_words(blocks: list[Block]) -> int:
    """Words in lines of at least 8 words: running text, not lists of headlines."""
    return sum(n for b in blocks for n in (len(_tokens(line)) for line in b.text.split("\n")) if n >= 8)


def _choose(candidates: list[tuple[str, list[Block]]]) -> tuple[list[Block], str]:
    """The first candidate (precision mode's body), unless another one is much longer, not a
    page of links, and agrees with it: holds most of it (a story cut to a few lines, or to
    its pull quotes), or it is a few words only (an overlay's, a caption's). Candidates in
    order of trust; a later one must beat the one chosen so far."""
    name, best = candidates[0]
    for other_name, other in candidates[1:]:
        if not other or _links(other) >= 0.3 or _sentence_words(other) < _FEW_WORDS:
            continue  # a page of links, or of short lines (a list of headlines): no story
        if best and _text_len(other) < _GENERIC_GAIN * _text_len(best):
            continue
        if not best or sum(len(b.toks) for b in best) < _FEW_WORDS or _cover(best, other) >= 0.7:
            name, best = other_name, other
    return best, name


def extract_body_with_source(
    tree: HtmlElement,
    url: str,
    title: Optional[str] = None,
    jsonld_body: Optional[str] = None,
    profile: Optional[Mapping[str, Any]] = None,
    standfirst: Optional[list] = None,
) -> tuple[list[str], str]:
    """The story's paragraphs and the name of the candidate they come from:
    ``profile`` (the site profile's selectors), ``precise`` (trafilatura's precision mode on
    the pruned tree, gaps filled from the generic run when one was made), ``generic``
    (trafilatura's balanced mode, the plain generic extraction, chosen when the precise body
    is much shorter), ``jsonld`` (articleBody, when the others are a clearly shorter part of
    it), ``paragraphs`` (the page's longer <p> elements, when trafilatura refuses the page),
    or ``none``."""
    site_lines = (profile or {}).get("drop_lines_re")
    if profile and profile.get("body"):
        paras = _light_filter(_from_profile(tree, profile), title)
        if site_lines is not None:
            paras = [p for p in paras if not (len(p) <= 400 and site_lines.fullmatch(p))]
        if paras:
            return paras, "profile"
    pruned = _pruned_copy(tree, profile)
    text_mass = _text_mass(tree)
    precise_raw = _precise_blocks(pruned, text_mass)
    mass = _paragraph_mass(tree)
    source = "precise"
    if ALWAYS_SECOND_OPINION or _needs_second_opinion(precise_raw, mass, jsonld_body, text_mass):
        generic_raw, _ = _mend_fragments(tree, _trafilatura_blocks(pruned, precision=False))
        precise_raw, _ = _mend_fragments(tree, precise_raw)
        filled, added = _fill_gaps(precise_raw, generic_raw)
        filled, more = _fill_dom_gaps(tree, filled)
        if _text_len(filled) < _CONTINUE_SHARE * text_mass:
            filled, continued = _continue_story(tree, filled)
        precise = _drop_boilerplate(filled, title, tree)
        generic = _drop_boilerplate(generic_raw, title, tree)
        candidates = [("precise", precise), ("generic", generic)]
        words = max(sum(len(b.toks) for b in precise), sum(len(b.toks) for b in generic))
        if words < _FEW_WORDS and max(_text_len(precise), _text_len(generic)) < _FALLBACK_SHARE * mass:
            # both runs kept a few words and little of the page's running text: its longer
            # paragraphs are a third candidate
            candidates.append(("paragraphs", _drop_boilerplate(_paragraph_blocks(tree), title, tree)))
        blocks, source = _choose(candidates)
    else:
        precise_raw, _ = _mend_fragments(tree, precise_raw)
        filled, added = _fill_dom_gaps(tree, precise_raw)
        if _text_len(filled) < _CONTINUE_SHARE * text_mass:
            filled, continued = _continue_story(tree, filled)
        blocks = _drop_boilerplate(filled, title, tree)
    if not blocks and mass:
        blocks, source = _drop_boilerplate(_paragraph_blocks(tree), title, tree), "paragraphs"
    if standfirst is not None:
        standfirst.extend(getattr(blocks, "standfirst", ()))  # the chosen candidate's standfirst
    if site_lines is not None:  # the site profile's own boilerplate lines
        blocks = [b for b in blocks if not (len(b.text) <= 400 and site_lines.fullmatch(_norm(b.text)))]
    paras, from_jsonld = _reconcile_jsonld(blocks, jsonld_body)
    if from_jsonld:
        source = "jsonld"
    if not paras and jsonld_body:
        paras, source = _jsonld_paragraphs(jsonld_body), "jsonld"
    return paras, (source if paras else "none")


def extract_body(
    tree: HtmlElement,
    url: str,
    title: Optional[str] = None,
    jsonld_body: Optional[str] = None,
    profile: Optional[Mapping[str, Any]] = None,
    standfirst: Optional[list] = None,
) -> list[str]:
    """`standfirst`: when a list is given, the standfirst left out of the body is added to it."""
    return extract_body_with_source(tree, url, title, jsonld_body, profile, standfirst)[0]
