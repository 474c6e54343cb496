"""Reading a table-and-<br> page (extraction/legacy.py) from small HTML strings."""
from __future__ import annotations

from datetime import datetime, timezone

from newscrawl.extraction import extract_article
from newscrawl.extraction.article import parse_html
from newscrawl.extraction.legacy import legacy_body, read_legacy_layout

P1 = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير شبكة الطرق في المحافظات الشمالية خلال العامين المقبلين بتكلفة كبيرة."
P2a = "وقال الوزير في مؤتمر صحفي إن الخطة تشمل إنشاء جسور جديدة"
P2b = "وتوسعة الطرق الرئيسية بين المدن لتخفيف الازدحام المروري الذي تعانيه المنطقة منذ سنوات طويلة."
P3 = "ومن المتوقع أن تبدأ الأعمال مطلع العام المقبل بعد استكمال إجراءات الطرح والترسية على الشركات المنفذة."

PAGE = f"""<html dir="rtl"><head><title>جريدة النهار :: الوزارة تعلن خطة لتطوير الطرق</title></head><body>
<table><tr><td colspan="2"><marquee><a href="/news.php?id=9">عاجل: خبر في الشريط الإخباري العاجل اليوم</a></marquee></td></tr>
<tr><td class="side"><b>الأكثر قراءة</b><br><a href="/news.php?id=8">خبر آخر في العمود الجانبي للموقع</a></td>
<td><a href="/">الرئيسية</a> &gt; <a href="/section.php?cat=3">محليات</a><br>
<font size="5"><b>الوزارة تعلن خطة لتطوير الطرق</b></font><br>
<b>كتب: سامي الحربي</b><br>
<font color="#999">الخميس ٣ سبتمبر ٢٠٢٠ - 14 محرم 1442 هـ</font><br><br>
<!-- 1999-01-01 -->{P1}<br><br>{P2a}<br>{P2b}<br><br>{P3}
<br><br><b>اقرأ أيضا:</b><br><a href="/news.php?id=7">خبر ذو صلة بالموضوع نفسه</a><br><br>
<a href="/print.php?id=10">طباعة</a></td></tr></table></body></html>"""
URL = "http://old.example/news.php?id=10"


def test_table_layout_read_line_by_line():
    page = read_legacy_layout(parse_html(PAGE), URL)
    assert page.title == "الوزارة تعلن خطة لتطوير الطرق"  # not the <title>'s prefix, not the ticker, not the bold byline
    assert page.authors == ["سامي الحربي"]
    assert page.date_text == "الخميس ٣ سبتمبر ٢٠٢٠ - 14 محرم 1442 هـ"
    assert page.paragraphs == [P1, f"{P2a} {P2b}", P3]  # <br><br> splits paragraphs, one <br> does not
    assert page.related_urls == ["http://old.example/news.php?id=7"]
    assert legacy_body(parse_html(PAGE), URL) == "\n\n".join(page.paragraphs)


def test_extract_article_uses_the_legacy_reading():
    article = extract_article(PAGE, URL, fetched_at=datetime(2020, 9, 4, tzinfo=timezone.utc))
    assert article.title == "الوزارة تعلن خطة لتطوير الطرق"
    assert (article.date, article.date_precision) == ("2020-09-03T00:00:00+00:00", "day")
    assert article.authors == ["سامي الحربي"]
    assert article.body.split("\n\n") == [P1, f"{P2a} {P2b}", P3]
    assert "http://old.example/news.php?id=7" in article.related_urls


def test_paragraph_pages_are_not_read_this_way():
    html = f"<html><body><article><h1>عنوان الخبر هنا طويل بما يكفي</h1><p>{P1}</p><p>{P3}</p></article></body></html>"
    assert read_legacy_layout(parse_html(html), URL) is None
