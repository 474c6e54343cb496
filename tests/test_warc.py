"""`crawl --warc`: the writer's records read back with warcio as the crawl received them,
bodies in every encoding the crawl accepts readable, files rotated by size."""
from __future__ import annotations

import gzip

from warcio.archiveiterator import ArchiveIterator

from newscrawl.warc import HINTS_HEADER, WarcWriter, readable_by_warc_readers, rotated_path

HTML = b"<html><head><title>t</title></head><body><p>" + b"A page kept for later. " * 40 + b"</p></body></html>"


def read_back(path):
    with open(path, "rb") as fh:
        return [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(), r.content_stream().read(),
                 r.rec_headers.get_header(HINTS_HEADER))
                for r in ArchiveIterator(fh) if r.rec_type == "response"]


def test_every_encoding_reads_back_as_the_page(tmp_path):
    from scrapy.utils._compression import zstd

    writer = WarcWriter(tmp_path / "crawl.warc.gz")
    for name, encoded in (("zstd", zstd.compress(HTML)), ("gzip", gzip.compress(HTML)), (None, HTML)):
        headers = [("Content-Type", "text/html")] + ([("Content-Encoding", name)] if name else [])
        headers.append(("Transfer-Encoding", "chunked"))  # Scrapy gives the body de-chunked
        headers, body = readable_by_warc_readers(headers, encoded)
        writer.write_response(f"http://127.0.0.1:1/{name}", 200, headers, body, extra={HINTS_HEADER: '{"expect": "story"}'})
    writer.write_response("http://127.0.0.1:1/gone", 404, [("Content-Type", "text/html")], b"not here")
    writer.close()
    records = read_back(tmp_path / "crawl.warc.gz")
    assert [(url, status) for url, status, _, _ in records] == [
        ("http://127.0.0.1:1/zstd", "200"), ("http://127.0.0.1:1/gzip", "200"), ("http://127.0.0.1:1/None", "200"),
        ("http://127.0.0.1:1/gone", "404")]
    assert all(body == HTML for _, _, body, _ in records[:3])
    assert records[0][3] == '{"expect": "story"}'


def test_files_rotate_by_size(tmp_path):
    writer = WarcWriter(tmp_path / "crawl.warc.gz", max_size=2000)
    for i in range(12):
        writer.write_response(f"http://127.0.0.1:1/{i}", 200, [("Content-Type", "text/html")], HTML + str(i).encode())
    writer.close()
    assert len(writer.files) > 2
    assert writer.files[:2] == [tmp_path / "crawl.warc.gz", tmp_path / "crawl-00001.warc.gz"]
    assert rotated_path(tmp_path / "x.warc", 3) == tmp_path / "x-00003.warc"
    urls = [url for path in writer.files for url, *_ in read_back(path)]
    assert urls == [f"http://127.0.0.1:1/{i}" for i in range(12)]  # every record once, in order
