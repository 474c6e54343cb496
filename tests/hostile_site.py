"""A hostile news site, served on 127.0.0.1 by the tests (and benchmarks/hostile.py).

One server per case; the case decides what robots.txt does. Every other route is the same on
every server:

    /                       home: links to two stories, a /private/ story, and the case's entry
    /news/2024/05/0N/story-N.html   ordinary stories (N = 1, 2)
    /private/secret.html    a story that robots.txt disallows
    /list?page=N            infinite pagination: every page links to page N+1 and the same stories
    /calendar/YYYY/MM/      infinite calendar: previous and next month, no stories
    /a/ /a/a/ ...           growing repeated path segments (a relative link "a/")
    /s/listing?sid=X        every hop links to itself with a new session id
    /bomb/story.html        Content-Encoding: gzip inflating to BOMB_SIZE bytes
    /bomb/sitemap.xml.gz    a .xml.gz file inflating to BOMB_SIZE bytes
    /bomb/sitemap.xml       a sitemap sent with Content-Encoding: gzip inflating to BOMB_SIZE bytes
    /big/story.html         a 20 MiB page (> DOWNLOAD_MAXSIZE on the wire)
    /broken/sitemap.xml.gz  gzip magic, then garbage
    /deep/story.html        a story whose JSON-LD is nested DEEP_JSONLD levels
    /loop/a -> /loop/b -> /loop/a ...     a redirect loop
    /chain/N -> /chain/N+1 ... (30 hops)  a long redirect chain

Cases for robots.txt: "normal" (Disallow: /private/), "404", "500", "timeout" (never answers
within the test's DOWNLOAD_TIMEOUT), "huge" (Disallow: /private/ after 100 KiB of comments,
then ROBOTS_HUGE_SIZE bytes of comments, no Content-Length), "huge-length" (the same with a
Content-Length), "redirect" (4 hops to the real file).
"""
from __future__ import annotations

import gzip
import io
import secrets
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BOMB_SIZE = 64 * 1024 * 1024  # > DOWNLOAD_MAXSIZE (16 MiB); the benchmark raises it to 1 GiB
ROBOTS_HUGE_SIZE = 20 * 1024 * 1024  # > DOWNLOAD_MAXSIZE too
DEEP_JSONLD = 10_000
ROBOTS_RULES = "User-agent: *\nDisallow: /private/\n"


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzip-compressed (about 1/1000 of `size`), built chunk by chunk."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            gz.write(chunk)
    return out.getvalue()


def story_html(title: str, body: str, extra_head: str = "") -> str:
    paragraphs = "".join(f"<p>{body} Sentence {i} of the story goes on with more words about it.</p>" for i in range(8))
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"<meta property='og:type' content='article'>{extra_head}</head><body><article><h1>{title}</h1>"
            f"<time datetime='2024-05-01T10:00:00Z'>1 May 2024</time>{paragraphs}</article></body></html>")


def deep_jsonld_story(depth: int = DEEP_JSONLD) -> str:
    nested = '{"a":' * depth + "1" + "}" * depth
    ld = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"Deep JSON-LD story",'
          f'"about":{nested}}}</script>')
    return story_html("Deep JSON-LD story", "A story whose structured data is nested very deep.", ld)


HOME = """<!doctype html><html><head><meta charset=utf-8><title>Hostile News</title></head><body>
<h1>Hostile News</h1>
<ul>
<li><a href="/news/2024/05/01/story-1.html">Story one</a></li>
<li><a href="/news/2024/05/02/story-2.html">Story two</a></li>
<li><a href="/private/secret.html">Private story</a></li>
</ul>
<nav>{links}</nav>
</body></html>"""


def listing(links: list[str], stories: bool = True) -> str:
    items = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    if stories:
        items += ('<li><a href="/news/2024/05/01/story-1.html">Story one</a></li>'
                  '<li><a href="/news/2024/05/02/story-2.html">Story two</a></li>')
    return f"<!doctype html><html><head><meta charset=utf-8><title>Listing</title></head><body><ul>{items}</ul></body></html>"


class HostileHandler(BaseHTTPRequestHandler):
    server_version = "hostile/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet; requests are kept in server.requests
        pass

    def send_body(self, body: bytes, ctype="text/html; charset=utf-8", status=200, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str, status=302):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: C901 - one branch per route is the point
        server = self.server
        server.requests.append(self.path)
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        try:
            if path == "/robots.txt" or path.startswith("/robots-hop/"):
                return self.robots(path)
            if path == "/":
                return self.send_body(HOME.format(links=server.entry).encode())
            if path.startswith("/news/") or path == "/private/secret.html":
                name = path.rsplit("/", 1)[-1].replace(".html", "").replace("-", " ").title()
                return self.send_body(story_html(name, f"The text of {name}.").encode())
            if path == "/list":
                n = int(query.get("page", ["1"])[0])
                return self.send_body(listing([f"/list?page={n + 1}"]).encode())
            if path.startswith("/calendar/"):
                y, m = (int(x) for x in path.strip("/").split("/")[1:3])
                prev_y, prev_m = (y, m - 1) if m > 1 else (y - 1, 12)
                next_y, next_m = (y, m + 1) if m < 12 else (y + 1, 1)
                return self.send_body(listing([f"/calendar/{prev_y}/{prev_m:02d}/", f"/calendar/{next_y}/{next_m:02d}/"],
                                              stories=False).encode())
            if path.startswith("/a/"):
                return self.send_body(listing(["a/"]).encode())
            if path == "/s/listing":
                return self.send_body(listing([f"/s/listing?sid={secrets.token_hex(8)}"]).encode())
            if path == "/bomb/story.html":
                return self.send_body(gzip_bomb(server.bomb_size), headers={"Content-Encoding": "gzip"})
            if path == "/big/story.html":  # larger than DOWNLOAD_MAXSIZE on the wire
                return self.send_body(b"<html><body>" + b"<p>big</p>" * (2 * 1024 * 1024) + b"</body></html>")
            if path == "/bomb/sitemap.xml":  # Content-Encoding on a sitemap
                return self.send_body(gzip_bomb(server.bomb_size), ctype="application/xml", headers={"Content-Encoding": "gzip"})
            if path == "/bomb/sitemap.xml.gz":
                return self.send_body(gzip_bomb(server.bomb_size), ctype="application/x-gzip")
            if path == "/broken/sitemap.xml.gz":
                return self.send_body(b"\x1f\x8b\x08\x00" + b"not really gzip" * 100, ctype="application/x-gzip")
            if path == "/deep/story.html":
                return self.send_body(deep_jsonld_story().encode())
            if path.startswith("/loop/"):
                return self.redirect("/loop/b" if path == "/loop/a" else "/loop/a")
            if path.startswith("/chain/"):
                n = int(path.rsplit("/", 1)[-1])
                if n >= 30:
                    return self.send_body(story_html("End of the chain", "Thirty hops away.").encode())
                return self.redirect(f"/chain/{n + 1}")
            return self.send_body(b"not found", ctype="text/plain", status=404)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def robots(self, path: str):
        case = self.server.case
        if case == "404":
            return self.send_body(b"no robots here", ctype="text/plain", status=404)
        if case == "500":
            return self.send_body(b"server error", ctype="text/plain", status=500)
        if case == "timeout":
            time.sleep(self.server.robots_delay)
            return self.send_body(ROBOTS_RULES.encode(), ctype="text/plain")
        if case == "redirect":
            hop = int(path.rsplit("/", 1)[-1]) if path.startswith("/robots-hop/") else 0
            if hop < 4:
                return self.redirect(f"/robots-hop/{hop + 1}", status=301)
            return self.send_body(ROBOTS_RULES.encode(), ctype="text/plain")
        if case in ("huge", "huge-length"):
            return self.huge_robots(with_length=case == "huge-length")
        return self.send_body(ROBOTS_RULES.encode(), ctype="text/plain")

    def huge_robots(self, with_length: bool):
        head = ("# " + "x" * 98 + "\n") * 1024 + ROBOTS_RULES  # the rules after 100 KiB of comments
        filler_line = ("# " + "y" * 1021 + "\n").encode()
        count = ROBOTS_HUGE_SIZE // len(filler_line)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if with_length:
            self.send_header("Content-Length", str(len(head) + count * len(filler_line)))
            self.end_headers()
            self.wfile.write(head.encode())
            for _ in range(count):
                self.wfile.write(filler_line)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(data: bytes):
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

        chunk(head.encode())
        for _ in range(count // 64):
            chunk(filler_line * 64)
        self.wfile.write(b"0\r\n\r\n")


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, case: str = "normal", entry: str = "", bomb_size: int = BOMB_SIZE, robots_delay: float = 5.0):
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.case, self.entry, self.bomb_size, self.robots_delay = case, entry, bomb_size, robots_delay
        self.requests: list[str] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def serve_hostile(case: str = "normal", entry: str = "", **kwargs):
    """A hostile site on a free port; `entry` is HTML put on the home page (links to the trap)."""
    server = HostileServer(case, entry, **kwargs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":  # serve a case by hand: python tests/hostile_site.py [case]
    import sys

    with serve_hostile(sys.argv[1] if len(sys.argv) > 1 else "normal") as srv:
        print(srv.base_url, flush=True)
        threading.Event().wait()
