"""Scrapy item pipelines: thin adapters around cleaning, validation and dedup."""
from __future__ import annotations

from collections import Counter

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.cleaning import clean_article
from newscrawl.dates import parse_since
from newscrawl.items import Article, missing_required


def _as_article(item) -> Article:
    if isinstance(item, Article):
        return item
    return Article.from_dict(ItemAdapter(item).asdict())


class CleaningPipeline:
    """Normalises text and moves boilerplate lines out of the body; counts removals by kind."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        counts: Counter = Counter()
        article = clean_article(_as_article(item), counts)
        for kind, n in counts.items():
            self.stats.inc_value(f"cleaning/removed/{kind}", n)
        return article


class ValidationPipeline:
    """Drops pages that are not stories after cleaning (no title or body), and stories
    published before NEWSCRAWL_SINCE."""

    def __init__(self, stats, since=None):
        self.stats = stats
        self.since = since

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, parse_since(crawler.settings.get("NEWSCRAWL_SINCE")))

    def process_item(self, item, spider=None):
        article = _as_article(item)
        missing = missing_required(article)
        if missing:
            self.stats.inc_value("items/dropped/incomplete")
            raise DropItem(f"not a story, missing {', '.join(missing)}: {article.url}")
        if self.since and article.date and article.date[:10] < self.since.date().isoformat():
            self.stats.inc_value("items/dropped/before_since")
            raise DropItem(f"published {article.date}, before --since: {article.url}")
        return article


class DedupPipeline:
    """PLACEHOLDER (issue 5): drops a second story with the same canonical URL within a run."""

    def __init__(self, stats):
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        article = _as_article(item)
        key = article.canonical_url or article.url
        if key in self.seen:
            self.stats.inc_value("dedup/duplicates")
            raise DropItem(f"duplicate of an exported story: {article.url}")
        self.seen.add(key)
        return article
