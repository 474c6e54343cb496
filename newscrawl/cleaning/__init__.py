"""Cleaning: normalisation and boilerplate lines out of the body (issue 4).

`clean_article` runs after extraction (item pipeline, `extract` command). It never raises
and a second run changes nothing. Removals are counted by kind in `counts`; the pipeline
turns them into the crawl stats `cleaning/removed/<kind>`.
"""
from __future__ import annotations

import logging
from collections import Counter
from typing import Optional

from newscrawl.bylines import people_and_organisations, strip_label
from newscrawl.cleaning.lexicon import load_lexicons
from newscrawl.cleaning.lines import CleanResult, clean_paragraphs
from newscrawl.cleaning.title import clean_title, compact_name
from newscrawl.text.normalise import normalize_text
from newscrawl.items import Article

__all__ = ["clean_article", "clean_title", "clean_paragraphs", "clean_authors", "normalize_text",
           "CleanResult", "load_lexicons"]

logger = logging.getLogger(__name__)


def _unique(items) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def clean_authors(authors: list[str]) -> list[str]:
    """Normalised author names, byline labels dropped ("By Jane Doe", "إعداد وكالة …")."""
    out = []
    for author in authors or []:
        if isinstance(author, str):
            out.append(strip_label(normalize_text(author, multiline=False)))
    return _unique(out)


def _clean(article: Article, counts: Counter) -> Article:
    if article.source:
        article.source = normalize_text(article.source, multiline=False) or None
    article.title = clean_title(article.title, article.source, article.domain, counts) or None
    if article.authors:
        article.authors = clean_authors(article.authors)
    if isinstance(article.body, str):
        result = clean_paragraphs([article.body], article.language, counts, title=article.title)
        article.body = "\n\n".join(result.paragraphs) or None
        credits = list(result.credits)
        if result.bylines and not article.authors:
            # authors are people: an agency named in the byline goes to credit
            people, orgs = people_and_organisations((n for names in result.bylines for n in names),
                                                    [article.source or "", article.domain or ""])
            article.authors = _unique(people)
            credits = [o for o in orgs if compact_name(o) not in {compact_name(article.source or ""), compact_name(article.domain or "")}] + credits
        if credits:
            previous = article.credit.split("; ") if article.credit else []
            article.credit = "; ".join(_unique(previous + credits))
    if article.credit:
        article.credit = normalize_text(article.credit, multiline=False) or None
    # the standfirst and captions: normalised like the title, nothing removed from them
    if isinstance(article.summary, str):
        article.summary = normalize_text(article.summary) or None
    for image in article.images or []:
        if isinstance(image, dict):
            for key in ("caption", "credit"):
                if isinstance(image.get(key), str):
                    image[key] = normalize_text(image[key], multiline=False) or None
    return article


def clean_article(article: Article, counts: Optional[Counter] = None) -> Article:
    """Clean an extracted article in place and return it; counts removals by kind."""
    counts = counts if counts is not None else Counter()
    try:
        return _clean(article, counts)
    except Exception:  # a cleaning bug must not lose the story: keep it as extracted
        logger.exception("cleaning failed for %s", getattr(article, "url", "?"))
        counts["error"] += 1
        return article
