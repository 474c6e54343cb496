"""Scrapy feed exporters of the export schema (newscrawl/items.py), chosen by the export's
file name (`-o out.jsonl`, `-o out.csv`, `-o out.parquet`) or FEEDS `format`:

- jsonlines: one JSON object a line, each handed to the OS as soon as it is written, so a
  crawl killed at any moment leaves at most one partial last line (which a resume drops);
- csv: one row a story, the columns in schema order; lists joined by "; " (`images` as a JSON
  array, as its entries have three fields); null as an empty cell;
- parquet (needs `pyarrow`, the `parquet` extra): typed columns, `date`, `date_modified` and
  `fetched_at` as timestamps in UTC, lists as lists, `version` as an integer.
The same rows in all three.
"""
from __future__ import annotations

import json
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter, CsvItemExporter, JsonLinesItemExporter

from newscrawl.text.dates import parse_timestamp
from newscrawl.items import EXPORT_FIELDS, LIST_FIELDS, Article

CSV_LIST_SEPARATOR = "; "
TIMESTAMP_FIELDS = ("date", "date_modified", "fetched_at")
FORMAT_BY_SUFFIX = {".jsonl": "jsonlines", ".jl": "jsonlines", ".ndjson": "jsonlines", ".json": "jsonlines",
                    ".csv": "csv", ".parquet": "parquet"}


def format_for(path: str) -> str:
    """The feed format of an export file name (JSON Lines unless .csv or .parquet)."""
    lower = str(path).lower()
    for suffix, name in FORMAT_BY_SUFFIX.items():
        if lower.endswith(suffix):
            return name
    return "jsonlines"


class FlushingJsonLinesExporter(JsonLinesItemExporter):
    def export_item(self, item) -> None:
        if type(item) is Article and self.fields_to_export is None:
            # The schema's fields in order, none with a serializer: the line the generic path
            # writes, without its adapter lookups per field (a tenth of the reactor's time).
            data = self.encoder.encode({name: getattr(item, name) for name in EXPORT_FIELDS}) + "\n"
            self.file.write(data.encode(self.encoding or "utf-8"))
        else:
            super().export_item(item)
        self.file.flush()


def csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "images":
        return json.dumps(value, ensure_ascii=False) if value else ""
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ArticleCsvExporter(CsvItemExporter):
    """CSV in schema column order, lists joined by "; "."""

    def __init__(self, file, **kwargs) -> None:
        kwargs.setdefault("fields_to_export", EXPORT_FIELDS)
        kwargs.setdefault("include_headers_line", True)
        kwargs.setdefault("encoding", "utf-8")
        kwargs.pop("ensure_ascii", None)  # a JSON option the crawl passes to every format
        super().__init__(file, **kwargs)

    def serialize_field(self, field, name, value):
        return csv_cell(name, value)

    def export_item(self, item) -> None:
        super().export_item(item)
        self.stream.flush()


def parquet_schema():
    import pyarrow as pa

    types = {name: pa.string() for name in EXPORT_FIELDS}
    for name in LIST_FIELDS:
        types[name] = pa.list_(pa.string())
    types["images"] = pa.list_(pa.struct([("url", pa.string()), ("caption", pa.string()), ("credit", pa.string())]))
    for name in TIMESTAMP_FIELDS:
        types[name] = pa.timestamp("ms", tz="UTC")  # Parquet has no seconds unit
    types["paywalled"] = pa.bool_()
    types["version"] = pa.int64()
    types["schema_version"] = pa.int64()
    return pa.schema([(name, types[name]) for name in EXPORT_FIELDS])


def parquet_row(record: dict) -> dict:
    row = {name: record.get(name) for name in EXPORT_FIELDS}
    for name in TIMESTAMP_FIELDS:
        row[name] = parse_timestamp(row[name])
    return row


class ParquetItemExporter(BaseItemExporter):
    """Rows buffered and written a row group at a time, so memory stays flat on a long crawl.
    A Parquet file is complete only when closed: a killed crawl leaves the .part unreadable."""

    ROW_GROUP = 2000

    def __init__(self, file, **kwargs) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:  # an optional extra
            raise RuntimeError("Parquet export needs pyarrow: pip install 'newscrawl[parquet]'") from exc
        kwargs.pop("fields_to_export", None)
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.rows: list[dict] = []
        self.writer = None

    def start_exporting(self) -> None:
        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(self.file, parquet_schema(), compression="zstd")

    def export_item(self, item) -> None:
        self.rows.append(parquet_row(ItemAdapter(item).asdict()))
        if len(self.rows) >= self.ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=parquet_schema()))
            self.rows = []

    def finish_exporting(self) -> None:
        self._flush()
        self.writer.close()


def write_parquet(records, fh) -> int:
    """The same rows as a list of export records, written as Parquet to a binary file."""
    exporter = ParquetItemExporter(fh)
    exporter.start_exporting()
    count = 0
    for record in records:
        exporter.export_item(record)
        count += 1
    exporter.finish_exporting()
    return count
