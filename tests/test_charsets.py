"""The six charset cases of issue 15, through both paths: `newscrawl extract` over a WARC and
a crawl over HTTP on 127.0.0.1. When the header, the BOM, the meta tag and the bytes disagree,
the bytes win; every case must give the right Arabic title and body, no U+FFFD, no mojibake.

1. windows-1256 bytes, header says utf-8, meta says windows-1256
2. UTF-8 bytes, header says windows-1256
3. UTF-8 bytes, header says iso-8859-1
4. a UTF-8 BOM, header says windows-1256
5. UTF-8 with invalid bytes between sentences, header says utf-8
6. a header naming a charset that does not exist (UTF-8 bytes)
"""
from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import FAST_CRAWL, read_jsonl, run_newscrawl

# Distinct stories (the crawl's dedup would drop near-copies), three sentences each.
SENTENCES = {
    1: ["افتتح وزير الثقافة مساء اليوم الدورة الجديدة من معرض الكتاب بمشاركة أكثر من خمسمائة دار نشر.",
        "ويستمر المعرض عشرة أيام، ويتضمن برنامجا ثقافيا يشمل ندوات وأمسيات شعرية وحفلات توقيع.",
        "وقال مدير المعرض إن عدد الزوار في اليوم الأول تجاوز كل التوقعات رغم الطقس الحار."],
    2: ["أعلنت وزارة الزراعة عن خطة لزيادة إنتاج القمح في المحافظات الشمالية خلال العام المقبل.",
        "وتشمل الخطة توزيع بذور محسنة على المزارعين وتوسيع شبكات الري بالتنقيط في القرى.",
        "وأكد المتحدث باسم الوزارة أن التمويل مضمون من موازنة الدولة ومن منحة دولية."],
    3: ["فاز المنتخب الوطني لكرة اليد على نظيره في المباراة النهائية للبطولة القارية أمس.",
        "وسجل قائد الفريق تسعة أهداف وحصل على جائزة أفضل لاعب في البطولة بإجماع الحكام.",
        "واستقبلت الجماهير اللاعبين في المطار بالأعلام والأغاني حتى ساعة متأخرة من الليل."],
    4: ["حذرت هيئة الأرصاد الجوية من موجة حر شديدة تضرب البلاد ابتداء من يوم الخميس.",
        "ونصحت الهيئة المواطنين بتجنب التعرض لأشعة الشمس في ساعات الظهيرة وشرب الماء بكثرة.",
        "ومن المتوقع أن تتجاوز درجات الحرارة خمسا وأربعين درجة في المناطق الصحراوية."],
    5: ["افتتحت البلدية حديقة عامة جديدة على ضفة النهر بعد عامين من أعمال التأهيل.",
        "وتضم الحديقة ممرات للمشي ومساحات لعب للأطفال ومكتبة صغيرة مفتوحة للجميع مجانا.",
        "وقال رئيس البلدية إن المشروع جزء من خطة لزيادة المساحات الخضراء في المدينة."],
    6: ["أطلقت الجامعة برنامجا جديدا لتعليم البرمجة لطلاب المدارس الثانوية في العطلة الصيفية.",
        "ويستمر البرنامج ستة أسابيع ويقدمه أساتذة من كلية الهندسة بمساعدة طلاب متطوعين.",
        "وتلقت الجامعة أكثر من ألفي طلب تسجيل في الأيام الثلاثة الأولى من فتح الباب."],
}
TITLES = {
    1: "معرض الكتاب يفتح أبوابه للزوار",
    2: "وزير الثقافة يفتتح الدورة الجديدة",
    3: "خمسمائة دار نشر في المعرض",
    4: "أمسيات شعرية وحفلات توقيع",
    5: "الزوار يتجاوزون كل التوقعات",
    6: "دور نشر من ثلاثين دولة",
}


def page_text(case: int, meta_charset: str) -> str:
    paragraphs = "".join(f"<p>{s}</p>" for s in SENTENCES[case])
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="{meta_charset}">'
            f'<title>{TITLES[case]}</title><meta property="og:type" content="article"></head>'
            f'<body><article><h1>{TITLES[case]}</h1><time datetime="2024-05-01T10:00:00+03:00">1 مايو 2024</time>'
            f"{paragraphs}</article></body></html>")


def case_page(case: int) -> tuple[str, bytes]:
    """(Content-Type header, body bytes) of one case."""
    if case == 1:
        return "text/html; charset=utf-8", page_text(1, "windows-1256").encode("cp1256")
    if case == 2:
        return "text/html; charset=windows-1256", page_text(2, "utf-8").encode("utf-8")
    if case == 3:
        return "text/html; charset=iso-8859-1", page_text(3, "utf-8").encode("utf-8")
    if case == 4:
        return "text/html; charset=windows-1256", b"\xef\xbb\xbf" + page_text(4, "windows-1256").encode("utf-8")
    if case == 5:
        body = page_text(5, "utf-8").encode("utf-8")
        return "text/html; charset=utf-8", body.replace("</p><p>".encode(), b"</p>\xff\xfe\xc3<p>", 3)
    return "text/html; charset=x-no-such-charset", page_text(6, "utf-8").encode("utf-8")


CASES = sorted(TITLES)
PATHS = {case: f"/news/2024/05/01/charset-{case}.html" for case in CASES}


class CharsetHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path == "/":
            links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in PATHS.values())
            ctype, body = "text/html; charset=utf-8", f"<!doctype html><html><body><ul>{links}</ul></body></html>".encode()
        elif self.path in PATHS.values():
            ctype, body = case_page(int(self.path.rsplit("-", 1)[-1].split(".")[0]))
        else:
            ctype, body = "text/plain", b"not found"
            self.send_response(404)
        if self.path == "/" or self.path in PATHS.values():
            self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> dict[int, dict]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CharsetHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    out = tmp_path_factory.mktemp("charsets") / "crawl.jsonl"
    try:
        result = run_newscrawl("crawl", base + "/", "-o", str(out), *FAST_CRAWL)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr[-2000:]
    by_path = {line["url"][len(base):]: line for line in read_jsonl(out)}
    return {case: by_path.get(path) for case, path in PATHS.items()}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[int, dict]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder = tmp_path_factory.mktemp("charsets-warc")
    warc = folder / "charsets.warc.gz"
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for case in CASES:
        ctype, body = case_page(case)
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example" + PATHS[case], "response",
                                                      payload=io.BytesIO(body), http_headers=http))
    warc.write_bytes(buf.getvalue())
    out = folder / "extract.jsonl"
    result = run_newscrawl("extract", str(warc), "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr[-2000:]
    by_path = {line["url"][len("https://news.example"):]: line for line in read_jsonl(out)}
    return {case: by_path.get(path) for case, path in PATHS.items()}


def check(story: dict | None, case: int) -> None:
    assert story is not None, f"case {case}: no story exported"
    assert story["title"] == TITLES[case]
    if case != 5:  # case 5's invalid bytes may stay as U+FFFD between paragraphs: they are in the page
        assert "\ufffd" not in story["body"]
    for sentence in SENTENCES[case]:
        assert sentence in story["body"], f"case {case}: body lacks {sentence!r}: {story['body'][:300]!r}"


CASE_PARAMS = CASES


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_charset_case_in_extract(extracted, case):
    check(extracted[case], case)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_charset_case_in_crawl(crawled, case):
    check(crawled[case], case)
