"""Generic body extractor (newscrawl/extraction/body.py) on small pages, and on zyte-dev."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import lxml.html

from newscrawl.cleaning import clean_article
from newscrawl.extraction.body import extract_body, extract_body_with_source
from newscrawl.items import Article
from conftest import missing_eval_data

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

STORY = [
    "The city council voted on Tuesday to expand the river park by twelve hectares, ending a debate "
    "that has divided residents of the eastern districts for almost three years.",
    "Supporters said the new green space would lower summer temperatures in the neighbourhood and "
    "give schools a place for outdoor lessons, while opponents worried about the cost of upkeep.",
    "The plan, drawn up by the parks department, foresees walking paths, a small wetland for birds "
    "and a playground built from wood taken from trees felled during last winter's storms.",
    "Work is expected to begin in the spring and to last about eighteen months, the mayor told "
    "reporters after the vote, adding that residents would be consulted on the final design.",
    "A petition against the project had gathered more than four thousand signatures, but the "
    "council said most of the concerns had been addressed by changes made to the plan in June.",
]
TITLE = "Council approves bigger river park after three-year debate"


def page(article_inner: str, head: str = "", before: str = "", after: str = "") -> lxml.html.HtmlElement:
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
    <title>{TITLE} | The Daily Example</title>{head}</head><body>
    <header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li></ul></nav></header>
    {before}
    <main><article>{article_inner}</article></main>
    {after}
    <footer><p>© 2024 The Daily Example. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
    </body></html>"""
    return lxml.html.document_fromstring(html)


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_paragraphs_in_order_and_breaks_kept():
    tree = page(f"<h1>{TITLE}</h1>" + paragraphs(STORY))
    body = extract_body(tree, "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_double_line_break_splits_paragraphs():
    inner = f"<h1>{TITLE}</h1><div class='text'>" + "<br><br>".join(STORY) + "</div>"
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert [words(p) for p in body] == [words(p) for p in STORY]


def test_a_quote_of_two_paragraphs_stays_two_paragraphs():
    quoted = ["\u201cThe river has always been the heart of this city, and it should stay open to all of us,\u201d one resident said.",
              "\u201cWe will watch the costs closely, but the benefits for the schools are clear,\u201d the mayor replied."]
    inner = f"<h1>{TITLE}</h1>" + paragraphs(STORY[:3]) + f"<blockquote>{paragraphs(quoted)}</blockquote>" + paragraphs(STORY[3:])
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert quoted[0] in body and quoted[1] in body  # not glued into one run of text


def test_headline_and_kicker_kept_out():
    inner = f"<h1><span>Local politics</span> {TITLE}</h1>" + paragraphs(STORY)
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert not any(TITLE.lower() in p.lower() for p in body)
    assert body[0] == STORY[0]


def test_standfirst_with_lead_markup_kept_out():
    lead = "The park will grow by a third, and building starts in spring."
    inner = f"<h1>{TITLE}</h1><p class='article-lead'>{lead}</p><div class='article-body'>{paragraphs(STORY)}</div>"
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert lead not in body
    assert body == STORY


def test_standfirst_set_in_bold_kept_out():
    lead = "The park will grow by a third, and building starts in spring, the council decided."
    inner = f"<h1>{TITLE}</h1><p><strong>{lead}</strong></p>" + paragraphs(STORY)
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_bold_first_paragraph_opening_with_a_dateline_is_the_story():
    # the page marks no standfirst: a bold first paragraph with a dateline is the lead of the story
    first = "WASHINGTON (AP) -- The council's vote came after a night of debate on the park's cost and size."
    inner = f"<h1>{TITLE}</h1><p><strong>{first}</strong></p>" + paragraphs(STORY)
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == [first] + STORY


def test_story_lines_holding_inline_links_are_kept():
    # a markets story whose sentences link ticker symbols: precision mode drops such lines
    linked = [
        'Shares of <a href="/q/ACME">Acme Corporation (ACME)</a> and <a href="/q/INIT">Initech Holdings (INIT)</a> '
        'rose after <a href="/q/GLOBEX">Globex International</a> said it would buy both.',
        '<a href="/firm/x">Example Securities analysts</a> said <a href="/q/ACME">the Acme deal</a> valued '
        '<a href="/q/INIT">Initech Holdings</a> at <a href="/data/pe">twenty times its earnings</a>.',
    ]
    texts = [STORY[0], STORY[1], linked[0], STORY[2], linked[1], STORY[3], STORY[4]]
    inner = f"<h1>{TITLE}</h1>" + "".join(f"<div class='text-block'><div><p>{t}</p></div></div>" for t in texts)
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    plain = [lxml.html.fromstring(f"<p>{t}</p>").text_content() for t in texts]
    assert body == plain


def test_sentence_cut_at_its_links_and_emphasis_is_one_paragraph_again():
    # text written straight into a <div> with <br>s, with links and emphasis inside sentences
    lines = [
        STORY[0],
        'The report claims the park will grow by a third, although given the source is <em>The Ledger</em>, '
        'we would not completely rule out a <a href="/x">larger plan that was discussed</a> in June.',
        STORY[1],
        'Analysts said the plan will <a href="/y">transition the eastern districts to green space</a>, '
        'including all <a href="/z">river banks</a> north of the bridge.',
        STORY[2], STORY[3],
    ]
    closing = "A closing paragraph of the story, long enough to be one, about the park and its paths."
    inner = (f"<h1>{TITLE}</h1><div class='entry'><p>{STORY[4]}</p>" + "\n<br> <br>".join(lines) +
             f"<p>{closing}</p></div>")
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    plain = [lxml.html.fromstring(f"<div>{t}</div>").text_content() for t in lines]
    assert body == [STORY[4]] + plain + [closing]


def test_label_link_lines_after_the_story_stay_out():
    tail = '<p>Related Roundup: <a href="/r">River parks</a></p><p>Tag: <a href="/t">example.com</a></p>'
    inner = f"<h1>{TITLE}</h1>" + paragraphs(STORY) + tail
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_story_split_into_repeated_boxes_is_read_to_the_end():
    # what the generic extractor missed on a page that splits its story into boxes with ads
    # between them: the boxes after the last paragraph's box, with the same tag and class
    from newscrawl.extraction.body import Block, _continue_story

    more = [t.replace("council", "city") + " It was the second vote." for t in STORY]
    chunk = "<div class='grid chunk'><div class='body'>{}</div></div>"
    inner = (f"<h1>{TITLE}</h1><div class='chunks'>" + chunk.format(paragraphs(STORY[:3])) +
             "<div class='full-bleed-ad'>Advertisement</div>" + chunk.format(paragraphs(STORY[3:] + more[:2])) +
             "<div class='recirc'><p>" + "Teasers of other stories, long enough to be text. " * 6 + "</p></div>" +
             chunk.format(paragraphs(more[2:])) + "</div>")
    blocks, added = _continue_story(page(inner), [Block("p", t) for t in STORY[:3]])
    assert [b.text for b in blocks] == STORY + more[:2] and added == 4


def test_teaser_lines_between_story_paragraphs_stay_out():
    teaser = 'Read more: <a href="/news/other">Council rejects the bigger river park plan of last year.</a>'
    texts = [STORY[0], STORY[1], teaser, STORY[2], STORY[3], STORY[4]]
    inner = f"<h1>{TITLE}</h1>" + "".join(f"<p>{t}</p>" for t in texts)
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_body_source_names_the_chosen_candidate():
    tree = page(f"<h1>{TITLE}</h1>" + paragraphs(STORY))
    body, source = extract_body_with_source(tree, "https://example.com/news/park", title=TITLE)
    assert body == STORY and source == "precise"
    profile = {"body": "article", "remove": []}
    body, source = extract_body_with_source(tree, "https://example.com/news/park", title=TITLE, profile=profile)
    assert body == STORY and source == "profile"
    body, source = extract_body_with_source(page(""), "https://example.com/news/park", title=TITLE)
    assert body == [] and source == "none"


def test_key_points_list_above_the_story_kept_out():
    points = ["The park grows by twelve hectares", "Work starts in spring", "Residents will be consulted"]
    inner = f"<h1>{TITLE}</h1><ul class='key-points'>" + "".join(f"<li>{p}</li>" for p in points) + "</ul>" + paragraphs(STORY)
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_a_list_inside_the_story_is_kept():
    steps = ["Walking paths along the whole bank", "A small wetland for birds", "A wooden playground"]
    inner = f"<h1>{TITLE}</h1>" + paragraphs(STORY[:3]) + "<ul>" + "".join(f"<li>{p}</li>" for p in steps) + "</ul>" + paragraphs(STORY[3:])
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY[:3] + steps + STORY[3:]


def test_date_stamps_kept_out_and_bylines_left_for_cleaning():
    inner = (f"<h1>{TITLE}</h1><div class='meta'><p>Updated 15.59 | Published 14.14</p></div>"
             + paragraphs(STORY) + "<p>18.05.2024</p><p>von Katja Belousova</p>")
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY + ["von Katja Belousova"]  # cleaning moves it into authors
    article = clean_article(Article(url="https://example.com/news/park", title=TITLE, body="\n\n".join(body)))
    assert article.body == "\n\n".join(STORY) and article.authors == ["Katja Belousova"]


def test_subheadings_kept_when_jsonld_filters_the_candidate():
    jsonld = "\n".join(STORY)  # articleBody without the subheading
    promo = ("Our journalism depends on readers like you, and every contribution, big or small, helps "
             "us keep reporting on the decisions that shape the city for years to come.")
    inner = f"<h1>{TITLE}</h1>" + paragraphs(STORY[:2]) + "<h2>What happens next</h2>" + paragraphs(STORY[2:]) + f"<p>{promo}</p>"
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE, jsonld_body=jsonld)
    assert body == STORY[:2] + ["What happens next"] + STORY[2:]


def test_first_paragraph_repeating_the_description_is_kept():
    # many sites use the first paragraph as meta description: that alone does not make it a lead
    head = f'<meta name="description" content="{STORY[0]}">'
    body = extract_body(page(f"<h1>{TITLE}</h1>" + paragraphs(STORY), head=head), "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_captions_bylines_and_related_links_out():
    inner = (
        f"<h1>{TITLE}</h1><p class='byline'>By Jane Doe</p>"
        "<figure><img src='/park.jpg'><figcaption>The river bank today. Photo: John Smith</figcaption></figure>"
        + paragraphs(STORY[:3])
        + "<p>Read more: Council budget for next year approved</p>"
        + paragraphs(STORY[3:])
        + "<h3>Related</h3><ul><li><a href='/a'>New tram line opens in the north of the city</a></li>"
        "<li><a href='/b'>Storm damage: what the city will pay for</a></li>"
        "<li><a href='/c'>Schools to get more outdoor lessons next year</a></li></ul>"
        "<p>Sign up for our newsletter to get the latest news in your inbox.</p>"
    )
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert body == STORY


def test_service_lines_from_the_marker_file_in_other_languages():
    de = [s for s in STORY]
    inner = f"<h1>{TITLE}</h1>" + paragraphs(de[:2]) + "<p>Lesen Sie auch: Neue Tramlinie im Norden</p>" + paragraphs(de[2:]) + "<p>Mit Agenturmaterial</p>"
    body = extract_body(page(inner), "https://example.de/park", title=TITLE)
    assert body == STORY


def test_jsonld_article_body_replaces_a_short_candidate():
    # the page shows only the first paragraph (teaser before a paywall); articleBody has all
    jsonld = "\n".join(STORY)
    inner = f"<h1>{TITLE}</h1><p>{STORY[0]} {STORY[1]}</p><div class='paywall'>Subscribe to read on.</div>"
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE, jsonld_body=jsonld)
    assert body == STORY


def test_jsonld_article_body_filters_boilerplate_out_of_the_candidate():
    jsonld = " ".join(STORY)
    promo = ("Our journalism depends on readers like you, and every contribution, big or small, helps "
             "us keep reporting on the decisions that shape the city for years to come.")
    inner = f"<h1>{TITLE}</h1>" + paragraphs(STORY[:2]) + f"<p>{promo}</p>" + paragraphs(STORY[2:])
    without = extract_body(page(inner), "https://example.com/news/park", title=TITLE)
    assert promo in without  # nothing in the markup says it is not story text ...
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE, jsonld_body=jsonld)
    assert body == STORY  # ... but the full articleBody does not have it


def test_jsonld_article_body_replaces_an_unrelated_few_words():
    # the generic extractors took a video overlay's words; the page declares the story in articleBody
    story = STORY * 2
    jsonld = "\n".join(story)
    inner = (f"<h1>{TITLE}</h1><div class='video-overlay'><p>Your video will play after this short message "
             "from our sponsor. Skip in five seconds.</p></div>")
    body, source = extract_body_with_source(page(inner), "https://example.com/news/park", title=TITLE,
                                            jsonld_body=jsonld)
    assert body == story and source == "jsonld"


def test_choice_between_candidates():
    from newscrawl.extraction.body import Block, _choose

    story = [Block("p", t) for t in STORY]
    cut = story[:1]  # a story cut to its first line
    overlay = [Block("p", "Your video will play after this message.")]
    teasers = [Block("item", t, link_share=1.0) for t in STORY]
    assert _choose([("precise", story), ("generic", story + [Block("p", "Share this.")])]) == (story, "precise")
    assert _choose([("precise", cut), ("generic", story)]) == (story, "generic")
    assert _choose([("precise", overlay), ("generic", story)]) == (story, "generic")
    assert _choose([("precise", overlay), ("generic", teasers)]) == (overlay, "precise")  # links only
    other_story = [Block("p", t[::-1]) for t in STORY * 3]  # much longer, but another text
    assert _choose([("precise", story), ("generic", other_story)]) == (story, "precise")


def test_partial_jsonld_article_body_is_not_used():
    jsonld = STORY[0][:80]  # a summary-like articleBody
    body = extract_body(page(f"<h1>{TITLE}</h1>" + paragraphs(STORY)), "https://example.com/news/park",
                        title=TITLE, jsonld_body=jsonld)
    assert body == STORY


def test_page_without_any_structured_data_or_article_tag():
    html = "<html><body><div id='wrap'><div class='col'>" + paragraphs(STORY) + "</div><div class='side'><a href='/x'>Most read</a></div></div></body></html>"
    body = extract_body(lxml.html.document_fromstring(html), "https://example.com/x")
    assert body == STORY


def test_html_comments_do_not_break_extraction_and_tree_is_unchanged():
    inner = f"<h1>{TITLE}</h1><!-- ad slot -->" + "<!-- x -->".join(f"<p>{t}</p>" for t in STORY)
    tree = page(inner)
    before = lxml.html.tostring(tree)
    body = extract_body(tree, "https://example.com/news/park", title=TITLE)
    assert body == STORY
    assert lxml.html.tostring(tree) == before


def test_site_profile_selectors():
    inner = f"<h1>{TITLE}</h1><div class='story'>" + paragraphs(STORY) + "<p class='promo'>Buy our app!</p></div>"
    profile = {"body": ["div.story"], "remove": ["p.promo"]}
    body = extract_body(page(inner), "https://example.com/news/park", title=TITLE, profile=profile)
    assert body == STORY


def test_empty_page_gives_no_paragraphs():
    assert extract_body(lxml.html.document_fromstring("<html><body></body></html>"), "https://example.com/") == []


# --------------------------------------------------------------------------- dev set gate

ZYTE = SHARED / "eval" / "zyte-dev"
ZYTE_FLOOR = 0.970  # reached: 0.976 (trafilatura 2.3.1: 0.960)


def _scorer():
    spec = importlib.util.spec_from_file_location("eval_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _title(tree) -> str | None:
    for value in tree.xpath('//meta[@property="og:title"]/@content'):
        if value.strip():
            return value.strip()
    h1 = tree.find(".//h1")
    return h1.text_content().strip() if h1 is not None else None


def _jsonld_body(tree) -> str | None:
    best = None
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                value = item.get("articleBody")
                if isinstance(value, str) and len(value) > len(best or ""):
                    best = value
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return best


def test_zyte_dev_body_f1_floor():
    if not (ZYTE / "pages.warc.gz").exists():
        missing_eval_data(f"zyte-dev not found at {ZYTE}")
    from warcio.archiveiterator import ArchiveIterator

    score = _scorer()
    truth = {}
    with open(ZYTE / "truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            truth[row["url"]] = row["body"]
    results = []
    with open(ZYTE / "pages.warc.gz", "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            # the set's pages are UTF-8 (its README); bytes, so an XML declaration is no problem
            tree = lxml.html.document_fromstring(rec.content_stream().read(),
                                                 parser=lxml.html.HTMLParser(encoding="utf-8"))
            body = extract_body(tree, url, title=_title(tree), jsonld_body=_jsonld_body(tree))
            results.append(score.string_shingle_matching(truth[url], "\n\n".join(body)))
    assert len(results) == len(truth)
    f1 = score.metrics_from_tp_fp_fns(results)["f1"]
    assert f1 >= ZYTE_FLOOR, f"zyte-dev body F1 {f1:.4f} below the floor {ZYTE_FLOOR}"


def test_control_characters_in_the_page_do_not_raise():
    inner = f"<h1>{TITLE}</h1><p>{STORY[0][:40]}\x01{STORY[0][40:]}</p>" + paragraphs(STORY[1:])
    html = f"<html><body><article>{inner}</article></body></html>"
    body = extract_body(lxml.html.document_fromstring(html), "https://example.com/news/park", title=TITLE)
    assert body[-1] == STORY[-1]
