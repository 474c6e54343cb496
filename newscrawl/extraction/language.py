"""Language: the markup's claim (<html lang>, meta), checked against the text with
py3langid (its model ships inside the package; nothing is downloaded)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

# Languages the detector confuses with each other: between them the markup is believed.
CLOSE_GROUPS = [{"no", "da", "sv", "nn", "nb"}, {"hr", "sr", "bs", "sl"}, {"id", "ms"}, {"cs", "sk"},
                {"es", "gl", "ca", "pt"}, {"ru", "uk", "be", "bg", "mk"}, {"fa", "ar", "ur"}, {"hi", "mr", "ne"},
                {"lb", "de"}, {"af", "nl"}, {"zu", "xh"}]
ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "tl": "fil"}
MIN_TEXT_TO_OVERRULE = 200  # characters of text before the detector may overrule the markup
MIN_CONFIDENCE = 0.90


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise(code: Optional[str]) -> Optional[str]:
    if not code or not isinstance(code, str):
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    if not re.fullmatch(r"[a-z]{2,3}", primary) or primary in ("x", "und", "mul", "zxx"):
        return None
    primary = ALIASES.get(primary, primary)
    return primary if len(primary) == 2 else None


def detect(text: str) -> tuple[Optional[str], float]:
    text = text[:1200]
    if len(text.strip()) < 20:
        return None, 0.0
    lang, prob = _identifier().classify(text)
    return normalise(lang), float(prob)


def _close(a: str, b: str) -> bool:
    return any(a in group and b in group for group in CLOSE_GROUPS)


def choose_language(markup: Iterable[Optional[str]], text: str) -> Optional[str]:
    """The first valid markup language unless the text clearly says otherwise."""
    claimed = next((c for c in (normalise(m) for m in markup) if c), None)
    detected, confidence = detect(text)
    if claimed is None:
        return detected if confidence >= 0.5 else None
    if detected is None or detected == claimed:
        return claimed
    if len(text) >= MIN_TEXT_TO_OVERRULE and confidence >= MIN_CONFIDENCE and not _close(claimed, detected):
        return detected
    return claimed
