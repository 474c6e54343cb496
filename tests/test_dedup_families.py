"""Near-duplicate families (exported once) and hard negatives (kept apart), on small
hand-written stories; plus the whole dedup-dev set when /work/shared is present."""
import json
import unicodedata
from pathlib import Path


from newscrawl.dedup.deduplicator import Deduplicator
from newscrawl.dedup.fingerprint import exact_fingerprint, normalize_text, tokens
from newscrawl.items import Article
from conftest import missing_eval_data

HARBOUR = [
    "The city council voted on Tuesday to reopen the old harbour to passenger ferries after a "
    "closure of nearly six years, ending a long dispute over the cost of repairing the sea wall.",
    "Mayor Ellen Brandt said the decision would bring visitors back to the waterfront and give "
    "residents of the northern islands a faster route to the hospital and the schools in town.",
    "Engineers found last spring that the wall had been weakened by storms in 2019 and 2021, and "
    "the council set aside 14 million euros for the work, which is due to be finished in March.",
    "Opposition members questioned whether the ferry operator would keep fares low once the "
    "service resumed, pointing to price increases on other routes along the coast last year.",
    "The operator, Nordlink, said it would run four crossings a day in winter and eight in summer, "
    "with discounts for students, pensioners and people who travel for medical appointments.",
    "Shopkeepers on the quay welcomed the vote. Several of them said their takings had fallen by "
    "half since the ferries stopped, and that some neighbours had closed for good during the wait.",
]
ELECTION = [
    "Voters in the eastern province go to the polls on Sunday in an election that is widely seen "
    "as a test for the governing coalition ahead of next year's national vote.",
    "Polls suggest the centre-left party could lose its majority in the regional assembly for the "
    "first time in two decades, as support for two newer parties has grown among younger voters.",
    "The campaign has been dominated by housing costs, the closure of a large steel plant and a "
    "row over plans to build a wind farm on farmland near the provincial capital.",
    "Turnout was 61 per cent at the last regional election. Officials said postal votes had risen "
    "sharply this time, with more than 300,000 requests by the end of last week.",
    "Results are expected late on Sunday evening, although counting in some rural districts may "
    "continue into Monday morning because of the number of postal ballots.",
]
FOLLOWUP_NEW = [
    "On Monday the first ferry in six years left the harbour at dawn, carrying 140 passengers and "
    "a brass band that played on the upper deck as the boat passed the lighthouse.",
    "Several passengers said they had waited for the crossing since childhood trips to the "
    "islands, and a few had brought photographs of the last departure in 2018 to show the crew.",
    "Nordlink said the morning crossings were fully booked for the coming week and that it was "
    "considering an extra late-evening sailing at weekends if demand stayed high.",
    "The harbour master warned that work on the southern pier would continue until the summer "
    "and asked drivers to use the temporary car park behind the old customs house.",
]
ABOUT_AGENCY = (
    "About the Coastal News Agency: The Coastal News Agency is an independent news service based "
    "in Kiel that has supplied newspapers, broadcasters and online publishers across northern "
    "Europe since 2004 with reports, features and photographs. Its editors work to the press code, "
    "and requests about licences, subscriptions or corrections can be sent to the newsroom at any time."
)


def story(id, paragraphs, title, url=None, date="2024-05-03T10:00:00+00:00"):
    return Article(id=id, url=url or f"https://site-{id}.example/news/{id}", title=title,
                   body="\n\n".join(paragraphs), source=f"site {id}", date=date)


def run(articles):
    dedup = Deduplicator()
    decisions = {a.id: dedup.process(a) for a in articles}
    return decisions


def kept(decisions):
    return sorted(i for i, d in decisions.items() if d.exported)


ORIGINAL = story("a", HARBOUR, "Council votes to reopen harbour to ferries after six years")
OTHER = story("b", ELECTION, "Eastern province votes in test for coalition")


# --- positives: one story, several copies ------------------------------------------------------

def test_exact_copy_and_unicode_only_edit_are_exact_duplicates():
    edited = [p.replace(" ", "  ").replace("'", "\u2019").replace("harbour", "har\u00adbour") for p in HARBOUR]
    edited = [unicodedata.normalize("NFD", p.replace("six", "six\u200b")) for p in edited]
    copy = story("c", edited, ORIGINAL.title)
    assert exact_fingerprint(copy.body) == exact_fingerprint(ORIGINAL.body)
    decisions = run([ORIGINAL, OTHER, copy])
    assert kept(decisions) == ["a", "b"]
    assert decisions["c"].reason == "exact" and decisions["c"].duplicate_of == "a"


def test_wire_copy_with_dateline_credit_and_new_headline():
    body = ["KIEL (Reuters) - " + HARBOUR[0]] + HARBOUR[1:] + ["Reporting by Jan Berg; Editing by Kim Hale"]
    wire = story("w", [p.replace("\u2019", "'") for p in body], "UPDATE 1-Council votes to reopen old harbour | Daily Coast",
                 date="2024-05-03T18:30:00+00:00")
    decisions = run([ORIGINAL, OTHER, wire])
    assert kept(decisions) == ["a", "b"]
    assert decisions["w"].reason == "near-duplicate" and decisions["w"].similarity > 0.9


def test_lightly_edited_copy_sentence_changed_and_update_paragraph():
    body = list(HARBOUR)
    body[2] = body[2].replace("14 million", "15 million").replace(", and the council", "; the council")
    body[4] = body[4].replace("four crossings", "five crossings")
    body.append("Update: An earlier version of this story gave the wrong date for the vote.")
    edit = story("e", body, ORIGINAL.title)
    decisions = run([ORIGINAL, OTHER, edit])
    assert kept(decisions) == ["a", "b"]
    assert decisions["e"].duplicate_of == "a"


def test_abridged_copy_either_order():
    abridged = story("s", HARBOUR[:4], "Council votes to reopen harbour after six years")
    assert kept(run([ORIGINAL, abridged])) == ["a"]
    decisions = run([abridged, ORIGINAL])
    assert kept(decisions) == ["s"] and decisions["a"].reason in {"abridged", "near-duplicate"}


def test_arabic_copy_with_letter_variants_tatweel_and_harakat():
    text = ["أعلنت وزارة الصحة المصرية يوم الأحد عن افتتاح مستشفى جديد في محافظة أسيوط بطاقة استيعابية تصل إلى مئتي سرير",
            "وقال الوزير إن المستشفى سيخدم أكثر من مليون مواطن في القرى المجاورة وسيضم قسما للطوارئ ووحدة للعناية المركزة",
            "وأضاف أن الحكومة تخطط لافتتاح ثلاثة مستشفيات أخرى في صعيد مصر خلال العام المقبل ضمن برنامج تطوير الخدمات الصحية"]
    variant = [p.replace("أ", "ا").replace("إ", "ا").replace("ة ", "ه ").replace("الصحة", "الصحـــة")
               .replace("مستشفى", "مُستشفى") for p in text]
    assert normalize_text("الصحـــة مُستشفى أعلنت") == normalize_text("الصحه مستشفي اعلنت")
    original = story("ar1", text, "افتتاح مستشفى جديد في أسيوط")
    copy = story("ar2", ["القاهرة - (وكالات): " + variant[0]] + variant[1:] + ["مصدر الأخبار: عربي اليوم + وكالات."],
                 "افتتاح مستشفى جديد في اسيوط")
    assert kept(run([original, copy])) == ["ar1"]


def test_text_without_spaces_uses_character_shingles():
    ja = ["東京都は三日、新しい防災計画を発表した。大規模な地震に備えて、避難所の数を増やし、備蓄食料を見直す。",
          "計画では、二〇三〇年までに都内の全ての小学校に非常用発電機を設置する。費用は約四百億円を見込む。",
          "知事は記者会見で「都民の命を守るための投資だ」と述べ、区市町村と連携して訓練を重ねる考えを示した。"]
    assert tokens("東京都は")[:3] == ["東", "京", "都"]
    original = story("ja1", ja, "東京都、新防災計画を発表")
    abridged = story("ja2", ja[:2], "東京都、新防災計画を発表")
    other = story("ja3", ["大阪府は三日、新しい観光戦略を発表した。海外からの旅行者を増やすため、案内表示を多言語化する。",
                          "府によると、昨年の訪問者数は過去最多となり、宿泊施設の不足が課題となっている。"],
                  "大阪府、観光戦略を発表")
    assert kept(run([original, abridged, other])) == ["ja1", "ja3"]


# --- hard negatives: distinct stories that look alike ------------------------------------------

def test_follow_up_reusing_background_paragraphs_is_kept():
    follow_up = story("f", HARBOUR[:2] + FOLLOWUP_NEW, "First ferry in six years leaves the harbour",
                      date="2024-05-05T08:00:00+00:00")
    assert kept(run([ORIGINAL, follow_up])) == ["a", "f"]
    assert kept(run([follow_up, ORIGINAL])) == ["a", "f"]


def test_short_stories_sharing_a_boilerplate_paragraph_are_kept():
    one = story("p1", [HARBOUR[0] + " " + HARBOUR[1], ABOUT_AGENCY], "Harbour to reopen")
    two = story("p2", [ELECTION[0] + " " + ELECTION[1], ABOUT_AGENCY], "Province votes on Sunday")
    three = story("p3", [FOLLOWUP_NEW[0] + " " + FOLLOWUP_NEW[1], ABOUT_AGENCY], "First ferry leaves")
    copy_of_two = story("p4", ["BERLIN (dpa) - " + ELECTION[0] + " " + ELECTION[1], ABOUT_AGENCY, "(dpa/AFP)"],
                        "Province votes on Sunday | Coast Daily")
    assert kept(run([one, two, three, copy_of_two])) == ["p1", "p2", "p3"]


TEMPLATE = ("A {age}-year-old {who} was taken to hospital with {injury} injuries after a collision on "
            "the {road} near {town} on {day} night. The road was closed in both directions for {hours} "
            "hours while emergency crews worked at the scene, police said. Witnesses and anyone with "
            "dashcam footage are asked to contact {force}.")


def _brief(id, **slots):
    values = dict(age=74, who="cyclist", injury="serious", road="A521", town="Ashford", day="Wednesday",
                  hours=7, force="Northvale Constabulary")
    values.update(slots)
    return story(id, [TEMPLATE.format(**values)], f"{values['who'].title()} hurt in {values['road']} crash near {values['town']}")


def test_short_template_stories_differing_in_three_slots_are_kept():
    briefs = [
        _brief("t1"),
        _brief("t2", age=31, town="Millbrook", road="B1040"),
        _brief("t3", who="motorcyclist", hours=3, day="Friday"),
        _brief("t4", injury="minor", town="Kelso", force="Border Police"),
    ]
    assert kept(run(briefs)) == ["t1", "t2", "t3", "t4"]


def test_short_template_story_copies_are_still_merged():
    original = _brief("t1")
    wire = story("t1w", ["ASHFORD (PA) - " + original.body, "(PA)"], original.title + " | Kent Live")
    other = _brief("t2", age=31, town="Millbrook", road="B1040")
    assert kept(run([original, other, wire])) == ["t1", "t2"]


# --- the dev set ---------------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "eval" / "dedup-dev"


def test_dedup_dev_no_leaks_no_losses():
    if not (DEV / "stories.jsonl").is_file():
        missing_eval_data(f"dedup-dev not found at {DEV}")
    clusters = json.loads((DEV / "clusters.json").read_text())["clusters"]
    where = {str(i): n for n, cl in enumerate(clusters) for i in cl}
    dedup = Deduplicator()
    kept_per_cluster = [0] * len(clusters)
    for line in open(DEV / "stories.jsonl", encoding="utf-8"):
        article = Article.from_dict(json.loads(line))
        if dedup.process(article).exported:
            kept_per_cluster[where[article.id]] += 1
    leaked = sum(max(0, k - 1) for k in kept_per_cluster)
    lost = sum(1 for k in kept_per_cluster if k == 0)
    assert (leaked, lost) == (0, 0)


def test_known_boilerplate_does_not_make_a_match():
    # three distinct stories carry the agency paragraph: it is now known boilerplate
    seen = [story("k1", HARBOUR[:3] + [ABOUT_AGENCY], "Harbour"), story("k2", ELECTION + [ABOUT_AGENCY], "Vote"),
            story("k3", FOLLOWUP_NEW + [ABOUT_AGENCY], "Ferry")]
    # two notices that are mostly that paragraph, with a few words of their own: on the text
    # alone they look like copies; the boilerplate veto keeps them apart
    brief1 = story("x1", ["Bridge closed until Friday.", ABOUT_AGENCY], "Agency notice")
    brief2 = story("x2", ["Library opens on Sundays.", ABOUT_AGENCY], "Agency notice")
    assert not run([brief1, brief2])["x2"].exported
    assert kept(run(seen + [brief1, brief2])) == ["k1", "k2", "k3", "x1", "x2"]


def test_heavily_abridged_copy_with_same_headline_is_merged_but_not_a_follow_up():
    # short lead paragraphs, long later ones: the first paragraphs are a small share of the text
    long_tail = [HARBOUR[0], HARBOUR[1], HARBOUR[2], " ".join(HARBOUR[3:] + FOLLOWUP_NEW + ELECTION[:2])]
    original = story("L", long_tail, "Council votes to reopen harbour to ferries after six years")
    abridged = story("La", long_tail[:3], "Council votes to reopen harbour to ferries after six years")
    assert kept(run([original, abridged])) == ["L"]
    follow_up = story("Lf", long_tail[:2], "First ferry in six years leaves the harbour", date="2024-05-05T08:00:00+00:00")
    assert kept(run([original, follow_up])) == ["L", "Lf"]
