"""The one date parser: date strings -> datetimes and ISO 8601, in every form a news page,
a feed, a sitemap, a WARC record or a command line writes them.

For pages: fast paths first (ISO 8601, RFC 2822, a date in the URL, Arabic month names and digits,
relative Arabic phrases), dateparser last and only for visible text. Every result is checked
against the fetch time: a publication date is never in the future.
"""
from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Optional

from newscrawl.text.lexicons import LEXICON_DIR

from newscrawl.text.arabic import BIDI_MARKS_CLASS, DIACRITICS_CLASS, TATWEEL

# How far past the fetch time a date may lie and still be believed (clock skew, a naive
# local time read as UTC, a date-only value for "today" east of UTC).
FUTURE_TOLERANCE = timedelta(hours=14)
EARLIEST_YEAR = 1990

# Digits of both Arabic-Indic sets, and the Persian yeh / kaf and alef maksura read as the
# Arabic letters (Persian month names, "جمادى" / "جمادي").
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹یکى", "01234567890123456789يكي")
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
    data = tomllib.loads(LEXICON_DIR.joinpath("_dates.toml").read_text(encoding="utf-8"))
    months = {_normalise_arabic(k): v for k, v in data["months"]["ar"].items()}
    # longest names first so "كانون الثاني" wins over a bare "كانون"
    month_re = re.compile(r"(?<!\w)(%s)(?!\w)" % "|".join(sorted(map(re.escape, months), key=len, reverse=True)))
    calendars = {}
    for calendar in ("hijri", "solar"):
        names = {_normalise_arabic(k): v for k, v in data["months"][calendar].items()}
        calendars[calendar] = (names, re.compile(
            r"(?<!\w)(%s)(?!\w)" % "|".join(sorted(map(re.escape, names), key=len, reverse=True))))
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
    return {"months": months, "month_re": month_re, "calendars": calendars, "relative": relative, "relative_re": relative_re,
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
        year = re.match(r"\s*[,،]?\s*((?:19|20)\d{2})", after)
        if day and year:
            hh, mm = _time_of(after[year.end():] + " " + before[: day.start()])
            return _make(year.group(1), month, day.group(1), hh, mm if hh is not None else None)
    numeric = _numeric_date(norm)
    if numeric:
        return numeric
    converted = _other_calendar_date(norm, lex)
    if converted:
        return converted
    if fetched_at is not None and len(norm) <= 40:
        match = lex["days_re"].search(norm)
        if match:
            back = lex["days_back"][match.group(1).lower()]
            day = (fetched_at - timedelta(days=back)).date()
            hh, mm = _time_of(norm)
            # the clock time is the site's local time, whose offset the text does not give
            return _make(day.year, day.month, day.day, hh, mm if hh is not None else None)
    return None


# Years each calendar's dates are believed in (EARLIEST_YEAR onwards).
_CALENDAR_YEARS = {"hijri": r"(1[34]\d{2})", "solar": r"(1[34]\d{2})"}


def _other_calendar_date(norm: str, lex: dict) -> Optional[ParsedDate]:
    """A Hijri or Solar Hijri date ("5 رمضان 1445 هـ", "۱ فروردین ۱۴۰۳") as its Gregorian day.
    Only reached when the text gives no Gregorian date: beside one, the Gregorian one wins."""
    for calendar, (names, month_re) in lex["calendars"].items():
        for match in month_re.finditer(norm):
            day = re.search(r"(\d{1,2})\s*$", norm[: match.start()])
            year = re.match(r"\s*[,،]?\s*%s(?!\d)" % _CALENDAR_YEARS[calendar], norm[match.end():])
            if not (day and year):
                continue
            convert = hijri_to_gregorian if calendar == "hijri" else solar_hijri_to_gregorian
            try:
                y, m, d = convert(int(year.group(1)), names[match.group(1)], int(day.group(1)))
            except ValueError:
                continue
            return _make(y, m, d)
    return None


def hijri_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """The tabular Islamic calendar (civil epoch, 16 July 622 Julian); Umm al-Qura and
    sighted months differ from it by a day at most in most months."""
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ValueError("not a Hijri date")
    epoch = date(622, 7, 19).toordinal()  # 16 July 622 Julian, proleptic Gregorian
    ordinal = (epoch - 1 + (year - 1) * 354 + (3 + 11 * year) // 30
               + 29 * (month - 1) + month // 2 + day)
    value = date.fromordinal(ordinal)
    return value.year, value.month, value.day


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    """The Solar Hijri (Jalali) calendar of Iran and Afghanistan, by its 33-year cycle
    arithmetic (exact for 1178-1633 SH)."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        raise ValueError("not a Solar Hijri date")
    jy = year + 1595
    days = -355668 + 365 * jy + (jy // 33) * 8 + ((jy % 33) + 3) // 4 + day
    days += (month - 1) * 31 if month < 7 else (month - 7) * 30 + 186
    gy = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        gy += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    gy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        gy += (days - 1) // 365
        days = (days - 1) % 365
    gd = days + 1
    leap = (gy % 4 == 0 and gy % 100 != 0) or gy % 400 == 0
    for gm, length in enumerate((31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1):
        if gd <= length:
            return gy, gm, gd
        gd -= length
    raise ValueError("not a Solar Hijri date")


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


def looks_like_date_line(text: str) -> bool:
    """A short visible text that is a date in any form the fast paths read (no dateparser, no
    relative times): cheap enough to run on every short text of a page while classifying it."""
    if not text or len(text) > 120 or not re.search(r"\d|[\u0660-\u0669\u06f0-\u06f9]", text):
        return False
    text = " ".join(text.split())
    return bool(parse_iso(text) or (re.search(r"[\u0600-\u06ff]", text) and parse_arabic_date(text))
                or parse_month_name_date(text) or _numeric_date(text))


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


# --------------------------------------------------------------------------- dates the crawl is given

_AGE_RE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.I)


def parse_timestamp(value: Optional[str]) -> Optional[datetime]:
    """A machine-written date (feed, sitemap, WARC-Date, an export's own value: ISO 8601 or
    RFC 2822) as an aware datetime, naive read as UTC; None if unreadable."""
    parsed = parse_machine_date(value) if isinstance(value, str) else None
    if parsed is None:
        return None
    return parsed.value if parsed.value.tzinfo else parsed.value.replace(tzinfo=timezone.utc)


def listed_date_text(value: Optional[str]) -> Optional[str]:
    """A feed or sitemap date as an export value: ISO 8601 with the time and offset when the
    entry gives them, the bare date when it gives only a date (no time is made up)."""
    parsed = parse_machine_date(value) if isinstance(value, str) else None
    return parsed.iso() if parsed else None


def parse_since(value: Optional[str], now: Optional[datetime] = None) -> Optional[datetime]:
    """'2024-05-01', '2024-05-01T10:00:00+02:00', or an age such as '36h', '7d', '2w'. Strict:
    a user's typo is an error, not a date found somewhere in the text."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    now = now or datetime.now(timezone.utc)
    match = _AGE_RE.match(str(value))
    if match:
        n, unit = int(match.group(1)), match.group(2).lower()
        return now - {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not a date (use YYYY-MM-DD, an ISO date-time, or an age like 7d): {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
