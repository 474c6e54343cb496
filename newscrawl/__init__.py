"""newscrawl: a news crawler on Scrapy."""

__version__ = "0.1.0"
