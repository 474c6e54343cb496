"""Related-article links inside a story (kept as its own entry point for extraction)."""
from newscrawl.discovery.links import find_related_links

__all__ = ["find_related_links"]
