"""Related-article links inside a story: "Read also" lines and related-story blocks."""
from __future__ import annotations

from typing import Union

from parsel import Selector

# PLACEHOLDER: filled in with the discovery work (issue 2).


def find_related_links(page: Union[str, Selector], url: str) -> list[str]:
    """Absolute URLs of the related stories a story page links to, in page order, unique."""
    return []
