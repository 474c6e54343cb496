"""Peak memory and outcome of every hostile case of issue 15, in one run. By hand:
`python benchmarks/hostile.py [--sitemap-bomb-gib 10] [--bomb-gib 1] [--only CASE ...]`.

Each crawl case is a separate `newscrawl crawl` with default settings against its own
hostile site (tests/hostile_site.py) on 127.0.0.1; each input case is a `newscrawl extract`
over a broken file. Figures per case: exit code, wall time, the peak of the summed RSS of
the command and all its children (the page workers), sampled every 50 ms, and what the
summary counted (errors by kind, crawler traps, robots.txt). The baseline is the same crawl
of the same site with no hostile route (case "baseline"): its peak RSS is the memory any
crawl needs; the target is <= 1 GiB on every case.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

from crawl import _tree_rss_kib  # noqa: E402  (benchmarks/crawl.py: summed RSS of a process tree)
from hostile_site import gzip_bomb, serve_hostile  # noqa: E402

GIB = 1024 ** 3

# name -> (robots case, start path, home-page entry, extra settings)
CRAWL_CASES = {
    "baseline": ("normal", "/", "", []),
    "sitemap.xml.gz bomb": ("normal", "/bomb/sitemap.xml.gz", "", []),
    "sitemap Content-Encoding bomb": ("normal", "/bomb/sitemap.xml", "", []),
    "article Content-Encoding bomb": ("normal", "/", '<a href="/bomb/story.html">b</a>', []),
    "corrupt .xml.gz sitemap": ("normal", "/broken/sitemap.xml.gz", "", []),
    "infinite ?page=N": ("normal", "/", '<a href="/list?page=1">more</a>', []),
    "infinite calendar": ("normal", "/", '<a href="/calendar/2024/05/">calendar</a>', []),
    "growing /a/a/a/ paths": ("normal", "/", '<a href="/a/">a</a>', []),
    "session id every hop": ("normal", "/", '<a href="/s/listing?sid=abc">s</a>', []),
    "robots.txt 500": ("500", "/", "", []),
    "robots.txt never answers": ("timeout", "/", "", []),
    "robots.txt 20 MiB (chunked)": ("huge", "/", "", []),
    "robots.txt 20 MiB (Content-Length)": ("huge-length", "/", "", []),
    "robots.txt 4 redirects": ("redirect", "/", "", []),
    "JSON-LD 10,000 deep": ("normal", "/", '<a href="/deep/story.html">d</a>', []),
    "redirect loop + 30-hop chain": ("normal", "/", '<a href="/loop/a">l</a><a href="/chain/1">c</a>', []),
}
EXTRACT_CASES = ("html.gz bomb", "WARC Content-Encoding bomb", "WARC cut mid-record", "corrupt html.gz")


def measure(command: list[str], cwd: Path, timeout: float) -> tuple[int, float, int]:
    """(exit code, seconds, peak summed RSS in KiB) of a command and its children."""
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        if time.monotonic() - started > timeout:
            proc.kill()
        time.sleep(0.05)
    reader.join(5)
    measure.last_stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
    return proc.returncode, time.monotonic() - started, peak


def crawl_case(name: str, work: Path, bomb_size: int, sitemap_bomb_size: int) -> dict:
    robots, start, entry, extra = CRAWL_CASES[name]
    size = sitemap_bomb_size if name == "sitemap.xml.gz bomb" else bomb_size
    out = work / (name.replace(" ", "_").replace("/", "_") + ".jsonl")
    with serve_hostile(robots, entry=entry, bomb_size=size, robots_delay=120) as server:
        gzip_bomb(size)  # built before the clock starts
        command = [sys.executable, "-m", "newscrawl", "crawl", server.base_url + start, "-o", str(out), "-q", *extra]
        code, seconds, peak = measure(command, REPO, timeout=600)
        requests = len(server.requests)
    summary = json.loads(out.with_name(out.name + ".summary.json").read_text()) if out.with_name(out.name + ".summary.json").exists() else {}
    counted = {**summary.get("errors", {}),
               **{f"trap {k}": v for k, v in summary.get("crawler_traps", {}).items()},
               **{f"robots {k.split('/')[-1]}": v for k, v in summary.get("robots_txt", {}).items()
                  if "rfc9309" in k or k == "forbidden"}}
    return {"case": name, "exit": code, "seconds": round(seconds, 1), "peak_rss_mib": round(peak / 1024, 1),
            "requests": requests, "stories": summary.get("stories_exported"), "counted": counted,
            "traceback": "Traceback" in measure.last_stderr}


def extract_case(name: str, work: Path, bomb_size: int) -> dict:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    story = (b"<html><head><title>A story</title></head><body><article><h1>A story</h1>"
             + b"<p>Words of the story, long enough to be running text of a paragraph.</p>" * 40 + b"</article></body></html>")

    def warc(records):
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        for url, body, headers in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
        return buf.getvalue()

    args: list[str]
    if name == "html.gz bomb":
        path = work / "bomb.html.gz"
        path.write_bytes(gzip_bomb(bomb_size))
        args = [str(path), "--url", "http://x.test/bomb.html"]
    elif name == "WARC Content-Encoding bomb":
        path = work / "bomb.warc.gz"
        path.write_bytes(warc([("http://x.test/1.html", story, []),
                               ("http://x.test/bomb.html", gzip_bomb(bomb_size), [("Content-Encoding", "gzip")])]))
        args = [str(path)]
    elif name == "WARC cut mid-record":
        path = work / "cut.warc.gz"
        path.write_bytes(warc([("http://x.test/1.html", story, []), ("http://x.test/2.html", story * 20, [])])[:-300])
        args = [str(path)]
    else:
        path = work / "corrupt.html.gz"
        import gzip

        path.write_bytes(gzip.compress(story)[:60])
        args = [str(path), "--url", "http://x.test/c.html"]
    out = work / (path.name + ".jsonl")
    code, seconds, peak = measure([sys.executable, "-m", "newscrawl", "extract", *args, "-o", str(out), "--no-progress"],
                                  REPO, timeout=600)
    lines = sum(1 for _ in open(out, encoding="utf-8")) if out.exists() else 0
    report = [line.strip() for line in measure.last_stderr.splitlines() if "failed" in line or "written" in line]
    return {"case": "extract: " + name, "exit": code, "seconds": round(seconds, 1), "peak_rss_mib": round(peak / 1024, 1),
            "requests": None, "stories": lines, "counted": " / ".join(report), "traceback": "Traceback" in measure.last_stderr}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sitemap-bomb-gib", type=float, default=10.0, help="inflated size of the .xml.gz bomb (default 10)")
    parser.add_argument("--bomb-gib", type=float, default=1.0, help="inflated size of the other bombs (default 1)")
    parser.add_argument("--only", nargs="*", help="run only these cases (names as printed)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(tmp)
        for name in CRAWL_CASES:
            if args.only and name not in args.only:
                continue
            rows.append(crawl_case(name, work, int(args.bomb_gib * GIB), int(args.sitemap_bomb_gib * GIB)))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        for name in EXTRACT_CASES:
            if args.only and name not in args.only:
                continue
            rows.append(extract_case(name, work, int(args.bomb_gib * GIB)))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    print("\n| case | exit | s | peak RSS MiB | requests | stories | counted | traceback |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        counted = r["counted"] if isinstance(r["counted"], str) else ", ".join(f"{k} {v}" for k, v in r["counted"].items())
        print(f"| {r['case']} | {r['exit']} | {r['seconds']} | {r['peak_rss_mib']} | {r['requests'] if r['requests'] is not None else '-'}"
              f" | {r['stories']} | {counted or '-'} | {'yes' if r['traceback'] else 'no'} |")


if __name__ == "__main__":
    main()
