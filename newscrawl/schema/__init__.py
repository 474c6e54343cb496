"""The JSON Schema of an export line, generated from `Article` (newscrawl/items.py), and a fast
line checker that reads that schema.

`python -m newscrawl.schema` rewrites `article.v2.schema.json`; a test fails when the shipped
file and `Article` disagree. The checker implements exactly the keywords the schema uses
(type, enum, const, pattern, minLength, minimum, items, required, additionalProperties), so a
100,000-line export is checked in seconds; the tests cross-check it against a full JSON Schema
2020-12 validator.
"""
from __future__ import annotations

import json
import re
from dataclasses import fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from newscrawl.items import SCHEMA_VERSION, Article

SCHEMA_FILE = f"article.v{SCHEMA_VERSION}.schema.json"
SCHEMA_ID = f"https://newscrawl.invalid/schema/{SCHEMA_FILE}"

_TYPES = {"str": "string", "int": "integer", "bool": "boolean", "dict": "object", "float": "number"}


def _json_type(annotation: str) -> dict:
    """'Optional[str]' -> {"type": ["string", "null"]}; 'list[str]' -> array of strings."""
    annotation = annotation.replace(" ", "")
    if annotation.startswith("Optional[") and annotation.endswith("]"):
        inner = _json_type(annotation[len("Optional["):-1])
        return {**inner, "type": [inner["type"], "null"]}
    if annotation.startswith("list[") and annotation.endswith("]"):
        return {"type": "array", "items": _json_type(annotation[len("list["):-1])}
    return {"type": _TYPES[annotation]}


def build_schema() -> dict:
    """JSON Schema 2020-12 of one export line, from Article's fields and their metadata."""
    properties = {}
    for f in fields(Article):
        rules = dict(f.metadata.get("schema", {}))
        prop = {"description": f.metadata.get("doc", "")}
        prop.update(_json_type(str(f.type)))
        if "items" in rules:
            prop["items"] = rules.pop("items")
        if "enum" in rules:
            enum = list(rules.pop("enum"))
            prop["enum"] = enum + [None] if isinstance(prop["type"], list) and "null" in prop["type"] else enum
        prop.update(rules)
        properties[f.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"newscrawl export line, schema_version {SCHEMA_VERSION}",
        "description": "One story per JSON line. Generated from newscrawl/items.py (Article): do not edit by hand.",
        "type": "object",
        "required": [f.name for f in fields(Article)],
        "additionalProperties": False,
        "properties": properties,
    }


def schema_text() -> str:
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


@lru_cache(maxsize=1)
def shipped_schema() -> dict:
    return json.loads(resources.files("newscrawl.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


# --- the line checker -------------------------------------------------------------------------

_PY_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def _compile(prop: dict):
    """A function value -> list of rule names it breaks, for one property schema."""
    types = prop.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    type_checks = [_PY_TYPES[t] for t in types]
    enum = prop.get("enum")
    has_const = "const" in prop
    const = prop.get("const")
    pattern = re.compile(prop["pattern"]) if "pattern" in prop else None
    min_length = prop.get("minLength")
    minimum = prop.get("minimum")
    items = _compile(prop["items"]) if "items" in prop else None
    required = prop.get("required", [])
    sub = {name: _compile(p) for name, p in prop.get("properties", {}).items()}
    closed = prop.get("additionalProperties") is False

    def check(value) -> list[str]:
        if type_checks and not any(t(value) for t in type_checks):
            return ["type"]
        broken = []
        if enum is not None and value not in enum:
            broken.append("enum")
        if has_const and value != const:
            broken.append("const")
        if isinstance(value, str):
            if pattern is not None and not pattern.search(value):
                broken.append("pattern")
            if min_length is not None and len(value) < min_length:
                broken.append("minLength")
        if minimum is not None and isinstance(value, (int, float)) and value < minimum:
            broken.append("minimum")
        if items is not None and isinstance(value, list):
            for item in value:
                broken.extend(f"items.{rule}" for rule in items(item))
        if isinstance(value, dict):
            broken.extend(f"required.{n}" for n in required if n not in value)
            for name, item in value.items():
                if name in sub:
                    broken.extend(f"{name}.{rule}" for rule in sub[name](item))
                elif closed:
                    broken.append("additionalProperties")
        return broken

    return check


_TYPE_TESTS = {"string": "type({v}) is str", "integer": "type({v}) is int", "boolean": "type({v}) is bool",
               "null": "{v} is None", "object": "type({v}) is dict", "array": "type({v}) is list",
               "number": "type({v}) in (int, float)"}


class _Codegen:
    """Writes one Python function that says whether a record is valid, for the fast path:
    most lines are valid, and a generated function is several times faster than walking
    the schema. Invalid lines are then explained by the rule-by-rule checker."""

    def __init__(self) -> None:
        self.constants: dict[str, Any] = {}
        self.depth = 0

    def constant(self, value) -> str:
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def expr(self, prop: dict, var: str) -> str:
        types = prop.get("type")
        types = [types] if isinstance(types, str) else list(types or [])
        if not types:
            types = ["string", "integer", "boolean", "null", "object", "array", "number"]
        branches = []
        for kind in types:
            parts = [_TYPE_TESTS[kind].format(v=var)]
            if "enum" in prop:
                parts.append(f"{var} in {self.constant(tuple(prop['enum']))}")
            if "const" in prop:
                parts.append(f"{var} == {self.constant(prop['const'])}")
            if kind == "string":
                if "pattern" in prop:
                    parts.append(f"{self.constant(re.compile(prop['pattern']))}.search({var}) is not None")
                if "minLength" in prop:
                    parts.append(f"len({var}) >= {int(prop['minLength'])}")
            if kind in ("integer", "number") and "minimum" in prop:
                parts.append(f"{var} >= {self.constant(prop['minimum'])}")
            if kind == "array" and "items" in prop:
                self.depth += 1
                item = f"_i{self.depth}"
                parts.append(f"all({self.expr(prop['items'], item)} for {item} in {var})")
            if kind == "object" and ("properties" in prop or "required" in prop):
                parts.append(self.object_expr(prop, var))
            branches.append("(" + " and ".join(parts) + ")")
        return "(" + " or ".join(branches) + ")"

    def object_expr(self, prop: dict, var: str) -> str:
        properties = prop.get("properties", {})
        required = list(prop.get("required", []))
        closed = prop.get("additionalProperties") is False
        parts = []
        if closed and set(required) == set(properties):
            parts.append(f"{var}.keys() == {self.constant(frozenset(properties))}")
            optional = False
        else:
            if required:
                parts.append(f"{self.constant(frozenset(required))} <= {var}.keys()")
            if closed:
                parts.append(f"{var}.keys() <= {self.constant(frozenset(properties))}")
            optional = True
        for name, sub in properties.items():
            key = repr(name)
            check = self.expr(sub, f"{var}[{key}]")
            parts.append(f"({key} not in {var} or {check})" if optional and name not in required else check)
        return "(" + " and ".join(parts) + ")" if parts else "True"

    def function(self, schema: dict):
        body = self.expr({**schema, "type": "object"}, "r")
        namespace = dict(self.constants)
        exec(f"def is_valid(r):\n    return {body}\n", namespace)  # our own schema's text, never input
        return namespace["is_valid"]


class LineChecker:
    """Checks export lines against a schema; each problem is named '<field>: <rule>'."""

    def __init__(self, schema: dict | None = None) -> None:
        schema = schema or shipped_schema()
        self.required = list(schema.get("required", []))
        self.closed = schema.get("additionalProperties") is False
        self.properties = {name: _compile(prop) for name, prop in schema["properties"].items()}
        self.is_valid = _Codegen().function(schema)

    def problems(self, record: Any) -> list[str]:
        if not isinstance(record, dict):
            return ["line: not a JSON object"]
        if self.is_valid(record):
            return []
        return self._explain(record) or ["line: invalid"]  # the two never disagree on the shipped schema

    def _explain(self, record: dict) -> list[str]:
        out = [f"{name}: missing" for name in self.required if name not in record]
        for name, value in record.items():
            check = self.properties.get(name)
            if check is None:
                if self.closed:
                    out.append(f"{name}: unknown field")
                continue
            out.extend(f"{name}: {rule}" for rule in check(value))
        return out

    def check_line(self, line: bytes | str) -> list[str]:
        try:
            record = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            return ["line: not JSON"]
        return self.problems(record)


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                yield number, line

