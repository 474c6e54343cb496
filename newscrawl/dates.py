"""Small date helpers shared by the CLI and pipelines."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Optional

_AGE_RE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.I)


def parse_since(value: Optional[str], now: Optional[datetime] = None) -> Optional[datetime]:
    """'2024-05-01', '2024-05-01T10:00:00+02:00', or an age such as '36h', '7d', '2w'."""
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
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def parse_listed_date(value: Optional[str]) -> Optional[datetime]:
    """A date as feeds and sitemaps give it (ISO 8601 or RFC 822), as an aware datetime; None if unreadable."""
    if not value:
        return None
    from email.utils import parsedate_to_datetime

    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def listed_date_text(value: Optional[str]) -> Optional[str]:
    """A feed or sitemap date as an export value: ISO 8601 with the time and offset when the
    entry gives them, the bare date when it gives only a date (no time is made up)."""
    parsed = parse_listed_date(value)
    if parsed is None:
        return None
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return parsed.date().isoformat()
    return parsed.isoformat()
