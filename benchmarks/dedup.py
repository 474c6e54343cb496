"""Dedup benchmark: newscrawl's near-duplicate index against a plain datasketch MinHashLSH,
in the same run.

    .venv/bin/python benchmarks/dedup.py [--stories 1000000] [--baseline-stories N] [--skip-dev]

1. Quality on shared/eval/dedup-dev (keep-first over the file order): leaked duplicates and
   lost stories, for newscrawl's Deduplicator and for MinHashLSH (128 permutations,
   threshold 0.5, word 5-shingles of the NFKC/case-folded text; a story is dropped when
   the LSH returns any candidate).
2. Scale on synthetic stories (a Zipf vocabulary; 200-700 words in paragraphs; 10 % are
   copies of a recent story: wire dateline + credit, one sentence rewritten, or abridged):
   stories per CPU second and per wall-clock second for fingerprint + query + insert (text
   generation excluded; newscrawl's figure is the whole Deduplicator.process with the
   in-memory store), copies leaked and stories lost against the generator's truth, and
   memory per story: the index's own numpy arrays (newscrawl, all in memory) and the growth
   of the process's resident memory (both). Each contender runs in its own child process so that memory figures are clean;
   the two take turns chunk by chunk (20,000 stories) so that both see the same background
   load.

Timings on a shared machine are noisy: compare the two columns of one run.
"""
from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEV = REPO.parent / "shared" / "eval" / "dedup-dev"
CHUNK = 20_000


def rss_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


# --- synthetic stories -----------------------------------------------------------------------

class Synthetic:
    """Deterministic news-like stories; about 10 % are copies of one of the last 2,000."""

    def __init__(self, seed: int = 7, vocab: int = 60_000):
        self.rng = np.random.default_rng(seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        lengths = self.rng.integers(2, 11, size=vocab)
        self.words = np.array(["".join(self.rng.choice(letters, n)) for n in lengths], dtype=object)
        ranks = np.arange(1, vocab + 1)
        self.p = (1.0 / ranks) / (1.0 / ranks).sum()
        self.recent: list[tuple[str, str, int]] = []  # (title, body, story number)
        self.pool: list[str] = []
        self.originals: list[int] = []
        self.coins: list[float] = []
        self.pool_pos = 0

    def _text(self, n_words: int) -> str:
        # words and coin flips drawn in bulk: a draw per word would dominate the run time
        if self.pool_pos + n_words > len(self.pool):
            self.pool = self.words[self.rng.choice(len(self.words), size=1_000_000, p=self.p)].tolist()
            self.coins = self.rng.random(1_000_000).tolist()
            self.pool_pos = 0
        words = self.pool[self.pool_pos:self.pool_pos + n_words]
        coins = self.coins[self.pool_pos:self.pool_pos + n_words]
        self.pool_pos += n_words
        paragraphs, sentence = [], []
        para: list[str] = []
        for w, coin in zip(words, coins):
            sentence.append(w)
            if len(sentence) >= 12 and coin < 0.2:
                s = " ".join(sentence)
                para.append(s[0].upper() + s[1:] + ".")
                sentence = []
                if len(para) >= 3 and coin < 0.08:
                    paragraphs.append(" ".join(para))
                    para = []
        if sentence:
            para.append(" ".join(sentence) + ".")
        if para:
            paragraphs.append(" ".join(para))
        return "\n\n".join(paragraphs)

    def chunk(self, start: int, n: int) -> list[dict]:
        stories = []
        for i in range(start, start + n):
            if self.recent and self.rng.random() < 0.10:
                title, body, cluster = self.recent[int(self.rng.integers(len(self.recent)))]
                kind = int(self.rng.integers(3))
                paras = body.split("\n\n")
                if kind == 0:
                    body = "LONDON (Wire) - " + body + "\n\nReporting by Someone; Editing by Someone Else"
                elif kind == 1:
                    k = int(self.rng.integers(len(paras)))
                    paras[k] = self._text(20).replace("\n\n", " ") + " " + paras[k].split(". ", 1)[-1]
                    body = "\n\n".join(paras)
                else:
                    keep = max(1, int(round(len(paras) * 0.7)))
                    body = "\n\n".join(paras[:keep])
            else:
                title = self._text(9).replace("\n\n", " ").rstrip(".")
                body = self._text(int(self.rng.integers(200, 700)))
                cluster = i
                self.originals.append(i)
                self.recent.append((title, body, i))
                if len(self.recent) > 2000:
                    self.recent.pop(0)
            day = 19000 + i // 5000
            stories.append({"id": f"s{i}", "url": f"https://site{i % 97}.example/story/{i}", "cluster": cluster,
                            "title": title, "body": body,
                            "date": f"{np.datetime64(day, 'D')}T12:00:00+00:00"})
        return stories


# --- contenders --------------------------------------------------------------------------------

class Ours:
    name = "newscrawl"

    def __init__(self, expected: int):
        from newscrawl.dedup.deduplicator import Deduplicator
        from newscrawl.dedup.fingerprint import fingerprint
        from newscrawl.dedup.store import MemoryStore
        from newscrawl.items import Article

        fingerprint("warm up the tables", "x")
        self.store = MemoryStore(expected_stories=expected)
        self.dedup = Deduplicator(self.store)
        self.Article = Article

    def process(self, story: dict) -> bool:
        article = self.Article(url=story["url"], title=story["title"], body=story["body"],
                               date=story.get("date"), id=story["id"], canonical_url=story["url"])
        return self.dedup.process(article).exported

    def index_bytes(self) -> dict:
        s = self.store
        return {"key_index": s.index.nbytes, "sketches": s.sketches.nbytes,
                "paragraph_filter": s.paragraphs.nbytes}


def _plain_shingles(text: str, size: int = 5) -> list[bytes]:
    words = unicodedata.normalize("NFKC", text).casefold().split()
    if len(words) < size:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)]


class Baseline:
    name = "datasketch MinHashLSH"

    def __init__(self, expected: int, threshold: float = 0.5, num_perm: int = 128):
        from datasketch import MinHash, MinHashLSH

        self.MinHash = MinHash
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.count = 0

    def process(self, story: dict) -> bool:
        m = self.MinHash(num_perm=self.num_perm)
        m.update_batch(_plain_shingles(story["body"]))
        if self.lsh.query(m):
            return False
        self.lsh.insert(story["id"], m)
        return True

    def index_bytes(self) -> dict:
        return {}


CONTENDERS = {"ours": Ours, "baseline": Baseline}


# --- measurements ------------------------------------------------------------------------------

def dev_quality(which: str) -> dict:
    clusters = json.loads((DEV / "clusters.json").read_text())["clusters"]
    where = {str(i): n for n, cl in enumerate(clusters) for i in cl}
    stories = [json.loads(line) for line in open(DEV / "stories.jsonl", encoding="utf-8")]
    contender = CONTENDERS[which](len(stories))
    kept_per_cluster = [0] * len(clusters)
    start = time.perf_counter()
    for story in stories:
        if contender.process(story):
            kept_per_cluster[where[story["id"]]] += 1
    elapsed = time.perf_counter() - start
    return {"leaked": sum(max(0, k - 1) for k in kept_per_cluster),
            "lost": sum(1 for k in kept_per_cluster if k == 0),
            "stories": len(stories), "stories_per_s": len(stories) / elapsed}


def scale(which: str, n: int, my_turn, other_turn, finished, queue) -> None:
    """Process n synthetic stories in chunks, taking turns with the other contender (chunk by
    chunk), so that both see the same background load on a shared machine."""
    gen = Synthetic()
    gc.collect()
    base_rss = rss_bytes()
    contender = CONTENDERS[which](n)
    busy = 0.0  # wall-clock seconds in fingerprint+query+insert
    busy_cpu = 0.0  # CPU seconds of this process in the same: less sensitive to other load
    exported = 0
    kept_per_cluster = np.zeros(n, dtype=np.uint16)  # by the original's story number
    done = 0
    while done < n:
        while not my_turn.acquire(timeout=1.0):
            if finished.is_set():  # the other contender is done: no more turns to wait for
                break
        try:
            size = min(CHUNK, n - done)
            chunk = gen.chunk(done, size)
            start, start_cpu = time.perf_counter(), time.process_time()
            kept = [contender.process(story) for story in chunk]
            busy += time.perf_counter() - start
            busy_cpu += time.process_time() - start_cpu
            exported += sum(kept)
            for story, was_kept in zip(chunk, kept):
                kept_per_cluster[story["cluster"]] += was_kept
            done += size
            del chunk
        finally:
            other_turn.release()
        if done % 100_000 == 0 or done == n:
            print(f"  [{which}] {done:,} stories, {done / busy:,.0f}/s wall, {done / busy_cpu:,.0f}/s cpu",
                  file=sys.stderr, flush=True)
    finished.set()
    gc.collect()
    end_rss = rss_bytes()
    # the generator's state (recent stories kept for copies) is not the contender's
    gen_rss = sum(len(t) + len(b) + 98 for t, b, _ in gen.recent) + kept_per_cluster.nbytes
    clusters = kept_per_cluster[gen.originals]
    leaked = int(np.maximum(clusters.astype(np.int64) - 1, 0).sum())
    lost = int((clusters == 0).sum())
    queue.put({"stories": n, "exported": exported, "copies": n - len(gen.originals), "leaked": leaked, "lost": lost,
               "stories_per_s": n / busy, "stories_per_cpu_s": n / busy_cpu,
               "rss_growth_per_story": (end_rss - base_rss - gen_rss) / n,
               "index_bytes": contender.index_bytes()})


def run_scale(n_ours: int, n_base: int) -> tuple[dict, dict]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    ours_turn, base_turn, finished = ctx.Semaphore(1), ctx.Semaphore(0), ctx.Event()
    procs = [ctx.Process(target=scale, args=("ours", n_ours, ours_turn, base_turn, finished, queue)),
             ctx.Process(target=scale, args=("baseline", n_base, base_turn, ours_turn, finished, queue))]
    for proc in procs:
        proc.start()
    results = [queue.get(), queue.get()]
    for proc in procs:
        proc.join()
    by_name = {("ours" if r["index_bytes"] else "baseline"): r for r in results}
    return by_name["ours"], by_name["baseline"]


def run_child(target, *args):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _dev_child(which, queue):
    queue.put(dev_quality(which))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1_000_000, help="synthetic stories (default 1,000,000)")
    parser.add_argument("--baseline-stories", type=int, default=None,
                        help="synthetic stories for the baseline (default: same as --stories)")
    parser.add_argument("--skip-dev", action="store_true", help="skip the dedup-dev quality part")
    args = parser.parse_args()

    print("| | newscrawl | datasketch MinHashLSH (0.5, 128 perm) |")
    print("|---|---|---|")
    if not args.skip_dev:
        if DEV.is_dir():
            ours, base = run_child(_dev_child, "ours"), run_child(_dev_child, "baseline")
            print(f"| dedup-dev leaked duplicates (target 0) | {ours['leaked']} | {base['leaked']} |")
            print(f"| dedup-dev lost stories (target 0) | {ours['lost']} | {base['lost']} |")
        else:
            print(f"(dedup-dev not found at {DEV}: quality part skipped)", file=sys.stderr)
    n_base = args.baseline_stories or args.stories
    ours, base = run_scale(args.stories, n_base)
    print(f"| synthetic stories | {ours['stories']:,} | {base['stories']:,} |")
    print(f"| exported (not judged copies) | {ours['exported']:,} | {base['exported']:,} |")
    print(f"| synthetic copies generated / leaked / lost stories | {ours['copies']:,} / {ours['leaked']:,} / "
          f"{ours['lost']:,} | {base['copies']:,} / {base['leaked']:,} / {base['lost']:,} |")
    print(f"| fingerprint+query+insert, stories per CPU second | {ours['stories_per_cpu_s']:,.0f} | "
          f"{base['stories_per_cpu_s']:,.0f} |")
    print(f"| fingerprint+query+insert, stories per wall-clock second | {ours['stories_per_s']:,.0f} | "
          f"{base['stories_per_s']:,.0f} |")
    index = ours["index_bytes"]
    total = sum(index.values())
    parts = ", ".join(f"{k} {v / ours['stories']:.0f}" for k, v in index.items())
    print(f"| near-duplicate index, bytes/story (in memory) | {total / ours['stories']:.0f} ({parts}) | n/a |")
    print(f"| process memory growth, bytes/story (newscrawl: index + in-memory URL/exact/id tables) | "
          f"{ours['rss_growth_per_story']:.0f} | {base['rss_growth_per_story']:.0f} |")
    print(f"\nspeed ratio newscrawl / datasketch: {ours['stories_per_cpu_s'] / base['stories_per_cpu_s']:.2f}x "
          f"(CPU time), {ours['stories_per_s'] / base['stories_per_s']:.2f}x (wall clock)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
