"""URL identity: tracking parameters, the canonical form of a page's URL, its registrable
domain (the site), and AMP/print/mobile variants. One home for discovery, extraction, the
spider and dedup. Every function takes hostile URLs: a malformed one never raises."""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url as w3lib_canonicalize_url

# tldextract must never fetch the public suffix list at run time: use its bundled snapshot.
_TLD_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

TRACKING_PARAM_PATTERNS = [
    r"utm_[a-z_]+", r"fbclid", r"gclid", r"gclsrc", r"dclid", r"msclkid", r"yclid",
    r"mc_cid", r"mc_eid", r"mc_[a-z]+", r"_ga", r"_gl", r"igshid", r"ocid", r"cmpid",
    r"ref_src", r"ref_url", r"__twitter_impression", r"wt_mc", r"wt\.mc_id", r"smid",
    r"spm", r"share", r"s_cid", r"ito", r"at_medium", r"at_campaign", r"ns_mchannel",
    r"ns_source", r"ns_campaign", r"ns_linkname", r"ns_fee", r"rss", r"ref",
]
_TRACKING_RE = re.compile(r"^(?:%s)$" % "|".join(TRACKING_PARAM_PATTERNS), re.I)


def is_tracking_param(name: str) -> bool:
    return bool(_TRACKING_RE.match(name))


@lru_cache(maxsize=65536)  # a site's navigation links come back on every page
def strip_tracking(url: str) -> str:
    """The URL without its fragment and tracking parameters (utm_*, fbclid, gclid ...)."""
    if "?" not in url and "#" not in url:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))


def canonicalize_url(url: str, fold_variants: bool = False) -> str:
    """One form per page: w3lib canonical form (sorted query, normalised escapes, no
    fragment) with tracking parameters removed, lower-case host, no default port, and no
    trailing slash difference on paths other than the root. With `fold_variants`, an AMP /
    print / mobile variant URL is first mapped to its main edition (`fold_variant_url`)."""
    url = url.strip()
    if fold_variants:
        url = fold_variant_url(url)
    canonical = w3lib_canonicalize_url(strip_tracking(url), keep_fragments=False)
    parts = urlsplit(canonical)
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (parts.scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


@lru_cache(maxsize=65536)
def registrable_domain(url_or_host: str) -> str:
    """example.co.uk for https://www.news.example.co.uk/x. For IP addresses and single-label
    hosts (localhost) there is no registrable domain, so the host with its port is the site:
    two servers on 127.0.0.1 with different ports are two sites."""
    if "//" in url_or_host:
        try:
            netloc = urlsplit(url_or_host).netloc
        except ValueError:  # "http://[::1/x": an unbalanced IPv6 bracket
            netloc = url_or_host.split("//", 1)[1].split("/", 1)[0]
    else:
        netloc = url_or_host
    netloc = netloc.lower().rsplit("@", 1)[-1]
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if _is_ip(host) or "." not in host:
        return netloc
    try:
        ext = _TLD_EXTRACT(host)
    except (ValueError, UnicodeError):  # an invalid IDNA label
        return host
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return url.split("//", 1)[-1].split("/", 1)[0].lower()


def same_site(url: str, site_domain: str, site_host: str | None = None, allow_subdomains: bool = True) -> bool:
    """Is `url` on the site? By registrable domain when subdomains are allowed, else by
    exact host (site_host)."""
    if not url.startswith(("http://", "https://")):
        return False
    if allow_subdomains or site_host is None:
        return registrable_domain(url) == site_domain
    return host_of(url) == site_host


# --- AMP / print / mobile variants ---------------------------------------------------------
# A page's rel=canonical (when on the same site) is the reliable way to its main edition;
# these rules fold the common variant URL shapes when no page is at hand (before fetching).

# https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path -> https://www.example.com/path
_AMP_CACHE_RE = re.compile(r"^/(?:[a-z]/)?(?:c|v|i|wp)/(s/)?([^/]+)(/.*)?$")
_AMP_CACHE_HOSTS = (".cdn.ampproject.org", ".ampproject.net", ".bing-amp.com")
_VARIANT_HOST_PREFIXES = ("amp.", "m.", "mobile.", "mobil.", "print.")
_VARIANT_PATH_SUFFIX_RE = re.compile(r"(?<=[^/])/(?:amp|print|mobile)/?$", re.I)
_VARIANT_EXTENSION_RE = re.compile(r"\.(?:amp|print)(\.html?)$", re.I)
# query parameters that only select the edition: name -> values that mean AMP / print
# (None: any value)
_VARIANT_PARAMS = {
    "amp": None, "outputtype": {"amp", "print"}, "output": {"amp", "print"}, "print": None,
    "view": {"print", "amp", "mobile"}, "printable": None, "format": {"amp", "print"},
    "mobile": None, "m": {"1", "true", "yes"}, "_amp": None, "amp_js_v": None, "usqp": None,
}


def fold_variant_url(url: str) -> str:
    """The main-edition URL of an AMP-cache, amp./m. host, /amp or /print path, .amp.html, or
    ?amp / ?outputType=amp / ?print=true / ?view=print URL; other URLs unchanged. Host
    prefixes are dropped only when the host is a subdomain of a registrable domain (so
    m.example.com -> example.com, never m.co.uk -> co.uk)."""
    parts = urlsplit(url.strip())
    scheme, netloc, path, query = parts.scheme, parts.netloc, parts.path, parts.query
    host = netloc.lower().rsplit("@", 1)[-1]
    if any(host.split(":")[0].endswith(suffix) for suffix in _AMP_CACHE_HOSTS):
        match = _AMP_CACHE_RE.match(path)
        if match:
            scheme = "https" if match.group(1) else "http"
            netloc = match.group(2)
            path = match.group(3) or "/"
            host = netloc.lower()
    bare = host.split(":")[0]
    for prefix in _VARIANT_HOST_PREFIXES:
        if bare.startswith(prefix) and not _is_ip(bare):
            rest = bare[len(prefix):]
            ext = _TLD_EXTRACT(rest)
            if ext.domain and ext.suffix:  # never fold m.co.uk to the public suffix co.uk
                netloc = netloc.lower().replace(bare, rest, 1)
            break
    path = _VARIANT_EXTENSION_RE.sub(r"\1", path)
    path = _VARIANT_PATH_SUFFIX_RE.sub("", path)
    if query:
        kept = []
        for name, value in parse_qsl(query, keep_blank_values=True):
            values = _VARIANT_PARAMS.get(name.lower(), ())
            if values is None or (values and value.lower() in values):
                continue
            kept.append((name, value))
        query = urlencode(kept, doseq=True)
    return urlunsplit((scheme, netloc, path, query, parts.fragment))


def story_key(url: str) -> str:
    """A looser key for "the same story page": the folded canonical URL without scheme
    difference or a leading www. (www.example.com/x, m.example.com/x, amp.example.com/x and
    http://example.com/x/amp give one key)."""
    canonical = canonicalize_url(url, fold_variants=True)
    parts = urlsplit(canonical)
    netloc = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    return urlunsplit(("https", netloc, parts.path, parts.query, ""))
