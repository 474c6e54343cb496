"""Cleaning's boilerplate line rules: the `[cleaning.<kind>]` tables of the lexicon files
(newscrawl/text/lexicons/<lang>.toml), compiled once.

A lexicon file has `language = "xx"`, optional `[defs]` (named regex pieces used in
patterns as `{{name}}`, `_common.toml` holds the shared ones) and one table per kind of
boilerplate line:

    [cleaning.related_line]
    patterns = ['read more\\s*:.{0,250}']   # may match anywhere in the body
    edge_patterns = [...]                   # only among the first/last lines of the body
    same_language_only = false              # true: only on pages in this language

A pattern must match the WHOLE line, compared after `fold()` (case, Latin accents, Arabic
diacritics, alef/yeh variants and curly quotes ignored). Patterns of the kinds in
`VALUE_KINDS` capture what the line carries in a group named `value`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterable, Optional, Union

from newscrawl.text.lexicons import COMMON, LEXICON_DIR, read_lexicon_files
from newscrawl.text.normalise import fold, fold_char, fold_text

VALUE_KINDS = ("credit",)
# Lines longer than this are story text, whatever they contain.
MAX_BOILERPLATE_CHARS = 700

# Decoration around a line that does not change what it is ("- Advertisement", "+++ Eilmeldung +++").
_DECORATION = "\\s\\-\u2010-\u2015\u2022\u00b7*\u25ba\u25b6\u25b8>|+~_=#\u2026"
_EDGES = re.compile(f"^[{_DECORATION}]*(.*?)[{_DECORATION}]*$", re.S)
_DEF_REF = re.compile(r"\{\{(\w+)\}\}")


def fold_pattern(pattern: str) -> str:
    # Regex syntax is ASCII and folds to itself; only letters in the pattern change.
    return "".join(fold_char(ch) for ch in pattern)


@dataclass
class KindRules:
    kind: str
    language: str
    anywhere: list[re.Pattern] = field(default_factory=list)
    edge: list[re.Pattern] = field(default_factory=list)
    same_language_only: bool = False


@dataclass(eq=False)  # hashed by identity: compiled rules are cached per (lexicons, language)
class Lexicons:
    rules: list[KindRules]
    languages: list[str]

    def for_language(self, language: Optional[str]) -> list[KindRules]:
        lang = (language or "").split("-")[0].lower() or None
        mine = [r for r in self.rules if r.language == lang]
        others = [r for r in self.rules if r.language != lang and (not r.same_language_only or lang is None)]
        return mine + others


def _expand(pattern: str, defs: dict[str, str], source: str) -> str:
    def sub(m: re.Match) -> str:
        if m.group(1) not in defs:
            raise ValueError(f"{source}: unknown {{{{{m.group(1)}}}}} in pattern {pattern!r}")
        return f"(?:{defs[m.group(1)]})"

    for _ in range(5):  # defs may use other defs
        expanded = _DEF_REF.sub(sub, pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


def _compile(patterns: Iterable[str], defs: dict[str, str], source: str) -> list[re.Pattern]:
    compiled = []
    for p in patterns:
        text = fold_pattern(_expand(p, defs, source))
        try:
            compiled.append(re.compile(text, re.IGNORECASE | re.DOTALL))
        except re.error as exc:
            raise ValueError(f"{source}: bad pattern {p!r}: {exc}") from exc
    return compiled


def load_lexicons(directory: Union[Path, Traversable] = LEXICON_DIR) -> Lexicons:
    by_stem = read_lexicon_files(directory)
    common = by_stem.get(COMMON, {})
    rules: list[KindRules] = []
    languages: list[str] = []
    for stem, data in by_stem.items():
        if stem == COMMON or not data.get("cleaning"):
            continue
        language = data.get("language") or stem
        languages.append(language)
        defs = {**common.get("defs", {}), **data.get("defs", {})}
        for kind, table in data["cleaning"].items():
            if not isinstance(table, dict):
                continue
            rules.append(KindRules(
                kind=kind,
                language=language,
                anywhere=_compile(table.get("patterns", []), defs, f"{stem}.toml"),
                edge=_compile(table.get("edge_patterns", []), defs, f"{stem}.toml"),
                same_language_only=bool(table.get("same_language_only", False)),
            ))
    return Lexicons(rules=rules, languages=languages)


@lru_cache(maxsize=1)
def default_lexicons() -> Lexicons:
    return load_lexicons()


@dataclass
class LineMatch:
    kind: str
    value: Optional[str] = None  # what a credit / byline line carries


class FoldedLine:
    """A body line prepared once for all patterns: folded, decoration trimmed."""

    def __init__(self, line: str):
        self.line = line
        folded = fold_text(line)
        m = _EDGES.match(folded)
        self.core = m.group(1)
        self.offset = m.start(1)
        self._origin: Optional[list[int]] = None

    def original(self, start: int, end: int) -> str:
        """The original text of the span [start, end) of `core`."""
        if start >= end:
            return ""
        if self._origin is None:
            self._origin = fold(self.line)[1]
        a, b = self._origin[start + self.offset], self._origin[end + self.offset - 1] + 1
        return self.line[a:b]


class _CompiledRules:
    """The rules for one page language, with every pattern that captures nothing joined into
    one alternation per position (anywhere / edge): one regex call per line instead of one
    per pattern. Alternatives keep the rule order, so the first matching pattern decides."""

    def __init__(self, rules: list[KindRules]):
        self.anywhere, self.anywhere_kinds = self._join(rules, edge=False)
        self.edge, self.edge_kinds = self._join(rules, edge=True)
        # patterns with a `value` group are tried one by one (their group names repeat)
        self.value_anywhere = [(r.kind, p) for r in rules for p in r.anywhere if "value" in p.groupindex]
        self.value_edge = [(r.kind, p) for r in rules for p in r.edge if "value" in p.groupindex]

    @staticmethod
    def _join(rules: list[KindRules], edge: bool):
        parts, kinds = [], []
        for rule in rules:
            for pattern in (rule.edge if edge else rule.anywhere):
                if "value" in pattern.groupindex:
                    continue
                parts.append(f"(?P<g{len(kinds)}>{pattern.pattern})")
                kinds.append(rule.kind)
        if not parts:
            return None, kinds
        return re.compile("|".join(parts), re.IGNORECASE | re.DOTALL), kinds


@lru_cache(maxsize=64)
def compiled_rules(lexicons: Lexicons, language: Optional[str], kinds: Optional[tuple[str, ...]] = None) -> _CompiledRules:
    """The joined rules for pages in `language` (optionally only some kinds), built once."""
    rules = lexicons.for_language(language)
    return _CompiledRules([r for r in rules if kinds is None or r.kind in kinds])


def match_line(line: FoldedLine, rules: "_CompiledRules | list[KindRules]", at_edge: bool) -> Optional[LineMatch]:
    if not line.core or len(line.line) > MAX_BOILERPLATE_CHARS:
        return None
    if isinstance(rules, list):
        rules = _CompiledRules(rules)
    for joined, kinds, valued, active in ((rules.anywhere, rules.anywhere_kinds, rules.value_anywhere, True),
                                          (rules.edge, rules.edge_kinds, rules.value_edge, at_edge)):
        if not active:
            continue
        if joined is not None:
            m = joined.fullmatch(line.core)
            if m is not None:
                return LineMatch(kinds[int(m.lastgroup[1:])])
        for kind, pattern in valued:
            m = pattern.fullmatch(line.core)
            if m is not None:
                value = line.original(*m.span("value")) if m.group("value") is not None else None
                return LineMatch(kind, value)
    return None
