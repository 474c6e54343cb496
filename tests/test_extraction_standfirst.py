"""`summary`: the standfirst as the page shows it (its own element first, then the block the
body extractor left out, then a description that is not a copy of the body's start), and
never the story's first paragraph repeated."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.cleaning import clean_article
from newscrawl.extraction import extract_article
from newscrawl.extraction.standfirst import copies_body_start, copies_body_text, copies_text, summary_from_html

URL = "https://news.example.com/2024/05/01/ferry.html"
TITLE = "Ferry returns to Gull Island after two years"
STORY = [
    "The ferry between Port Ellery and Gull Island sailed again on Monday, two years after the storm that wrecked the pier.",
    "About 120 passengers made the first crossing, many of them islanders who had relied on fishing boats since 2022.",
    "The operator said the timetable would be extended in the summer if the new pier holds up in the autumn storms.",
]
SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def page(head: str = "", top: str = "", paragraphs=None, h1: str = TITLE) -> str:
    paras = "".join(f"<p>{p}</p>" for p in (paragraphs or STORY))
    return (f'<html lang="en"><head><title>{TITLE} | Example News</title>{head}</head><body>'
            f'<nav><a href="/">Home</a></nav><article><header><h1>{h1}</h1>{top}</header>'
            f'<div class="article-body">{paras}</div></article><footer>© Example News</footer></body></html>')


def body_of(paragraphs=None) -> str:
    return "\n\n".join(paragraphs or STORY)


DEK = "Islanders have waited two years for the crossing; the operator promises a longer summer timetable."


@pytest.mark.parametrize("top", [
    f'<p class="article__standfirst">{DEK}</p>',
    f'<div class="c-article-lead"><p>{DEK}</p></div>',
    f'<p class="sub-title">{DEK}</p>',
    f'<div class="ContentHeaderDek">{DEK}</div>',
    f'<p class="vorspann">{DEK}</p>',
    f'<p><strong>{DEK}</strong></p>',
])
def test_marked_standfirst_element(top):
    summary = summary_from_html(page(top=top), TITLE, body_of())
    assert (summary.text, summary.source) == (DEK, "element")


def test_dek_heading_in_hgroup():
    html = page(h1=f"{TITLE}</h1><h2>{DEK}</h2><h1 hidden>x")
    html = html.replace("<header>", "<header><hgroup>").replace("</h2>", "</h2></hgroup>", 1)
    assert summary_from_html(html, TITLE, body_of()).text == DEK


def test_standfirst_in_parts_styled_alike():
    top = '<p class="lead">Islanders waited two years.</p><p class="lead">The operator promises more sailings.</p>'
    assert summary_from_html(page(top=top), TITLE, body_of()).text == (
        "Islanders waited two years.\n\nThe operator promises more sailings.")


def test_short_marked_line_is_a_second_headline_not_a_standfirst():
    top = f'<p class="header-subline">Gull Island crossing</p><p class="teaser">{DEK}</p>'
    assert summary_from_html(page(top=top), TITLE, body_of()).text == DEK


def test_related_teasers_are_not_the_standfirst():
    top = '<div class="teaser"><a href="/other.html">Another story about ferries and islands and the sea, read it now</a></div>'
    desc = '<meta name="description" content="A real description written by the editor, not the first paragraph.">'
    summary = summary_from_html(page(head=desc, top=top), TITLE, body_of())
    assert (summary.text, summary.source) == ("A real description written by the editor, not the first paragraph.", "meta")


def test_cut_off_description_gives_the_whole_visible_standfirst():
    top = f'<p class="x7f3a">{DEK}</p>'  # a hashed class: no lead word, set apart from the story's paragraphs
    head = f'<meta property="og:description" content="{DEK[:60]}…">'
    summary = summary_from_html(page(head=head, top=top), TITLE, body_of())
    assert (summary.text, summary.source) == (DEK, "element")


@pytest.mark.parametrize("description", [
    STORY[0],  # the whole first paragraph
    STORY[0][:70] + "...",  # cut at a word
    STORY[0][:67] + "…",  # cut mid-word
    STORY[0] + " " + STORY[1][:40],  # the start of the body over two paragraphs
])
def test_description_copying_the_first_paragraph_is_no_summary(description):
    for key in ('property="og:description"', 'name="description"'):
        html = page(head=f'<meta {key} content="{description}">')
        summary = summary_from_html(html, TITLE, body_of())
        assert (summary.text, summary.source) == (None, None)
    ld = json.dumps({"@type": "NewsArticle", "headline": TITLE, "description": description})
    html = page(head=f'<script type="application/ld+json">{ld}</script>')
    assert summary_from_html(html, TITLE, body_of()).text is None


def test_real_description_order_og_jsonld_meta():
    ld = json.dumps({"@type": "NewsArticle", "headline": TITLE, "description": "From <b>JSON-LD</b>: the crossing is back."})
    og = '<meta property="og:description" content="From OpenGraph: the crossing is back.">'
    meta = '<meta name="description" content="From meta: the crossing is back.">'
    script = f'<script type="application/ld+json">{ld}</script>'
    assert summary_from_html(page(head=script + og + meta), TITLE, body_of()) == (
        "From OpenGraph: the crossing is back.", "og")
    assert summary_from_html(page(head=script + meta), TITLE, body_of()) == (
        "From JSON-LD: the crossing is back.", "jsonld")  # tags some CMSs leave in it removed
    assert summary_from_html(page(head=meta), TITLE, body_of()).source == "meta"


def test_description_that_is_an_image_caption_is_skipped():
    caption = "Passengers board the ferry at Port Ellery on Monday morning."
    top = f'<figure><img src="/f.jpg"><figcaption>{caption}</figcaption></figure>'
    html = page(head=f'<meta name="description" content="{caption}">', top=top)
    assert summary_from_html(html, TITLE, body_of()).text is None


def test_description_repeating_the_title_is_skipped():
    assert summary_from_html(page(head=f'<meta name="description" content="{TITLE}">'), TITLE, body_of()).text is None


def test_no_standfirst_no_description():
    assert summary_from_html(page(), TITLE, body_of()) == (None, None)
    assert summary_from_html("", TITLE, None) == (None, None)


def test_arabic_standfirst():
    dek = "تعود العبارة إلى جزيرة النورس بعد عامين من العاصفة، والشركة تعد بجدول صيفي أطول."
    paras = ["أبحرت العبارة بين الميناء والجزيرة يوم الاثنين للمرة الأولى منذ عامين بعد أن دمرت العاصفة الرصيف.",
             "وعبر نحو 120 راكبا في الرحلة الأولى، كثير منهم من سكان الجزيرة الذين اعتمدوا على قوارب الصيد."]
    html = page(top=f'<p class="article-lead">{dek}</p>', paragraphs=paras, h1="عودة العبارة إلى جزيرة النورس")
    assert summary_from_html(html, "عودة العبارة إلى جزيرة النورس", body_of(paras)).text == dek
    # an Arabic description cut from the first paragraph (scripts without a cut marker too)
    html = page(head=f'<meta name="description" content="{paras[0][:50]}">', paragraphs=paras,
                h1="عودة العبارة إلى جزيرة النورس")
    assert summary_from_html(html, "عودة العبارة إلى جزيرة النورس", body_of(paras)).text is None


def test_copies_helpers():
    assert copies_text(STORY[0][:50] + "…", STORY[0])
    assert not copies_text("A different sentence entirely about ferries.", STORY[0])
    assert copies_body_start("元タレントの中居正広氏(52)の女性トラブルを発端に", "元タレントの中居正広氏(52)の女性トラブルを発端にしたフジテレビ問題が")
    assert copies_body_text("Share this on WhatsApp " + STORY[1], body_of())  # story text behind a prefix
    assert not copies_body_text(DEK, body_of())


def test_extract_article_end_to_end():
    provenance: dict = {}
    html = page(top=f'<p class="standfirst">{DEK}</p>',
                head=f'<meta name="description" content="{STORY[0][:80]}...">')
    article = clean_article(extract_article(html.encode(), URL, provenance=provenance))
    assert article.summary == DEK and provenance["summary"] == "element"
    assert DEK not in (article.body or "") and article.body.startswith(STORY[0])
    # no standfirst, a description cut from the first paragraph: null, and the body keeps its first paragraph
    provenance = {}
    article = clean_article(extract_article(page(head=f'<meta name="description" content="{STORY[0][:80]}...">').encode(),
                                            URL, provenance=provenance))
    assert article.summary is None and provenance["summary"] is None
    assert article.body.startswith(STORY[0])


def _fundus_pages():
    from warcio.archiveiterator import ArchiveIterator

    with open(SHARED_EVAL / "fundus-dev" / "pages.warc.gz", "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                headers = dict(rec.http_headers.headers) if rec.http_headers else {}
                yield rec.rec_headers.get_header("WARC-Target-URI"), headers, rec.content_stream().read()


def test_dev_pages_without_a_standfirst_get_no_description_copied_from_the_body():
    """fundus-dev pages whose truth has no standfirst: a summary taken from a description
    (og, JSON-LD, meta) is never a copy of the story's text, cut off or whole. (A summary from
    an element the page marks as its lead may repeat a body that kept that lead: the body
    extractor's call. Summary F1 and presence are floors of tests/test_extract_gate.py.)"""
    assert SHARED_EVAL.is_dir(), f"eval kit missing: {SHARED_EVAL}"
    truth = {}
    for line in (SHARED_EVAL / "fundus-dev" / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth[row["url"]] = row
    checked = from_description = 0
    for url, headers, body in _fundus_pages():
        if (truth[url].get("summary") or "").strip():
            continue
        provenance: dict = {}
        article = clean_article(extract_article(body, url, headers=headers, provenance=provenance))
        checked += 1
        if provenance["summary"] in ("og", "jsonld", "meta"):
            from_description += 1
            assert not copies_body_start(article.summary, article.body), url
            assert not copies_body_text(article.summary, article.body), url
            truth_first = truth[url]["body"].split("\n\n")[0]
            assert not copies_body_start(article.summary, truth_first), url
    assert checked >= 30 and from_description >= 5


def test_hostile_sizes_are_bounded():
    huge = "word " * 5000
    html = page(head=f'<meta property="og:description" content="{huge}">', top=f'<p class="lead">{huge}</p>')
    assert summary_from_html(html, TITLE, body_of()) == (None, None)
    deep = "<div>" * 3000 + "<p>x</p>" + "</div>" * 3000
    assert summary_from_html(page(top=deep), TITLE, body_of()).text is None


def test_standfirst_left_out_of_the_body_goes_to_summary():
    import lxml.html

    from newscrawl.extraction.standfirst import find_summary

    tree = lxml.html.document_fromstring(page())
    left_out = "A lead the body extractor recognised and left out of the body."
    assert find_summary(tree, TITLE, body_of(), None, body_lead=left_out) == (left_out, "body")
    # the page's own marked element comes first
    tree = lxml.html.document_fromstring(page(top=f'<p class="lead">{DEK}</p>'))
    assert find_summary(tree, TITLE, body_of(), None, body_lead=left_out) == (DEK, "element")
