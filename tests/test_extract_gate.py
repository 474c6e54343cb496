"""Quality gate: `newscrawl extract` over the dev eval WARCs, scored by the eval kit's
score.py, must stay above the floors in tests/data/extraction/floors.json."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from export_check import assert_valid_export

from conftest import missing_eval_data, run_newscrawl

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EVAL = SHARED / "eval"
FLOORS = json.loads((Path(__file__).parent / "data" / "extraction" / "floors.json").read_text(encoding="utf-8"))
SETS = [name for name in FLOORS if not name.startswith("_")]
CEILINGS = FLOORS.get("_ceilings", {})  # counts that must not grow (pages with body F1 < 0.5)


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    if not (EVAL / "score.py").is_file():
        missing_eval_data(f"the eval kit is not there ({EVAL}): the gate needs ../shared/eval")
    missing = [name for name in SETS if not (EVAL / name / "pages.warc.gz").is_file()]
    if missing:
        missing_eval_data(f"eval sets missing under {EVAL}: {', '.join(missing)}")
    out = tmp_path_factory.mktemp("gate") / "dev.jsonl"
    result = run_newscrawl("extract", *(str(EVAL / name / "pages.warc.gz") for name in SETS), "-o", str(out), "--all-pages",
                           "--no-progress", timeout=900)
    assert result.returncode == 0, result.stderr
    assert_valid_export(out)  # every line of the dev sets valid against the shipped schema
    rejects = re.search(r"not stories (.*)$", result.stderr, re.M)
    found = {"_rejects": sum(int(n) for n in re.findall(r"(\d+) no ", rejects.group(1))) if rejects else 0}
    for name in SETS:
        scored = subprocess.run([sys.executable, str(EVAL / "score.py"), str(EVAL / name / "truth.jsonl"), str(out),
                                 "--json"], capture_output=True, text=True, check=True)
        found[name] = json.loads(scored.stdout)
    return found


@pytest.mark.parametrize("name, metric", [(n, m) for n in SETS for m in FLOORS[n]])
def test_score_stays_above_floor(scores, name, metric):
    section, key = metric.split(".")
    result = scores[name]
    # Every page has a line, or is counted by `extract` among the pages that are not stories
    # (no title or no body: no line is written for them; the scorer counts them as empty).
    unpredicted = sum(scores[n]["n_pages"] - scores[n]["n_predicted"] for n in SETS)
    assert unpredicted == scores["_rejects"], f"{name}: pages neither written nor counted as rejects"
    value = (result["metrics"].get(section) or {}).get(key)
    assert value is not None, f"{name}: no {metric} in the scores"
    assert value >= FLOORS[name][metric], f"{name} {metric} {value:.3f} < floor {FLOORS[name][metric]}"


@pytest.mark.parametrize("name, metric", [(n, m) for n in CEILINGS for m in CEILINGS[n]])
def test_count_stays_under_ceiling(scores, name, metric):
    section, key = metric.split(".")
    value = (scores[name]["metrics"].get(section) or {}).get(key)
    assert value is not None, f"{name}: no {metric} in the scores"
    assert value <= CEILINGS[name][metric], f"{name} {metric} {value} > ceiling {CEILINGS[name][metric]}"
