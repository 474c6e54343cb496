"""The one home of text normalisation.

- `normalize_text`: what every exported text field goes through (titles, body lines, names).
- `fold_text` / `fold`: the matching form of a text (case kept; Latin accents, Arabic
  diacritics and letter variants, curly quotes folded) that cleaning's lexicon patterns are
  compared with.
- `normalize_marker_text`: the form discovery compares link and heading phrases in.
- `fingerprint_fold_table`: the fold dedup's fingerprints are computed on (applied with numpy
  by newscrawl/dedup/fingerprint.py), further than cleaning's: copies of one story differ in
  digits, teh marbuta and hamza seats.
All of them take the Arabic characters from the same tables (newscrawl/text/arabic.py).

`normalize_text` is idempotent: it runs its steps until the text stops changing, because
one step can expose work for another (a removed zero-width space can join `&am` and `p;`).
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Optional

from newscrawl.text.arabic import BIDI_MARKS_CLASS, DIACRITICS, DIACRITICS_CLASS, LETTER_VARIANTS, TATWEEL

# Characters that carry no text: zero-width space, word joiner, BOM, invisible operators,
# Arabic letter mark, LRM/RLM and the bidi embeddings/isolates. ZWNJ and ZWJ stay: they are
# spelling in Persian, Indic scripts and emoji. The soft hyphen stays too: it is the
# publisher's hyphenation hint, kept by the dev-set truth; dedup folds it away.
_INVISIBLE = re.compile(
    "[\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Tatweel that is spelling, not decoration: the connector after a one-letter prefix (ل ب ك و ف,
# also "ولـ") before a quote, a digit or Latin text ("لـ«الصباح»", "لـ 5 سنوات", "بـ 2024",
# "لـ CNN"), and the calendar abbreviations "هـ" / "مـ" after a date ("1441 هـ"). One tatweel
# is kept there; every other one is elongation between letters and goes (عاجــــل -> عاجل).
_TATWEEL_RUN = re.compile(
    r"(?:(?<![\w\u0640])([\u0648\u0641]?[\u0644\u0628\u0643]|[\u0648\u0641]|[\u0647\u0645]))?\u0640+"
    r"(?=([ \u00a0]?[«\"'“‘0-9\u0660-\u0669\u06f0-\u06f9A-Za-z])?)(?=(\w)?)")
_ABBREVIATIONS = ("\u0647", "\u0645")
# C0/C1 controls except tab and newline (tabs become spaces below).
_CONTROLS = re.compile("[\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f]")
# Every other line break becomes "\n"; the paragraph separator becomes a blank line.
_LINE_BREAKS = re.compile("\r\n|[\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028]")
# Horizontal white space, NBSP and the other Unicode spaces included (not "\n").
_SPACES = re.compile(r"[^\S\n]+")
# one-line text (titles, names): white space collapsed, but U+3000 (ideographic space) is a
# character of CJK headlines ("南海トラフ、一時調査\u3000巨大地震") and stays
_LINE_SPACES = re.compile(r"[^\S\u3000]+")
# Only entities with their closing ";" are decoded: "AT&T" or "&para" in prose stay as they are.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Arabic presentation forms (contextual glyph codes some sites still emit): NFKC maps them
# to the letters. Applied to these blocks only, so NFKC does not touch anything else.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")


def _decode_entities(text: str) -> str:
    for _ in range(8):  # "&amp;quot;" needs two rounds
        decoded = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
        if decoded == text:
            break
        text = decoded
    return text


def _remove_elongation(text: str) -> str:
    """Tatweel removed as elongation (عاجــــــل -> عاجل), one kept as a prefix connector."""
    if TATWEEL not in text:
        return text

    def replace(match: re.Match) -> str:
        prefix, follower, letter = match.group(1), match.group(2), match.group(3)
        if prefix in _ABBREVIATIONS:
            return prefix + (TATWEEL if not letter else "")
        if prefix and follower:
            return prefix + TATWEEL
        return prefix or ""

    return _TATWEEL_RUN.sub(replace, text)


def _normalize_once(text: str, multiline: bool) -> str:
    text = _INVISIBLE.sub("", text)
    text = _decode_entities(text)
    text = _INVISIBLE.sub("", text)
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = unicodedata.normalize("NFC", text)
    text = _remove_elongation(text)
    text = _CONTROLS.sub("", text)
    text = text.replace("\u2029", "\n\n")
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        return _LINE_SPACES.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    # Keep paragraph breaks (one blank line), drop runs of blank lines and edge blanks.
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def normalize_text(text: str, multiline: bool = True) -> str:
    """NFC with Arabic presentation forms mapped to letters; invisible and bidi control
    characters and tatweel removed; HTML entities decoded; white space (NBSP included)
    collapsed inside lines. With `multiline`, line breaks are kept and paragraphs stay
    separated by exactly one blank line; without it the result is a single line."""
    if not text:
        return ""
    for _ in range(6):
        cleaned = _normalize_once(text, multiline)
        if cleaned == text:
            break
        text = cleaned
    return text


def split_paragraphs(body: str) -> list[str]:
    """Paragraphs of a normalised body (separated by blank lines)."""
    return [p for p in body.split("\n\n") if p.strip()]


# --------------------------------------------------------------------------- matching forms

_CHAR_MAP = {
    **LETTER_VARIANTS,
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\uff1a": ":", "\u00a0": " ",
}


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    if ch in DIACRITICS:
        return ""
    if ch in _CHAR_MAP:
        return _CHAR_MAP[ch]
    if ch.isascii():
        return ch
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


class _FoldTable(dict):
    """str.translate table filled on first sight of each character (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Text for matching: case kept, accents, Arabic diacritics and letter variants folded."""
    return text.translate(_FOLD_TABLE)


def fold(text: str) -> tuple[str, list[int]]:
    """`fold_text`, and for each of its characters the index it came from in `text` (so a
    span matched in the folded text maps back to the original)."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        if f:
            out.append(f)
            origin.append(i)
    return "".join(out), origin


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


_INVISIBLE_FOR_FINGERPRINTS = (0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x034F, 0x180E)
# Beyond the letter variants cleaning folds: more alef forms, yeh with hamza, teh marbuta, waw with hamza.
_FINGERPRINT_ARABIC = {"\u0672": "\u0627", "\u0673": "\u0627", "\u0626": "\u064a", "\u0629": "\u0647", "\u0624": "\u0648"}


def fingerprint_fold_table(limit: int) -> dict[int, Optional[str]]:
    """str.translate table (code points below `limit`) of dedup's matching form: invisible
    characters, Arabic diacritics and tatweel dropped (None), Arabic letter variants folded,
    every decimal digit (Arabic-Indic, Devanagari, fullwidth …) in ASCII. Case and NFKC are
    the caller's (casefold after NFKC)."""
    table: dict[int, Optional[str]] = dict.fromkeys(_INVISIBLE_FOR_FINGERPRINTS)
    table[ord(TATWEEL)] = None
    table.update({ord(k): v for k, v in {**LETTER_VARIANTS, **_FINGERPRINT_ARABIC}.items()})
    table.update(dict.fromkeys((ord(mark) for mark in DIACRITICS), None))
    for cp in range(0x80, limit):
        if unicodedata.category(chr(cp)) == "Nd":
            table[cp] = str(unicodedata.digit(chr(cp)))
    return table
