"""Generic body extractor: page tree -> list of paragraphs.

STUB (trafilatura-based) so the rest of extraction can call it; the body work replaces it.
Contract: extract_body(tree, url, title=None, jsonld_body=None, profile=None) -> list[str]
  tree        lxml.html.HtmlElement of the whole page (parsed once by extraction/article.py;
              do not modify it in place: other fields are read from it too)
  url         the page URL
  title       the headline already extracted (to keep it out of the body)
  jsonld_body JSON-LD articleBody when the page gives one, else None
  profile     dict of the site profile (newscrawl/sites/<name>.toml) or None
Returns the paragraphs of the story, in order, without the headline.
"""
from __future__ import annotations

import copy
from typing import Any, Mapping, Optional

import trafilatura
from lxml.html import HtmlElement


def extract_body(
    tree: HtmlElement,
    url: str,
    title: Optional[str] = None,
    jsonld_body: Optional[str] = None,
    profile: Optional[Mapping[str, Any]] = None,
) -> list[str]:
    # trafilatura prunes the tree it is given: work on a copy.
    text = trafilatura.extract(copy.deepcopy(tree), url=url, include_comments=False,
                               include_tables=True, include_images=False, with_metadata=False)
    if not text:
        return []
    return [line.strip() for line in text.split("\n") if line.strip()]
