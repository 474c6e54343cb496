"""Bylines: is this line a byline, whom does it name, and which of those are people.

The one home of byline reading, for every stage that meets one:
- extraction: author values of JSON-LD, meta tags and byline elements (`split_names`,
  `from_jsonld`), a labelled byline line elsewhere on the page (`read_byline`);
- cleaning: byline lines at the edges of the body, which extraction leaves in the body for
  cleaning to move into `authors` (`read_byline`), and labels left on author names
  (`strip_label`);
- both: authors are people (`people_and_organisations`): news agencies, the site's own
  names, names made with an organisation word go to `credit`; UI strings are dropped.

Phrases (labels, separators, particles, roles, words that are never names) are in
bylines.toml; agencies, organisation words and UI strings in organisations.toml.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Optional

# Through importlib.resources: the package may run from a zipped egg (scrapyd).
_DATA = resources.files("newscrawl.bylines")


def _load(name: str) -> dict:
    with _DATA.joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _phrases() -> dict:
    data = _load("bylines.toml")
    agencies = _load("organisations.toml")["agencies"]
    labels, colon_labels = _alternation(data["labels"]), _alternation(data["colon_labels"])
    any_label = _alternation(data["labels"] + data["colon_labels"])
    return {
        # "By Jane Doe", "Autorin/Autor Roman Goncharenko", "责编：牛镛、岳弘彬"
        "line_label": re.compile(
            r"^(?:(?:%s)(?:\s*/\s*(?:%s))*(?:\s*[:\-–—]\s*|\s+)|(?:%s)(?:\s*/\s*(?:%s))*\s*[:\-–—]\s*)"
            % (labels, any_label, colon_labels, any_label), re.I),
        "value_prefix": re.compile(r"^(?:%s)(?=\W|$)\s*[:\-–—]?\s*"
                                   % _alternation(data["labels"] + data["colon_labels"] + data["value_prefixes"]),
                                   re.I),
        "separator": re.compile(r"\s*(?:[,;/|،、，•·]|\n|%s)\s*" % _alternation(data["separators"]), re.I),
        "particles": {p.casefold() for p in data["particles"]},
        "not_names": re.compile(_alternation(data["not_names"]), re.I),
        "roles": {r.casefold() for r in data["roles"]},
        "section_paths": {p.casefold() for p in data["section_paths"]},
        "agency_tail": re.compile(r"^(.+?\S)\s+(%s)$" % _alternation(agencies)),
    }


@lru_cache(maxsize=1)
def _organisations() -> dict:
    data = _load("organisations.toml")

    def words_re(words: Iterable[str]) -> re.Pattern:
        return re.compile(r"(?<!\w)(?:%s)(?!\w)" % _alternation(w.casefold() for w in words))

    ui = list(data["ui_strings"])
    return {"agencies": {_compact(a) for a in data["agencies"]},
            # "Associated Press in Valencia", "Reuters and AFP"
            "agency_phrase": re.compile(r"^(?:%s)\s+(?:in|and|und|et|y|with|from)\b" % _alternation(data["agencies"]),
                                        re.I),
            # "AP Auto Writer", "Associated Press Writer": the agency's role line
            "agency_role": re.compile(r"^(?:%s)(?:\s+\S+){0,2}?\s+(?:%s)$" % (
                _alternation(data["agencies"]), _alternation(_load("bylines.toml")["roles"])), re.I),
            "org_words": words_re(data["organisation_words"]),
            "ui_phrases": words_re(w for w in ui if " " in w),
            "ui_words": {_compact(w) for w in ui}}


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


# --- is this line a byline ---------------------------------------------------------------

_LINE_EDGES = " \t.,;:-–—|•·*()[]{}«»\"'“”"
# a byline's tail after its names: "By Jane Doe | Politics", "Von Anna Müller - Berlin"
_TAIL = re.compile(r"\s*[|•·/]\s*[^|•·]{1,40}$|\s+[-–—]\s+[^|•·]{1,40}$")
# Initials aside ("J. Doe"), sentence punctuation or digits mean the value is no list of names.
_SENTENCE_PUNCT = re.compile(r"[.!?؟:؛\d]")
_INITIALS = re.compile(r"\b\w{1,2}\.")


def looks_like_name(name: str) -> bool:
    """In scripts with letter case every word of a name but its particles is capitalised
    ("Ursula von der Leyen"); "the end of the year", "Themen bearbeiten" are no names."""
    particles = _phrases()["particles"]
    cased = [w for w in name.split() if w[0].isalpha() and w[0].lower() != w[0].upper()]
    return not any(w[0].islower() and w.casefold() not in particles for w in cased)


def read_byline(line: str) -> Optional[list[str]]:
    """The names a byline line gives ("By Jane Doe and John Roe" -> ["Jane Doe", "John Roe"]),
    or None when the line is no byline: it has no byline label, or what follows the label
    does not read as names ("By the end of the year", "Von den 116 Verletzten")."""
    text = " ".join(unicodedata.normalize("NFKC", line or "").split()).strip(_LINE_EDGES)
    if not text or len(text) > 160:
        return None
    m = _phrases()["line_label"].match(text)
    if not m:
        return None
    value = text[m.end():]
    tail = _TAIL.search(value)
    if tail and tail.start() >= 2:
        value = value[:tail.start()]
    value = value.strip(_LINE_EDGES)
    if not value or len(value) > 120 or _SENTENCE_PUNCT.search(_INITIALS.sub("", value)):
        return None
    names = []
    for part in _phrases()["separator"].split(value):
        part = part.strip(_LINE_EDGES)
        if not part:
            continue
        words = part.split()
        if len(words) > 6 or not looks_like_name(part):
            return None
        if len(words) < 2 and any(ch.isalpha() and ch.lower() != ch.upper() for ch in part) and not part.isupper():
            return None  # "By Monday": one capitalised word is too weak for a name
        names.append(part)
    return names or None


def strip_label(name: str) -> str:
    """An author name without the byline labels left on it ("By Jane Doe" -> "Jane Doe"); a
    label under a label ("إعداد: Von …") comes off too, so stripping twice changes nothing."""
    for _ in range(4):
        names = read_byline(name)
        if not names or len(names) != 1 or names[0] == name:
            break
        name = names[0]
    return name


# --- whom does a value name --------------------------------------------------------------

_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_PARENS = re.compile(r"\s*[\(\[][^)\]]*[\)\]]\s*")
_WEEKDAYS = (r"(?:ال)?(?:أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|سبت)|monday|tuesday|wednesday|thursday"
             r"|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag")
_WEEKDAY = re.compile(r"\s+(?:%s)\b.*$" % _WEEKDAYS, re.I)
_MONTHS = (r"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
           r"|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|dezember")
_MONTH_TAIL = re.compile(r"\s+(?:%s)\.?\s+\d.*$" % _MONTHS, re.I)
# "…, November 18, 2019" split at its commas leaves a month or weekday alone
_CALENDAR_WORD = re.compile(r"(?:%s|%s)\.?" % (_MONTHS, _WEEKDAYS), re.I)
# CMS account names, not people: "admin", "jdadmin", "webmaster", "Anonymous".
_ACCOUNT = re.compile(r"^(?:\w*admin\w*|webmaster|root|guest|anonymous|anonym|unknown|user\d*|editor\d+)$", re.I)
_STATUS_WORD = re.compile(r"\s+(?:stand|updated|update|aktualisiert|veröffentlicht|published|posted|mis à jour|publié"
                          r"|actualizado|publicado|aggiornato|pubblicato)\b.*$", re.I)
_DATEISH = re.compile(r"\d{1,4}[./:-]\d{1,2}|\b(?:19|20)\d{2}\b")



def _clean_one(name: str) -> Optional[str]:
    phrases = _phrases()
    name = unicodedata.normalize("NFKC", name)
    name = _URL.sub(" ", _EMAIL.sub(" ", name))
    name = _HANDLE.sub(" ", name)
    name = _PARENS.sub(" ", name)
    name = re.sub(r"\s*[(\[].*$", "", name)  # an unclosed parenthesis: the rest is not the name
    name = _MONTH_TAIL.sub("", name)  # "Associated Press November 19, 2019"
    name = re.sub(r"\s\d.*$", "", name)  # "Jane Doe 30 August 2023": a date glued to the byline
    name = _WEEKDAY.sub("", name)
    name = _STATUS_WORD.sub("", name)
    name = " ".join(name.split()).strip(" .,:;-–—|·•\"'“”„«»")
    for _ in range(2):
        stripped = phrases["value_prefix"].sub("", name).strip(" .,:;-–—|")
        if stripped == name:
            break
        name = stripped
    if not name or len(name) < 2 or len(name) > 60:
        return None
    if phrases["not_names"].search(name) or _DATEISH.search(name) or _CALENDAR_WORD.fullmatch(name):
        return None
    if len(name.split()) > 6:
        return None
    if all(word.casefold().strip(".,") in phrases["roles"] for word in name.split()):
        return None
    if _ACCOUNT.match(name):
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name


def _is_place_like(name: str) -> bool:
    """One capitalised word that is no acronym and no agency: "Sweidah", "Washington"
    (not "AFP", "dpa", nor initials such as "kesm")."""
    return (len(name.split()) == 1 and name[0].isupper() and not name.isupper()
            and _compact(name) not in _organisations()["agencies"])


def split_names(text: str) -> list[str]:
    """The names in an author value ('By Jane Doe and John Roe, Reuters' -> ['Jane Doe',
    'John Roe', 'Reuters']): a meta tag, a JSON-LD name, a byline element's text."""
    if not text:
        return []
    phrases = _phrases()
    text = " ".join(text.replace("\u00a0", " ").split())
    text = phrases["value_prefix"].sub("", text.strip())
    out = []
    for part in phrases["separator"].split(text):
        cleaned = _clean_one(part)
        if not cleaned:
            continue
        glued = phrases["agency_tail"].match(cleaned)
        if glued and len(glued.group(1).split()) >= 2:  # "ERIC TUCKER Associated Press"
            out.extend([glued.group(1), glued.group(2)])
        else:
            out.append(cleaned)
    if len(out) > 1:
        # "Monika Bolliger und Anna Trechsel, Sweidah", "Reuters, Washington": beside other
        # names one capitalised word is a dateline's place ("…, dpa", "…, AFP" stay: credits)
        out = [n for n in out if not _is_place_like(n)]
    return out


def is_section_link(href: str) -> bool:
    """A link to a section or topic page ("/news/category/29/…"): inside a byline element
    its text is the section's name, not an author's."""
    path = re.sub(r"^[a-z]+://[^/]+", "", (href or "").casefold())
    return any(segment in _phrases()["section_paths"] for segment in re.split(r"[/?#]", path))


def dedupe(names: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for name in names:
        key = " ".join(re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFKC", name).casefold()).split())
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _flat(value: Any) -> list:
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(_flat(item))
        return out
    return [value]


def from_jsonld(value: Any, resolve) -> tuple[list[str], list[str]]:
    """(names in order, the organisations among them) from a JSON-LD author/creator value."""
    names: list[str] = []
    orgs: list[str] = []
    for item in _flat(value):
        item = resolve(item)
        if isinstance(item, str):
            if item.startswith(("http://", "https://")):
                continue
            names.extend(split_names(item))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = next((n for n in name if isinstance(n, str)), None)
            if not isinstance(name, str):
                given, family = item.get("givenName"), item.get("familyName")
                name = " ".join(x for x in (given, family) if isinstance(x, str)) or None
            if not isinstance(name, str) or not name.strip():
                continue
            types = item.get("@type")
            types = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
            # a Person typed Organization too (some CMS plugins do) is a person
            if types & {"organization", "newsmediaorganization", "corporation", "newsagency"} and "person" not in types:
                cleaned = _clean_one(name)
                if cleaned:
                    orgs.append(cleaned)
                    names.append(cleaned)
            else:
                names.extend(split_names(name))
    return names, orgs


# --- people or organisations -------------------------------------------------------------

_DOMAIN_LIKE = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}$", re.I)


def is_domain_like(name: str) -> bool:
    return bool(_DOMAIN_LIKE.match(name.strip()))


def is_site_name(name: str, site_names: Iterable[str]) -> bool:
    """The publisher itself given as the author ("mdr.de", "n-tv NACHRICHTEN")."""
    compact = re.sub(r"[\W_]+", "", name.casefold())
    if not compact:
        return True
    if _DOMAIN_LIKE.match(name.strip()):
        return True
    for site in site_names:
        site = re.sub(r"[\W_]+", "", site.casefold())
        if len(site) >= 3 and (site in compact or compact in site):
            return True
    return False


# one upper-case word of two to six letters: an organisation's acronym ("Sandee LaMotte, CNN")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,5}")


def is_ui_string(name: str) -> bool:
    """Interface text caught with a byline: "Sign In", "Developed By Example Studio"."""
    org = _organisations()
    return _compact(name) in org["ui_words"] or bool(org["ui_phrases"].search(name.casefold()))


def is_organisation(name: str, site_names: Iterable[str] = ()) -> bool:
    """A news agency (also in its role line, "AP Auto Writer"), an acronym ("CNN"), the site
    itself (og:site_name, publisher, domain) or a name made with an organisation word
    ("Agencia EFE", "وكالة عربي اليوم الإخبارية", "MDR SACHSEN-ANHALT")."""
    org = _organisations()
    if _compact(name) in org["agencies"] or is_domain_like(name) or org["agency_phrase"].match(name) \
            or org["agency_role"].match(name) or _ACRONYM.fullmatch(name):
        return True
    if org["org_words"].search(unicodedata.normalize("NFKC", name).casefold()):
        return True
    return is_site_name(name, site_names)


def people_and_organisations(names: Iterable[str], site_names: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """Split candidate author names into people and organisations; UI strings are dropped."""
    site_names = list(site_names)
    people: list[str] = []
    orgs: list[str] = []
    for name in names:
        if not name or is_ui_string(name) or _only_organisation_words(name):
            continue
        (orgs if is_organisation(name, site_names) else people).append(name)
    return people, orgs


def _only_organisation_words(name: str) -> bool:
    """"Nachrichten", "News Desk": a CMS account named with organisation words only names
    no one (an agency's name, "Agencies", is kept)."""
    org = _organisations()
    words = unicodedata.normalize("NFKC", name).casefold().split()
    return _compact(name) not in org["agencies"] and all(org["org_words"].fullmatch(w) for w in words)
