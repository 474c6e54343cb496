"""What the crawl has learnt of one site, so a page can be judged by the site's habits and
not only by itself.

Pure and small. The spider (main process) owns one `SiteMemory` per site and feeds it the
result of every page (`observe`: the page's URL, its kind, its template, the URLs its
listings link to). The page function (which may run in a worker process) gets a compact,
picklable `snapshot()` as part of its hints and asks it two questions:

- is this URL story-shaped *for this site*? (`pattern_kind`): a site's stories share a URL
  shape (`/news.php?id`, `/#/#/#/*.html`), and its listings link to many URLs of that shape;
- is this page a story given the site's template? (`template_is_story`): a site's stories
  share a template (where the block of running text sits) and differ in that block.

Every count is bounded: a site with endless URL shapes cannot grow the memory without limit.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Optional

from newscrawl.discovery.urls import has_id_query, url_pattern

ARTICLE, LISTING = "article", "listing"
MAX_PATTERNS = 256  # URL shapes remembered per site
MAX_TEMPLATES = 64
# How much evidence makes a habit: stories of one shape seen, none of them a listing.
MIN_STORIES = 2
MIN_LISTINGS = 2
# A listing that links to this many URLs of one id-carrying shape names that shape as the
# site's stories before any of them is fetched.
MIN_LINKED = 4


class SiteMemory:
    """Counts per URL shape (pages of each kind, links from listings) and per template."""

    def __init__(self) -> None:
        self.kinds: dict[str, Counter] = {}
        self.linked: Counter = Counter()
        self.templates: dict[str, Counter] = {}
        self._snapshot: Optional[dict] = None

    def observe(self, url: str, kind: str, template: Optional[str] = None,
                links: Iterable[str] = ()) -> None:
        """A page of the site was classified as `kind`; `links` are the story candidates a
        listing links to (only their shapes are kept)."""
        pattern = url_pattern(url)
        if pattern in self.kinds or len(self.kinds) < MAX_PATTERNS:
            self.kinds.setdefault(pattern, Counter())[kind] += 1
        if template and (template in self.templates or len(self.templates) < MAX_TEMPLATES):
            self.templates.setdefault(template, Counter())[kind] += 1
        if kind == LISTING:
            per_page = Counter(url_pattern(u) for u in links if has_id_query(u))
            for linked_pattern, n in per_page.items():
                if n >= MIN_LINKED and (linked_pattern in self.linked or len(self.linked) < MAX_PATTERNS):
                    self.linked[linked_pattern] += 1
        self._snapshot = None

    def snapshot(self) -> dict:
        """The compact, picklable form sent with a page's hints (cached until the next observe)."""
        if self._snapshot is None:
            story, listing = [], []
            for pattern, counts in self.kinds.items():
                if counts[ARTICLE] >= MIN_STORIES and counts[ARTICLE] >= 4 * counts[LISTING]:
                    story.append(pattern)
                elif counts[LISTING] >= MIN_LISTINGS and not counts[ARTICLE]:
                    listing.append(pattern)
            # Shapes listings point at, not yet confirmed by fetched stories.
            linked = [p for p in self.linked if p not in listing and p not in story]
            templates = [t for t, c in self.templates.items()
                         if c[ARTICLE] >= MIN_STORIES and c[ARTICLE] >= 4 * c[LISTING]]
            self._snapshot = {"story_patterns": sorted(story), "listing_patterns": sorted(listing),
                              "linked_patterns": sorted(linked), "story_templates": sorted(templates)}
        return self._snapshot


def pattern_kind(hints: Optional[dict], url: str) -> Optional[str]:
    """'article' or 'listing' when the site's habits say so for this URL's shape, else None."""
    if not hints:
        return None
    pattern = url_pattern(url)
    if pattern in hints.get("story_patterns", ()) or pattern in hints.get("linked_patterns", ()):
        return ARTICLE
    if pattern in hints.get("listing_patterns", ()):
        return LISTING
    return None


def template_is_story(hints: Optional[dict], template: Optional[str]) -> bool:
    return bool(hints and template and template in hints.get("story_templates", ()))
