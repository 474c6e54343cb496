"""Extraction: (url, headers, page bytes, fetch time) -> Article. Pure: no Scrapy, no network."""
from newscrawl.extraction.article import extract_article

__all__ = ["extract_article"]
