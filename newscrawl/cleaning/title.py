"""Titles: normalised to one line, trailing site-name suffix removed ("Story | Site")."""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from newscrawl.cleaning.lexicon import fold_text
from newscrawl.cleaning.text import normalize_text

# Separators sites put between the headline and their name.
_SUFFIX = re.compile(r"^(?P<head>.+?)\s+(?:\||-|–|—|::|·|•|»|«|/|~)\s+(?P<tail>[^|–—·•»«~]{1,60})$")
_MIN_HEAD_CHARS = 8


def _compact(text: str) -> str:
    return "".join(ch for ch in fold_text(text).casefold() if ch.isalnum())


def _site_keys(source: Optional[str], domain: Optional[str]) -> set[str]:
    keys = set()
    if source:
        keys.add(_compact(source))
    if domain:
        host = domain.split(":")[0].lower()
        if host.startswith("www."):
            host = host[4:]
        keys.add(_compact(host))
        label = host.split(".")[0]
        if len(label) >= 3 and not label.isdigit():
            keys.add(_compact(label))
    return {k for k in keys if len(k) >= 2}


def _is_site_name(tail: str, keys: set[str]) -> bool:
    tail_key = _compact(tail)
    if not tail_key or len(tail.split()) > 6:
        return False
    if tail_key in keys:
        return True
    # "BBC News" for bbc.co.uk, "Example Online" for example.com: the name starts with the
    # source or domain label; "Example" for "Example Times": a short form of the source.
    return any(len(k) >= 3 and tail_key.startswith(k) or len(tail_key) >= 4 and k.startswith(tail_key)
               for k in keys)


def clean_title(title: Optional[str], source: Optional[str] = None, domain: Optional[str] = None,
                counts: Optional[Counter] = None) -> Optional[str]:
    """Normalised title without a trailing " | Site name" (only when it names this site)."""
    if title is None:
        return None
    title = normalize_text(title, multiline=False)
    keys = _site_keys(source, domain)
    if not keys:
        return title
    for _ in range(5):  # "Story - Section | Site" loses only what names the site
        m = _SUFFIX.match(title)
        head = m.group("head").strip() if m else ""
        if not m or len(head) < _MIN_HEAD_CHARS or _compact(head) in keys or not _is_site_name(m.group("tail"), keys):
            break
        title = head
        if counts is not None:
            counts["title_suffix"] += 1
    return title
