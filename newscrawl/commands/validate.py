"""`newscrawl validate FILE.jsonl...`: check export lines against the shipped JSON Schema
(newscrawl/schema/article.v2.schema.json); count valid and invalid lines, and the invalid
ones per rule ('date: pattern', 'title: type', ...); exit 1 on any invalid line."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from newscrawl.cli import EXIT_ERRORS, EXIT_OK, CommandError

SHOW_EXAMPLES = 5


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate", help="check JSON Lines exports against the export schema (exit 1 on any invalid line)",
        description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("inputs", nargs="+", metavar="FILE.jsonl", help="export files")
    parser.add_argument("--schema", metavar="FILE", help="another JSON Schema file (default: the shipped one)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only the exit code and the totals line")
    parser.set_defaults(func=run)


def validate_files(paths: list[Path], checker) -> tuple[int, int, Counter, list[str]]:
    """(valid lines, invalid lines, invalid lines per rule, a few examples)."""
    from newscrawl.schema import iter_lines

    valid = invalid = 0
    per_rule: Counter = Counter()
    examples: list[str] = []
    for path in paths:
        for number, line in iter_lines(path):
            problems = checker.check_line(line)
            if not problems:
                valid += 1
                continue
            invalid += 1
            for rule in set(problems):
                per_rule[rule] += 1
            if len(examples) < SHOW_EXAMPLES:
                examples.append(f"{path}:{number}: {'; '.join(problems[:5])}")
    return valid, invalid, per_rule, examples


def run(args) -> int:
    import json

    from newscrawl.schema import LineChecker

    paths = []
    for name in args.inputs:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        paths.append(path)
    schema = None
    if args.schema:
        try:
            schema = json.loads(Path(args.schema).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"--schema {args.schema}: {exc}") from None
    try:
        valid, invalid, per_rule, examples = validate_files(paths, LineChecker(schema))
    except OSError as exc:
        raise CommandError(str(exc)) from None
    print(f"newscrawl validate: {valid} valid, {invalid} invalid lines in {len(paths)} file(s)", file=sys.stderr)
    if invalid and not args.quiet:
        for rule, n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:8d}  {rule}", file=sys.stderr)
        for example in examples:
            print(f"  e.g. {example}", file=sys.stderr)
    return EXIT_ERRORS if invalid else EXIT_OK
