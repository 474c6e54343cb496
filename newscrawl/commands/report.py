"""`newscrawl report EXPORT [--summary SUMMARY.json] -o report.html`: one self-contained HTML
page with charts of what a crawl produced (newscrawl/report.py)."""
from __future__ import annotations

from pathlib import Path

from newscrawl.cli import EXIT_OK, CommandError
from newscrawl.outputs import check_output_path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="write an HTML report (charts, coverage, duplicates, errors) of an export",
        description="Write one self-contained HTML page (inline SVG charts, no network) about an export: stories "
                    "per source and day, languages, field coverage per site, duplicate clusters, drops and errors, "
                    "the slowest sites and the run's settings.")
    parser.add_argument("export", metavar="EXPORT", help="the export (.jsonl, .csv or .parquet)")
    parser.add_argument("--summary", metavar="SUMMARY.json", help="the run summary (default: EXPORT.summary.json when present)")
    parser.add_argument("--duplicates", metavar="FILE", help="the duplicates sidecar (default: the one beside EXPORT when present)")
    parser.add_argument("-o", "--output", required=True, metavar="report.html", help="where to write the page")
    parser.set_defaults(func=run)


def run(args) -> int:
    from newscrawl.report import write_report

    export = Path(args.export)
    if not export.is_file():
        raise CommandError(f"{args.export}: no such export file")
    for option in ("summary", "duplicates"):
        value = getattr(args, option)
        if value and not Path(value).is_file():
            raise CommandError(f"--{option} {value}: no such file")
    output = check_output_path(args.output)
    write_report(export, output, Path(args.summary) if args.summary else None,
                 Path(args.duplicates) if args.duplicates else None)
    return EXIT_OK
