"""Classify a download URL and render URLs safely for messages (no userinfo, no query, no fragment)."""
import os
import re
import urllib.parse
import urllib.request
from typing import Literal, NamedTuple

from ..errors import OpError

REMOTE_SCHEMES = ("http", "https")


class Source(NamedTuple):
    kind: Literal["local", "remote"]
    # For local: an absolute filesystem path. For remote: the URL as given.
    target: str


def classify(url: str) -> Source:
    """Decide local vs remote before any I/O; anything else is unsupported_url."""
    if not isinstance(url, str) or not url.strip():
        raise OpError("unsupported_url", "url must be a non-empty string")
    url = url.strip()
    if any(ord(c) < 0x20 for c in url):
        raise OpError("unsupported_url", "url contains control characters")
    if url.startswith("/"):
        return Source("local", os.path.normpath(url))
    scheme = urllib.parse.urlsplit(url).scheme.lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) else ""
    if scheme == "file":
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise OpError("unsupported_url", f"file URL with a remote host is not supported: {safe_url(url)}")
        path = urllib.request.url2pathname(parts.path)
        if not path.startswith("/"):
            raise OpError("unsupported_url", f"file URL must hold an absolute path: {safe_url(url)}")
        return Source("local", os.path.normpath(path))
    if scheme in REMOTE_SCHEMES:
        if not urllib.parse.urlsplit(url).hostname:
            raise OpError("unsupported_url", f"URL has no host: {safe_url(url)}")
        return Source("remote", url)
    if not scheme:
        raise OpError("unsupported_url", "url must be http(s)://, file:// or an absolute path")
    # Never echo the rest: javascript:/data: URLs are payloads, not addresses.
    raise OpError("unsupported_url", f"unsupported URL scheme: {scheme}:")


def safe_url(url: str) -> str:
    """scheme://host[:port]/path: drop credentials, query and fragment (tokens often live there)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        if not parts.scheme:
            return "<url>"
        if parts.scheme.lower() not in ("http", "https", "file", "ftp", "ftps", "rtmp", "rtsp"):
            return f"{parts.scheme}:"
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "<url>"


_URL_RE = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>()\[\]]+")


def scrub(text: str) -> str:
    """Replace every URL inside free text (e.g. a yt-dlp message) with its safe form."""
    return _URL_RE.sub(lambda m: safe_url(m.group(0)), text)


def strip_userinfo(url: str) -> str:
    """Keep the URL's identity (path + query) for results, minus any user:password@."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return safe_url(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
