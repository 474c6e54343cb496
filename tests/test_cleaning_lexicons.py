"""One positive and one look-alike negative per lexicon family and language.

A positive is a boilerplate line that must leave the body (counted under its kind); the
negative is a real story sentence that mentions the same words and must stay untouched.
"""
from collections import Counter

import pytest

from newscrawl.cleaning import clean_paragraphs

STORY = {
    "en": ["The city council approved the budget on Tuesday after a long debate.",
           "Officials said the new plan would take effect next spring."],
    "ar": ["وافق مجلس المدينة على الميزانية يوم الثلاثاء بعد نقاش طويل.",
           "وقال مسؤولون إن الخطة الجديدة ستدخل حيز التنفيذ في الربيع المقبل."],
    "fr": ["Le conseil municipal a adopté le budget mardi après un long débat.",
           "Selon les responsables, le plan entrera en vigueur au printemps prochain."],
    "de": ["Der Stadtrat hat den Haushalt am Dienstag nach langer Debatte beschlossen.",
           "Nach Angaben der Verwaltung tritt der Plan im kommenden Frühjahr in Kraft."],
    "es": ["El concejo municipal aprobó el presupuesto el martes tras un largo debate.",
           "Según los responsables, el plan entrará en vigor la próxima primavera."],
}

# (language, kind, boilerplate line, look-alike story sentence)
CASES = [
    # related-link lines
    ("en", "related_line", "Read more: Tencent profit falls as Alibaba threat weighs",
     "Read more about the budget in the council's report, officials said on Tuesday."),
    ("ar", "related_line", "إقرأ أيضاً: أردوغان رسم خطا أحمر أمام فلاديمير بوتين",
     "ودعا الوزير المواطنين إلى أن يقرأوا أيضاً التقرير الكامل قبل التصويت."),
    ("fr", "related_line", "Lire aussi : La natalité russe menacée d'effondrement",
     "Il faut lire aussi entre les lignes du rapport, a estimé le maire."),
    ("de", "related_line", "Lesen Sie auch: Annalena Baerbock: Kinder, Ausbildung, Politik",
     "Mehr dazu sagte der Bürgermeister am Dienstag nicht."),
    ("es", "related_line", "Lee también: El caos en Losail, por culpa de un retrovisor",
     "Lee también el informe quien quiera entender la decisión, dijo el alcalde."),
    # cookie and consent notices
    ("en", "cookie", "This website uses cookies to improve your experience. By continuing you accept our policy. Accept",
     "Regulators said websites that use cookies must ask visitors for consent first."),
    ("ar", "cookie", "يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك. قبول اقرأ المزيد",
     "وقالت الهيئة إن المواقع التي تستخدم ملفات تعريف الارتباط يجب أن تطلب موافقة الزوار."),
    ("fr", "cookie", "Ce site utilise des cookies pour améliorer votre expérience de navigation.",
     "La CNIL rappelle que les sites qui utilisent des cookies doivent demander le consentement."),
    ("de", "cookie", "Diese Website verwendet Cookies, um Ihnen ein besseres Erlebnis zu bieten.",
     "Die Datenschützer kritisieren, dass viele Seiten Cookies ohne Zustimmung setzen."),
    ("es", "cookie", "Este sitio web utiliza cookies para mejorar su experiencia de usuario.",
     "La agencia recordó que las webs que usan cookies deben pedir permiso a los usuarios."),
    # newsletter and subscription prompts
    ("en", "newsletter", "Sign up for our daily newsletter to get the latest news in your inbox.",
     "The newsletter, which has two million subscribers, was shut down last year."),
    ("ar", "newsletter", "اشترك في النشرة البريدية لتصلك آخر الأخبار",
     "وأعلنت الشركة إغلاق النشرة البريدية التي كان يشترك فيها مليون قارئ."),
    ("fr", "newsletter", "Inscrivez-vous à notre newsletter pour recevoir l'essentiel de l'actualité.",
     "La newsletter du ministère, lancée en 2019, compte désormais cent mille abonnés."),
    ("de", "newsletter", "Abonnieren Sie unseren Newsletter und bleiben Sie informiert.",
     "Der Newsletter des Ministeriums erreicht inzwischen hunderttausend Abonnenten."),
    ("es", "newsletter", "Suscríbete a nuestro boletín y recibe las noticias cada mañana.",
     "El boletín del ministerio, lanzado en 2019, tiene ya cien mil suscriptores."),
    # share and follow prompts
    ("en", "share", "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
     "Follow the money on Facebook's ad platform, investigators told the committee."),
    ("ar", "share", "تابعونا على فيسبوك وتويتر",
     "وقال إن آلاف المستخدمين تابعوا البث على فيسبوك وتويتر خلال الليل."),
    ("fr", "share", "Suivez-nous sur Facebook et Twitter",
     "Des milliers d'internautes ont suivi le débat sur Facebook et Twitter."),
    ("de", "share", "Folgen Sie uns auf Instagram",
     "Tausende folgten der Debatte auf Instagram, teilte die Partei mit."),
    ("es", "share", "Síguenos en Twitter y Facebook",
     "Miles de usuarios siguieron el debate en Twitter y Facebook, según la empresa."),
    # breaking-news tickers
    ("en", "ticker", "BREAKING 14:12",
     "Breaking the deadlock took three rounds of talks, officials said."),
    ("ar", "ticker", "عاجــــــلSun Nov 29 14:12:34 UTC 2026",
     "وقال المتحدث إن الأمر عاجل ويجب التحرك قبل نهاية الأسبوع."),
    ("fr", "ticker", "Dernière minute",
     "À la dernière minute, le maire a changé d'avis sur le budget."),
    ("de", "ticker", "+++ Eilmeldung +++",
     "Die Eilmeldung der Agentur erreichte die Redaktion am späten Abend."),
    ("es", "ticker", "Última hora",
     "A última hora, el alcalde cambió de opinión sobre el presupuesto."),
    # advertisement labels
    ("en", "advert", "Advertisement",
     "Advertisements for the new plan will run on local television next month."),
    ("ar", "advert", "إعلان",
     "وأعلن الوزير عن إعلان جديد يخص الميزانية خلال المؤتمر الصحفي."),
    ("fr", "advert", "Publicité",
     "La publicité pour le nouveau plan sera diffusée le mois prochain."),
    ("de", "advert", "Anzeige",
     "Die Polizei hat Anzeige gegen den Fahrer erstattet."),
    ("es", "advert", "Publicidad",
     "La publicidad del nuevo plan se emitirá en televisión el mes próximo."),
    # photo-credit lines
    ("en", "photo_credit", "Photo: Jane Doe/Reuters",
     "Photographers gathered outside the council building before the vote."),
    ("ar", "photo_credit", "صورة: أرشيفية",
     "وأظهرت صورة نشرها المجلس الأعضاء أثناء التصويت على الميزانية."),
    ("fr", "photo_credit", "Crédit photo : Jean Dupont / AFP",
     "Une photo du vote a circulé sur les réseaux sociaux mardi soir."),
    ("de", "photo_credit", "Foto: Felix Zahn/imago",
     "Ein Foto der Abstimmung verbreitete sich am Dienstagabend im Netz."),
    ("es", "photo_credit", "Foto: EFE",
     "Una foto de la votación circuló en las redes sociales el martes."),
    # "click here" lines
    ("en", "click_here", "Click here to read the full report.",
     "Users who click on the fake link risk losing their data, police warned."),
    ("ar", "click_here", "اضغط هنا لمشاهدة الفيديو",
     "وحذرت الشرطة من أن الضغط على الروابط المزيفة قد يعرض البيانات للخطر."),
    ("fr", "click_here", "Cliquez ici pour lire le rapport complet.",
     "La police met en garde contre les internautes qui cliquent ici et là sur des liens frauduleux."),
    ("de", "click_here", "Klicken Sie hier, um den Bericht zu lesen.",
     "Wer hier auf gefälschte Links klickt, riskiert seine Daten, warnt die Polizei."),
    ("es", "click_here", "Haz clic aquí para leer el informe completo.",
     "Quien hace clic aquí en enlaces falsos arriesga sus datos, advirtió la policía."),
]

# Lines that carry data: they leave the body and their value goes to a field.
# (language, kind, line, value, look-alike story sentence); credits sit at the end of the
# body, bylines at the top.
VALUE_CASES = [
    ("en", "credit", "(Reporting by Will Dunham; Editing by Tom Brown)", "Reporting by Will Dunham; Editing by Tom Brown",
     "Reuters reported that the council approved the budget."),
    ("en", "credit", "(Reuters)", "Reuters", "(The vote was close.)"),
    ("ar", "credit", "مصدر الأخبار: عربي اليوم + وكالات.", "عربي اليوم + وكالات",
     "وقال مصدر الأخبار في الوزارة إن التصويت جرى بهدوء."),
    ("fr", "credit", "(Avec AFP)", "AFP", "Avec l'AFP, le maire a discuté du budget."),
    ("de", "credit", "Quelle: ntv.de", "ntv.de", "Die Quelle des Geldes bleibt unklar, sagte der Sprecher."),
    ("es", "credit", "Fuente: EFE", "EFE", "La fuente del dinero sigue sin aclararse, dijo el portavoz."),
    ("en", "byline", "By Jane Doe", ["Jane Doe"], "By the end of the year, the plan will be in place."),
    ("ar", "byline", "إعداد: وكالة عربي اليوم الإخبارية", ["وكالة عربي اليوم الإخبارية"],
     "بقلم الرصاص وقع الوزير على الاتفاق أمام الصحفيين في القاهرة."),
    ("fr", "byline", "Par Jean Dupont", ["Jean Dupont"], "Par ailleurs, le maire a annoncé un nouveau plan."),
    ("de", "byline", "Von Katja Belousova", ["Katja Belousova"], "Von den 116 Verletzten sind noch 80 im Krankenhaus."),
    ("es", "byline", "Por Juan Pérez", ["Juan Pérez"], "Por qué el alcalde cambió de opinión sigue sin aclararse."),
]


def _body(language, line, where):
    story = STORY[language]
    if where == "top":
        return [line, *story]
    if where == "end":
        return [*story, line]
    return [story[0], line, story[1]]


@pytest.mark.parametrize("language,kind,line,negative", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_boilerplate_line_leaves_the_body(language, kind, line, negative):
    counts = Counter()
    result = clean_paragraphs(_body(language, line, "middle"), language, counts)
    assert result.paragraphs == STORY[language]
    assert counts == Counter({kind: 1})


@pytest.mark.parametrize("language,kind,line,negative", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_story_sentence_with_a_lexicon_word_stays(language, kind, line, negative):
    for where in ("top", "middle", "end"):
        counts = Counter()
        body = _body(language, negative, where)
        result = clean_paragraphs(body, language, counts)
        assert result.paragraphs == body, (where, result.removed)
        assert not counts


@pytest.mark.parametrize("language,kind,line,value,negative", VALUE_CASES, ids=[f"{c[0]}-{c[1]}-{c[2][:12]}" for c in VALUE_CASES])
def test_credit_and_byline_lines_move_to_fields(language, kind, line, value, negative):
    where = "end" if kind == "credit" else "top"
    counts = Counter()
    result = clean_paragraphs(_body(language, line, where), language, counts)
    assert result.paragraphs == STORY[language]
    assert counts == Counter({kind: 1})
    if kind == "credit":
        assert result.credits == [value]
    else:
        assert result.bylines == [value]


@pytest.mark.parametrize("language,kind,line,value,negative", VALUE_CASES, ids=[f"{c[0]}-{c[1]}-{c[2][:12]}" for c in VALUE_CASES])
def test_credit_and_byline_look_alikes_stay(language, kind, line, value, negative):
    for where in ("top", "end"):
        body = _body(language, negative, where)
        result = clean_paragraphs(body, language)
        assert result.paragraphs == body, (where, result.removed)
        assert not result.credits and not result.bylines


def test_foreign_lexicon_patterns_apply_where_safe():
    # an Arabic "read also" line on an English page is still junk
    body = [*STORY["en"], "إقرأ أيضاً: أردوغان رسم خطا أحمر أمام فلاديمير بوتين"]
    counts = Counter()
    assert clean_paragraphs(body, "en", counts).paragraphs == STORY["en"]
    assert counts == Counter({"related_line": 1})


def test_credit_and_byline_patterns_only_count_near_the_edges():
    # "Source: …" or "By …" in the middle of a long story is story text (a chart note, a quote)
    story = [f"Paragraph {n} of the council budget story, with enough words to be text." for n in range(8)]
    for line in ("Source: Reuters", "By Jane Doe"):
        body = [*story[:4], line, *story[4:]]
        result = clean_paragraphs(body, "en")
        assert result.paragraphs == body
        assert not result.credits and not result.bylines


def test_long_lines_are_never_removed():
    line = "Read more: " + " ".join(["the council budget debate went on for hours"] * 20)
    assert clean_paragraphs([line], "en").paragraphs == [line]


# Short story lines that look like boilerplate at a glance; at the top or the end of a body
# (where credit and byline patterns apply too) they must stay.
LOOK_ALIKES = [
    ("en", "By 2030, the city wants to be carbon neutral."),
    ("en", "More than 300 people attended the hearing."),
    ("en", "Related charges were dropped in May."),
    ("en", "Advertising revenue fell 5% in the quarter."),
    ("en", "Sign up sheets were posted at the door."),
    ("en", "Share prices rose 3% on Tuesday."),
    ("en", "Photos by the dozen were posted online."),
    ("en", "Comments were closed after the vote."),
    ("en", "Agree"),
    ("en", "Breaking the deadlock took three rounds of talks."),
    ("en", "Follow-up talks are planned for June."),
    ("de", "Von der Leyen sagte am Dienstag, die Gespräche gingen weiter."),
    ("de", "Ablehnen"),
    ("de", "Anzeigen gegen den Betreiber liegen bereits vor."),
    ("fr", "Par ailleurs, le maire a annoncé un nouveau plan."),
    ("fr", "Partager les richesses reste la priorité du gouvernement."),
    ("es", "Por qué el alcalde cambió de opinión sigue sin aclararse."),
    ("es", "Compartir el poder no será fácil, dijo el alcalde."),
    ("ar", "وأجرت الإصلاحات العاجلة تغييرات واسعة في الوزارة."),
    ("ar", "كتب الرئيس رسالة إلى الأمين العام للأمم المتحدة"),
    ("ar", "موافق"),
    ("ar", "شارك آلاف المواطنين في المظاهرة يوم الجمعة."),
    ("ar", "المزيد من الضحايا سقطوا في القصف الليلة الماضية."),
]


@pytest.mark.parametrize("language,line", LOOK_ALIKES, ids=[f"{c[0]}-{c[1][:20]}" for c in LOOK_ALIKES])
def test_short_look_alike_lines_stay_at_the_edges(language, line):
    for body in ([line, *STORY[language]], [*STORY[language], line], [line]):
        result = clean_paragraphs(body, language)
        assert result.paragraphs == body, result.removed
