"""Generates small news sites for tests: N distinct stories listed on paginated home pages,
with an RSS feed; served by newscrawl.demo.server like the demo sites."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

WORDS = (
    "harbour council budget ferry storm school hospital railway bridge market farmers river "
    "election minister court museum library festival airport police tunnel energy water "
    "housing teachers nurses drivers fishermen museum garden stadium theatre factory bakery "
    "village mayor inspector engineer scientist volunteers students tourists residents "
    "approved delayed rejected opened closed repaired expanded funded reviewed announced "
    "quietly suddenly finally again yesterday today tomorrow north south east west central "
    "record cost plan report survey contract strike protest vote hearing inquiry grant"
).split()

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | Test Gazette</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="Test Gazette">
<meta property="article:published_time" content="{date}"></head>
<body><header><nav><a href="/">Home</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {author}</p><time datetime="{date}">{date}</time>
{paragraphs}
</article></main><footer><p>Test Gazette</p></footer></body></html>"""

LISTING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test Gazette</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml">{next_link}</head>
<body><header><nav><a href="/">Home</a></nav></header><main><ul>{items}</ul>{next_anchor}</main></body></html>"""


def story_text(rng: random.Random, n_paragraphs: int = 4) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))).capitalize() + "." for _ in range(n_paragraphs)]


def write_story(root: Path, index: int, date: datetime, seed: int = 0, title: str | None = None) -> str:
    rng = random.Random(seed * 100003 + index)
    path = f"/news/{date:%Y/%m/%d}/story-number-{index}-{rng.choice(WORDS)}.html"
    title = title or f"Story {index}: " + " ".join(rng.choice(WORDS) for _ in range(6))
    html = PAGE.format(title=title, author=f"Reporter {index % 7}", date=date.isoformat(),
                       paragraphs="\n".join(f"<p>{p}</p>" for p in story_text(rng)))
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return path


def write_listings(root: Path, paths: list[str], per_page: int = 10) -> None:
    pages = [paths[i:i + per_page] for i in range(0, len(paths), per_page)] or [[]]
    for number, chunk in enumerate(pages, 1):
        has_next = number < len(pages)
        items = "".join(f'<li><a href="{p}">{p.rsplit("/", 1)[-1]}</a></li>' for p in chunk)
        html = LISTING.format(
            items=items,
            next_link=f'<link rel="next" href="/page/{number + 1}/">' if has_next else "",
            next_anchor=f'<a href="/page/{number + 1}/">Next</a>' if has_next else "",
        )
        target = root / ("index.html" if number == 1 else f"page/{number}/index.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def write_feed(root: Path, entries: list[tuple[str, datetime]]) -> None:
    items = "".join(
        f"<item><title>{p}</title><link>{{{{BASE}}}}{p}</link><pubDate>{d.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for p, d in entries
    )
    (root / "rss.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>', encoding="utf-8")


def build_site(root: Path, n_stories: int, seed: int = 0, start: datetime | None = None,
               per_page: int = 10) -> list[str]:
    """A site of n distinct stories, one a day back from `start`, all listed; returns their paths."""
    start = start or datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    paths = [write_story(root, i, start - timedelta(days=i), seed) for i in range(n_stories)]
    write_listings(root, paths, per_page)
    write_feed(root, [])
    return paths
