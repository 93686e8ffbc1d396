"""Building a YoutubeDL with extra extractors ahead of yt-dlp's own.

Production registers none. The worker started with --test-ops loads ops/testing/test_site.py, which
registers a loopback-only test extractor here, so tests can produce playlists, bot checks, 429s, live
and upcoming entries without the real web. Extra extractors are added first: yt-dlp's Generic
extractor, which matches every URL, must not win over them.
"""
from typing import Any

import yt_dlp

EXTRA: list[type] = []


def register(ie_class: type) -> None:
    if ie_class not in EXTRA:
        EXTRA.append(ie_class)


def make_ydl(opts: dict[str, Any]) -> "yt_dlp.YoutubeDL":
    if not EXTRA:
        return yt_dlp.YoutubeDL(opts)
    ydl = yt_dlp.YoutubeDL(opts, auto_init=False)
    for cls in EXTRA:
        ydl.add_info_extractor(cls())
    ydl.add_default_info_extractors()
    return ydl
