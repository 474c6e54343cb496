"""Pages of the table-and-<br> era: the story written straight into a table cell.

Many Arabic news sites (and small sites in every language) have no <p>, no <article>, no
JSON-LD: a `<td>` holds a breadcrumb, the headline in `<font size=5><b>`, a date line, a
byline, then paragraphs separated by `<br><br>`, then "اقرأ أيضا:" links and a print link.
The marquee ticker and the side columns are other cells of the layout table.

`read_legacy_layout(tree, url)` finds that cell (the page's main block of running text, as
page classification sees it) and reads it line by line: what comes before the headline is
chrome, the short lines between headline and text are the date line and the byline, and
link-only lines are not text. Pure: a tree and a URL in, a `LegacyPage` (or None when the
page is not of this kind) out. `legacy_body(tree, url)` is the same reading offered as one
body candidate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.discovery.markers import starts_with_phrase
from newscrawl import bylines
from newscrawl.text.dates import looks_like_date_line, not_in_future, parse_visible_date

# Elements that end a line of text; everything else is inline.
BREAKING = {"table", "tr", "td", "th", "tbody", "thead", "div", "p", "ul", "ol", "li", "h1", "h2", "h3",
            "h4", "h5", "h6", "hr", "center", "blockquote", "form", "marquee", "iframe"}
SKIP = {"script", "style", "noscript", "template", "select", "button", "textarea", "marquee", "iframe", "form"}
PARAGRAPH_MIN_CHARS = 60  # a line this long is running text, not a label
# Cheap first look: an element holding two <br> of its own (most pages have none worth reading).
_BR_PARENTS = etree.XPath("//body//*[count(br) >= 2][not(self::p)]")
MAX_LINES = 2000


@dataclass
class Line:
    text: str = ""
    link_chars: int = 0
    strong: bool = False  # bold or a large font: a headline candidate
    hrefs: list = field(default_factory=list)
    blank_before: bool = False  # a paragraph break (<br><br> or a block edge) precedes it

    @property
    def link_only(self) -> bool:
        return bool(self.text) and self.link_chars >= 0.8 * len(self.text)


@dataclass
class LegacyPage:
    title: Optional[str]
    date_text: Optional[str]
    authors: list
    paragraphs: list
    related_urls: list

    @property
    def body(self) -> Optional[str]:
        return "\n\n".join(self.paragraphs) or None


def _is_strong(el: HtmlElement) -> bool:
    if el.tag in ("b", "strong", "h1", "h2", "h3"):
        return True
    if el.tag == "font":
        size = (el.get("size") or "").strip()
        return size in ("4", "5", "6", "7", "+1", "+2", "+3", "+4")
    cls = (el.get("class") or "").lower()
    return "title" in cls or "headline" in cls


def _lines(block: HtmlElement, base: str) -> list[Line]:
    """The block's text split at <br> and block edges; two breaks in a row mark a paragraph."""
    lines: list[Line] = [Line()]
    breaks = 0

    def new_line(count: int) -> None:
        nonlocal breaks
        breaks += count
        if lines[-1].text.strip():
            lines.append(Line())
        lines[-1].blank_before = lines[-1].blank_before or breaks >= 2

    def add(text: Optional[str], in_link: bool, strong: bool) -> None:
        nonlocal breaks
        if not text or not text.strip():
            if text and lines[-1].text:
                lines[-1].text += " "
            return
        line = lines[-1]
        chunk = " ".join(text.split())
        if line.text and not line.text.endswith(" ") and (text[:1].isspace() or in_link):
            line.text += " "
        line.text += chunk
        if text[-1:].isspace():
            line.text += " "
        if in_link:
            line.link_chars += len(chunk)
        line.strong = line.strong or strong
        breaks = 0

    def walk(el: HtmlElement, in_link: bool, strong: bool) -> None:
        if len(lines) > MAX_LINES:
            return
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None:  # comments, processing instructions: no text
                add(child.tail, in_link, strong)
                continue
            if tag in SKIP:
                new_line(1)
            elif tag == "br":
                new_line(1)
            elif tag in BREAKING:
                new_line(2)
                walk(child, in_link, strong)
                new_line(2)
            else:
                child_link = in_link or tag == "a"
                if tag == "a" and child.get("href"):
                    lines[-1].hrefs.append(urljoin(base, child.get("href").strip()))
                child_strong = strong or _is_strong(child)
                add(child.text, child_link, child_strong)
                walk(child, child_link, child_strong)
            add(child.tail, in_link, strong)

    add(block.text, False, _is_strong(block))
    walk(block, False, _is_strong(block))
    for line in lines:
        line.text = " ".join(line.text.split())
    return [line for line in lines if line.text]


def _block(tree: HtmlElement, url: str) -> Optional[HtmlElement]:
    from newscrawl.discovery.pages import text_profile

    _, block = text_profile(tree, url, with_block=True)
    return block


def read_legacy_layout(tree: HtmlElement, url: str) -> Optional[LegacyPage]:
    """The story of a table/<br> page, or None when the main block is not written that way
    (paragraphs in <p> elements are the generic extractor's business)."""
    if not _BR_PARENTS(tree):
        return None
    block = _block(tree, url)
    if block is None or block.tag in ("p", "li"):
        return None
    br_count = sum(1 for _ in block.iterchildren("br"))
    long_p = sum(1 for p in block.iterchildren("p") if len(p.text_content().strip()) >= PARAGRAPH_MIN_CHARS)
    if br_count < 2 or long_p >= 2:
        return None
    base = url
    bases = tree.xpath("//base/@href")
    if bases:
        base = urljoin(url, bases[0].strip())
    lines = _lines(block, base)
    first_text = next((i for i, line in enumerate(lines)
                       if len(line.text) >= PARAGRAPH_MIN_CHARS and not line.link_only and not line.strong), None)
    if first_text is None:
        return None
    # The headline: the last strong, non-link line before the text (a breadcrumb comes first).
    title_index = next((i for i in range(first_text - 1, -1, -1)
                        if lines[i].strong and not lines[i].link_chars and 8 <= len(lines[i].text) <= 250
                        and not bylines.read_byline(lines[i].text) and not looks_like_date_line(lines[i].text)), None)
    if title_index is None:
        return None
    date_text = None
    authors: list = []
    for line in lines[title_index + 1:first_text]:
        if line.link_only:
            continue
        if date_text is None and looks_like_date_line(line.text):
            date_text = line.text
        elif not authors:
            authors = bylines.read_byline(line.text) or []
    paragraphs: list[str] = []
    related: list[str] = []
    in_related = False
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in lines[first_text:]:
        if starts_with_phrase(line.text, "related_line") or starts_with_phrase(line.text, "related_block_heading"):
            flush()
            in_related = True
            related.extend(line.hrefs)
            continue
        if line.link_only:
            flush()
            if in_related and not line.blank_before:  # "اقرأ أيضا:<br>link<br>link"
                related.extend(line.hrefs)
            else:
                in_related = False
            continue
        in_related = False
        if line.blank_before:
            flush()
        current.append(line.text)
    flush()
    title = lines[title_index].text
    seen: set = set()
    related_urls = [u for u in related if u != url and not (u in seen or seen.add(u))]
    return LegacyPage(title, date_text, authors, paragraphs, related_urls)


def fill_from_legacy(article, legacy: LegacyPage, fetched_at, machine_date: bool = False) -> None:
    """What the generic readers missed or misread on a table/<br> page: the headline without
    the <title>'s site prefix, the date line (unless the page has a machine-readable date),
    the byline, the "اقرأ أيضا" links. The body is set by the caller after its own extractor."""
    if legacy.title and (not article.title or legacy.title in article.title):
        article.title = legacy.title
    if legacy.date_text and not machine_date:
        parsed = not_in_future(parse_visible_date(legacy.date_text, None, fetched_at), fetched_at)
        if parsed:
            article.date = parsed.iso()
    if legacy.authors and not article.authors:
        article.authors = list(legacy.authors)
    article.related_urls = list(dict.fromkeys([*(article.related_urls or []), *legacy.related_urls]))


def legacy_body(tree: HtmlElement, url: str) -> Optional[str]:
    """Body candidate: the story text of a table/<br> page, paragraphs separated by a blank line."""
    page = read_legacy_layout(tree, url)
    return page.body if page else None
