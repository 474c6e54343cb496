"""Text fingerprints for dedup: their own normalisation (never applied to the exported text),
an exact body fingerprint, shingle hashes and the bottom-k sketch the near-duplicate index keeps.

Pure functions on strings; hashes are stable across processes and machines (polynomial
hashes with fixed multipliers, blake2b, crc32; never Python's randomised `hash`), because
they are stored in state that outlives a run. Tokenising and hashing run on numpy arrays of
code points: no Python work per word.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np

from newscrawl.text.normalise import fingerprint_fold_table

# Word shingle size; texts without spaces get one token per character, so the same size
# gives character 5-grams there.
SHINGLE_SIZE = 5

# --- normalisation -------------------------------------------------------------------------

# Scripts written without spaces between words: each character is a token of its own, so
# shingles there are character n-grams.
_NO_SPACE_RANGES = [
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x2FFFF),
]
_TABLE_SIZE = 0x30000  # code points above are rare: treated as word characters
_PARAGRAPH_SPLIT_RE = re.compile(r"\n\s*\n")

_tables = None


def _build_tables():
    """Per code point: what it becomes (0 = dropped) and its class (0 separator, 1 word
    character, 2 a token by itself). Built once, ~0.3 s; 1 MiB."""
    fold = np.arange(_TABLE_SIZE, dtype=np.uint32)
    cls = np.zeros(_TABLE_SIZE, dtype=np.uint8)
    for cp in range(_TABLE_SIZE):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "LNM":
            cls[cp] = 1
    for lo, hi in _NO_SPACE_RANGES:
        hi = min(hi, _TABLE_SIZE - 1)
        cls[lo:hi + 1] = np.where(cls[lo:hi + 1] == 1, 2, cls[lo:hi + 1])
    str_table = fingerprint_fold_table(_TABLE_SIZE)
    for cp, repl in str_table.items():
        fold[cp] = 0 if repl is None else ord(repl)
    return fold, cls, str_table


_NO_SPACE_CLASS = "".join("\\U%08x-\\U%08x" % r for r in _NO_SPACE_RANGES)
# The same tokens as _analyse, with a regex: for short texts (titles) where numpy's fixed
# cost per call dominates.
_SHORT_TOKEN_RE = re.compile(r"[%s]|[^\W%s]+" % (_NO_SPACE_CLASS, _NO_SPACE_CLASS))


def _short_text_hashes(text: str) -> np.ndarray:
    """Sorted unique uint32 hashes (crc32) of the normalised words of a short text."""
    global _tables
    if _tables is None:
        _tables = _build_tables()
    text = unicodedata.normalize("NFKC", text or "").casefold()
    if not text.isascii():
        text = text.translate(_tables[2])
    words = {zlib.crc32(w.encode("utf-8")) for w in _SHORT_TOKEN_RE.findall(text)}
    return np.array(sorted(words), dtype=np.uint32)


def _analyse(text: str):
    """Tokenise normalised text with numpy: (code points, token starts, token ends)."""
    global _tables
    if _tables is None:
        _tables = _build_tables()
    fold, cls_table, _ = _tables
    text = unicodedata.normalize("NFKC", text or "").casefold()
    if text.isascii():
        # one byte a character: the common case, and cheaper to move around
        cps = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        cls = cls_table[cps]
    else:
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        inside = cps < _TABLE_SIZE
        cps = np.where(inside, fold[np.minimum(cps, _TABLE_SIZE - 1)], cps)
        cps = cps[cps != 0]  # dropped marks join the word around them
        cls = np.where(cps < _TABLE_SIZE, cls_table[np.minimum(cps, _TABLE_SIZE - 1)], 1).astype(np.uint8)
    if not cps.size:
        empty = np.empty(0, dtype=np.int64)
        return cps, empty, empty
    # word runs: where the "is a word character" flag rises and falls
    padded = np.zeros(cps.size + 2, dtype=np.int8)
    padded[1:-1] = cls == 1
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if (cls == 2).any():  # characters that are tokens by themselves (CJK, Thai, ...)
        singles = np.flatnonzero(cls == 2)
        starts = np.concatenate((starts, singles))
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], np.concatenate((ends, singles + 1))[order]
    return cps, starts, ends


def normalize_text(text: str) -> str:
    """The normalised text fingerprints are computed on: NFKC, case-folded, invisible
    characters and Arabic harakat/tatweel dropped, alef / yeh / teh marbuta variants folded,
    digits in ASCII. (Punctuation is dropped by the tokenizer.)"""
    cps, _, _ = _analyse(text)
    return cps.astype("<u4").tobytes().decode("utf-32-le")


def tokens(text: str) -> list[str]:
    """Word tokens (single characters for scripts without spaces) of the normalised text;
    punctuation, symbols and whitespace only separate tokens."""
    cps, starts, ends = _analyse(text)
    norm = cps.astype("<u4").tobytes().decode("utf-32-le")
    return [norm[a:b] for a, b in zip(starts.tolist(), ends.tolist())]


def paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH_SPLIT_RE.split((text or "").strip()) if p.strip()]


# --- hashing -------------------------------------------------------------------------------

# Polynomial hashing of the code points, vectorised: prefix sums of (c+1)*P^i (mod 2^64 by
# numpy's wrap-around); a token's hash is (H[end]-H[start]) * P^-start. P is odd: invertible.
_P = 0x100000001B3
_P_INV = pow(_P, -1, 1 << 64)
_POWERS = np.empty(0, dtype=np.uint64)
_INV_POWERS = np.empty(0, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    global _POWERS, _INV_POWERS
    if _POWERS.size < n:
        size = max(n, 2 * _POWERS.size, 4096)
        with np.errstate(over="ignore"):
            powers = np.full(size, _P, dtype=np.uint64)
            powers[0] = 1
            inv = np.full(size, _P_INV, dtype=np.uint64)
            inv[0] = 1
            _POWERS, _INV_POWERS = np.cumprod(powers), np.cumprod(inv)
    return _POWERS[:n], _INV_POWERS[:n]


def _token_hashes(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit hash of each token (a function of its characters only)."""
    if not starts.size:
        return np.empty(0, dtype=np.uint64)
    n = cps.size
    powers, inv_powers = _powers(n)
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((cps.astype(np.uint64) + np.uint64(1)) * powers, out=prefix[1:])
        h = (prefix[ends] - prefix[starts]) * inv_powers[starts]
        # the length tells apart tokens whose characters sum alike; no final mix here, the
        # shingle hash mixes its tokens' hashes
        return h ^ ((ends - starts).astype(np.uint64) << np.uint64(56))


def _shingles_of(th: np.ndarray, size: int) -> np.ndarray:
    """uint32 hash of the shingle starting at each token (text order, with repeats); the
    whole text is one shingle when it has fewer than `size` tokens. A polynomial over the
    token hashes by prefix sums (a handful of array operations whatever the size), then the
    top 32 bits of a multiply-xorshift-multiply mix."""
    if not th.size:
        return np.empty(0, dtype=np.uint32)
    n = th.size - size + 1
    if n <= 0:
        size, n = th.size, 1
    powers, inv_powers = _powers(th.size + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(th.size + 1, dtype=np.uint64)
        np.cumsum(th * powers[: th.size], out=prefix[1:])
        acc = (prefix[size:size + n] - prefix[:n]) * inv_powers[:n]
        acc *= np.uint64(0x9E3779B97F4A7C15)
        acc ^= acc >> np.uint64(29)
        acc *= np.uint64(0xBF58476D1CE4E5B9)
        return (acc >> np.uint64(32)).astype(np.uint32)


def shingle_hashes(text: str, size: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 32-bit hashes of the token `size`-grams of a text. 32 bits keep sketches
    small; a chance collision between two stories' shingles (~1e-5 per comparison) moves a
    similarity by a fraction of a percent."""
    cps, starts, ends = _analyse(text)
    return sorted_unique(_shingles_of(_token_hashes(cps, starts, ends), size))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique for small arrays of integers, ~5x faster (a sort and a mask)."""
    if values.size < 2:
        return values.copy()
    ordered = np.sort(values)
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _digest(th: np.ndarray) -> bytes:
    return hashlib.blake2b(th.astype("<u8").tobytes(), digest_size=8).digest()


def exact_fingerprint(body: str) -> bytes:
    """8 bytes identifying the normalised token sequence of a body: equal for copies that differ
    only in case, punctuation, whitespace, invisible characters or Arabic letter variants."""
    return _digest(_token_hashes(*_analyse(body)))


# Paragraphs shorter than this (in tokens) are not tracked as possible shared boilerplate,
# nor any but the first BOILERPLATE_HEAD and the last BOILERPLATE_TAIL of a story.
MIN_BOILERPLATE_TOKENS = 12
BOILERPLATE_HEAD = 2
BOILERPLATE_TAIL = 3


@dataclass
class Fingerprint:
    """What dedup computes from one story's text (the full shingle set lives only while the
    story is being judged; the index keeps a bottom-k sketch of it)."""

    exact: bytes  # digest of the normalised token sequence of the body
    shingles: np.ndarray  # sorted unique uint32 shingle hashes of the body
    paragraph_hashes: list[int]  # crc32 of each tracked normalised paragraph (its token hashes)
    paragraph_spans: list[tuple[int, int]]  # its shingles: raw_shingles[start:end]
    raw_shingles: np.ndarray  # the shingle starting at each token, in text order
    title_hashes: np.ndarray  # sorted unique uint32 hashes of the normalised title words
    n_tokens: int

    @property
    def n_shingles(self) -> int:
        return int(self.shingles.size)

    def paragraph_shingles(self, index: int) -> np.ndarray:
        start, end = self.paragraph_spans[index]
        return sorted_unique(self.raw_shingles[start:end])


def fingerprint(body: str, title: str | None = None, size: int = SHINGLE_SIZE) -> Fingerprint:
    # Paragraph breaks become a form feed (a separator) so token positions map to paragraphs.
    text = "\f".join(paragraphs(body))
    cps, starts, ends = _analyse(text)
    th = _token_hashes(cps, starts, ends)
    raw = _shingles_of(th, size)
    para_hashes, para_spans = [], []
    if starts.size:
        # Token index range of each paragraph. Only the first and last paragraphs are
        # tracked as possible shared boilerplate: that is where agency notes, disclaimers,
        # newsletter plugs and copyright lines sit (and a story's lead, which follow-ups repeat).
        bounds = np.searchsorted(starts, np.flatnonzero(cps == 0x0C) + 1).tolist()
        firsts, lasts = [0] + bounds, bounds + [int(starts.size)]
        count = len(firsts)
        tracked = sorted(set(range(min(count, BOILERPLATE_HEAD))) | set(range(max(0, count - BOILERPLATE_TAIL), count)))
        th_bytes = th.astype("<u8", copy=False).tobytes()
        for i in tracked:
            a, b = firsts[i], lasts[i]
            if b - a >= MIN_BOILERPLATE_TOKENS:
                para_hashes.append(zlib.crc32(th_bytes[8 * a:8 * b]))
                para_spans.append((a, b))
    title_hashes = _short_text_hashes(title or "")
    return Fingerprint(
        exact=_digest(th),
        shingles=sorted_unique(raw),
        paragraph_hashes=para_hashes,
        paragraph_spans=para_spans,
        raw_shingles=raw,
        title_hashes=title_hashes,
        n_tokens=int(th.size),
    )


# --- computed off the reactor ----------------------------------------------------------------
# The crawl's page function (in a worker process) attaches the fingerprint of the story it
# extracted, so the reactor's dedup only looks it up. It is keyed by a checksum of the text,
# so a pipeline that changed the body or title in between gets a fresh one.
FINGERPRINT_ATTRIBUTE = "dedup_fingerprint"


def _text_key(body: str | None, title: str | None) -> int:
    return zlib.crc32(f"{title or ''}\x00{body or ''}".encode("utf-8", "surrogatepass"))


def attach_fingerprint(article) -> None:
    """Compute an Article's fingerprint now and keep it on the Article (not exported)."""
    setattr(article, FINGERPRINT_ATTRIBUTE,
            (_text_key(article.body, article.title), fingerprint(article.body or "", article.title)))


def story_fingerprint(article) -> Fingerprint:
    """The fingerprint of an Article's body and title: the attached one while the text is
    unchanged, else computed here. The attached copy is released: dedup needs it once."""
    attached = getattr(article, FINGERPRINT_ATTRIBUTE, None)
    if attached is not None:
        delattr(article, FINGERPRINT_ATTRIBUTE)
        if attached[0] == _text_key(article.body, article.title):
            return attached[1]
    return fingerprint(article.body or "", article.title)
