"""Generate the static legacy Arabic demo site ``sites/legacy`` ("صدى الخليج").

A news site of the PHP era, as many Arabic sites still are: table layout, story URLs
``/news.php?id=N``, paragraphs made of ``<br><br>``, a ``<marquee>`` ticker of headlines on
every page, the date written out (Gregorian with the Hijri date beside it, or Hijri only),
no JSON-LD, no OpenGraph, no feed, no sitemap, no robots.txt, every page in windows-1256.
One story is linked only from another story's "اقرأ أيضا" line; one is a copy of a story of
the first Arabic demo site (its dedup must catch it).

The site is committed as static files; run ``python -m newscrawl.demo.build_legacy`` to
regenerate them (and ``manifest.json``, the truth the tests read).
"""
from __future__ import annotations

import json
import shutil
from html import escape
from pathlib import Path

from newscrawl.demo.build_arabic import BY_KEY as ARABIC_STORIES
from newscrawl.text.dates import hijri_to_gregorian

HERE = Path(__file__).resolve().parent
SITE = HERE / "sites" / "legacy"
SITE_NAME = "صدى الخليج"
ENCODING = "windows-1256"

LOCAL = (1, "محليات")
ECONOMY = (2, "اقتصاد")

# date_line: exactly as the page shows it; date_on_page: what an extractor must read from it
# (a visible date has no offset; no time unless the line gives one).
STORIES = [
    {
        "key": "budget",
        "id": 23063,
        "title": "مجلس الوزراء يقر مشروع الميزانية العامة للسنة المالية الجديدة",
        "date_line": "الأحد 16 أغسطس 2020 م - 26 ذو الحجة 1441 هـ",
        "date_on_page": "2020-08-16",
        "byline": "كتب: خالد المطيري",
        "authors": ["خالد المطيري"],
        "section": LOCAL,
        "reachable_via": "listing",
        "related": ["port"],
        "paragraphs": [
            "أقر مجلس الوزراء في جلسته الأسبوعية مشروع الميزانية العامة للدولة للسنة المالية الجديدة، بإجمالي نفقات يزيد قليلاً على ما رصد في ميزانية العام الماضي، مع عجز متوقع تغطيه الاحتياطيات العامة.",
            "وقال وزير المالية في تصريح عقب الجلسة إن الميزانية الجديدة تراعي الظروف الاقتصادية الاستثنائية التي فرضتها الجائحة، وتحافظ في الوقت ذاته على الإنفاق على الصحة والتعليم والرواتب دون أي مساس.",
            "وأوضح الوزير أن الحكومة ستعمل على ترشيد المصروفات الجارية وتأجيل عدد من المشروعات غير العاجلة، مشيراً إلى أن المشروع سيحال إلى مجلس الأمة لمناقشته وإقراره خلال دور الانعقاد المقبل.",
            "ويتوقع اقتصاديون أن يثير المشروع نقاشاً واسعاً تحت قبة البرلمان، خاصة فيما يتعلق ببنود الدعم والإيرادات غير النفطية التي تسعى الحكومة إلى زيادتها منذ سنوات.",
        ],
    },
    {
        "key": "port",
        "id": 23051,
        "title": "ميناء الشويخ يستقبل أولى السفن بعد أعمال التوسعة",
        "date_line": "الجمعة 14 آب 2020",
        "date_on_page": "2020-08-14",
        "byline": "بقلم: منى العنزي",
        "authors": ["منى العنزي"],
        "section": ECONOMY,
        "reachable_via": "related",  # linked only from the budget story's "اقرأ أيضا"
        "related": [],
        "paragraphs": [
            "استقبل ميناء الشويخ أمس أولى السفن التجارية بعد انتهاء أعمال التوسعة التي استمرت قرابة عامين، وشملت تعميق الأرصفة وتوسيع ساحات الحاويات وتركيب رافعات حديثة.",
            "وقال مدير عام المؤسسة العامة للموانئ إن التوسعة ترفع الطاقة الاستيعابية للميناء بنحو الثلث، وتسمح باستقبال سفن أكبر حجماً كانت تضطر في السابق إلى التفريغ في موانئ مجاورة.",
            "وأضاف أن المؤسسة تعمل على ربط الميناء بنظام إلكتروني موحد للتخليص الجمركي، بما يختصر مدة بقاء البضائع في الساحات من أيام إلى ساعات معدودة.",
        ],
    },
    {
        "key": "school",
        "id": 23058,
        "title": "التربية تعلن موعد بدء العام الدراسي عن بعد",
        "date_line": "السبت ١٥ أغسطس ٢٠٢٠ - الساعة ١١:٣٠",
        "date_on_page": "2020-08-15T11:30:00",
        "byline": "كتب: سعد الرشيدي",
        "authors": ["سعد الرشيدي"],
        "section": LOCAL,
        "reachable_via": "listing",
        "related": ["budget"],
        "paragraphs": [
            "أعلنت وزارة التربية أن العام الدراسي الجديد سيبدأ في موعده المحدد عبر التعليم عن بعد لجميع المراحل، على أن تعيد الوزارة تقييم الوضع الصحي بعد انتهاء الفصل الدراسي الأول.",
            "وأوضح وكيل الوزارة أن المنصة التعليمية الجديدة جاهزة لاستقبال الطلبة والمعلمين، وأن الوزارة درّبت أكثر من عشرين ألف معلم على استخدامها خلال الأسابيع الماضية.",
            "وطالب أولياء أمور بتوفير أجهزة لوحية للأسر ذات الدخل المحدود، فيما أكدت الوزارة أنها تدرس آلية لدعم هذه الأسر بالتنسيق مع الجهات الخيرية.",
        ],
    },
    {
        "key": "rain",
        "id": 23066,
        "title": "الأرصاد: أجواء شديدة الحرارة ورياح مثيرة للغبار حتى نهاية الأسبوع",
        "date_line": "27 ذو الحجة 1441 هـ",  # Hijri only: converted
        "date_on_page": "2020-08-17",
        "byline": "",
        "authors": [],
        "section": LOCAL,
        "reachable_via": "listing",
        "related": [],
        "paragraphs": [
            "توقعت إدارة الأرصاد الجوية أن تستمر الأجواء شديدة الحرارة حتى نهاية الأسبوع، مع رياح شمالية غربية نشطة السرعة مثيرة للغبار تؤدي إلى تدني مدى الرؤية الأفقية في المناطق المكشوفة.",
            "وقال مراقب التنبؤات الجوية إن درجات الحرارة العظمى ستتراوح بين ثمانٍ وأربعين وخمسين درجة مئوية، داعياً المواطنين والمقيمين إلى تجنب التعرض المباشر لأشعة الشمس في ساعات الظهيرة.",
            "وحذرت الإدارة مرتادي البحر من ارتفاع الموج إلى أكثر من ستة أقدام في بعض الأوقات، ونصحت بمتابعة النشرات الجوية عبر موقعها الإلكتروني وحساباتها الرسمية.",
        ],
    },
    {
        "key": "bourse",
        "id": 23070,
        "title": "البورصة تغلق على ارتفاع بدعم من أسهم البنوك",
        "date_line": "الثلاثاء 18 أغسطس، 2020 - 28 ذو الحجة 1441",
        "date_on_page": "2020-08-18",
        "byline": "كتب: فهد الشمري",
        "authors": ["فهد الشمري"],
        "section": ECONOMY,
        "reachable_via": "listing",
        "related": [],
        "paragraphs": [
            "أغلقت بورصة الكويت تعاملات جلسة أمس على ارتفاع مؤشراتها الرئيسية، بدعم من عمليات شراء انتقائية على أسهم البنوك القيادية وعدد من شركات الاتصالات.",
            "وارتفع المؤشر العام بنسبة تقارب واحداً في المئة، فيما بلغت قيمة التداول نحو خمسين مليون دينار موزعة على أكثر من عشرة آلاف صفقة نقدية.",
            "ويعزو محللون هذا الأداء إلى ترقب المستثمرين لنتائج الربع الثاني، وإلى تحسن أسعار النفط في الأسواق العالمية خلال الأيام الماضية.",
        ],
    },
    {
        "key": "housing",
        "id": 23072,
        "title": "الإسكان توزع ألفي قسيمة في مدينة المطلاع",
        "date_line": "1 محرم 1442 هـ الموافق 20 أغسطس 2020",
        "date_on_page": "2020-08-20",
        "byline": "بقلم: نورة الهاجري",
        "authors": ["نورة الهاجري"],
        "section": LOCAL,
        "reachable_via": "listing",
        "related": [],
        "paragraphs": [
            "بدأت المؤسسة العامة للرعاية السكنية توزيع ألفي قسيمة سكنية جديدة في مدينة المطلاع على المواطنين المدرجين على قوائم الانتظار، عبر قرعة إلكترونية بثت مباشرة على موقعها.",
            "وقال مدير عام المؤسسة إن أعمال البنية التحتية في الضواحي المشمولة بالتوزيع أنجزت بنسبة كبيرة، وإن المستفيدين سيتمكنون من استلام قسائمهم والبدء في البناء خلال أشهر.",
            "وأكد أن المؤسسة ماضية في خطتها لتقليص فترة الانتظار، بالتعاون مع الجهات الحكومية المعنية بتوصيل الكهرباء والماء وشق الطرق إلى المدن الجديدة.",
            "ورحب عدد من المستفيدين بالخطوة، معربين عن أملهم في تسريع إجراءات صرف قروض البناء بعد طول انتظار تجاوز عند بعضهم عشر سنوات.",
        ],
    },
    {
        "key": "dates_fest",
        "id": 23045,
        "title": "مهرجان التمور يستقطب آلاف الزوار في يومه الأول",
        "date_line": "2020/08/12 - 10:15 ص",
        "date_on_page": "2020-08-12T10:15:00",
        "byline": "كتب: عبدالله الكندري",
        "authors": ["عبدالله الكندري"],
        "section": ECONOMY,
        "reachable_via": "listing",  # only on page 2 of its section
        "related": [],
        "paragraphs": [
            "استقطب مهرجان التمور السنوي آلاف الزوار في يومه الأول، حيث عرض أكثر من مئة مزارع أصنافاً متنوعة من التمور المحلية والخليجية وسط إجراءات صحية مشددة.",
            "وقال رئيس اللجنة المنظمة إن المهرجان يهدف إلى دعم المزارعين المحليين وتسويق إنتاجهم مباشرة إلى المستهلكين دون وسطاء، لافتاً إلى أن الأسعار جاءت في متناول الجميع.",
            "ويستمر المهرجان أسبوعاً كاملاً، ويتضمن ورشاً للتعريف بطرق زراعة النخيل ورعايتها وأساليب حفظ التمور وتصنيعها.",
        ],
    },
    {
        "key": "copy",
        "id": 23068,
        # the first Arabic demo site's story, as a syndicated copy: same text, this site's chrome
        "copy_of": "lng",
        "title": ARABIC_STORIES["lng"]["title"],
        "date_line": "الجمعة 21 أغسطس 2020 - 2 محرم 1442 هـ",
        "date_on_page": "2020-08-21",
        "byline": "بقلم: " + ARABIC_STORIES["lng"]["authors"][0],
        "authors": list(ARABIC_STORIES["lng"]["authors"]),
        "section": ECONOMY,
        "reachable_via": "listing",
        "related": [],
        "paragraphs": list(ARABIC_STORIES["lng"]["paragraphs"]),
    },
]
BY_KEY = {s["key"]: s for s in STORIES}

HOME = ["copy", "housing", "bourse", "rain", "budget"]
SECTION_PAGES = {
    LOCAL[0]: [["housing", "rain", "budget"], ["school"]],
    ECONOMY[0]: [["copy", "bourse"], ["dates_fest"]],
}
LATEST = ["copy", "housing", "bourse"]  # the side column of every page
TICKER = ["housing", "bourse", "budget"]


def path_of(key: str) -> str:
    return f"/news.php?id={BY_KEY[key]['id']}"


def page(title: str, main: str) -> str:
    """The table layout every page shares: logo row, ticker row, side column, main cell, footer."""
    ticker = " &nbsp;***&nbsp; ".join(
        f'<a href="{path_of(k)}"><font color="#ffffff">{escape(BY_KEY[k]["title"])}</font></a>' for k in TICKER)
    latest = "\n".join(
        f'<tr><td class="side"><img src="/images/arrow.gif" width="7" height="7"> '
        f'<a href="{path_of(k)}">{escape(BY_KEY[k]["title"])}</a></td></tr>' for k in LATEST)
    return f"""<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={ENCODING}">
<title>{escape(title)}</title>
<link rel="stylesheet" type="text/css" href="/style.css">
</head>
<body bgcolor="#FFFFFF" topmargin="0" leftmargin="0">
<table width="780" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td colspan="2" bgcolor="#003366" height="80"><a href="/"><img src="/images/logo.gif" border="0" alt="{SITE_NAME}"></a>
<font face="Tahoma" size="5" color="#ffffff"><b>{SITE_NAME}</b></font> <font color="#cccccc" size="1">جريدة إلكترونية يومية</font></td></tr>
<tr><td colspan="2" bgcolor="#990000"><table width="100%"><tr><td width="60"><font color="#ffff00"><b>عاجل</b></font></td>
<td><marquee direction="right" scrollamount="3" onmouseover="this.stop()" onmouseout="this.start()">{ticker}</marquee></td></tr></table></td></tr>
<tr><td colspan="2" bgcolor="#e6e6e6" class="menu"><a href="/">الرئيسية</a> | <a href="/section.php?cat={LOCAL[0]}">{LOCAL[1]}</a> | <a href="/section.php?cat={ECONOMY[0]}">{ECONOMY[1]}</a> | <a href="/about.php">من نحن</a> | <a href="/contact.php">اتصل بنا</a></td></tr>
<tr>
<td width="190" valign="top" bgcolor="#f2f2f2">
<table width="100%" cellpadding="3"><tr><td bgcolor="#003366"><font color="#ffffff"><b>آخر الأخبار</b></font></td></tr>
{latest}
</table>
<br><table width="100%"><tr><td align="center"><img src="/images/banner.gif" width="160" height="240" alt="إعلان"></td></tr></table>
</td>
<td width="590" valign="top" class="main">
{main}
</td>
</tr>
<tr><td colspan="2" bgcolor="#003366" align="center"><font color="#ffffff" size="1">جميع الحقوق محفوظة &copy; 2020 {SITE_NAME} - يمنع النسخ أو الاقتباس دون ذكر المصدر</font></td></tr>
</table>
</body>
</html>
"""


def story_page(s: dict) -> str:
    byline = f'<font class="writer" color="#666666">{escape(s["byline"])}</font><br>\n' if s["byline"] else ""
    body = "<br><br>\n".join(escape(p) for p in s["paragraphs"])
    related = ""
    if s["related"]:
        links = "<br>\n".join(f'<a href="{path_of(k)}">{escape(BY_KEY[k]["title"])}</a>' for k in s["related"])
        related = f'<br><br>\n<b>اقرأ أيضا:</b><br>\n{links}\n'
    main = f"""<table width="100%" cellpadding="8"><tr><td>
<font class="path" size="1"><a href="/">الرئيسية</a> &gt; <a href="/section.php?cat={s["section"][0]}">{s["section"][1]}</a></font><br>
<font class="headline" size="5" color="#003366"><b>{escape(s["title"])}</b></font><br>
<font class="date" size="1" color="#999999">{escape(s["date_line"])}</font><br>
{byline}<br>
<img src="/images/news/{s["id"]}.jpg" width="300" align="left" hspace="8">
{body}
{related}<br><br>
<a href="/print.php?id={s["id"]}"><img src="/images/print.gif" border="0"> طباعة</a>
</td></tr></table>"""
    return page(f"{SITE_NAME} :: {s['title']}", main)


def listing_page(title: str, keys: list[str], pagination: str = "") -> str:
    rows = "\n".join(
        f"""<tr><td class="item"><a href="{path_of(k)}"><b>{escape(BY_KEY[k]["title"])}</b></a><br>
<font size="1" color="#999999">{escape(BY_KEY[k]["date_line"])}</font><br>
{escape(BY_KEY[k]["paragraphs"][0][:120])}... <a href="{path_of(k)}">التفاصيل</a></td></tr>"""
        for k in keys)
    main = f"""<table width="100%" cellpadding="6">
<tr><td bgcolor="#e6e6e6"><b>{escape(title)}</b></td></tr>
{rows}
</table>
{pagination}"""
    return page(f"{SITE_NAME} :: {title}", main)


def static_page(title: str, text: str) -> str:
    main = f"""<table width="100%" cellpadding="8"><tr><td>
<font size="4"><b>{escape(title)}</b></font><br><br>
{text}
</td></tr></table>"""
    return page(f"{SITE_NAME} :: {title}", main)


STYLE = """body,td{font-family:Tahoma,Arial;font-size:12px}a{color:#003366;text-decoration:none}
.menu a{font-weight:bold}.side{border-bottom:1px dotted #999}.item{border-bottom:1px solid #ddd}
"""


def build() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir(parents=True)

    def write(rel: str, text: str, encoding: str = ENCODING) -> None:
        target = SITE / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # windows-1256 has no Arabic-Indic digits: such pages wrote them as character references
        target.write_bytes(text.encode(encoding, errors="xmlcharrefreplace"))

    def query_page(script: str, query: str, text: str) -> None:
        # served for /script?query (see server.py: /a/b.html?QUERY -> a/__query__/b.html/QUERY.html)
        write(f"__query__/{script}/{query}.html", text)

    for s in STORIES:
        query_page("news.php", f"id={s['id']}", story_page(s))
    write("index.html", listing_page("آخر الأخبار", HOME))
    for cat, name in (LOCAL, ECONOMY):
        pages = SECTION_PAGES[cat]
        query_page("section.php", f"cat={cat}", listing_page(
            name, pages[0], f'<p align="center"><a href="/section.php?cat={cat}&page=2">التالي &raquo;</a></p>'))
        query_page("section.php", f"cat={cat}&page=2", listing_page(
            f"{name} - صفحة 2", pages[1], f'<p align="center"><a href="/section.php?cat={cat}">&laquo; السابق</a></p>'))
    write("about.php", static_page("من نحن", escape(
        f"{SITE_NAME} جريدة إلكترونية يومية تصدر منذ عام 2001، تهتم بالشأن المحلي والخليجي وتقدم لقرائها "
        "الأخبار العاجلة والتقارير الاقتصادية.") + "<br><br>" + escape("للتواصل مع أسرة التحرير يرجى زيارة صفحة اتصل بنا.")))
    write("contact.php", static_page("اتصل بنا", escape("البريد الإلكتروني: info@sadaalkhaleej.example") + "<br>"
                                     + escape("الهاتف: 22223333")))
    write("style.css", STYLE, "utf-8")
    write("robots.txt", "User-agent: *\nDisallow: /admin/\n", "utf-8")
    html_type = {"Content-Type": f"text/html; charset={ENCODING}"}
    # The story script is labelled in its header; the others only in their <meta http-equiv>.
    headers = {"/news.php": html_type, "/": {"Content-Type": "text/html"},
               "/section.php": {"Content-Type": "text/html"}, "/about.php": {"Content-Type": "text/html"},
               "/contact.php": {"Content-Type": "text/html"}}
    write("_headers.json", json.dumps(headers, ensure_ascii=False, indent=2) + "\n", "utf-8")

    copy = BY_KEY["copy"]
    manifest = {
        "name": "legacy",
        "title": SITE_NAME,
        "language": "ar",
        "stories": [
            {
                "path": path_of(s["key"]),
                "title": s["title"],
                "date_on_page": s["date_on_page"],
                "date_line": s["date_line"],
                "authors": s["authors"],
                "section": s["section"][1],
                "paragraphs": s["paragraphs"],
                "reachable_via": s["reachable_via"],
                "encoding": ENCODING,
                **({"copy_of": {"site": "arabic", "path": ARABIC_STORIES[s["copy_of"]]["path"]}} if "copy_of" in s else {}),
            }
            for s in STORIES
        ],
        "non_stories": ["/", f"/section.php?cat={LOCAL[0]}", f"/section.php?cat={LOCAL[0]}&page=2",
                        f"/section.php?cat={ECONOMY[0]}", f"/section.php?cat={ECONOMY[0]}&page=2",
                        "/about.php", "/contact.php"],
        "ticker": [BY_KEY[k]["title"] for k in TICKER],
        "disallowed": [],
        "feeds": [],
        "sitemaps": [],
    }
    assert copy["paragraphs"] == ARABIC_STORIES["lng"]["paragraphs"]
    # the Hijri dates written beside the Gregorian ones agree with the converter
    for y, m, d, gregorian in [(1441, 12, 26, (2020, 8, 16)), (1441, 12, 27, (2020, 8, 17)),
                               (1441, 12, 28, (2020, 8, 18)), (1442, 1, 1, (2020, 8, 20)), (1442, 1, 2, (2020, 8, 21))]:
        assert hijri_to_gregorian(y, m, d) == gregorian
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    build()
    print(f"wrote {SITE}")
