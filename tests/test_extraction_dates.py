from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.text.dates import (date_from_url, not_in_future, parse_arabic_date, parse_machine_date,
                                        parse_visible_date)

FETCHED = datetime(2026, 1, 8, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, iso", [
    ("2024-05-03T10:15:00Z", "2024-05-03T10:15:00+00:00"),
    ("2024-05-03 15:47:42.389000+00:00", "2024-05-03T15:47:42+00:00"),
    ("2024-05-03T10:15:00+0200", "2024-05-03T10:15:00+02:00"),
    ("2024-05-03T10:15:00", "2024-05-03T10:15:00"),
    ("2024-05-03", "2024-05-03"),
    ("20240503", "2024-05-03"),
    ("Fri, 03 May 2024 10:15:00 GMT", "2024-05-03T10:15:00+00:00"),
    ("1714731300", "2024-05-03T10:15:00+00:00"),
])
def test_machine_dates(text, iso):
    assert parse_machine_date(text).iso() == iso


@pytest.mark.parametrize("text", ["", "soon", "0000-00-00", "2024-13-45"])
def test_machine_date_rejects_junk(text):
    assert parse_machine_date(text) is None


@pytest.mark.parametrize("text, iso", [
    ("منذ ساعة", "2026-01-08T11:00:00+00:00"),
    ("منذ ساعتين", "2026-01-08T10:00:00+00:00"),
    ("منذ 3 ساعات", "2026-01-08T09:00:00+00:00"),
    ("منذ ٥ دقائق", "2026-01-08T11:55:00+00:00"),
    ("قبل يومين", "2026-01-06"),  # days ago: a day, no time
    ("أمس", "2026-01-07"),
    ("8 يناير 2026", "2026-01-08"),
    ("الخميس ٨ يناير ٢٠٢٦", "2026-01-08"),
    ("الأحد، 12 تشرين الأول 2025", "2025-10-12"),
    ("الخميس 1 كانون الثاني 2026 - 10:30 م", "2026-01-01T22:30:00"),
    ("الأربعاء ١٩ أغسطس ٢٠٢٠ - ٦:٠٠ مساءً", "2020-08-19T18:00:00"),
    ("3 جويلية 2025", "2025-07-03"),
    ("نُشر في ٢٠ آب ٢٠٢٥", "2025-08-20"),
])
def test_arabic_dates(text, iso):
    assert parse_arabic_date(text, FETCHED).iso() == iso


@pytest.mark.parametrize("text, language, iso", [
    ("3. Mai 2024, 10:15 Uhr", "de", "2024-05-03T10:15:00"),
    ("May 3, 2024", "en", "2024-05-03"),
    ("Published 05/03/2024 10:20", "en", "2024-05-03T10:20:00"),  # US order in English
    ("منذ ساعتين", "ar", "2026-01-08T10:00:00+00:00"),
])
def test_visible_dates(text, language, iso):
    assert parse_visible_date(text, language, FETCHED).iso() == iso


def test_visible_text_without_a_date():
    assert parse_visible_date("Share this story", "en", FETCHED) is None


@pytest.mark.parametrize("url, iso", [
    ("https://x.example/2024/05/03/story-slug", "2024-05-03"),
    ("https://x.example/news/2024-5-3/slug.html", "2024-05-03"),
    ("https://x.example/politik/story-20240503-99.html", "2024-05-03"),
])
def test_date_in_url(url, iso):
    assert date_from_url(url).iso() == iso


def test_no_date_in_url():
    assert date_from_url("https://x.example/article/10234") is None


def test_never_after_fetch_time():
    future = parse_machine_date((FETCHED + timedelta(days=3)).isoformat())
    assert not_in_future(future, FETCHED) is None
    slightly_ahead = parse_machine_date((FETCHED + timedelta(hours=2)).isoformat())  # clock skew
    assert not_in_future(slightly_ahead, FETCHED) is slightly_ahead


@pytest.mark.parametrize("text, language, iso", [
    ("November 19, 2019, 9:02 AM", "en", "2019-11-19T09:02:00"),
    ("Posted: Fri 6:45 PM, Feb 16, 2018", "en", "2018-02-16T18:45:00"),
    ("October 13th, 2019", "en", "2019-10-13"),
    ("12 de mayo de 2024", "es", "2024-05-12"),
    ("3. März 2024", "de", "2024-03-03"),
    ("Publié le 5 février 2024 à 10h", "fr", "2024-02-05"),
    ("12.05.2024 08:30", "de", "2024-05-12T08:30:00"),
])
def test_month_names_and_numbers_without_dateparser(text, language, iso):
    assert parse_visible_date(text, language, FETCHED).iso() == iso


def test_revision_labels_are_recognised():
    from newscrawl.text.dates import is_modified_label

    assert is_modified_label("Last Updated : Nov 20, 2019 01:41 PM IST")
    assert is_modified_label("Aktualisiert am 3. Mai 2024")
    assert is_modified_label("آخر تحديث: 20 أغسطس 2020")
    assert not is_modified_label("Published 18 November 2019")


def test_today_and_yesterday_only_as_a_date_label():
    assert parse_arabic_date("أمس 10:30", FETCHED).iso() == "2026-01-07T10:30:00"  # local time, offset unknown
    assert parse_arabic_date("عربي اليوم", FETCHED) is None  # a site name, not "today"
    assert parse_arabic_date("قال الوزير اليوم إن الحكومة ستعلن الخطة الأسبوع المقبل", FETCHED) is None


# --- calendars other than the Gregorian, and where a date is not -------------------------
@pytest.mark.parametrize("text, iso", [
    # Egyptian/Gulf, Levantine/Iraqi and Maghreb month names; Arabic-Indic and Persian digits
    ("9 سبتمبر، 2024", "2024-09-09"),
    ("٩ أيلول ٢٠٠٩", "2009-09-09"),
    ("15 جانفي 2020", "2020-01-15"),
    ("۱۲ مارس ۲۰۲۴", "2024-03-12"),
    # Hijri beside a Gregorian date: the Gregorian one is read
    ("الاثنين 1 رمضان 1445 هـ الموافق 11 مارس 2024", "2024-03-11"),
    ("11 مارس 2024 م - 1 رمضان 1445 هـ", "2024-03-11"),
    # Hijri alone: converted
    ("الاثنين 1 رمضان 1445 هـ", "2024-03-11"),
    ("20 رمضان 1430هـ", "2009-09-10"),
    ("٣٠ ذو الحجة ١٤٤١", "2020-08-20"),
    ("5 جمادى الآخرة 1446", "2024-12-07"),
    # Solar Hijri (Persian pages)
    ("۱ فروردین ۱۴۰۳", "2024-03-20"),
    ("دوشنبه ۲۰ فروردین ۱۴۰۳", "2024-04-08"),
    ("۱۱ دی ۱۳۹۹", "2020-12-31"),
    ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),
])
def test_visible_dates_in_every_calendar(text, iso):
    assert parse_visible_date(text, None, FETCHED).iso() == iso


@pytest.mark.parametrize("text", ["رمضان كريم 1445", "1 رمضان", "مهر و ماه ۱۴۰۳", "31 اسفند 1403"])
def test_incomplete_or_impossible_calendar_dates_are_not_dates(text):
    assert parse_visible_date(text, None, FETCHED) is None


def test_calendar_conversions_known_days():
    from newscrawl.text.dates import hijri_to_gregorian, solar_hijri_to_gregorian
    assert solar_hijri_to_gregorian(1402, 1, 1) == (2023, 3, 21)
    assert solar_hijri_to_gregorian(1403, 12, 30) == (2025, 3, 20)  # 1403 is a leap year
    assert hijri_to_gregorian(1445, 9, 1) == (2024, 3, 11)


def _page(date_markup: str, url: str = "https://example.com/story/a-long-story-about-the-harbour") -> str:
    body = "".join(f"<p>{'The harbour council met again and the budget was discussed at length. ' * 6}</p>" for _ in range(4))
    return (f"<html><head><title>A story</title></head><body><article><h1>The harbour budget story</h1>"
            f"{date_markup}{body}</article></body></html>")


def test_a_date_only_in_a_comment_is_not_a_date():
    from newscrawl.extraction import extract_article
    html = _page('<div class="date"><!-- 2023-05-04 --></div><!-- published 12 March 2024 -->')
    assert extract_article(html, "https://example.com/story/a-long-story-about-the-harbour", fetched_at=FETCHED).date is None


def test_url_date_is_the_fallback_when_the_page_shows_none():
    from newscrawl.extraction import extract_article
    url = "https://example.ir/news/2024/04/08/harbour-budget-story"
    assert extract_article(_page(""), url, fetched_at=FETCHED).date == "2024-04-08T00:00:00+00:00"  # a day (UTC)


def test_solar_hijri_only_page_date_converted():
    from newscrawl.extraction import extract_article
    html = _page('<div class="date">دوشنبه ۲۰ فروردین ۱۴۰۳</div>').replace("<html>", '<html lang="fa" dir="rtl">')
    assert extract_article(html, "https://example.ir/news/123456/harbour-budget-story", fetched_at=FETCHED).date == "2024-04-08T00:00:00+00:00"


def test_the_page_shown_date_first_the_url_date_as_check_and_fallback():
    from newscrawl.extraction import extract_article
    url = "https://example.com/news/2024/04/08/harbour-budget-story"
    shown = extract_article(_page('<div class="date">8 April 2024 10:15</div>'), url, fetched_at=FETCHED)
    assert shown.date == "2024-04-08T10:15:00+00:00"  # the page's own, with its time (no zone known: UTC)
    teaser = extract_article(_page('<div class="date">3 January 2023</div>'), url, fetched_at=FETCHED)
    assert teaser.date == "2024-04-08T00:00:00+00:00"  # a year off the URL's date: read from the wrong place
