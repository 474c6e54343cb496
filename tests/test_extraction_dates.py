from datetime import datetime, timedelta, timezone

import pytest

from newscrawl.extraction.dates import (date_from_url, not_in_future, parse_arabic_date, parse_machine_date,
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
    from newscrawl.extraction.dates import is_modified_label

    assert is_modified_label("Last Updated : Nov 20, 2019 01:41 PM IST")
    assert is_modified_label("Aktualisiert am 3. Mai 2024")
    assert is_modified_label("آخر تحديث: 20 أغسطس 2020")
    assert not is_modified_label("Published 18 November 2019")


def test_today_and_yesterday_only_as_a_date_label():
    assert parse_arabic_date("أمس 10:30", FETCHED).iso() == "2026-01-07T10:30:00"  # local time, offset unknown
    assert parse_arabic_date("عربي اليوم", FETCHED) is None  # a site name, not "today"
    assert parse_arabic_date("قال الوزير اليوم إن الحكومة ستعلن الخطة الأسبوع المقبل", FETCHED) is None
