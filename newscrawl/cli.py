"""The `newscrawl` command: crawl, extract, dedup, demo, profiles, explain, record, validate, report, status.

Each subcommand lives in newscrawl/commands/<name>.py and exposes `register(subparsers)`,
which adds its parser and sets `func` to a callable taking the parsed args and returning
the exit code.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from newscrawl import __version__

COMMANDS = ("crawl", "extract", "dedup", "demo", "profiles", "explain", "record", "validate", "report", "status")

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_ERRORS = 1  # finished, but errors above the threshold
EXIT_USAGE = 2  # could not start: bad arguments, unwritable output, ...
EXIT_INTERRUPTED = 3
EXIT_WARNINGS = 4  # finished, with warnings, and --fail-on-warning given


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
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, PipeSafeStream):
        sys.stdout, sys.stderr = PipeSafeStream(sys.stdout), PipeSafeStream(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = saved


def _main(argv: list[str] | None) -> int:
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
        code = args.func(args)
    except CommandError as exc:
        print(f"newscrawl {args.command}: error: {exc}", file=sys.stderr)
        code = EXIT_USAGE
    except KeyboardInterrupt:
        print(f"newscrawl {args.command}: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    _flush_stdout()
    return code


class PipeSafeStream:
    """stdout/stderr that a reader going away (`2>&1 | head`) cannot break: the first
    BrokenPipeError points the stream at /dev/null, and the run goes on to its own exit code."""

    def __init__(self, stream):
        self._stream = stream

    def _broken(self) -> None:
        import os

        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
        except (OSError, ValueError):
            pass

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._broken()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._broken()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _flush_stdout() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass


if __name__ == "__main__":
    sys.exit(main())
