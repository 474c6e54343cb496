"""`newscrawl profiles check [DIR...]`: every site profile file checked as a crawl checks it
before its first request (unknown keys with a did-you-mean, types, selectors and patterns
compiled); one `file:line: problem` line each, exit 2 when there is any."""
from __future__ import annotations

import argparse
import sys

from newscrawl.cli import EXIT_OK, EXIT_USAGE


def register(subparsers) -> None:
    parser = subparsers.add_parser("profiles", help="check site profiles",
                                   description="Site profiles: `newscrawl profiles check [DIR...]`.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check every profile file of DIR (default: the bundled ones)",
                               description=__doc__.splitlines()[0])
    check.add_argument("dirs", nargs="*", metavar="DIR", help="profile folders or files (default: the bundled newscrawl/sites/)")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newscrawl.extraction.profiles import check_profiles, load_profiles

    dirs = tuple(str(Path(d).expanduser()) for d in args.dirs)
    problems = check_profiles(dirs, bundled=not dirs)
    for problem in problems:
        print(problem)
    if problems:
        print(f"newscrawl profiles: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_USAGE
    profiles = [p for p in load_profiles(dirs) if not dirs or not p["path"].startswith("newscrawl/sites/")]
    for profile in profiles:
        print(f"ok  {profile['path']}  ({profile['name']})")
    return EXIT_OK
