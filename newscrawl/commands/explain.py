"""`newscrawl explain PAGE [--url URL]`: for one page, the kind it gets and why, the site
profile that applies, every field with its source, the links it would follow (related ones
marked) and what cleaning removed. PAGE is a saved .html/.html.gz (with --url), a WARC (with
--url naming the record), or a live URL fetched only with --fetch."""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from newscrawl.cli import EXIT_OK, CommandError

MAX_FETCH_BYTES = 16 * 1024 * 1024


@dataclass
class SavedPage:
    url: str
    headers: dict
    body: bytes
    fetched_at: datetime
    hints: Optional[dict] = None


def add_page_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", metavar="PAGE", help="a saved .html/.html.gz page, a .warc/.warc.gz, or a URL (with --fetch)")
    parser.add_argument("--url", metavar="URL", help="the page's URL (for a saved page; for a WARC, the record to read)")
    parser.add_argument("--fetch", action="store_true", help="fetch PAGE from the network (it must then be a URL)")
    parser.add_argument("--fetched-at", metavar="ISO", help="fetch time of a saved .html page (default: now)")
    parser.add_argument("--profiles", action="append", default=[], metavar="DIR",
                        help="a folder of site profiles beside the bundled ones (repeatable)")


def register(subparsers) -> None:
    parser = subparsers.add_parser("explain", help="show how one page is classified, extracted and cleaned",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[-1])
    add_page_options(parser)
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.set_defaults(func=run)


def _fetch(url: str) -> SavedPage:
    import urllib.error
    import urllib.request

    from newscrawl import settings

    request = urllib.request.Request(url, headers={"User-Agent": settings.USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=settings.DOWNLOAD_TIMEOUT) as response:
            body = response.read(MAX_FETCH_BYTES + 1)
            headers = dict(response.headers.items())
            final_url = response.geturl()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise CommandError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None
    if len(body) > MAX_FETCH_BYTES:
        raise CommandError(f"{url}: larger than {MAX_FETCH_BYTES} bytes")
    if headers.get("Content-Encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
    return SavedPage(final_url, headers, body, datetime.now(timezone.utc))


def _from_warc(path: Path, url: Optional[str]) -> SavedPage:
    from collections import Counter

    from newscrawl.commands.extract import Progress, _warc_pages

    for page in _warc_pages(path, Progress(path.name, 1, False), Counter()):
        if url is None or page.url == url:
            return SavedPage(page.url, page.headers, page.body, page.fetched_at or datetime.now(timezone.utc), page.hints)
    raise CommandError(f"{path}: no HTML response for {url}" if url else f"{path}: no HTML response in it")


def load_page(args: argparse.Namespace) -> SavedPage:
    """The page named on the command line; the network only with --fetch."""
    source = args.page
    if source.startswith(("http://", "https://")):
        if not args.fetch:
            raise CommandError(f"{source}: a URL is fetched only with --fetch; or give a saved page and --url")
        return _fetch(source)
    if args.fetch:
        raise CommandError("--fetch needs a URL")
    path = Path(source)
    if not path.is_file():
        raise CommandError(f"{source}: no such file")
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return _from_warc(path, args.url)
    if not args.url or not args.url.startswith(("http://", "https://")):
        raise CommandError(f"{source}: a saved page needs its http(s) URL (--url URL)")
    body = path.read_bytes()
    if name.endswith(".gz"):
        body = gzip.decompress(body)
    fetched_at = datetime.now(timezone.utc)
    if args.fetched_at:
        try:
            fetched_at = datetime.fromisoformat(args.fetched_at.replace("Z", "+00:00"))
        except ValueError:
            raise CommandError(f"--fetched-at {args.fetched_at!r}: not an ISO 8601 date-time") from None
        fetched_at = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=timezone.utc)
    return SavedPage(args.url, {}, body, fetched_at)


def hints_for(args: argparse.Namespace, page: SavedPage, profile: Optional[str] = None):
    from dataclasses import replace

    from newscrawl.commands.crawl import check_profiles_before_start
    from newscrawl.page import PageHints

    dirs = check_profiles_before_start(tuple(str(Path(d).expanduser()) for d in args.profiles))
    hints = PageHints(profile_dirs=dirs, profile=profile)
    return replace(hints, **page.hints) if page.hints else hints


def run(args: argparse.Namespace) -> int:
    from newscrawl.explain import explain_page, format_report

    page = load_page(args)
    report = explain_page(page.url, page.headers, page.body, page.fetched_at, hints_for(args, page))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        sys.stdout.write(format_report(report))
    return EXIT_OK
