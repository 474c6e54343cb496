"""URL canonicalisation and site identity, shared by the spider (before fetching) and dedup."""
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


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))


def canonicalize_url(url: str) -> str:
    """One form per page: w3lib canonical form (sorted query, normalised escapes, no
    fragment) with tracking parameters removed, lower-case host, no default port, and no
    trailing slash difference on paths other than the root."""
    url = url.strip()
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
        netloc = urlsplit(url_or_host).netloc
    else:
        netloc = url_or_host
    netloc = netloc.lower().rsplit("@", 1)[-1]
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if _is_ip(host) or "." not in host:
        return netloc
    ext = _TLD_EXTRACT(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}"
    return host


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def same_site(url: str, site_domain: str, site_host: str | None = None, allow_subdomains: bool = True) -> bool:
    """Is `url` on the site? By registrable domain when subdomains are allowed, else by
    exact host (site_host)."""
    if not url.startswith(("http://", "https://")):
        return False
    if allow_subdomains or site_host is None:
        return registrable_domain(url) == site_domain
    return host_of(url) == site_host
