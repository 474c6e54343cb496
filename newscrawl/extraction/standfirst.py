"""The standfirst (dek, lead, teaser under the headline) -> `summary`, and where it came from.

Sources, best first:

1. ``element``: the page's own standfirst element after the headline: an element whose
   class or id names it (lead, intro, standfirst, subtitle, excerpt, teaser, dek, summary,
   synopsis, Vorspann ...; the tokens are data: data/standfirst.toml), a paragraph wholly
   in bold, or the heading right under the headline in the same <header>/<hgroup>; or the
   visible element a meta description was copied from, when it is not the story's first
   paragraph (descriptions are often cut off: the element has the whole text).
2. ``body``: the block the body extractor left out of the body as a standfirst (nothing the
   page says about the story is dropped).
3. ``og`` / ``jsonld`` / ``meta``: ``og:description``, JSON-LD ``description``, ``<meta
   name=description>`` (see page_descriptions for the order), unless it is a copy, cut off or whole, of the body's first
   paragraph (the CMS default when an editor writes no standfirst).
4. none: null.

Pure functions over an lxml tree (or a string of HTML); no network.
"""
from __future__ import annotations

import html as html_lib
import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Iterable, NamedTuple, Optional, Union

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

_DATA = resources.files("newscrawl.extraction").joinpath("data/standfirst.toml")
_WORD = re.compile(r"\w+")
_CLASS_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")

# Bounds: crawled pages are hostile input.
_MAX_SCAN = 400  # elements looked at after the headline
_BODY_STARTED = 700  # characters of unmarked running text after the headline: the story has begun
_BOLD_WITHIN = 150  # a paragraph in bold is the standfirst only before this much running text
_MIN_CHARS, _MAX_CHARS = 25, 1500
_MAX_DESCRIPTION = 2000  # a longer "description" is the story pasted in, not a standfirst  # a standfirst is a sentence or a few, not a word and not the story

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "figure",
              "figcaption", "form", "button", "select", "iframe", "a", "time", "picture", "video", "audio",
              "table", "blockquote"}
_CANDIDATE_TAGS = {"p", "div", "h2", "h3", "h4", "span", "strong", "b", "ul", "section", "em"}
_BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "div"}
_BOLD_TAGS = {"strong", "b"}


class Summary(NamedTuple):
    text: Optional[str]
    source: Optional[str]  # element, body, jsonld, og, meta; None when there is no summary


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset, frozenset]:
    with _DATA.open("rb") as fh:
        data = tomllib.load(fh)
    return (frozenset(t.lower() for t in data["lead_tokens"]),
            frozenset(t.lower() for t in data["not_lead_tokens"]))


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", html_lib.unescape(text or "")).split())


_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


def _plain(text: str) -> str:
    """A description as text: entities decoded, tags some CMSs leave in it removed."""
    text = _norm(_TAG.sub(" ", html_lib.unescape(text or "")))
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())


def _class_tokens(el: HtmlElement) -> tuple[set[str], set[str]]:
    """(tokens, neighbouring tokens joined: "entry-sub-title" -> "entrysub", "subtitle")."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    toks: set[str] = set()
    joined: set[str] = set()
    for word in raw.split()[:20]:
        parts = [t.lower() for t in _CLASS_SPLIT.split(word) if t]
        toks.update(parts)
        joined.update(a + b for a, b in zip(parts, parts[1:]))
    return toks, joined


def _block_text(el: HtmlElement) -> str:
    """The element's text; paragraphs / list items inside it become paragraphs. Of a box
    holding several blocks, the leading run of blocks alike (the key points of a list, the
    lead's paragraphs) is the standfirst; what follows (a sign-up box) is not."""
    blocks = [b for b in el.iter(*_BLOCK_TAGS) if b is not el and not any(
        c.tag in _BLOCK_TAGS for c in b.iterdescendants())]
    if len(blocks) >= 2:
        run = [b for b in blocks]
        first_tag = blocks[0].tag
        for i, b in enumerate(blocks):
            if b.tag != first_tag:
                run = blocks[:i]
                break
        parts = [p for p in (_norm(b.text_content()) for b in run) if p]
        if parts and sum(len(p) for p in parts) >= 0.8 * len(_norm(el.text_content())):
            return "\n\n".join(parts)
        if len(run) >= 2 and len(run) < len(blocks) and parts:
            return "\n\n".join(parts)
    return _norm(el.text_content())


def _link_share(el: HtmlElement, length: int) -> float:
    linked = sum(len(_norm(a.text_content())) for a in el.iter("a"))
    return linked / max(length, 1)


def _is_bold(el: HtmlElement, length: int) -> bool:
    if el.tag != "p":
        return False
    bold = sum(len(_norm(b.text_content())) for b in el.iter(*_BOLD_TAGS))
    return bold >= 0.9 * length


_SENTENCE_END = re.compile(r"[.!?…。！？:;\"”“»«)'’]\s*$")


def _sentence_like(text: str) -> bool:
    """A standfirst is written in sentences; a short line without end punctuation is a
    headline part (a second headline, a kicker)."""
    return bool(_SENTENCE_END.search(text)) or len(_tokens(text)) >= 12 or len(text) >= 90


def _headline(tree: HtmlElement, title: Optional[str]) -> Optional[HtmlElement]:
    """The heading showing the headline: an <h1> (else an <h2>/<h3>) holding most of the
    title's words; without a title, the first <h1>. A logo set as <h1> is not it."""
    key = set(_tokens(title or ""))
    h1s = [h for h in tree.iter("h1") if _norm(h.text_content())][:10]
    if not key:
        return h1s[0] if h1s else None
    for tags in (("h1",), ("h2", "h3")):
        for count, h in enumerate(tree.iter(*tags)):
            if count >= 30:
                break
            toks = set(_tokens(h.text_content()))
            common = len(toks & key)
            # the headline, with or without a kicker the title has and the heading does not
            if toks and (common >= 0.7 * len(key) and len(toks) <= 2 * len(key) + 10
                         or len(toks) >= 2 and common >= 0.8 * len(toks) and common >= 0.4 * len(key)):
                return h
    return h1s[0] if len(h1s) == 1 and len(_tokens(h1s[0].text_content())) >= 4 else None


def _skipped(el: HtmlElement, stop: HtmlElement) -> bool:
    if el.tag in _SKIP_TAGS:
        return True
    for a in el.iterancestors():
        if a is stop:
            break
        if a.tag in _SKIP_TAGS:
            return True
    return False


def _marked(el: HtmlElement, holds_headline: set, class_tokens: dict) -> Optional[HtmlElement]:
    """The element (or a close ancestor not holding the headline) whose class names a standfirst.
    `class_tokens`: _class_tokens by element, filled as they are read (candidates share ancestors)."""
    lead, not_lead = _lexicon()
    node = el
    for _ in range(3):
        if node is None or node.tag in ("article", "main", "body", "html", "header") or node in holds_headline:
            return None
        tokens = class_tokens.get(node)
        if tokens is None:
            tokens = class_tokens[node] = _class_tokens(node)
        toks, joined = tokens
        found = (toks | joined) & lead
        if found == {"bold"} and node.tag != "p":
            found = set()  # a bold headline part, not a bold paragraph
        # "sub-title": its "title" part is not the headline
        if toks & not_lead - {t for f in found for t in toks if t in f and t != f}:
            return None
        if found:
            return node
        node = node.getparent()
    return None


def _dek_heading(el: HtmlElement, text: str, title: Optional[str]) -> bool:
    """The first block after the headline set as a heading and written as a sentence or two:
    a dek (a second, shorter headline is not one)."""
    if el.tag not in ("h2", "h3"):
        return False
    toks = _tokens(text)
    if not (len(toks) >= 20 or (len(toks) >= 6 and text.rstrip().endswith((".", "…", "。", "!", "！")))):
        return False
    key = set(_tokens(title or ""))
    return not key or len(set(toks) & key) < 0.5 * len(key)


def _under_headline(el: HtmlElement, headline: HtmlElement) -> bool:
    """A heading right after the <h1> in the same <header>/<hgroup>: a dek set as a heading."""
    if el.tag not in ("h2", "h3", "p"):
        return False
    parent = headline.getparent()
    if parent is None or parent.tag not in ("hgroup", "header"):
        return False
    return el.getparent() is parent and el.tag in ("h2", "h3") or parent.tag == "hgroup" and el.getparent() is parent


def _after(headline: HtmlElement) -> Iterable[HtmlElement]:
    """Elements after the headline in document order (its own descendants skipped), without
    walking the part of the page before it."""
    node = headline
    while node is not None:
        for sibling in node.itersiblings():
            if isinstance(sibling.tag, str):
                yield sibling
                for el in sibling.iterdescendants():
                    if isinstance(el.tag, str):
                        yield el
        node = node.getparent()


def _candidates(tree: HtmlElement, headline: Optional[HtmlElement], title: Optional[str] = None):
    """(element, text, how) for the blocks after the headline, until the story starts."""
    if headline is None:
        return
    body = tree.find("body")
    stop = body if body is not None else tree
    running = 0
    done: set = set()
    holds_headline = set(headline.iterancestors())
    class_tokens: dict = {}
    for count, el in enumerate(_after(headline)):
        if count > _MAX_SCAN or running > _BODY_STARTED:
            return
        if el.tag not in _CANDIDATE_TAGS or _skipped(el, stop) or (done and any(a in done for a in el.iterancestors())):
            continue
        marked = _marked(el, holds_headline, class_tokens)
        if marked is None and el.tag not in ("p", "h2", "h3") and not (el.tag == "div" and not len(el)):
            continue  # a container or an inline element, unmarked: its blocks are looked at one by one
        text = _block_text(el)
        if not text:
            continue
        if marked is not None and marked is not el:
            if marked in done:
                continue
            el, text = marked, _block_text(marked)
        length = len(text)
        how = None
        if _MIN_CHARS <= length <= _MAX_CHARS and _link_share(el, length) < 0.5 and _sentence_like(text):
            if marked is not None:
                how = "marked"
            elif _is_bold(el, length) and running < _BOLD_WITHIN:  # a bold question further down is an interview
                how = "bold"
            elif _under_headline(el, headline) or (running == 0 and _dek_heading(el, text, title)):
                how = "heading"
        if how:
            done.add(el)
            yield el, text, how
        elif el.tag in ("p", "h2", "h3") or (el.tag == "div" and not len(el)):
            yield el, text, None
            running += length


# --- descriptions ------------------------------------------------------------------------

def page_descriptions(tree: HtmlElement, jsonld_description: Optional[str] = None) -> list[tuple[str, str]]:
    """[(source, text)] of the page's descriptions, in the order they are trusted: og:description,
    JSON-LD description, meta description. (OpenGraph first: where a page's JSON-LD and
    OpenGraph descriptions differ, the JSON-LD one is more often a teaser written for another
    use, an image caption or a search snippet; on the 26 such fundus-dev pages, 20 sites,
    token-F1 against the standfirst 0.80 for og vs 0.49.)"""
    out: list[tuple[str, str]] = []
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in ("og:description", "description", "twitter:description") and key not in metas:
            value = _plain(meta.get("content") or "")
            if value:
                metas[key] = value
    if "og:description" in metas:
        out.append(("og", metas["og:description"]))
    if jsonld_description:
        out.append(("jsonld", _plain(jsonld_description)))
    for key in ("description", "twitter:description"):
        if key in metas:
            out.append(("meta", metas[key]))
    return [(s, t) for s, t in out if t and len(t) <= _MAX_DESCRIPTION]


def _cut(description: str) -> list[str]:
    return _tokens(_ELLIPSIS.sub("", description))


def copies_text(description: str, paragraph: str) -> bool:
    """Is the description the paragraph, whole or cut off (at a word, or mid-word)?"""
    desc, para = _cut(description), _tokens(paragraph)
    if not desc or not para:
        return False
    if len(desc) > len(para) + 2:
        return False
    head = para[:len(desc)]
    same = sum(1 for a, b in zip(desc, head) if a == b)
    if same >= 0.9 * len(desc):
        return True
    # cut mid-word: the last token is a prefix of the paragraph's
    return desc[:-1] == head[:-1] and len(desc) > 3 and head[len(desc) - 1].startswith(desc[-1])


def _compact(text: str) -> str:
    return "".join(_tokens(_ELLIPSIS.sub("", text)))


def copies_body_start(text: str, body: Optional[str]) -> bool:
    """Is the text a copy (whole or cut off) of the start of the body or of one of its first
    paragraphs? Compared on letters and digits only, so it holds for scripts without spaces."""
    if not body:
        return False
    key = _compact(text)
    if len(key) < 12:
        return False
    paras = [p for p in body.split("\n\n") if p.strip()][:3]
    starts = [_compact(" ".join(paras))] + [_compact(p) for p in paras[1:]]
    need = int(0.85 * len(key))
    for start in starts:
        n = 0
        for a, b in zip(key, start):
            if a != b:
                break
            n += 1
        if n >= need:
            return True
    return any(copies_text(text, p) for p in paras)


def _shingles(tokens: list[str], n: int = 4) -> set:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def copies_body_text(text: str, body: Optional[str]) -> bool:
    """Is most of the text (its word 4-grams) found in the body: a copy of story text with a
    prefix ("Share this on WhatsApp", "2 min read") or from a later paragraph?"""
    if not body:
        return False
    toks = _cut(text)
    if len(toks) < 8:
        return False
    mine = _shingles(toks)
    theirs = _shingles(_tokens(body[:20000]))
    return len(mine & theirs) >= 0.7 * len(mine)


def _overlap(description: str, text: str) -> float:
    desc = _cut(description)
    if not desc:
        return 0.0
    toks = set(_tokens(text))
    return sum(1 for t in desc if t in toks) / len(desc)


def _signature(el: HtmlElement) -> tuple:
    return el.tag, " ".join((el.get("class") or "").split())


def _styled_apart(el: HtmlElement, following: list) -> bool:
    """A block the description repeats, set apart from the story's paragraphs by its own
    class and its own box (no block after it looks like it or shares its parent): the
    standfirst, even when the body extractor took it into the body. A first paragraph
    styled like the rest, or sitting with them, is not."""
    if not el.get("class") or not following:
        return False
    sig, parent = _signature(el), el.getparent()
    # paragraphs after it in the same box are the story it begins, whatever their class
    return not any(_signature(other) == sig or other.getparent() is parent for other, _ in following)


_CLASS_ATTRS = etree.XPath("//@class")  # one XPath and a Python test: 4x faster than contains() in XPath


def _captions(tree: HtmlElement) -> list[str]:
    """Image captions shown on the page (some CMSs fill the description with the lead image's)."""
    out = []
    for el in tree.iter("figcaption"):
        text = _norm(el.text_content())
        if text:
            out.append(text)
        if len(out) >= 30:
            break
    captioned = [v.getparent() for v in _CLASS_ATTRS(tree) if "caption" in v or "Caption" in v]
    for el in captioned[:30]:
        text = _norm(el.text_content())
        if text and len(text) < 600:
            out.append(text)
    return out


def _is_caption(description: str, captions: list[tuple[set, int]]) -> bool:
    """`captions`: each caption's set of tokens and number of tokens."""
    desc = _cut(description)
    if not desc:
        return False
    return any(sum(1 for t in desc if t in toks) / len(desc) >= 0.8 and count <= 1.5 * len(desc) + 8
               for toks, count in captions)


def _same_text(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    return bool(ta) and ta == tb


# --- the summary -------------------------------------------------------------------------

def find_summary(tree: Optional[HtmlElement], title: Optional[str] = None, body: Optional[str] = None,
                 jsonld_description: Optional[str] = None, body_lead: Optional[str] = None) -> Summary:
    """The page's standfirst. `body`: the extracted body (its first paragraph is never given
    back as the summary unless the page marks it as a standfirst); `body_lead`: the text the
    body extractor left out as a standfirst, when it did."""
    if tree is None:
        return Summary(None, None)
    descriptions = [(s, d) for s, d in page_descriptions(tree, jsonld_description)
                    if not (title and _same_text(d, title))]
    if descriptions:
        captions = [(set(toks), len(toks)) for toks in map(_tokens, _captions(tree))]
        descriptions = [(s, d) for s, d in descriptions if not _is_caption(d, captions)]
    headline = _headline(tree, title)
    unmarked: list[tuple[HtmlElement, str]] = []
    parts: list[str] = []
    first: Optional[HtmlElement] = None
    for el, text, how in _candidates(tree, headline, title):
        if title and _same_text(text, title):
            continue
        if how is not None and (first is None or _signature(el) == _signature(first)) and len(parts) < 3:
            first = first if first is not None else el
            parts.append(text)  # a standfirst in several paragraphs styled alike
            continue
        if parts:
            break
        unmarked.append((el, text))
    if parts:  # marked by the page: a standfirst even where the body extractor kept it too
        return Summary("\n\n".join(parts), "element")
    # a description copied from a visible block near the top: that block, uncut
    for _, desc in descriptions:
        if len(_cut(desc)) < 5:
            continue
        for i, (el, text) in enumerate(unmarked[:6]):
            if _overlap(desc, text) >= 0.8 and len(_tokens(text)) <= 2.5 * len(_cut(desc)) + 10:
                if copies_body_start(text, body) and not _styled_apart(el, unmarked[i + 1:i + 9]):
                    return Summary(None, None)  # the story's first paragraph, not a standfirst
                return Summary(text, "element")
    if body_lead and len(body_lead) >= _MIN_CHARS:
        return Summary(_norm(body_lead) if "\n" not in body_lead else body_lead.strip(), "body")
    for source, desc in descriptions:
        if len(_tokens(desc)) < 3:
            continue
        if copies_body_start(desc, body) or copies_body_text(desc, body):
            return Summary(None, None)  # the CMS filled it from the story's text
        return Summary(desc, source)
    return Summary(None, None)


def summary_from_html(html: Union[str, bytes], title: Optional[str] = None, body: Optional[str] = None) -> Summary:
    """find_summary over a string of HTML (JSON-LD description read from the page)."""
    from newscrawl.extraction.structured import collect, is_article, text_of

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not html.strip():
        return Summary(None, None)
    tree = lxml.html.document_fromstring(html)
    data = collect(tree)
    ld = next((o for o in data.jsonld if is_article(o)), {})
    return find_summary(tree, title, body, text_of(ld.get("description")))
