"""Recorded pages with their expected fields: tests/data/extraction/pages/<case>.html + <case>.json.

Each JSON gives the page URL, fetch time, response headers (optional) and the expected
values of the fields it checks; `body_contains` lists snippets the body must contain.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newscrawl.date_contract import normalise_date
from newscrawl.extraction import extract_article

PAGES = Path(__file__).parent / "data" / "extraction" / "pages"
CASES = sorted(p.stem for p in PAGES.glob("*.json"))


@pytest.mark.parametrize("case", CASES)
def test_recorded_page(case):
    spec = json.loads((PAGES / f"{case}.json").read_text(encoding="utf-8"))
    html = (PAGES / f"{case}.html").read_bytes()
    article = extract_article(html, spec["url"], headers=spec.get("headers"),
                              fetched_at=datetime.fromisoformat(spec["fetched_at"]))
    got = article.to_dict()
    for field, expected in spec["expected"].items():
        if field in ("date", "date_modified"):
            # Recorded as the page writes it; exported under the date contract (UTC, full timestamp).
            expected = normalise_date(expected)[0]
        assert got[field] == expected, f"{case}: {field}"
    for snippet in spec.get("body_contains", []):
        assert snippet in (article.body or ""), f"{case}: body lacks {snippet!r}"
    assert article.id and article.canonical_url and article.fetched_at.endswith("+00:00")


def test_every_case_has_its_page():
    assert CASES, "no recorded pages"
    for case in CASES:
        assert (PAGES / f"{case}.html").is_file(), case
