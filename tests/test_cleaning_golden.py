"""Golden test: the demo Arabic page built from the seed story, extracted then cleaned,
comes out as exactly the story — nothing lost, none of its junk left."""
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from newscrawl.cleaning import clean_article
from newscrawl.extraction import extract_article

DEMO = Path(__file__).resolve().parents[1] / "newscrawl" / "demo"
SITE = DEMO / "sites" / "arabic"
SEED = DEMO / "seed-article.txt"
BASE = "http://127.0.0.1:8000"

TITLE = "لافروف وشكري يركزون الجهود لحل الأزمة السورية"


def _seed_paragraphs():
    return [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def _news_paragraphs():
    """The seed's story text: the lead and the news paragraphs, in order. Everything else
    in the seed is its junk: title, byline, 'إقرأ أيضاً' lines, credit, cookie notice, ticker."""
    paragraphs = _seed_paragraphs()
    assert paragraphs[0] == TITLE
    junk = ("إعداد:", "إقرأ أيضاً:", "مصدر الأخبار:", "يستخدم هذا الموقع ملفات تعريف الارتباط", "عاج")
    news = [p for p in paragraphs[1:] if not p.startswith(junk)]
    assert len(news) == 7  # lead + 6 news paragraphs
    return news


@pytest.fixture(scope="module")
def seed_page():
    if not (SITE / "manifest.json").exists():
        pytest.skip("the demo Arabic site is not in this tree")
    manifest = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
    path = manifest["seed_story"]
    html = (SITE / path.lstrip("/")).read_text(encoding="utf-8").replace("{{BASE}}", BASE)
    return BASE + path, html


@pytest.fixture(scope="module")
def cleaned(seed_page):
    url, html = seed_page
    counts = Counter()
    article = clean_article(extract_article(html, url), counts)
    return article, counts


def test_title(cleaned):
    assert cleaned[0].title == TITLE


def test_body_is_exactly_the_news_paragraphs(cleaned):
    assert cleaned[0].body.split("\n\n") == _news_paragraphs()


def test_agency_byline_is_no_author_but_credit(cleaned):
    # "إعداد: وكالة عربي اليوم الإخبارية": an agency, not a person
    assert cleaned[0].authors == []
    assert cleaned[0].credit.split("; ")[0] == "وكالة عربي اليوم الإخبارية"


def test_credit_line_moved_to_credit(cleaned):
    assert cleaned[0].credit == "وكالة عربي اليوم الإخبارية; عربي اليوم + وكالات"


def test_read_also_links_in_related_urls(cleaned, seed_page):
    _, html = seed_page
    links = re.findall(r'class="read-also">إقرأ أيضاً: <a href="([^"]+)"', html)
    assert len(links) >= 2
    assert {BASE + href for href in links} <= set(cleaned[0].related_urls)


def test_no_junk_left(cleaned):
    body = cleaned[0].body
    for junk in ("ملفات تعريف الارتباط", "عاجل", "إقرأ أيضاً", "مصدر الأخبار", "إعداد", "\u0640"):
        assert junk not in body, junk


def test_second_cleaning_changes_nothing(cleaned):
    article, _ = cleaned
    before = article.to_dict()
    counts = Counter()
    clean_article(article, counts)
    assert article.to_dict() == before
    assert not counts
