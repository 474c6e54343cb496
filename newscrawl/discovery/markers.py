"""Discovery's marker phrases (the `[discovery]` tables of newscrawl/text/lexicons/*.toml) and matching
link and heading text against them."""
from __future__ import annotations

from functools import lru_cache

from newscrawl.text.lexicons import words_for
from newscrawl.text.normalise import normalize_marker_text


def marker_words(family: str) -> tuple[str, ...]:
    """A family's entries from every lexicon file, as written."""
    return words_for("discovery", family)


@lru_cache(maxsize=None)
def phrases(family: str) -> tuple[str, ...]:
    """All phrases of a family, every language, normalised, longest first."""
    return tuple(sorted({normalize_marker_text(p) for p in marker_words(family) if p.strip()}, key=len, reverse=True))


def equals_phrase(text: str, family: str) -> bool:
    return normalize_marker_text(text) in phrases(family)


def starts_with_phrase(text: str, family: str) -> bool:
    norm = normalize_marker_text(text)
    for phrase in phrases(family):
        if norm.startswith(phrase) and (len(norm) == len(phrase) or not norm[len(phrase)].isalnum()):
            return True
    return False
