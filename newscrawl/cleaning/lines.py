"""Boilerplate lines out of the body, recall first.

A line goes only when the whole line matches a lexicon pattern (see lexicon.py) or is a
byline (newscrawl/bylines); some patterns (credits) and bylines count only among the
first/last lines of the body. Lines that carry data are kept aside: credit lines as
`credits`, bylines as `bylines` (the names they give).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from newscrawl.bylines import read_byline
from newscrawl.cleaning.lexicon import FoldedLine, Lexicons, compiled_rules, default_lexicons, match_line
from newscrawl.text.normalise import fold_text
from newscrawl.text.normalise import normalize_text

HEAD_LINES = 3  # edge patterns apply to the first HEAD_LINES remaining lines...
TAIL_LINES = 3  # ...and to the last TAIL_LINES
_VALUE_TRIM = " \t.,;:-–—|()[]{}«»\"'“”"


@dataclass
class CleanResult:
    paragraphs: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, line) in body order
    credits: list[str] = field(default_factory=list)
    bylines: list[list[str]] = field(default_factory=list)  # author names per byline line


def _compact(text: str) -> str:
    return "".join(ch for ch in fold_text(text).casefold() if ch.isalnum())


def _trim_value(value: str) -> str:
    return value.strip(_VALUE_TRIM + " ")


def clean_paragraphs(
    paragraphs: list[str],
    language: Optional[str] = None,
    counts: Optional[Counter] = None,
    title: Optional[str] = None,
    lexicons: Optional[Lexicons] = None,
) -> CleanResult:
    """Normalise paragraphs and remove boilerplate lines; never raises on any text."""
    rules = compiled_rules(lexicons or default_lexicons(), language)
    # Normalised as one text (paragraph breaks kept), then split into paragraphs and lines.
    text = normalize_text("\n\n".join(p for p in paragraphs if isinstance(p, str)))
    lines: list[tuple[int, str]] = []  # (paragraph index, line) for every non-empty line
    for i, paragraph in enumerate(text.split("\n\n")):
        for line in paragraph.split("\n"):
            if line.strip():
                lines.append((i, line))
    folded = [FoldedLine(line) for _, line in lines]
    alive = [True] * len(lines)
    title_key = _compact(title) if title else ""
    # (line index, kind, line, credit value, byline names): kept in body order at the end
    found: list[tuple[int, str, str, Optional[str], list[str]]] = []

    # Edge windows move as lines go, so repeat until nothing else matches (that is also what
    # makes a second cleaning a no-op).
    changed = True
    while changed:
        changed = False
        remaining = [k for k in range(len(lines)) if alive[k]]
        edge = set(remaining[:HEAD_LINES]) | set(remaining[-TAIL_LINES:])
        for pos, k in enumerate(remaining):
            kind, credit, names = None, None, []
            if pos == 0 and title_key and len(remaining) > 1 and _compact(lines[k][1]) == title_key:
                kind = "title_repeat"  # the headline repeated as the first line of the body
            else:
                m = match_line(folded[k], rules, k in edge)
                if m is not None:
                    kind = m.kind
                    if kind == "credit" and m.value is not None:
                        credit = _trim_value(m.value) or None
                elif k in edge and (names := read_byline(lines[k][1])):
                    kind = "byline"  # "By the end of the year" reads as no names: story text
                else:
                    continue
            alive[k] = False
            changed = True
            found.append((k, kind, lines[k][1], credit, names))
            if counts is not None:
                counts[kind] += 1
            if kind == "title_repeat":
                break  # the next line is now the first: look again

    found.sort(key=lambda f: f[0])
    grouped: dict[int, list[str]] = {}
    for k, (i, line) in enumerate(lines):
        if alive[k]:
            grouped.setdefault(i, []).append(line)
    return CleanResult(
        paragraphs=["\n".join(ls) for _, ls in sorted(grouped.items())],
        removed=[(kind, line) for _, kind, line, _, _ in found],
        credits=[credit for _, _, _, credit, _ in found if credit],
        bylines=[names for _, _, _, _, names in found if names],
    )

