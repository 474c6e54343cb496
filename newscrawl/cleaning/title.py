"""Titles: normalised to one line, trailing site-name suffix removed ("Story | Site")."""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from newscrawl.text.normalise import fold_text, normalize_text

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


class SiteTitleSuffixes:
    """The suffix a site's <title>s share (" | Example News - Breaking News"), learned from
    the pages of the site already seen, so it comes off a headline even when it names the
    site in no form the page declares (og:site_name, publisher, domain).

    A tail after a title separator is the site's suffix once it ended at least `min_pages`
    distinct titles of the site and at least `min_share` of them. Memory is bounded: at most
    `max_sites` sites (the least recently seen go) and `max_tails` tails per site."""

    def __init__(self, min_pages: int = 3, min_share: float = 0.6, max_sites: int = 2000, max_tails: int = 20):
        self.min_pages, self.min_share = min_pages, min_share
        self.max_sites, self.max_tails = max_sites, max_tails
        self._sites: dict[str, tuple[Counter, set]] = {}  # site -> (tail counts, title hashes seen)

    def observe(self, site: str, title_tag: Optional[str]) -> None:
        if not site or not title_tag:
            return
        title = normalize_text(title_tag, multiline=False)[:300]
        entry = self._sites.pop(site, None) or (Counter(), set())
        self._sites[site] = entry  # most recently seen last
        if len(self._sites) > self.max_sites:
            del self._sites[next(iter(self._sites))]
        tails, seen = entry
        key = hash(title)
        if key in seen or len(seen) >= 10000:
            return
        seen.add(key)
        m = _SUFFIX.match(title)
        if not m:
            return
        tail = _compact(m.group("tail"))
        if tail in tails or len(tails) < self.max_tails:
            tails[tail] += 1

    def suffix_keys(self, site: str) -> set[str]:
        entry = self._sites.get(site)
        if not entry:
            return set()
        tails, seen = entry
        return {t for t, n in tails.items() if n >= self.min_pages and n >= self.min_share * len(seen)}

    def strip(self, site: str, title: Optional[str]) -> Optional[str]:
        """`title` without the site's learned suffix (repeatedly: "Story - Section | Site")."""
        keys = self.suffix_keys(site)
        if not title or not keys:
            return title
        for _ in range(3):
            m = _SUFFIX.match(title)
            if not m or len(m.group("head").strip()) < _MIN_HEAD_CHARS or _compact(m.group("tail")) not in keys:
                break
            title = m.group("head").strip()
        return title


# Learned during a run of this process (a crawl, an extract command); see SiteTitleSuffixes.
SITE_TITLE_SUFFIXES = SiteTitleSuffixes()
