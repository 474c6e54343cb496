"""The one place for the words and phrases the pipeline recognises: a TOML file per language
(`<lang>.toml`) and `_common.toml` for what belongs to no single language. Each file holds a
table per use, named after the stage that reads it:

    [cleaning.<kind>]  whole lines that cleaning removes, or moves into `credit` / `authors`
                       (newscrawl/cleaning/lexicon.py)
    [discovery]        phrases that mark related-story links and blocks and next-page links
                       (newscrawl/discovery/markers.py)
    [extraction]       blocks that are never part of a story body (newscrawl/extraction/body.py)
    [defs]             regex pieces the file's cleaning patterns use as {{name}}

Adding a language, or a phrase to one, is a data change: no code names a language here.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Union

import tomllib

# Read through importlib.resources, so the files load from a zipped egg (scrapyd) too.
LEXICON_DIR = files("newscrawl.text.lexicons")
COMMON = "_common"


def read_lexicon_files(directory: Union[Path, Traversable] = LEXICON_DIR) -> dict[str, dict]:
    """File stem ('en', 'ar', …, '_common') -> its parsed TOML, in name order."""
    paths = sorted((p for p in directory.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    out: dict[str, dict] = {}
    for path in paths:
        try:
            out[path.name[: -len(".toml")]] = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
    return out


@lru_cache(maxsize=1)
def _bundled() -> dict[str, dict]:
    return read_lexicon_files()


def tables_for(use: str) -> dict[str, dict]:
    """The bundled files' table for one use ('discovery', 'extraction'), by file stem."""
    return {stem: data[use] for stem, data in _bundled().items() if isinstance(data.get(use), dict)}


@lru_cache(maxsize=None)
def words_for(use: str, name: str) -> tuple[str, ...]:
    """One list of a use gathered from every file (common first, then languages by name).
    Cached: callers ask for it once a page, and the bundled files never change in a run."""
    return tuple(w for table in tables_for(use).values() for w in table.get(name, []))
