"""Responses compressed with gzip, for a phone on a slow connection.

htmx is 52 KB as it ships and 17 KB gzipped. Static files are compressed once
per version (their ETag) and kept; pages are compressed as they are made.
"""
import gzip
from collections import OrderedDict

from flask import request

COMPRESSIBLE = {"text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
                "application/json", "image/svg+xml"}
SMALLEST = 500  # below this gzip's own header costs more than it saves
_static_cache = OrderedDict()  # (path, etag) -> gzipped bytes
STATIC_CACHE_SIZE = 64


def init_app(app):
    app.after_request(compress)


def compress(response):
    if (response.status_code < 200 or response.status_code in (204, 206, 304) or request.method == "HEAD"
            or response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers):
        return response
    response.vary.add("Accept-Encoding")
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return response
    if response.is_streamed and not response.direct_passthrough:
        return response  # a stream made as it goes: leave it
    etag, _ = response.get_etag()
    source = response.response  # a static file's wrapper: closed here once read or not needed
    body = _static_cache.get((request.path, etag)) if etag else None
    response.direct_passthrough = False
    if body is None:
        data = response.get_data()
        if len(data) < SMALLEST:
            _close(source)
            return response
        body = gzip.compress(data, compresslevel=6, mtime=0)
        if etag:
            _static_cache[(request.path, etag)] = body
            if len(_static_cache) > STATIC_CACHE_SIZE:
                _static_cache.popitem(last=False)
    _close(source)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        # The same content in another encoding: a weak ETag, so If-None-Match still matches.
        response.set_etag(etag, weak=True)
    return response


def _close(source):
    close = getattr(source, "close", None)
    if close is not None:
        close()
