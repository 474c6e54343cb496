"""Site lists (`newscrawl crawl --sites FILE`): TOML or YAML, one entry per site.

    [[sites]]
    name = "arabi-alyaum"
    start_urls = ["https://example-ar.com/", "https://example-ar.com/rss.xml"]
    language = "ar"          # optional: used when a page does not say
    date_locale = "ar-EG"    # optional: locale for visible dates
    profile = "arabic"       # optional: site profile name (newscrawl/sites/<name>.toml)
    timezone = "Asia/Amman"  # optional: IANA zone of the times the site writes without offset
    delay = 1.0              # optional: seconds between requests to this site
    concurrency = 2          # optional: parallel requests to this site
"""
from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import yaml

KNOWN_KEYS = {"name", "start_urls", "language", "date_locale", "profile", "timezone", "delay", "concurrency"}


class SiteListError(ValueError):
    pass


@dataclass
class Site:
    name: str
    start_urls: list[str]
    language: Optional[str] = None
    date_locale: Optional[str] = None
    profile: Optional[str] = None
    timezone: Optional[str] = None
    delay: Optional[float] = None
    concurrency: Optional[int] = None
    hosts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def load_site_list(path: Path) -> list[Site]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteListError(f"cannot read site list {path}: {exc.strerror or exc}") from None
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(raw.decode("utf-8"))
        elif path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(raw.decode("utf-8"))
        else:
            raise SiteListError(f"site list must be .toml, .yaml or .yml: {path}")
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SiteListError(f"{path}: not valid {path.suffix.lstrip('.').upper()}: {exc}") from None
    return sites_from_data(data, path)


def site_list_argument(value: str) -> list[Site]:
    """`-a sites=...` of `scrapy crawl news` / scrapyd: a site list file on this host, or the
    list itself as JSON (`[{"name": ..., "start_urls": [...]}]` or `{"sites": [...]}`)."""
    import json

    text = (value or "").strip()
    if text.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SiteListError(f"sites: not valid JSON: {exc}") from None
        return sites_from_data(data, "sites")
    return load_site_list(Path(text).expanduser())


def sites_from_data(data, path) -> list[Site]:
    entries = data.get("sites") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise SiteListError(f"{path}: expected a list of sites under 'sites'")
    sites = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise SiteListError(f"{path}: site #{i} is not a table/mapping")
        unknown = set(entry) - KNOWN_KEYS
        if unknown:
            raise SiteListError(f"{path}: site #{i}: unknown keys {sorted(unknown)} (known: {sorted(KNOWN_KEYS)})")
        urls = entry.get("start_urls")
        if isinstance(urls, str):
            urls = [urls]
        if not urls or not all(isinstance(u, str) and urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc for u in urls):
            raise SiteListError(f"{path}: site #{i}: start_urls must be a list of http(s) URLs")
        where = f"{path}: site #{i}"
        for key in ("name", "language", "date_locale", "profile"):
            if entry.get(key) is not None and not (isinstance(entry[key], str) and entry[key].strip()):
                raise SiteListError(f"{where}: {key} must be a non-empty string, got {entry[key]!r}")
        name = str(entry.get("name") or urlsplit(urls[0]).netloc)
        site = Site(
            name=name, start_urls=list(urls), language=entry.get("language"), date_locale=entry.get("date_locale"),
            profile=entry.get("profile"), timezone=_timezone(path, i, entry.get("timezone")),
            delay=_number(entry, "delay", where, float, 0),
            concurrency=_number(entry, "concurrency", where, int, 1),
            hosts=sorted({urlsplit(u).hostname for u in urls if urlsplit(u).hostname}),
        )
        sites.append(site)
    return sites


def _number(entry: dict, key: str, where: str, kind: type, lowest: float):
    """A per-site number checked for type and range (delay >= 0, concurrency >= 1)."""
    value = entry.get(key)
    if value is None:
        return None
    what = "an integer" if kind is int else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not float(value).is_integer()):
        raise SiteListError(f"{where}: {key} must be {what} >= {lowest}, got {value!r}")
    if value != value or value < lowest or value == float("inf"):
        raise SiteListError(f"{where}: {key} must be {what} >= {lowest}, got {value!r}")
    return kind(value)


def _timezone(path: Path, number: int, value) -> Optional[str]:
    from newscrawl.date_contract import TimezoneError, site_timezone

    if value is None:
        return None
    try:
        site_timezone(str(value))
    except TimezoneError as exc:
        raise SiteListError(f"{path}: site #{number}: {exc}") from None
    return str(value)


def download_slots(sites: list[Site]) -> dict:
    """Per-site politeness as Scrapy DOWNLOAD_SLOTS, keyed by registrable domain: the spider
    puts every request of a site (its subdomains included) in the slot of that domain."""
    from newscrawl.urls import registrable_domain

    slots = {}
    for site in sites:
        options = {}
        if site.delay is not None:
            options["delay"] = site.delay
        if site.concurrency is not None:
            options["concurrency"] = site.concurrency
        if options:
            for url in site.start_urls:
                slots[registrable_domain(url)] = dict(options)
    return slots
