"""`newscrawl dedup`: PLACEHOLDER until the dedup stage lands (issue 5)."""
from newscrawl.cli import CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser("dedup", help="deduplicate existing JSON Lines exports (not built yet)")
    parser.set_defaults(func=run)


def run(args) -> int:
    raise CommandError("not built yet")
