"""Property tests: cleaning never raises and a second cleaning changes nothing."""
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.cleaning import clean_article, clean_paragraphs, clean_title, normalize_text
from newscrawl.items import Article

# Text biased towards what cleaning reacts to: lexicon lines, Arabic, invisible characters,
# entities, separators and odd white space, mixed with arbitrary Unicode.
PIECES = [
    "Read more: ", "إقرأ أيضاً: ", "By Jane Doe", "إعداد: ", "مصدر الأخبار: ", "(Reuters)", "Source: ",
    "عاجــــــل", "Sun Nov 29 14:12:34 UTC 2026", "This website uses cookies", "Advertisement", "Photo: ",
    "Click here", "Follow us on Twitter", "Sign up for our newsletter", "© 2020", " | ", " - ", "\n", "\n\n",
    "\u200f", "\u202b", "\u2066", "\u200b", "\u00ad", "\u00a0", "\u0640", "\ufeb3\ufedf", "&amp;", "&quot;",
    "&am", "p;", "&#x200b;", "e\u0301", "\u2029", "\r\n", "\t", "  ", ".", ":", "Lesen Sie auch: ", "Von ",
]
texty = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=25).map("".join)
languages = st.one_of(st.none(), st.sampled_from(["ar", "en", "fr", "de", "es", "pt", "zu", "xx", "EN-us", ""]))

articles = st.builds(
    Article,
    url=st.just("http://example.com/story"),
    title=st.one_of(st.none(), texty),
    body=st.one_of(st.none(), texty),
    source=st.one_of(st.none(), texty),
    authors=st.lists(texty, max_size=3),
    language=languages,
    domain=st.one_of(st.none(), st.sampled_from(["example.com", "127.0.0.1:8000", "bbc.co.uk"])),
    credit=st.one_of(st.none(), texty),
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texty)
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    single = normalize_text(text, multiline=False)
    assert normalize_text(single, multiline=False) == single
    assert "\n" not in single


@SETTINGS
@given(texty, st.one_of(st.none(), texty), st.one_of(st.none(), st.sampled_from(["example.com", "bbc.co.uk"])))
def test_clean_title_is_idempotent(title, source, domain):
    once = clean_title(title, source, domain)
    assert clean_title(once, source, domain) == once


@SETTINGS
@given(st.lists(texty, max_size=8), languages)
def test_clean_paragraphs_is_idempotent(paragraphs, language):
    once = clean_paragraphs(paragraphs, language).paragraphs
    counts = Counter()
    again = clean_paragraphs(once, language, counts)
    assert again.paragraphs == once
    assert not counts


@SETTINGS
@given(articles)
def test_clean_article_never_raises_and_is_idempotent(article):
    counts = Counter()
    cleaned = clean_article(article, counts)
    assert "error" not in counts
    first = cleaned.to_dict()
    counts2 = Counter()
    clean_article(cleaned, counts2)
    assert cleaned.to_dict() == first
    assert not counts2
    assert cleaned.body is None or (cleaned.body.strip() and "\n\n\n" not in cleaned.body)
