"""Bytes -> text with the right charset: HTTP header > BOM > <meta charset> > detection.

A declared charset that cannot decode the bytes (a page served as UTF-8 that is really
windows-1256, say) is passed over for the next source instead of producing mojibake.
"""
from __future__ import annotations

import codecs
from typing import Mapping, Optional, Union

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding


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


def _try(data: bytes, encoding: Optional[str]) -> Optional[str]:
    if not encoding:
        return None
    name = resolve_encoding(encoding) or encoding
    try:
        codecs.lookup(name)
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def _detect(data: bytes) -> str:
    text = _try(data, "utf-8")
    if text is not None:
        return text
    from charset_normalizer import from_bytes  # only for the rare undeclared non-UTF-8 page

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        decoded = _try(data, best.encoding)
        if decoded is not None:
            return decoded
    return data.decode("cp1252", errors="replace")


def decode_html(html: Union[bytes, str], headers: Optional[Mapping] = None) -> str:
    if isinstance(html, str):
        return html
    ctype = content_type(headers)
    if ctype:
        text = _try(html, http_content_type_encoding(ctype))
        if text is not None:
            return text[1:] if text.startswith("\ufeff") else text
    bom_encoding, bom = read_bom(html)
    if bom_encoding:
        text = _try(html[len(bom):], bom_encoding)
        if text is not None:
            return text
    declared = html_body_declared_encoding(html[:4096])
    text = _try(html, declared)
    if text is not None:
        return text
    return _detect(html)
