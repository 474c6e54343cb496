"""What a URL looks like before it is fetched: a story, a listing, a feed, a sitemap, or
something not worth fetching."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

SKIP_EXTENSIONS = {
    "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "avif",
    "mp3", "mp4", "m4a", "m4v", "mov", "avi", "wmv", "webm", "ogg", "wav", "flac",
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "zip", "gz", "tgz", "rar", "7z",
    "exe", "dmg", "apk", "css", "js", "json", "woff", "woff2", "ttf", "eot", "ics", "vcf",
}
# Paths that are never stories nor listings worth crawling (accounts, search, sharing, print dialogs ...).
SKIP_PATH_RE = re.compile(
    r"/(?:login|logout|signin|sign-in|signup|sign-up|register|account|my-account|subscribe|"
    r"subscription|newsletter|search|share|sharer|cart|checkout|wp-admin|wp-login\.php|"
    r"wp-json|xmlrpc\.php|cdn-cgi|comment|comments|reply|print|email-a-friend|feedback|"
    r"privacy|privacy-policy|terms|terms-of-use|cookies?|cookie-policy|impressum|datenschutz|"
    r"mentions-legales|advertise|advertising|jobs|careers)(?:/|$|\?|\.)",
    re.I,
)
SKIP_QUERY_RE = re.compile(r"(?:^|&)(?:replytocom|share|action|print|format=pdf|login)=", re.I)

FEED_PATH_RE = re.compile(r"(?:/feed/?$|/rss/?$|/atom/?$|\.rss$|\.atom$|/rss\.xml$|/atom\.xml$|/feed\.xml$|/index\.xml$|[?&]feed=)", re.I)
SITEMAP_PATH_RE = re.compile(r"sitemap[^/]*\.xml(?:\.gz)?$|/sitemap/?$", re.I)

# Path segments that name a listing (/tag/economy/, /section/politics/, /author/jane-doe/, /news/).
LISTING_SEGMENTS = {
    "section", "sections", "category", "categories", "cat", "tag", "tags", "topic", "topics",
    "author", "authors", "archive", "archives", "latest", "news", "page", "seite", "pagina",
    "rubrique", "rubriken", "ressort", "thema", "themen", "kategorie", "categoria", "seccion",
    "secciones", "sujet", "dossier", "dossiers", "people", "writer", "writers", "columnist",
    "columnists", "label", "index", "home",
}
# Page 2 and beyond (page=1 is usually the listing's first page, or a story that remembers it).
PAGE_NUMBER_RE = re.compile(r"(?:/(?:page|seite|pagina|p)/(?:[2-9]|\d{2,})/?$|[?&](?:page|p|paged|pg|seite|pagina|start|offset)=(?:[2-9]|\d{2,}))", re.I)
DATE_IN_PATH_RE = re.compile(r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?(?:/|[-_])")
LONG_ID_RE = re.compile(r"(?:^|[/_.-])\d{4,}(?:[/_.-]|$)")
ARTICLE_SUFFIX_RE = re.compile(r"\.(?:s?html?|php|aspx?|cms)$", re.I)
# Query parameters that carry a story's id on sites of every age (news.php?id=23063, /?p=123,
# node.php?nid=5, show.asp?article=77): story-shaped when they are the site's pattern.
ID_QUERY_RE = re.compile(
    r"(?:^|&)(?:id|p|nid|aid|sid|article|articleid|article_id|newsid|news_id|story|storyid|story_id|"
    r"itemid|item_id|postid|post_id|contentid|content_id|no|num)=\d+(?:&|$)", re.I)


def is_crawlable(url: str) -> bool:
    """http(s), not a static asset, not an account/search/share page."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    path = parts.path
    last = path.rsplit("/", 1)[-1]
    if "." in last:
        ext = last.rsplit(".", 1)[-1].lower()
        if ext in SKIP_EXTENSIONS:
            return False
    if SKIP_PATH_RE.search(path) or (parts.query and SKIP_QUERY_RE.search(parts.query)):
        return False
    return True


def looks_like_feed(url: str) -> bool:
    return bool(FEED_PATH_RE.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")))


def looks_like_sitemap(url: str) -> bool:
    return bool(SITEMAP_PATH_RE.search(urlsplit(url).path))


def is_page_number_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(PAGE_NUMBER_RE.search(parts.path + ("?" + parts.query if parts.query else "")))


def has_id_query(url: str) -> bool:
    """A query string naming one item by a numeric id (?id=, ?p=, ?nid=, ?article= ...)."""
    return bool(ID_QUERY_RE.search(urlsplit(url).query))


def url_pattern(url: str) -> str:
    """The shape a site gives a kind of URL, for learning which shapes are its stories:
    digits become '#', slugs '*', and the query keeps its parameter names only.
    '/news.php?id=23063' -> '/news.php?id'; '/2024/05/01/storm-hits-coast.html' -> '/#/#/#/*.html'."""
    parts = urlsplit(url)
    segments = []
    for segment in (parts.path or "/").split("/")[1:]:
        stem, dot, ext = segment.rpartition(".") if re.fullmatch(r"[^.]+\.[A-Za-z]{2,5}", segment) else (segment, "", "")
        if re.fullmatch(r"\d+", stem):
            stem = "#"
        elif "-" in stem or "_" in stem or len(stem) > 24 or re.search(r"\d{3,}", stem):
            stem = "*"
        segments.append(stem + dot + ext)
    keys = sorted({kv.split("=", 1)[0].lower() for kv in parts.query.split("&") if kv})
    return "/" + "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def url_shape(url: str, site_hints: dict | None = None) -> str:
    """'article', 'listing' or 'unknown', from the URL alone, or with what the crawl has
    learnt of its site (`site_hints`, newscrawl.discovery.site_memory.SiteMemory.snapshot())."""
    if site_hints:
        from newscrawl.discovery.site_memory import pattern_kind

        learnt = pattern_kind(site_hints, url)
        if learnt:
            return learnt
    parts = urlsplit(url)
    path = parts.path or "/"
    if is_page_number_url(url):
        return "listing"
    if parts.query and has_id_query(url):
        # news.php?id=23063, /?p=123: a story or a page of the site's own; the page decides
        # (and the site's memory, once it has seen a few).
        return "unknown"
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    slug_words = len(re.findall(r"[^\W_]+", re.sub(ARTICLE_SUFFIX_RE, "", last)))
    if DATE_IN_PATH_RE.search(path + "/") and segments and not re.fullmatch(r"\d+", last):
        return "article"
    if ARTICLE_SUFFIX_RE.search(last) and slug_words >= 3:
        return "article"
    if LONG_ID_RE.search("/" + "/".join(segments[1:])) and len(segments) >= 2:
        return "article"
    if len(segments) >= 1 and last.count("-") >= 3 and slug_words >= 4:
        return "article"
    if not segments or last.lower() in LISTING_SEGMENTS or re.fullmatch(r"index\.\w+", last, re.I):
        return "listing"
    if len(segments) >= 2 and segments[-2].lower() in LISTING_SEGMENTS and slug_words <= 3 and not ARTICLE_SUFFIX_RE.search(last):
        return "listing"
    if len(segments) == 1 and slug_words <= 2:
        return "listing"
    return "unknown"
