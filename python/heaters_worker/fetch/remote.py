"""Remote URLs through yt-dlp used as a library: best video + best audio, merged, into dest_dir.

Access settings (cookies, proxy, extractor args) come in an Access (fetch/access.py), whose secrets
are scrubbed from every message. Live streams and scheduled ones are refused before any media byte
is fetched (a match_filter sees the extracted info first): heaters ingests finished videos.
"""
import collections
import os
import re
from typing import Any, Callable, Optional

import yt_dlp

from ..errors import OpError
from .access import Access
from .extractors import make_ydl
from .guard import guard_urlopen
from .limits import Abort, Budget, shielded
from .progress import ProgressReporter
from .remote_errors import map_error
from .urls import scrub, strip_userinfo
from .workspace import STEM, ext_of

LogFn = Callable[..., None]
_PART_RE = re.compile(r"^source\.f[^.]+\.[^.]+$")
_MAX_FILESIZE_RE = re.compile(r"larger than max-filesize \((\d+) bytes > (\d+) bytes\)")


class _Logger:
    """yt-dlp's messages go to the worker's JSON log (stderr), never stdout; the last few are kept
    because some failures (e.g. max-filesize) are only reported as text."""

    def __init__(self, log: LogFn, access: Optional[Access] = None):
        self._log = log
        self._access = access
        self.recent: collections.deque[str] = collections.deque(maxlen=20)

    def _emit(self, level: str, msg: str) -> None:
        msg = scrub(str(msg)).strip()
        if self._access:
            msg = self._access.redact(msg)
        if msg:
            self.recent.append(msg)
            with shielded():
                self._log(level, msg, source="yt-dlp")

    def debug(self, msg: str) -> None:
        self._emit("debug", msg)

    def info(self, msg: str) -> None:
        self._emit("info", msg)

    def warning(self, msg: str) -> None:
        self._emit("warn", msg)

    def error(self, msg: str) -> None:
        # Expected failures (404, unsupported URL) come through here too; the op's typed error is
        # what gets recorded, so this is context, not an error of the daemon.
        self._emit("warn", msg)


def refuse_live(info: dict, *, incomplete: bool = False) -> Optional[str]:
    """yt-dlp match_filter: a live stream would download until it ends (or forever); an upcoming one
    has nothing to download yet. Abort (a BaseException) passes yt-dlp's error wrappers untouched."""
    status = info.get("live_status")
    if info.get("is_live") or status == "is_live":
        raise Abort("live", "the URL is a live stream; heaters ingests finished videos only: send it again after the stream has ended")
    if status == "is_upcoming":
        when = info.get("release_timestamp")
        at = f" (scheduled for epoch {int(when)})" if isinstance(when, (int, float)) else ""
        raise Abort("upcoming", f"the URL is a scheduled stream or premiere that has not started{at}; send it again once it has ended")
    return None


def build_options(dest_dir: str, budget: Budget, logger: _Logger, hook: Callable[[dict], None],
                  ffmpeg: Optional[str], playlist_item: int = 1) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "format": "bv*+ba/b",
        # yt-dlp picks the merge container: mp4 when both streams fit it, else webm/mkv.
        "paths": {"home": dest_dir, "temp": dest_dir},
        "outtmpl": {"default": f"{STEM}.%(ext)s"},
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "no_color": True,
        "noplaylist": True,
        # A page that is only a playlist: take one entry (the ingest fans a page out into one video per
        # entry, each naming its item), not all of them.
        "playlist_items": str(playlist_item),
        "match_filter": refuse_live,
        "socket_timeout": max(1.0, min(budget.timeout_s, 30.0)),
        "max_filesize": budget.max_bytes,
        "retries": 2,
        "fragment_retries": 2,
        "extractor_retries": 0,
        "skip_unavailable_fragments": False,  # a hole in the video is a failure, not a warning
        "continuedl": False,
        "overwrites": True,
        "updatetime": False,
        "cachedir": False,
        "call_home": False,
        "consoletitle": False,
        "logger": logger,
        "progress_hooks": [hook],
    }
    if ffmpeg:
        opts["ffmpeg_location"] = ffmpeg
    return opts


def fetch_remote(url: str, dest_dir: str, budget: Budget, progress: ProgressReporter, log: LogFn,
                 ffmpeg: Optional[str] = None, allow_private: bool = False, access: Optional[Access] = None,
                 playlist_item: int = 1) -> dict[str, Any]:
    access = access or Access(None, None, {}, [])
    logger = _Logger(log, access)

    def hook(d: dict) -> None:
        status = d.get("status")
        if status in ("downloading", "finished"):
            name = str(d.get("filename") or "")
            # yt-dlp hides requested_formats from the hook; a merged download (bv+ba: 2 files) is
            # recognisable by its part names, source.f<format_id>.<ext>.
            progress.set_expected_files(2 if _PART_RE.search(os.path.basename(name)) else 1)
            downloaded = d.get("downloaded_bytes") or 0
            total = d.get("total_bytes")
            if status == "finished" and not total:
                total = downloaded
            progress.update(name, downloaded, total, speed=d.get("speed"), eta=d.get("eta"),
                            estimate=d.get("total_bytes_estimate"),
                            # A file's "finished" is not the op's end (merge, sniff follow): final() reports that.
                            report=status == "downloading")

    opts = {**build_options(dest_dir, budget, logger, hook, ffmpeg, playlist_item), **access.ydl_options()}
    try:
        with make_ydl(opts) as ydl:
            if not allow_private:
                ydl.urlopen = guard_urlopen(ydl.urlopen)  # type: ignore[method-assign]
            info = ydl.extract_info(url, download=True)
    except Abort:
        raise
    except yt_dlp.utils.DownloadCancelled as e:
        raise OpError("download_failed", access.redact(f"download cancelled: {scrub(str(e))}"))
    except Exception as e:  # yt-dlp raises DownloadError and friends; map by cause
        err = map_error(e, url, logger.recent)
        raise OpError(err.code, access.redact(err.message))

    info = _single_entry(info)
    downloads = info.get("requested_downloads") or []
    path = downloads[0].get("filepath") if downloads else None
    if not path or not os.path.isfile(path):
        # yt-dlp skips (not fails) a file over max_filesize: the only trace is a message.
        for m in logger.recent:
            hit = _MAX_FILESIZE_RE.search(m)
            if hit:
                raise OpError("too_large", f"file size exceeds max_bytes ({hit.group(1)} > {hit.group(2)})")
        raise OpError("download_failed", "yt-dlp finished without producing a file")
    size = os.path.getsize(path)
    budget.check_bytes(size)
    return {
        "path": os.path.abspath(path),
        "bytes": size,
        "ext": ext_of(path),
        "extractor": info.get("extractor_key") or info.get("extractor") or "unknown",
        "video_id": info.get("id") if isinstance(info.get("id"), str) else None,
        "title": info.get("title"),
        "format_id": info.get("format_id"),
        "webpage_url": strip_userinfo(info.get("webpage_url") or url),
        "duration_s": _num(info.get("duration")),
        "width": _int(info.get("width")),
        "height": _int(info.get("height")),
        "vcodec": info.get("vcodec"),
        "acodec": info.get("acodec"),
    }


def _single_entry(info: Any) -> dict:
    if not isinstance(info, dict):
        raise OpError("download_failed", "yt-dlp returned no information")
    if info.get("_type") in ("playlist", "multi_video"):
        for entry in info.get("entries") or []:
            if isinstance(entry, dict) and not entry.get("requested_downloads"):
                # Skipped by the match_filter path or yt-dlp without raising: say why if we can.
                refuse_live(entry)
        for entry in info.get("entries") or []:
            if isinstance(entry, dict) and entry.get("requested_downloads"):
                return entry
        raise OpError("unsupported_url", "the URL is a playlist with no downloadable entry")
    return info


def _num(v: Any) -> Optional[float]:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _int(v: Any) -> Optional[int]:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
