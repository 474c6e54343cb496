"""Bytes -> text: the one decoder of every path (crawl, `extract`, tests).

The labels (BOM, HTTP header, <meta charset>) are claims; the bytes decide when they disagree:

1. a byte-order mark wins (the WHATWG rule), when the bytes decode under it;
2. bytes that are valid UTF-8 with non-ASCII text in them are UTF-8, whatever a label says
   (a legacy-encoded page is practically never valid UTF-8 by accident);
3. the labels that decode the bytes strictly: when they agree, or only one does, it is used,
   unless it is a Latin single-byte label whose text reads like mojibake of another script;
   when they disagree, charset-normalizer chooses between them;
4. nothing declared decodes: a page that is UTF-8 apart from a few stray bytes keeps its
   UTF-8 text (the stray bytes read as windows-1252); else charset-normalizer's guess.

Never raises on any input: unknown or non-text codec names ("punycode", "rot13") are skipped.
"""
from __future__ import annotations

import codecs
import re
from typing import Mapping, Optional, Union

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

# Letters of the Latin-1 supplement: in mojibake of Arabic, Cyrillic or Greek text most
# letters land here; in real French, German or Portuguese text a small share does.
_LATIN1_LETTERS = re.compile(r"[\u00c0-\u00ff]")
_LETTERS = re.compile(r"[^\W\d_]")
_LATIN_FAMILY = {"cp1252", "latin_1", "iso8859_15", "iso8859_2", "cp1250", "iso8859_9", "cp1254"}
# A page is "UTF-8 with stray bytes" when it has at least this many valid non-ASCII
# characters for each invalid sequence.
_STRAY_RATIO = 4
_DETECT_BYTES = 200_000


def _header(headers: Optional[Mapping], name: str) -> Optional[str]:
    if not headers:
        return None
    for key, value in headers.items():
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() == name:
            if isinstance(value, (list, tuple)):
                value = value[0] if value else None
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            return value
    return None


def content_type(headers: Optional[Mapping]) -> Optional[str]:
    return _header(headers, "content-type")


def _codec(label: Optional[str]) -> Optional[str]:
    """The Python codec name of a charset label, or None when unknown or not a text encoding."""
    if not label:
        return None
    try:
        name = resolve_encoding(label.strip()) or label.strip()
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _strict(data: bytes, codec: Optional[str]) -> Optional[str]:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _reads_as_mojibake(text: str) -> bool:
    sample = text[:20_000]
    letters = len(_LETTERS.findall(sample))
    return letters > 50 and len(_LATIN1_LETTERS.findall(sample)) > 0.3 * letters


def _normalizer_choice(data: bytes, candidates: Optional[list[str]] = None) -> Optional[str]:
    from charset_normalizer import from_bytes  # only for pages whose labels do not settle it

    try:
        matches = from_bytes(data[:_DETECT_BYTES], cp_isolation=candidates or None)
        best = matches.best()
    except Exception:  # the detector is a heuristic: any failure means "no opinion"
        return None
    return _codec(best.encoding) if best is not None and best.encoding else None


def _mostly_utf8(data: bytes) -> Optional[str]:
    """UTF-8 text with a few invalid bytes: decoded with those bytes read as windows-1252.
    Text in a single-byte charset read as UTF-8 is almost all invalid sequences; a UTF-8 page
    with stray bytes has many valid multi-byte characters for each invalid one."""
    sample = data[:_DETECT_BYTES].decode("utf-8", errors="replace")
    bad = sample.count("\ufffd")
    valid = sum(1 for ch in sample if ord(ch) > 0x7F) - bad
    if valid < 10 or bad * _STRAY_RATIO > valid:
        return None
    return data.decode("utf-8", errors="newscrawl-cp1252")


def _cp1252_fallback(error: UnicodeDecodeError):
    chunk = error.object[error.start:error.end]
    return chunk.decode("cp1252", errors="replace").replace("\ufffd", ""), error.end


codecs.register_error("newscrawl-cp1252", _cp1252_fallback)


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def detect_encoding(data: bytes, headers: Optional[Mapping] = None) -> str:
    """The codec the page's bytes are decoded with (see the module docstring for the order)."""
    bom_label, bom = read_bom(data)
    if bom_label and _strict(data[len(bom):], _codec(bom_label)) is not None:
        return _codec(bom_label)
    try:
        data.decode("utf-8")
        if not data.isascii():
            return "utf-8"
        is_utf8 = True
    except UnicodeDecodeError:
        is_utf8 = False
    ctype = content_type(headers)
    labels = [_codec(http_content_type_encoding(ctype)) if ctype else None,
              _codec(html_body_declared_encoding(data[:4096]))]
    decodable = []
    for codec in labels:
        if codec and codec not in decodable and _strict(data, codec) is not None:
            decodable.append(codec)
    if is_utf8:  # pure ASCII: every ASCII-compatible label gives the same text
        return decodable[0] if decodable else "utf-8"
    if len(decodable) == 1:
        codec = decodable[0]
        if codec in _LATIN_FAMILY and _reads_as_mojibake(data.decode(codec)):
            return _normalizer_choice(data) or codec
        return codec
    if len(decodable) > 1:
        return _normalizer_choice(data, decodable) or decodable[0]
    return "utf-8-mostly" if _mostly_utf8(data) is not None else (_normalizer_choice(data) or "cp1252")


def decode_html(html: Union[bytes, str], headers: Optional[Mapping] = None) -> str:
    """The page's text. Never raises; the worst case is windows-1252 with undecodable bytes dropped."""
    if isinstance(html, str):
        return html
    codec = detect_encoding(html, headers)
    if codec == "utf-8-mostly":
        return _strip_bom(html.decode("utf-8", errors="newscrawl-cp1252"))
    bom_label, bom = read_bom(html)
    data = html[len(bom):] if bom_label and _codec(bom_label) == codec else html
    text = _strict(data, codec)
    if text is None:
        text = data.decode(codec if _codec(codec) else "cp1252", errors="replace")
    return _strip_bom(text)
