"""newscrawl/bylines: byline lines, the names in author values, people vs organisations."""
import pytest

from newscrawl.bylines import (dedupe, from_jsonld, is_section_link, is_site_name, people_and_organisations,
                               read_byline, split_names, strip_label)


@pytest.mark.parametrize("text, names", [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Von Anna Müller und Peter Kurz", ["Anna Müller", "Peter Kurz"]),
    ("By STEVE PEOPLES, THOMAS BEAUMONT and AMELIA THOMSON-DEVEAUX",
     ["STEVE PEOPLES", "THOMAS BEAUMONT", "AMELIA THOMSON-DEVEAUX"]),
    ("Jane Doe (@janedoe)", ["Jane Doe"]),
    ("jane.doe@example.com", []),
    ("By Madeleine Howell 30 August 2023 • 4:45pm", ["Madeleine Howell"]),
    ("von David Straub, MDR THÜRINGEN Stand: 28. April 2023", ["David Straub", "MDR THÜRINGEN"]),
    ("Staff writers", []),
    ("Updated 3 May 2024", []),
    ("Par Claire Martin", ["Claire Martin"]),
    ("بقلم: أحمد علي", ["أحمد علي"]),
    ("كتب - محمد حسن", ["محمد حسن"]),
    ("إعداد: وكالة عربي اليوم الإخبارية", ["وكالة عربي اليوم الإخبارية"]),
    ("كتبت: سارة محمود", ["سارة محمود"]),
    ("بقلم: رنا يوسف الاثنين 17 أغسطس 2020", ["رنا يوسف"]),
    ("Miguel A. Herguedas", ["Miguel A. Herguedas"]),
    ("By ERIC TUCKER Associated Press", ["ERIC TUCKER", "Associated Press"]),
    ("Associated Press November 19, 2019", ["Associated Press"]),
    ("Anna May", ["Anna May"]),
    ("admin", []),
    ("By jdadmin", []),
    ("Текст: Венера Ерофеева", ["Венера Ерофеева"]),
    # a dateline's place after the names is no author; an agency there is kept (for credit)
    ("Monika Bolliger und Anna Trechsel, Sweidah", ["Monika Bolliger", "Anna Trechsel"]),
    ("Felix Schröder und Jörg Soldwisch, dpa", ["Felix Schröder", "Jörg Soldwisch", "dpa"]),
    ("Jane Doe, AFP", ["Jane Doe", "AFP"]),
    ("Reuters, Washington, Nov 20 2019, 11:06am ist", ["Reuters"]),
    ("By Mike Wuerthele and Malcolm Owen Monday, November 18, 2019, 04:05 pm PT", ["Mike Wuerthele", "Malcolm Owen"]),
])
def test_split_names(text, names):
    assert split_names(text) == names


def test_dedupe_ignores_case_and_punctuation():
    assert dedupe(["Jane Doe", "JANE DOE", "Jane  Doe.", "John Roe"]) == ["Jane Doe", "John Roe"]


def test_jsonld_authors_persons_and_organisations():
    graph = {"#p": {"@type": "Person", "@id": "#p", "name": "Ann Weller"}}
    value = [{"@id": "#p"}, [{"@type": "Person", "name": "Tom Hart"}], {"@type": "Organization", "name": "dpa"},
             "https://example.com/author/x", {"@type": "Person", "givenName": "Lea", "familyName": "Wagner"},
             {"@type": ["Person", "Organization"], "name": "Kyle Wiggers"}]
    names, orgs = from_jsonld(value, lambda v: graph.get(v.get("@id"), v) if isinstance(v, dict) and "@id" in v else v)
    assert names == ["Ann Weller", "Tom Hart", "dpa", "Lea Wagner", "Kyle Wiggers"]
    assert orgs == ["dpa"]


def test_site_name_detection():
    sites = ["n-tv", "n-tv.de", "ntv"]
    assert is_site_name("n-tv NACHRICHTEN", sites)
    assert is_site_name("mdr.de", [])
    assert not is_site_name("Seb Dumitru", sites)


@pytest.mark.parametrize("names, sites, people, orgs", [
    (["Jane Doe", "AFP"], [], ["Jane Doe"], ["AFP"]),
    (["وكالة عربي اليوم الإخبارية"], ["عربي اليوم"], [], ["وكالة عربي اليوم الإخبارية"]),
    (["Sign In", "Sign Up", "Developed By Example Studio"], [], [], []),
    (["Associated Press in Valencia"], [], [], ["Associated Press in Valencia"]),
    (["The Example Magazine", "Tom Press", "Anna Post"], ["example"], ["Tom Press", "Anna Post"], ["The Example Magazine"]),
    (["Agencia EFE", "María R. Sahuquillo"], ["elpais"], ["María R. Sahuquillo"], ["Agencia EFE"]),
    (["example.com"], [], [], ["example.com"]),
    (["Nachrichten", "News Desk", "Agencies"], [], [], ["Agencies"]),
    (["TOM KRISHER", "AP Auto Writer", "Sandee LaMotte", "CNN"], [], ["TOM KRISHER", "Sandee LaMotte"],
     ["AP Auto Writer", "CNN"]),
])
def test_people_and_organisations(names, sites, people, orgs):
    assert people_and_organisations(names, sites) == (people, orgs)


def test_sign_in_sign_up_byline_gives_no_author():
    assert people_and_organisations(split_names("Sign In / Sign Up"), []) == ([], [])


@pytest.mark.parametrize("line, names", [
    ("By Jane Doe", ["Jane Doe"]),
    ("By Jane Doe and John Roe | Politics", ["Jane Doe", "John Roe"]),
    ("Von Katja Belousova", ["Katja Belousova"]),
    ("Par Jean Dupont", ["Jean Dupont"]),
    ("Por Juan Pérez", ["Juan Pérez"]),
    ("Autorin/Autor Roman Goncharenko", ["Roman Goncharenko"]),
    ("(责编：牛镛、岳弘彬)", ["牛镛", "岳弘彬"]),
    ("إعداد: وكالة عربي اليوم الإخبارية", ["وكالة عربي اليوم الإخبارية"]),
    ("كتبت: سارة محمود", ["سارة محمود"]),
    ("By AFP", ["AFP"]),
    # story sentences that open with a byline word
    ("By the end of the year, the plan will be in place.", None),
    ("By Monday", None),
    ("Von den 116 Verletzten sind noch 80 im Krankenhaus.", None),
    ("Par ailleurs, le maire a annoncé un nouveau plan.", None),
    ("Por qué el alcalde cambió de opinión sigue sin aclararse.", None),
    ("بقلم الرصاص وقع الوزير على الاتفاق أمام الصحفيين في القاهرة.", None),
    ("كتب الرئيس رسالة إلى البرلمان", None),  # "كتب" is a label only with a colon
    ("Text messages were sent to every resident", None),
    ("Themen bearbeiten", None),
])
def test_read_byline(line, names):
    assert read_byline(line) == names


def test_strip_label_keeps_a_name_without_label():
    assert strip_label("By Jane Doe") == "Jane Doe"
    assert strip_label("Jane Doe") == "Jane Doe"
    assert strip_label("By Jane Doe and John Roe") == "By Jane Doe and John Roe"  # two names: not one author
    assert strip_label("إعداد: Von Jane Doe") == "Jane Doe"  # a label under a label: stripping is idempotent


def test_section_links():
    assert is_section_link("/news/category/29/منوعات/ar")
    assert is_section_link("https://example.com/thema/ukraine")
    assert not is_section_link("https://example.com/autoren/jane-doe")
    assert not is_section_link(None)
