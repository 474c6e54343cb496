"""Normalisation of titles and body text, and the article-level contract of clean_article."""
from collections import Counter

import pytest

from newscrawl.cleaning import clean_article, clean_authors, clean_title, normalize_text
from newscrawl.items import Article


def test_unicode_is_nfc():
    assert normalize_text("Cafe\u0301 de\u0301ja\u0300") == "Café déjà"


def test_arabic_presentation_forms_become_letters():
    # "سلام" written with contextual glyph codes
    assert normalize_text("\ufeb3\ufedf\ufe8e\ufee1") == "سلام"
    assert normalize_text("\ufefb") == "لا"  # lam-alef ligature


def test_tatweel_removed():
    assert normalize_text("عاجــــــل") == "عاجل"


def test_invisible_and_bidi_controls_removed():
    text = "\u200fمرحبا\u200e \u202bبالعالم\u202c \u2066x\u2069 zero\u200bwidth \ufeffjoined\u2060word"
    assert normalize_text(text) == "مرحبا بالعالم x zerowidth joinedword"


def test_soft_hyphen_is_kept():
    assert normalize_text("Notfall\u00addaten\u00adsatz") == "Notfall\u00addaten\u00adsatz"


def test_zwnj_is_spelling_and_stays():
    assert normalize_text("می\u200cخواهم") == "می\u200cخواهم"


def test_whitespace_collapsed_inside_paragraphs_breaks_kept():
    text = "  One\u00a0\u00a0two\tthree  \n\n\n\nFour   five\r\nsix \u2029Seven"
    assert normalize_text(text) == "One two three\n\nFour five\nsix\n\nSeven"


def test_html_entities_decoded():
    assert normalize_text("He said &quot;no&quot; &amp; left&nbsp;early &#8212; twice") == 'He said "no" & left early — twice'
    assert normalize_text("&amp;quot;x&amp;quot;") == '"x"'  # double-escaped
    # without the closing ";" it is prose, not an entity
    assert normalize_text("AT&T and R&D &para") == "AT&T and R&D &para"


def test_single_line_mode_for_titles():
    assert normalize_text(" A\n\nB\u00a0 C ", multiline=False) == "A B C"


def test_title_suffix_naming_the_site_removed():
    counts = Counter()
    assert clean_title("لافروف وشكري يركزون الجهود لحل الأزمة السورية | عربي اليوم", "عربي اليوم", counts=counts) \
        == "لافروف وشكري يركزون الجهود لحل الأزمة السورية"
    assert counts == Counter({"title_suffix": 1})
    assert clean_title("Storm hits the coast - BBC News", "BBC", "bbc.co.uk") == "Storm hits the coast"
    assert clean_title("Storm hits the coast – Example Times", None, "example.com") == "Storm hits the coast"
    assert clean_title("BBC News - Storm hits the coast", "BBC", "bbc.co.uk") == "Storm hits the coast"


def test_title_parts_that_do_not_name_the_site_stay():
    assert clean_title("Review: Sony - a bold bet", "The Verge", "theverge.com") == "Review: Sony - a bold bet"
    assert clean_title("Left | Right", "Left Right Daily") == "Left | Right"
    assert clean_title("Le Monde | Le Monde", "Le Monde") == "Le Monde | Le Monde"  # nothing would be left
    assert clean_title("Plain title", None, None) == "Plain title"


def test_authors_lose_byline_labels():
    assert clean_authors(["إعداد وكالة عربي اليوم الإخبارية", "By Jane Doe", "John\u00a0Smith"]) == \
        ["وكالة عربي اليوم الإخبارية", "Jane Doe", "John Smith"]


def test_clean_article_moves_credit_and_byline():
    article = Article(url="http://example.com/a", title="Budget passes | Example", source="Example",
                      body="By Jane Doe\n\nThe council approved the budget.\n\nRead more: Another story\n\n"
                           "Officials said it takes effect in spring.\n\n(Reuters)")
    counts = Counter()
    clean_article(article, counts)
    assert article.title == "Budget passes"
    assert article.body == "The council approved the budget.\n\nOfficials said it takes effect in spring."
    assert article.authors == ["Jane Doe"]
    assert article.credit == "Reuters"
    assert counts == Counter({"title_suffix": 1, "byline": 1, "related_line": 1, "credit": 1})


def test_page_authors_win_over_the_byline_line():
    article = Article(url="http://example.com/a", title="T", authors=["Page Author"],
                      body="By Jane Doe\n\nThe council approved the budget.")
    clean_article(article)
    assert article.authors == ["Page Author"]
    assert article.body == "The council approved the budget."


def test_title_repeated_as_first_body_line_removed():
    counts = Counter()
    article = Article(url="u", title="Budget passes", body="Budget passes\n\nThe council approved the budget.")
    clean_article(article, counts)
    assert article.body == "The council approved the budget."
    assert counts == Counter({"title_repeat": 1})


def test_body_that_is_only_boilerplate_becomes_none():
    article = Article(url="u", title="T", body="Advertisement\n\nRead more: x")
    assert clean_article(article).body is None


@pytest.mark.parametrize("raw, expected", [
    ("عاجــــــل", "عاجل"),                      # elongation between joining letters
    ("الصحـــة", "الصحة"),
    ("قال لـ«الصباح» إن", "قال لـ«الصباح» إن"),  # connector before a quote
    ("قال لــــ«الصباح»", "قال لـ«الصباح»"),      # a long connector becomes one
    ("حكم لـ 5 سنوات", "حكم لـ 5 سنوات"),        # before a digit
    ("بـ 2024", "بـ 2024"),
    ("بـ٢٠٢٤", "بـ٢٠٢٤"),                        # Arabic-Indic digit
    ("في تصريح لـ CNN", "في تصريح لـ CNN"),      # before Latin text
    ("ولـ«الأهرام»", "ولـ«الأهرام»"),            # after the conjunction و
    ("كلـــمة لـ", "كلمة ل"),                    # no quote/digit/Latin after: decoration
    ("26 ذو الحجة 1441 هـ", "26 ذو الحجة 1441 هـ"),  # the Hijri abbreviation
    ("2020 مـ - 1441 هـــ", "2020 مـ - 1441 هـ"),
    ("هــذا مـــوضوع", "هذا موضوع"),              # ه and م starting a word: elongation
])
def test_tatweel_connector_kept_elongation_removed(raw, expected):
    assert normalize_text(raw) == expected
    assert normalize_text(normalize_text(raw)) == normalize_text(raw)


def test_cleaned_body_with_connectors_is_stable():
    body = ("قال الوزير لـ«الصباح» إن الحكم صدر لـ 5 سنوات بعد محاكمة طويــــلة استمرت أشهراً.\n\n"
            "وأضاف بـ 2024 أن القرار نهائي ولا يقبل الطعن أمام أي محكمة أخرى في البلاد.")
    article = clean_article(Article(url="https://example.com/a", title="عاجــــــل: حكم لـ 5 سنوات", body=body))
    assert article.title == "عاجل: حكم لـ 5 سنوات"
    assert "لـ«الصباح»" in article.body and "لـ 5" in article.body and "بـ 2024" in article.body
    assert "طويلة" in article.body
    again = clean_article(Article(url=article.url, title=article.title, body=article.body))
    assert (again.title, again.body) == (article.title, article.body)
