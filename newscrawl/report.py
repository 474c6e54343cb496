"""The crawl report: one self-contained HTML file with inline SVG charts, from an export
(and its summary and duplicates sidecar when they are there).

Everything in it that came from a crawled page (titles, sources, URLs, languages) is hostile
input: escaped, length-bounded, never a link target that could run code (only http(s) URLs
become links). No script, no external resource: the page makes no request at all, which its
Content-Security-Policy says too.
"""
from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from newscrawl.outputs import write_text

REPORT_FIELDS = ("date", "authors", "section", "image", "credit")
LOW_COVERAGE = 80.0
MAX_TEXT = 160  # characters of a title or name shown
MAX_ROWS = 60  # rows of a table
MAX_SOURCES_IN_CHART = 8
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def esc(value, limit: int = MAX_TEXT) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def link(url, text=None) -> str:
    """An <a> only for a plain http(s) URL; anything else is shown as text."""
    label = esc(text if text is not None else url)
    if isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) < 2000:
        return f'<a href="{html.escape(url, quote=True)}" rel="noreferrer noopener"><bdi>{label}</bdi></a>'
    return f"<bdi>{label}</bdi>"  # right-to-left titles keep their own direction


@dataclass
class SiteStats:
    stories: int = 0
    present: Counter = field(default_factory=Counter)
    first_fetch: Optional[str] = None
    last_fetch: Optional[str] = None


@dataclass
class ExportStats:
    lines: int = 0
    unreadable: int = 0
    per_day_source: dict = field(default_factory=lambda: defaultdict(Counter))  # day -> source -> n
    per_source: Counter = field(default_factory=Counter)
    no_date: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    sites: dict = field(default_factory=lambda: defaultdict(SiteStats))
    stories: dict = field(default_factory=dict)  # id -> (title, source, url)
    precisions: Counter = field(default_factory=Counter)
    date_sources: Counter = field(default_factory=Counter)
    run_ids: Counter = field(default_factory=Counter)


def _str(value) -> Optional[str]:
    return value if isinstance(value, str) else None


def read_export(path: Path) -> ExportStats:
    from newscrawl.runs import read_records

    stats = ExportStats()
    for record in read_records(path):
        stats.lines += 1
        source = _str(record.get("source")) or _str(record.get("domain")) or "?"
        source = source[:MAX_TEXT]
        site = (_str(record.get("domain")) or source)[:MAX_TEXT]
        stats.per_source[source] += 1
        date = _str(record.get("date"))
        if date and len(date) >= 10:
            stats.per_day_source[date[:10]][source] += 1
        else:
            stats.no_date[source] += 1
        stats.languages[(_str(record.get("language")) or "unknown")[:12]] += 1
        stats.precisions[_str(record.get("date_precision")) or "none"] += 1
        stats.date_sources[_str(record.get("date_source")) or "none"] += 1
        stats.run_ids[(_str(record.get("run_id")) or "none")[:60]] += 1
        figures = stats.sites[site]
        figures.stories += 1
        for name in REPORT_FIELDS:
            if record.get(name):
                figures.present[name] += 1
        fetched = _str(record.get("fetched_at"))
        if fetched:
            if figures.first_fetch is None or fetched < figures.first_fetch:
                figures.first_fetch = fetched
            if figures.last_fetch is None or fetched > figures.last_fetch:
                figures.last_fetch = fetched
        story_id = _str(record.get("id"))
        if story_id:
            stats.stories[story_id] = ((_str(record.get("title")) or "")[:MAX_TEXT], source,
                                       (_str(record.get("url")) or "")[:2000])
    return stats


def read_json(path: Optional[Path]) -> dict:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_sidecar(path: Optional[Path], limit: int = 200_000) -> list[dict]:
    if not path or not Path(path).exists():
        return []
    from newscrawl.runs import read_records

    out = []
    for record in read_records(Path(path)):
        out.append(record)
        if len(out) >= limit:
            break
    return out


# --- charts: plain SVG ---------------------------------------------------------------------

def _nice_step(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at least `value`."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_bars_svg(categories: list[str], series: list[tuple[str, list[int]]], title: str,
                     width: int = 900, height: int = 320) -> str:
    """Vertical stacked bars: one bar per category (day), one colour per series (source)."""
    left, right, top, bottom = 48, 12, 28, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top_value = 4 * _nice_step(max(totals or [0]) / 4)  # four whole-number steps: these are counts
    parts = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 24 * ((len(series) + 3) // 4)}" '
             f'width="{width}" aria-label="{esc(title)}">',
             f'<text x="{left}" y="18" class="chart-title">{esc(title)}</text>']
    for i in range(5):
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{value:g}</text>')
    n = max(len(categories), 1)
    slot = plot_w / n
    bar = max(slot * 0.8, 1)
    label_every = max(1, n // 20)
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / top_value
            y -= h
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[s % len(PALETTE)]}"><title>{esc(category)} · {esc(name)}: {value}</title></rect>')
        if i % label_every == 0:
            lx, ly = x + bar / 2, top + plot_h + 12
            parts.append(f'<text x="{lx:.1f}" y="{ly}" class="tick" text-anchor="end" '
                         f'transform="rotate(-45 {lx:.1f} {ly})">{esc(category, 20)}</text>')
    legend_y = height + 4
    for s, (name, _values) in enumerate(series):
        lx = left + (s % 4) * (plot_w / 4)
        ly = legend_y + 22 * (s // 4)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>'
                     f'<text x="{lx + 16:.1f}" y="{ly}" class="legend">{esc(name, 40)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def hbars_svg(items: list[tuple[str, float]], title: str, unit: str = "", width: int = 900) -> str:
    """Horizontal bars, one per (label, value), largest first as given."""
    row, left, top = 24, 220, 28
    height = top + row * max(len(items), 1) + 10
    top_value = max([v for _, v in items] or [0]) or 1
    plot_w = width - left - 70
    parts = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" aria-label="{esc(title)}">',
             f'<text x="8" y="18" class="chart-title">{esc(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = plot_w * value / top_value
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="tick">{esc(label, 32)}</text>'
                     f'<rect class="bar" x="{left}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 8}" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"><title>{esc(label)}: {value:g}{esc(unit)}</title></rect>'
                     f'<text x="{left + w + 6:.1f}" y="{y + 15}" class="tick">{value:g}{esc(unit)}</text>')
    if not items:
        parts.append(f'<text x="{left}" y="{top + 15}" class="tick">nothing to show</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- the page ---------------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}td.low{background:#fde2e1;color:#8a1c13;font-weight:600}
.chart{max-width:100%;height:auto;display:block;margin:6px 0}.chart-title{font-size:14px;font-weight:600;fill:#222}
.tick,.legend{font-size:11px;fill:#444}.grid{stroke:#e5e5e5}.muted{color:#666}.kpi{display:inline-block;margin:4px 18px 4px 0}
.kpi b{font-size:20px;display:block}code{background:#f4f4f4;padding:0 3px}ul.copies{margin:2px 0;padding-left:18px}
"""


def _table(headers: list[str], rows: Iterable[list[str]], numeric: Iterable[int] = ()) -> str:
    numeric = set(numeric)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            css = ' class="num"' if i in numeric else ""
            if isinstance(cell, tuple):  # (html, css class)
                cell, extra = cell
                css = f' class="{extra}{" num" if i in numeric else ""}"'
            cells.append(f"<td{css}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _minutes_between(first: Optional[str], last: Optional[str]) -> Optional[float]:
    try:
        a = datetime.fromisoformat(first.replace("Z", "+00:00"))
        b = datetime.fromisoformat(last.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return max((b - a).total_seconds() / 60.0, 0.0)


def build_report(export: Path, summary: Optional[dict] = None, duplicates: Optional[list[dict]] = None,
                 stats: Optional[ExportStats] = None) -> str:
    stats = stats or read_export(export)
    summary = summary or {}
    duplicates = duplicates or []
    sections = []

    # headline figures
    kpis = [("stories", stats.lines), ("sources", len(stats.per_source)), ("days", len(stats.per_day_source)),
            ("duplicates listed", len(duplicates))]
    if summary:
        kpis[0:0] = [("pages fetched", summary.get("pages_fetched", 0))]
        kpis.append(("errors", sum(v for v in (summary.get("errors") or {}).values() if isinstance(v, int))))
    sections.append("".join(f'<span class="kpi"><b>{esc(v)}</b>{esc(k)}</span>' for k, v in kpis))

    # stories per source per day
    days = sorted(stats.per_day_source)
    if len(days) > 120:
        days = days[-120:]
    top_sources = [s for s, _ in stats.per_source.most_common(MAX_SOURCES_IN_CHART)]
    series = [(s, [stats.per_day_source[d].get(s, 0) for d in days]) for s in top_sources]
    others = [sum(n for src, n in stats.per_day_source[d].items() if src not in top_sources) for d in days]
    if any(others):
        series.append(("other sources", others))
    no_date = sum(stats.no_date.values())
    chart = stacked_bars_svg(days, series, "Stories per day (UTC) and source") if days else \
        '<p class="muted">No story has a date.</p>'
    sections.append('<h2 id="per-day">Stories per source per day</h2>' + chart +
                    (f'<p class="muted">{no_date} stories without a date are not in the chart'
                     + (f"; only the last {len(days)} days are shown" if len(stats.per_day_source) > len(days) else "")
                     + ".</p>" if no_date or len(stats.per_day_source) > len(days) else ""))
    rows = [[esc(src), str(n), str(stats.no_date.get(src, 0))] for src, n in stats.per_source.most_common(MAX_ROWS)]
    sections.append(_table(["source", "stories", "without date"], rows, numeric=(1, 2)))

    # language mix
    languages = stats.languages.most_common(12)
    sections.append('<h2 id="languages">Language mix</h2>' +
                    hbars_svg([(lang, n) for lang, n in languages], "Stories by language"))
    precision = ", ".join(f"{esc(k)} {v}" for k, v in stats.precisions.most_common())
    sources = ", ".join(f"{esc(k)} {v}" for k, v in stats.date_sources.most_common())
    sections.append(f'<p class="muted">Date precision: {precision or "-"}. Date source: {sources or "-"}.</p>')

    # field coverage per site
    rows = []
    low_sites = 0
    for site, figures in sorted(stats.sites.items(), key=lambda kv: -kv[1].stories)[:MAX_ROWS]:
        row = [esc(site), str(figures.stories)]
        low = False
        for name in REPORT_FIELDS:
            share = 100.0 * figures.present[name] / figures.stories if figures.stories else 0.0
            if share < LOW_COVERAGE:
                low = True
                row.append((f"{share:.0f}%", "low"))
            else:
                row.append(f"{share:.0f}%")
        low_sites += low
        rows.append(row)
    sections.append('<h2 id="coverage">Field coverage per site</h2>'
                    f'<p class="muted">Share of each site\'s stories with the field; below {LOW_COVERAGE:.0f}% is '
                    f'marked. {low_sites} site(s) below it on at least one field.</p>' +
                    _table(["site", "stories", *REPORT_FIELDS], rows, numeric=range(1, 2 + len(REPORT_FIELDS))))

    # duplicate clusters
    clusters: dict[str, list[dict]] = defaultdict(list)
    for record in duplicates:
        if isinstance(record, dict) and isinstance(record.get("duplicate_of"), str):
            clusters[record["duplicate_of"]].append(record)
    reasons = Counter(str(r.get("reason"))[:40] for r in duplicates if isinstance(r, dict))
    rows = []
    for kept_id, copies in sorted(clusters.items(), key=lambda kv: -len(kv[1]))[:MAX_ROWS]:
        title, source, url = stats.stories.get(kept_id, (None, None, None))
        first = copies[0]
        title = title or first.get("duplicate_of_title") or first.get("title")
        kept = f"{link(url or first.get('duplicate_of_url'), title or kept_id)}<br><span class=\"muted\">{esc(source or '')}</span>"
        items = "".join(
            f"<li><bdi>{esc(c.get('source') or '?')}</bdi>: {link(c.get('url'), c.get('title') or c.get('url'))} "
            f"<span class=\"muted\">({esc(c.get('reason'), 30)}, {esc(c.get('similarity'), 8)})</span></li>"
            for c in copies[:20])
        more = f"<li class=\"muted\">… {len(copies) - 20} more</li>" if len(copies) > 20 else ""
        rows.append([kept, str(len(copies)), f'<ul class="copies">{items}{more}</ul>'])
    sections.append('<h2 id="duplicates">Duplicate clusters</h2>'
                    + (hbars_svg(reasons.most_common(), "Copies by kind") if reasons else "")
                    + (_table(["story kept", "copies", "copied by (source: title)"], rows, numeric=(1,)) if rows else
                       '<p class="muted">No duplicates listed (no sidecar beside the export, or no copies).</p>'))

    # drops and errors
    drops: list[tuple[str, float]] = []
    for kind, n in (summary.get("dropped") or {}).items():
        drops.append((f"dropped: {kind}", n))
    for kind, n in (summary.get("errors") or {}).items():
        drops.append((f"error: {kind}", n))
    for kind, n in (summary.get("skipped") or {}).items():
        drops.append((f"skipped: {kind}", n))
    if summary.get("robots_refused"):
        drops.append(("robots.txt refused", summary["robots_refused"]))
    if summary.get("duplicates"):
        drops.append(("duplicates", summary["duplicates"]))
    drops = sorted(((str(k), float(v)) for k, v in drops if isinstance(v, (int, float)) and v), key=lambda kv: -kv[1])
    sections.append('<h2 id="drops">Drops and errors by kind</h2>' +
                    (hbars_svg(drops[:30], "Pages and stories not exported, by kind") if drops else
                     '<p class="muted">' + ("None." if summary else "No summary given (--summary): no figures.") + "</p>"))
    if summary.get("http_statuses"):
        sections.append("<p>HTTP statuses: " + ", ".join(f"{esc(k)}: {esc(v)}" for k, v in summary["http_statuses"].items()) + "</p>")

    # slowest and least productive sites
    found = {site: (figures or {}).get("stories_found", 0) for site, figures in (summary.get("per_site") or {}).items()
             if isinstance(figures, dict)}
    rows = []
    for site, figures in stats.sites.items():
        minutes = _minutes_between(figures.first_fetch, figures.last_fetch)
        rate = figures.stories / minutes if minutes and minutes >= 1 else None  # shorter: noise of the clock
        found_here = found.get(site)
        yield_share = 100.0 * figures.stories / found_here if found_here else None
        rows.append((site, figures.stories, found_here, yield_share, minutes, rate))
    rows.sort(key=lambda r: (r[5] if r[5] is not None else float("inf"), r[1]))
    table_rows = [[esc(site), str(n), "-" if f is None else str(f), "-" if y is None else f"{y:.0f}%",
                   "-" if m is None else f"{m:.1f}", "-" if r is None else f"{r:.1f}"]
                  for site, n, f, y, m, r in rows[:MAX_ROWS]]
    sections.append('<h2 id="sites">Slowest and least productive sites</h2>'
                    '<p class="muted">Fetch span: minutes from the site\'s first to its last story fetched; '
                    'stories per minute over that span (slowest first). Exported share: stories written of '
                    'stories found (the rest were copies or not stories).</p>' +
                    _table(["site", "stories", "found", "exported share", "fetch span (min)", "stories / min"],
                           table_rows, numeric=range(1, 6)))

    # settings
    settings_rows = []
    for key in ("run_id", "newscrawl_version", "command_line", "start_time", "end_time", "duration_seconds",
                "finish_reason", "exit_code", "sites", "export"):
        if key in summary:
            value = summary[key]
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            settings_rows.append([esc(key), f"<code>{esc(value, 600)}</code>"])
    if not summary:
        settings_rows.append(["run ids in the export", esc(", ".join(f"{k} ({v})" for k, v in stats.run_ids.most_common(5)), 600)])
    sections.append('<h2 id="settings">Run settings</h2>' + _table(["setting", "value"], settings_rows))

    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>newscrawl report: {esc(export.name)}</title><style>{CSS}</style></head><body>"
        f"<h1>Crawl report</h1><p class=\"muted\">{esc(str(export), 300)} · {stats.lines} stories"
        + (f", {stats.unreadable} unreadable lines" if stats.unreadable else "")
        + f" · generated {generated}</p>" + "".join(sections) + "</body></html>\n"
    )


def default_summary_path(export: Path) -> Optional[Path]:
    candidate = export.with_name(export.name + ".summary.json")
    return candidate if candidate.exists() else None


def default_sidecar_path(export: Path) -> Optional[Path]:
    from newscrawl.dedup.deduplicator import sidecar_path

    candidate = Path(sidecar_path(str(export)))
    return candidate if candidate.exists() else None


def write_report(export: Path, output: Path, summary: Optional[Path] = None,
                 duplicates: Optional[Path] = None) -> Path:
    export = Path(export)
    summary = summary or default_summary_path(export)
    duplicates = duplicates or default_sidecar_path(export)
    page = build_report(export, read_json(summary), read_sidecar(duplicates))
    return write_text(output, page)
