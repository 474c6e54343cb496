"""PLACEHOLDER first extraction (to be replaced by the extraction work, issue 3)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping, Optional, Union

import trafilatura

from newscrawl.dedup.urls import canonicalize_url, registrable_domain
from newscrawl.items import Article, article_id


def extract_article(
    html: Union[bytes, str],
    url: str,
    headers: Optional[Mapping[str, str]] = None,
    fetched_at: Optional[datetime] = None,
) -> Article:
    fetched_at = fetched_at or datetime.now(timezone.utc)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_images=False)
    canonical = canonicalize_url(url)
    art = Article(url=url, canonical_url=canonical, id=article_id(canonical), domain=registrable_domain(url),
                  fetched_at=fetched_at.astimezone(timezone.utc).isoformat(timespec="seconds"))
    if doc is not None:
        art.title = doc.title
        art.body = (doc.text or "").replace("\n", "\n\n") or None
        art.date = doc.date
        art.authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        art.source = doc.sitename
    art.source = art.source or art.domain
    return art
