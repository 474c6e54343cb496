"""`newscrawl crawl URL... [-o FILE]`: the same crawl as `scrapy crawl news`, with progress
on stderr and a one-screen summary at the end."""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from newscrawl.cli import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, CommandError
from newscrawl.dates import parse_since
from newscrawl.extensions import error_count
from newscrawl.spiders.news import check_start_url, split_start_urls

FEED_OPTIONS = {
    "format": "jsonlines",
    "encoding": "utf-8",
    "store_empty": True,
    "overwrite": True,
    "item_export_kwargs": {"ensure_ascii": False},
}


@dataclass
class CrawlResult:
    export_path: Path
    stats: dict
    exit_code: int
    elapsed: float


def add_crawl_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `crawl` and `demo`."""
    parser.add_argument("--max-pages", type=int, metavar="N", help="stop after N pages fetched (default: no limit)")
    parser.add_argument("--max-depth", type=int, metavar="N", help="follow listings and pagination at most N hops from a start URL (default: no limit)")
    parser.add_argument("--since", metavar="DATE", help="skip stories published before DATE (YYYY-MM-DD, ISO date-time, or an age: 36h, 7d, 2w)")
    parser.add_argument("--state", metavar="DIR", help="keep dedup state in DIR across runs (only new or updated stories are exported)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy or newscrawl setting (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log (INFO) instead of warnings only")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines, no summary")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "crawl", help="crawl news sites and write one JSON line per story",
        description="Crawl news sites from their home, section, feed or sitemap URLs and write one JSON line per story.",
    )
    parser.add_argument("urls", nargs="+", metavar="URL", help="start URLs: home or section pages, RSS/Atom feeds, sitemaps (comma-separated lists accepted)")
    parser.add_argument("-o", "--output", metavar="FILE", help="export file (JSON Lines); default output/news/<UTC timestamp>.jsonl")
    add_crawl_options(parser)
    parser.set_defaults(func=run)


def parse_setting_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def default_export_path(spider_name: str = "news") -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ")
    return Path("output") / spider_name / f"{stamp}.jsonl"


def check_writable(path: Path) -> Path:
    """Create the parent folder and prove we can write there, before any request is sent."""
    path = path.expanduser()
    if path.exists() and path.is_dir():
        raise CommandError(f"output path is a directory: {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.parent / f".newscrawl-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CommandError(f"cannot write the output file {path}: {exc.strerror or exc}") from None
    return path


def build_settings(export_path: Path, args: argparse.Namespace, extra: Optional[dict] = None):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.set("FEEDS", {str(export_path): dict(FEED_OPTIONS)}, priority="cmdline")
    settings.set("NEWSCRAWL_EXPORT_PATH", str(export_path), priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if args.verbose else "WARNING", priority="cmdline")
    settings.set("NEWSCRAWL_PROGRESS_INTERVAL", 0 if args.quiet else 2, priority="cmdline")
    if args.max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", args.max_pages, priority="cmdline")
    if args.max_depth:
        settings.set("NEWSCRAWL_MAX_DEPTH", args.max_depth, priority="cmdline")
    if args.since:
        try:
            parse_since(args.since)
        except ValueError as exc:
            raise CommandError(f"--since: {exc}") from None
        settings.set("NEWSCRAWL_SINCE", args.since, priority="cmdline")
    if args.state:
        settings.set("NEWSCRAWL_STATE_DIR", str(Path(args.state).expanduser()), priority="cmdline")
    for name, value in (extra or {}).items():
        settings.set(name, value, priority="cmdline")
    for name, value in parse_setting_overrides(args.settings).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(start_urls: list[str], export_path: Path, args: argparse.Namespace, extra_settings: Optional[dict] = None) -> CrawlResult:
    from scrapy.crawler import CrawlerProcess

    from newscrawl.spiders.news import NewsSpider

    settings = build_settings(export_path, args, extra_settings)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    started = time.monotonic()
    process.crawl(crawler, start_urls=",".join(start_urls))
    process.start()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    return CrawlResult(export_path, stats, exit_code_for(stats, settings), time.monotonic() - started)


def exit_code_for(stats: dict, settings) -> int:
    reason = stats.get("finish_reason", "")
    if reason in ("shutdown", "cancelled") or not reason:
        return EXIT_INTERRUPTED
    pages = max(int(stats.get("response_received_count", 0)), 1)
    threshold = settings.getfloat("NEWSCRAWL_MAX_ERROR_RATE", 0.2)
    if error_count(stats) / pages > threshold:
        return EXIT_ERRORS
    return EXIT_OK


def format_summary(result: CrawlResult, start_urls: list[str]) -> str:
    s = result.stats
    pages = {k.split("/", 2)[-1]: v for k, v in s.items() if k.startswith("newscrawl/pages/")}
    removed = {k.rsplit("/", 1)[-1]: v for k, v in s.items() if k.startswith("cleaning/removed/")}
    errors = {k: v for k, v in s.items() if k.startswith(("downloader/exception_type_count/", "spider_exceptions/")) and k != "spider_exceptions/count"}
    statuses = {k.rsplit("/", 1)[-1]: v for k, v in s.items() if k.startswith("downloader/response_status_count/")}
    lines = [
        "",
        "newscrawl — crawl summary",
        f"  start URLs        {', '.join(start_urls)}",
        f"  export            {result.export_path}",
        f"  finish reason     {s.get('finish_reason', 'unknown')}   ({result.elapsed:.1f}s)",
        f"  pages fetched     {s.get('response_received_count', 0)}   "
        + ("(" + ", ".join(f"{k} {v}" for k, v in sorted(pages.items())) + ")" if pages else ""),
        f"  HTTP statuses     {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items())) or '-'}",
        f"  stories written   {s.get('item_scraped_count', 0)}",
        f"  duplicates        {s.get('dedup/duplicates', 0)} skipped, {s.get('dedup/revisions', 0)} revisions",
        f"  dropped           {s.get('items/dropped/incomplete', 0)} not stories, {s.get('items/dropped/before_since', 0) + s.get('newscrawl/skipped/before_since', 0)} before --since",
        f"  robots.txt        {s.get('robotstxt/forbidden', 0)} URLs not fetched (disallowed)",
        f"  errors            {error_count(s)}" + (" (" + ", ".join(f"{k.rsplit('/', 1)[-1]}: {v}" for k, v in sorted(errors.items())) + ")" if errors else ""),
    ]
    if removed:
        lines.append("  cleaned out       " + ", ".join(f"{k} {v}" for k, v in sorted(removed.items())))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        start_urls = [check_start_url(u) for raw in args.urls for u in split_start_urls(raw)]
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    export_path = check_writable(Path(args.output) if args.output else default_export_path())
    result = run_crawl(start_urls, export_path, args)
    if not args.quiet:
        sys.stderr.write(format_summary(result, start_urls))
    return result.exit_code
