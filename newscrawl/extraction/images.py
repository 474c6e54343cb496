"""The story's images: [{url, caption, credit}] in page order, the lead image first.

- The lead image is the one `image` names (og:image, else JSON-LD image); its caption comes
  from the story's figure showing the same picture, else the JSON-LD ImageObject (caption,
  creditText / copyrightHolder / author), else og:image:alt when it is not the headline.
- Then every <figure> of the story in page order (not those in navigation, asides, footers,
  or teaser links): its image (lazy-loading attributes and srcset read), its <figcaption> as
  the caption, the credit split off from it (an element with a credit class, or a trailing
  "Photo: ...", "Foto: ...", "© ..."; the words are data: data/images.toml).
- URLs are absolute http(s); tracking pixels, 1x1 and tiny images, icons, sprites, logos and
  placeholders are left out; each picture once.
Pure functions over an lxml tree; no network.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any, Optional, Union
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.html import HtmlElement

_DATA = resources.files("newscrawl.extraction").joinpath("data/images.toml")
_MAX_IMAGES = 50
_MAX_FIGURES = 200
_MAX_CAPTION = 1000
_CLASS_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_OFF_STORY = {"nav", "footer", "aside", "a", "button", "noscript", "template", "script"}
_OFF_STORY_CLASS = re.compile(r"related|recommend|teaser|promo|sidebar|widget|newsletter|most-?read|more-?stories",
                              re.I)
_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-srcset", "data-url", "data-full-src")
_SIZE_SUFFIX = re.compile(r"([-_@]\d+x\d*|[-_]\d{2,4}w?|[-_](?:small|medium|large|thumb|thumbnail|xl|lg|md|sm))+$", re.I)


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    with _DATA.open("rb") as fh:
        data = tomllib.load(fh)
    labels = sorted(data["credit_labels"], key=len, reverse=True)
    return {
        "skip": frozenset(w.lower() for w in data["skip_url_words"]),
        "min_side": int(data.get("min_side", 50)),
        "credit_classes": frozenset(c.lower() for c in data["credit_classes"]),
        # "Photo: X", "(Foto: X)", "Bild: X" at the end; "© X" anywhere at the end
        "credit_tail": re.compile(
            r"[\s(\[|–—-]*(?:(?:%s)\s*[:：]|©|\(c\)|copyright)\s*(?P<credit>[^:：()\[\]]{2,120}?)[\s)\].]*$"
            % "|".join(re.escape(w) for w in labels), re.I),
    }


def _norm(text: Optional[str]) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _absolute(base: str, href: Optional[str]) -> Optional[str]:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("data:"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # raises on a malformed port
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _int(value: Optional[str]) -> Optional[int]:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def is_story_image(url: str, width: Optional[int] = None, height: Optional[int] = None) -> bool:
    """Not a tracking pixel, an icon, a sprite, a logo or a placeholder."""
    lex = _lexicon()
    if any(side is not None and side < lex["min_side"] for side in (width, height)):
        return False
    path = urlsplit(url).path.lower()
    words = set(re.split(r"[^a-z0-9]+", path))
    if words & lex["skip"]:
        return False
    if path.endswith((".ico", ".cur")):
        return False
    query = urlsplit(url).query.lower()
    return not re.search(r"(?:^|&)(?:w|width|h|height)=1(?:&|$)", query)


def _from_srcset(srcset: Optional[str]) -> Optional[str]:
    """The widest candidate of a srcset ("a.jpg 480w, b.jpg 960w")."""
    best, best_w = None, -1.0
    for item in (srcset or "").split(","):
        parts = item.strip().split()
        if not parts:
            continue
        width = 0.0
        if len(parts) > 1:
            m = re.match(r"(\d+(?:\.\d+)?)[wx]$", parts[1])
            width = float(m.group(1)) if m else 0.0
        if width > best_w:
            best, best_w = parts[0], width
    return best


def _img_url(img: HtmlElement, base: str) -> Optional[str]:
    candidates = [img.get(a) for a in _LAZY_ATTRS if img.get(a)]
    candidates = [(_from_srcset(c) if " " in c.strip() or "," in c else c) for c in candidates]
    candidates.append(img.get("src"))
    candidates.append(_from_srcset(img.get("srcset")))
    # <picture><source srcset><img></picture> (the HTML parser may nest the <img> in the <source>)
    picture = next((a for _, a in zip(range(3), img.iterancestors()) if a.tag == "picture"), None)
    if picture is not None:
        for source in picture.iter("source"):
            candidates.append(_from_srcset(source.get("srcset") or source.get("data-srcset")))
    for href in candidates:
        url = _absolute(base, href)
        if url and is_story_image(url):
            return url
    return None


def _picture_key(url: str) -> str:
    """The same picture at another size or crop: path stem without size suffixes, no query."""
    path = urlsplit(url).path
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _SIZE_SUFFIX.sub("", stem.lower()) or path


def _credit_class(el: HtmlElement) -> bool:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    toks = {t.lower() for t in _CLASS_SPLIT.split(raw) if t}
    return bool(toks & _lexicon()["credit_classes"])


def split_caption(figcaption: HtmlElement) -> tuple[Optional[str], Optional[str]]:
    """(caption, credit) of a <figcaption> (or any caption element)."""
    credit = None
    credit_els = [el for el in figcaption.iter() if el is not figcaption and isinstance(el.tag, str)
                  and (_credit_class(el) or el.tag in ("cite", "small"))]
    full = _norm(figcaption.text_content())
    caption = full
    if credit_els:
        credit = _norm(credit_els[0].text_content())
        if credit:
            caption = _norm(caption.replace(credit, " ", 1)) if credit in caption else caption
    if not credit and caption:
        caption, credit = split_credit_text(caption)
    elif credit:
        credit = split_credit_text(credit)[1] or credit  # "Foto: dpa" in a credit element -> "dpa"
    caption = (caption or "").strip(" |–—-")
    return caption[:_MAX_CAPTION] or None, credit or None


def split_credit_text(text: str) -> tuple[Optional[str], Optional[str]]:
    """"A ferry at dawn. Photo: Jane Doe" -> ("A ferry at dawn.", "Jane Doe")."""
    m = _lexicon()["credit_tail"].search(text)
    if not m:
        return text or None, None
    credit = m.group("credit").strip(" .;,")
    caption = text[:m.start()].strip(" |–—-(")
    return caption or None, credit or None


def _off_story(el: HtmlElement) -> bool:
    for a in el.iterancestors():
        if a.tag in ("body", "html"):
            return False
        if a.tag in _OFF_STORY or _OFF_STORY_CLASS.search(a.get("class") or ""):
            return True
    return False


def _figures(tree: HtmlElement, base: str) -> list[dict]:
    out = []
    for count, fig in enumerate(tree.iter("figure")):
        if count >= _MAX_FIGURES:
            break
        if _off_story(fig) or _OFF_STORY_CLASS.search(fig.get("class") or ""):
            continue
        img = next(fig.iter("img"), None)
        if img is None:
            continue
        width, height = _int(img.get("width")), _int(img.get("height"))
        url = _img_url(img, base)
        if not url or not is_story_image(url, width, height):
            continue
        caption_el = next(fig.iter("figcaption"), None)
        caption, credit = split_caption(caption_el) if caption_el is not None else (None, None)
        out.append({"url": url, "caption": caption, "credit": credit})
    return out


def _ld_images(value: Any, resolve) -> list[dict]:
    """JSON-LD image value(s) -> [{url, caption, credit}]."""
    values = value if isinstance(value, list) else [value]
    out = []
    for item in values[:20]:
        item = resolve(item) if resolve else item
        if isinstance(item, str):
            out.append({"url": item, "caption": None, "credit": None})
        elif isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            url = url[0] if isinstance(url, list) and url else url
            if not isinstance(url, str):
                continue
            caption = item.get("caption") or item.get("description")
            credit = item.get("creditText") or item.get("copyrightHolder") or item.get("author")
            if isinstance(credit, list):
                credit = credit[0] if credit else None
            if isinstance(credit, dict):
                credit = credit.get("name")
            out.append({"url": url, "caption": _norm(caption) if isinstance(caption, str) else None,
                        "credit": _norm(credit) if isinstance(credit, str) else None})
    return out


def _repeats(alt: str, title: Optional[str]) -> bool:
    """An alt text that is the headline again (often with the site name) is no caption."""
    words = set(re.findall(r"\w+", alt.casefold()))
    title_words = set(re.findall(r"\w+", (title or "").casefold()))
    return bool(words) and len(words & title_words) >= 0.7 * len(words)


def find_images(tree: Optional[HtmlElement], url: str, lead: Optional[str] = None, ld_image: Any = None,
                og_alt: Optional[str] = None, title: Optional[str] = None, resolve=None) -> list[dict]:
    """`lead`: the lead image URL (the `image` field); `ld_image`: the story's JSON-LD image value;
    `og_alt`: og:image:alt; `resolve`: follows JSON-LD {"@id"} references."""
    if tree is None:
        return []
    figures = _figures(tree, url)
    ld = [dict(d, url=_absolute(url, d["url"])) for d in _ld_images(ld_image, resolve) if d.get("url")]
    ld = [d for d in ld if d["url"] and is_story_image(d["url"])]
    out: list[dict] = []
    if lead and is_story_image(lead):
        entry = {"url": lead, "caption": None, "credit": None}
        key = _picture_key(lead)
        same_fig = next((f for f in figures if f["url"] == lead or _picture_key(f["url"]) == key), None)
        same_ld = next((d for d in ld if d["url"] == lead or _picture_key(d["url"]) == key), None)
        for source in (same_fig, same_ld):
            if source:
                entry["caption"] = entry["caption"] or source["caption"]
                entry["credit"] = entry["credit"] or source["credit"]
        alt = _norm(og_alt)
        if not entry["caption"] and alt and not _repeats(alt, title):
            entry["caption"] = alt
        out.append(entry)
    seen = {_picture_key(e["url"]) for e in out} | {e["url"] for e in out}
    for item in figures:
        if item["url"] in seen or _picture_key(item["url"]) in seen:
            continue
        seen.update((item["url"], _picture_key(item["url"])))
        out.append(item)
        if len(out) >= _MAX_IMAGES:
            break
    return out


def images_from_html(html: Union[str, bytes], url: str) -> list[dict]:
    """find_images over a string of HTML (lead image from og:image, else JSON-LD image)."""
    from newscrawl.extraction.structured import collect, is_article, resolve

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not html.strip():
        return []
    tree = lxml.html.document_fromstring(html)
    data = collect(tree)
    article = next((o for o in data.jsonld if is_article(o)), {})
    ld_image = article.get("image")
    lead = data.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
    if not lead:
        first = _ld_images(ld_image, lambda v: resolve(v, data))
        lead = first[0]["url"] if first else None
    title = data.first("og:title") or data.title_tag
    return find_images(tree, url, _absolute(url, lead), ld_image, data.first("og:image:alt"), title,
                       lambda v: resolve(v, data))
