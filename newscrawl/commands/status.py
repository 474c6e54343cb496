"""`newscrawl status --redis URL --crawl NAME`: progress of a crawl shared through Redis."""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone

from newscrawl.cli import EXIT_OK, CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "status", help="show the progress of a crawl shared through Redis",
        description="Progress of the current run of a crawl shared through Redis (newscrawl crawl --redis): "
                    "queued requests, requests in flight, pages, stories, duplicates, errors, workers alive; "
                    "and the figures of its previous runs.")
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://[:password@]host:port/db")
    parser.add_argument("--crawl", default="news", metavar="NAME", help="name of the crawl (default: news)")
    parser.add_argument("--worker-timeout", type=float, default=15.0, metavar="S",
                        help="a worker silent for longer is not counted alive (default 15, as NEWSCRAWL_REDIS_WORKER_TIMEOUT)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--delete", action="store_true", help="delete the crawl's keys from Redis, its dedup state "
                        "included: its next run exports every story again (only when no worker is alive)")
    parser.set_defaults(func=run)


def _when(epoch) -> str:
    if not epoch:
        return "-"
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).isoformat(timespec="seconds")


def run(args: argparse.Namespace) -> int:
    from newscrawl.distributed.figures import crawl_figures
    from newscrawl.distributed.keys import RedisUnavailable, connect, crawl_prefix
    from newscrawl.distributed.runs import history

    try:
        prefix = crawl_prefix(args.crawl)
        client = connect(args.redis)
    except (RedisUnavailable, ValueError) as exc:
        raise CommandError(str(exc)) from None
    figures = crawl_figures(client, args.crawl, worker_timeout=args.worker_timeout)
    previous = history(client, args.crawl)
    if args.delete:
        if figures["workers_alive"]:
            raise CommandError(f"crawl {args.crawl!r} has {figures['workers_alive']} worker(s) alive: not deleted")
        deleted = 0
        for key in client.scan_iter(match=prefix + "*", count=1000):
            deleted += client.unlink(key)
        print(f"crawl {args.crawl}: {deleted} keys deleted")
        return EXIT_OK
    if args.json:
        print(json.dumps({**figures, "previous_runs": previous}, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not figures["run_id"]:
        print(f"crawl {args.crawl}: never run (no key under {prefix}*)")
        return EXIT_OK
    state = "finished " + _when(figures["done_at"]) if figures["done_at"] else "running"
    print(f"crawl {args.crawl} run {figures['run_number']} ({figures['run_id']}) — {state}"
          f" (started {_when(figures['seeded_at'])})")
    print(f"  queued            {figures['queued']}")
    print(f"  in flight         {figures['in_flight']}")
    print(f"  pages fetched     {figures['pages']}")
    print(f"  stories written   {figures['stories']}")
    print(f"  duplicates        {figures['duplicates']} skipped, {figures['revisions']} revisions")
    print(f"  unchanged         {figures['unchanged']} (exported by an earlier run)")
    print(f"  errors            {figures['errors']}")
    print(f"  workers alive     {figures['workers_alive']} of {figures['workers_seen']} seen"
          f" ({figures['workers_lost']} lost, {figures['requests_returned']} of their requests given back)")
    for worker, info in sorted(figures["workers"].items()):
        print(f"    {worker:28s} {'alive' if info['alive'] else info.get('state', '?'):18s} pages {info.get('pages', 0):6d}"
              f"  stories {info.get('stories', 0):6d}  in flight {info['in_flight']:4d}  {info.get('export', '')}")
    print(f"  dedup state       {figures['dedup_stories']} stories, kept across runs")
    if previous:
        print(f"  previous runs     {len(previous)} kept; the last:")
    for run in previous[:3]:
        print(f"    run {run.get('run_number')} ({run['run_id']}) finished {_when(run['done_at'])}: pages {run['pages']}, "
              f"stories {run['stories']}, duplicates {run['duplicates']}, errors {run['errors']}")
    return EXIT_OK
