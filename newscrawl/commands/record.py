"""`newscrawl record PAGE --profile NAME`: keep one page as a test case of its site profile.

Writes tests/sites/<profile>/<name>.html.gz (the page), and <name>.json with its URL, fetch
time, headers, the profile and the fields the page function gives now ("expected"). READ
the JSON and correct any value that is wrong before committing: a case states the truth.
tests/test_recorded_sites.py replays every recorded page through the crawl's page function
and compares the fields. A profile from a folder outside the package is copied beside the
cases (profile.toml), so the test needs nothing else."""
from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.cli import EXIT_OK, CommandError
from newscrawl.commands.explain import add_page_options, hints_for, load_page

RECORDED_FIELDS = ("title", "date", "authors", "source", "language", "section", "tags", "image", "credit",
                   "canonical_url", "body")
DEFAULT_DIR = Path("tests") / "sites"


def register(subparsers) -> None:
    parser = subparsers.add_parser("record", help="save a page and its expected fields as a test case of a site profile",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[-1])
    add_page_options(parser)
    parser.add_argument("--profile", required=True, metavar="NAME", help="the site profile (name or file name)")
    parser.add_argument("--name", metavar="NAME", help="the case's file name (default: from the URL's path)")
    parser.add_argument("--dir", default=str(DEFAULT_DIR), metavar="DIR", help=f"where cases go (default {DEFAULT_DIR})")
    parser.add_argument("--force", action="store_true", help="replace a case of the same name")
    parser.set_defaults(func=run)


def case_name(url: str) -> str:
    path = urlsplit(url).path.strip("/") or "home"
    name = re.sub(r"\.(?:html?|php|aspx?)$", "", path.rsplit("/", 1)[-1]) or path.replace("/", "-")
    return re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip("-.")[:80] or "page"


def run(args: argparse.Namespace) -> int:
    from newscrawl.extraction.profiles import ProfileError, profile_named
    from newscrawl.page import ERROR, process_page

    page = load_page(args)
    hints = hints_for(args, page, profile=args.profile)
    try:
        profile = profile_named(args.profile, hints.profile_dirs)
    except ProfileError as exc:
        raise CommandError(str(exc)) from None
    result = process_page(page.url, page.headers, page.body, page.fetched_at, hints)
    if result.kind == ERROR:
        raise CommandError(f"{page.url}: the page function failed: {result.error}")
    if result.article is None:
        raise CommandError(f"{page.url}: taken for a {result.kind} page, not a story (see newscrawl explain); "
                           "a story_urls rule in the profile decides that")
    folder = Path(args.dir) / profile["file"].removesuffix(".toml")
    name = args.name or case_name(page.url)
    target = folder / f"{name}.json"
    if target.exists() and not args.force:
        raise CommandError(f"{target} exists (--force replaces it, --name chooses another)")
    folder.mkdir(parents=True, exist_ok=True)
    if not profile.get("path", "").startswith("newscrawl/sites/"):
        shutil.copyfile(profile["path"], folder / "profile.toml")  # the case carries its outside profile
    (folder / f"{name}.html.gz").write_bytes(gzip.compress(page.body, mtime=0))
    values = result.article.to_dict()
    content_type = next((v for k, v in page.headers.items() if k.lower() == "content-type"), None)
    case = {
        "url": page.url,
        "fetched_at": page.fetched_at.isoformat(timespec="seconds"),
        "headers": {"Content-Type": content_type} if content_type else {},
        "profile": profile["name"],
        "expected": {field: values.get(field) for field in RECORDED_FIELDS},
    }
    target.write_text(json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {folder / name}.html.gz and {target.name}: check every expected value against the page",
          file=sys.stderr)
    return EXIT_OK
