"""Cleaning: normalisation and boilerplate lines out of the body. PLACEHOLDER (issue 4)."""
from __future__ import annotations

from collections import Counter
from typing import Optional

from newscrawl.items import Article


def clean_article(article: Article, counts: Optional[Counter] = None) -> Article:
    return article
