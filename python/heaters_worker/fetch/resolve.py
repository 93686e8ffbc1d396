"""What a remote URL is, before anything is downloaded: one video, or a playlist/channel/page of them.

yt-dlp extracts the page with extract_flat='in_playlist': a playlist's entries stay URL references
(one request for a YouTube playlist page, not one per video), a page's embedded <video> elements come
back as entries with their media URL. Each entry gets the URL to download it by and, where the
extractor has a real id, its canonical identity (`youtube:dQw4w9WgXcQ`). The generic extractors' ids
are derived from the file or page name, so they are no identity: those entries carry none, and the
daemon keys them by URL.

A channel is often a playlist of playlists (YouTube: its Videos, Shorts and Live tabs). An entry whose
extractor says it is a playlist (InfoExtractor.is_single_video is False) is resolved in turn, one level
deep, and its entries take its place, so a channel fans out into videos, not into one video per tab.
"""
from typing import Any, Callable, Optional

import yt_dlp

from ..errors import OpError
from .access import Access
from .extractors import make_ydl
from .guard import guard_urlopen
from .limits import Abort
from .remote import _Logger
from .remote_errors import map_error
from .urls import scrub, strip_userinfo

LogFn = Callable[..., None]

# Extractors whose ids are names, not identities.
_NO_IDENTITY = {"generic", "html5mediaembed"}


def canonical_id(extractor: Any, video_id: Any) -> Optional[str]:
    if not isinstance(extractor, str) or not isinstance(video_id, str) or not video_id:
        return None
    key = extractor.lower()
    if key in _NO_IDENTITY or key.startswith("generic"):
        return None
    return f"{key}:{video_id}"


def _entry(e: dict, index: int, page_url: str) -> dict[str, Any]:
    kind = e.get("_type") or "video"
    if kind in ("url", "url_transparent"):
        extractor = e.get("ie_key") or e.get("extractor_key")
        url = e.get("url")
        item = None
    else:
        extractor = e.get("extractor_key") or e.get("extractor")
        own = e.get("webpage_url") if e.get("webpage_url") not in (None, page_url) else None
        # A page's embedded video: its one media URL when it has one, else the page and its index.
        direct = e.get("url") if not e.get("requested_formats") else None
        url = own or direct
        item = None if url else index
        url = url or page_url
    return {
        "url": strip_userinfo(str(url)),
        "playlist_item": item,
        "extractor": extractor if isinstance(extractor, str) else None,
        "id": e.get("id") if isinstance(e.get("id"), str) else None,
        "canonical": canonical_id(extractor, e.get("id")),
        "title": e.get("title") if isinstance(e.get("title"), str) else None,
        "live_status": e.get("live_status") if isinstance(e.get("live_status"), str) else None,
    }


def _is_playlist_ref(ydl: Any, e: dict) -> bool:
    if (e.get("_type") or "video") not in ("url", "url_transparent") or not isinstance(e.get("url"), str):
        return False
    ie_key = e.get("ie_key")
    try:
        ie = ydl.get_info_extractor(ie_key) if isinstance(ie_key, str) else None
        return ie is not None and ie.suitable(e["url"]) and ie.is_single_video(e["url"]) is False
    except Exception:  # an extractor that cannot say: take the entry as it is
        return False


def _flatten(ydl: Any, entries: list[dict], max_entries: int, logger: Any) -> list[dict]:
    """Replace playlist references by their entries (one level), up to max_entries in all."""
    out: list[dict] = []
    for e in entries:
        if len(out) >= max_entries:
            break
        if not _is_playlist_ref(ydl, e):
            out.append(e)
            continue
        try:
            inner = ydl.extract_info(e["url"], download=False)
        except Exception as err:  # one unreadable tab must not lose the others
            logger.warning(f"nested playlist skipped: {scrub(str(err))[:300]}")
            continue
        sub = [x for x in (inner or {}).get("entries") or [] if isinstance(x, dict)] if isinstance(inner, dict) else []
        out.extend(x for x in sub if not _is_playlist_ref(ydl, x))
    return out[:max_entries]


def resolve_remote(url: str, *, log: LogFn, access: Access, allow_private: bool, max_entries: int,
                   timeout_s: float) -> dict[str, Any]:
    logger = _Logger(log, access)
    opts: dict[str, Any] = {
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "no_color": True,
        "skip_download": True,
        "extract_flat": "in_playlist",
        "playlistend": max_entries,  # lazy playlists (channels) stop paging here
        "noplaylist": True,  # a video URL that also names a playlist (watch?v=X&list=Y) is that video
        "socket_timeout": max(1.0, min(timeout_s, 30.0)),
        "extractor_retries": 0,
        "cachedir": False,
        "call_home": False,
        "logger": logger,
        **access.ydl_options(),
    }
    try:
        with make_ydl(opts) as ydl:
            if not allow_private:
                ydl.urlopen = guard_urlopen(ydl.urlopen)  # type: ignore[method-assign]
            info = ydl.extract_info(url, download=False)
            if isinstance(info, dict) and info.get("_type") in ("playlist", "multi_video"):
                entries = [e for e in (info.get("entries") or []) if isinstance(e, dict)][:max_entries]
                info["entries"] = _flatten(ydl, entries, max_entries, logger)
    except Abort:
        raise
    except yt_dlp.utils.DownloadCancelled as e:
        raise OpError("download_failed", access.redact(f"resolve cancelled: {scrub(str(e))}"))
    except Exception as e:
        err = map_error(e, url, logger.recent)
        raise OpError(err.code, access.redact(err.message))
    if not isinstance(info, dict):
        raise OpError("download_failed", "yt-dlp returned no information")
    extractor = info.get("extractor_key") or info.get("extractor")
    title = info.get("title") if isinstance(info.get("title"), str) else None
    if info.get("_type") in ("playlist", "multi_video"):
        entries = [e for e in (info.get("entries") or []) if isinstance(e, dict)][:max_entries]
        return {
            "kind": "playlist",
            "extractor": extractor,
            "id": info.get("id") if isinstance(info.get("id"), str) else None,
            "canonical": canonical_id(extractor, info.get("id")),
            "title": title,
            "webpage_url": strip_userinfo(info.get("webpage_url") or url),
            "entries": [_entry(e, i, url) for i, e in enumerate(entries, start=1)],
        }
    return {
        "kind": "video",
        "extractor": extractor,
        "id": info.get("id") if isinstance(info.get("id"), str) else None,
        "canonical": canonical_id(extractor, info.get("id")),
        "title": title,
        "webpage_url": strip_userinfo(info.get("webpage_url") or url),
        "live_status": info.get("live_status") if isinstance(info.get("live_status"), str) else None,
        "entries": [],
    }
