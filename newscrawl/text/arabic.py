"""Arabic-script characters that cleaning, matching, dates and dedup treat alike.

One table each, so that "إقرأ أيضاً" folds the same way in discovery markers, cleaning
lexicons, date parsing and dedup fingerprints.
"""
from __future__ import annotations

TATWEEL = "\u0640"
# Harakat and other combining marks (U+064B-U+065F), Quranic annotation signs (U+0610-U+061A,
# U+06D6-U+06ED) and the superscript alef (U+0670): optional marks over the letters.
DIACRITICS_CLASS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
DIACRITICS = frozenset(chr(c) for c in [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE)])
# Direction marks and embeddings/isolates: the Arabic letter mark, LRM/RLM, LRE..RLO, LRI..PDI.
BIDI_MARKS_CLASS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Letter forms written interchangeably: hamza-carrying and wasla alefs, alef maksura and the
# Persian yeh, the Persian kaf.
LETTER_VARIANTS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك"}
