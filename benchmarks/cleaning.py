"""Cleaning benchmark: the dev sets scored with and without the cleaning stage.

    .venv/bin/python benchmarks/cleaning.py [--eval ../shared/eval] [--sets zyte-dev,fundus-dev]

Every page of `<eval>/<set>/pages.warc.gz` is extracted once; the baseline is that
extraction as is (`newscrawl extract --no-clean`), ours is the same Article after
`clean_article` (what `newscrawl extract` writes). Both prediction files are scored with
`<eval>/score.py --json` and printed side by side, with the removals by kind, the pages
whose body F1 moved and the median time of cleaning beside extraction's (same run; quote
the ratio, not the milliseconds).
"""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import read_pages, score  # noqa: E402  (benchmarks/extraction.py: one WARC reader, one scorer call)

METRICS = [("body F1", ("body", "f1")), ("body precision", ("body", "precision")),
           ("body recall", ("body", "recall")), ("body accuracy", ("body", "accuracy")),
           ("title accuracy", ("title", "accuracy")), ("authors set-F1", ("authors", "set_f1"))]


def run_score(score_py: Path, truth: Path, preds: list[dict]) -> dict:
    return score(score_py, truth, preds, "--per-page", "100000")


def metric(result: dict, keys) -> str:
    value = result.get("metrics", {})
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return "-" if value is None else f"{value:.4f}"


def main() -> int:
    from newscrawl.cleaning import clean_article
    from newscrawl.extraction import extract_article

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--sets", default="zyte-dev,fundus-dev")
    args = parser.parse_args()
    for name in args.sets.split(","):
        warc, truth = args.eval / name / "pages.warc.gz", args.eval / name / "truth.jsonl"
        if not warc.exists():
            print(f"{name}: {warc} not found, skipped")
            continue
        raw, cleaned, counts = [], [], Counter()
        extract_ms, clean_ms = [], []
        for url, headers, body, fetched in read_pages(warc):
            t0 = time.perf_counter()
            article = extract_article(body, url, headers=headers, fetched_at=fetched)
            t1 = time.perf_counter()
            raw.append(article.to_dict())
            t2 = time.perf_counter()
            article = clean_article(copy.deepcopy(article), counts)
            t3 = time.perf_counter()
            cleaned.append(article.to_dict())
            extract_ms.append((t1 - t0) * 1000)
            clean_ms.append((t3 - t2) * 1000)
        base, ours = run_score(args.eval / "score.py", truth, raw), run_score(args.eval / "score.py", truth, cleaned)
        print(f"\n{name}: {len(raw)} pages")
        print(f"{'metric':<18}{'no cleaning':>14}{'cleaning':>12}")
        for label, keys in METRICS:
            print(f"{label:<18}{metric(base, keys):>14}{metric(ours, keys):>12}")
        ext, cl = statistics.median(extract_ms), statistics.median(clean_ms)
        print(f"{'median ms/page':<18}{ext:>14.2f}{cl:>12.2f}   (cleaning = {cl / ext:.1%} of extraction)")
        print("removed by kind:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
        before = {p["id"]: p for p in base.get("worst_pages", [])}
        moved = sorted((p["body_f1"] - before[p["id"]]["body_f1"], p["url"]) for p in ours.get("worst_pages", [])
                       if p["id"] in before and abs(p["body_f1"] - before[p["id"]]["body_f1"]) > 1e-9)
        print(f"pages whose body F1 moved: {sum(d > 0 for d, _ in moved)} up, {sum(d < 0 for d, _ in moved)} down")
        for delta, url in moved:
            if delta < 0:
                print(f"  {delta:+.3f}  {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
