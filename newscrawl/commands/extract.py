"""`newscrawl extract INPUT... -o FILE.jsonl`: saved pages (WARC or HTML) -> export lines.

INPUT is a .warc / .warc.gz (every HTML response or resource record is a page; WARC-Target-URI
is its URL, WARC-Date its fetch time, the HTTP header its charset; non-2xx responses are skipped) or a .html / .html.gz page with
`--url`. Each page runs through extraction, then cleaning (unless --no-clean). A page with
no title or no body is not a story: it is counted among the rejects with its reason, not
written. A page that fails is counted and reported at the end; it never stops the run.
"""
from __future__ import annotations

import gzip
import json
import os
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

from newscrawl.cli import EXIT_ERRORS, EXIT_OK, CommandError
from newscrawl.text.dates import parse_timestamp
from newscrawl.items import missing_required
from newscrawl.outputs import atomic_text_file, check_output_path
from newscrawl.runs import new_run_id

# Exit 1 when more than this share of the pages failed (the run still writes the others).
FAILED_SHARE_FOR_EXIT_ERRORS = 0.10
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz")


@dataclass
class Page:
    url: str
    body: bytes
    headers: dict
    fetched_at: Optional[datetime]
    origin: str  # where it came from, for error messages
    hints: Optional[dict] = None  # the crawl's hints for the page, kept in a WARC written by `crawl --warc`


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "extract", help="extract articles from saved pages (WARC or HTML) into JSON Lines",
        description=__doc__.split("\n\n")[1] if "\n\n" in __doc__ else None)
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=".warc/.warc.gz files, or .html/.html.gz with --url")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.jsonl", help="where to write the export lines")
    parser.add_argument("--url", action="append", default=[], metavar="URL",
                        help="URL of an .html input (give it once per HTML input, in order)")
    parser.add_argument("--fetched-at", metavar="ISO", help="fetch time of the .html inputs (default: now; a WARC "
                                                            "record's own WARC-Date is always used)")
    parser.add_argument("--no-clean", action="store_true", help="write the extracted fields without the cleaning stage")
    parser.add_argument("--all-pages", action="store_true",
                        help="extract every page whatever its kind (default: only the pages the crawl takes for stories)")
    parser.add_argument("--profiles", action="append", default=[], metavar="DIR",
                        help="a folder of site profiles beside the bundled ones (repeatable)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="draw the progress bar even when stderr is not a terminal")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    # `extract a.html --url A b.html --url B`: inputs after an option are inputs too (see cli.main).
    parser.set_defaults(func=run, extra_positionals="inputs")


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    raise CommandError(f"{path}: unknown input type (expected .warc, .warc.gz, .html or .html.gz)")


def _check_inputs(args) -> list[tuple[Path, str, Optional[str]]]:
    plan = []
    urls = list(args.url)
    html_count = 0
    for raw in args.inputs:
        path = Path(raw)
        if not path.is_file():
            raise CommandError(f"{raw}: no such input file")
        if not os.access(path, os.R_OK):
            raise CommandError(f"{raw}: input file is not readable")
        kind = _kind(path)
        url = None
        if kind == "html":
            html_count += 1
            if not urls:
                raise CommandError(f"{raw}: an HTML input needs its page URL (--url URL, once per HTML input)")
            url = urls.pop(0)
            if not url.startswith(("http://", "https://")):
                raise CommandError(f"--url {url!r}: not an http(s) URL")
        plan.append((path, kind, url))
    if urls:
        raise CommandError(f"{len(args.url)} --url given for {html_count} HTML input(s)")
    return plan


def _is_html(content_type: Optional[str], body_start: bytes) -> bool:
    if content_type:
        ctype = content_type.split(";", 1)[0].strip().lower()
        if ctype in ("text/html", "application/xhtml+xml"):
            return True
        if ctype and ctype not in ("application/octet-stream", "text/plain", "unknown/unknown"):
            return False
    head = body_start.lstrip()[:512].lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


class Progress:
    """A one-line progress bar on stderr, by bytes read from the input file."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, max(total, 1), enabled
        self.last_draw = 0.0
        self.pages = 0

    def update(self, done: int, pages: int, force: bool = False) -> None:
        self.pages = pages
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last_draw < 0.2:
            return
        self.last_draw = now
        share = min(done / self.total, 1.0)
        width = 30
        filled = int(share * width)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {share * 100:5.1f}% {pages} pages")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.total, self.pages, force=True)
            sys.stderr.write("\n")
            sys.stderr.flush()


# Bound on one page's bytes, after any decompression (like the crawl's DOWNLOAD_MAXSIZE):
# a gzip bomb in an .html.gz or a WARC record's Content-Encoding stops here.
MAX_PAGE_BYTES = 16 * 1024 * 1024
DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error)


@dataclass
class PageFailure:
    """An input record that is not a page: counted by kind and reported, never written."""
    origin: str
    kind: str  # "oversized", "truncated record", "decompression"
    detail: str


def _read_capped(stream, origin: str) -> bytes | PageFailure:
    try:
        data = stream.read(MAX_PAGE_BYTES + 1)
    except DECOMPRESSION_ERRORS as exc:
        return PageFailure(origin, "decompression", f"{type(exc).__name__}: {exc}")
    if len(data) > MAX_PAGE_BYTES:
        return PageFailure(origin, "oversized", f"more than {MAX_PAGE_BYTES // (1024 * 1024)} MiB after decompression")
    return data


def _warc_pages(path: Path, progress: Progress, skipped: Counter) -> Iterator[Page | PageFailure]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, arc2warc=True):
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            http = record.http_headers
            if record.rec_type == "resource":  # a stored file: no HTTP block, the WARC header types it
                headers = {"Content-Type": record.rec_headers.get_header("Content-Type") or ""}
            elif http is None:
                skipped["no HTTP headers"] += 1
                continue
            else:
                status = http.get_statuscode()
                if status and not str(status).startswith("2"):
                    skipped[f"HTTP {status}"] += 1
                    continue
                headers = {name: value for name, value in http.headers}
            origin = f"{path.name}: {url}"
            body = _read_capped(record.content_stream(), origin)
            if isinstance(body, PageFailure):
                yield body
                continue
            if getattr(record.raw_stream, "limit", 0):  # the record ends before its Content-Length
                yield PageFailure(origin, "truncated record",
                                  f"{record.raw_stream.limit} of {record.length} bytes missing")
                continue
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
            if not _is_html(content_type, body[:1024]):
                skipped["not HTML"] += 1
                continue
            yield Page(url=url.strip(), body=body, headers=headers,
                       fetched_at=parse_timestamp(record.rec_headers.get_header("WARC-Date")),
                       origin=origin, hints=_recorded_hints(record))
            progress.update(fh.tell(), progress.pages + 1)


def _recorded_hints(record) -> Optional[dict]:
    from newscrawl.warc import HINTS_HEADER, RECORDED_HINTS

    raw = record.rec_headers.get_header(HINTS_HEADER)
    if not raw:
        return None
    try:
        hints = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(hints, dict):
        return None
    return {k: v for k, v in hints.items()
            if k in RECORDED_HINTS and (v is None or isinstance(v, str) or (k == "site" and isinstance(v, dict)))}


def _html_pages(path: Path, url: str, fetched_at: Optional[datetime]) -> Iterator[Page | PageFailure]:
    """One page; a generator so that an unreadable file is a failure counted like the others."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = _read_capped(fh, str(path))
    if isinstance(data, PageFailure):
        yield data
        return
    yield Page(url=url, body=data, headers={}, fetched_at=fetched_at or datetime.now(timezone.utc), origin=str(path))


def run(args) -> int:
    from dataclasses import replace

    from newscrawl.commands.crawl import check_profiles_before_start
    from newscrawl.page import ERROR, PageHints, process_page

    plan = _check_inputs(args)
    profile_dirs = check_profiles_before_start(tuple(args.profiles))
    html_fetched_at = None
    if args.fetched_at:
        html_fetched_at = parse_timestamp(args.fetched_at)
        if html_fetched_at is None:
            raise CommandError(f"--fetched-at {args.fetched_at!r}: not an ISO 8601 date-time")
    check_output_path(args.output)
    run_id = new_run_id()
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    # Classified as the crawl classifies (only stories are written) unless --all-pages.
    hints = PageHints(extract_all=args.all_pages, clean=not args.no_clean, profile_dirs=profile_dirs)
    written = 0
    rejects: Counter = Counter()  # pages that are not stories, by reason: never written as lines
    failures: list[str] = []
    skipped: Counter = Counter()
    clean_counts: Counter = Counter()
    failure_kinds: Counter = Counter()
    with atomic_text_file(args.output) as out:
        for path, kind, url in plan:
            if kind == "warc":
                progress = Progress(path.name, path.stat().st_size, show_progress)
                pages: Iterator[Page] = _warc_pages(path, progress, skipped)
            else:
                progress = Progress(path.name, 1, False)
                pages = _html_pages(path, url, html_fetched_at)
            while True:
                try:
                    page = next(pages)
                except StopIteration:
                    break
                except Exception as exc:  # a broken file: keep what was read, report it
                    failures.append(f"{path}: unreadable after {progress.pages} pages ({type(exc).__name__}: {exc})")
                    failure_kinds["unreadable file"] += 1
                    break
                if isinstance(page, PageFailure):
                    failures.append(f"{page.origin}: {page.kind} ({page.detail})")
                    failure_kinds[page.kind] += 1
                    continue
                # The crawl's page function, on every saved page whatever its kind.
                page_hints = replace(hints, **page.hints) if page.hints else hints
                result = process_page(page.url, page.headers, page.body, page.fetched_at, page_hints)
                clean_counts.update({k: n for k, n in result.counters.items() if k.startswith("cleaning/")})
                if result.kind == ERROR:
                    failures.append(f"{page.origin}: {result.error}")
                    failure_kinds["page error"] += 1
                    continue
                if result.article is None:  # an empty or non-HTML body: nothing to extract
                    skipped[f"{result.kind.replace('_', ' ')} page"] += 1
                    continue
                missing = missing_required(result.article)
                if missing:  # not a story: counted with its reason, never an invalid line
                    rejects["no " + " and no ".join(missing)] += 1
                    continue
                result.article.run_id = run_id
                out.write(json.dumps(result.article.to_dict(), ensure_ascii=False) + "\n")
                written += 1
            progress.close()

    attempted = written + sum(rejects.values()) + sum(1 for f in failures if "unreadable after" not in f)
    summary = f"newscrawl extract: {written} pages written to {args.output}"
    if skipped:
        summary += "; skipped " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
    if rejects:
        summary += "; not stories " + ", ".join(f"{n} {why}" for why, n in sorted(rejects.items()))
    print(summary, file=sys.stderr)
    if failures:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(failure_kinds.items()))
        print(f"newscrawl extract: {len(failures)} failed ({kinds}):", file=sys.stderr)
        for line in failures[:20]:
            print(f"  {line}", file=sys.stderr)
        if len(failures) > 20:
            print(f"  ... and {len(failures) - 20} more", file=sys.stderr)
        if attempted == 0 or len(failures) / max(attempted, 1) > FAILED_SHARE_FOR_EXIT_ERRORS:
            return EXIT_ERRORS
    return EXIT_OK
