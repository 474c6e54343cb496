"""Per-rule hit counts of the generic line rules over the dev pages: which rules fire, on
how many pages and publishers, and how often on a line of the true story.

    .venv/bin/python benchmarks/rule_hits.py [--eval ../shared/eval] [--sets zyte-dev,fundus-dev] [--all]

Rules audited: the lexicons' (newscrawl/text/lexicons/*.toml) `[extraction]` tables (the body
extractor's dropped blocks and stamp words), their `[cleaning.*]` tables and byline lines
(newscrawl/bylines, at the edges). A marker rule is counted on the blocks the body
extractor tested and dropped with it; a lexicon pattern on every line of the extracted
(uncleaned) body, in the positions it applies to (edge patterns on the first/last lines),
whatever rule would have matched first. "in story" counts hits on a line that is in the
page's true body (a removal that costs recall). A generic rule firing on a single
publisher is fitted to it: move it to that site's profile or drop it. Prints rules with at
most 1 publisher (with --all: every rule).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
BYLINE_RULE = "bylines.toml labels: a byline line at the edge of the body"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import read_pages  # noqa: E402


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


class Hits:
    def __init__(self) -> None:
        self.pages: dict = defaultdict(set)
        self.sites: dict = defaultdict(set)
        self.lines: dict = defaultdict(int)
        self.in_story: dict = defaultdict(int)
        self.example: dict = {}

    def add(self, rule: str, url: str, line: str, in_story: bool) -> None:
        self.pages[rule].add(url)
        self.sites[rule].add(_site(url))
        self.lines[rule] += 1
        self.in_story[rule] += int(in_story)
        self.example.setdefault(rule, line[:90])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"))
    parser.add_argument("--sets", default="zyte-dev,fundus-dev")
    parser.add_argument("--all", action="store_true", help="print every rule, not only single-publisher ones")
    args = parser.parse_args(argv)

    from newscrawl.bylines import read_byline
    from newscrawl.cleaning.lexicon import FoldedLine, default_lexicons
    from newscrawl.cleaning.lines import HEAD_LINES, TAIL_LINES
    from newscrawl.extraction import body as body_module
    from newscrawl.extraction import extract_article

    from newscrawl.text.lexicons import tables_for, words_for

    markers = [(f"lexicons/{stem}.toml [extraction] drop_blocks[{i}] {p}", re.compile(p, re.IGNORECASE))
               for stem, table in tables_for("extraction").items()
               for i, p in enumerate(table.get("drop_blocks", []))]
    stamp_words = sorted(words_for("extraction", "stamp_words"), key=len, reverse=True)
    lexicon_rules = []
    for rule in default_lexicons().rules:
        for where, patterns in (("patterns", rule.anywhere), ("edge_patterns", rule.edge)):
            for i, pattern in enumerate(patterns):
                lexicon_rules.append((f"lexicons/{rule.language}.toml [cleaning.{rule.kind}] {where}[{i}]", pattern,
                                      where == "edge_patterns"))

    hits = Hits()
    tested: list = []  # (url, block text, which test dropped it)
    current = {"url": ""}
    originals = {name: getattr(body_module, name) for name in ("_is_marker_line", "_is_stamp_line")}

    def spy(name):
        def wrapped(text):
            result = originals[name](text)
            if result:
                tested.append((current["url"], text, name))
            return result
        return wrapped

    for name in originals:
        setattr(body_module, name, spy(name))
    eval_dir = Path(args.eval)
    pages = 0
    try:
        for set_name in [s for s in args.sets.split(",") if s]:
            truth = {}
            for line in (eval_dir / set_name / "truth.jsonl").read_text(encoding="utf-8").splitlines():
                t = json.loads(line)
                truth[t["url"]] = {_key(p) for p in (t.get("body") or "").split("\n\n") if p.strip()}
            for url, headers, body, fetched in read_pages(eval_dir / set_name / "pages.warc.gz"):
                pages += 1
                current["url"] = url
                story = truth.get(url, set())
                article = extract_article(body, url, headers=headers, fetched_at=fetched)
                lines = [p for p in (article.body or "").split("\n\n") if p.strip()]
                edge = set(range(HEAD_LINES)) | set(range(max(0, len(lines) - TAIL_LINES), len(lines)))
                for k, line in enumerate(lines):
                    folded = FoldedLine(line)
                    if not folded.core or len(line) > 700:
                        continue
                    for label, pattern, edge_only in lexicon_rules:
                        if edge_only and k not in edge:
                            continue
                        if pattern.fullmatch(folded.core):
                            hits.add(label, url, line, _key(line) in story)
                    if k in edge and read_byline(line):
                        hits.add(BYLINE_RULE, url, line, _key(line) in story)
                for u, text, test in tested:
                    norm = " ".join(text.split())
                    in_story = _key(text) in story
                    if test == "_is_marker_line":
                        for label, pattern in markers:
                            if pattern.fullmatch(norm):
                                hits.add(label, u, text, in_story)
                    else:
                        word = next((w for w in stamp_words if norm.casefold().startswith(w.casefold())), None)
                        label = f"[extraction] stamp_words {word!r}" if word else "[extraction] stamp_words (digits only)"
                        hits.add(label, u, text, in_story)
                tested.clear()
    finally:
        for name, fn in originals.items():
            setattr(body_module, name, fn)

    all_rules = [label for label, _ in markers] + [label for label, _, _ in lexicon_rules] + [BYLINE_RULE]
    print(f"{pages} pages. rules: {len(all_rules)} (+ stamp words); "
          f"fired: {sum(1 for r in all_rules if r in hits.lines)}; "
          f"on one publisher only: {sum(1 for r in hits.sites if len(hits.sites[r]) == 1)}")
    print(f"{'lines':>6}{'pages':>6}{'sites':>6}{'in story':>9}  rule / example")
    for rule in sorted(set(all_rules) | set(hits.lines), key=lambda r: (len(hits.sites.get(r, ())), r)):
        n_sites = len(hits.sites.get(rule, ()))
        if not args.all and n_sites != 1:
            continue
        print(f"{hits.lines.get(rule, 0):>6}{len(hits.pages.get(rule, ())):>6}{n_sites:>6}{hits.in_story.get(rule, 0):>9}"
              f"  {rule}")
        if rule in hits.example:
            print(f"{'':>29}e.g. {hits.example[rule]!r} ({', '.join(sorted(hits.sites[rule]))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
