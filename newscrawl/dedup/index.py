"""Compact in-memory structures for the near-duplicate index (numpy arrays, no per-entry
Python objects).

`KeyIndex` maps uint32 keys (a story's smallest shingle hashes) to uint32 story numbers:
a bucketed hash table, `SLOTS` entries per bucket, looked up for a whole batch of keys with
one gather. A bucket that is full drops further entries: only keys shared by many stories
(common phrases, boilerplate) fill one, and those do not identify a story anyway.

`ParagraphCounter` tells in how many distinct stories a paragraph was seen (0, 1, 2, 3+): a
Bloom filter for "seen once" and a small exact dict for the repeats.
"""
from __future__ import annotations

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)


class KeyIndex:
    SLOTS = 8
    MAX_LOAD = 0.8

    def __init__(self, expected_entries: int = 1 << 16):
        n_buckets = 1
        while n_buckets * self.SLOTS * self.MAX_LOAD < expected_entries:
            n_buckets *= 2
        self._alloc(n_buckets)
        self.entries = 0
        self.dropped = 0

    def _alloc(self, n_buckets: int) -> None:
        self.n_buckets = n_buckets
        self.mask = np.uint32(n_buckets - 1)
        self.keys = np.zeros((n_buckets, self.SLOTS), dtype=np.uint32)
        self.values = np.full((n_buckets, self.SLOTS), EMPTY, dtype=np.uint32)
        self.fill = np.zeros(n_buckets, dtype=np.uint8)

    def _bucket(self, keys: np.ndarray) -> np.ndarray:
        # Keys are already uniform hashes; mix once more so that low bits of sorted-small
        # hashes (the smallest of a story) do not crowd the first buckets.
        k = keys.astype(np.uint64) * np.uint64(0x9E3779B1)
        return ((k >> np.uint64(16)).astype(np.uint32) ^ keys) & self.mask

    def add(self, keys: np.ndarray, value: int) -> None:
        keys = np.asarray(keys, dtype=np.uint32)
        if self.entries + keys.size > self.n_buckets * self.SLOTS * self.MAX_LOAD:
            self._grow()
        buckets = self._bucket(keys)
        slots = self.fill[buckets]
        if slots.max(initial=0) < self.SLOTS - 1 and len(set(buckets.tolist())) == buckets.size:
            # the common case in one go: distinct buckets, none full
            self.keys[buckets, slots] = keys
            self.values[buckets, slots] = value
            self.fill[buckets] = slots + 1
            self.entries += keys.size
            return
        for key, bucket in zip(keys.tolist(), buckets.tolist()):
            slot = int(self.fill[bucket])
            if slot >= self.SLOTS:
                self.dropped += 1
                continue
            self.keys[bucket, slot] = key
            self.values[bucket, slot] = value
            self.fill[bucket] = slot + 1
            self.entries += 1

    def lookup(self, keys: np.ndarray) -> list[int]:
        """Values stored under any of `keys` (sorted, without repeats)."""
        keys = np.asarray(keys, dtype=np.uint32)
        if not keys.size:
            return []
        buckets = self._bucket(keys)
        values = self.values[buckets]
        hit = (self.keys[buckets] == keys[:, None]) & (values != EMPTY)
        return sorted(set(values[hit].tolist()))

    def _grow(self) -> None:
        valid = self.values != EMPTY
        keys, values = self.keys[valid], self.values[valid]
        self._alloc(self.n_buckets * 2)
        buckets = self._bucket(keys)
        order = np.argsort(buckets, kind="stable")
        buckets, keys, values = buckets[order], keys[order], values[order]
        # rank of each entry within its bucket
        starts = np.searchsorted(buckets, buckets, side="left")
        rank = np.arange(buckets.size) - starts
        ok = rank < self.SLOTS
        self.keys[buckets[ok], rank[ok]] = keys[ok]
        self.values[buckets[ok], rank[ok]] = values[ok]
        np.add.at(self.fill, buckets[ok], 1)
        self.dropped += int((~ok).sum())
        self.entries = int(ok.sum())

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.values.nbytes + self.fill.nbytes


class ParagraphCounter:
    """Seen in how many distinct stories (0, 1, 2, 3 = three or more)? Bloom filter (4 probes)
    for the first sighting, an exact dict for the repeats, which are rare (boilerplate).
    Plain Python on a bytearray: a story has a handful of paragraphs."""

    PROBES = 4

    def __init__(self, bits_log2: int = 24):
        self.bits = bytearray(1 << (bits_log2 - 3))
        self.mask = (1 << bits_log2) - 1
        self.repeated: dict[int, int] = {}

    def _positions(self, h: int) -> list[int]:
        # double hashing on a 64-bit mix of the (32-bit) paragraph hash
        x = (h * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        step = ((x * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF) | 1
        return [((x + i * step) >> 7) & self.mask for i in range(self.PROBES)]

    def _seen(self, positions: list[int]) -> bool:
        bits = self.bits
        return all(bits[p >> 3] & (1 << (p & 7)) for p in positions)

    def counts(self, hashes: list[int]) -> list[int]:
        out = []
        for h in hashes:
            if h in self.repeated:
                out.append(min(3, self.repeated[h]))
            else:
                out.append(1 if self._seen(self._positions(h)) else 0)
        return out

    def count(self, h: int) -> int:
        return self.counts([h])[0]

    def add_many(self, hashes: list[int]) -> None:
        bits = self.bits
        for h in hashes:
            positions = self._positions(h)
            if self._seen(positions):
                self.repeated[h] = min(255, self.repeated.get(h, 1) + 1)
                continue
            for p in positions:
                bits[p >> 3] |= 1 << (p & 7)

    def add(self, h: int) -> None:
        self.add_many([h])

    @property
    def nbytes(self) -> int:
        return len(self.bits) + 72 * len(self.repeated)


class SketchTable:
    """The StorySketch of every story, in flat numpy arrays: the 16-bit shingle samples in one
    growing heap, fixed-size fields in one array each. Story ids live in the store."""

    TITLE_WORDS = 12

    def __init__(self, expected_stories: int = 1 << 14, per_story: int = 64):
        n = max(16, expected_stories)
        self.count = 0
        self.heap = np.zeros(n * per_story, dtype=np.uint16)
        self.used = 0
        self.offset = np.zeros(n, dtype=np.uint32)  # heap positions: up to 4 billion samples
        self.length = np.zeros(n, dtype=np.uint8)
        self.n_shingles = np.zeros(n, dtype=np.uint32)
        self.threshold = np.zeros(n, dtype=np.uint32)
        self.date = np.zeros(n, dtype=np.float32)  # hours since the epoch: ~2 minutes precision
        self.version = np.zeros(n, dtype=np.uint16)
        self.title = np.zeros((n, self.TITLE_WORDS), dtype=np.uint16)
        self.title_len = np.zeros(n, dtype=np.uint8)

    def _grow_rows(self) -> None:
        new = int(self.offset.size * 1.5) + 16
        for name in ("offset", "length", "n_shingles", "threshold", "date", "version", "title_len"):
            old = getattr(self, name)
            arr = np.zeros(new, dtype=old.dtype)
            arr[: old.size] = old
            setattr(self, name, arr)
        title = np.zeros((new, self.TITLE_WORDS), dtype=np.uint16)
        title[: self.title.shape[0]] = self.title
        self.title = title

    def _put(self, number: int, sketch) -> None:
        low = sketch.low16
        if low.size > 255:
            raise ValueError("sketch too long")
        if self.used + low.size > self.heap.size:
            heap = np.zeros(int(self.heap.size * 1.5) + low.size, dtype=np.uint16)
            heap[: self.used] = self.heap[: self.used]
            self.heap = heap
        self.heap[self.used:self.used + low.size] = low
        self.offset[number] = self.used
        self.length[number] = low.size
        self.used += low.size
        self.n_shingles[number] = sketch.n_shingles
        self.threshold[number] = sketch.threshold
        self.date[number] = np.nan if sketch.date_hours is None else sketch.date_hours
        self.version[number] = min(sketch.version, 0xFFFF)
        title = sketch.title[: self.TITLE_WORDS]
        self.title[number, : title.size] = title
        self.title_len[number] = title.size

    def append(self, sketch) -> int:
        if self.count >= self.offset.size:
            self._grow_rows()
        number = self.count
        self._put(number, sketch)
        self.count += 1
        return number

    def replace(self, number: int, sketch) -> None:
        # The old sample stays in the heap as garbage: revisions are rare.
        self._put(number, sketch)

    def get(self, number: int, story_id: str):
        from newscrawl.dedup.similarity import StorySketch

        start = int(self.offset[number])
        date = float(self.date[number])
        return StorySketch(
            story_id, int(self.n_shingles[number]), int(self.threshold[number]),
            self.heap[start:start + int(self.length[number])].copy(),
            self.title[number, : int(self.title_len[number])].copy(),
            None if date != date else date, int(self.version[number]))

    @property
    def nbytes(self) -> int:
        """Bytes in use (arrays are grown ahead of need; the slack is not counted)."""
        per_row = (self.offset.itemsize + self.length.itemsize + self.n_shingles.itemsize
                   + self.threshold.itemsize + self.date.itemsize + self.version.itemsize
                   + self.title.itemsize * self.TITLE_WORDS + self.title_len.itemsize)
        return self.used * 2 + self.count * per_row
