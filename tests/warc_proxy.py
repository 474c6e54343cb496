"""Saved pages served back over real HTTP on 127.0.0.1, by their original URLs.

`PageProxy` is a plain-HTTP forward proxy that answers every request from a dict of pages
(absolute URL -> status, headers, body) and 404 for anything else, so a crawl can fetch
pages "from" their own sites (`http_proxy=...`) while nothing leaves this machine.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit


def as_http(url: str) -> str:
    """The page's URL over plain HTTP (the proxy speaks no TLS); the host and path are kept."""
    parts = urlsplit(url)
    return urlunsplit(("http", parts.netloc, parts.path or "/", parts.query, ""))


def read_warc_pages(path) -> list[tuple[str, dict, bytes]]:
    from warcio.archiveiterator import ArchiveIterator

    pages = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            headers = {k: v for k, v in record.http_headers.headers} if record.http_headers else {}
            pages.append((url, headers, record.content_stream().read()))
    return pages


def write_warc(path, pages: list[tuple[str, dict, bytes]]) -> None:
    """pages: (url, headers, body) -> one WARC response record each, as `newscrawl extract` reads them."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, headers, body in pages:
            keep = [(k, v) for k, v in headers.items() if k.lower() in ("content-type", "content-language")]
            http = StatusAndHeaders("200 OK", keep, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http))


class PageProxy:
    def __init__(self, pages: dict[str, tuple[int, dict, bytes]]) -> None:
        self.pages = pages
        self.requests: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = self.path
                proxy.requests.append(url)
                status, headers, body = proxy.pages.get(url, (404, {"Content-Type": "text/plain"}, b"not here"))
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() in ("content-type", "content-language"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
