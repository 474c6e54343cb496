"""RedisStore: the DedupStore of a crawl over several machines (newscrawl.distributed).

Every worker decides on its stories against the same state. A decision reads what it needs
(get_url, find_exact, candidates, sketch, paragraph_counts) and stages its writes; `commit()`
applies them in one Lua script that first checks that no other worker committed since the
decision began (optimistic concurrency on one version counter). When one did, the script
changes nothing and `commit()` raises StoreConflict: the caller decides again on fresh state.
So two workers holding copies of one wire story never both export it: the second decision
is replayed and finds the first story.

Memory: the state is laid out to stay in Redis's compact encodings (listpacks inside small
hashes and lists, one bit string), about 300 bytes a story (benchmarks/distributed.py):

  dedup:u:B    hash  URL hash (6 bytes) -> story number, exact fingerprint, version (13 bytes)
  dedup:x:B    hash  exact fingerprint (6 bytes) -> story number
  dedup:s:K    list  the compact sketches of stories 128*K .. 128*K+127, in number order
  dedup:k:B    hash  index key -> story number (or packed numbers; "X" once too common)
  dedup:p      bits  Bloom filter of paragraph hashes seen once
  dedup:pr     hash  paragraph hash -> count, for paragraphs seen in more than one story
  dedup:n      the story counter; dedup:ver the commit counter; dedup:meta the bucket counts

Bucket counts are fixed when the state is created (from `expected_stories`), so that a
bucket holds about 100 entries (Redis keeps a hash of up to 128 small entries as a listpack).
Redis Cluster is not supported: the scripts touch keys they compute.
"""
from __future__ import annotations

import hashlib
import math
import struct
from typing import Iterable, Optional

import numpy as np

from newscrawl.dedup.store import DedupStore, UrlRecord
from newscrawl.dedup.similarity import StorySketch

SKETCH_BLOCK = 128  # sketches per list key
PER_BUCKET = 96  # target entries per hash bucket (listpack up to 128)
MAX_POSTINGS = 16  # an index key in more stories than this is a common phrase: dropped
PROVISIONAL = 0xFFFFFFFF  # the number of the story added by the decision being committed
PARAGRAPH_PROBES = 4


class StoreConflict(Exception):
    """Another worker committed while this decision was made: decide again."""


def _pow2_at_least(n: float) -> int:
    return 1 << max(4, math.ceil(math.log2(max(2.0, n))))


def _ef_low_bits(n: int) -> int:
    return max(0, int(math.floor(math.log2(65536 / n)))) if n else 0


def ef_encode(values: np.ndarray) -> bytes:
    """Sorted 16-bit values in Elias-Fano form: n*L low bits, then n + 2^16/2^L bits of unary
    high parts (L = log2(2^16 / n)): 96 bytes for the 64 values of a sketch, not 128."""
    n = int(values.size)
    if not n:
        return b""
    low_bits = _ef_low_bits(n)
    v = values.astype(np.uint32)
    low = ((v[:, None] >> np.arange(low_bits, dtype=np.uint32)) & 1).astype(np.uint8).ravel()
    upper = np.zeros(n + (65536 >> low_bits), dtype=np.uint8)
    upper[(v >> low_bits) + np.arange(n, dtype=np.uint32)] = 1
    return np.packbits(low, bitorder="little").tobytes() + np.packbits(upper, bitorder="little").tobytes()


def ef_decode(data: bytes, n: int, offset: int = 0) -> tuple[np.ndarray, int]:
    """(values, offset after them)."""
    if not n:
        return np.zeros(0, dtype=np.uint16), offset
    low_bits = _ef_low_bits(n)
    low_len = (n * low_bits + 7) // 8
    upper_bits = n + (65536 >> low_bits)
    upper_len = (upper_bits + 7) // 8
    raw = np.frombuffer(data, dtype=np.uint8, count=low_len + upper_len, offset=offset)
    low = np.unpackbits(raw[:low_len], bitorder="little")[:n * low_bits].reshape(n, low_bits).astype(np.uint32)
    low = (low << np.arange(low_bits, dtype=np.uint32)).sum(axis=1, dtype=np.uint32)
    upper = np.unpackbits(raw[low_len:], bitorder="little")[:upper_bits]
    high = np.flatnonzero(upper)[:n].astype(np.uint32) - np.arange(n, dtype=np.uint32)
    return ((high << low_bits) | low).astype(np.uint16), offset + low_len + upper_len


def pack_sketch(sketch: StorySketch) -> bytes:
    sid = sketch.story_id
    if len(sid) == 20 and all(c in "0123456789abcdef" for c in sid):
        sid_part = b"\xff" + bytes.fromhex(sid)
    else:
        raw = sid.encode("utf-8")[:254]
        sid_part = bytes([len(raw)]) + raw
    date = float("nan") if sketch.date_hours is None else sketch.date_hours
    head = struct.pack("<IIfBBB", sketch.n_shingles, sketch.threshold, date, min(sketch.version, 255),
                       sketch.low16.size, sketch.title.size)
    return head + sid_part + ef_encode(np.sort(sketch.low16)) + sketch.title.astype("<u2").tobytes()


def unpack_sketch(data: bytes) -> StorySketch:
    n_sh, threshold, date, version, n_low, n_title = struct.unpack_from("<IIfBBB", data)
    pos = 15
    if data[pos] == 0xFF:
        sid = data[pos + 1:pos + 11].hex()
        pos += 11
    else:
        sid = data[pos + 1:pos + 1 + data[pos]].decode("utf-8")
        pos += 1 + data[pos]
    low16, pos = ef_decode(data, n_low, pos)
    title = np.frombuffer(data, dtype="<u2", count=n_title, offset=pos).astype(np.uint16)
    return StorySketch(sid, n_sh, threshold, low16, title, None if date != date else float(date), version)


def paragraph_positions(h: int, mask: int) -> list[int]:
    # the same double hashing as newscrawl.dedup.index.ParagraphCounter
    x = (int(h) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 29
    step = ((x * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF) | 1
    return [((x + i * step) >> 7) & mask for i in range(PARAGRAPH_PROBES)]


# Applies one decision's staged writes if the commit counter still has the value read when
# the decision began. ARGV: prefix, expected version, then the ops (see RedisStore.commit).
APPLY = """
local p = ARGV[1]
local ver = tonumber(redis.call('GET', p .. 'ver') or '0')
if ver ~= tonumber(ARGV[2]) then return -2 end
local added = -1
local function index(n, i, nkeys)
  for j = 0, nkeys - 1 do
    local key, field = ARGV[i + 2 * j], ARGV[i + 2 * j + 1]
    local old = redis.call('HGET', key, field)
    if not old then
      redis.call('HSET', key, field, n)
    elseif old ~= 'X' then
      local packed
      if string.sub(old, 1, 1) == 'P' then packed = old else packed = 'P' .. struct.pack('<I4', tonumber(old)) end
      if (#packed - 1) / 4 >= tonumber(ARGV[3]) then packed = 'X' else packed = packed .. struct.pack('<I4', n) end
      redis.call('HSET', key, field, packed)
    end
  end
  return i + 2 * nkeys
end
local i = 4
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'U' then
    local value = ARGV[i + 3]
    if string.sub(value, 1, 4) == '\\255\\255\\255\\255' then value = struct.pack('<I4', added) .. string.sub(value, 5) end
    redis.call('HSET', ARGV[i + 1], ARGV[i + 2], value)
    i = i + 4
  elseif op == 'S' then
    added = redis.call('INCR', p .. 'n') - 1
    redis.call('RPUSH', p .. 's:' .. math.floor(added / 128), ARGV[i + 1])
    redis.call('HSETNX', ARGV[i + 2], ARGV[i + 3], added)
    i = index(added, i + 5, tonumber(ARGV[i + 4]))
  elseif op == 'R' then
    local n = tonumber(ARGV[i + 1])
    redis.call('LSET', p .. 's:' .. math.floor(n / 128), n % 128, ARGV[i + 2])
    redis.call('HSETNX', ARGV[i + 3], ARGV[i + 4], n)
    i = index(n, i + 6, tonumber(ARGV[i + 5]))
  elseif op == 'P' then
    local count = tonumber(ARGV[i + 1])
    i = i + 2
    for _ = 1, count do
      local h = ARGV[i]
      local seen = true
      for j = 1, 4 do
        if redis.call('GETBIT', p .. 'p', ARGV[i + j]) == 0 then seen = false end
      end
      if seen then
        local c = tonumber(redis.call('HGET', p .. 'pr', h) or '1')
        redis.call('HSET', p .. 'pr', h, math.min(255, c + 1))
      else
        for j = 1, 4 do redis.call('SETBIT', p .. 'p', ARGV[i + j], 1) end
      end
      i = i + 5
    end
  else
    return redis.error_reply('bad op ' .. tostring(op))
  end
end
redis.call('INCR', p .. 'ver')
return added
"""


class RedisStore(DedupStore):
    def __init__(self, client, prefix: str, expected_stories: int = 1_000_000):
        from newscrawl.dedup.similarity import INDEX_KEYS

        self.r = client
        self.p = prefix + "dedup:"
        meta_key = self.p + "meta"
        # The first worker fixes the layout; the others read it.
        client.hsetnx(meta_key, "url_buckets", _pow2_at_least(expected_stories / PER_BUCKET))
        client.hsetnx(meta_key, "key_buckets", min(1 << 16, _pow2_at_least(expected_stories * INDEX_KEYS / PER_BUCKET)))
        client.hsetnx(meta_key, "paragraph_bits", max(20, math.ceil(math.log2(max(1, expected_stories) * 12 * 10))))
        meta = {k.decode(): int(v) for k, v in client.hgetall(meta_key).items()}
        self.url_buckets = meta["url_buckets"]
        self.key_buckets = meta["key_buckets"]
        self.key_shift = self.key_buckets.bit_length() - 1
        self.paragraph_mask = (1 << meta["paragraph_bits"]) - 1
        self._apply = client.register_script(APPLY)
        self.version: Optional[int] = None
        self.ops: list = []
        self.conflicts = 0

    # --- key layout --------------------------------------------------------------------------
    def _split(self, kind: str, digest: bytes, buckets: int) -> tuple[str, bytes]:
        """An 8-byte hash as (bucket key, 6-byte field): the bucket takes the first two bytes."""
        bucket = int.from_bytes(digest[:2], "little") & (buckets - 1)
        return f"{self.p}{kind}:{bucket}", digest[2:8]

    def _url_slot(self, url: str) -> tuple[str, bytes]:
        return self._split("u", hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), self.url_buckets)

    def _exact_slot(self, exact: bytes) -> tuple[str, bytes]:
        return self._split("x", exact[:8].ljust(8, b"\0"), self.url_buckets)

    def _key_slot(self, key: int) -> tuple[str, int]:
        key = int(key)
        return f"{self.p}k:{key & (self.key_buckets - 1)}", key >> self.key_shift

    # --- the decision's view -----------------------------------------------------------------
    def _begin(self) -> None:
        if self.version is None:
            self.version = int(self.r.get(self.p + "ver") or 0)

    def get_url(self, key):
        self._begin()
        value = self.r.hget(*self._url_slot(key))
        if value is None:
            return None
        number, exact, version = struct.unpack("<I8sB", value)
        return UrlRecord(self.sketch(number).story_id, number, exact, version)

    def find_exact(self, exact):
        self._begin()
        value = self.r.hget(*self._exact_slot(exact))
        return int(value) if value is not None else None

    def candidates(self, keys):
        self._begin()
        slots = [self._key_slot(k) for k in keys]
        if not slots:
            return []
        pipe = self.r.pipeline(transaction=False)
        for bucket, field in slots:
            pipe.hget(bucket, field)
        found = set()
        for value in pipe.execute():
            if value is None or value == b"X":
                continue
            if value[:1] == b"P":
                found.update(struct.unpack(f"<{(len(value) - 1) // 4}I", value[1:]))
            else:
                found.add(int(value))
        return sorted(found)

    def sketch(self, number):
        self._begin()
        data = self.r.lindex(f"{self.p}s:{number // SKETCH_BLOCK}", number % SKETCH_BLOCK)
        if data is None:
            raise KeyError(f"story {number} is not in the dedup state")
        return unpack_sketch(data)

    def paragraph_counts(self, hashes):
        self._begin()
        if not hashes:
            return []
        pipe = self.r.pipeline(transaction=False)
        for h in hashes:
            pipe.hget(self.p + "pr", int(h))
            for pos in paragraph_positions(h, self.paragraph_mask):
                pipe.getbit(self.p + "p", pos)
        results = pipe.execute()
        counts = []
        for i in range(len(hashes)):
            repeated, bits = results[i * 5], results[i * 5 + 1:i * 5 + 5]
            counts.append(min(3, int(repeated)) if repeated is not None else (1 if all(bits) else 0))
        return counts

    # --- staged writes -----------------------------------------------------------------------
    def put_url(self, key, record):
        self._begin()
        bucket, field = self._url_slot(key)
        number = PROVISIONAL if record.number < 0 else record.number
        self.ops += ["U", bucket, field, struct.pack("<I8sB", number, record.exact[:8], min(record.version, 255))]

    def _index_args(self, keys: np.ndarray) -> list:
        args: list = [len(keys)]
        for k in keys:
            args += list(self._key_slot(k))
        return args

    def add_story(self, sketch, exact, keys):
        self._begin()
        self.ops += ["S", pack_sketch(sketch), *self._exact_slot(exact), *self._index_args(keys)]
        return -1  # provisional: the script numbers the story and fills it in put_url

    def replace_story(self, number, sketch, exact, keys):
        self._begin()
        self.ops += ["R", number, pack_sketch(sketch), *self._exact_slot(exact), *self._index_args(keys)]

    def add_paragraphs(self, hashes: Iterable[int]):
        self._begin()
        hashes = list(hashes)
        args: list = ["P", len(hashes)]
        for h in hashes:
            args += [int(h), *paragraph_positions(h, self.paragraph_mask)]
        self.ops += args

    def commit(self):
        ops, version = self.ops, self.version
        self.ops, self.version = [], None
        if not ops:
            return
        if int(self._apply(args=[self.p, version, MAX_POSTINGS, *ops])) == -2:
            self.conflicts += 1
            raise StoreConflict()

    def rollback(self) -> None:
        self.ops, self.version = [], None

    def close(self):
        self.commit()

    def stories(self) -> int:
        return int(self.r.get(self.p + "n") or 0)

