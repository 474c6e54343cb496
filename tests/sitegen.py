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


# --- a wire-style site with no structured data ------------------------------------------------
# No JSON-LD, no OpenGraph, no <time datetime>: a visible date line only. Stories at
# /wire/story?nid=N; many are one-paragraph briefs. The archive is paginated only through
# <link rel="next"> in <head> (cursor URLs /stream?before=N, no "next" link on the page).
# One story is linked only from another story's "Related coverage" block.
WIRE_STORY = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} - Wirenews</title></head>
<body><div id="top"><a href="/">Wirenews</a> <a href="/stream">Latest</a> <a href="/about">About</a> <a href="/contact">Contact</a></div>
<div id="page"><div class="story"><h1>{title}</h1><div class="dateline">{date}</div>
<div class="text">{paragraphs}</div>{related}</div>
<div class="top-stories"><h4>Top stories</h4><ul>{top}</ul></div></div>
<div id="foot">(c) Wirenews. All rights reserved.</div></body></html>"""
WIRE_LISTING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Latest - Wirenews</title>{next_link}</head>
<body><div id="top"><a href="/">Wirenews</a> <a href="/stream">Latest</a> <a href="/about">About</a> <a href="/contact">Contact</a></div>
<div id="page"><h2>Latest news</h2><ul class="stream">{items}</ul></div>
<div id="foot">(c) Wirenews. All rights reserved.</div></body></html>"""
WIRE_PLACES = ["LONDON", "NAIROBI", "SINGAPORE", "LIMA", "OSLO", "CAIRO", "MANILA", "OTTAWA"]


def wire_date(date: datetime) -> str:
    return f"{date:%B} {date.day}, {date:%Y} {date:%I:%M} {'AM' if date.hour < 12 else 'PM'} GMT"


def build_wire_site(root: Path, n_stories: int, seed: int = 0, per_page: int = 10) -> dict:
    """Returns {"stories": [paths], "related_only": path, "non_stories": [paths]}."""
    rng = random.Random(seed)
    start = datetime(2024, 5, 1, 18, 0, tzinfo=timezone.utc)
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    ids = [100000 + 37 * i for i in range(n_stories + 1)]
    related_only = ids[-1]
    titles = {nid: " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 10))).capitalize() for nid in ids}
    path = lambda nid: f"/wire/story?nid={nid}"  # noqa: E731

    def story_file(nid: int) -> Path:
        return root / "wire" / "__query__" / "story" / f"nid={nid}.html"

    for i, nid in enumerate(ids):
        brief = i % 3 == 0  # a third of the wire: one-paragraph briefs, some of them one-line flashes
        words = (rng.randint(22, 30) if i % 6 == 0 else rng.randint(35, 55)) if brief else rng.randint(45, 80)
        n_paragraphs = 1 if brief else rng.randint(3, 6)
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "." for _ in range(n_paragraphs)]
        paragraphs[0] = f"{rng.choice(WIRE_PLACES)}, {start:%b} {start.day} (Wirenews) - " + paragraphs[0]
        related = ""
        if i == 5:  # the only link to the related-only story
            related = ('<div class="related"><h4>Related coverage</h4><ul>'
                       f'<li><a href="{path(related_only)}">{titles[related_only]}</a></li>'
                       f'<li><a href="{path(ids[0])}">{titles[ids[0]]}</a></li></ul></div>')
        top = "".join(f'<li><a href="{path(t)}">{titles[t]}</a></li>' for t in ids[:5] if t != nid)
        html = WIRE_STORY.format(title=titles[nid], date=wire_date(start - timedelta(hours=3 * i)),
                                 paragraphs="".join(f"<p>{p}</p>" for p in paragraphs), related=related, top=top)
        story_file(nid).parent.mkdir(parents=True, exist_ok=True)
        story_file(nid).write_text(html, encoding="utf-8")
    listed = ids[:-1]
    pages = [listed[i:i + per_page] for i in range(0, len(listed), per_page)]
    for number, chunk in enumerate(pages):
        next_link = f'<link rel="next" href="/stream?before={pages[number + 1][0]}">' if number + 1 < len(pages) else ""
        items = "".join(f'<li><a href="{path(nid)}">{titles[nid]}</a> <span class="when">{wire_date(start - timedelta(hours=3 * ids.index(nid)))}</span></li>'
                        for nid in chunk)
        html = WIRE_LISTING.format(next_link=next_link, items=items)
        targets = [root / "index.html", root / "stream" / "index.html"] if number == 0 else \
            [root / "stream" / "__query__" / f"before={chunk[0]}.html"]
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
    about = ("<p>Wirenews is a wire service that files short reports around the clock from bureaus in "
             "eight cities, for newspapers, broadcasters and websites that take its feed.</p>") * 3
    for name, text in (("about", about), ("contact", "<p>Editors: desk@wirenews.example</p>")):
        (root / name).mkdir(exist_ok=True)
        (root / name / "index.html").write_text(
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{name.title()} - Wirenews</title></head>'
            f'<body><div id="top"><a href="/">Wirenews</a></div><div id="page"><h1>{name.title()} Wirenews</h1>{text}</div></body></html>',
            encoding="utf-8")
    return {"stories": [path(nid) for nid in ids], "related_only": path(related_only),
            "non_stories": ["/", "/stream", "/about", "/contact"] + [f"/stream?before={p[0]}" for p in pages[1:]]}
