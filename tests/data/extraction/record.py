"""Record a new extraction test case from a saved page (run by hand, never by the tests).

    .venv/bin/python tests/data/extraction/record.py PAGE.html URL NAME [--fetched-at ISO]
        [--charset windows-1256] [--fields title,date,authors,language]

Copies the page to pages/NAME.html and writes pages/NAME.json with what the extractor
produces now for the chosen fields. READ the JSON and correct it by hand to the page's true
values before committing: the case must state the truth, not today's output.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from newscrawl.extraction import extract_article  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("url")
    parser.add_argument("name")
    parser.add_argument("--fetched-at", default=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    parser.add_argument("--charset", help="charset of the HTTP Content-Type header to record")
    parser.add_argument("--fields", default="title,date,authors,language,source")
    args = parser.parse_args(argv)
    headers = {"Content-Type": f"text/html; charset={args.charset}"} if args.charset else {}
    html = args.page.read_bytes()
    article = extract_article(html, args.url, headers=headers, fetched_at=datetime.fromisoformat(args.fetched_at))
    values = article.to_dict()
    spec = {"url": args.url, "fetched_at": args.fetched_at, "headers": headers,
            "expected": {field: values[field] for field in args.fields.split(",")}}
    target = HERE / "pages"
    shutil.copyfile(args.page, target / f"{args.name}.html")
    (target / f"{args.name}.json").write_text(json.dumps(spec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target / args.name}.html/.json: check every expected value against the page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
