"""Date strings -> ISO 8601, in every form a news page writes them.

Fast paths first (ISO 8601, RFC 2822, a date in the URL, Arabic month names and digits,
relative Arabic phrases), dateparser last and only for visible text. Every result is checked
against the fetch time: a publication date is never in the future.
"""
from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from importlib import resources
from typing import Optional

from newscrawl.text.arabic import BIDI_MARKS_CLASS, DIACRITICS_CLASS, TATWEEL

# How far past the fetch time a date may lie and still be believed (clock skew, a naive
# local time read as UTC, a date-only value for "today" east of UTC).
FUTURE_TOLERANCE = timedelta(hours=14)
EARLIEST_YEAR = 1990

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_MARKS = re.compile(f"[{DIACRITICS_CLASS}{TATWEEL}{BIDI_MARKS_CLASS}]")

_ISO_RE = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)",
    re.I)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")
_URL_DATE_RES = [
    re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[-_]|\.html?|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"),
]
_NUMERIC_DMY = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d{2})(?!\d)")
_NUMERIC_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})[./](\d{1,2})[./](\d{1,2})(?!\d)")
_TIME_RE = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(صباحا|صباح|مساء|ص|م|am|pm|a\.m\.|p\.m\.)?(?!\d)", re.I)
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    with resources.files("newscrawl.extraction").joinpath("data/dates.toml").open("rb") as fh:
        data = tomllib.load(fh)
    months = {_normalise_arabic(k): v for k, v in data["months"]["ar"].items()}
    # longest names first so "كانون الثاني" wins over a bare "كانون"
    month_re = re.compile(r"(?<!\w)(%s)(?!\w)" % "|".join(sorted(map(re.escape, months), key=len, reverse=True)))
    relative = {_normalise_arabic(k): v for k, v in data["relative"]["ar"].items()}
    markers = [_normalise_arabic(m) for m in data["relative_markers"]["ar"]]
    relative_re = re.compile(
        r"(?:%s)\s*(\d+)?\s*(%s)(?!\w)" % ("|".join(markers), "|".join(sorted(map(re.escape, relative), key=len, reverse=True))))
    days_back = {(_normalise_arabic(k)): v for k, v in data["days_back"].items()}
    # Only a short text that starts with the word: "اليوم" and "today" are common words elsewhere
    # ("عربي اليوم", "Today's paper").
    days_re = re.compile(r"^\W*(%s)(?!\w)" % "|".join(sorted(map(re.escape, days_back), key=len, reverse=True)), re.I)
    latin = {k.lower(): v for k, v in data["months"]["latin"].items()}
    names = "|".join(sorted(map(re.escape, latin), key=len, reverse=True))
    day_month_year = re.compile(
        r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+)?(%s)\.?,?\s*(?:de\s+)?((?:19|20)\d{2})(?!\d)" % names, re.I)
    month_day_year = re.compile(
        r"(?<![^\W\d_])(%s)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?!\d)" % names, re.I)
    modified = re.compile(r"^\W*(?:%s)\b" % "|".join(map(re.escape, data["modified_markers"]["words"])), re.I)
    return {"months": months, "month_re": month_re, "relative": relative, "relative_re": relative_re,
            "days_back": days_back, "days_re": days_re, "latin": latin, "dmy": day_month_year,
            "mdy": month_day_year, "modified": modified}


def _normalise_arabic(text: str) -> str:
    return _ARABIC_MARKS.sub("", text.translate(_DIGITS)).lower()


def _tz(token: Optional[str]) -> Optional[timezone]:
    if not token:
        return None
    token = token.upper()
    if token in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


class ParsedDate:
    """A datetime plus how much of it the page gave (date only, or with a time)."""

    __slots__ = ("value", "has_time")

    def __init__(self, value: datetime, has_time: bool) -> None:
        self.value, self.has_time = value, has_time

    def iso(self) -> str:
        if not self.has_time:
            return self.value.date().isoformat()
        return self.value.isoformat(timespec="seconds")

    def __repr__(self) -> str:
        return f"ParsedDate({self.iso()})"


def _make(y, mo, d, hh=None, mm=None, ss=None, tz=None) -> Optional[ParsedDate]:
    try:
        value = datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=tz)
    except (ValueError, TypeError):
        return None
    if value.year < EARLIEST_YEAR:
        return None
    return ParsedDate(value, hh is not None)


def parse_iso(text: str) -> Optional[ParsedDate]:
    """ISO 8601 and its common relatives (space separator, 'Z', '+0200', fractions)."""
    if not text:
        return None
    text = text.strip()
    match = _COMPACT_RE.match(text)
    if match:
        y, mo, d, hh, mm, ss, off = match.groups()
        return _make(y, mo, d, hh, mm, ss, _tz(off))
    match = _ISO_RE.search(text[:64])
    if match:
        y, mo, d, hh, mm, ss, _frac, off = match.groups()
        if hh is None:
            return _make(y, mo, d)
        return _make(y, mo, d, hh, mm, ss, _tz(off))
    return None


def parse_machine_date(text: str) -> Optional[ParsedDate]:
    """A date from markup (meta content, JSON-LD, <time datetime>): ISO, RFC 2822, epoch."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    parsed = parse_iso(text)
    if parsed:
        return parsed
    if re.fullmatch(r"\d{10}(\d{3})?", text):
        seconds = int(text[:10])
        return ParsedDate(datetime.fromtimestamp(seconds, timezone.utc), True)
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None:
        return ParsedDate(value, True)
    return None


def date_from_url(url: str) -> Optional[ParsedDate]:
    for pattern in _URL_DATE_RES:
        match = pattern.search(url)
        if match:
            parsed = _make(*match.groups()[:3])
            if parsed:
                return parsed
    return None


def _time_of(text: str) -> tuple[Optional[int], Optional[int]]:
    match = _TIME_RE.search(text)
    if not match:
        return None, None
    hh, mm, _ss, ampm = match.groups()
    hh, mm = int(hh), int(mm)
    if ampm:
        pm = ampm.lower().startswith("p") or ampm.startswith("م")
        if pm and hh < 12:
            hh += 12
        elif not pm and hh == 12:
            hh = 0
    if hh > 23 or mm > 59:
        return None, None
    return hh, mm


def parse_arabic_date(text: str, fetched_at: Optional[datetime] = None) -> Optional[ParsedDate]:
    """Arabic visible dates: month names (Egyptian, Levantine, Maghrebi), Eastern Arabic
    digits, and relative phrases (منذ ساعة، منذ ساعتين، منذ 3 أيام، أمس) against fetched_at."""
    lex = _lexicon()
    norm = _normalise_arabic(text)
    if fetched_at is not None:
        match = lex["relative_re"].search(norm)
        if match:
            number, word = match.groups()
            amount, unit = lex["relative"][word]
            amount = int(number) if number else (amount or 1)
            value = fetched_at - timedelta(**{unit: amount})
            return ParsedDate(value, unit in ("minutes", "hours"))
    match = lex["month_re"].search(norm)
    if match:
        month = lex["months"][match.group(1)]
        before, after = norm[: match.start()], norm[match.end():]
        day = re.search(r"(\d{1,2})\s*$", before)
        year = re.match(r"\s*,?\s*((?:19|20)\d{2})", after)
        if day and year:
            hh, mm = _time_of(after[year.end():] + " " + before[: day.start()])
            return _make(year.group(1), month, day.group(1), hh, mm if hh is not None else None)
    numeric = _numeric_date(norm)
    if numeric:
        return numeric
    if fetched_at is not None and len(norm) <= 40:
        match = lex["days_re"].search(norm)
        if match:
            back = lex["days_back"][match.group(1).lower()]
            day = (fetched_at - timedelta(days=back)).date()
            hh, mm = _time_of(norm)
            # the clock time is the site's local time, whose offset the text does not give
            return _make(day.year, day.month, day.day, hh, mm if hh is not None else None)
    return None


def _numeric_date(text: str, month_first: bool = False) -> Optional[ParsedDate]:
    """12.05.2024 / 12/05/2024 / 2024/05/12; day first unless `month_first` (US English)
    or the numbers allow only one reading."""
    match = _NUMERIC_YMD.search(text)
    if match:
        y, mo, d = match.groups()
    else:
        match = _NUMERIC_DMY.search(text)
        if not match:
            return None
        d, mo, y = match.groups()
        if (month_first and int(d) <= 12) or (int(mo) > 12 and int(d) <= 12):
            d, mo = mo, d
    rest = text[match.end():] + " " + text[: match.start()]
    hh, mm = _time_of(rest)
    return _make(y, mo, d, hh, mm if hh is not None else None)


_DATEPARSER_LANGS = None


def parse_visible_date(text: str, language: Optional[str], fetched_at: Optional[datetime]) -> Optional[ParsedDate]:
    """Date text as shown to readers, in the page's language."""
    if not text:
        return None
    text = " ".join(text.split())[:200]
    if not re.search(r"\d|[\u0600-\u06ff]", text) and not re.search(r"(?i)yesterday|today|gestern|heute|hier|ayer|ieri", text):
        return None
    parsed = parse_iso(text)
    if parsed:
        return parsed
    if language == "ar" or re.search(r"[\u0600-\u06ff]", text):
        parsed = parse_arabic_date(text, fetched_at)
        if parsed:
            return parsed
    parsed = parse_month_name_date(text) or _numeric_date(text, month_first=(language == "en"))
    if parsed:
        return parsed
    return _dateparser(text, language, fetched_at)


def is_modified_label(text: str) -> bool:
    """'Updated: 3 May 2024' is a revision date, not the publication date."""
    return bool(_lexicon()["modified"].match(_normalise_arabic(text)))


def parse_month_name_date(text: str) -> Optional[ParsedDate]:
    """'3 May 2024', 'May 3rd, 2024 10:15 am', '3. März 2024', '12 de mayo de 2024'."""
    lex = _lexicon()
    match = lex["dmy"].search(text)
    if match:
        day, month, year = match.group(1), lex["latin"][match.group(2).lower()], match.group(3)
    else:
        match = lex["mdy"].search(text)
        if not match:
            return None
        month, day, year = lex["latin"][match.group(1).lower()], match.group(2), match.group(3)
    hh, mm = _time_of(text[match.end():] + " " + text[: match.start()])
    return _make(year, month, day, hh, mm if hh is not None else None)


def _dateparser(text: str, language: Optional[str], fetched_at: Optional[datetime]) -> Optional[ParsedDate]:
    if not _YEAR_RE.search(text) and not re.search(r"(?i)ago|yesterday|today|gestern|heute|vor |hace|il y a", text):
        return None
    import dateparser  # slow to import: only pages without any machine-readable date get here

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                "DEFAULT_LANGUAGES": [language] if language else ["en"]}
    if fetched_at is not None:
        settings["RELATIVE_BASE"] = fetched_at.replace(tzinfo=None)
    languages = [language] if language else None
    if len(text) > 60:
        return None  # long text: dateparser's search is slow and guesses; the fast paths had their chance
    try:
        value = dateparser.parse(text, languages=languages, settings=settings)
    except Exception:  # dateparser raises on odd input; a missing date is the answer then
        return None
    if value is None or value.year < EARLIEST_YEAR:
        return None
    year = _YEAR_RE.search(text)
    if year and int(year.group(1)) != value.year:
        return None  # the text names a year and dateparser found another: a misreading
    has_time = bool(_TIME_RE.search(text)) or bool(re.search(r"(?i)ago|vor |hace|il y a", text))
    return ParsedDate(value, has_time)


def not_in_future(parsed: Optional[ParsedDate], fetched_at: Optional[datetime]) -> Optional[ParsedDate]:
    if parsed is None or fetched_at is None:
        return parsed
    value = parsed.value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    limit = fetched_at + (FUTURE_TOLERANCE if parsed.has_time else timedelta(days=1))
    return parsed if value <= limit else None
