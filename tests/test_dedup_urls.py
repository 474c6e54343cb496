"""URL canonicalisation for dedup: tracking parameters, AMP / print / mobile variants, IDN
hosts and percent-encoded Arabic paths."""
import pytest

from newscrawl.urls import canonicalize_url, fold_variant_url, story_key

STORY = "https://www.example.com/world/2024/05/03/harbour-reopens"


@pytest.mark.parametrize("query", [
    "utm_source=twitter&utm_medium=social&utm_campaign=daily",
    "utm_term=x&utm_content=y",
    "fbclid=IwAR0abcDEF123",
    "gclid=Cj0KCQ123&gclsrc=aw.ds",
    "msclkid=abc123",
    "mc_cid=12ab&mc_eid=34cd",
    "_ga=2.1234.5678&_gl=1*abc",
    "igshid=xyz",
    "ocid=msn&cmpid=rss",
])
def test_tracking_families_removed(query):
    assert canonicalize_url(f"{STORY}?{query}") == STORY


def test_tracking_removed_but_real_parameters_kept_and_sorted():
    url = "https://news.example.org/view?utm_source=x&id=42&page=2&fbclid=abc"
    assert canonicalize_url(url) == "https://news.example.org/view?id=42&page=2"
    assert canonicalize_url("https://news.example.org/view?page=2&id=42") == "https://news.example.org/view?id=42&page=2"


def test_fragment_default_port_case_and_trailing_slash():
    assert canonicalize_url("HTTPS://WWW.Example.com:443/world/2024/05/03/harbour-reopens/?gclid=1#comments") == STORY
    assert canonicalize_url("http://example.com:80/") == "http://example.com/"


@pytest.mark.parametrize("variant", [
    "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/world/2024/05/03/harbour-reopens",
    "https://www.example.com/world/2024/05/03/harbour-reopens/amp",
    "https://www.example.com/world/2024/05/03/harbour-reopens/amp/",
    "https://www.example.com/world/2024/05/03/harbour-reopens?outputType=amp",
    "https://www.example.com/world/2024/05/03/harbour-reopens?amp",
    "https://www.example.com/world/2024/05/03/harbour-reopens?amp=1&utm_source=x",
])
def test_amp_variants_fold(variant):
    assert canonicalize_url(variant, fold_variants=True) == STORY


def test_amp_html_extension_and_amp_host():
    assert fold_variant_url("https://www.example.com/a/story-1.amp.html") == "https://www.example.com/a/story-1.html"
    assert canonicalize_url("https://amp.example.com/a/story-1", fold_variants=True) == "https://example.com/a/story-1"


@pytest.mark.parametrize("variant", [
    "https://www.example.com/world/2024/05/03/harbour-reopens?print=true",
    "https://www.example.com/world/2024/05/03/harbour-reopens/print",
    "https://www.example.com/world/2024/05/03/harbour-reopens?view=print",
])
def test_print_variants_fold(variant):
    assert canonicalize_url(variant, fold_variants=True) == STORY


def test_mobile_host_folds_to_the_same_story_key():
    assert story_key("https://m.example.com/world/2024/05/03/harbour-reopens") == story_key(STORY)
    assert story_key("http://mobile.example.com/world/2024/05/03/harbour-reopens/") == story_key(STORY)
    # never down to a public suffix
    assert canonicalize_url("https://m.co.uk/x", fold_variants=True) == "https://m.co.uk/x"


def test_folding_keeps_ordinary_urls_and_root_pages():
    assert canonicalize_url(STORY, fold_variants=True) == STORY
    assert canonicalize_url("https://example.com/print", fold_variants=True) == "https://example.com/print"
    assert canonicalize_url("https://example.com/amplifiers/review", fold_variants=True) == \
        "https://example.com/amplifiers/review"
    assert canonicalize_url("https://example.com/x?view=list", fold_variants=True) == "https://example.com/x?view=list"
    # without the flag, variant URLs stay distinct pages
    assert canonicalize_url(STORY + "/amp") != STORY


def test_idn_host_unicode_and_punycode_agree():
    unicode_form = canonicalize_url("https://bücher.example/neu/artikel?utm_source=x")
    puny_form = canonicalize_url("https://xn--bcher-kva.example/neu/artikel")
    assert unicode_form == puny_form == "https://xn--bcher-kva.example/neu/artikel"
    assert canonicalize_url("https://أخبار.example/خبر") == canonicalize_url(
        "https://xn--igbicxr.example/%D8%AE%D8%A8%D8%B1")


def test_percent_encoded_arabic_path_raw_and_encoded_agree():
    raw = "https://www.annahar.example/news/لافروف-وشكري-6202818?fbclid=IwAR123"
    upper = "https://www.annahar.example/news/%D9%84%D8%A7%D9%81%D8%B1%D9%88%D9%81-%D9%88%D8%B4%D9%83%D8%B1%D9%8A-6202818"
    lower = upper.lower().replace("https://www.annahar.example/news/", "https://www.annahar.example/news/")
    assert canonicalize_url(raw) == canonicalize_url(upper) == canonicalize_url(lower)
    assert "%D9%84" in canonicalize_url(raw)  # one escape form: upper-case UTF-8 escapes
