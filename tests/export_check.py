"""Every test that writes an export checks it here: each line against the shipped JSON Schema
with a full JSON Schema 2020-12 validator (formats checked), and with `newscrawl validate`'s
own checker, which must agree."""
from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from newscrawl.schema import LineChecker, shipped_schema

_VALIDATOR = None


def schema_validator() -> Draft202012Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        schema = shipped_schema()
        Draft202012Validator.check_schema(schema)
        _VALIDATOR = Draft202012Validator(schema, format_checker=FormatChecker())
    return _VALIDATOR


def line_errors(record) -> list[str]:
    """Problems of one line by the JSON Schema validator; the project's checker must find a
    problem exactly when the validator does."""
    errors = [f"{'/'.join(map(str, e.path)) or 'line'}: {e.message}" for e in schema_validator().iter_errors(record)]
    ours = LineChecker().problems(record)
    assert bool(errors) == bool(ours), f"checkers disagree on {record!r}: jsonschema {errors}, newscrawl {ours}"
    return errors


def assert_valid_export(path: Path, min_lines: int = 1) -> list[dict]:
    """Every line of a JSON Lines export is valid; returns the records."""
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            errors = line_errors(record)
            assert not errors, f"{path}:{number} is not a valid export line: {errors[:5]}"
            records.append(record)
    assert len(records) >= min_lines, f"{path}: {len(records)} lines, expected at least {min_lines}"
    return records


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (0644 under the usual 022)."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
