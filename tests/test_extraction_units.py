"""Profiles, language, charset decoding and structured-data reading."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.cleaning import clean_article
from newscrawl.extraction import extract_article
from newscrawl.cleaning.title import site_name_keys, strip_site_name
from newscrawl.extraction.article import parse_html
from newscrawl.text.decode import decode_html
from newscrawl.extraction.language import choose_language, detect
from newscrawl.extraction.profiles import ProfileError, find_profile, load_profile_text
from newscrawl.extraction.structured import collect

PROFILE = """
name = "Example Gazette"
domains = ["example-gazette.com"]
language = "ar"
date_locale = "ar"
[match]
generator = "GazettePress 4"
[selectors]
title = "h2.story-title"
body = "div.story"
date = "span.when"
authors = "span.writer"
remove = [".promo"]
"""

PAGE = """<html lang="en"><head><meta charset="utf-8"><title>Wrong title | Example Gazette</title>
<meta name="generator" content="GazettePress 4"></head><body>
<h1>Site banner</h1><h2 class="story-title">العنوان الصحيح للخبر</h2>
<span class="writer">بقلم: هالة سعيد</span><span class="when">منذ ساعتين</span>
<div class="story"><p>%s</p><p class="promo">اشترك الآن</p></div></body></html>""" % ("نص الخبر الرئيسي هنا. " * 20)


def test_profile_validation():
    profile = load_profile_text(PROFILE)
    assert profile["domains"] == ["example-gazette.com"]
    with pytest.raises(ProfileError):
        load_profile_text('name = "x"')  # neither domains nor a match rule
    with pytest.raises(ProfileError):
        load_profile_text('name = "x"\ndomains = ["x.com"]\n[selectors]\ntitle = "h1[["')


def test_profile_matching_by_domain_then_by_markup():
    profiles = (load_profile_text(PROFILE),)
    assert find_profile("https://www.example-gazette.com/a", {}, profiles)["name"] == "Example Gazette"
    assert find_profile("http://127.0.0.1:8001/a", {"generator": ["gazettepress 4"]}, profiles)
    assert find_profile("http://127.0.0.1:8001/a", {"generator": ["WordPress"]}, profiles) is None
    assert find_profile("https://other.org/a", {}, ()) is None


def test_profile_drop_lines_are_that_sites_only():
    with pytest.raises(ProfileError):
        load_profile_text('name = "x"\ndomains = ["x.com"]\ndrop_lines = ["(unclosed"]')
    profile = load_profile_text('name = "Gazette"\ndomains = ["gazette.example"]\nhint_only = true\n'
                                "drop_lines = ['found a mistake\\? tell us\\.']")
    story = " ".join(["The council voted on Tuesday to expand the river park by twelve hectares."] * 3)
    html = f"""<html><head><meta property="og:site_name" content="The Gazette"></head><body><article>
    <h1>Park vote</h1><p>{story}</p><p>{story} Again.</p><p>{story} Once more.</p>
    <p>Found a mistake? Tell us.</p></article></body></html>"""
    fetched = datetime(2026, 1, 8, 12, 0, tzinfo=timezone.utc)
    own = extract_article(html, "https://gazette.example/a", fetched_at=fetched, profiles=(profile,))
    other = extract_article(html, "https://other.example/a", fetched_at=fetched, profiles=(profile,))
    assert "Found a mistake" not in own.body and "Found a mistake" in other.body
    assert own.source == "The Gazette"  # hint_only: the page's own name stays the source


def test_profile_drives_the_fields():
    profile = load_profile_text(PROFILE)
    fetched = datetime(2026, 1, 8, 12, 0, tzinfo=timezone.utc)
    article = extract_article(PAGE, "https://www.example-gazette.com/news/1", fetched_at=fetched, profiles=(profile,))
    assert article.title == "العنوان الصحيح للخبر"
    assert article.authors == ["هالة سعيد"]
    assert article.date == "2026-01-08T10:00:00+00:00"
    assert article.language == "ar"  # the profile's, over <html lang="en">
    assert article.source == "Example Gazette"
    # the same page served elsewhere is recognised by its <meta name="generator">
    elsewhere = extract_article(PAGE, "http://127.0.0.1:8001/news/1", fetched_at=fetched, profiles=(profile,))
    assert elsewhere.title == "العنوان الصحيح للخبر"
    # without the profile: generic rules
    generic = extract_article(PAGE, "https://www.example-gazette.com/news/1", fetched_at=fetched, profiles=())
    assert generic.source == "example-gazette.com"


@pytest.mark.parametrize("markup, text, expected", [
    (["en"], "Dies ist ein längerer deutscher Text über die Politik in Berlin. " * 5, "de"),
    (["de-DE"], "Dies ist ein längerer deutscher Text über die Politik in Berlin. " * 5, "de"),
    (["nb"], "Dette er en lengre norsk tekst om politikk i Oslo og resten av landet. " * 5, "no"),
    ([None, "pt_BR"], "Short", "pt"),
    ([], "هذا نص عربي طويل عن السياسة والاقتصاد في المنطقة العربية. " * 5, "ar"),
    ([], "", None),
])
def test_language_choice(markup, text, expected):
    assert choose_language(markup, text) == expected


def test_detector_loads_its_bundled_model():
    lang, confidence = detect("The quick brown fox jumps over the lazy dog near the river bank.")
    assert lang == "en" and confidence > 0.5


ARABIC = "<html><head><meta charset='windows-1256'></head><body><p>الأخبار العربية اليوم</p></body></html>"


def test_decoding_order():
    raw = ARABIC.encode("cp1256")
    assert "الأخبار" in decode_html(raw, {"Content-Type": "text/html; charset=windows-1256"})
    assert "الأخبار" in decode_html(raw, None)  # <meta charset>
    assert "الأخبار" in decode_html(raw, {"Content-Type": "text/html; charset=utf-8"})  # wrong header
    bom = "\ufeff<html><body><p>héllo wörld</p></body></html>".encode("utf-8")
    assert decode_html(bom, None).startswith("<html>")
    undeclared = "<html><body><p>%s</p></body></html>" % ("الأخبار العربية اليوم في كل مكان " * 20)
    assert "الأخبار" in decode_html(undeclared.encode("cp1256"), None)  # detection


def test_site_suffix_stripping():
    sites = site_name_keys(["Coastline Post", "coastline-post.co.uk"])
    assert strip_site_name("Pier vote | Coastline Post", sites) == "Pier vote"
    assert strip_site_name("Coastline Post - Pier vote", sites) == "Pier vote"
    assert strip_site_name("Pier vote | Local | Coastline Post | 28.04.2023", sites) == "Pier vote | Local"
    assert strip_site_name("Israel: what next - analysis", sites) == "Israel: what next - analysis"
    assert strip_site_name("Coastline Post | Coastline Post", sites) == "Coastline Post | Coastline Post"


def test_title_keeps_every_character_of_the_headline():
    fetched = datetime(2024, 2, 1, tzinfo=timezone.utc)
    ja = """<html><head><meta property="og:title" content="南海トラフ、一時調査\u3000巨大地震、基準達せず">
    </head><body></body></html>"""
    article = clean_article(extract_article(ja, "https://news.example.jp/a", fetched_at=fetched))
    assert article.title == "南海トラフ、一時調査\u3000巨大地震、基準達せず"
    fr = """<html><head><meta property="og:site_name" content="Le Quotidien">
    <meta property="og:title" content="Sophie Binet met en garde sur la « gravité de la situation »"></head></html>"""
    article = clean_article(extract_article(fr, "https://lequotidien.example/a", fetched_at=fetched))
    assert article.title == "Sophie Binet met en garde sur la « gravité de la situation »"
    byline = """<html><head><title>Pier vote tonight | Coastline Post | by Jane Doe</title></head><body></body></html>"""
    assert extract_article(byline, "https://coastline-post.example/a").title == "Pier vote tonight"


def test_section_heading_is_not_taken_as_the_headline():
    html = """<html><head><title>Pier vote tonight after long debate - Coastline Post</title></head><body>
    <header><h1>Local News</h1></header><article><h2>Pier vote tonight after long debate</h2>
    <p>The council meets at seven.</p></article></body></html>"""
    assert extract_article(html, "https://coastline-post.example/a").title == "Pier vote tonight after long debate"
    chrome = """<html><head><title>Pier vote tonight after long debate | Coastline Post</title></head><body>
    <h1>Menu</h1><p>The council meets at seven.</p></body></html>"""
    assert extract_article(chrome, "https://coastline-post.example/a").title == "Pier vote tonight after long debate"


def test_headline_in_two_typographies_takes_the_titles_form():
    page = """<html><head><title>{tag} | Coastline Post</title>
    <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{ld}"}}</script>
    <meta property="og:title" content="{og}"></head><body></body></html>"""
    curly, straight = "Council backs \u2018bold\u2019 pier plan", "Council backs 'bold' pier plan"
    got = extract_article(page.format(tag=straight, ld=curly, og=straight), "https://coastline.example/a").title
    assert got == straight
    got = extract_article(page.format(tag=curly, ld=curly, og=straight), "https://coastline.example/a").title
    assert got == curly
    colon, dash = "Pier vote: council backs plan", "Pier vote - council backs plan"
    got = extract_article(page.format(tag=colon + " - Local", ld=dash, og=colon), "https://coastline.example/a").title
    assert got == colon


def test_site_title_suffix_learned_from_the_sites_pages():
    from newscrawl.cleaning.title import SiteTitleSuffixes

    suffixes = SiteTitleSuffixes()
    page = """<html><head><title>{t} - Breaking News, Sport, Weather</title>
    <meta property="og:title" content="{t} - Breaking News, Sport, Weather"></head><body></body></html>"""
    titles = ["Pier vote tonight", "Harbour wall repaired", "School reopens after floods", "New ferry timetable"]
    got = [extract_article(page.format(t=t), f"https://www.coast.example/{i}", title_suffixes=suffixes).title
           for i, t in enumerate(titles)]
    # the first two pages cannot know the suffix yet; from the third on it comes off
    assert got[:2] == [t + " - Breaking News, Sport, Weather" for t in titles[:2]]
    assert got[2:] == titles[2:]
    other = extract_article(page.format(t="Pier vote tonight"), "https://other.example/a", title_suffixes=suffixes)
    assert other.title == "Pier vote tonight - Breaking News, Sport, Weather"  # learned per site


def test_site_name_is_never_the_title():
    html = """<html><head><title>Coastline Post</title><meta property="og:site_name" content="Coastline Post">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Coastline Post"}</script>
    <meta property="og:title" content="Pier vote tonight | Coastline Post"></head>
    <body><h1>Pier vote tonight</h1></body></html>"""
    article = extract_article(html, "https://coastline.example/a", fetched_at=datetime(2024, 2, 1, tzinfo=timezone.utc))
    assert article.title == "Pier vote tonight"
    logo = """<html><head><title>Pier vote tonight - Coastline Post</title></head><body>
    <header><h1 class="logo">Coastline Post</h1></header><h1>Pier vote tonight</h1></body></html>"""
    assert extract_article(logo, "https://coastline-post.example/a").title == "Pier vote tonight"


def test_authors_are_people_and_organisations_go_to_credit():
    fetched = datetime(2024, 2, 1, tzinfo=timezone.utc)
    html = """<html><head><meta property="og:site_name" content="Coastline Post">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Pier vote tonight",
      "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Reuters"},
                 {"@type": "NewsMediaOrganization", "name": "Coastline Post"}]}</script>
    </head><body><h1>Pier vote tonight</h1></body></html>"""
    article = extract_article(html, "https://coastline.example/a", fetched_at=fetched)
    assert article.authors == ["Jane Doe"]
    assert article.credit == "Reuters"  # the site's own name is the source, not a credit
    only_site = """<html><head><meta property="og:site_name" content="Coastline Post">
    <meta name="author" content="Coastline Post"></head><body><h1>Pier vote tonight</h1>
    <div class="byline">Sign In / Sign Up</div></body></html>"""
    article = extract_article(only_site, "https://coastline.example/a", fetched_at=fetched)
    assert article.authors == [] and article.credit is None
    agency = """<html><head></head><body><h1>Pier vote tonight</h1>
    <p class="byline">By Jane Doe and Tom Roe, AFP</p></body></html>"""
    article = extract_article(agency, "https://coastline.example/a", fetched_at=fetched)
    assert article.authors == ["Jane Doe", "Tom Roe"] and article.credit == "AFP"


def test_bylines_in_markup_and_as_labelled_lines():
    fetched = datetime(2024, 2, 1, tzinfo=timezone.utc)
    story = "<p>" + "The council voted on Tuesday to expand the river park by twelve hectares. " * 5 + "</p>"

    def authors(inner: str, head: str = "") -> list[str]:
        html = f"<html><head>{head}</head><body><article><h1>Pier vote tonight</h1>{inner}{story}</article></body></html>"
        return extract_article(html, "https://coastline.example/a", fetched_at=fetched).authors

    # the site's name as meta author, the person in a labelled line of a side column
    assert authors("<ul><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>",
                   '<meta name="author" content="Coastline">') == ["Roman Goncharenko"]
    assert authors("<div class='edit'>(责编：牛镛、岳弘彬)</div>") == ["牛镛", "岳弘彬"]
    # a follow button with an "author" class, a section link in the author box: no names
    assert authors("<a class='followAuthorBtn' href='/service/profil/'>Themen bearbeiten</a>") == []
    assert authors("<div class='article_author'><a href='/news/category/29/lifestyle'>منوعات</a></div>") == []
    # the dateline's place after the names
    assert authors("<p class='byline'>Monika Bolliger und Anna Trechsel, Sweidah</p>") == [
        "Monika Bolliger", "Anna Trechsel"]
    # another story's teaser card: its "Von …" line names that story's author
    teaser = ("<div class='card'><a href='/b'><h3>Harbour wall repaired</h3></a>"
              "<div class='card-foot'>Von Christoph Reisinger</div></div>")
    assert authors(teaser) == []
    # the JSON-LD names one author, the byline beside it two
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Tom Roe"}}</script>'
    byline = ("<div class='bylines'><div class='byline'><a rel='author' href='mailto:a@x'>Ann Weller</a></div>"
              "<div class='byline'><a rel='author' href='mailto:t@x'>Tom Roe</a></div></div>")
    assert authors(byline, ld) == ["Ann Weller", "Tom Roe"]
    elsewhere = ("<div class='bylines'><a rel='author' href='/a'>Tom Roe</a></div><aside><ul>"
                 "<li><a rel='author' href='/b'>Ann Weller</a></li><li><a rel='author' href='/c'>Lea Wagner</a></li></ul></aside>")
    assert authors(elsewhere, ld) == ["Tom Roe"]  # other stories' authors elsewhere on the page


def test_jsonld_graph_arrays_and_broken_json():
    html = """<html><head>
    <script type="application/ld+json">[{"@type": "WebSite", "name": "S"},
      {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "headline": "A"}]}]</script>
    <script type="application/ld+json">{"@type": "Person", "name": "P",}</script>
    <script type="application/ld+json">{"@type": "BlogPosting", "headline": "B" "datePublished": "2024-01-01"}</script>
    </head><body></body></html>"""
    data = collect(parse_html(html))
    types = [o.get("@type") for o in data.jsonld]
    assert types[:3] == ["WebSite", "NewsArticle", "Person"]
    assert data.jsonld[3]["datePublished"] == "2024-01-01"  # read by pattern from the broken one


def test_empty_and_odd_input_never_raises():
    fetched = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for html in (b"", b"   ", b"<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
                 b"\x00\x01\x02binary", "<html><body>plain</body></html>"):
        article = extract_article(html, "https://example.com/a", fetched_at=fetched)
        assert article.source == "example.com" and article.id


def test_canonical_only_on_the_same_site():
    fetched = datetime(2024, 1, 1, tzinfo=timezone.utc)
    same = '<html><head><link rel="canonical" href="/news/a?utm_source=x"></head><body></body></html>'
    other = '<html><head><link rel="canonical" href="https://aggregator.example.net/a"></head><body></body></html>'
    home = '<html><head><link rel="canonical" href="https://www.example.com/"></head><body></body></html>'
    assert extract_article(same, "https://www.example.com/x?id=1", fetched_at=fetched).canonical_url == \
        "https://www.example.com/news/a"
    assert extract_article(other, "https://www.example.com/x", fetched_at=fetched).canonical_url == \
        "https://www.example.com/x"
    assert extract_article(home, "https://www.example.com/x", fetched_at=fetched).canonical_url == \
        "https://www.example.com/x"


def test_a_parsed_tree_is_used_as_is():
    html = (Path(__file__).parent / "data" / "extraction" / "pages" / "jsonld_graph.html").read_bytes()
    url = "https://www.coastline-post.co.uk/news/pier-vote"
    fetched = datetime(2024, 5, 5, tzinfo=timezone.utc)
    from_bytes = extract_article(html, url, fetched_at=fetched)
    from_tree = extract_article(parse_html(html.decode("utf-8")), url, fetched_at=fetched)
    assert from_tree.to_dict() == from_bytes.to_dict()


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_FRAGMENTS = st.sampled_from([
    "<html>", "</html>", "<head>", "<body>", "<h1>", "</h1>", "<p>", "</p>", "<meta property='og:title' content='x'>",
    "<script type='application/ld+json'>", "</script>", '{"@type": "NewsArticle", "headline": ', '"datePublished": "',
    "2024-13-99", "منذ ساعتين", "بقلم: ", "<time datetime='yesterday'>", "<div class='byline'>By ", "\x00", "&quot;",
    "<meta name='author' content='", "'>", "<span class='date'>", "31/02/2024", "<link rel='canonical' href='//",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=30)), max_size=40))
def test_extraction_never_raises_on_broken_pages(parts):
    article = extract_article("".join(parts).encode("utf-8", "surrogatepass"), "https://news.example.com/a/1",
                              fetched_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert article.id and article.source
    if article.date:
        assert article.date[:4].isdigit()
