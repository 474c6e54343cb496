"""A small static server for the bundled demo news sites (standard library only).

One ThreadingHTTPServer per site on 127.0.0.1 with a free port. The serving rules are
described in ``newscrawl/demo/README.md``; in short:

- ``/a/b/`` -> ``a/b/index.html``; ``/a/b`` -> the file ``a/b`` if it exists, else
  ``a/b/index.html``. Never a directory listing; anything else is a 404.
- ``/a/b/?QUERY`` -> ``a/b/__query__/QUERY.html`` when that file exists (QUERY exactly as
  sent, e.g. ``page=2``); otherwise the query string is ignored, as real sites ignore
  unknown parameters such as ``utm_source``.
- Text files (.html .xml .txt .json .atom) get ``{{BASE}}`` replaced by the server's base
  URL at serve time, so robots.txt, sitemaps and feeds carry absolute URLs.
- An optional ``_headers.json`` in the site root maps a request path to extra response
  headers. A page whose Content-Type there declares a charset other than UTF-8 is served
  byte for byte.
- ``manifest.json``, ``_headers.json`` and any path segment starting with ``_`` (other
  than ``__query__`` lookups done by the server itself) are never served.

Every request path (with its query string) is appended to ``SiteServer.requests``.

Run ``python -m newscrawl.demo.server [NAME ...]`` to serve the sites until Ctrl-C.
"""
from __future__ import annotations

import json
import re
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

SITES_ROOT: Path = Path(__file__).resolve().parent / "sites"

BASE_PLACEHOLDER = b"{{BASE}}"
TEXT_SUFFIXES = {".html", ".htm", ".xml", ".txt", ".json", ".atom", ".rss"}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
HIDDEN_ROOT_FILES = {"manifest.json", "_headers.json"}
QUERY_DIR = "__query__"
_CHARSET_RE = re.compile(r"charset\s*=\s*([\w.:-]+)", re.I)


def load_manifest(site_root: Path) -> dict:
    """The site's machine-readable truth (stories, non-stories, disallowed paths)."""
    return json.loads((Path(site_root) / "manifest.json").read_text(encoding="utf-8"))


def _load_extra_headers(root: Path) -> dict[str, dict[str, str]]:
    path = root / "_headers.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _content_type(path: Path, body: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xml":
        # feeds are .xml files on most sites; label them as real sites do
        head = body[:500].lstrip()
        if b"<rss" in head:
            return "application/rss+xml"
        if b"<feed" in head:
            return "application/atom+xml"
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def _is_utf8(content_type: str) -> bool:
    match = _CHARSET_RE.search(content_type)
    return match is None or match.group(1).lower().replace("_", "-") in {"utf-8", "utf8"}


class _QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A crawler that was killed or timed out mid-response is normal here, not an error.
        pass


class SiteServer:
    """One running demo site."""

    def __init__(self, root: Path, name: str | None = None):
        self.root = Path(root).resolve()
        self.name = name or self.root.name
        self.requests: list[str] = []
        # Seconds to wait before each response: tests use it to keep a crawl running long
        # enough to interrupt it.
        self.delay = 0.0
        self._lock = threading.Lock()
        self._extra_headers = _load_extra_headers(self.root)
        self._httpd = _QuietHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"demo-site-{self.name}", daemon=True
        )
        self._thread.start()

    def __repr__(self) -> str:
        return f"SiteServer({self.name!r}, {self.base_url!r})"

    def url(self, path: str) -> str:
        """Absolute URL of a site path ('/news/x.html' or 'news/x.html')."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- request handling -------------------------------------------------------------

    def _record(self, raw_path: str) -> None:
        with self._lock:
            self.requests.append(raw_path)

    def resolve(self, raw_path: str) -> Path | None:
        """The file serving a request path (with query string), or None for a 404."""
        parts = urlsplit(raw_path)
        path = unquote(parts.path) or "/"
        segments = [s for s in path.split("/") if s]
        if any(s in (".", "..") or s.startswith("_") for s in segments):
            return None
        if len(segments) == 1 and segments[0] in HIDDEN_ROOT_FILES:
            return None
        target = self.root.joinpath(*segments)
        candidates: list[Path] = []
        if parts.query:
            query_dir = target / QUERY_DIR if (path.endswith("/") or target.is_dir()) else None
            if query_dir is None:
                query_dir = target.parent / QUERY_DIR / target.name
            candidates.append(query_dir / (unquote(parts.query).replace("/", "%2F") + ".html"))
        if path.endswith("/"):
            candidates.append(target / "index.html")
        else:
            candidates += [target, target / "index.html"]
        for candidate in candidates:
            if candidate.is_file() and self.root in candidate.resolve().parents:
                return candidate
        return None

    def _handler_class(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "NewscrawlDemo/1.0"
            protocol_version = "HTTP/1.0"

            def log_message(self, format, *args):  # noqa: A002 - keep the demo quiet
                pass

            def do_GET(self):
                self._respond(send_body=True)

            def do_HEAD(self):
                self._respond(send_body=False)

            def _respond(self, send_body: bool):
                site._record(self.path)
                if site.delay:
                    time.sleep(site.delay)
                file = site.resolve(self.path)
                if file is None:
                    body = b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>"
                    self.send_response(HTTPStatus.NOT_FOUND)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if send_body:
                        self.wfile.write(body)
                    return
                body = file.read_bytes()
                extra = site._extra_headers.get(unquote(urlsplit(self.path).path), {})
                content_type = extra.get("Content-Type") or _content_type(file, body)
                if file.suffix.lower() in TEXT_SUFFIXES and _is_utf8(content_type):
                    body = body.replace(BASE_PLACEHOLDER, site.base_url.encode("ascii"))
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", content_type)
                for key, value in extra.items():
                    if key.lower() != "content-type":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

        return Handler


def serve_site(root: Path, name: str | None = None) -> SiteServer:
    """Start serving one site directory; call ``.stop()`` when done."""
    return SiteServer(root, name)


def site_names(root: Path = SITES_ROOT) -> list[str]:
    """Every site directory under root (hidden and underscore names skipped)."""
    return sorted(
        p.name for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


@contextmanager
def serve_sites(
    names: list[str] | None = None, root: Path = SITES_ROOT
) -> Iterator[dict[str, SiteServer]]:
    """Serve the named sites (all by default) for the duration of the block."""
    root = Path(root)
    names = list(names) if names else site_names(root)
    for name in names:
        if not (root / name).is_dir():
            raise ValueError(f"no demo site named {name!r} under {root}")
    with ExitStack() as stack:
        servers: dict[str, SiteServer] = {}
        for name in names:
            server = serve_site(root / name, name)
            stack.callback(server.stop)
            servers[name] = server
        yield servers


def main(argv: list[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    stop = threading.Event()
    try:  # Ctrl-C at any moment (even while the URLs are printed) stops cleanly
        with serve_sites(names or None) as servers:
            for name, server in servers.items():
                print(f"{name:10s} {server.base_url}/", flush=True)
            print("Serving the demo sites; press Ctrl-C to stop.", flush=True)
            while not stop.wait(3600):
                pass
    except KeyboardInterrupt:
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
