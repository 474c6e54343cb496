"""`newscrawl dedup IN.jsonl... -o OUT.jsonl [--state DIR]`: deduplicate existing exports.

The same dedup as a crawl: exact and near-duplicate copies (syndicated, lightly edited,
abridged) are written once, the first copy seen, in input order; every later copy goes to
the sidecar OUT.duplicates.jsonl (url, id, title, source, duplicate_of, duplicate_of_url,
similarity, reason). With --state,
stories seen by earlier runs (or crawls with the same --state) are not written again unless
their body changed (then with `version` incremented). Lines that are not JSON objects with a
url and a body are counted and reported, never fatal.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from newscrawl.cli import EXIT_OK, CommandError
from newscrawl.dedup.deduplicator import Deduplicator, sidecar_path
from newscrawl.dedup.store import open_store
from newscrawl.urls import canonicalize_url
from newscrawl.outputs import atomic_text_file, check_output_path
from newscrawl.date_contract import apply_date_contract
from newscrawl.items import SCHEMA_VERSION, Article


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "dedup", help="deduplicate JSON Lines exports (exact, syndicated, edited, abridged copies)",
        description=__doc__.split("\n\n")[1])
    parser.add_argument("inputs", nargs="+", metavar="IN.jsonl", help="export files, read in order")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.jsonl",
                        help="kept stories; copies go to OUT.duplicates.jsonl beside it")
    parser.add_argument("--state", metavar="DIR", default=None,
                        help="state directory shared with earlier runs / crawls (default: none, in memory)")
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")
    parser.set_defaults(func=run)


def _check_paths(args) -> None:
    for name in args.inputs:
        path = Path(name)
        if not path.exists():
            raise CommandError(f"input not found: {name}")
        if not path.is_file():
            raise CommandError(f"input is not a file: {name}")
        if not os.access(path, os.R_OK):
            raise CommandError(f"input not readable: {name}")
    out = check_output_path(args.output)
    resolved_inputs = {Path(n).resolve() for n in args.inputs}
    if out.resolve() in resolved_inputs or Path(sidecar_path(args.output)).resolve() in resolved_inputs:
        raise CommandError("the output (or its sidecar) would overwrite an input")
    if args.state and Path(args.state).exists() and not Path(args.state).is_dir():
        raise CommandError(f"--state is not a directory: {args.state}")


def _read_articles(paths, counts: Counter):
    """Articles from export lines; malformed lines are counted by kind and skipped."""
    for name in paths:
        with open(name, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw.decode("utf-8-sig"))
                except (ValueError, UnicodeDecodeError):
                    counts["malformed/not_json"] += 1
                    continue
                if not isinstance(data, dict):
                    counts["malformed/not_an_object"] += 1
                    continue
                if not isinstance(data.get("url"), str) or not data["url"].strip():
                    counts["malformed/no_url"] += 1
                    continue
                if not isinstance(data.get("body"), str):
                    counts["malformed/no_body"] += 1
                    continue
                try:
                    article = Article.from_dict(data)
                except TypeError:
                    counts["malformed/bad_fields"] += 1
                    continue
                if article.id is not None and not isinstance(article.id, str):
                    article.id = str(article.id)
                if not isinstance(article.version, int) or isinstance(article.version, bool):
                    article.version = 1
                # Lines of schema 1 (or other tools) come out under the current schema and date contract.
                article.schema_version = SCHEMA_VERSION
                apply_date_contract(article)
                try:
                    source_url = article.canonical_url if isinstance(article.canonical_url, str) and \
                        article.canonical_url.strip() else article.url
                    article.canonical_url = canonicalize_url(source_url)
                except ValueError:
                    counts["malformed/bad_url"] += 1
                    continue
                yield article


def run(args) -> int:
    _check_paths(args)
    counts: Counter = Counter()
    try:
        store = open_store(args.state)
    except Exception as exc:  # sqlite: unreadable / corrupt file, permissions
        raise CommandError(f"cannot open --state {args.state}: {exc}") from exc
    dedup = Deduplicator(store, commit_every=500)
    try:
        with atomic_text_file(args.output) as out, atomic_text_file(sidecar_path(args.output)) as side:
            for article in _read_articles(args.inputs, counts):
                counts["read"] += 1
                decision = dedup.process(article)
                if decision.exported:
                    counts["exported"] += 1
                    counts[f"exported/{decision.reason}"] += 1
                    out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
                else:
                    counts[f"{decision.action}/{decision.reason}"] += 1
                    if decision.for_sidecar(article):
                        counts["sidecar"] += 1
                        side.write(json.dumps(decision.sidecar_record(article), ensure_ascii=False) + "\n")
    finally:
        dedup.close()
    if not args.quiet:
        malformed = sum(n for k, n in counts.items() if k.startswith("malformed/"))
        print(f"newscrawl dedup: read {counts['read']} stories, wrote {counts['exported']} to {args.output}; "
              f"{counts['read'] - counts['exported']} not written again ({counts['sidecar']} copies listed in "
              f"{sidecar_path(args.output)})"
              + (f", skipped {malformed} malformed lines" if malformed else ""), file=sys.stderr)
        for key in sorted(k for k in counts if "/" in k):
            print(f"  {key}: {counts[key]}", file=sys.stderr)
    return EXIT_OK
