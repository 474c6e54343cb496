"""Extraction benchmark: our extractor beside trafilatura, same pages, same process.

    .venv/bin/python benchmarks/extraction.py [--eval ../shared/eval] [--sets zyte-dev,fundus-dev]
                                              [--folds 3] [--save DIR]

For every `<eval>/<set>/pages.warc.gz` it runs, page by page and alternating which goes
first, `newscrawl.extraction.extract_article` (+ `clean_article`, as `newscrawl extract`
does) and `trafilatura.bare_extraction(page, url=..., with_metadata=True)` (the reference of
the eval README: body = text, authors = author split on ';'), scores both prediction files
with `<eval>/score.py --json` and prints the metrics and the median ms/page side by side.
Times are wall-clock per page inside the call (medians; the "of which" rows split our
extract_article into its stages: parse, metadata, related links, body, language); quote
ratios, not absolute numbers.

Generalisation: the eval sets are also scored fold by fold (`score.py --fold K/N`, folds split
by site, so a fold's sites are unseen by rules written while looking at the others), and the
"pages with body F1 < 0.5" count (a collapsed page: wrong block, pull quotes, overlay text) is
given per set and per fold. "authors F1, people only" scores authors against the truth without
the entries that name no person (agencies, desks, publishers, places; labelled by hand in
benchmarks/data/author_truth_not_people.toml): our authors are people only, organisations go
to `credit`. The last table counts which body candidate our extractor chose
(`Article.body_source`, see newscrawl/extraction/body.py). `--save DIR` keeps both prediction
files (`DIR/<set>.ours.jsonl`, `DIR/<set>.trafilatura.jsonl`) for `score.py --per-page`.
`--perturb noclass|divs|nojsonld` feeds both extractors the same altered pages (class and id
attributes removed; every <p> made a <div>; JSON-LD removed): markup the rules were not
written on, a rough stand-in for unseen sites.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
STAGES: list[dict] = []  # seconds per extraction stage, one dict per page (ours)
sys.path.insert(0, str(REPO))

METRICS = [
    ("body F1", ("body", "f1")), ("body precision", ("body", "precision")), ("body recall", ("body", "recall")),
    ("body accuracy", ("body", "accuracy")), ("title accuracy", ("title", "accuracy")),
    ("title token-F1", ("title", "token_f1")), ("date accuracy", ("date", "accuracy")),
    ("date present", ("date", "present")), ("authors set-F1", ("authors", "set_f1")),
    ("authors F1, people only", ("authors_people", "set_f1")),
    ("language accuracy", ("language", "accuracy")), ("pages body F1 < 0.5", ("body", "collapsed_pages")),
]
FOLD_METRICS = [("body F1", ("body", "f1")), ("pages < 0.5", ("body", "collapsed_pages")),
                ("title acc.", ("title", "accuracy")), ("authors F1", ("authors", "set_f1")),
                ("authors people", ("authors_people", "set_f1"))]
BODY_SOURCES: list[str] = []  # the body candidate chosen per page (ours)


def read_pages(warc_path: Path):
    from warcio.archiveiterator import ArchiveIterator

    with open(warc_path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            headers = {k: v for k, v in rec.http_headers.headers} if rec.http_headers else {}
            date = rec.rec_headers.get_header("WARC-Date")
            fetched = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(timezone.utc)
            yield rec.rec_headers.get_header("WARC-Target-URI"), headers, rec.content_stream().read(), fetched


def perturb(body: bytes, headers: dict, mode: str) -> bytes:
    """The page with its markup altered (see --perturb), as UTF-8 bytes."""
    import lxml.html

    from newscrawl.extraction.article import parse_html
    from newscrawl.text.decode import decode_html

    tree = parse_html(decode_html(body, headers))
    if tree is None:
        return body
    if mode == "noclass":
        for el in tree.iter():
            if isinstance(el.tag, str):
                el.attrib.pop("class", None)
                el.attrib.pop("id", None)
    elif mode == "divs":
        for el in tree.iter("p"):
            el.tag = "div"
    elif mode == "nojsonld":
        for script in tree.xpath('//script[@type="application/ld+json"]'):
            script.getparent().remove(script)
    return lxml.html.tostring(tree, encoding="utf-8")


def ours(url, headers, body, fetched):
    from newscrawl.cleaning import clean_article
    from newscrawl.extraction import extract_article

    stages: dict = {}
    t0 = time.perf_counter()
    article = extract_article(body, url, headers=headers, fetched_at=fetched, timings=stages)
    t1 = time.perf_counter()
    article = clean_article(article)
    t2 = time.perf_counter()
    STAGES.append(stages)
    BODY_SOURCES.append(getattr(article, "body_source", None) or "-")
    return article.to_dict(), (t1 - t0) * 1000, (t2 - t1) * 1000


def trafilatura_ref(url, headers, body, fetched):
    import trafilatura

    t0 = time.perf_counter()
    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True)
    elapsed = (time.perf_counter() - t0) * 1000
    if doc is None:
        return {"url": url}, elapsed, 0.0
    return {"url": url, "title": doc.title, "body": doc.text, "date": doc.date,
            "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()],
            "language": doc.language, "source": doc.sitename}, elapsed, 0.0


def score(score_py: Path, truth: Path, preds: list[dict], *extra_args: str) -> dict:
    """The eval kit's score.py over predictions, as its --json result."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for pred in preds:
            fh.write(json.dumps(pred, ensure_ascii=False) + "\n")
        path = fh.name
    out = subprocess.run([sys.executable, str(score_py), str(truth), path, "--json", *extra_args], capture_output=True,
                         text=True, check=True)
    Path(path).unlink()
    return json.loads(out.stdout)


def people_only_truth(truth: Path, set_name: str) -> Optional[Path]:
    """The set's truth without the author entries that name no person (benchmarks/data/
    author_truth_not_people.toml), as a temporary file; None when the set has no such list."""
    labels = tomllib.loads((REPO / "benchmarks" / "data" / "author_truth_not_people.toml").read_text("utf-8"))
    not_people = {name for names in labels.get(set_name, {}).values() for name in names}
    if not not_people:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for line in truth.read_text("utf-8").splitlines():
            page = json.loads(line)
            if isinstance(page.get("authors"), list):
                page["authors"] = [a for a in page["authors"] if a not in not_people]
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")
    return Path(fh.name)


def with_people_only(result: dict, people: Optional[dict]) -> dict:
    """`result` with the people-only authors score of `people` (a score of the same preds)."""
    if people and people.get("metrics", {}).get("authors"):
        result.setdefault("metrics", {})["authors_people"] = people["metrics"]["authors"]
    return result


def metric(result: dict, keys) -> str:
    section = result.get("metrics", result).get(keys[0]) if isinstance(result, dict) else None
    if not section or section.get(keys[1]) is None:
        return "-"
    value = section[keys[1]]
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"), help="the eval kit folder")
    parser.add_argument("--sets", default="", help="comma-separated set names (default: every set with pages.warc.gz)")
    parser.add_argument("--folds", type=int, default=3, help="score each set also in N folds split by site (0: off)")
    parser.add_argument("--save", default="", help="keep the prediction files in this folder")
    parser.add_argument("--perturb", choices=["noclass", "divs", "nojsonld"], default=None,
                        help="alter every page's markup the same way for both extractors")
    args = parser.parse_args(argv)
    eval_dir = Path(args.eval)
    score_py = eval_dir / "score.py"
    if not score_py.is_file():
        print(f"no eval kit at {eval_dir}", file=sys.stderr)
        return 2
    names = [n for n in args.sets.split(",") if n] or sorted(p.parent.name for p in eval_dir.glob("*/pages.warc.gz"))
    rows = {}
    for name in names:
        preds = {"ours": [], "trafilatura": []}
        times = {"ours": [], "trafilatura": []}
        clean_times = []
        STAGES.clear()
        BODY_SOURCES.clear()
        for i, (url, headers, body, fetched) in enumerate(read_pages(eval_dir / name / "pages.warc.gz")):
            if args.perturb:
                body = perturb(body, headers, args.perturb)
                headers = {"Content-Type": "text/html; charset=utf-8"}
            order = [("ours", ours), ("trafilatura", trafilatura_ref)]
            if i % 2:
                order.reverse()
            for label, fn in order:
                pred, ms, clean_ms = fn(url, headers, body, fetched)
                pred["url"] = url
                preds[label].append(pred)
                times[label].append(ms)
                if label == "ours":
                    clean_times.append(clean_ms)
        truth = eval_dir / name / "truth.jsonl"
        people = people_only_truth(truth, name)

        def scored(label: str, *extra: str) -> dict:
            return with_people_only(score(score_py, truth, preds[label], *extra),
                                    score(score_py, people, preds[label], *extra) if people else None)

        rows[name] = {label: scored(label) for label in preds}
        rows[name]["folds"] = [{label: scored(label, "--fold", f"{k}/{args.folds}") for label in preds}
                               for k in range(1, args.folds + 1)]
        if people:
            people.unlink()
        rows[name]["sources"] = dict(Counter(BODY_SOURCES).most_common())
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            for label in preds:
                with open(Path(args.save) / f"{name}.{label}.jsonl", "w", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in preds[label])
        rows[name]["ms"] = {label: statistics.median(times[label]) for label in times}
        rows[name]["clean_ms"] = statistics.median(clean_times)
        rows[name]["pages"] = len(times["ours"])
        stage_names = sorted({k for st in STAGES for k in st}, key=lambda k: list(STAGES[0]).index(k)
                             if STAGES and k in STAGES[0] else 99)
        rows[name]["stages"] = {k: statistics.median(st.get(k, 0.0) for st in STAGES) * 1000 for k in stage_names}
    header = f"{'metric':<28}" + "".join(f"{n + ' ours':>18}{n + ' trafilatura':>25}" for n in names)
    print(header)
    print("-" * len(header))
    for label, keys in METRICS:
        line = f"{label:<28}"
        for name in names:
            line += f"{metric(rows[name]['ours'], keys):>18}{metric(rows[name]['trafilatura'], keys):>25}"
        print(line)
    line = f"{'median ms/page':<28}"
    for name in names:
        line += f"{rows[name]['ms']['ours']:>18.1f}{rows[name]['ms']['trafilatura']:>25.1f}"
    print(line)
    line = f"{'  + cleaning (ours)':<28}"
    for name in names:
        line += f"{rows[name]['clean_ms']:>18.1f}{'':>25}"
    print(line)
    for stage in rows[names[0]]["stages"]:
        line = f"{'  of which ' + stage:<28}"
        for name in names:
            line += f"{rows[name]['stages'].get(stage, 0.0):>18.1f}{'':>25}"
        print(line)
    print("pages: " + ", ".join(f"{n} {rows[n]['pages']}" for n in names))
    if args.folds:
        print(f"\nfolds (score.py --fold K/{args.folds}, split by site): ours / trafilatura")
        head = f"{'set':<12}{'fold':>6}{'pages':>7}" + "".join(f"{m:>22}" for m, _ in FOLD_METRICS)
        print(head)
        print("-" * len(head))
        for name in names:
            for k, fold in enumerate(rows[name]["folds"], 1):
                line = f"{name:<12}{k:>6}{fold['ours'].get('n_pages', 0):>7}"
                for _, keys in FOLD_METRICS:
                    line += f"{metric(fold['ours'], keys) + ' / ' + metric(fold['trafilatura'], keys):>22}"
                print(line)
    print("\nbody candidate chosen (ours): " + "; ".join(
        f"{n}: " + ", ".join(f"{k} {v}" for k, v in rows[n]["sources"].items()) for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
