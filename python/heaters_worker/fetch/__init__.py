"""Fetching a source video into a local workspace: yt-dlp for remote URLs, link/copy for local files.

Used by ops/download.py. Split by concern: urls (what a URL is, how to print it safely), limits
(size/time budget shared by both paths), progress (throttled reports), sniff (cheap non-media check),
local, remote (yt-dlp) and remote_errors (mapping yt-dlp failures to stable codes).
"""
