"""Site profiles: one declarative TOML file per site in newscrawl/sites/.

    name = "Example News"                 # the publisher's name (used as `source`)
    domains = ["example.com"]             # registrable domains the profile applies to
    language = "ar"                       # ISO 639-1, trusted over markup and detection
    date_locale = "ar"                    # language of the visible date text

    [match]                               # optional: recognise the site by its markup when it
    generator = "Example CMS 2"           # is served elsewhere (a local demo server, a mirror):
    site_name = "Example News"            # <meta name="generator"> / og:site_name, exact match
                                          # after case-fold; any one rule that matches is enough

    [selectors]                           # CSS selectors, all optional
    title = "h1.headline"
    body = "div.article-body"             # the story container(s)
    date = "time.published"               # element with a datetime/content attribute or date text
    authors = ".byline a.author"          # one element per author (or one byline to split)
    remove = [".related", ".ad"]          # removed from the body container before reading it

`profile` as passed to the body extractor is this dict as loaded, plus "file" (its file name)
and, at the top level, "body" and "remove" as lists of CSS selectors (copied from [selectors]).
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Optional

from lxml import etree
from lxml.html import HtmlElement

from newscrawl.urls import registrable_domain

SELECTOR_KEYS = ("title", "body", "date", "authors")


class ProfileError(ValueError):
    pass


def _validate(profile: dict, origin: str) -> dict:
    if not isinstance(profile.get("name"), str) or not profile["name"].strip():
        raise ProfileError(f"{origin}: 'name' is required")
    domains = profile.setdefault("domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        raise ProfileError(f"{origin}: 'domains' must be a list of strings")
    profile["domains"] = [d.lower().strip() for d in domains]
    match = profile.setdefault("match", {})
    if not isinstance(match, dict):
        raise ProfileError(f"{origin}: [match] must be a table")
    if not profile["domains"] and not match:
        raise ProfileError(f"{origin}: give 'domains' or a [match] rule")
    selectors = profile.setdefault("selectors", {})
    for key in SELECTOR_KEYS:
        if key in selectors:
            if not isinstance(selectors[key], str):
                raise ProfileError(f"{origin}: selectors.{key} must be one CSS selector string (use commas for several)")
            css_xpath(selectors[key])  # fail at load time on a bad selector
    remove = selectors.get("remove", [])
    if isinstance(remove, str):
        remove = selectors["remove"] = [remove]
    for css in remove:
        css_xpath(css)
    # What the body extractor reads: both as lists, at the top level.
    body = selectors.get("body")
    profile["body"] = [body] if isinstance(body, str) else list(body or [])
    profile["remove"] = list(remove)
    return profile


@lru_cache(maxsize=512)
def css_xpath(css: str) -> etree.XPath:
    from cssselect import HTMLTranslator, SelectorError

    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(css))
    except SelectorError as exc:
        raise ProfileError(f"bad CSS selector {css!r}: {exc}") from exc


def select(tree: HtmlElement, css: str) -> list[HtmlElement]:
    return css_xpath(css)(tree)


def load_profile_text(text: str, origin: str = "<profile>") -> dict:
    return _validate(tomllib.loads(text), origin)


@lru_cache(maxsize=1)
def load_profiles() -> tuple[dict, ...]:
    profiles = []
    folder = resources.files("newscrawl.sites")  # a package, so it can be listed inside a zipped egg
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            profile = load_profile_text(entry.read_text(encoding="utf-8"), entry.name)
            profile["file"] = entry.name
            profiles.append(profile)
    return tuple(profiles)


def site_list_profile(domain: str, profile_name: Optional[str] = None, language: Optional[str] = None,
                      date_locale: Optional[str] = None) -> Optional[dict[str, Any]]:
    """What a site list (`newscrawl crawl --sites`) says about one site, as a profile bound to
    its domain: the named bundled profile (by name or file name) with the list's language and
    date locale over its own; or, with no profile named, a hint-only profile that carries just
    the language and date locale (it gives no source name and does not override the language
    the page's text shows)."""
    if profile_name:
        wanted = profile_name.casefold().removesuffix(".toml")
        for candidate in load_profiles():
            if wanted in (candidate["name"].casefold(), candidate.get("file", "").casefold().removesuffix(".toml")):
                profile = dict(candidate, domains=[domain])
                break
        else:
            known = ", ".join(sorted(p.get("file", p["name"]).removesuffix(".toml") for p in load_profiles()))
            raise ProfileError(f"no site profile named {profile_name!r} (bundled: {known})")
    elif language or date_locale:
        profile = _validate({"name": domain, "domains": [domain]}, "site list")
        profile["hint_only"] = True
    else:
        return None
    if language:
        profile["language"] = language
    if date_locale:
        profile["date_locale"] = date_locale
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
