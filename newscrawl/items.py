"""Article: the one definition of the export schema (schema_version 2).

Every stage (spider, `extract`, `dedup`, pipelines, exporters) builds and reads this
dataclass; the field order here is the key order of every exported JSON line. Each field's
`metadata` holds its description and the JSON Schema rules beyond its Python type, from which
`newscrawl/schema/article.v2.schema.json` is generated (`python -m newscrawl.schema`).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Optional

SCHEMA_VERSION = 2

# Keys present in every exported line. `date` may be null when the page gives none;
# the others must be non-empty for a page to count as a story.
REQUIRED_FIELDS = ("url", "title", "body", "source", "date")
NON_EMPTY_FIELDS = ("url", "title", "body", "source")

# The date contract (newscrawl/date_contract.py): a full timestamp in UTC with its offset.
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
HTTP_URL_PATTERN = r"^https?://\S+$"
DATE_PRECISIONS = ("day", "minute", "second")
DATE_SOURCES = ("structured", "meta", "visible", "url", "feed", "sitemap")


def _field(doc: str, default: Any = None, factory=None, **rules) -> Any:
    metadata = {"doc": doc, "schema": rules}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class Article:
    # always present, non-empty in a story line (`date` may be null)
    url: str = _field("The URL the story was fetched from.", "", pattern=HTTP_URL_PATTERN)
    # (None only while a page is being built: a line without them is not a story, never exported)
    title: Optional[str] = _field("Headline.", type="string", minLength=1)
    body: Optional[str] = _field("Plain text, paragraphs separated by one blank line.", type="string", minLength=1)
    source: Optional[str] = _field("Publisher name (the domain when the page gives none).", type="string",
                                   minLength=1)
    date: Optional[str] = _field(
        "Publication time: a full ISO 8601 timestamp in UTC ('+00:00'), or null. A naive time on the page "
        "is read in the page's own timezone signals, else the site's `timezone`, else UTC.",
        format="date-time", pattern=TIMESTAMP_PATTERN)
    date_precision: Optional[str] = _field(
        "How much of `date` the page gave: day (midnight in the site's timezone), minute or second; "
        "null when `date` is null.", enum=DATE_PRECISIONS)
    date_source: Optional[str] = _field(
        "Where `date` was read: structured (JSON-LD, microdata, <time datetime>), meta (meta tags), "
        "visible (text shown to readers), url, feed or sitemap; null when `date` is null.", enum=DATE_SOURCES)
    # identity
    id: Optional[str] = _field("Stable across runs: derived from canonical_url.", pattern=r"^[0-9a-f]{20}$")
    canonical_url: Optional[str] = _field(
        "The identity key used by dedup: the page's rel=canonical (same site) or its URL, normalised "
        "(tracking parameters removed, parameters sorted, trailing slash removed). Not meant to be opened.",
        pattern=HTTP_URL_PATTERN)
    # metadata: null / empty list when the page does not give it, never invented
    authors: list[str] = _field("Author names, as the page gives them.", factory=list)
    language: Optional[str] = _field("ISO 639-1 code.", pattern=r"^[a-z]{2,3}$")
    domain: Optional[str] = _field("Registrable domain of the url.")
    section: Optional[str] = _field("Section named by the page.")
    tags: list[str] = _field("Tags / keywords named by the page.", factory=list)
    image: Optional[str] = _field("The lead image's URL (the first of `images`).")
    images: list[dict] = _field(
        "The story's images in page order, lead image first: {url, caption, credit}, caption and credit null "
        "when not given.", factory=list,
        items={"type": "object", "required": ["url", "caption", "credit"], "additionalProperties": False,
               "properties": {"url": {"type": "string"}, "caption": {"type": ["string", "null"]},
                              "credit": {"type": ["string", "null"]}}})
    summary: Optional[str] = _field("The standfirst under the headline (not part of body).")
    paywalled: Optional[bool] = _field("true/false as the page marks it; null when it says nothing.")
    related_urls: list[str] = _field("Links to related stories found in the page.", factory=list)
    credit: Optional[str] = _field("Credit line moved out of the body ('Reuters', 'عربي اليوم + وكالات').")
    date_modified: Optional[str] = _field(
        "Last revision time, same contract as `date` (full UTC timestamp or null).",
        format="date-time", pattern=TIMESTAMP_PATTERN)
    fetched_at: Optional[str] = _field("When the page was fetched (UTC).", format="date-time",
                                       pattern=TIMESTAMP_PATTERN)
    run_id: Optional[str] = _field("The crawl or extract run that wrote this line.", minLength=1)
    version: int = _field("1, incremented each time a revised story is exported again; keep the highest "
                          "per id.", 1, minimum=1)
    schema_version: int = _field("The export schema version.", SCHEMA_VERSION, const=SCHEMA_VERSION)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        """Build from an export line; unknown keys are ignored, missing ones take defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


EXPORT_FIELDS = [f.name for f in fields(Article)]
LIST_FIELDS = tuple(f.name for f in fields(Article) if str(f.type).startswith("list"))


def article_id(canonical_url: str) -> str:
    """A story's id: the same canonical URL gives the same id in every run."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:20]


def missing_required(article: Article) -> list[str]:
    return [name for name in NON_EMPTY_FIELDS if not getattr(article, name)]
