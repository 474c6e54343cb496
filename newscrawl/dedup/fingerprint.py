"""Text fingerprints for dedup: their own normalisation (never applied to the exported text),
an exact body fingerprint, shingle hashes and the bottom-k sketch the near-duplicate index keeps.

Pure functions on strings; hashes are stable across processes and machines (crc32/blake2b
and fixed multipliers, never Python's randomised `hash`), because they are stored in state
that outlives a run.
"""
from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

# Word shingle size; texts without spaces get one token per character, so the same size
# gives character 5-grams there.
SHINGLE_SIZE = 5

# --- normalisation -------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x034F, 0x180E], None
)
# Arabic: harakat and Quranic marks dropped, tatweel dropped, alef / yeh / teh marbuta /
# hamza-seat variants folded to one letter each.
_ARABIC = {
    0x0640: None,  # tatweel
    0x0622: "\u0627", 0x0623: "\u0627", 0x0625: "\u0627", 0x0671: "\u0627", 0x0672: "\u0627", 0x0673: "\u0627",
    0x0649: "\u064A", 0x06CC: "\u064A", 0x0626: "\u064A",  # alef maksura / farsi yeh / yeh with hamza
    0x0629: "\u0647",  # teh marbuta
    0x0624: "\u0648",  # waw with hamza
    0x06A9: "\u0643",  # keheh
}
for _cp in list(range(0x064B, 0x0660)) + [0x0670] + list(range(0x06D6, 0x06EE)):
    _ARABIC[_cp] = None


def _digit_table() -> dict[int, str]:
    """Every Unicode decimal digit (Arabic-Indic, Devanagari, fullwidth …) to its ASCII digit."""
    table = {}
    for cp in range(0x80, sys.maxunicode + 1):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            table[cp] = str(unicodedata.digit(ch))
    return table


_TRANSLATE = {**_INVISIBLE, **_ARABIC, **_digit_table()}

# A token is a run of letters/digits/marks; one CJK / kana / Thai / Lao / Khmer / Myanmar
# character is a token by itself (those scripts do not separate words by spaces).
_NO_SPACE_SCRIPTS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f"
)
_TOKEN_RE = re.compile(r"[%s]|[^\W%s]+" % (_NO_SPACE_SCRIPTS, _NO_SPACE_SCRIPTS))
_PARAGRAPH_SPLIT_RE = re.compile(r"\n\s*\n")


def normalize_text(text: str) -> str:
    """Compatibility-normalised, case-folded text with invisible characters removed, digits in
    ASCII and Arabic letter variants folded. Punctuation is left to the tokenizer."""
    text = unicodedata.normalize("NFKC", text or "")
    # NFKC first (it composes NFD input), then drop marks and fold variants.
    return text.translate(_TRANSLATE).casefold()


def tokens(text: str) -> list[str]:
    """Word tokens (characters for scripts without spaces) of the normalised text;
    punctuation, symbols and whitespace only separate tokens."""
    return _TOKEN_RE.findall(normalize_text(text))


def paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH_SPLIT_RE.split((text or "").strip()) if p.strip()]


# --- hashing -------------------------------------------------------------------------------

_TOKEN_HASH_CACHE: dict[str, int] = {}
_TOKEN_HASH_CACHE_MAX = 500_000
_MASK64 = (1 << 64) - 1
# Odd 64-bit multipliers for the polynomial shingle hash (fixed: the hashes are persisted).
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)


def _token_hash(token: str) -> int:
    h = _TOKEN_HASH_CACHE.get(token)
    if h is None:
        data = token.encode("utf-8")
        # 64 bits from two crc32 with different seeds: fast, stable, good enough to key shingles.
        h = (zlib.crc32(data) << 32) | zlib.crc32(data, 0x5BD1E995)
        if len(_TOKEN_HASH_CACHE) >= _TOKEN_HASH_CACHE_MAX:
            _TOKEN_HASH_CACHE.clear()
        _TOKEN_HASH_CACHE[token] = h
    return h


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the bits so the low ones are uniform."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def exact_fingerprint(body: str) -> bytes:
    """8 bytes identifying the normalised token sequence of a body: equal for copies that differ
    only in case, punctuation, whitespace, invisible characters or Arabic letter variants."""
    return _digest(tokens(body))


def _digest(token_list: list[str]) -> bytes:
    return hashlib.blake2b(" ".join(token_list).encode("utf-8"), digest_size=8).digest()


def _hash32(token_list: list[str]) -> int:
    return zlib.crc32(" ".join(token_list).encode("utf-8"))


# Paragraphs shorter than this (in tokens) are not tracked as possible shared boilerplate.
MIN_BOILERPLATE_TOKENS = 12


@dataclass
class Fingerprint:
    """What dedup computes from one story's text (the full shingle set lives only while the
    story is being judged; the index keeps a bottom-k sketch of it)."""

    exact: bytes  # digest of the normalised token sequence of the body
    shingles: np.ndarray  # sorted unique uint32 shingle hashes of the body
    paragraph_hashes: list[int]  # crc32 of each long-enough normalised paragraph
    paragraph_shingles: list[np.ndarray]  # shingles starting in that paragraph (same order)
    title_hashes: np.ndarray  # sorted unique uint32 hashes of the normalised title words
    n_tokens: int

    @property
    def n_shingles(self) -> int:
        return int(self.shingles.size)


def fingerprint(body: str, title: str | None = None, size: int = SHINGLE_SIZE) -> Fingerprint:
    norm = normalize_text(body)
    para_tokens = [_TOKEN_RE.findall(p) for p in _PARAGRAPH_SPLIT_RE.split(norm)]
    para_tokens = [t for t in para_tokens if t]
    toks = [t for p in para_tokens for t in p]
    raw = _raw_shingles(toks, size)
    # The paragraph each shingle starts in: shingles of a boilerplate paragraph can be
    # discounted when two stories are compared.
    para_hashes, para_shingles = [], []
    start = 0
    for ptoks in para_tokens:
        if len(ptoks) >= MIN_BOILERPLATE_TOKENS:
            para_hashes.append(_hash32(ptoks))
            para_shingles.append(np.unique(raw[start:start + len(ptoks)]))
        start += len(ptoks)
    title_toks = tokens(title or "")
    title_hashes = np.unique(np.fromiter((_token_hash(t) & 0xFFFFFFFF for t in title_toks),
                                         dtype=np.uint32, count=len(title_toks)))
    return Fingerprint(
        exact=_digest(toks),
        shingles=np.unique(raw),
        paragraph_hashes=para_hashes,
        paragraph_shingles=para_shingles,
        title_hashes=title_hashes,
        n_tokens=len(toks),
    )


def _raw_shingles(token_list: list[str], size: int) -> np.ndarray:
    """uint32 hash of the shingle starting at each token position (unsorted, with repeats)."""
    if not token_list:
        return np.empty(0, dtype=np.uint32)
    th = np.fromiter((_token_hash(t) for t in token_list), dtype=np.uint64, count=len(token_list))
    n = len(th) - size + 1
    if n <= 0:
        size, n = len(th), 1
    with np.errstate(over="ignore"):
        acc = th[:n] * _MULTIPLIERS[0]
        for j in range(1, size):
            acc = acc + th[j:j + n] * _MULTIPLIERS[j % len(_MULTIPLIERS)]
        return (_mix64(acc) >> np.uint64(32)).astype(np.uint32)


def shingle_hashes(token_list: list[str], size: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 32-bit hashes of the token `size`-grams (the whole text as one shingle
    when it is shorter than `size`). 32 bits keep sketches small; a chance collision between
    two stories' shingles (~1e-5 per comparison) moves a similarity by a fraction of a percent."""
    return np.unique(_raw_shingles(token_list, size))
