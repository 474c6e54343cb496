"""Is the story behind a paywall? true / false / None (the page does not say).

Sources, most trusted first (vendor meta tags and container class names are data:
data/paywall.toml):

1. ``jsonld``: the story's ``isAccessibleForFree`` (``false``, ``"False"``, ``"no"`` ...);
   without it, a ``hasPart`` section (or a WebPageElement) with ``isAccessibleForFree`` false.
   A metered content tier overrides a JSON-LD false (metered sites set it for search engines,
   yet serve the story whole).
2. ``meta``: ``article:content_tier`` (locked / metered / free) and paywall vendors' tags.
3. ``container``: a paywall box showing text in place of the locked story.

A paywalled story keeps what the page shows; this only says so. Pure functions, no network.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Optional, Union

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

_DATA = resources.files("newscrawl.extraction").joinpath("data/paywall.toml")
_FALSE = {"false", "no", "0", "off"}
_TRUE = {"true", "yes", "1", "on"}


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    with _DATA.open("rb") as fh:
        data = tomllib.load(fh)
    meta = {key.lower(): {str(v).lower(): bool(flag) for v, flag in values.items()}
            for key, values in data.get("meta", {}).items()}
    classes = frozenset(c.lower() for c in data.get("containers", {}).get("classes", []))
    return {"meta": meta, "classes": classes}


def accessible_for_free(value: Any) -> Optional[bool]:
    """JSON-LD isAccessibleForFree as a bool: true/false, "True"/"False", "yes"/"no"."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower().rsplit("/", 1)[-1]  # "http://schema.org/False"
        if word in _FALSE:
            return False
        if word in _TRUE:
            return True
    return None


def _types(obj: dict) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _parts(value: Any) -> Iterable[dict]:
    for part in value if isinstance(value, list) else [value]:
        if isinstance(part, dict):
            yield part


def _from_jsonld(article_ld: Optional[dict], jsonld: list[dict]) -> Optional[bool]:
    """True when the story is not free to read, False when it is, None when it says nothing."""
    if article_ld:
        free = accessible_for_free(article_ld.get("isAccessibleForFree"))
        if free is not None:
            return not free
        if any(accessible_for_free(p.get("isAccessibleForFree")) is False for p in _parts(article_ld.get("hasPart"))):
            return True
    # the story's object does not say: a page-level object or a locked section elsewhere in the graph
    page_level = None
    for obj in jsonld:
        free = accessible_for_free(obj.get("isAccessibleForFree"))
        if free is None:
            continue
        types = _types(obj)
        if "webpageelement" in types and free is False:
            return True
        if types & {"webpage", "newsarticle", "article", "reportagenewsarticle", "blogposting",
                    "analysisnewsarticle", "opinionnewsarticle"} and page_level is None:
            page_level = not free
    return page_level


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in out:
                out[key] = content.strip().lower()
    return out


def _from_meta(metas: dict[str, str]) -> Optional[bool]:
    for key, values in _lexicon()["meta"].items():
        value = metas.get(key)
        if value is not None and value in values:
            return values[value]
    return None


def _is_metered(metas: dict[str, str]) -> bool:
    return any(metas.get(k) == "metered" for k in ("article:content_tier", "og:article:content_tier"))


# a cheap first pass: class attributes holding a word every lexicon class name contains
# (ASCII case folded only; one XPath for the attributes and a Python test is 4x faster than
# the test written as XPath translate())
_CLASS_ATTRS = etree.XPath("//@class")
_HINT_CASE = str.maketrans("WALSUBCRIPTOKED", "walsubcriptoked")


def _container_hints(tree: HtmlElement) -> list[HtmlElement]:
    found = []
    for value in _CLASS_ATTRS(tree):
        folded = value.translate(_HINT_CASE)
        if "wall" in folded or "subscri" in folded or "locked" in folded:
            found.append(value.getparent())
    return found


def _from_containers(tree: HtmlElement) -> Optional[bool]:
    """A paywall box that shows text (not an empty placeholder, not inside a script or template)."""
    classes = _lexicon()["classes"]
    for el in _container_hints(tree)[:200]:
        if not classes.intersection((el.get("class") or "").lower().split()):
            continue
        if any(a.tag in ("script", "template", "noscript") for a in el.iterancestors()):
            continue
        if len(" ".join(el.text_content().split())) >= 20:
            return True
    return None


def find_paywalled(tree: Optional[HtmlElement], article_ld: Optional[dict] = None,
                   jsonld: Optional[list[dict]] = None) -> tuple[Optional[bool], Optional[str]]:
    """(paywalled, source): source is jsonld, meta, container, or None when nothing says."""
    if tree is None:
        return None, None
    metas = _meta_values(tree)
    from_ld = _from_jsonld(article_ld, jsonld or [])
    if from_ld is True and _is_metered(metas):
        return False, "meta"
    if from_ld is not None:
        return from_ld, "jsonld"
    from_meta = _from_meta(metas)
    if from_meta is not None:
        return from_meta, "meta"
    if _from_containers(tree):
        return True, "container"
    return None, None


def paywalled_from_html(html: Union[str, bytes]) -> tuple[Optional[bool], Optional[str]]:
    """find_paywalled over a string of HTML."""
    from newscrawl.extraction.structured import collect, is_article

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    if not html.strip():
        return None, None
    tree = lxml.html.document_fromstring(html)
    data = collect(tree)
    article = next((o for o in data.jsonld if is_article(o)), None)
    return find_paywalled(tree, article, data.jsonld)
