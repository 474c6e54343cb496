"""Requests in Redis as JSON, not pickle (scrapy-redis's default): whoever can write to the
queue must not be able to make a worker run code. Bytes (headers, body) are tagged base64."""
from __future__ import annotations

import base64
import json


def _encode(obj):
    if isinstance(obj, bytes):
        return {"__b": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: _encode(v) for k, v in obj.items()}
        return {"__d": [[_encode(k), _encode(v)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return [_encode(v) for v in obj]
    return obj


def _decode(obj):
    if isinstance(obj, dict):
        if "__b" in obj and len(obj) == 1:
            return base64.b64decode(obj["__b"])
        if "__d" in obj and len(obj) == 1:
            return {_decode(k): _decode(v) for k, v in obj["__d"]}
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def dumps(obj) -> bytes:
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def loads(data: bytes):
    return _decode(json.loads(data))
