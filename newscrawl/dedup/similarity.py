"""What the state keeps per exported story (a bottom-k sketch) and the decision whether a new
story is a near-duplicate of one of them.

Signals, combined in `judge`:
  - containment: the share of the shorter text found in the longer (abridged copies are
    fully contained; template briefs that differ in a few slots are not),
  - coverage: the share of the longer text that the overlap makes up (a follow-up that reuses
    one or two background paragraphs covers little of the longer story),
  - title agreement and publication-date distance (copies are published within a day or two
    under a similar headline; they move the thresholds, they never decide alone),
  - shared-boilerplate discount: paragraphs already seen in two distinct exported stories
    (an "About the agency" paragraph, a disclaimer) are left out of the comparison.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

import numpy as np

from newscrawl.dedup.fingerprint import Fingerprint

# Shingle hashes kept per story: texts with at most this many shingles are kept whole (so
# short stories, where a few words decide, are compared exactly), longer ones as the
# SKETCH_SIZE smallest hashes (a uniform sample: containment error ~0.03 at 0.9).
SKETCH_SIZE = 128
# Smallest shingle hashes of each story put in the candidate index (and how many of a new
# story's smallest hashes are looked up there).
INDEX_KEYS = 8
QUERY_KEYS = 32

# Decision thresholds (see `judge`).
SHORT_TEXT_SHINGLES = 150  # below: few words decide, ask for more containment
CONTAINMENT_SHORT = 0.88
CONTAINMENT_LONG = 0.78
TITLE_AGREES = 0.5  # title word Jaccard from which the title supports a match
TITLE_BONUS = 0.03
FAR_APART_DAYS = 3.0  # copies further apart than this need more containment
FAR_APART_PENALTY = 0.05
MIN_COVERAGE = 0.40  # overlap must make up at least this share of the longer text
PARTIAL_COVERAGE = 0.60  # below: an abridged copy must agree on title or date
PARTIAL_TITLE = 0.4
PARTIAL_DAYS = 2.0
# A revision: same URL, body changed beyond this (1 - Jaccard of shingle sets).
REVISION_MIN_CHANGE = 0.03


@dataclass
class StorySketch:
    """Per exported story: identity, size, bottom-k shingle hashes, title words, date."""

    story_id: str
    n_shingles: int
    bottom: np.ndarray  # sorted uint32, at most SKETCH_SIZE smallest shingle hashes
    title_hashes: np.ndarray  # sorted uint32
    date_hours: Optional[float] = None  # publication time, hours since the epoch
    version: int = 1

    @property
    def exact_sample(self) -> bool:
        return self.n_shingles <= self.bottom.size

    def to_bytes(self) -> bytes:
        sid = self.story_id.encode("utf-8")
        date = float("nan") if self.date_hours is None else float(self.date_hours)
        head = struct.pack("<HIHHdI", len(sid), self.n_shingles, self.bottom.size,
                           self.title_hashes.size, date, self.version)
        return head + sid + self.bottom.astype("<u4").tobytes() + self.title_hashes.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "StorySketch":
        size = struct.calcsize("<HIHHdI")
        n_sid, n_sh, n_bottom, n_title, date, version = struct.unpack_from("<HIHHdI", data)
        pos = size
        sid = data[pos:pos + n_sid].decode("utf-8")
        pos += n_sid
        bottom = np.frombuffer(data, dtype="<u4", count=n_bottom, offset=pos).astype(np.uint32)
        pos += 4 * n_bottom
        title = np.frombuffer(data, dtype="<u4", count=n_title, offset=pos).astype(np.uint32)
        return cls(sid, n_sh, bottom, title, None if date != date else date, version)


def date_hours(value: Optional[str]) -> Optional[float]:
    """ISO 8601 date/date-time to hours since the epoch (naive = UTC); None when unparsable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp() / 3600.0


def sketch_of(fp: Fingerprint, story_id: str, date: Optional[str], version: int = 1) -> StorySketch:
    return StorySketch(story_id, fp.n_shingles, fp.shingles[:SKETCH_SIZE].copy(), fp.title_hashes,
                       date_hours(date), version)


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


def compare(fp: Fingerprint, date: Optional[float], old: StorySketch,
            boilerplate: Optional[np.ndarray] = None) -> PairEvidence:
    """Evidence that the new story `fp` and the stored `old` are the same story. `boilerplate`:
    sorted shingle hashes of the new story's paragraphs known to be shared boilerplate; they
    are left out on both sides."""
    new = fp.shingles
    bottom = old.bottom
    n_old = float(old.n_shingles)
    discounted = False
    if boilerplate is not None and boilerplate.size:
        kept_new = new[~np.isin(new, boilerplate, assume_unique=True)]
        kept_old = bottom[~np.isin(bottom, boilerplate, assume_unique=True)]
        # Only discount when something remains to compare on both sides.
        if kept_new.size and kept_old.size:
            n_old = n_old * kept_old.size / max(1, bottom.size)
            new, bottom, discounted = kept_new, kept_old, True
    if old.exact_sample or bottom.size == 0:
        inter = float(np.intersect1d(new, bottom, assume_unique=True).size)
        n_new, n_old_est = float(new.size), float(bottom.size)
    else:
        # Old story sampled: compare below its sketch threshold, where the sample is complete.
        threshold = old.bottom[-1]
        new_below = new[: np.searchsorted(new, threshold, side="right")]
        inter_below = float(np.intersect1d(new_below, bottom, assume_unique=True).size)
        frac_old = inter_below / max(1, bottom.size)  # share of old found in new
        frac_new = inter_below / max(1, new_below.size)  # share of new found in old
        n_new, n_old_est = float(new.size), n_old
        inter = frac_old * n_old_est if n_old_est <= n_new else frac_new * n_new
    smaller, larger = min(n_new, n_old_est), max(n_new, n_old_est)
    containment = min(1.0, inter / smaller) if smaller else 0.0
    coverage = min(1.0, inter / larger) if larger else 0.0
    t_new, t_old = fp.title_hashes, old.title_hashes
    t_union = np.union1d(t_new, t_old).size
    title_sim = np.intersect1d(t_new, t_old, assume_unique=True).size / t_union if t_union else 0.0
    days = abs(date - old.date_hours) / 24.0 if date is not None and old.date_hours is not None else None
    return PairEvidence(containment, coverage, smaller, float(title_sim), days, discounted)


def judge(ev: PairEvidence) -> Optional[str]:
    """The reason the pair is one story ('near-duplicate' / 'abridged'), or None: distinct.
    Precision first: when in doubt, both stories are exported."""
    need = CONTAINMENT_SHORT if ev.smaller < SHORT_TEXT_SHINGLES else CONTAINMENT_LONG
    if ev.title_similarity >= TITLE_AGREES:
        need -= TITLE_BONUS
    if ev.days_apart is not None and ev.days_apart > FAR_APART_DAYS:
        need += FAR_APART_PENALTY
    if ev.containment < need or ev.coverage < MIN_COVERAGE:
        return None
    if ev.coverage < PARTIAL_COVERAGE:
        agrees = ev.title_similarity >= PARTIAL_TITLE or (
            ev.days_apart is not None and ev.days_apart <= PARTIAL_DAYS)
        if not agrees:
            return None
    return "near-duplicate" if ev.coverage >= 0.8 else "abridged"


def body_change(fp: Fingerprint, old: StorySketch) -> float:
    """1 - estimated Jaccard between a new body and the stored sketch of the same URL."""
    ev = compare(fp, None, old)
    inter = ev.containment * ev.smaller
    larger = inter / ev.coverage if ev.coverage else max(fp.n_shingles, old.n_shingles)
    union = ev.smaller + larger - inter
    return 1.0 - (inter / union if union else 1.0)
