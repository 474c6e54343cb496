"""`newscrawl demo`: serve the bundled demo news sites on 127.0.0.1 and crawl them."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newscrawl.commands.crawl import add_crawl_options, crawl_and_report

DEFAULT_OUTPUT = Path("output") / "demo.jsonl"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="serve the bundled demo news sites locally and crawl them",
        description="Serve the bundled demo news sites on 127.0.0.1 (free ports), crawl them and write output/demo.jsonl.",
    )
    parser.add_argument("-o", "--output", metavar="FILE", default=str(DEFAULT_OUTPUT), help=f"export file (default {DEFAULT_OUTPUT})")
    parser.add_argument("--sites", nargs="+", metavar="NAME", help="only these demo sites (default: all)")
    add_crawl_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from newscrawl.demo.server import serve_sites

    with serve_sites(args.sites) as servers:
        start_urls = [server.base_url + "/" for server in servers.values()]
        if not args.quiet:
            for name, server in servers.items():
                print(f"serving demo site {name!r} at {server.base_url}/", file=sys.stderr)
        return crawl_and_report(start_urls, args, Path(args.output), Path("output"))
