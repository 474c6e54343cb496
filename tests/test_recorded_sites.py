"""Every page recorded with `newscrawl record` (tests/sites/<profile>/<case>.json + .html.gz)
replayed through the crawl's page function, its fields compared with the recorded ones."""
from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from newscrawl.page import ARTICLE, PageHints, process_page
from newscrawl.date_contract import normalise_date

SITES = Path(__file__).resolve().parent / "sites"
CASES = sorted(SITES.glob("*/*.json"))


def test_there_are_recorded_cases_for_each_demo_profile():
    assert {case.parent.name for case in CASES} >= {"demo-arabic", "demo-english"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.stem}" for c in CASES])
def test_recorded_page(case: Path):
    spec = json.loads(case.read_text(encoding="utf-8"))
    body = gzip.decompress(case.with_suffix(".html.gz").read_bytes())
    outside = case.parent / "profile.toml"
    hints = PageHints(profile=spec["profile"], profile_dirs=(str(outside),) if outside.is_file() else ())
    result = process_page(spec["url"], spec["headers"], body, datetime.fromisoformat(spec["fetched_at"]), hints)
    assert result.kind == ARTICLE, result.error
    got = result.article.to_dict()
    # Dates recorded as the page gave them are compared under the export's date contract.
    expected_fields = {field: normalise_date(value)[0] if field in ("date", "date_modified") else value
                       for field, value in spec["expected"].items()}
    wrong = {field: (got.get(field), expected) for field, expected in expected_fields.items() if got.get(field) != expected}
    assert not wrong, "field: (now, recorded): " + json.dumps(wrong, ensure_ascii=False, indent=1)
