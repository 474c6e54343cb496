"""The date contract of an export line, applied once where the Article is finalised.

`date` and `date_modified` are a full ISO 8601 timestamp in UTC with its offset
(`2020-08-21T07:00:00+00:00`), or null. All in one offset so that `pd.to_datetime(df.date)`
needs no argument (pandas refuses a column of mixed offsets); the instant is what the page
said. A time written without an offset is read in, first, the page's own timezone signals
(an offset on another date of the same page), then the site's timezone (site list or profile
key `timezone`, an IANA name such as "Africa/Cairo"), then UTC. A date-only value is midnight
in that timezone, with `date_precision` "day".

`date_precision`: day, minute (seconds are zero) or second. `date_source`: structured, meta,
visible, url, feed or sitemap (where extraction or the spider read it).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscrawl.items import DATE_SOURCES, Article

_DATE_ONLY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.I)


class TimezoneError(ValueError):
    pass


@lru_cache(maxsize=256)
def site_timezone(name: Optional[str]) -> Optional[tzinfo]:
    """An IANA zone name ("Asia/Amman"), "UTC", or a fixed offset ("+03:00"); None for none.
    Raises TimezoneError on an unknown name (site lists are checked at start)."""
    if not name:
        return None
    text = str(name).strip()
    match = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", text, re.I)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise TimezoneError(f"not a timezone offset: {name!r}")
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    if text.upper() in ("UTC", "Z", "GMT"):
        return timezone.utc
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimezoneError(f"unknown timezone {name!r} (use an IANA name such as 'Africa/Cairo')") from exc


def _parse(value: str) -> tuple[Optional[datetime], Optional[str]]:
    """A date string as extraction writes it -> (datetime, naive or aware; precision)."""
    text = value.strip()
    match = _DATE_ONLY.match(text)
    if match:
        try:
            return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3))), "day"
        except ValueError:
            return None, None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None, None
    return parsed, ("second" if parsed.second or parsed.microsecond else "minute")


def normalise_date(value: Optional[str], page_tz: Optional[tzinfo] = None,
                   site_tz: Optional[tzinfo] = None) -> tuple[Optional[str], Optional[str]]:
    """(ISO string with offset in UTC, precision), or (None, None) when the value is not a date."""
    if not value or not isinstance(value, str):
        return None, None
    parsed, precision = _parse(value)
    if parsed is None:
        return None, None
    if parsed.tzinfo is None:
        zone = page_tz or site_tz or timezone.utc
        if isinstance(zone, ZoneInfo):
            parsed = parsed.replace(tzinfo=zone, fold=0)
        else:
            parsed = parsed.replace(tzinfo=zone)
    utc = parsed.astimezone(timezone.utc).replace(microsecond=0)
    return utc.isoformat(timespec="seconds"), precision


def page_timezone(*values: Optional[str]) -> Optional[tzinfo]:
    """The page's own timezone signal: the offset carried by one of its date strings."""
    for value in values:
        if isinstance(value, str) and "T" in value:
            match = _OFFSET.search(value.strip())
            if match:
                try:
                    return datetime.fromisoformat("2000-01-01T00:00:00" + match.group(1).upper().replace("Z", "+00:00")).tzinfo
                except ValueError:
                    continue
    return None


def apply_date_contract(article: Article, site_tz: Optional[tzinfo] = None,
                        date_source: Optional[str] = None) -> Article:
    """Bring `date`, `date_modified`, `date_precision` and `date_source` to the contract.
    Idempotent: a line already under the contract comes out unchanged."""
    page_tz = page_timezone(article.date, article.date_modified)
    raw_date = article.date
    article.date, precision = normalise_date(raw_date, page_tz, site_tz)
    if article.date is None:
        article.date_precision = article.date_source = None
    else:
        already = article.date == raw_date and article.date_precision in ("day", "minute", "second")
        article.date_precision = article.date_precision if already else precision
        source = date_source or article.date_source
        article.date_source = source if source in DATE_SOURCES else None
    article.date_modified, _ = normalise_date(article.date_modified, page_tz, site_tz)
    article.fetched_at, _ = normalise_date(article.fetched_at)
    return article

