"""`newscrawl report` and `newscrawl validate` on a 100,000-line export (targets: report under
30 s, validate under 10 s), each beside a baseline measured in the same run:

- validate vs the `jsonschema` library's Draft 2020-12 validator (formats checked) over the
  same lines and the same shipped schema;
- report vs reading the same file into pandas (`pd.read_json(lines=True)`), the first step
  of any analysis of it.

The export is made here: schema-valid lines shaped like a crawl's (bodies of 1,500-5,000
characters, Arabic and English, 40 sources over 90 days, some fields null) and a duplicates
sidecar of 5,000 copies. Whole commands are timed (`python -m newscrawl ...`, start-up
included); median of 3 runs.

    python benchmarks/exports.py [--lines 100000] [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newscrawl.items import Article, article_id  # noqa: E402

WORDS_EN = "council harbour vote minister talks market price rain school city court report water road".split()
WORDS_AR = "الحكومة المجلس الوزير السوق الأسعار المدينة المحكمة التقرير المياه الطريق الانتخابات".split()


def make_export(path: Path, sidecar: Path, lines: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    sources = [(f"Source {i}", f"site{i}.example", "ar" if i % 3 == 0 else "en") for i in range(40)]
    kept = []
    with open(path, "w", encoding="utf-8") as out:
        for n in range(lines):
            name, domain, lang = rng.choice(sources)
            words = WORDS_AR if lang == "ar" else WORDS_EN
            body = "\n\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(40, 140)))
                               for _ in range(rng.randint(3, 6)))
            url = f"https://{domain}/news/{n}/story-{n}.html"
            moment = start + timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            dated = rng.random() > 0.03
            article = Article(
                url=url, title=" ".join(rng.choice(words) for _ in range(8)), body=body, source=name,
                date=moment.isoformat(timespec="seconds") if dated else None,
                date_precision=rng.choice(["minute", "second", "day"]) if dated else None,
                date_source=rng.choice(["structured", "meta", "visible", "url"]) if dated else None,
                id=article_id(url), canonical_url=url, authors=[f"Writer {rng.randint(1, 300)}"] if rng.random() > 0.2 else [],
                language=lang, domain=domain, section=rng.choice([None, "politics", "economy"]),
                tags=[rng.choice(words) for _ in range(rng.randint(0, 4))],
                image=f"https://{domain}/img/{n}.jpg" if rng.random() > 0.3 else None,
                related_urls=[f"https://{domain}/news/{rng.randint(0, lines)}/x.html" for _ in range(rng.randint(0, 3))],
                credit=rng.choice([None, None, "Reuters", "وكالات"]),
                fetched_at=(moment + timedelta(hours=1)).isoformat(timespec="seconds"), run_id="bench-run")
            out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
            if len(kept) < 5000 and rng.random() < 0.1:
                kept.append((article.id, url, article.title, name))
    with open(sidecar, "w", encoding="utf-8") as side:
        for i, (story_id, url, title, name) in enumerate(kept):
            side.write(json.dumps({"url": url + f"?copy={i}", "id": f"c{i}", "title": title, "source": "Copycat",
                                   "duplicate_of": story_id, "duplicate_of_url": url, "similarity": 0.93,
                                   "reason": "near-duplicate"}, ensure_ascii=False) + "\n")


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(REPO))
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


BASELINE_VALIDATE = """
import json, sys
from jsonschema import Draft202012Validator, FormatChecker
from newscrawl.schema import shipped_schema
v = Draft202012Validator(shipped_schema(), format_checker=FormatChecker())
bad = sum(1 for line in open(sys.argv[1], encoding="utf-8") if line.strip() and not v.is_valid(json.loads(line)))
assert bad == 0, bad
"""
BASELINE_PANDAS = """
import sys
import pandas as pd
df = pd.read_json(sys.argv[1], lines=True)
assert len(df) > 0
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "big.jsonl"
        sidecar = Path(tmp) / "big.duplicates.jsonl"
        make_export(export, sidecar, args.lines)
        size = export.stat().st_size / 1e6
        print(f"export: {args.lines:,} lines, {size:.0f} MB; sidecar 5,000 copies")
        rows = {
            "newscrawl validate": [py, "-m", "newscrawl", "validate", str(export)],
            "jsonschema Draft202012Validator (baseline)": [py, "-c", BASELINE_VALIDATE, str(export)],
            "newscrawl report": [py, "-m", "newscrawl", "report", str(export), "-o", str(Path(tmp) / "r.html")],
            "pandas read_json(lines=True) (baseline)": [py, "-c", BASELINE_PANDAS, str(export)],
        }
        results = {}
        for label, cmd in rows.items():
            times = [timed(cmd) for _ in range(args.runs)]
            results[label] = statistics.median(times)
            print(f"  {label:45s} median {results[label]:6.2f} s   runs: {', '.join(f'{t:.2f}' for t in times)}")
        v, vb = results["newscrawl validate"], results["jsonschema Draft202012Validator (baseline)"]
        r, rb = results["newscrawl report"], results["pandas read_json(lines=True) (baseline)"]
        print(f"validate: {v:.2f} s (target < 10 s), {vb / v:.1f}x faster than the jsonschema baseline")
        print(f"report:   {r:.2f} s (target < 30 s), {r / rb:.2f}x the time pandas takes just to load the file")


if __name__ == "__main__":
    main()
