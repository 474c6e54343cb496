"""What the state keeps per exported story (a bottom-k sketch) and the decision whether a new
story is a near-duplicate of one of them.

Signals, combined in `judge`:
  - containment: the share of the shorter text found in the longer (abridged copies are
    fully contained; template briefs that differ in a few slots are not),
  - coverage: the share of the longer text that the overlap makes up (a follow-up that reuses
    one or two background paragraphs covers little of the longer story),
  - title agreement and publication-date distance (copies are published within a day or two
    under a similar headline; they move the thresholds, they never decide alone; a partial
    copy must keep the headline),
  - shared-boilerplate discount: paragraphs already seen in three distinct exported stories
    (an "About the agency" paragraph, a disclaimer) must not be what makes a match.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Optional

import numpy as np

from newscrawl.text.dates import parse_timestamp
from newscrawl.dedup.fingerprint import Fingerprint

# Shingle hashes kept per story: texts with at most EXACT_SHINGLES shingles are kept whole (so
# short stories, where a few words decide, are compared exactly); longer ones as their
# SKETCH_SIZE smallest hashes, a uniform sample (containment error ~0.04 at 0.9).
EXACT_SHINGLES = 150
SKETCH_SIZE = 64
# Of each kept hash only the low 16 bits are stored, with the sample threshold in full: a
# hash of the new story below the threshold matches a stored one by chance with
# probability SKETCH_SIZE / 65536 (~0.1 %), which moves a similarity by far less than the
# sampling error.
TITLE_WORDS = 12  # smallest title-word hashes kept (16 bits each)
# Smallest shingle hashes of each story put in the candidate index (and how many of a new
# story's smallest hashes are looked up there).
INDEX_KEYS = 6
QUERY_KEYS = 32

# Decision thresholds (see `judge`).
SHORT_TEXT_SHINGLES = 150  # below: few words decide, ask for more containment
CONTAINMENT_SHORT = 0.88
CONTAINMENT_LONG = 0.78
TITLE_AGREES = 0.5  # title word Jaccard from which the title supports a match
TITLE_BONUS = 0.05
# Below this size (a three-sentence brief) the headline follows the same template as the
# text: distinct briefs share most of it, so it earns no bonus.
BRIEF_SHINGLES = 80
FAR_APART_DAYS = 3.0  # copies further apart than this need more containment
FAR_APART_PENALTY = 0.05
MIN_COVERAGE = 0.40  # overlap must make up at least this share of the longer text ...
PARTIAL_COVERAGE = 0.60  # below: an abridged copy, it must keep a similar headline
PARTIAL_TITLE = 0.25
# ... or, for a heavily abridged copy (the first paragraphs of a story whose later ones are
# long), this share when the shorter text is wholly contained and the headline agrees
ABRIDGED_MIN_COVERAGE = 0.20
ABRIDGED_CONTAINMENT = 0.95
ABRIDGED_TITLE = 0.5
# A paragraph found in this many distinct exported stories is shared boilerplate (two is not
# enough: a follow-up repeats its predecessor's lead paragraph).
BOILERPLATE_STORIES = 3
# A match is vetoed when, without the boilerplate paragraphs, less than this share of the
# shorter text is found in the longer (the discount only vetoes: a true copy keeps most of
# its content once a repeated lead or credit paragraph is left out).
BOILERPLATE_VETO = 0.5
# A revision: same URL, body changed beyond this (1 - Jaccard of shingle sets).
REVISION_MIN_CHANGE = 0.03

_LOW16 = np.uint32(0xFFFF)


@dataclass
class StorySketch:
    """Per exported story: identity, size, sampled shingle hashes, title words, date."""

    story_id: str
    n_shingles: int
    threshold: int  # largest kept shingle hash (full 32 bits): the sample covers [0, threshold]
    low16: np.ndarray  # sorted uint16: low 16 bits of the kept shingle hashes
    title: np.ndarray  # sorted uint16: hashes of the (smallest) title words
    date_hours: Optional[float] = None  # publication time, hours since the epoch
    version: int = 1

    @property
    def exact_sample(self) -> bool:
        return self.n_shingles <= EXACT_SHINGLES

    HEAD = "<HIIHHdI"

    def to_bytes(self) -> bytes:
        sid = self.story_id.encode("utf-8")
        date = float("nan") if self.date_hours is None else float(self.date_hours)
        head = struct.pack(self.HEAD, len(sid), self.n_shingles, self.threshold, self.low16.size,
                           self.title.size, date, self.version)
        return head + sid + self.low16.astype("<u2").tobytes() + self.title.astype("<u2").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "StorySketch":
        n_sid, n_sh, threshold, n_low, n_title, date, version = struct.unpack_from(cls.HEAD, data)
        pos = struct.calcsize(cls.HEAD)
        sid = data[pos:pos + n_sid].decode("utf-8")
        pos += n_sid
        low16 = np.frombuffer(data, dtype="<u2", count=n_low, offset=pos).astype(np.uint16)
        pos += 2 * n_low
        title = np.frombuffer(data, dtype="<u2", count=n_title, offset=pos).astype(np.uint16)
        return cls(sid, n_sh, threshold, low16, title, None if date != date else date, version)


def date_hours(value: Optional[str]) -> Optional[float]:
    """ISO 8601 date/date-time to hours since the epoch (naive = UTC); None when unparsable."""
    parsed = parse_timestamp(str(value)) if value else None
    return parsed.timestamp() / 3600.0 if parsed else None


def sketch_of(fp: Fingerprint, story_id: str, date: Optional[str], version: int = 1) -> StorySketch:
    keep = fp.shingles if fp.n_shingles <= EXACT_SHINGLES else fp.shingles[:SKETCH_SIZE]
    threshold = int(keep[-1]) if keep.size else 0
    title = np.sort((fp.title_hashes & _LOW16).astype(np.uint16))[:TITLE_WORDS]
    return StorySketch(story_id, fp.n_shingles, threshold, np.sort((keep & _LOW16).astype(np.uint16)),
                       title, date_hours(date), version)


def index_keys(fp: Fingerprint) -> np.ndarray:
    return fp.shingles[:INDEX_KEYS]


def query_keys(fp: Fingerprint) -> np.ndarray:
    return fp.shingles[:QUERY_KEYS]


@dataclass
class PairEvidence:
    containment: float  # share of the shorter text found in the longer
    coverage: float  # share of the longer text made up by the overlap
    smaller: float  # shingles of the shorter text (estimated when sampled)
    title_similarity: float
    days_apart: Optional[float]
    discounted: bool = False


def _member(sorted_values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Boolean mask: which queries are in `sorted_values` (faster than np.isin on small arrays)."""
    if not sorted_values.size or not queries.size:
        return np.zeros(queries.size, dtype=bool)
    idx = np.searchsorted(sorted_values, queries)
    idx[idx >= sorted_values.size] = sorted_values.size - 1
    return sorted_values[idx] == queries


def _title_similarity(new: np.ndarray, old: np.ndarray) -> float:
    """Jaccard of title-word sets, estimated from the TITLE_WORDS smallest of their union
    (exact for titles of up to TITLE_WORDS words)."""
    new = np.unique((new & _LOW16).astype(np.uint16))
    union = np.union1d(new, old)[:TITLE_WORDS]
    if not union.size:
        return 0.0
    both = _member(new, union) & _member(old, union)
    return float(both.sum()) / union.size


def compare(fp: Fingerprint, date: Optional[float], old: StorySketch,
            boilerplate: Optional[np.ndarray] = None) -> PairEvidence:
    """Evidence that the new story `fp` and the stored `old` are the same story. `boilerplate`:
    sorted shingle hashes of the new story's paragraphs known to be shared boilerplate; they
    are left out on both sides."""
    new = fp.shingles
    stored = old.low16
    n_old = float(old.n_shingles)
    discounted = False
    if boilerplate is not None and boilerplate.size:
        kept_new = new[~_member(boilerplate, new)]
        below = boilerplate[boilerplate <= old.threshold]
        kept_old = stored[~_member(np.sort((below & _LOW16).astype(np.uint16)), stored)]
        if not kept_new.size or not kept_old.size:
            # nothing but boilerplate on one side: nothing of their own is shared
            return PairEvidence(0.0, 0.0, float(min(kept_new.size, kept_old.size)), 0.0, None, True)
        n_old = n_old * kept_old.size / max(1, stored.size)
        new, stored, discounted = kept_new, kept_old, True
    # The stored sample is complete below its threshold: compare there.
    new_below = new[: np.searchsorted(new, np.uint32(old.threshold), side="right")]
    inter_below = float(_member(stored, (new_below & _LOW16).astype(np.uint16)).sum())
    n_new = float(new.size)
    if old.exact_sample or not stored.size:
        inter = inter_below
        n_old_est = float(stored.size)
    else:
        n_old_est = n_old
        frac_old = inter_below / stored.size  # share of old found in new
        frac_new = inter_below / max(1, new_below.size)  # share of new found in old
        inter = frac_old * n_old_est if n_old_est <= n_new else frac_new * n_new
    smaller, larger = min(n_new, n_old_est), max(n_new, n_old_est)
    containment = min(1.0, inter / smaller) if smaller else 0.0
    coverage = min(1.0, inter / larger) if larger else 0.0
    title_sim = _title_similarity(fp.title_hashes, old.title)
    days = abs(date - old.date_hours) / 24.0 if date is not None and old.date_hours is not None else None
    return PairEvidence(containment, coverage, smaller, title_sim, days, discounted)


def judge(ev: PairEvidence) -> Optional[str]:
    """The reason the pair is one story ('near-duplicate' / 'abridged'), or None: distinct.
    Precision first: when in doubt, both stories are exported."""
    need = CONTAINMENT_SHORT if ev.smaller < SHORT_TEXT_SHINGLES else CONTAINMENT_LONG
    if ev.title_similarity >= TITLE_AGREES and ev.smaller >= BRIEF_SHINGLES:
        need -= TITLE_BONUS
    if ev.days_apart is not None and ev.days_apart > FAR_APART_DAYS:
        need += FAR_APART_PENALTY
    if ev.containment < need:
        return None
    if ev.coverage < MIN_COVERAGE:
        heavily_abridged = (ev.coverage >= ABRIDGED_MIN_COVERAGE and ev.containment >= ABRIDGED_CONTAINMENT
                            and ev.title_similarity >= ABRIDGED_TITLE)
        if not heavily_abridged:
            return None
    if ev.coverage < PARTIAL_COVERAGE and ev.title_similarity < PARTIAL_TITLE:
        # Contained but covering little of the longer text: an abridged copy keeps the
        # headline; a follow-up that reuses background paragraphs has its own.
        return None
    return "near-duplicate" if ev.coverage >= 0.8 else "abridged"


def body_change(fp: Fingerprint, old: StorySketch) -> float:
    """1 - estimated Jaccard between a new body and the stored sketch of the same URL."""
    ev = compare(fp, None, old)
    inter = ev.containment * ev.smaller
    larger = inter / ev.coverage if ev.coverage else max(fp.n_shingles, old.n_shingles)
    union = ev.smaller + larger - inter
    return 1.0 - (inter / union if union else 1.0)
