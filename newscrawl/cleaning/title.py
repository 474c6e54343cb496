"""Titles: normalised to one line, the site's name taken off either end ("Story | Site",
"Site - Story"). One stripper serves extraction (which knows the page's site names: og:site_name,
publisher, profile, domain) and cleaning (which knows the export's source and domain)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable, Optional

from newscrawl import bylines
from newscrawl.text.normalise import fold_text, normalize_text

# Separators sites put between the headline and their name.
TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•»«/~]|::)\s+|\s+[|·•»]\s*|\s*[|·•»]\s+")
# a title quoting with « »: the guillemets are quote marks there, not separators
TITLE_SEPARATORS_QUOTING = re.compile(r"\s+(?:[|\-–—:·•/~]|::)\s+|\s+[|·•]\s*|\s*[|·•]\s+")
_DATE_PART = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s*$")
_MIN_HEAD_CHARS = 8


def compact_name(text: str) -> str:
    """A name reduced to its folded letters and digits: "BBC News" -> "bbcnews"."""
    return "".join(ch for ch in fold_text(unicodedata.normalize("NFKC", text)).casefold() if ch.isalnum())


def site_name_keys(names: Iterable[Optional[str]]) -> set[str]:
    """Keys of a site's names; a domain also gives its first label ("example.com" -> "example")."""
    keys = set()
    for name in names:
        if not name:
            continue
        name = name.strip().lstrip("@")
        keys.add(compact_name(name))
        host = name.split(":")[0].lower().removeprefix("www.")
        if re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", host):
            label = host.split(".")[0]
            if len(label) >= 3 and not label.isdigit():
                keys.add(compact_name(label))
    return {k for k in keys if len(k) >= 2}


def names_site(part: str, keys: set[str], at_end: bool = True) -> bool:
    """Whether a title part names the site: a key itself, or a longer form of one ("BBC News"
    for "BBC"), or at the title's end also a shorter one ("Example" for "Example Times",
    "Post" for coastline-post.co.uk). A title's first part is a shorter form too often by chance
    ("Left | Right" on "Left Right Daily") to be taken off."""
    compact = compact_name(part)
    if not compact or len(part.split()) > 6:
        return False
    for key in keys:
        if compact == key:
            return True
        if len(key) >= 3 and compact.startswith(key) and len(compact) <= len(key) + 12:
            return True
        if at_end and len(key) >= 4 and (key in compact or key.startswith(compact) or key.endswith(compact)) \
                and len(compact) <= len(key) + 12:
            return True
    return False


def strip_site_name(title: str, keys: set[str]) -> str:
    """`title` without the parts at either end that name the site (see `names_site`), a bare
    date or, at the end, a byline; repeatedly ("Pier vote | Local | Coastline Post | 28.04.2023"
    keeps "Pier vote | Local"). Never strips down to nothing or to a site name alone."""
    separators = TITLE_SEPARATORS_QUOTING if "«" in title and "»" in title else TITLE_SEPARATORS
    parts = separators.split(title)
    if len(parts) < 2 or not keys:
        return title
    seps = separators.findall(title)

    def removable(part: str, at_end: bool) -> bool:
        if not compact_name(part) or _DATE_PART.match(part):
            return True
        if at_end and len(parts) > 2 and bylines.read_byline(part):
            return True  # " | by Jane Doe": the byline some sites add to their <title> after the site's name
        return names_site(part, keys, at_end)

    while len(parts) > 1:
        if removable(parts[-1], True):
            parts, seps = parts[:-1], seps[:-1]
        elif removable(parts[0], False):
            parts, seps = parts[1:], seps[1:]
        else:
            break
    out = parts[0] + "".join(sep + part for sep, part in zip(seps, parts[1:]))
    out = out.strip()
    if not compact_name(out) or compact_name(out) in keys:
        return title
    return out


def clean_title(title: Optional[str], source: Optional[str] = None, domain: Optional[str] = None,
                counts: Optional[Counter] = None) -> Optional[str]:
    """Normalised title without the site's name at either end (only what names this site)."""
    if title is None:
        return None
    title = normalize_text(title, multiline=False)
    stripped = strip_site_name(title, site_name_keys([source, domain]))
    if stripped != title and counts is not None:
        counts["title_suffix"] += 1
    return stripped


def _last_part(title: str) -> Optional[tuple[str, str]]:
    """("head", "tail") split at the title's last separator, when both are plausible."""
    separators = TITLE_SEPARATORS_QUOTING if "«" in title and "»" in title else TITLE_SEPARATORS
    found = list(separators.finditer(title))
    if not found:
        return None
    head, tail = title[:found[-1].start()].strip(), title[found[-1].end():].strip()
    if len(head) < _MIN_HEAD_CHARS or not tail or len(tail) > 60:
        return None
    return head, tail


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
        split = _last_part(title)
        if not split:
            return
        tail = compact_name(split[1])
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
            split = _last_part(title)
            if not split or compact_name(split[1]) not in keys:
                break
            title = split[0]
        return title


# Learned during a run of this process (a crawl, an extract command); see SiteTitleSuffixes.
SITE_TITLE_SUFFIXES = SiteTitleSuffixes()
