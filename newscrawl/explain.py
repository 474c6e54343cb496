"""Why the crawl does what it does with one page (`newscrawl explain`): its kind and the
signals behind it, the site profile that applies, every field with the source it came from,
the links it would follow, and what cleaning removed. Pure: bytes in, a report dict out; it
runs the same page function as the crawl and only reads the page again to attribute."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Mapping, Optional

from newscrawl.page import ARTICLE, PageHints, PageResult, process_page

FIELDS = ("title", "date", "date_modified", "authors", "source", "language", "section", "tags", "image",
          "canonical_url", "credit", "summary", "paywalled", "images", "body")


def _fold(value: Any) -> str:
    if isinstance(value, list):
        value = " ".join(map(str, value))
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).split()).casefold()


def _classification(tree, url: str, profile: Optional[dict], final_kind: str, site_hints: Optional[dict]) -> dict:
    """The classifier's signals and the rules of newscrawl.discovery.pages.classify_page (in its
    order) they met or missed."""
    from newscrawl.discovery.pages import (ARTICLE_TYPES, LISTING_TYPES, NOT_STORY_TYPES, RUN_MIN_CHARS, classify_page,
                                           has_date_signal)
    from newscrawl.discovery.site_memory import pattern_kind
    from newscrawl.discovery.urls import is_page_number_url
    from newscrawl.extraction.profiles import url_rule

    page_class = classify_page(tree, url, site_hints=site_hints)
    s = page_class.signals
    types = set(s.get("jsonld_types", ()))
    main = s.get("main_block_chars", 0)
    learnt = pattern_kind(site_hints, url)
    structured = bool(types & ARTICLE_TYPES) or s.get("og_type") == "article"
    has_shape = "block_link_ratio" in s
    own_block = has_shape and s["block_link_ratio"] < 0.25 and s["repeated_blocks"] < 2 and bool(s.get("headline"))
    checks = [
        ("an about/contact/profile/search page by its structured data", bool(types & NOT_STORY_TYPES) and not structured),
        (f"page 2+ of a listing: page-number URL and main block {main} < 1500 chars",
         is_page_number_url(url) and main < 1500 and learnt != ARTICLE),
        (f"structured data says story (JSON-LD/og:type) and main block {main} >= 200 chars or a story-shaped URL",
         structured and (main >= 200 or s.get("url_shape") == "article")),
        (f"main block {main} >= 600 chars and (a story-shaped URL or a publication date in the markup)",
         main >= 600 and (s.get("url_shape") == "article" or has_date_signal(tree))),
        (f"main block {main} >= 2500 chars on a page that is not the home page", main >= 2500),
        (f"no metadata: a headline that is not a link, one block of running text (main block {main} >= 300 chars, "
         f"links < 25 %, not one card among look-alikes) and a date line",
         own_block and main >= 300 and bool(s.get("date_line")) and learnt != "listing"),
        ("a short story (main block >= %d chars) whose URL shape or template the site's stories have" % RUN_MIN_CHARS,
         own_block and main >= RUN_MIN_CHARS and learnt == ARTICLE),
        (f"listing: links to story-shaped URLs {s.get('story_links', 0)} >= 3, or a listing type, or a listing-shaped URL",
         s.get("story_links", 0) >= 3 or bool(types & LISTING_TYPES) or s.get("url_shape") == "listing"),
    ]
    rule = url_rule(profile, url)
    return {
        "kind": final_kind,
        "classifier_kind": page_class.kind,
        "profile_rule": f"{rule[0]} {rule[1]!r}" if rule else None,
        "site_memory": learnt,
        "signals": s,
        "rules": [{"rule": text, "met": bool(met)} for text, met in checks],
    }


def _sources(article, raw, tree, url: str, fetched_at, profile: Optional[dict], profile_set: dict,
             hints: PageHints) -> dict[str, str]:
    """Where each field's value came from, found by asking each source in the extractor's order."""
    from newscrawl.extraction.article import PUBLISHED_META, Page, SOCIAL_TITLE_META
    from newscrawl.extraction.profiles import select
    from newscrawl.extraction.structured import text_of

    page = Page(tree, url, fetched_at, (profile,) if profile else ())
    selectors = (profile or {}).get("selectors") or {}

    def profile_text(key: str) -> str:
        if not selectors.get(key):
            return ""
        return " ".join(" ".join(el.text_content().split()) for el in select(tree, selectors[key]))

    sources: dict[str, str] = {}
    title = _fold(raw.title)
    if title and selectors.get("title") and title in _fold(profile_text("title")):
        sources["title"] = f"profile selector {selectors['title']!r}"
    elif title and title == _fold(text_of(page.ld("headline")) or text_of(page.ld("name"))):
        sources["title"] = "JSON-LD headline"
    elif title and title in _fold(page.data.first(*SOCIAL_TITLE_META)):
        sources["title"] = "meta (og:title / twitter:title)"
    elif title and any(title in _fold(h.text_content()) for h in page.data.h1[:5]):
        sources["title"] = "page <h1>"
    elif title and hints.listed_title and title == _fold(hints.listed_title):
        sources["title"] = "feed / sitemap entry"
    elif title:
        sources["title"] = "page <title>"
    date = (raw.date or "")[:10]
    if date:
        ld_date = text_of(page.ld("datePublished")) or text_of(page.ld("dateCreated")) or ""
        if ld_date.startswith(date):
            sources["date"] = "JSON-LD datePublished"
        elif any(v.startswith(date) for v in page.data.all(*PUBLISHED_META)):
            sources["date"] = "meta (article:published_time ...)"
        elif selectors.get("date") and select(tree, selectors["date"]):
            sources["date"] = f"profile selector {selectors['date']!r}"
        elif any((t.get("datetime") or "").startswith(date) for t in page.data.times):
            sources["date"] = "page <time datetime>"
        elif re.sub(r"-", "/", date) in url or date.replace("-", "") in url:
            sources["date"] = "the URL"
        elif hints.listed_date:
            sources["date"] = "feed / sitemap entry"
        else:
            sources["date"] = "page (<time> or visible date text)"
    if raw.authors:
        if selectors.get("authors") and select(tree, selectors["authors"]):
            sources["authors"] = f"profile selector {selectors['authors']!r}"
        elif page.article_ld.get("author") if page.article_ld else False:
            sources["authors"] = "JSON-LD author"
        elif page.data.all("author", "article:author", "parsely-author", "dc.creator"):
            sources["authors"] = "meta (author ...)"
        else:
            sources["authors"] = "page byline"
    if profile and not profile.get("hint_only"):
        sources["source"] = f"profile name ({profile.get('path') or profile.get('file') or 'site list'})"
    elif raw.source and raw.source != raw.domain:
        sources["source"] = "JSON-LD publisher / og:site_name"
    else:
        sources["source"] = "the domain"
    if raw.language:
        sources["language"] = "profile" if profile and profile.get("language") and not profile.get("hint_only") \
            else "markup checked against the text"
    for key in ("section", "tags", "image"):
        if getattr(article, key, None):
            sources[key] = profile_set.get(key) and f"profile selector {selectors[key]!r}" or "JSON-LD / meta"
    if profile and profile.get("timezone") and "date" in sources:
        sources["date"] += f" (a time given without an offset is read in {profile['timezone']})"
    if raw.canonical_url:
        sources["canonical_url"] = "rel=canonical / og:url" if page.data.links.get("canonical") or page.data.all("og:url") \
            else "the URL, canonicalised"
    if article.credit:
        sources["credit"] = "cleaning: credit line moved out of the body"
    if raw.body:
        if selectors.get("body"):
            sources["body"] = f"profile selector {selectors['body']!r}"
        elif page.ld("articleBody"):
            sources["body"] = "page main text (JSON-LD articleBody as a check)"
        else:
            sources["body"] = "page main text (generic extractor)"
    return sources


def _removed_lines(raw_body: Optional[str], clean_body: Optional[str]) -> list[str]:
    kept = {_fold(p) for p in (clean_body or "").split("\n\n")}
    return [p for p in (raw_body or "").split("\n\n") if p.strip() and _fold(p) not in kept]


def explain_page(url: str, headers: Optional[Mapping] = None, body: bytes = b"", fetched_at: Optional[datetime] = None,
                 hints: Optional[PageHints] = None) -> dict:
    from newscrawl.extraction.article import parse_html
    from newscrawl.text.decode import decode_html
    from newscrawl.extraction.profiles import page_profile, read_profile_fields
    from newscrawl.page import _profiles

    hints = hints or PageHints()
    fetched_at = fetched_at or datetime.now(timezone.utc)
    result: PageResult = process_page(url, headers, body, fetched_at, hints)
    report: dict[str, Any] = {"url": url, "kind": result.kind, "error": result.error}
    tree = parse_html(decode_html(body, headers or {})) if result.kind not in ("feed", "sitemap", "not_html", "empty") else None
    profiles = _profiles(url, hints)
    profile = page_profile(tree, url, profiles)
    report["profile"] = ({"name": profile["name"], "file": profile.get("path") or profile.get("file")}
                         if profile else None)
    if tree is not None:
        report["classification"] = _classification(tree, url, profile, result.kind, hints.site)
    # The fields whatever the kind (what the crawl would export if it took the page for a story).
    raw = process_page(url, headers, body, fetched_at, replace(hints, extract_all=True, clean=False)).article
    full = process_page(url, headers, body, fetched_at, replace(hints, extract_all=True))
    article = result.article or full.article
    if article is not None and raw is not None and tree is not None:
        profile_set = {k: "profile selector" for k in read_profile_fields(tree, url, profile)}
        sources = _sources(article, raw, parse_html(decode_html(body, headers or {})), url, fetched_at, profile,
                           profile_set, hints)
        # The page function counts where the summary came from (summary/<source>).
        summary_source = next((k.split("/", 1)[1] for k in full.counters if k.startswith("summary/")), None)
        if summary_source and summary_source != "none":
            sources.setdefault("summary", summary_source)
        report["exported"] = result.article is not None
        report["fields"] = {name: {"value": getattr(article, name), "source": sources.get(name)} for name in FIELDS}
        removed_counts = Counter({k.split("/", 2)[-1]: n for k, n in full.counters.items()
                                  if k.startswith("cleaning/removed/")})
        report["cleaning"] = {"removed_by_kind": dict(sorted(removed_counts.items())),
                              "removed_lines": _removed_lines(raw.body, article.body)}
    report["links"] = [{"url": link.url, "role": link.role, "related": link.role == "related"} for link in result.links]
    report["counters"] = {k: v for k, v in sorted(result.counters.items()) if not k.startswith("cleaning/")}
    return report


def format_report(report: dict) -> str:
    lines = [f"url       {report['url']}"]
    classification = report.get("classification") or {}
    kind = report["kind"] + (" (a story: exported)" if report["kind"] == ARTICLE else " (not exported)")
    lines.append(f"kind      {kind}")
    if report.get("error"):
        lines.append(f"error     {report['error']}")
    profile = report.get("profile")
    lines.append(f"profile   {profile['name']} ({profile['file']})" if profile else "profile   none (generic rules)")
    if classification:
        if classification.get("profile_rule"):
            lines.append(f"          the profile's {classification['profile_rule']} decides the kind "
                         f"(the classifier alone says {classification['classifier_kind']})")
        lines.append("why       classifier signals:")
        for key, value in classification["signals"].items():
            lines.append(f"            {key:<18} {value}")
        lines.append("          classifier rules, in order (the first met decides):")
        for rule in classification["rules"]:
            lines.append(f"            [{'met' if rule['met'] else '   '}] {rule['rule']}")
    if report.get("fields"):
        lines.append("fields" + ("" if report.get("exported") else "    (what a story would hold; this page is not exported)"))
        for name, field in report["fields"].items():
            value = field["value"]
            if name == "body" and value:
                shown = f"{len(value)} chars, {value.count(chr(10) + chr(10)) + 1} paragraphs: {value[:120]!r}…"
            else:
                shown = repr(value) if not isinstance(value, str) else value
            lines.append(f"  {name:<14} {shown}")
            if field.get("source"):
                lines.append(f"  {'':<14} <- {field['source']}")
    links = report.get("links") or []
    lines.append(f"links     {len(links)} it would follow" + (" (on-site ones; the crawl drops the others)" if links else ""))
    for link in links[:60]:
        mark = "  related" if link["related"] else ""
        lines.append(f"  {link['role']:<10} {link['url']}{mark}")
    if len(links) > 60:
        lines.append(f"  … and {len(links) - 60} more")
    cleaning = report.get("cleaning")
    if cleaning:
        by_kind = ", ".join(f"{k} {v}" for k, v in cleaning["removed_by_kind"].items()) or "nothing"
        lines.append(f"cleaning  removed: {by_kind}")
        for line in cleaning["removed_lines"][:30]:
            lines.append(f"  - {line[:160]}")
    return "\n".join(lines) + "\n"
