"""`newscrawl crawl URL... [-o FILE]`: the same crawl as `scrapy crawl news`, with progress
on stderr and a one-screen summary at the end."""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from newscrawl.cli import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_WARNINGS, CommandError
from newscrawl.text.dates import parse_since
from newscrawl.urls import registrable_domain
from newscrawl.extensions import error_count, errors_by_kind
from newscrawl.outputs import check_output_path
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
    parser.add_argument("--max-pages", type=non_negative_int, metavar="N", help="stop after N pages fetched (default: no limit)")
    parser.add_argument("--max-depth", type=non_negative_int, metavar="N", help="follow listings and pagination at most N hops from a start URL (default: no limit)")
    parser.add_argument("--since", metavar="DATE", help="skip stories published before DATE (YYYY-MM-DD or an ISO date-time)")
    parser.add_argument("--max-age", metavar="AGE", help="skip stories older than AGE (36h, 7d, 2w); the later of --since and --max-age wins")
    parser.add_argument("--state", metavar="DIR", help="keep dedup state and the run journal in DIR: later runs export only new or updated stories, and a killed run is resumed by the same command")
    parser.add_argument("--profiles", action="append", default=[], metavar="DIR",
                        help="a folder of site profiles (*.toml) beside the bundled ones (repeatable; NEWSCRAWL_PROFILES_DIR)")
    parser.add_argument("--warc", metavar="FILE.warc.gz", help="also write every fetched response to WARC files "
                        "(FILE.warc.gz, then FILE-00001.warc.gz ... past NEWSCRAWL_WARC_MAX_SIZE)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy or newscrawl setting (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log (INFO) instead of warnings only")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines, no summary (warnings are still printed)")
    parser.add_argument("--fail-on-warning", action="store_true", help="exit with code 4 when the run gave warnings (a site yielding far fewer stories or fields than its previous run)")
    parser.add_argument("--report", action="store_true", help="also write the HTML crawl report beside the export (<export>.report.html)")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "crawl", help="crawl news sites and write one JSON line per story",
        description="Crawl news sites from their home, section, feed or sitemap URLs and write one JSON line per story.",
    )
    parser.add_argument("urls", nargs="*", metavar="URL", help="start URLs: home or section pages, RSS/Atom feeds, sitemaps (comma-separated lists accepted)")
    parser.add_argument("--sites", metavar="FILE", help="a site list (TOML or YAML): name, start URLs, language, date locale, profile, delay, concurrency per site")
    parser.add_argument("-o", "--output", metavar="FILE", help="export file: JSON Lines (.jsonl), .csv or .parquet; default output/news/<run id>.jsonl")
    add_crawl_options(parser)
    parser.add_argument("--redis", metavar="URL", help="be a worker of a crawl shared through Redis (redis://[:password@]host:port/db); start the same command on several machines")
    parser.add_argument("--crawl", metavar="NAME", default="news", help="name of the shared crawl in Redis (default: news); started again after it finished, a new run of it begins, with its dedup state")
    parser.set_defaults(func=run)


def parse_setting_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def build_settings(args: argparse.Namespace, extra: Optional[dict] = None):
    """Project settings, then the command's options, then `extra` (FEEDS and run identity
    from the caller), then -s overrides, which win over everything."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.set("LOG_LEVEL", "INFO" if args.verbose else "WARNING", priority="cmdline")
    settings.set("NEWSCRAWL_PROGRESS_INTERVAL", 0 if args.quiet else 2, priority="cmdline")
    if args.max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", args.max_pages, priority="cmdline")
    if args.max_depth:
        settings.set("NEWSCRAWL_MAX_DEPTH", args.max_depth, priority="cmdline")
    since = effective_since(args)
    if since:
        settings.set("NEWSCRAWL_SINCE", since.isoformat(), priority="cmdline")
    if args.state:
        settings.set("NEWSCRAWL_STATE_DIR", str(Path(args.state).expanduser()), priority="cmdline")
    if getattr(args, "profiles", None):
        settings.set("NEWSCRAWL_PROFILES_DIR", [str(Path(d).expanduser()) for d in args.profiles], priority="cmdline")
    if getattr(args, "warc", None):
        settings.set("NEWSCRAWL_WARC", str(Path(args.warc).expanduser()), priority="cmdline")
    for name, value in (extra or {}).items():
        settings.set(name, value, priority="cmdline")
    for name, value in parse_setting_overrides(args.settings).items():
        settings.set(name, value, priority="cmdline")
    return settings


def check_crawl_settings(args: argparse.Namespace) -> None:
    """Every setting checked for name, type and range before the crawl starts (and before
    any file is written): a bad one is one line and exit 2."""
    from newscrawl.settings import check_settings

    overrides = parse_setting_overrides(args.settings)
    try:
        check_settings(build_settings(args), overridden=list(overrides))
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def effective_since(args: argparse.Namespace):
    bounds = []
    for option, value in (("--since", args.since), ("--max-age", getattr(args, "max_age", None))):
        if not value:
            continue
        try:
            bounds.append(parse_since(value))
        except ValueError as exc:
            raise CommandError(f"{option}: {exc}") from None
    return max(bounds) if bounds else None


def run_crawl(start_urls: list[str], export_path: Path, args: argparse.Namespace, extra_settings: Optional[dict] = None) -> CrawlResult:
    from scrapy.crawler import CrawlerProcess

    from newscrawl.spiders.news import NewsSpider

    settings = build_settings(args, extra_settings)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    started = time.monotonic()
    process.crawl(crawler, start_urls=list(start_urls))
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
    errors = errors_by_kind(s)
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
        f"  robots.txt        {robots_summary(s)}",
        f"  crawler traps     {traps_summary(s)}",
        f"  errors            {error_count(s)}" + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) + ")" if errors else ""),
    ]
    if removed:
        lines.append("  cleaned out       " + ", ".join(f"{k} {v}" for k, v in sorted(removed.items())))
    turned_down = s.get("newscrawl/classified/story_url_not_story", 0)
    if turned_down:
        lines.append(f"  not taken         {turned_down} pages with story-shaped URLs classified as neither story nor listing "
                     "(`newscrawl explain` shows why; a profile's story_urls decides)")
    return "\n".join(lines) + "\n"


def traps_by_reason(s: dict) -> dict[str, int]:
    return {k.rsplit("/", 1)[-1]: int(v) for k, v in s.items() if k.startswith("newscrawl/traps/")}


def traps_summary(s: dict) -> str:
    traps = traps_by_reason(s)
    refused = sum(v for k, v in traps.items() if k != "session_id_stripped")
    line = f"{refused} links not followed"
    return line + (" (" + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(traps.items())) + ")" if traps else "")


def robots_summary(s: dict) -> str:
    line = f"{s.get('robotstxt/forbidden', 0)} URLs not fetched (disallowed)"
    unavailable = s.get("robotstxt/rfc9309/forbidden_unavailable", 0)
    if unavailable:
        line += f", {unavailable} not fetched (robots.txt 5xx or unreachable: site disallowed)"
    notes = [f"{label} {s[key]}" for key, label in (
        ("robotstxt/rfc9309/server_error_disallow", "5xx"), ("robotstxt/rfc9309/unreachable_disallow", "unreachable"),
        ("robotstxt/rfc9309/unavailable_allow", "4xx/unavailable (allow all)"),
        ("robotstxt/rfc9309/truncated", "read in part (first 512 KiB)"), ("robotstxt/rfc9309/refetched", "asked again"),
    ) if s.get(key)]
    return line + (f"; robots.txt files: {', '.join(notes)}" if notes else "")


def profile_dirs_of(args: argparse.Namespace) -> tuple[str, ...]:
    from newscrawl.extraction.profiles import profile_dirs_setting

    overrides = parse_setting_overrides(args.settings)
    return tuple(str(Path(d).expanduser()) for d in getattr(args, "profiles", None) or ()) + \
        profile_dirs_setting(overrides.get("NEWSCRAWL_PROFILES_DIR"))


def check_profiles_before_start(dirs: tuple[str, ...]) -> tuple[str, ...]:
    """Every site profile checked before anything is fetched or written: a bad file stops the
    run with one line naming it (`newscrawl profiles check` lists every problem)."""
    from newscrawl.extraction.profiles import check_profiles

    problems = check_profiles(dirs)
    if problems:
        more = f" (and {len(problems) - 1} more: newscrawl profiles check)" if len(problems) > 1 else ""
        raise CommandError(f"bad site profile: {problems[0]}{more}")
    return dirs


def start_urls_of(args: argparse.Namespace) -> tuple[list[str], list]:
    from newscrawl.sitelist import SiteListError, load_site_list

    dirs = check_profiles_before_start(profile_dirs_of(args))
    sites = []
    if getattr(args, "sites", None):
        try:
            sites = load_site_list(Path(args.sites))
        except SiteListError as exc:
            raise CommandError(str(exc)) from None
    try:
        urls = [check_start_url(u) for raw in args.urls for u in split_start_urls(raw)]
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    from newscrawl.urls import registrable_domain
    from newscrawl.extraction.profiles import ProfileError, site_list_profile

    for site in sites:
        try:
            site_list_profile(registrable_domain(site.start_urls[0]), site.profile, site.language, site.date_locale, dirs,
                              timezone=site.timezone)
        except ProfileError as exc:
            raise CommandError(f"{args.sites}: site {site.name!r}: {exc}") from None
    urls += [u for site in sites for u in site.start_urls if u not in urls]
    if not urls:
        raise CommandError("no start URLs: give URLs or --sites FILE")
    return urls, sites


def crawl_and_report(start_urls: list[str], args: argparse.Namespace, export_path: Optional[Path],
                     default_dir: Path, sites: Optional[list] = None) -> int:
    """One scheduled-run-safe crawl: plan (or resume) the run, write under .part, rename into
    place at the end, write the summary JSON beside the export, print the summary."""
    from newscrawl import runs
    from newscrawl.sitelist import download_slots

    effective_since(args)  # a bad --since/--max-age stops here, before any file is touched
    check_crawl_settings(args)
    check_profiles_before_start(profile_dirs_of(args))
    state_dir = Path(args.state).expanduser() if args.state else None
    distributed = distributed_settings(args)
    state_lock = None
    if state_dir:
        try:
            state_lock = runs.lock_state(state_dir)  # held until this process ends
        except runs.StateLocked as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"--state {state_dir}: {exc.strerror or exc}") from None
    if distributed:  # the stories carry the crawl run's id; each worker its own file
        export_path = export_path or default_dir / f"{distributed['NEWSCRAWL_CRAWL_RUN']}-{distributed['NEWSCRAWL_WORKER_ID']}.jsonl"
    plan = runs.plan_run(state_dir, export_path, default_dir)
    if distributed:
        plan.run_id = distributed["NEWSCRAWL_CRAWL_RUN"]
    check_output_path(plan.export_path)
    if plan.abandoned_export:
        register_exported(plan.abandoned_export, state_dir)
    done_urls: list[str] = []
    crawl_urls = list(start_urls)
    if plan.resumed and plan.recovered_lines:
        done_urls = register_exported(plan.part_path, state_dir)
        # The skipped stories' related links are read from the export, so a story reachable
        # only through one of them is not lost.
        crawl_urls += related_of_exported(plan.part_path, set(done_urls) | set(start_urls), start_urls)
    runs.start_run(plan, state_dir, start_urls)
    from newscrawl.exporters import format_for

    extra = {
        "FEEDS": {str(plan.part_path): dict(FEED_OPTIONS, format=format_for(str(plan.export_path)),
                                            overwrite=not plan.resumed)},
        "NEWSCRAWL_EXPORT_PATH": str(plan.export_path),
        "NEWSCRAWL_RUN_ID": plan.run_id,
        # A resumed run does not fetch again the stories the interrupted run already wrote.
        "NEWSCRAWL_SKIP_URLS": done_urls,
    }
    if distributed:
        extra["FEEDS"][str(plan.part_path)]["item_filter"] = "newscrawl.distributed.pipeline.WrittenAtClaim"
    extra.update(distributed)
    if sites:
        extra["NEWSCRAWL_SITES"] = [site.to_dict() for site in sites]
        slots = download_slots(sites)
        if slots:
            extra["DOWNLOAD_SLOTS"] = slots
    result = run_crawl(crawl_urls, plan.export_path, args, extra)
    finished = result.stats.get("finish_reason") in ("finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout")
    runs.end_run(plan, state_dir, finished)
    ended_at = runs.utc_now()
    export_now = plan.export_path if plan.export_path.exists() else plan.part_path
    figures = runs.site_figures(export_now)  # by domain: the keys of the monitor's baselines
    found = {k.split("/")[2]: v for k, v in result.stats.items() if k.startswith("newscrawl/site/") and k.endswith("/stories_found")}
    crawled = {registrable_domain(u) for u in start_urls}
    warnings = runs.monitor_warnings(state_dir, found, figures, crawled, monitor_baseline(args, result.stats)) if finished else []
    exit_code = result.exit_code if finished or result.exit_code != EXIT_OK else EXIT_INTERRUPTED
    if exit_code == EXIT_OK and warnings and getattr(args, "fail_on_warning", False):
        exit_code = EXIT_WARNINGS
    if result.stats.get("finish_reason") == "redis_lost":
        exit_code = EXIT_ERRORS
    names = runs.site_names(sites)  # the summary's per_site is keyed by the site list's names
    if names:
        figures = runs.site_figures(export_now, names)
    report_file = report_path(plan.export_path) if getattr(args, "report", False) else None
    summary_file = runs.write_summary(plan, result.stats, result.stats.get("finish_reason", "unknown"), exit_code,
                                      start_urls, errors_by_kind(result.stats), figures, warnings, ended_at,
                                      elapsed=result.elapsed, names=names, report=report_file)
    if distributed:
        from newscrawl.distributed.summary import add_crawl_section

        add_crawl_section(summary_file, distributed, result.stats)
    if report_file is not None:
        from newscrawl.report import write_report

        write_report(export_now, report_file, summary_file)
    if not args.quiet:
        sys.stderr.write(format_summary(result, start_urls))
        sys.stderr.write(f"  summary           {summary_file}\n")
        if report_file is not None:
            sys.stderr.write(f"  report            {report_file}\n")
        if plan.resumed:
            sys.stderr.write(f"  resumed run       {plan.run_id} ({plan.recovered_lines} stories kept from the interrupted run)\n")
    # Warnings reach stderr even with -q: a cron log must show them.
    for line in warnings:
        sys.stderr.write(f"newscrawl crawl: {line}\n")
    if state_lock:
        state_lock.close()
    return exit_code


def monitor_baseline(args: argparse.Namespace, stats: dict) -> Optional[str]:
    """Which earlier run this one is compared with: runs bounded the same way (--max-age,
    --max-depth) compare with each other; a run cut short by --max-pages or a fixed --since is
    no baseline and is not compared."""
    if stats.get("finish_reason") == "closespider_pagecount" or args.max_pages or args.since:
        return None
    parts = [f"max-age={args.max_age}" if getattr(args, "max_age", None) else "",
             f"max-depth={args.max_depth}" if args.max_depth else ""]
    return " ".join(p for p in parts if p) or "full"


def report_path(export_path: Path) -> Path:
    return export_path.with_name(export_path.name + ".report.html")


def distributed_settings(args: argparse.Namespace) -> dict:
    """--redis/--crawl: Redis is checked before anything starts (one line and exit 2 when it
    cannot be reached), and the worker joins the crawl's run in progress or begins a new one;
    the dedup state lives there, so --state does not go with it."""
    if not getattr(args, "redis", None):
        return {}
    from newscrawl.distributed.keys import RedisUnavailable, connect, crawl_prefix, new_worker_id, one_line, safe_url
    from newscrawl.distributed.runs import enter

    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        raise CommandError("--redis needs the redis extra: pip install 'newscrawl[redis]'") from None
    if args.state:
        raise CommandError("--state and --redis do not go together: a shared crawl keeps its dedup state in Redis")
    try:
        crawl_prefix(args.crawl)
        client = connect(args.redis)
        run = enter(client, args.crawl)
        client.close()
    except (RedisUnavailable, ValueError) as exc:
        raise CommandError(str(exc)) from None
    except redis.RedisError as exc:
        raise CommandError(f"Redis at {safe_url(args.redis)}: {one_line(exc)}") from None
    return {"REDIS_URL": args.redis, "NEWSCRAWL_CRAWL": args.crawl, "NEWSCRAWL_CRAWL_RUN": run.run_id,
            "NEWSCRAWL_WORKER_ID": new_worker_id()}


def register_exported(export: Path, state_dir: Optional[Path]) -> list[str]:
    """Stories an interrupted run already wrote are made known to dedup before the next run
    starts, so none of them is exported a second time. Returns their URLs."""
    from newscrawl import runs
    from newscrawl.dedup.deduplicator import Deduplicator
    from newscrawl.dedup.store import open_store
    from newscrawl.items import Article

    urls: list[str] = []
    if not state_dir:
        return urls
    dedup = Deduplicator(open_store(str(state_dir)))
    try:
        for record in runs.read_records(export):
            dedup.process(Article.from_dict(record))
            urls.append(record.get("url"))
        dedup.store.commit()
    finally:
        dedup.close()
    return [u for u in urls if u]


def related_of_exported(export: Path, known: set[str], start_urls: list[str]) -> list[str]:
    """related_urls of the stories in `export` that are on the start URLs' sites and not in
    `known`, in order, once each."""
    from newscrawl import runs

    sites = {registrable_domain(u) for u in start_urls}
    found: dict[str, None] = {}
    for record in runs.read_records(export):
        for url in record.get("related_urls") or []:
            if isinstance(url, str) and url not in known and url.startswith(("http://", "https://")) \
                    and registrable_domain(url) in sites:
                found[url] = None
    return list(found)


def run(args: argparse.Namespace) -> int:
    start_urls, sites = start_urls_of(args)
    export_path = Path(args.output).expanduser() if args.output else None
    return crawl_and_report(start_urls, args, export_path, Path("output") / "news", sites)
