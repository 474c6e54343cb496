"""Loads discovery's marker phrases (markers.toml) and matches link/heading text against them."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib.resources import files

from newscrawl.text.arabic import BIDI_MARKS_CLASS, DIACRITICS_CLASS, LETTER_VARIANTS, TATWEEL

# Read through importlib.resources: the package may run from a zipped egg (scrapyd).
MARKERS_FILE = files("newscrawl.discovery").joinpath("markers.toml")

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


@lru_cache(maxsize=1)
def load_markers() -> dict:
    return tomllib.loads(MARKERS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def phrases(family: str) -> tuple[str, ...]:
    """All phrases of a family, normalised, longest first."""
    entry = load_markers()[family]
    values = entry if isinstance(entry, list) else [p for lang in entry.values() for p in lang]
    return tuple(sorted({normalize_marker_text(p) for p in values if p.strip()}, key=len, reverse=True))


def equals_phrase(text: str, family: str) -> bool:
    return normalize_marker_text(text) in phrases(family)


def starts_with_phrase(text: str, family: str) -> bool:
    norm = normalize_marker_text(text)
    for phrase in phrases(family):
        if norm.startswith(phrase) and (len(norm) == len(phrase) or not norm[len(phrase)].isalnum()):
            return True
    return False
