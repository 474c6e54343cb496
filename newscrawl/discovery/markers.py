"""Discovery's marker phrases (the `[discovery]` tables of newscrawl/lexicons/*.toml) and matching
link and heading text against them."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newscrawl.lexicons import words_for
from newscrawl.text.arabic import BIDI_MARKS_CLASS, DIACRITICS_CLASS, LETTER_VARIANTS, TATWEEL

_STRIP_RE = re.compile(f"[{TATWEEL}{DIACRITICS_CLASS}\u200c\u200d{BIDI_MARKS_CLASS}]")
_VARIANTS = str.maketrans(LETTER_VARIANTS)
_EDGE_PUNCT = " \t\n\r\xa0:：-–—»«›‹>→←<…|•·.!?،؛()[]\"'"


def normalize_marker_text(text: str) -> str:
    """Lower-case, NFKC, no tatweel/harakat/bidi marks, hamza-less alef, collapsed spaces,
    no punctuation at the edges: 'إقرأ أيضاً:' and 'اقرا ايضا' compare equal."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _STRIP_RE.sub("", text).casefold()
    text = text.translate(_VARIANTS)
    text = " ".join(text.split())
    return text.strip(_EDGE_PUNCT)


def marker_words(family: str) -> list[str]:
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
