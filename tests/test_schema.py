"""Schema v2: the shipped JSON Schema is the one generated from Article; `newscrawl validate`
counts valid and invalid lines per rule and agrees with a full JSON Schema validator."""
from __future__ import annotations

import json
from dataclasses import fields

import pytest

from conftest import run_newscrawl
from export_check import line_errors, schema_validator
from newscrawl.items import SCHEMA_VERSION, Article
from newscrawl.schema import SCHEMA_FILE, LineChecker, build_schema, schema_text, shipped_schema


def good_line(**changes) -> dict:
    record = Article(url="https://news.example/2024/05/01/story", title="A story", body="One.\n\nTwo.",
                     source="News", date="2024-05-01T08:30:00+00:00", date_precision="minute", date_source="meta",
                     id="0123456789abcdef0123", canonical_url="https://news.example/2024/05/01/story",
                     authors=["A. Writer"], language="en", domain="news.example",
                     images=[{"url": "https://news.example/a.jpg", "caption": None, "credit": "AP"}],
                     paywalled=False, fetched_at="2024-05-02T00:00:00+00:00", run_id="2024-05-02T00-00-00Z-abcd").to_dict()
    record.update(changes)
    return record


def test_shipped_schema_is_generated_from_article():
    from importlib import resources

    shipped = resources.files("newscrawl.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == schema_text(), "run `python -m newscrawl.schema` after changing newscrawl/items.py"
    schema = shipped_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"]) == [f.name for f in fields(Article)] == schema["required"]
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION == 2
    schema_validator()  # the schema itself is a valid 2020-12 schema


def test_schema_types_follow_the_dataclass():
    props = build_schema()["properties"]
    assert props["section"]["type"] == ["string", "null"] and props["url"]["type"] == "string"
    assert props["title"]["type"] == "string"  # a story line always has one (non-empty)
    assert props["authors"] == {**props["authors"], "type": "array", "items": {"type": "string"}}
    assert props["paywalled"]["type"] == ["boolean", "null"] and props["version"]["type"] == "integer"
    assert props["date_precision"]["enum"] == ["day", "minute", "second", None]


@pytest.mark.parametrize("change, rule", [
    ({"date": "2024-05-01"}, "date: pattern"),
    ({"date": "2024-05-01T08:30:00"}, "date: pattern"),
    ({"date_modified": "yesterday"}, "date_modified: pattern"),
    ({"title": None}, "title: type"),
    ({"body": ""}, "body: minLength"),
    ({"url": "ftp://x"}, "url: pattern"),
    ({"authors": "A. Writer"}, "authors: type"),
    ({"authors": [1]}, "authors: items.type"),
    ({"date_precision": "hour"}, "date_precision: enum"),
    ({"date_source": "guess"}, "date_source: enum"),
    ({"version": 0}, "version: minimum"),
    ({"version": "2"}, "version: type"),
    ({"schema_version": 1}, "schema_version: const"),
    ({"images": [{"url": "u"}]}, "images: items.required.caption"),
    ({"paywalled": "no"}, "paywalled: type"),
    ({"surprise": 1}, "surprise: unknown field"),
])
def test_checker_names_the_rule_and_agrees_with_jsonschema(change, rule):
    record = good_line(**change)
    assert rule in LineChecker().problems(record)
    assert line_errors(record)  # the JSON Schema validator rejects it too (and the helper checks agreement)


def test_a_missing_key_is_invalid():
    record = good_line()
    del record["run_id"]
    assert LineChecker().problems(record) == ["run_id: missing"] and line_errors(record)


def test_good_line_is_valid():
    assert LineChecker().problems(good_line()) == [] and line_errors(good_line()) == []


def test_validate_command_counts_per_rule_and_exits_1(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(good_line(), ensure_ascii=False) for _ in range(3)) + "\n", encoding="utf-8")
    result = run_newscrawl("validate", str(good))
    assert result.returncode == 0 and "3 valid, 0 invalid lines in 1 file(s)" in result.stderr

    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([json.dumps(good_line()), json.dumps(good_line(date="2024-05-01")), "not json",
                              json.dumps(good_line(date="2024-05-01", title=None))]) + "\n", encoding="utf-8")
    result = run_newscrawl("validate", str(good), str(bad))
    assert result.returncode == 1
    assert "4 valid, 3 invalid lines in 2 file(s)" in result.stderr
    counts = {line.split(None, 1)[1]: int(line.split(None, 1)[0]) for line in result.stderr.splitlines()[1:]
              if line.strip() and line.strip()[0].isdigit()}
    assert counts == {"date: pattern": 2, "line: not JSON": 1, "title: type": 1}
    assert f"{bad}:2:" in result.stderr
    assert run_newscrawl("validate", str(tmp_path / "missing.jsonl")).returncode == 2
