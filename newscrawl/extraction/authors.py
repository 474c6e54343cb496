"""Author names from JSON-LD, meta tags and visible bylines: person names only."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Optional


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    with resources.files("newscrawl.extraction").joinpath("data/authors.toml").open("rb") as fh:
        data = tomllib.load(fh)
    prefixes = sorted(data["prefixes"], key=len, reverse=True)
    prefix_re = re.compile(r"^(?:%s)\b\s*[:：\-–—]?\s*" % "|".join(re.escape(p.rstrip(":")) for p in prefixes), re.I)
    seps = sorted(data["separators"], key=len, reverse=True)
    sep_re = re.compile(r"\s*(?:[,;/|،•·]|\n|%s)\s*" % "|".join(re.escape(s) for s in seps), re.I)
    not_names = re.compile("|".join(re.escape(w) for w in data["not_names"]), re.I)
    return {"prefix_re": prefix_re, "sep_re": sep_re, "not_names": not_names,
            "roles": {r.casefold() for r in data.get("roles", [])},
            "agency_tail": re.compile(r"^(.+?\S)\s+(%s)$" % "|".join(
                re.escape(a) for a in sorted(data.get("agencies", []), key=len, reverse=True)))}


@lru_cache(maxsize=1)
def _organisations() -> dict:
    with resources.files("newscrawl.extraction").joinpath("data/organisations.toml").open("rb") as fh:
        data = tomllib.load(fh)

    def words_re(words: Iterable[str]) -> re.Pattern:
        alts = sorted((re.escape(w.casefold()) for w in words), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(alts))

    ui = [w for w in data["ui_strings"]]
    agencies = sorted((re.escape(a) for a in data["agencies"]), key=len, reverse=True)
    return {"agencies": {_compact(a) for a in data["agencies"]},
            # "Associated Press in Valencia", "Reuters and AFP"
            "agency_phrase": re.compile(r"^(?:%s)\s+(?:in|and|und|et|y|with|from)\b" % "|".join(agencies), re.I),
            "org_words": words_re(data["organisation_words"]),
            "ui_phrases": words_re(w for w in ui if " " in w),
            "ui_words": {_compact(w) for w in ui}}


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def is_ui_string(name: str) -> bool:
    """Interface text caught with a byline: "Sign In", "Developed By Example Studio"."""
    org = _organisations()
    return _compact(name) in org["ui_words"] or bool(org["ui_phrases"].search(name.casefold()))


def is_organisation(name: str, site_names: Iterable[str] = ()) -> bool:
    """A news agency, the site itself (og:site_name, publisher, domain) or a name made with an
    organisation word ("Agencia EFE", "وكالة عربي اليوم الإخبارية", "MDR SACHSEN-ANHALT")."""
    org = _organisations()
    if _compact(name) in org["agencies"] or is_domain_like(name) or org["agency_phrase"].match(name):
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
        if not name or is_ui_string(name):
            continue
        (orgs if is_organisation(name, site_names) else people).append(name)
    return people, orgs


_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_PARENS = re.compile(r"\s*[\(\[][^)\]]*[\)\]]\s*")
_WEEKDAY = re.compile(
    r"\s+(?:(?:ال)?(?:أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|سبت)|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b.*$", re.I)
_MONTH_TAIL = re.compile(
    r"\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr"
    r"|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|dezember)\.?\s+\d.*$", re.I)
# CMS account names, not people: "admin", "jdadmin", "webmaster", "Anonymous".
_ACCOUNT = re.compile(r"^(?:\w*admin\w*|webmaster|root|guest|anonymous|anonym|unknown|user\d*|editor\d+)$", re.I)
_STATUS_WORD = re.compile(r"\s+(?:stand|updated|update|aktualisiert|veröffentlicht|published|posted|mis à jour|publié"
                          r"|actualizado|publicado|aggiornato|pubblicato)\b.*$", re.I)
_DATEISH = re.compile(r"\d{1,4}[./:-]\d{1,2}|\b(?:19|20)\d{2}\b")


def _clean_one(name: str) -> Optional[str]:
    lex = _lexicon()
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
        stripped = lex["prefix_re"].sub("", name).strip(" .,:;-–—|")
        if stripped == name:
            break
        name = stripped
    if not name or len(name) < 2 or len(name) > 60:
        return None
    if lex["not_names"].search(name) or _DATEISH.search(name):
        return None
    if len(name.split()) > 6:
        return None
    if all(word.casefold().strip(".,") in lex["roles"] for word in name.split()):
        return None
    if _ACCOUNT.match(name):
        return None
    if not any(ch.isalpha() for ch in name):
        return None
    return name


def split_names(text: str) -> list[str]:
    """'By Jane Doe and John Roe, Reuters' -> ['Jane Doe', 'John Roe', 'Reuters']."""
    if not text:
        return []
    lex = _lexicon()
    text = " ".join(text.replace("\u00a0", " ").split())
    text = lex["prefix_re"].sub("", text.strip())
    parts = lex["sep_re"].split(text)
    out = []
    for part in parts:
        cleaned = _clean_one(part)
        if not cleaned:
            continue
        glued = lex["agency_tail"].match(cleaned)
        if glued and len(glued.group(1).split()) >= 2:  # "ERIC TUCKER Associated Press"
            out.extend([glued.group(1), glued.group(2)])
        else:
            out.append(cleaned)
    return out


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
            if types & {"organization", "newsmediaorganization", "corporation", "newsagency"}:
                cleaned = _clean_one(name)
                if cleaned:
                    orgs.append(cleaned)
                    names.append(cleaned)
            else:
                names.extend(split_names(name))
    return names, orgs


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
