"""Article: the one definition of the export schema (schema_version 1).

Every stage (spider, `extract`, `dedup`, pipelines, exporters) builds and reads this
dataclass; the field order here is the key order of every exported JSON line.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Optional

SCHEMA_VERSION = 1

# Keys present in every exported line. `date` may be null when the page gives none;
# the others must be non-empty for a page to count as a story.
REQUIRED_FIELDS = ("url", "title", "body", "source", "date")
NON_EMPTY_FIELDS = ("url", "title", "body", "source")


@dataclass
class Article:
    # always present
    url: str = ""
    title: Optional[str] = None
    body: Optional[str] = None  # plain text, paragraphs separated by one blank line
    source: Optional[str] = None  # publisher name (falls back to the domain)
    date: Optional[str] = None  # ISO 8601 publication date, with offset when the page gives a time
    # identity
    id: Optional[str] = None  # stable across runs: derived from canonical_url
    canonical_url: Optional[str] = None
    # metadata: null / empty list when the page does not give it, never invented
    authors: list[str] = field(default_factory=list)
    language: Optional[str] = None  # ISO 639-1
    domain: Optional[str] = None  # registrable domain of the url
    section: Optional[str] = None
    tags: list[str] = field(default_factory=list)
    image: Optional[str] = None  # the lead image's URL (the first of `images`)
    images: list[dict] = field(default_factory=list)  # {url, caption, credit} in page order, lead image first
    summary: Optional[str] = None  # the standfirst under the headline (not part of body)
    paywalled: Optional[bool] = None  # true/false as the page marks it; null when it says nothing
    related_urls: list[str] = field(default_factory=list)
    credit: Optional[str] = None  # credit line moved out of the body ("Reuters", "عربي اليوم + وكالات")
    date_modified: Optional[str] = None
    fetched_at: Optional[str] = None  # ISO 8601 UTC
    version: int = 1  # incremented when a story is exported again after a revision
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        """Build from an export line; unknown keys are ignored, missing ones take defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


EXPORT_FIELDS = [f.name for f in fields(Article)]


def article_id(canonical_url: str) -> str:
    """A story's id: the same canonical URL gives the same id in every run."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:20]


def missing_required(article: Article) -> list[str]:
    return [name for name in NON_EMPTY_FIELDS if not getattr(article, name)]
