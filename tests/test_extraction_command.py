"""`newscrawl extract`: WARC and HTML inputs, failures counted, clear usage errors."""
from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from export_check import assert_valid_export, new_file_mode
from conftest import run_newscrawl

PAGES = Path(__file__).parent / "data" / "extraction" / "pages"


def _warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for url, content_type, body in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": "2026-01-09T09:00:00Z"})
            writer.write_record(record)


def test_extract_warc(tmp_path):
    warc = tmp_path / "pages.warc.gz"
    _warc(warc, [
        ("https://www.coastline-post.co.uk/news/pier-vote", "text/html; charset=utf-8",
         (PAGES / "jsonld_graph.html").read_bytes()),
        ("https://www.coastline-post.co.uk/logo.png", "image/png", b"\x89PNG...."),
        ("https://www.alsham-paper.example/economy/budget-2026", "text/html; charset=windows-1256",
         (PAGES / "windows1256_levantine.html").read_bytes()),
    ])
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(warc), "-o", str(out), "--all-pages")
    assert result.returncode == 0, result.stderr
    lines = assert_valid_export(out)
    assert [line["url"] for line in lines] == ["https://www.coastline-post.co.uk/news/pier-vote",
                                              "https://www.alsham-paper.example/economy/budget-2026"]
    assert lines[0]["title"] == "Council votes to rebuild the old pier"
    assert lines[1]["title"] == "الحكومة تقر موازنة العام المقبل"
    assert lines[1]["fetched_at"] == "2026-01-09T09:00:00+00:00"  # from WARC-Date
    assert "الحكومة" in out.read_text(encoding="utf-8")  # ensure_ascii=False: readable UTF-8
    assert "2 pages written" in result.stderr and "1 not HTML" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "pages.warc.gz"]  # no temp file left


def test_extract_warc_resource_records_and_skips_errors(tmp_path):
    warc = tmp_path / "saved.warc"
    page = (PAGES / "microdata.html").read_bytes()
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        writer.write_record(writer.create_warc_record(
            "https://www.lepetitrhone.example.fr/metropole/tramway-aeroport", "resource",
            payload=io.BytesIO(page), warc_content_type="text/html"))
        http = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://www.lepetitrhone.example.fr/gone", "response",
                                                      payload=io.BytesIO(b"<html>not here</html>"), http_headers=http))
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(warc), "-o", str(out), "--all-pages")
    assert result.returncode == 0, result.stderr
    assert [line["title"] for line in assert_valid_export(out)] == ["Le tramway prolongé jusqu'à l'aéroport"]
    assert "1 HTTP 404" in result.stderr


def test_extract_html_and_html_gz(tmp_path):
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((PAGES / "microdata.html").read_bytes()))
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(PAGES / "no_structured_data.html"), str(gz), "-o", str(out),
                           "--url", "https://valleycourier.example.org/local/library-late-fridays",
                           "--url", "https://www.lepetitrhone.example.fr/metropole/tramway-aeroport", "--no-clean", "--all-pages",
                           "--fetched-at", "2024-03-09T00:00:00Z")
    assert result.returncode == 0, result.stderr
    lines = assert_valid_export(out)
    assert {line["fetched_at"] for line in lines} == {"2024-03-09T00:00:00+00:00"}
    assert (lines[0]["date"], lines[0]["date_precision"]) == ("2024-03-08T00:00:00+00:00", "day")
    assert [line["title"] for line in lines] == ["Library opens late on Fridays", "Le tramway prolongé jusqu'à l'aéroport"]
    assert set(lines[0]) >= {"url", "title", "body", "source", "date", "id", "authors", "language"}


def test_damaged_warc_does_not_stop_the_run(tmp_path):
    warc = tmp_path / "pages.warc.gz"
    page = (PAGES / "jsonld_graph.html").read_bytes()
    _warc(warc, [(f"https://www.coastline-post.co.uk/news/{i}", "text/html", page) for i in range(3)])
    with open(warc, "ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00broken gzip member" * 4)
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(warc), "-o", str(out))
    assert len(assert_valid_export(out)) == 3  # every page before the damage is kept
    assert result.returncode == 0, result.stderr
    assert "3 pages written" in result.stderr and "skipped 1" in result.stderr


def test_usage_errors(tmp_path):
    missing = run_newscrawl("extract", str(tmp_path / "nope.warc.gz"), "-o", str(tmp_path / "o.jsonl"))
    assert missing.returncode == 2 and "no such input file" in missing.stderr
    (tmp_path / "a-file").write_text("x")
    unwritable = run_newscrawl("extract", str(PAGES / "microdata.html"), "--url", "https://x.example/a",
                               "-o", str(tmp_path / "a-file" / "o.jsonl"))
    assert unwritable.returncode == 2 and "cannot write the output file" in unwritable.stderr
    no_url = run_newscrawl("extract", str(PAGES / "microdata.html"), "-o", str(tmp_path / "o.jsonl"))
    assert no_url.returncode == 2 and "--url" in no_url.stderr
    unknown = tmp_path / "x.pdf"
    unknown.write_bytes(b"%PDF")
    wrong_type = run_newscrawl("extract", str(unknown), "-o", str(tmp_path / "o.jsonl"))
    assert wrong_type.returncode == 2 and "unknown input type" in wrong_type.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_progress_bar_on_request(tmp_path):
    warc = tmp_path / "pages.warc.gz"
    page = (PAGES / "jsonld_graph.html").read_bytes()
    _warc(warc, [(f"https://www.coastline-post.co.uk/news/{i}", "text/html", page) for i in range(3)])
    out = tmp_path / "out.jsonl"
    quiet = run_newscrawl("extract", str(warc), "-o", str(out))  # stderr is not a terminal: no bar
    assert "[" not in quiet.stderr
    shown = run_newscrawl("extract", str(warc), "-o", str(out), "--progress")
    assert "pages.warc.gz [" in shown.stderr and "100.0% 3 pages" in shown.stderr


def test_an_unreadable_page_is_counted_and_the_run_goes_on(tmp_path):
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"this is not gzip")
    out = tmp_path / "out.jsonl"
    result = run_newscrawl("extract", str(broken), str(PAGES / "microdata.html"), "-o", str(out),
                           "--url", "https://x.example/broken", "--url", "https://x.example/fine", "--all-pages")
    assert [line["url"] for line in assert_valid_export(out)] == ["https://x.example/fine"]
    assert "1 failed" in result.stderr and "broken.html.gz" in result.stderr
    assert result.returncode == 1  # half the pages failed: finished, with errors


def test_html_inputs_each_followed_by_its_url_and_classified_unless_all_pages(tmp_path):
    out = tmp_path / "out.jsonl"
    story = "https://www.coastline-post.co.uk/news/pier-vote"
    listing = tmp_path / "listing.html"
    listing.write_text("<html><body><h1>Latest</h1><ul>" + "".join(
        f'<li><a href="/2024/03/0{i}/story-{i}.html">Story number {i}</a></li>' for i in range(1, 8))
        + "</ul></body></html>", encoding="utf-8")
    args = ("extract", str(PAGES / "jsonld_graph.html"), "--url", story,
            str(listing), "--url", "https://www.coastline-post.co.uk/", "-o", str(out))
    classified = run_newscrawl(*args)
    assert classified.returncode == 0, classified.stderr
    assert [line["url"] for line in assert_valid_export(out)] == [story]
    assert "1 listing page" in classified.stderr
    everything = run_newscrawl(*args, "--all-pages")
    assert everything.returncode == 0, everything.stderr
    # the listing is extracted too, and having no body it is a counted reject, not a line
    assert len(assert_valid_export(out)) == 1 and "not stories 1 no body" in everything.stderr


def test_a_page_without_title_or_body_is_a_reject_not_a_line(tmp_path):
    warc = tmp_path / "pages.warc.gz"
    _warc(warc, [
        ("https://www.coastline-post.co.uk/news/pier-vote", "text/html", (PAGES / "jsonld_graph.html").read_bytes()),
        ("https://www.coastline-post.co.uk/", "text/html", b"<html><head></head><body><nav><a href='/a'>A</a></nav></body></html>"),
    ])
    out = tmp_path / "new" / "folder" / "out.jsonl"  # folders are created
    result = run_newscrawl("extract", str(warc), "-o", str(out), "--all-pages")
    assert result.returncode == 0, result.stderr
    lines = assert_valid_export(out)
    assert [line["url"] for line in lines] == ["https://www.coastline-post.co.uk/news/pier-vote"]
    assert "not stories 1 no title and no body" in result.stderr
    assert len({line["run_id"] for line in lines}) == 1
    assert out.stat().st_mode & 0o777 == new_file_mode()  # 0644 under the usual umask, as crawl writes
