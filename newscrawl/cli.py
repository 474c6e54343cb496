"""The `newscrawl` command: crawl, extract, dedup, demo, profiles, explain, record.

Each subcommand lives in newscrawl/commands/<name>.py and exposes `register(subparsers)`,
which adds its parser and sets `func` to a callable taking the parsed args and returning
the exit code.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from newscrawl import __version__

COMMANDS = ("crawl", "extract", "dedup", "demo", "profiles", "explain", "record")

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_ERRORS = 1  # finished, but errors above the threshold
EXIT_USAGE = 2  # could not start: bad arguments, unwritable output, ...
EXIT_INTERRUPTED = 3


class CommandError(Exception):
    """A user-facing failure: printed as one clear line, exit code EXIT_USAGE."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawl", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"newscrawl.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    # A command may take positional inputs between options (`extract a.html --url A b.html --url B`).
    dest = getattr(args, "extra_positionals", None)
    if extras:
        if not dest or any(e.startswith("-") and e != "-" for e in extras):
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        getattr(args, dest).extend(extras)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"newscrawl {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"newscrawl {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
