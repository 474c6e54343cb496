"""Structured data of a page, read in one walk over the parsed tree: JSON-LD (with @graph,
arrays and broken JSON tolerated), <meta> (OpenGraph, article:*, Dublin Core, parsely,
sailthru, twitter, itemprop), <link rel>, microdata, <title>, <h1>, <time>."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from lxml.html import HtmlElement

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting",
    "liveblogposting", "socialmediaposting", "report", "scholarlyarticle", "techarticle",
    "satiricalarticle", "advertisercontentarticle", "medicalscholarlyarticle", "posting",
}
# Typed objects that are the page's story only when they name the page's own URL (else an
# embedded video or review inside a story).
SECONDARY_TYPES = {"creativework", "videoobject", "podcastepisode", "review", "event"}
PAGE_TYPES = {"webpage", "itempage", "collectionpage", "aboutpage", "faqpage", "qapage", "medicalwebpage"}


@dataclass
class PageData:
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> contents
    jsonld: list[dict] = field(default_factory=list)  # every typed JSON-LD object, flattened
    jsonld_ids: dict[str, dict] = field(default_factory=dict)  # "@id" -> object
    jsonld_raw_fallback: dict[str, str] = field(default_factory=dict)  # fields read by regex from broken JSON-LD
    links: dict[str, list[str]] = field(default_factory=dict)  # rel -> hrefs
    html_lang: Optional[str] = None
    title_tag: Optional[str] = None
    h1: list[HtmlElement] = field(default_factory=list)
    times: list[HtmlElement] = field(default_factory=list)
    itemprops: dict[str, list[HtmlElement]] = field(default_factory=dict)  # <meta itemprop>; the rest on demand
    microdata_read: bool = False

    def first(self, *names: str) -> Optional[str]:
        for name in names:
            for value in self.meta.get(name, ()):
                if value and value.strip():
                    return value.strip()
        return None

    def all(self, *names: str) -> list[str]:
        out = []
        for name in names:
            out.extend(v.strip() for v in self.meta.get(name, ()) if v and v.strip())
        return out


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    if isinstance(value, str):
        return {value.lower().rsplit("/", 1)[-1]}
    if isinstance(value, list):
        return {v.lower().rsplit("/", 1)[-1] for v in value if isinstance(v, str)}
    return set()


def is_article(obj: dict) -> bool:
    return bool(_types(obj) & ARTICLE_TYPES)


def is_secondary(obj: dict) -> bool:
    return bool(_types(obj) & SECONDARY_TYPES)


def is_page(obj: dict) -> bool:
    return bool(_types(obj) & PAGE_TYPES)


_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x1f]")


# Hostile-input caps: a JSON-LD block larger or deeper than this is ignored (the page is
# still extracted from its HTML), never parsed into a RecursionError or a memory spike.
MAX_JSONLD_CHARS = 2_000_000
MAX_JSONLD_DEPTH = 100
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def jsonld_too_deep(text: str, limit: int = MAX_JSONLD_DEPTH) -> bool:
    if text.count("{") + text.count("[") <= limit:
        return False
    depth = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def parse_jsonld(text: str) -> list[Any]:
    """Parse a JSON-LD script body, tolerating what publishers get wrong: comments/CDATA
    around it, raw newlines in strings, trailing commas, several objects in a row."""
    text = text.strip()
    if not text or len(text) > MAX_JSONLD_CHARS or jsonld_too_deep(text):
        return []
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    text = re.sub(r"^\s*(?:<!--|<!\[CDATA\[|//\s*<!\[CDATA\[)", "", text)
    text = re.sub(r"(?:-->|\]\]>|//\s*\]\]>)\s*$", "", text).strip().rstrip(";")
    text = _CONTROL.sub(" ", text)
    text = _TRAILING_COMMA.sub(r"\1", text)
    decoder = json.JSONDecoder(strict=False)
    out, pos = [], 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,;":
            pos += 1
        if pos >= len(text):
            break
        try:
            obj, end = decoder.raw_decode(text, pos)
        except ValueError:
            break
        out.append(obj)
        pos = end
    return out


_RAW_FIELDS = ("headline", "datePublished", "dateModified", "articleBody", "inLanguage")
_RAW_FIELD_RES = {name: re.compile(r'"%s"\s*:\s*"((?:[^"\\]|\\.)*)"' % name) for name in _RAW_FIELDS}
_RAW_AUTHOR_RE = re.compile(r'"author"\s*:\s*(\[[^\]]*\]|\{[^{}]*\}|"(?:[^"\\]|\\.)*")', re.S)


def _raw_fields(text: str) -> dict[str, Any]:
    """Last resort for JSON-LD that no repair can parse: read the key fields by pattern."""
    found: dict[str, Any] = {}
    for name, pattern in _RAW_FIELD_RES.items():
        match = pattern.search(text)
        if match:
            try:
                found[name] = json.loads('"%s"' % match.group(1))
            except ValueError:
                found[name] = match.group(1)
    match = _RAW_AUTHOR_RE.search(text)
    if match:
        parsed = parse_jsonld(match.group(1))
        if parsed:
            found["author"] = parsed[0]
        else:
            names = re.findall(r'"name"\s*:\s*"((?:[^"\\]|\\.)*)"', match.group(1))
            if names:
                found["author"] = [{"@type": "Person", "name": n} for n in names]
    return found


def _flatten(value: Any, out: list[dict], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            _flatten(item, out, depth + 1)
    elif isinstance(value, dict):
        if "@graph" in value:
            _flatten(value["@graph"], out, depth + 1)
        if "@type" in value:
            out.append(value)
        for key in ("mainEntity", "mainEntityOfPage", "itemListElement", "hasPart", "item"):
            child = value.get(key)
            if isinstance(child, (dict, list)):
                _flatten(child, out, depth + 1)


def collect(tree: HtmlElement) -> PageData:
    data = PageData()
    root_lang = tree.get("lang") or tree.get("xml:lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    data.html_lang = root_lang.strip() if root_lang else None
    for el in tree.iter("meta", "link", "script", "title", "h1", "time"):
        tag = el.tag
        if tag == "meta":
            content = el.get("content")
            if content is None:
                continue
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            if key:
                for part in key.lower().split():
                    data.meta.setdefault(part, []).append(content)
            if el.get("itemprop") and (el.get("property") or el.get("name")):
                data.meta.setdefault(el.get("itemprop").lower(), []).append(content)
            if el.get("itemprop"):
                data.itemprops.setdefault(el.get("itemprop").lower(), []).append(el)
        elif tag == "link":
            rel = el.get("rel")
            href = el.get("href")
            if rel and href:
                for part in rel.lower().split():
                    data.links.setdefault(part, []).append(href.strip())
        elif tag == "script":
            if (el.get("type") or "").strip().lower() not in ("application/ld+json", "application/json+ld"):
                continue
            text = el.text or ""
            parsed = parse_jsonld(text)
            if not parsed and text.strip():
                raw = _raw_fields(text)
                if raw:
                    raw["@type"] = "Article"
                    parsed = [raw]
            objects: list[dict] = []
            _flatten(parsed, objects)
            data.jsonld.extend(objects)
        elif tag == "title":
            if data.title_tag is None and el.text_content().strip():
                data.title_tag = " ".join(el.text_content().split())
        elif tag == "h1":
            data.h1.append(el)
        elif tag == "time":
            data.times.append(el)
    for obj in data.jsonld:
        ident = obj.get("@id")
        if isinstance(ident, str) and ident not in data.jsonld_ids:
            data.jsonld_ids[ident] = obj
    return data


def microdata(tree: HtmlElement, data: PageData) -> dict[str, list[HtmlElement]]:
    """itemprop elements anywhere in the page (only looked for when JSON-LD lacks a field)."""
    if not data.microdata_read:
        for el in tree.xpath("//*[@itemprop][not(self::meta)]"):
            for part in el.get("itemprop").lower().split():
                data.itemprops.setdefault(part, []).append(el)
        data.microdata_read = True
    return data.itemprops


def itemprop_value(el: HtmlElement) -> Optional[str]:
    for attr in ("content", "datetime", "href", "src"):
        value = el.get(attr)
        if value and value.strip():
            return value.strip()
    text = " ".join(el.text_content().split())
    return text or None


def resolve(value: Any, data: PageData) -> Any:
    """Follow a {"@id": ...} reference into the @graph."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return data.jsonld_ids.get(value["@id"], value)
    return value


def text_of(value: Any) -> Optional[str]:
    """A JSON-LD value as one string: str, first of a list, or an object's name/@value."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        for item in value:
            text = text_of(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        for key in ("@value", "name", "url", "@id"):
            if key in value:
                return text_of(value[key])
    return None


def strings(values: Iterable[Any]) -> list[str]:
    return [v for v in (text_of(x) for x in values) if v]
