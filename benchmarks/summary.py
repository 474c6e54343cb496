"""Summary (standfirst), paywall and images benchmark: ours beside trafilatura's description.

    .venv/bin/python benchmarks/summary.py [--eval ../shared/eval] [--set fundus-dev] [--folds 3]

On every page of `<eval>/<set>/pages.warc.gz` it runs `extract_article` + `clean_article` (as
`newscrawl extract` does) and `trafilatura.bare_extraction(page, url=..., with_metadata=True)`,
whose `description` is the reference summary, and scores both with `<eval>/score.py --json`
(summary token-F1 and present, over the pages whose truth has a summary), on the whole set and
per fold (`--fold K/N`, split by site: a fold's figure is on sites no rule was written for when
the rules were developed on the other folds). It also prints:

- on the pages whose truth has no summary: how often ours is null, a description, or a repeat
  of the start of our own body (target 0), and the same for trafilatura against our body;
- where our summaries came from (element, body, jsonld, og, meta);
- `paywalled` by value and source, and the pages flagged true whose markup says the story is
  free (isAccessibleForFree true or content tier "free"; target 0);
- images per page, with a caption, with a credit, and any URL that is not absolute (target 0);
- the median time of the summary, paywall and images stages inside extract_article.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import read_pages, score as score_run  # noqa: E402  (one WARC reader, one scorer call)

STAGES = ("summary, paywall", "images")  # extract_article's stages for these fields
_FREE_MARK = re.compile(rb'isAccessibleForFree"?\s*:\s*"?true|content_tier"\s+content="free"', re.I)


def score(score_py: Path, truth: Path, preds: list[dict], *extra: str) -> dict:
    """The summary section of score.py's result (the run itself is the extraction benchmark's)."""
    return score_run(score_py, truth, preds, *extra).get("metrics", {}).get("summary") or {}


def main(argv=None) -> int:
    from newscrawl.cleaning import clean_article
    from newscrawl.extraction import extract_article
    from newscrawl.extraction.standfirst import copies_body_start

    import trafilatura

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"), help="the eval kit folder")
    parser.add_argument("--set", default="fundus-dev", help="an eval set whose truth has `summary`")
    parser.add_argument("--folds", type=int, default=3, help="per-fold figures (0: none)")
    args = parser.parse_args(argv)
    eval_dir = Path(args.eval)
    score_py, truth_path = eval_dir / "score.py", eval_dir / args.set / "truth.jsonl"
    if not score_py.is_file() or not truth_path.is_file():
        print(f"no eval set {args.set} at {eval_dir}", file=sys.stderr)
        return 2
    truth = {}
    for line in truth_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth[row["url"]] = row

    ours, theirs = [], []
    sources, paywall, stage_ms, total_ms = Counter(), Counter(), [], []
    no_summary = Counter()
    free_flagged, image_counts = [], Counter()
    for url, headers, body, fetched in read_pages(eval_dir / args.set / "pages.warc.gz"):
        timings, provenance = {}, {}
        article = clean_article(extract_article(body, url, headers=headers, fetched_at=fetched, timings=timings,
                                                provenance=provenance))
        stage_ms.append(sum(timings.get(stage, 0.0) for stage in STAGES) * 1000)
        total_ms.append(sum(timings.values()) * 1000)
        doc = trafilatura.bare_extraction(body, url=url, with_metadata=True)
        description = getattr(doc, "description", None) if doc is not None else None
        ours.append({"url": url, "summary": article.summary})
        theirs.append({"url": url, "summary": description})
        has_truth = bool((truth.get(url, {}).get("summary") or "").strip())
        sources[provenance.get("summary") or "none"] += 1
        if not has_truth:
            no_summary["pages"] += 1
            no_summary["ours null"] += article.summary is None
            no_summary["ours repeats our body start"] += bool(article.summary and copies_body_start(
                article.summary, article.body))
            no_summary["trafilatura null"] += not description
            no_summary["trafilatura repeats our body start"] += bool(description and copies_body_start(
                description, article.body))
        paywall[(article.paywalled, provenance.get("paywalled"))] += 1
        if article.paywalled and _FREE_MARK.search(body):
            free_flagged.append(url)
        image_counts["pages"] += 1
        image_counts["pages with images"] += bool(article.images)
        for image in article.images:
            image_counts["images"] += 1
            image_counts["with caption"] += bool(image.get("caption"))
            image_counts["with credit"] += bool(image.get("credit"))
            image_counts["URL not absolute"] += not str(image.get("url", "")).startswith(("http://", "https://"))
        image_counts["lead image is images[0]"] += bool(article.images and article.images[0]["url"] == article.image)
        image_counts["pages with image"] += bool(article.image)

    def row(label: str, *extra: str) -> None:
        a, b = score(score_py, truth_path, ours, *extra), score(score_py, truth_path, theirs, *extra)

        def fmt(m, key):
            return f"{m[key]:.3f}" if m.get(key) is not None else "-"

        print(f"{label:<14}{a.get('n', 0):>6}{fmt(a, 'token_f1'):>12}{fmt(a, 'present'):>10}"
              f"{fmt(b, 'token_f1'):>16}{fmt(b, 'present'):>10}")

    print(f"{args.set}: summary against the truth's standfirst (pages whose truth has one)")
    print(f"{'':<14}{'pages':>6}{'ours F1':>12}{'present':>10}{'trafilat. F1':>16}{'present':>10}")
    row("all")
    for k in range(1, args.folds + 1):
        row(f"fold {k}/{args.folds}", "--fold", f"{k}/{args.folds}")
    print()
    print("pages without a standfirst in the truth: " + ", ".join(f"{k} {v}" for k, v in no_summary.items()))
    print("our summary from: " + ", ".join(f"{k} {v}" for k, v in sources.most_common()))
    print("paywalled (value, source): " + ", ".join(f"{k[0]}/{k[1]} {v}" for k, v in paywall.most_common()))
    print(f"flagged paywalled although the markup says free: {len(free_flagged)}")
    for url in free_flagged:
        print("  ", url)
    print("images: " + ", ".join(f"{k} {v}" for k, v in image_counts.items()))
    print(f"median ms/page of the {' + '.join(STAGES)} stages: {statistics.median(stage_ms):.2f} "
          f"(of extract_article's {statistics.median(total_ms):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
