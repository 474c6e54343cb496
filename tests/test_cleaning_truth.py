"""Recall check on the dev sets' truth bodies: cleaning a real story's text must leave it
(nearly) unchanged. The few lines it may take are the credit / photo-credit / related lines
the truth happens to keep; anything else removed is a lexicon rule eating story text."""
import json
from collections import Counter
from pathlib import Path


from newscrawl.cleaning import clean_paragraphs
from conftest import missing_eval_data

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
SETS = ("zyte-dev", "fundus-dev")
# Junk by the definition that the truth keeps (a credit line, "© Reuters", an image
# credit, one "Lesen Sie hier:" line): at most this many lines over both sets.
ALLOWED_KINDS = {"credit", "copyright", "photo_credit", "related_line"}
MAX_REMOVED_LINES = 8


def _truth(name):
    path = EVAL / name / "truth.jsonl"
    if not path.exists():
        missing_eval_data(f"dev set {name} not found at {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_truth_bodies_survive_cleaning():
    removed = []
    for name in SETS:
        for story in _truth(name):
            result = clean_paragraphs(story["body"].split("\n\n"), story.get("language"), title=story.get("title"))
            removed += [(name, story["id"], kind, line) for kind, line in result.removed]
    kinds = Counter(kind for _, _, kind, _ in removed)
    assert set(kinds) <= ALLOWED_KINDS, removed
    assert len(removed) <= MAX_REMOVED_LINES, removed
