"""Run output that schedulers can trust.

A run writes its export under `<export>.part` and renames it into place when it ends, so
the next step of a pipeline never sees a half-written file. With a state folder
(`--state DIR`), a journal there (`run.json`) records the run in progress: a run that was
killed (even with kill -9) is resumed by the same command, which drops the partial last
line of the `.part` file, registers its stories with dedup (so none is exported twice) and
appends the rest. A summary (`<export>.summary.json`) is written beside every export, and
per-site figures are kept in the state (`monitor.json`) to warn when a site's story count or
field coverage drops far below its previous run.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

RUN_JOURNAL = "run.json"
MONITOR_FILE = "monitor.json"
COVERAGE_FIELDS = ("date", "authors", "language", "section", "image", "credit", "canonical_url")
# A site is flagged when it yields less than this share of its previous story count, or when a
# field's coverage falls by more than this many percentage points.
COUNT_DROP_RATIO = 0.5
COVERAGE_DROP_POINTS = 30.0


@dataclass
class RunPlan:
    run_id: str
    export_path: Path
    part_path: Path
    resumed: bool = False
    recovered_lines: int = 0
    started_at: str = ""
    # An interrupted run's export closed because this run writes elsewhere: its stories
    # must be known to dedup before this run starts.
    abandoned_export: Optional[Path] = None


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%SZ") + "-" + secrets.token_hex(2)


def part_path(export_path: Path) -> Path:
    return export_path.with_name(export_path.name + ".part")


def summary_path(export_path: Path) -> Path:
    return export_path.with_name(export_path.name + ".summary.json")


def _write_json_atomic(path: Path, data) -> None:
    from newscrawl.outputs import write_json

    write_json(path, data)


def _read_json(path: Path) -> Optional[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def drop_partial_last_line(path: Path) -> int:
    """Cut a JSON Lines file back to its last complete line; return the number of complete
    lines. Other formats (CSV, Parquet) are left alone: a killed run cannot resume them."""
    if not path.exists() or not is_json_lines(path):
        return 0
    with open(path, "r+b") as fh:
        data = fh.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
    return data[:end].count(b"\n")


def is_json_lines(path: Path) -> bool:
    from newscrawl.exporters import format_for

    return format_for(str(path).removesuffix(".part")) == "jsonlines"


def read_records(path: Path) -> Iterator[dict]:
    """The records of an export: JSON Lines (bad lines skipped), CSV or Parquet."""
    from newscrawl.exporters import format_for

    kind = format_for(str(path).removesuffix(".part"))
    if kind == "parquet":
        yield from _parquet_records(path)
        return
    if kind == "csv":
        yield from _csv_records(path)
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    yield record


def plan_run(state_dir: Optional[Path], export_path: Optional[Path], default_dir: Path) -> RunPlan:
    """Decide this run's id and files: resume the unfinished run of the state folder when it
    wrote to the same export path (or no path was given), else start a new run."""
    journal = _read_json(state_dir / RUN_JOURNAL) if state_dir else None
    if journal and journal.get("status") in ("running", "interrupted"):
        old_export = Path(journal["export_path"])
        old_part = part_path(old_export)
        if export_path is None or export_path.resolve() == old_export.resolve():
            lines = drop_partial_last_line(old_part)
            return RunPlan(journal["run_id"], old_export, old_part, resumed=True, recovered_lines=lines,
                           started_at=journal.get("started_at") or utc_now())
        # A different export now: close the abandoned one so it is not left half-written.
        abandoned = None
        if old_part.exists():
            drop_partial_last_line(old_part)
            os.replace(old_part, old_export)
            abandoned = old_export
        run_id = new_run_id()
        export = export_path or default_dir / f"{run_id}.jsonl"
        return RunPlan(run_id, export, part_path(export), started_at=utc_now(), abandoned_export=abandoned)
    run_id = new_run_id()
    export = export_path or default_dir / f"{run_id}.jsonl"
    return RunPlan(run_id, export, part_path(export), started_at=utc_now())


def start_run(plan: RunPlan, state_dir: Optional[Path], sites: list[str]) -> None:
    if not plan.resumed and plan.part_path.exists():
        plan.part_path.unlink()  # a stale .part of an unrelated earlier run
    if state_dir:
        state_dir.mkdir(parents=True, exist_ok=True)
        _write_json_atomic(state_dir / RUN_JOURNAL, {
            "run_id": plan.run_id, "export_path": str(plan.export_path), "status": "running",
            "started_at": plan.started_at, "sites": sites,
        })


def end_run(plan: RunPlan, state_dir: Optional[Path], finished: bool) -> bool:
    """Rename the export into place. A run with a state folder that did not finish keeps its
    .part file for the resume; without a state folder there is no resume, so the complete
    lines written so far are put in place (the exit code says the run was interrupted).
    Returns whether the export is in place."""
    drop_partial_last_line(plan.part_path)
    in_place = finished or not state_dir
    if in_place:
        if plan.part_path.exists():
            os.replace(plan.part_path, plan.export_path)
        else:
            plan.export_path.touch()
    if state_dir:
        journal = _read_json(state_dir / RUN_JOURNAL) or {}
        journal.update({"status": "finished" if finished else "interrupted", "ended_at": utc_now()})
        _write_json_atomic(state_dir / RUN_JOURNAL, journal)
    return in_place


def _parquet_records(path: Path) -> Iterator[dict]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception:  # a .part of a killed run: no footer, nothing readable
        return
    for row in table.to_pylist():
        for name in ("date", "date_modified", "fetched_at"):
            if row.get(name) is not None:
                row[name] = row[name].isoformat()
        yield row


def _csv_records(path: Path) -> Iterator[dict]:
    import csv

    from newscrawl.exporters import CSV_LIST_SEPARATOR
    from newscrawl.items import LIST_FIELDS

    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            record: dict = {k: (v if v != "" else None) for k, v in row.items()}
            for name in LIST_FIELDS:
                value = row.get(name) or ""
                if name == "images":
                    record[name] = json.loads(value) if value else []
                else:
                    record[name] = value.split(CSV_LIST_SEPARATOR) if value else []
            for name in ("version", "schema_version"):
                if record.get(name) is not None:
                    record[name] = int(record[name])
            if record.get("paywalled") is not None:
                record["paywalled"] = record["paywalled"] == "true"
            yield record


class RunIdPipeline:
    """Stamps every exported story with the run's id (NEWSCRAWL_RUN_ID, set by `newscrawl
    crawl`; a `scrapy crawl` gets a fresh one)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("NEWSCRAWL_RUN_ID") or new_run_id())

    def process_item(self, item, spider=None):
        if isinstance(item, dict):
            item["run_id"] = self.run_id
        else:
            item.run_id = self.run_id
        return item


def site_names(sites: Optional[list]) -> dict[str, str]:
    """Registrable domain -> the site list's name for it (per_site keys in the summary)."""
    from newscrawl.urls import registrable_domain

    names = {}
    for site in sites or []:
        name = site.get("name") if isinstance(site, dict) else getattr(site, "name", None)
        urls = site.get("start_urls") if isinstance(site, dict) else getattr(site, "start_urls", [])
        for url in urls or []:
            try:
                names.setdefault(registrable_domain(url), name)
            except ValueError:
                continue
    return {k: v for k, v in names.items() if v}


def site_figures(export: Path, names: Optional[dict[str, str]] = None) -> dict[str, dict]:
    """Per site (the site list's name, else the domain): stories in the export and the share
    of them with each field."""
    names = names or {}
    counts: Counter = Counter()
    present: dict[str, Counter] = defaultdict(Counter)
    if export.exists():
        for record in read_records(export):
            site = record.get("domain") or "?"
            site = names.get(site, site)
            counts[site] += 1
            for name in COVERAGE_FIELDS:
                if record.get(name):
                    present[site][name] += 1
    return {
        site: {"stories": n, "coverage": {name: round(100.0 * present[site][name] / n, 1) for name in COVERAGE_FIELDS}}
        for site, n in sorted(counts.items())
    }


FULL_RUN = "full"


def monitor_warnings(state_dir: Optional[Path], found_per_site: dict[str, int], figures: dict[str, dict],
                     crawled_sites: Optional[set[str]] = None, baseline: Optional[str] = FULL_RUN) -> list[str]:
    """Compare with the previous run of the same kind kept in the state; record this run for
    the next one. Story counts compare stories *found* (a daily run exports only new ones).

    Only the sites crawled this run (`crawled_sites`, default: those with figures) are compared
    and recorded; the others keep their last figures. `baseline` names the kind of run
    ("full", or e.g. "max-age=2d": a bounded run is compared with the previous run bounded the
    same way); None for a run cut short (--max-pages): it is neither compared nor recorded."""
    if not state_dir or baseline is None:
        return []
    path = state_dir / MONITOR_FILE
    stored = _read_json(path) or {}
    baselines = stored.get("baselines") or ({FULL_RUN: stored["sites"]} if "sites" in stored else {})
    previous = baselines.get(baseline, {})
    crawled = set(crawled_sites) if crawled_sites is not None else set(found_per_site) | set(figures)
    warnings = []
    current = dict(previous)
    for site in sorted(crawled):
        found = found_per_site.get(site, 0)
        coverage = figures.get(site, {}).get("coverage") or previous.get(site, {}).get("coverage") or {}
        current[site] = {"found": found, "coverage": coverage}
        before = previous.get(site)
        if not before:
            continue
        if before.get("found", 0) >= 4 and found < COUNT_DROP_RATIO * before["found"]:
            warnings.append(f"WARNING {site}: {found} stories found, previous run {before['found']}")
        for name, value in (figures.get(site, {}).get("coverage") or {}).items():
            old = (before.get("coverage") or {}).get(name)
            if old is not None and old - value > COVERAGE_DROP_POINTS:
                warnings.append(f"WARNING {site}: {name} coverage {value:.0f}%, previous run {old:.0f}%")
    baselines[baseline] = current
    _write_json_atomic(path, {"updated_at": utc_now(), "baselines": baselines})
    return warnings


class StateLocked(Exception):
    pass


def lock_state(state_dir: Path):
    """An exclusive lock on the state folder for this process's lifetime (released when the
    process ends, even by kill -9). Raises StateLocked when another run holds it."""
    import fcntl

    state_dir.mkdir(parents=True, exist_ok=True)
    fh = open(state_dir / "lock", "a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise StateLocked(f"another run holds this state ({state_dir})") from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"{os.getpid()}\n")
    fh.flush()
    return fh


def write_summary(plan: RunPlan, stats: dict, finish_reason: str, exit_code: int, sites: list[str],
                  errors_by_kind: dict, figures: dict, warnings: list[str], ended_at: str,
                  elapsed: float = 0.0, names: Optional[dict[str, str]] = None,
                  command_line: Optional[list[str]] = None, report: Optional[Path] = None) -> Path:
    """Everything the printed summary shows, and per-site figures, as JSON beside the export."""
    from newscrawl import __version__

    names = names or {}
    found: Counter = Counter()
    for key, value in stats.items():
        if key.startswith("newscrawl/site/") and key.endswith("/stories_found"):
            domain = key.split("/")[2]
            found[names.get(domain, domain)] += int(value)
    prefixed = lambda prefix: {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}
    summary = {
        "run_id": plan.run_id,
        "newscrawl_version": __version__,
        "command_line": command_line if command_line is not None else [Path(sys.argv[0]).name, *sys.argv[1:]],
        "resumed": plan.resumed,
        "start_time": plan.started_at,
        "end_time": ended_at,
        "duration_seconds": round(elapsed, 1),
        "finish_reason": finish_reason,
        "exit_code": exit_code,
        "sites": sites,
        "export": str(plan.export_path),
        "report": str(report) if report else None,
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "pages_by_kind": prefixed("newscrawl/pages/"),
        "http_statuses": prefixed("downloader/response_status_count/"),
        "robots_refused": int(stats.get("robotstxt/forbidden", 0)),
        "stories_found": int(stats.get("newscrawl/stories/found", 0)),
        "stories_exported": int(stats.get("item_scraped_count", 0)),
        "stories_recovered_from_interrupted_run": plan.recovered_lines,
        "duplicates": int(stats.get("dedup/duplicates", 0)),
        "duplicates_by_reason": prefixed("dedup/duplicates/"),
        "revisions": int(stats.get("dedup/revisions", 0)),
        "unchanged": int(stats.get("dedup/unchanged", 0)),
        "dropped": {
            "not_a_story": int(stats.get("items/dropped/incomplete", 0)),
            "before_since": int(stats.get("items/dropped/before_since", 0))
                            + int(stats.get("newscrawl/skipped/before_since", 0)),
        },
        "skipped": prefixed("newscrawl/skipped/"),
        "cleaning_removed": prefixed("cleaning/removed/"),
        "errors": errors_by_kind,
        "crawler_traps": {k.rsplit("/", 1)[-1]: int(v) for k, v in stats.items() if k.startswith("newscrawl/traps/")},
        "robots_txt": {k.split("/", 1)[-1]: int(v) for k, v in stats.items()
                       if k.startswith("robotstxt/") and not k.startswith("robotstxt/response_status_count/")},
        "per_site": {site: {"stories_found": found.get(site, 0), **figures.get(site, {"stories": 0, "coverage": {}})}
                     for site in sorted(set(found) | set(figures))},
        "warnings": warnings,
    }
    path = summary_path(plan.export_path)
    _write_json_atomic(path, summary)
    return path
