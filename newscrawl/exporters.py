"""JSON Lines exporter that hands every line to the OS as soon as it is written, so a crawl
killed at any moment leaves at most one partial last line (which a resume drops)."""
from __future__ import annotations

from scrapy.exporters import JsonLinesItemExporter


class FlushingJsonLinesExporter(JsonLinesItemExporter):
    def export_item(self, item) -> None:
        super().export_item(item)
        self.file.flush()
