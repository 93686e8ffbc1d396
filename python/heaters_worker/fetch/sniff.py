"""Cheap check for downloads that are obviously not media (empty, HTML, plain text).

Anything binary passes: deciding whether it really holds a playable stream is ffprobe's job on the
TypeScript side. Text formats that are media descriptions (playlists, manifests) never end up as the
downloaded file, because yt-dlp resolves them.
"""
from typing import Optional

_HTML_MARKERS = (b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<script", b"<div", b"<p>")


def non_media_reason(path: str) -> Optional[str]:
    with open(path, "rb") as f:
        head = f.read(4096)
    if not head:
        return "empty file"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(_HTML_MARKERS):
        return "an HTML/XML document"
    if b"\x00" not in head:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as e:
            # A multi-byte character cut at the read boundary is still text.
            text = head[: e.start].decode("utf-8") if e.start >= len(head) - 3 else None
        if text is not None and all(c.isprintable() or c in "\t\r\n\f" for c in text):
            return "plain text"
    return None
