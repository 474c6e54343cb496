"""JSON Lines, CSV and Parquet from one real crawl (`scrapy crawl news -o a.jsonl -o a.csv -o
a.parquet`: the same items through the three feed exporters): the same rows come back from
each; Parquet columns are typed. And the README's pandas / polars / DuckDB loading lines,
run as written on a real export."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import FAST_CRAWL, REPO
from export_check import assert_valid_export
from newscrawl.items import EXPORT_FIELDS
from newscrawl.runs import read_records


@pytest.fixture(scope="module")
def three_formats(tmp_path_factory):
    from newscrawl.demo.server import serve_sites

    folder = tmp_path_factory.mktemp("formats")
    outputs = [folder / "a.jsonl", folder / "a.csv", folder / "a.parquet"]
    overrides = [x for o in FAST_CRAWL if o != "-s" for x in ("-s", o)]
    with serve_sites(["arabic"]) as servers:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={servers['arabic'].base_url}/",
             *[x for path in outputs for x in ("-o", str(path))], "-L", "WARNING", *overrides],
            capture_output=True, text=True, cwd=str(REPO), timeout=300,
            env={**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return outputs


def test_the_three_formats_hold_the_same_rows(three_formats):
    jsonl, csv_path, parquet = three_formats
    lines = assert_valid_export(jsonl, min_lines=10)
    by_url = lambda records: sorted(records, key=lambda r: r["url"])
    from_csv = by_url(read_records(csv_path))
    from_parquet = by_url(read_records(parquet))
    assert by_url(lines) == from_csv == from_parquet
    assert all(list(record) == EXPORT_FIELDS for record in from_csv + from_parquet)


def test_csv_joins_lists_with_semicolons(three_formats):
    import csv

    with open(three_formats[1], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == EXPORT_FIELDS
    related = [row["related_urls"] for row in rows if row["related_urls"]]
    assert related and all(" ; " not in r and r.count("; ") + 1 == len(r.split("; ")) for r in related)
    assert any("; " in r for r in related)


def test_parquet_columns_are_typed(three_formats):
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(three_formats[2])
    assert schema.field("date").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("fetched_at").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("version").type == pa.int64()
    assert schema.field("paywalled").type == pa.bool_()
    assert schema.names == EXPORT_FIELDS


def test_newscrawl_crawl_writes_parquet_by_file_name(tmp_path):
    import pyarrow.parquet as pq

    from newscrawl.demo.server import serve_sites

    out = tmp_path / "news.parquet"
    with serve_sites(["english"]) as servers:
        proc = subprocess.run([sys.executable, "-m", "newscrawl", "crawl", servers["english"].base_url + "/",
                               "-o", str(out), "--quiet", *FAST_CRAWL], capture_output=True, text=True,
                              cwd=str(REPO), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = pq.read_table(out)
    assert table.num_rows == 10 and not list(tmp_path.glob("*.part"))
    assert (tmp_path / "news.parquet.summary.json").exists()


def readme_loading_lines() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- loading-lines: begin -->\s*```python\n(.*?)```\s*<!-- loading-lines: end -->", text, re.S)
    assert match, "README: the loading lines block is missing"
    return match.group(1)


def test_readme_loading_lines_run_on_a_real_export(demo_crawl):
    code = readme_loading_lines().replace("output/demo.jsonl", str(demo_crawl.export))
    scope: dict = {}
    exec(compile(code, "README.md loading lines", "exec"), scope)
    df, pf, per_day = scope["df"], scope["pf"], scope["per_day"]
    assert str(df.date.dtype).startswith("datetime64") and str(df.date.dt.tz) == "UTC"
    assert len(df) == len(demo_crawl.lines) and len(scope["latest"]) == len(df)
    assert str(pf["date"].dtype).startswith("Datetime") and pf["date"].dtype.time_zone == "UTC"
    rows = per_day.fetchall()
    assert len(rows) == len(demo_crawl.lines) and all(row[1].tzinfo is not None for row in rows)


def test_pandas_to_datetime_needs_no_argument_on_every_export(demo_crawl, tmp_path):
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parsed = pd.to_datetime(pd.Series([line["date"] for line in demo_crawl.lines]))
    assert str(parsed.dt.tz) == "UTC" and parsed.notna().all()


def test_jsonl_exporter_writes_what_scrapys_generic_exporter_writes():
    import io

    from scrapy.exporters import JsonLinesItemExporter

    from newscrawl.exporters import FlushingJsonLinesExporter
    from newscrawl.items import Article

    article = Article(url="https://site.example/a", title="عنوان «الخبر»", body="Para one.\n\nPara two.", source="Site",
                      authors=["A. Writer"], tags=["x"], images=[{"url": "https://site.example/i.jpg", "caption": "c",
                                                                   "credit": None}], paywalled=False, version=2)
    lines = []
    for exporter_class in (FlushingJsonLinesExporter, JsonLinesItemExporter):
        out = io.BytesIO()
        exporter_class(out, ensure_ascii=False, encoding="utf-8").export_item(article)
        lines.append(out.getvalue())
    assert lines[0] == lines[1]
