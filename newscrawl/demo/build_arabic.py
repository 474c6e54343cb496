"""Generate the static Arabic demo site ``sites/arabic`` ("عربي اليوم").

The site is committed as static files; this script is how they were written. Edit the
data below and run ``python -m newscrawl.demo.build_arabic`` to regenerate them.

The seed story is copied paragraph by paragraph from ``seed-article.txt`` (the real page
text the cleaning stage is tested against), in the same order.
"""
from __future__ import annotations

import json
import shutil
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "sites" / "arabic"
SITE_NAME = "عربي اليوم"
AGENCY = "وكالة عربي اليوم الإخبارية"

SEED = [p.strip() for p in (HERE / "seed-article.txt").read_text(encoding="utf-8").split("\n\n")]
SEED = [p for p in SEED if p]
SEED_TITLE, SEED_LEAD, SEED_BYLINE = SEED[:3]
COOKIE_TEXT = next(p for p in SEED if p.startswith("يستخدم هذا الموقع"))
TICKER_LABEL = SEED[-1]  # "عاجــــــل"
COOKIE_MAIN = COOKIE_TEXT.removesuffix(" قبول اقرأ المزيد")

POLITICS = ("politics", "سياسة")
ECONOMY = ("economy", "اقتصاد")

# -- the stories -----------------------------------------------------------------------
# date_style: "meta" (OpenGraph article:published_time + <time datetime>), "visible"
# (only a visible Arabic date), "relative" ("منذ ساعتين" + meta), "eastern" (visible date in
# Eastern Arabic digits only).
STORIES = [
    {
        "key": "seed",
        "path": "/news/2020/08/21/lavrov-shoukry.html",
        "title": SEED_TITLE,
        "date": "2020-08-21T10:00:00+03:00",
        "visible_date": "الجمعة 21 أغسطس 2020 - 10:00 صباحاً",
        "authors": [],
        "byline": [AGENCY],  # an agency, not a person: credit, not authors
        "section": POLITICS,
        "date_style": "meta",
        "reachable_via": "listing",
    },
    {
        "key": "blackout",
        "path": "/news/2020/08/20/settlements-blackout.html",
        "title": "إنقطاع للكهرباء في المستوطنات الإسرائيلية .. هجوم إيراني أم عطل فني؟",
        "date": "2020-08-20T21:15:00+03:00",
        "visible_date": "الخميس 20 أغسطس 2020",
        "authors": ["سامر الخطيب"],
        "section": POLITICS,
        "date_style": "meta",
        "reachable_via": "listing",
        "paragraphs": [
            "شهدت عدة مستوطنات إسرائيلية في الضفة الغربية المحتلة مساء الخميس انقطاعاً واسعاً للتيار الكهربائي استمر لساعات، ما أثار تساؤلات في وسائل الإعلام العبرية حول أسبابه وتوقيته.",
            "وقالت شركة الكهرباء الإسرائيلية في بيان مقتضب إن الانقطاع نجم عن خلل في إحدى محطات التحويل الرئيسية، مؤكدة أن فرقها الفنية تعمل على إعادة التيار إلى جميع المناطق المتضررة في أسرع وقت ممكن.",
            "في المقابل، تداول ناشطون على مواقع التواصل الاجتماعي روايات تتحدث عن هجوم إلكتروني يقف خلفه قراصنة إيرانيون، وهو ما لم تؤكده أي جهة رسمية حتى الآن، فيما امتنع الجيش الإسرائيلي عن التعليق.",
            "ويرى خبراء في أمن المعلومات أن البنية التحتية للطاقة باتت هدفاً متكرراً في المواجهة غير المعلنة بين إسرائيل وإيران، مشيرين إلى حوادث مشابهة طالت منشآت مياه إسرائيلية في وقت سابق من العام الجاري.",
        ],
    },
    {
        "key": "redline",
        "path": "/article/10234",
        "title": "أردوغان رسم خطا أحمر أمام فلاديمير بوتين",
        "date": "2020-08-21T08:30:00+03:00",
        "visible_date": "الجمعة 21 أغسطس 2020",
        "authors": ["محمد العلي"],
        "section": POLITICS,
        "date_style": "visible",
        "reachable_via": "listing",
        "paragraphs": [
            "كشفت مصادر دبلوماسية تركية أن الرئيس رجب طيب أردوغان أبلغ نظيره الروسي فلاديمير بوتين خلال اتصال هاتفي مطوّل رفض أنقرة أي عملية عسكرية جديدة في محافظة إدلب شمال غربي سوريا.",
            "وبحسب المصادر ذاتها، شدد أردوغان على أن تركيا لن تقبل بموجة نزوح جديدة نحو حدودها الجنوبية، وأن قواتها المنتشرة في نقاط المراقبة سترد على أي استهداف لها.",
            "من جهته، أكد الكرملين أن الرئيسين بحثا تنفيذ الاتفاقات المبرمة بشأن إدلب، واتفقا على مواصلة الاتصالات بين وزارتي الدفاع في البلدين لتفادي أي تصعيد ميداني.",
            "ويرى مراقبون أن التصريحات التركية تعكس حرص أنقرة على تثبيت حدود واضحة لتفاهماتها مع موسكو، في وقت تتقاطع فيه مصالح البلدين في ملفات عدة من سوريا إلى ليبيا وجنوب القوقاز.",
            "وكانت الدوريات الروسية التركية المشتركة على الطريق الدولي حلب – اللاذقية قد توقفت أكثر من مرة خلال الأسابيع الماضية بسبب هجمات استهدفتها، ما زاد من التوتر في المنطقة.",
        ],
    },
    {
        "key": "ally",
        "path": "/article/10198",
        "title": "رجب طيب أردوغان ….يا له من حليف!!!",
        "date": "2020-08-19T18:00:00+03:00",
        "visible_date": "الأربعاء ١٩ أغسطس ٢٠٢٠ - ٦:٠٠ مساءً",
        "authors": ["ليلى حداد"],
        "section": POLITICS,
        "date_style": "eastern",
        "reachable_via": "listing",
        "paragraphs": [
            "لا يكاد يمر أسبوع دون أن يفاجئ الرئيس التركي رجب طيب أردوغان حلفاءه قبل خصومه بموقف جديد، فمن التقارب مع موسكو في صفقة منظومة الصواريخ الروسية إلى الخلاف معها في إدلب وليبيا، تبدو السياسة التركية أشبه بلعبة توازنات لا تهدأ.",
            "ويقول دبلوماسيون أوروبيون إن التعامل مع أنقرة بات يتطلب قدراً كبيراً من الصبر، إذ تجمع تركيا بين عضويتها في حلف شمال الأطلسي وعلاقاتها المتنامية مع خصوم الحلف، وهو ما يثير قلقاً متزايداً في العواصم الغربية.",
            "في المقابل، يرى مؤيدو الرئيس التركي أن هذه السياسة تعبّر عن استقلالية القرار الوطني، وأن بلادهم لم تعد تقبل بدور التابع في المعادلات الإقليمية والدولية.",
            "وبين هذا الرأي وذاك، يبقى السؤال مطروحاً لدى شركاء تركيا: هل يمكن الاعتماد على حليف يغيّر اتجاهه مع كل منعطف؟",
        ],
    },
    {
        "key": "sudan",
        "path": "/article/10251",
        "title": "السودان: جولة جديدة من المفاوضات حول سد النهضة الأسبوع المقبل",
        "date": "2020-08-21T19:30:00+03:00",
        "visible_date": "الجمعة 21 أغسطس 2020",
        "authors": [],
        "byline": [AGENCY],  # an agency, not a person: credit, not authors
        "section": POLITICS,
        "date_style": "meta",
        "reachable_via": "sitemap",
        "paragraphs": [
            "أعلنت وزارة الري والموارد المائية السودانية أن جولة جديدة من المفاوضات الثلاثية حول سد النهضة الإثيوبي ستنطلق مطلع الأسبوع المقبل عبر تقنية الاتصال المرئي، بمشاركة مراقبين من الاتحاد الإفريقي.",
            "وقال الوزير في مؤتمر صحفي بالخرطوم إن بلاده تتمسك بالتوصل إلى اتفاق قانوني ملزم ينظم ملء السد وتشغيله، ويضمن تبادل البيانات بشكل يومي لحماية السدود السودانية على النيل الأزرق.",
            "وأضاف أن الخرطوم قدمت مقترحات فنية جديدة لتقريب وجهات النظر بين القاهرة وأديس أبابا، معرباً عن أمله في أن تفضي الجولة المقبلة إلى مسودة اتفاق تعرض على قادة الدول الثلاث.",
        ],
    },
    {
        "key": "lebanon",
        "path": "/news/2020/08/17/lebanon-consultations.html",
        "title": "لبنان: مشاورات نيابية مرتقبة لتسمية رئيس حكومة جديد",
        "date": "2020-08-17T13:00:00+03:00",
        "visible_date": "الاثنين 17 أغسطس 2020",
        "authors": ["رنا يوسف"],
        "section": POLITICS,
        "date_style": "visible",
        "reachable_via": "listing",
        "paragraphs": [
            "تتجه الأنظار في بيروت إلى قصر بعبدا حيث يُنتظر أن يحدد الرئيس اللبناني موعد الاستشارات النيابية الملزمة لتسمية رئيس حكومة جديد، بعد استقالة حكومة حسان دياب إثر انفجار مرفأ بيروت.",
            "وتكثفت الاتصالات بين الكتل النيابية الكبرى خلال عطلة نهاية الأسبوع للتوافق على اسم يحظى بتأييد واسع، وسط ضغوط دولية متزايدة لتشكيل حكومة قادرة على تنفيذ إصلاحات عاجلة.",
            "وقالت مصادر سياسية إن المشاورات لا تزال في بدايتها، وإن الخلاف يتمحور حول شكل الحكومة المقبلة وما إذا كانت ستضم اختصاصيين مستقلين أم ممثلين عن الأحزاب.",
            "ويعاني لبنان من أزمة اقتصادية ومالية هي الأسوأ في تاريخه الحديث، فاقمها الانفجار الذي دمّر أجزاء واسعة من العاصمة وأوقع مئات الضحايا وآلاف الجرحى.",
        ],
    },
    {
        "key": "lng",
        "path": "/news/2020/08/21/egypt-lng-exports.html",
        "title": "مصر تستأنف تصدير الغاز المسال إلى أوروبا مع تعافي الأسعار",
        "date": "2020-08-21T12:40:00+03:00",
        "visible_date": "الجمعة 21 أغسطس 2020",
        "authors": ["أحمد منصور"],
        "section": ECONOMY,
        "date_style": "meta",
        "reachable_via": "listing",
        "paragraphs": [
            "أعلنت وزارة البترول المصرية استئناف شحنات الغاز الطبيعي المسال من محطة إدكو على ساحل البحر المتوسط، بعد توقف دام عدة أشهر بسبب تراجع الأسعار العالمية إثر جائحة كورونا.",
            "وقال متحدث باسم الوزارة إن أولى الشحنات غادرت الميناء متجهة إلى أحد الموانئ الأوروبية، متوقعاً أن يرتفع عدد الشحنات تدريجياً خلال الربع الأخير من العام مع تحسن الطلب.",
            "ويأتي القرار في ظل تعافٍ نسبي لأسعار الغاز في الأسواق الآسيوية والأوروبية، ما أعاد الجدوى الاقتصادية لعمليات التسييل والتصدير.",
            "وتسعى القاهرة إلى التحول إلى مركز إقليمي لتجارة الطاقة، مستفيدة من الاكتشافات الكبيرة في المياه الاقتصادية المصرية ومن البنية التحتية لمحطتي التسييل في إدكو ودمياط.",
        ],
    },
    {
        "key": "jordan",
        "path": "/news/2020/08/18/jordan-tourism.html",
        "title": "الأردن: عودة تدريجية للسياحة الداخلية بعد أشهر من الإغلاق",
        "date": "2020-08-18T11:20:00+03:00",
        "visible_date": "الثلاثاء 18 أغسطس 2020",
        "authors": ["هبة الزعبي"],
        "section": ECONOMY,
        "date_style": "meta",
        "reachable_via": "listing",
        "encoding": "windows-1256",
        "paragraphs": [
            "تشهد المواقع السياحية في الأردن عودة تدريجية للزوار المحليين بعد أشهر من الإغلاق الذي فرضته إجراءات مواجهة فيروس كورونا، وسط آمال بتعويض جزء من الخسائر الكبيرة التي مُني بها القطاع.",
            "وقالت وزارة السياحة إن برنامج «أردننا جنة» الذي يدعم الرحلات الداخلية بأسعار مخفضة استقطب آلاف المشاركين منذ إطلاقه، مع إقبال لافت على البتراء ووادي رم والبحر الميت.",
            "ويقول أصحاب الفنادق في العقبة إن نسب الإشغال ارتفعت خلال عطلات نهاية الأسبوع، لكنها تبقى بعيدة عن مستوياتها المعتادة في مثل هذا الوقت من العام.",
            "ويشكل قطاع السياحة نحو 14 في المئة من الناتج المحلي الإجمالي للأردن، ويعمل فيه عشرات الآلاف، ما يجعل تعافيه أولوية للحكومة في خطتها للتحفيز الاقتصادي.",
        ],
    },
    {
        "key": "cbj",
        "path": "/article/10240",
        "title": "البنك المركزي الأردني يبقي أسعار الفائدة دون تغيير",
        "date": "2020-08-20T14:05:00+03:00",
        "visible_date": "منذ ساعتين",
        "authors": [],
        "byline": [AGENCY],  # an agency, not a person: credit, not authors
        "section": ECONOMY,
        "date_style": "relative",
        "reachable_via": "listing",
        "paragraphs": [
            "قرر البنك المركزي الأردني الإبقاء على أسعار الفائدة الرئيسية دون تغيير، في خطوة قال إنها تهدف إلى الحفاظ على الاستقرار النقدي ودعم التعافي الاقتصادي.",
            "وأوضح البنك في بيان أن مؤشرات الاستقرار النقدي ما تزال مريحة، مع احتياطيات من العملات الأجنبية تكفي لتغطية مستوردات المملكة لأكثر من سبعة أشهر.",
            "وكان البنك قد خفّض أسعار الفائدة مرتين منذ مطلع العام، وأطلق برنامجاً لتمويل الشركات الصغيرة والمتوسطة بكلفة منخفضة لمساعدتها على تجاوز تداعيات الجائحة.",
        ],
    },
    {
        "key": "oil",
        "path": "/news/2020/08/21/oil-prices.html",
        "title": "أسعار النفط ترتفع مع تراجع المخزونات الأمريكية",
        "date": "2020-08-21T16:10:00+03:00",
        "visible_date": "الجمعة 21 أغسطس 2020",
        "authors": ["أحمد منصور"],
        "section": ECONOMY,
        "date_style": "meta",
        "reachable_via": "feed",
        "paragraphs": [
            "ارتفعت أسعار النفط في تعاملات الجمعة بعد بيانات أظهرت تراجع مخزونات الخام في الولايات المتحدة للأسبوع الرابع على التوالي، ما عزز التوقعات بتحسن الطلب.",
            "وصعدت العقود الآجلة لخام برنت إلى ما فوق 45 دولاراً للبرميل، فيما سجل خام غرب تكساس الوسيط مكاسب مماثلة، رغم المخاوف المستمرة من موجة ثانية من الإصابات بفيروس كورونا.",
            "وقال محللون إن التزام تحالف أوبك+ بتخفيضات الإنتاج المتفق عليها يدعم الأسعار، لكن وتيرة التعافي ستبقى رهينة بعودة حركة الطيران والنقل إلى مستوياتها الطبيعية.",
            "وتترقب الأسواق اجتماع اللجنة الوزارية لمراقبة تنفيذ الاتفاق الأسبوع المقبل، وسط توقعات بالإبقاء على السياسة الحالية دون تغيير.",
        ],
    },
]
BY_KEY = {s["key"]: s for s in STORIES}

# listings: which stories appear where (pagination matters: some stories only on page 2)
HOME = ["seed", "blackout", "lng", "redline", "jordan"]
POLITICS_PAGES = [["seed", "blackout", "redline"], ["ally", "lebanon"]]
ECONOMY_PAGES = [["lng", "jordan"], ["cbj"]]
MOST_READ = ["seed", "blackout", "lng"]
FEED = ["seed", "blackout", "redline", "lng", "jordan", "oil"]  # "oil" only here
NEWS_SITEMAP = ["seed", "blackout", "redline", "lng", "sudan"]  # "sudan" only here
TICKER = [("seed", "عاجل: لافروف وشكري يبحثان هاتفياً تنسيق الجهود بشأن سوريا وليبيا"),
          (None, "وزير الخارجية المصري يصل إلى موسكو في زيارة رسمية")]

# -- page chrome -----------------------------------------------------------------------

def page(title: str, main: str, *, head: str = "", charset: str = "utf-8",
         body_class: str = "") -> str:
    most_read = "\n".join(
        f'      <li><a href="{BY_KEY[k]["path"]}">{escape(BY_KEY[k]["title"])}</a></li>'
        for k in MOST_READ
    )
    ticker = "\n".join(
        f'      <li><a href="{BY_KEY[k]["path"]}">{escape(text)}</a></li>' if k
        else f"      <li>{escape(text)}</li>"
        for k, text in TICKER
    )
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="{charset}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>
  <link rel="stylesheet" href="/assets/style.css">
  <link rel="alternate" type="application/rss+xml" title="{SITE_NAME} - آخر الأخبار" href="/rss.xml">
  <link rel="icon" href="/assets/favicon.svg">
{head}</head>
<body class="{body_class}">
  <header class="site-header">
    <div class="top-bar">
      <span class="today">الجمعة 21 أغسطس 2020</span>
      <ul class="social">
        <li><a href="https://www.facebook.com/arabialyaum" rel="noopener">فيسبوك</a></li>
        <li><a href="https://twitter.com/arabialyaum" rel="noopener">تويتر</a></li>
        <li><a href="https://www.youtube.com/c/arabialyaum" rel="noopener">يوتيوب</a></li>
      </ul>
    </div>
    <div class="branding"><a class="logo" href="/">{SITE_NAME}</a><span class="tagline">أخبار العالم العربي على مدار الساعة</span></div>
    <nav class="main-nav" aria-label="القائمة الرئيسية">
      <ul>
        <li><a href="/">الرئيسية</a></li>
        <li><a href="/section/politics/">سياسة</a></li>
        <li><a href="/section/economy/">اقتصاد</a></li>
        <li><a href="/about/">من نحن</a></li>
        <li><a href="/contact/">اتصل بنا</a></li>
      </ul>
    </nav>
    <form class="search" action="/search/" method="get"><input type="search" name="q" placeholder="ابحث في الموقع"><button type="submit">بحث</button></form>
  </header>
  <div class="container">
{main}
    <aside class="sidebar">
      <section class="widget most-read">
        <h3 class="widget-title">الأكثر قراءة</h3>
        <ol>
{most_read}
        </ol>
      </section>
      <section class="widget ad"><div class="ad-slot">إعلان</div></section>
      <section class="widget follow">
        <h3 class="widget-title">تابعونا</h3>
        <p>تابعوا آخر الأخبار عبر حساباتنا على مواقع التواصل الاجتماعي.</p>
      </section>
    </aside>
  </div>
  <footer class="site-footer">
    <nav><a href="/about/">من نحن</a> | <a href="/contact/">اتصل بنا</a> | <a href="/rss.xml">RSS</a></nav>
    <p class="copyright">جميع الحقوق محفوظة © 2020 {SITE_NAME}</p>
  </footer>
  <div id="cookie-notice" class="cookie-banner" role="dialog">
    <p>{escape(COOKIE_MAIN)} <button type="button" class="accept">قبول</button> <a href="/about/#privacy">اقرأ المزيد</a></p>
  </div>
  <div class="breaking-news">
    <span class="label">{TICKER_LABEL}</span>
    <ul class="ticker">
{ticker}
    </ul>
  </div>
</body>
</html>
"""


def story_head(s: dict, description: str) -> str:
    lines = [
        f'  <meta name="description" content="{escape(description)}">',
        f'  <link rel="canonical" href="{{{{BASE}}}}{s["path"]}">',
        f'  <meta property="og:type" content="article">',
        f'  <meta property="og:title" content="{escape(s["title"])}">',
        f'  <meta property="og:site_name" content="{SITE_NAME}">',
        f'  <meta property="og:url" content="{{{{BASE}}}}{s["path"]}">',
        f'  <meta property="og:locale" content="ar_AR">',
    ]
    if s["date_style"] in ("meta", "relative"):
        lines.append(f'  <meta property="article:published_time" content="{s["date"]}">')
    lines.append(f'  <meta property="article:section" content="{s["section"][1]}">')
    return "\n".join(lines) + "\n"


def date_markup(s: dict) -> str:
    if s["date_style"] == "meta":
        return f'<time class="published" datetime="{s["date"]}">{s["visible_date"]}</time>'
    return f'<span class="post-date">{s["visible_date"]}</span>'


def seed_body() -> str:
    """The seed story's body, in the seed's order, with links on the "إقرأ أيضاً" lines."""
    read_also_targets = ["blackout", "redline", "ally"]
    out = []
    for para in SEED[3:]:
        if para.startswith("يستخدم هذا الموقع") or para == TICKER_LABEL:
            continue  # page chrome, not body
        if para.startswith("إقرأ أيضاً:"):
            key = read_also_targets.pop(0)
            label, _, linked = para.partition(": ")
            assert linked == BY_KEY[key]["title"], (linked, key)
            out.append(f'<p class="read-also">{label}: <a href="{BY_KEY[key]["path"]}">{escape(linked)}</a></p>')
        elif para.startswith("مصدر الأخبار:"):
            out.append(f'<p class="source-credit">{escape(para)}</p>')
        else:
            out.append(f"<p>{escape(para)}</p>")
    return "\n          ".join(out)


def story_page(s: dict) -> str:
    section_slug, section_name = s["section"]
    if s["key"] == "seed":
        lead = f'<p class="lead">{escape(SEED_LEAD)}</p>\n          <p class="byline">{escape(SEED_BYLINE)}</p>'
        body = seed_body()
        author_line = ""
        description = SEED_LEAD
    else:
        paras = s["paragraphs"]
        lead = f'<p class="lead">{escape(paras[0])}</p>'
        body = "\n          ".join(f"<p>{escape(p)}</p>" for p in paras[1:])
        author_line = f'<span class="author">بقلم: {escape(", ".join(s.get("byline") or s["authors"]))}</span>'
        description = paras[0]
    main = f"""    <main class="content" id="main">
      <nav class="breadcrumbs"><a href="/">الرئيسية</a> » <a href="/section/{section_slug}/">{section_name}</a></nav>
      <article class="post">
        <header class="post-header">
          <span class="category"><a href="/section/{section_slug}/">{section_name}</a></span>
          <h1 class="post-title">{escape(s["title"])}</h1>
          <div class="post-meta">{author_line} {date_markup(s)}</div>
        </header>
        <figure class="post-thumbnail"><img src="/assets/placeholder.svg" alt="{escape(s["title"])}"></figure>
        <div class="post-content entry-content">
          {lead}
          {body}
        </div>
        <div class="share">
          <span>شارك:</span>
          <a href="https://www.facebook.com/sharer/sharer.php?u={{{{BASE}}}}{s["path"]}">فيسبوك</a>
          <a href="https://twitter.com/intent/tweet?url={{{{BASE}}}}{s["path"]}">تويتر</a>
          <a href="https://wa.me/?text={{{{BASE}}}}{s["path"]}">واتساب</a>
        </div>
      </article>
      <section class="comments"><h3>التعليقات</h3><p>لا توجد تعليقات بعد. كن أول من يعلّق.</p></section>
    </main>"""
    charset = s.get("encoding", "utf-8")
    if charset != "utf-8":
        # served byte for byte (no {{BASE}} substitution): keep its own links root-relative
        main = main.replace("{{BASE}}", "")
        description_head = story_head(s, description).replace("{{BASE}}", "")
        return page(f'{s["title"]} | {SITE_NAME}', main, head=description_head,
                    charset=charset, body_class="single-post")
    return page(f'{s["title"]} | {SITE_NAME}', main, head=story_head(s, description),
                charset=charset, body_class="single-post")


def teaser(key: str) -> str:
    s = BY_KEY[key]
    summary = SEED_LEAD if key == "seed" else s["paragraphs"][0]
    return f"""        <article class="teaser">
          <h2><a href="{s["path"]}">{escape(s["title"])}</a></h2>
          <p class="excerpt">{escape(summary[:140])}…</p>
          <span class="date">{s["visible_date"]}</span>
        </article>"""


def listing_page(title: str, heading: str, keys: list[str], pagination: str = "",
                 head: str = "") -> str:
    items = "\n".join(teaser(k) for k in keys)
    main = f"""    <main class="content archive" id="main">
      <h1 class="archive-title">{escape(heading)}</h1>
      <div class="posts">
{items}
      </div>
{pagination}
    </main>"""
    return page(title, main, head=head, body_class="archive")


def static_page(title: str, paragraphs: list[str], extra: str = "") -> str:
    body = "\n".join(f"        <p>{escape(p)}</p>" for p in paragraphs)
    main = f"""    <main class="content page" id="main">
      <h1 class="page-title">{escape(title)}</h1>
      <div class="page-content">
{body}
{extra}
      </div>
    </main>"""
    return page(f"{title} | {SITE_NAME}", main, body_class="page")


# -- feeds and sitemaps -----------------------------------------------------------------

def rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime
    return format_datetime(datetime.fromisoformat(iso))


def rss() -> str:
    items = []
    for key in FEED:
        s = BY_KEY[key]
        summary = SEED_LEAD if key == "seed" else s["paragraphs"][0]
        items.append(f"""    <item>
      <title>{escape(s["title"])}</title>
      <link>{{{{BASE}}}}{s["path"]}</link>
      <guid isPermaLink="true">{{{{BASE}}}}{s["path"]}</guid>
      <pubDate>{rfc822(s["date"])}</pubDate>
      <category>{s["section"][1]}</category>
      <description>{escape(summary)}</description>
    </item>""")
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{SITE_NAME} - آخر الأخبار</title>
    <link>{{{{BASE}}}}/</link>
    <atom:link href="{{{{BASE}}}}/rss.xml" rel="self" type="application/rss+xml"/>
    <description>آخر أخبار {SITE_NAME}</description>
    <language>ar</language>
{body}
  </channel>
</rss>
"""


def news_sitemap() -> str:
    urls = []
    for key in NEWS_SITEMAP:
        s = BY_KEY[key]
        urls.append(f"""  <url>
    <loc>{{{{BASE}}}}{s["path"]}</loc>
    <news:news>
      <news:publication>
        <news:name>{SITE_NAME}</news:name>
        <news:language>ar</news:language>
      </news:publication>
      <news:publication_date>{s["date"]}</news:publication_date>
      <news:title>{escape(s["title"])}</news:title>
    </news:news>
  </url>""")
    body = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
"""


PAGES_SITEMAP = ["/", "/section/politics/", "/section/economy/", "/about/", "/contact/"]


def pages_sitemap() -> str:
    body = "\n".join(
        f"  <url><loc>{{{{BASE}}}}{p}</loc><changefreq>daily</changefreq></url>" for p in PAGES_SITEMAP
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{{BASE}}/sitemap-news.xml</loc><lastmod>2020-08-21T19:30:00+03:00</lastmod></sitemap>
  <sitemap><loc>{{BASE}}/sitemap-pages.xml</loc><lastmod>2020-08-01T00:00:00+03:00</lastmod></sitemap>
</sitemapindex>
"""

ROBOTS = """User-agent: *
Disallow: /search/
Disallow: /wp-admin/

Sitemap: {{BASE}}/sitemap.xml
"""

STYLE = """body{font-family:Tahoma,Arial,sans-serif;margin:0;background:#f5f5f5;color:#222}
.site-header{background:#7a0e12;color:#fff;padding:8px 16px}.site-header a{color:#fff}
.container{display:flex;gap:24px;max-width:1100px;margin:16px auto}.content{flex:3;background:#fff;padding:16px}
.sidebar{flex:1}.breaking-news{position:fixed;bottom:0;left:0;right:0;background:#c00;color:#fff}
.cookie-banner{position:fixed;bottom:40px;left:0;right:0;background:#333;color:#fff;padding:8px}
.main-nav ul,.social,.ticker{list-style:none;display:flex;gap:12px;margin:0;padding:0}
"""
PLACEHOLDER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="640" height="360" fill="#ccc"/></svg>\n'


# -- write everything -----------------------------------------------------------------

def write(rel: str, text: str, encoding: str = "utf-8") -> None:
    path = SITE / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def file_for(url_path: str) -> str:
    rel = url_path.lstrip("/")
    if not rel or rel.endswith("/"):
        return rel + "index.html"
    return rel if rel.endswith(".html") else rel + "/index.html"


def pagination_numbered(slug: str, current: int, total: int) -> str:
    links = []
    for n in range(1, total + 1):
        href = f"/section/{slug}/" if n == 1 else f"/section/{slug}/page/{n}/"
        links.append(f'<span class="current">{n}</span>' if n == current else f'<a class="page-numbers" href="{href}">{n}</a>')
    return f'      <nav class="pagination">الصفحة: {" ".join(links)}</nav>'


def date_on_page(s: dict) -> str:
    """The most precise date the page itself gives (a visible date has no time or offset)."""
    if s["date_style"] == "visible":
        return s["date"][:10]
    if s["date_style"] == "eastern":
        return s["date"][:19]  # day and time, but no UTC offset
    return s["date"]


def build() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    headers = {}
    for s in STORIES:
        encoding = s.get("encoding", "utf-8")
        write(file_for(s["path"]), story_page(s), encoding)
        if encoding != "utf-8":
            headers[s["path"]] = {"Content-Type": f"text/html; charset={encoding}"}

    write("index.html", listing_page(f"{SITE_NAME} | الرئيسية", "آخر الأخبار", HOME,
                                     head='  <meta property="og:type" content="website">\n'
                                          f'  <meta property="og:site_name" content="{SITE_NAME}">\n'))
    # politics: "التالي" / "السابق" links to /page/N/
    write("section/politics/index.html", listing_page(
        f"سياسة | {SITE_NAME}", "سياسة", POLITICS_PAGES[0],
        '      <nav class="pagination"><a class="next" href="/section/politics/page/2/">التالي »</a></nav>'))
    write("section/politics/page/2/index.html", listing_page(
        f"سياسة - الصفحة 2 | {SITE_NAME}", "سياسة - الصفحة 2", POLITICS_PAGES[1],
        '      <nav class="pagination"><a class="prev" href="/section/politics/">« السابق</a></nav>'))
    # economy: numbered page links only
    write("section/economy/index.html", listing_page(
        f"اقتصاد | {SITE_NAME}", "اقتصاد", ECONOMY_PAGES[0], pagination_numbered("economy", 1, 2)))
    write("section/economy/page/2/index.html", listing_page(
        f"اقتصاد - الصفحة 2 | {SITE_NAME}", "اقتصاد - الصفحة 2", ECONOMY_PAGES[1],
        pagination_numbered("economy", 2, 2)))
    write("about/index.html", static_page("من نحن", [
        f"{SITE_NAME} موقع إخباري مستقل يغطي أخبار العالم العربي والعالم على مدار الساعة، ويقدم لقرائه التحليلات والتقارير الخاصة في السياسة والاقتصاد.",
        "انطلق الموقع عام 2015 بفريق صغير من الصحفيين، ويعمل اليوم مع شبكة من المراسلين في عدد من العواصم العربية.",
        "سياسة الخصوصية: يستخدم الموقع ملفات تعريف الارتباط لأغراض إحصائية ولتحسين تجربة التصفح، ولا نشارك بياناتك مع أي طرف ثالث.",
    ], extra='        <h2 id="privacy">سياسة الخصوصية</h2>'))
    write("contact/index.html", static_page("اتصل بنا", [
        "يسعدنا تلقي ملاحظاتكم واقتراحاتكم وأخباركم عبر البريد الإلكتروني: info@arabialyaum.example",
        "للإعلان على الموقع يرجى مراسلة قسم التسويق: ads@arabialyaum.example",
    ], extra='        <form class="contact-form" action="/contact/" method="post"><input name="name" placeholder="الاسم"><textarea name="message"></textarea><button>إرسال</button></form>'))
    write("rss.xml", rss())
    write("robots.txt", ROBOTS)
    write("sitemap.xml", SITEMAP_INDEX)
    write("sitemap-news.xml", news_sitemap())
    write("sitemap-pages.xml", pages_sitemap())
    write("assets/style.css", STYLE)
    write("assets/placeholder.svg", PLACEHOLDER_SVG)
    write("assets/favicon.svg", PLACEHOLDER_SVG)
    write("_headers.json", json.dumps(headers, ensure_ascii=False, indent=2) + "\n")

    manifest = {
        "name": "arabic",
        "title": SITE_NAME,
        "language": "ar",
        "stories": [
            {
                "path": s["path"],
                "title": s["title"],
                "date": s["date"],
                "date_on_page": date_on_page(s),
                "authors": s["authors"],
                "section": s["section"][1],
                "reachable_via": s["reachable_via"],
                "encoding": s.get("encoding", "utf-8"),
            }
            for s in STORIES
        ],
        "non_stories": ["/", "/section/politics/", "/section/politics/page/2/",
                        "/section/economy/", "/section/economy/page/2/", "/about/", "/contact/"],
        "disallowed": [],  # robots.txt forbids /search/, but no page links there
        "feeds": ["/rss.xml"],
        "sitemaps": ["/sitemap.xml", "/sitemap-news.xml", "/sitemap-pages.xml"],
        "seed_story": BY_KEY["seed"]["path"],
    }
    write("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    build()
    print(f"wrote {SITE}")
