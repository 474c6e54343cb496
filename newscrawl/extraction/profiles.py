"""Site profiles: one declarative TOML file per site, in newscrawl/sites/ (bundled) or in
folders of your own (`NEWSCRAWL_PROFILES_DIR`, `--profiles DIR`).

    name = "Example News"                 # the publisher's name (used as `source`)
    domains = ["example.com"]             # registrable domains the profile applies to
    language = "ar"                       # ISO 639-1, trusted over markup and detection
    date_locale = "ar"                    # language of the visible date text
    timezone = "Africa/Cairo"             # the zone of dates the page gives without an offset

    # What a URL is, decided before the page is classified (and never overruled by it).
    # A pattern is a regular expression searched in the whole URL (as Scrapy's
    # Rule(allow=...)), or, with a "glob:" prefix, a shell pattern matched against the path.
    story_urls = ['/\\d{4}/\\d\\d/\\d\\d/[^/]+\\.html$']
    listing_urls = ["glob:/sezione/*"]
    ignore_urls = ["glob:/tag/*", "/video/"]   # never followed, never exported

    [match]                               # optional: recognise the site by its markup when it
    generator = "Example CMS 2"           # is served elsewhere (a local demo server, a mirror):
    site_name = "Example News"            # <meta name="generator"> / og:site_name, exact match
                                          # after case-fold; any one rule that matches is enough

    [selectors]                           # CSS selectors (XPath when they start with "/" or "("), all optional
    title = "h1.headline"
    body = "div.article-body"             # the story container(s)
    date = "time.published"               # element with a datetime/content attribute or date text
    authors = ".byline a.author"          # one element per author (or one byline to split)
    section = ".breadcrumb li:last-child"
    tags = ".tags a"
    image = "figure.lead img"             # its src (or content/href)
    remove = [".related", ".ad"]          # removed from the body container before reading it

    drop_lines = ['fehler gefunden\\?.{0,40}']  # optional: body lines of this site only (a box, a
                                          # prompt), regexes matched case-insensitively against
                                          # the WHOLE line; rules that fire on one publisher live
                                          # here, not in the generic marker files
    hint_only = true                      # optional: the profile gives no `source` name and does
                                          # not force the language (a profile for drop_lines only)

`profile` as passed to the body extractor is this dict as loaded, plus "file" (its file name)
and, at the top level, "body" and "remove" as lists of selectors (copied from [selectors]).

Every file is checked as a whole (`check_profile_text`): unknown keys (with a did-you-mean),
types, selectors and patterns compiled; each problem carries the file and line. A file that
fails is left out of `load_profiles` (logged) and stops a crawl before its first request.
"""
from __future__ import annotations

import difflib
import fnmatch
import logging
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Optional

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.urls import registrable_domain

logger = logging.getLogger(__name__)

SELECTOR_KEYS = ("title", "body", "date", "authors", "section", "tags", "image", "summary", "paywall")
URL_RULE_KEYS = ("story_urls", "listing_urls", "ignore_urls")
STRING_KEYS = ("name", "language", "date_locale", "timezone")
TOP_KEYS = (*STRING_KEYS, "domains", *URL_RULE_KEYS, "match", "selectors", "drop_lines", "hint_only")
MATCH_KEYS = ("generator", "site_name")
# What a URL rule makes of a URL (the page kinds of newscrawl.discovery.pages, and "ignore").
URL_KINDS = {"story_urls": "article", "listing_urls": "listing", "ignore_urls": "ignore"}


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class ProfileProblem:
    file: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


# --- selectors and patterns ---------------------------------------------------------------

def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "(", "./"))


@lru_cache(maxsize=512)
def css_xpath(css: str) -> etree.XPath:
    """A profile selector compiled: CSS, or XPath when it starts with "/" or "("."""
    if is_xpath(css):
        try:
            return etree.XPath(css.strip())
        except etree.XPathError as exc:
            raise ProfileError(f"bad XPath {css!r}: {exc}") from exc
    from cssselect import HTMLTranslator, SelectorError

    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(css))
    except SelectorError as exc:
        raise ProfileError(f"bad CSS selector {css!r}: {exc}") from exc


def select(tree: HtmlElement, css: str) -> list[HtmlElement]:
    return [el for el in css_xpath(css)(tree) if isinstance(el, HtmlElement)]


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern:
    """A URL rule: "glob:/path/*" matched against the URL's path (and query), else a regex
    searched in the whole URL."""
    if pattern.startswith("glob:"):
        return re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]*" + fnmatch.translate(pattern[5:]).removesuffix(r"\Z")
                          + r"(?:[?#].*)?\Z", re.I)
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProfileError(f"bad regular expression {pattern!r}: {exc}") from exc


def url_kind(profile: Optional[dict], url: str) -> Optional[str]:
    """What the profile's URL rules say a URL is: "ignore", "article", "listing", or None
    (no rule matches: the classifier decides). ignore_urls wins over story_urls over listing_urls."""
    if not profile:
        return None
    for key in ("ignore_urls", "story_urls", "listing_urls"):
        for pattern in profile.get(key) or ():
            if compile_pattern(pattern).search(url):
                return URL_KINDS[key]
    return None


def url_rule(profile: Optional[dict], url: str) -> Optional[tuple[str, str]]:
    """(key, pattern) of the first rule that matches, for `newscrawl explain`."""
    for key in ("ignore_urls", "story_urls", "listing_urls"):
        for pattern in (profile or {}).get(key) or ():
            if compile_pattern(pattern).search(url):
                return key, pattern
    return None


# --- checking a file ------------------------------------------------------------------------

def _line_of(lines: list[str], table: Optional[str], key: Optional[str]) -> Optional[int]:
    """The line of `key` in `[table]` (None: the top level), or of the table header."""
    current = None
    header_re = re.compile(r"^\s*\[\s*([^\]\s]+)\s*\]")
    key_re = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=") if key else None
    for number, text in enumerate(lines, 1):
        header = header_re.match(text)
        if header:
            current = header.group(1)
            if key is None and current == table:
                return number
            continue
        if key_re and current == table and key_re.match(text):
            return number
    return None


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_profile_text(text: str, origin: str = "<profile>") -> tuple[Optional[dict], list[ProfileProblem]]:
    """(the profile ready for use, or None; every problem found, with its line)."""
    lines = text.splitlines()
    problems: list[ProfileProblem] = []

    def problem(message: str, table: Optional[str] = None, key: Optional[str] = None) -> None:
        problems.append(ProfileProblem(origin, _line_of(lines, table, key) if (table or key) else None, message))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        return None, [ProfileProblem(origin, int(found.group(1)) if found else None, f"not valid TOML: {exc}")]

    for key in data:
        if key not in TOP_KEYS:
            hint = _did_you_mean(key, TOP_KEYS) or _did_you_mean(key, (*SELECTOR_KEYS, "remove")).replace(
                "?)", " under [selectors]?)")
            problem(f"unknown key {key!r}{hint}", None, key)
    for key in STRING_KEYS:
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            problem(f"{key!r} must be a non-empty string, not {type(data[key]).__name__}", None, key)
    if "name" not in data:
        problem("'name' is required (the publisher's name)")
    if isinstance(data.get("timezone"), str) and data["timezone"].strip():
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problem(f"unknown timezone {data['timezone']!r} (an IANA name such as 'Europe/Rome')", None, "timezone")
    domains = data.get("domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        problem("'domains' must be a list of strings", None, "domains")
        domains = None
    for key in URL_RULE_KEYS:
        patterns = data.get(key, [])
        if isinstance(patterns, str):
            patterns = data[key] = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            problem(f"{key!r} must be a list of patterns (strings)", None, key)
            data.pop(key, None)
            continue
        for pattern in patterns:
            try:
                compile_pattern(pattern)
            except ProfileError as exc:
                problem(f"{key}: {exc}", None, key)
    drop_lines = data.get("drop_lines", [])
    drop_lines_re = None
    if not isinstance(drop_lines, list) or not all(isinstance(d, str) for d in drop_lines):
        problem("'drop_lines' must be a list of regular expressions (strings)", None, "drop_lines")
    elif drop_lines:
        try:
            drop_lines_re = re.compile("|".join(f"(?:{d})" for d in drop_lines), re.I)
        except re.error as exc:
            problem(f"drop_lines: bad regular expression: {exc}", None, "drop_lines")
    if "hint_only" in data and not isinstance(data["hint_only"], bool):
        problem("'hint_only' must be true or false", None, "hint_only")
    match = data.get("match", {})
    if not isinstance(match, dict):
        problem("[match] must be a table", None, "match")
        match = {}
    for key, value in match.items():
        if key not in MATCH_KEYS:
            problem(f"unknown key 'match.{key}'{_did_you_mean(key, MATCH_KEYS)}", "match", key)
        elif not isinstance(value, str):
            problem(f"match.{key} must be a string", "match", key)
    if domains == [] and not match:
        problem("give 'domains' or a [match] rule, or the profile applies to no site")
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict):
        problem("[selectors] must be a table", None, "selectors")
        selectors = {}
    for key, value in selectors.items():
        if key == "remove":
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                problem("selectors.remove must be a selector or a list of selectors", "selectors", key)
                continue
        elif key in SELECTOR_KEYS:
            if not isinstance(value, str):
                problem(f"selectors.{key} must be one selector string (use commas for several)", "selectors", key)
                continue
            values = [value]
        else:
            problem(f"unknown key 'selectors.{key}'{_did_you_mean(key, (*SELECTOR_KEYS, 'remove'))}", "selectors", key)
            continue
        for selector in values:
            try:
                css_xpath(selector)
            except ProfileError as exc:
                problem(f"selectors.{key}: {exc}", "selectors", key)
    if problems:
        return None, sorted(problems, key=lambda p: p.line or 0)
    data["domains"] = [d.lower().strip() for d in domains or ()]
    data["match"] = match
    data["selectors"] = selectors
    remove = selectors.get("remove", [])
    if isinstance(remove, str):
        remove = selectors["remove"] = [remove]
    # What the body extractor reads: both as lists, at the top level.
    body = selectors.get("body")
    data["body"] = [body] if isinstance(body, str) else list(body or [])
    data["remove"] = list(remove)
    data["drop_lines_re"] = drop_lines_re  # what the body extractor reads
    return data, []


def load_profile_text(text: str, origin: str = "<profile>") -> dict:
    profile, problems = check_profile_text(text, origin)
    if problems:
        raise ProfileError(str(problems[0]))
    return profile


# --- where profiles live --------------------------------------------------------------------

def profile_dirs_setting(value: Any) -> tuple[str, ...]:
    """NEWSCRAWL_PROFILES_DIR as given: one folder, several separated by os.pathsep or commas, or a list."""
    if not value:
        return ()
    if isinstance(value, str):
        value = re.split(r"[,%s]" % re.escape(os.pathsep), value)
    return tuple(str(Path(v.strip()).expanduser()) for v in value if v and str(v).strip())


def _profile_files(dirs: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(shown name, file name, text) of every profile file: the given folders first (their
    profiles win over bundled ones for the same site), then the bundled ones."""
    files = []
    for folder in dirs:
        path = Path(folder)
        entries = [path] if path.is_file() else sorted(path.glob("*.toml"))
        for entry in entries:
            files.append((str(entry), entry.name, entry.read_text(encoding="utf-8")))
    bundled = resources.files("newscrawl.sites")  # a package, so it can be listed inside a zipped egg
    for entry in sorted(bundled.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            files.append((f"newscrawl/sites/{entry.name}", entry.name, entry.read_text(encoding="utf-8")))
    return files


def check_profiles(dirs: Iterable[str] = (), bundled: bool = True) -> list[ProfileProblem]:
    """Every problem of every profile file in `dirs` (and the bundled ones); a missing folder is one."""
    problems: list[ProfileProblem] = []
    dirs = tuple(dirs)
    for folder in dirs:
        if not Path(folder).exists():
            problems.append(ProfileProblem(folder, None, "no such profile folder or file"))
    files = _profile_files(tuple(d for d in dirs if Path(d).exists()))
    for shown, _name, text in files:
        if not bundled and shown.startswith("newscrawl/sites/"):
            continue
        problems.extend(check_profile_text(text, shown)[1])
    return problems


@lru_cache(maxsize=8)
def load_profiles(dirs: tuple[str, ...] = ()) -> tuple[dict, ...]:
    """The usable profiles: those of `dirs`, then the bundled ones. A file with problems is
    left out and logged (a crawl checks every file before it starts, see check_profiles)."""
    profiles = []
    for shown, name, text in _profile_files(tuple(d for d in dirs if Path(d).exists())):
        profile, problems = check_profile_text(text, shown)
        if problems:
            logger.error("site profile left out: %s", problems[0])
            continue
        profile["file"] = name
        profile["path"] = shown
        profiles.append(profile)
    return tuple(profiles)


def profile_named(name: str, dirs: tuple[str, ...] = ()) -> dict:
    wanted = name.casefold().removesuffix(".toml")
    for candidate in load_profiles(dirs):
        if wanted in (candidate["name"].casefold(), candidate.get("file", "").casefold().removesuffix(".toml")):
            return candidate
    known = ", ".join(sorted(p.get("file", p["name"]).removesuffix(".toml") for p in load_profiles(dirs)))
    raise ProfileError(f"no site profile named {name!r} (known: {known})")


def site_list_profile(domain: str, profile_name: Optional[str] = None, language: Optional[str] = None,
                      date_locale: Optional[str] = None, dirs: tuple[str, ...] = (),
                      timezone: Optional[str] = None) -> Optional[dict[str, Any]]:
    """What a site list (`newscrawl crawl --sites`) says about one site, as a profile bound to
    its domain: the named profile (by name or file name) with the list's language and
    date locale over its own; or, with no profile named, a hint-only profile that carries just
    the language and date locale (it gives no source name and does not override the language
    the page's text shows)."""
    if profile_name:
        profile = dict(profile_named(profile_name, dirs), domains=[domain])
    elif language or date_locale or timezone:
        profile = load_profile_text(f'name = "{domain}"\ndomains = ["{domain}"]', "site list")
        profile["hint_only"] = True
    else:
        return None
    if language:
        profile["language"] = language
    if date_locale:
        profile["date_locale"] = date_locale
    if timezone:
        profile["timezone"] = timezone  # resolves a naive time on the page (newscrawl/date_contract.py)
    return profile


def _fold(value: Optional[str]) -> str:
    return " ".join((value or "").split()).casefold()


def find_profile(url: str, meta: dict[str, list[str]], profiles: Optional[tuple[dict, ...]] = None) -> Optional[dict[str, Any]]:
    """The profile for a page: by registrable domain, else by a [match] rule on its markup."""
    profiles = load_profiles() if profiles is None else profiles
    if not profiles:
        return None
    domain = registrable_domain(url)
    for profile in profiles:
        if domain in profile["domains"]:
            return profile
    generators = {_fold(v) for v in meta.get("generator", ())}
    site_names = {_fold(v) for v in meta.get("og:site_name", ())}
    for profile in profiles:
        rules = profile.get("match") or {}
        if rules.get("generator") and _fold(rules["generator"]) in generators:
            return profile
        if rules.get("site_name") and _fold(rules["site_name"]) in site_names:
            return profile
    return None


def page_profile(tree: Optional[HtmlElement], url: str, profiles: Optional[tuple[dict, ...]] = None) -> Optional[dict]:
    """find_profile for a parsed page (None: by domain only), reading just the two meta tags
    a [match] rule looks at."""
    meta: dict[str, list[str]] = {}
    if tree is not None:
        for el in tree.iter("meta"):
            key = (el.get("name") or el.get("property") or "").strip().lower()
            if key in ("generator", "og:site_name") and el.get("content"):
                meta.setdefault(key, []).append(el.get("content"))
    return find_profile(url, meta, profiles)


# --- fields the generic extractor does not take from a profile ---------------------------------

def _element_text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


def read_profile_fields(tree: Optional[HtmlElement], url: str, profile: Optional[dict]) -> dict[str, Any]:
    """Section, tags, image, summary (the standfirst) and paywalled (the site's paywall box is
    present) as the profile's selectors give them (read before the body extractor, which may
    prune the tree); only the fields found."""
    from urllib.parse import urljoin

    found: dict[str, Any] = {}
    selectors = (profile or {}).get("selectors") or {}
    if tree is None or not selectors:
        return found
    if selectors.get("section"):
        texts = [t for t in (_element_text(el) for el in select(tree, selectors["section"])) if t and len(t) <= 80]
        if texts:
            found["section"] = texts[0]
    if selectors.get("tags"):
        tags: list[str] = []
        for el in select(tree, selectors["tags"])[:50]:
            text = _element_text(el)
            if text and len(text) <= 80 and text.casefold() not in {t.casefold() for t in tags}:
                tags.append(text)
        if tags:
            found["tags"] = tags
    if selectors.get("summary"):
        texts = [t for t in (_element_text(el) for el in select(tree, selectors["summary"])[:5]) if t]
        if texts and len(texts[0]) <= 2000:
            found["summary"] = texts[0]
    if selectors.get("paywall") and select(tree, selectors["paywall"]):
        found["paywalled"] = True  # the site's own paywall box is on the page
    if selectors.get("image"):
        for el in select(tree, selectors["image"]):
            src = el.get("src") or el.get("content") or el.get("href") or el.get("data-src")
            image = urljoin(url, src.strip()) if src and src.strip() else ""
            if image.startswith(("http://", "https://")):
                found["image"] = image
                break
    return found


def apply_profile_fields(article, fields: dict[str, Any], profile: Optional[dict]) -> dict[str, str]:
    """The fields read by read_profile_fields over the generic ones, and the profile's timezone
    on a date given without an offset. Returns {field: source} of what it set (for explain)."""
    set_by = {}
    for name, value in fields.items():
        setattr(article, name, value)
        set_by[name] = "profile selector"
    if profile and profile.get("timezone"):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        for name in ("date", "date_modified"):
            value = getattr(article, name, None)
            if value and "T" in value and not re.search(r"(?:[+-]\d\d:?\d\d|Z)$", value):
                try:
                    local = datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(profile["timezone"]))
                except ValueError:
                    continue
                setattr(article, name, local.isoformat())
                set_by[name] = "profile timezone"
    return set_by
