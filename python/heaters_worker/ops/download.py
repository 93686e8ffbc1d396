"""download: fetch a source video into dest_dir as source.<ext>.

args: {url, dest_dir, max_bytes, timeout_s, ffmpeg?, local_roots?, allow_private?, cookies_file?, proxy?,
       extractor_args?, playlist_item?}
  allow_private: fetch from loopback/private/link-local addresses too (default: refused, forbidden_url).
  cookies_file, proxy, extractor_args: access settings (fetch/access.py); their secrets never leave.
  playlist_item: which entry of a page that is a playlist (1-based; default 1).
  url: http(s):// (anything yt-dlp understands: direct files, DASH/HLS manifests, sites),
       file:// or an absolute local path. Other schemes fail with unsupported_url before any I/O.
result: {path, bytes, ext, extractor, video_id, title, format_id, webpage_url, duration_s, width, height,
         vcodec, acodec} (the last ones are whatever yt-dlp knows, often null; the daemon ffprobes).
progress: {stage:"download", percent, downloaded_bytes, total_bytes, speed_bps, eta_s}, ~2/s + final.
errors: unsupported_url, not_found, forbidden_path, forbidden_url, http_error, network, too_large, timeout, not_a_video,
        bot_check, rate_limited, private, members_only, age_restricted, geo_blocked, removed, live, upcoming, drm,
        access_config, download_failed, bad_request (fetch/remote_errors.py maps yt-dlp's failures).
This op owns every dest_dir/source.* file: earlier ones are removed first, and partial ones on failure.
"""
import os
from typing import Any

from ..errors import OpError
from ..fetch.access import from_args as access_from_args
from ..fetch.limits import Abort, Alarm, Budget
from ..fetch.local import fetch_local
from ..fetch.progress import ProgressReporter
from ..fetch.remote import fetch_remote
from ..fetch.sniff import non_media_reason
from ..fetch.urls import classify, safe_url
from ..fetch.workspace import clear_outputs

NAME = "download"
TEST_ONLY = False


def _check_local_root(path: str, roots: Any) -> None:
    """A local source must resolve (symlinks followed) inside one of the allowed roots, if any are set."""
    if roots is None:
        return
    if not isinstance(roots, list) or not all(isinstance(r, str) and os.path.isabs(r) for r in roots):
        raise OpError("bad_request", "local_roots must be a list of absolute paths")
    real = os.path.realpath(path)
    for root in roots:
        base = os.path.realpath(root)
        if os.path.commonpath([real, base]) == base:
            return
    raise OpError("forbidden_path", f"local files are not allowed from {os.path.dirname(path) or '/'}")


def _args(args: dict) -> tuple[str, str, int, float, Any]:
    url, dest_dir = args.get("url"), args.get("dest_dir")
    max_bytes, timeout_s, ffmpeg = args.get("max_bytes"), args.get("timeout_s"), args.get("ffmpeg")
    if not isinstance(url, str):
        raise OpError("bad_request", "url must be a string")
    if not isinstance(dest_dir, str) or not os.path.isabs(dest_dir):
        raise OpError("bad_request", "dest_dir must be an absolute path")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, float)) or max_bytes <= 0:
        raise OpError("bad_request", "max_bytes must be a positive number")
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or timeout_s <= 0:
        raise OpError("bad_request", "timeout_s must be a positive number")
    if ffmpeg is not None and not isinstance(ffmpeg, str):
        raise OpError("bad_request", "ffmpeg must be a string path")
    return url, dest_dir, int(max_bytes), float(timeout_s), ffmpeg


def run(args: dict, ctx) -> dict:
    url, dest_dir, max_bytes, timeout_s, ffmpeg = _args(args)
    source = classify(url)  # unsupported_url here means nothing touched disk or network
    if source.kind == "local":
        _check_local_root(source.target, args.get("local_roots"))
    os.makedirs(dest_dir, exist_ok=True)
    keep = source.target if source.kind == "local" else None
    clear_outputs(dest_dir, keep)
    budget = Budget(max_bytes, timeout_s)
    progress = ProgressReporter(ctx.progress, budget)
    shown = source.target if source.kind == "local" else safe_url(url)
    ctx.log("info", "download start", url=shown, kind=source.kind, max_bytes=max_bytes, timeout_s=timeout_s)
    item = args.get("playlist_item", 1)
    if isinstance(item, bool) or not isinstance(item, int) or item < 1:
        raise OpError("bad_request", "playlist_item must be a positive integer")
    ok = False
    try:
        with Alarm(budget):
            if source.kind == "local":
                result = fetch_local(source.target, dest_dir, budget, progress)
                result["video_id"] = None
            else:
                with access_from_args(args) as access:
                    result = fetch_remote(source.target, dest_dir, budget, progress, ctx.log, ffmpeg,
                                          allow_private=args.get("allow_private") is True, access=access,
                                          playlist_item=item)
        reason = non_media_reason(result["path"])
        if reason:
            raise OpError("not_a_video", f"{shown} is {reason}, not a video")
        progress.final(result["bytes"])
        ok = True
        ctx.log("info", "download done", url=shown, bytes=result["bytes"], ext=result["ext"],
                extractor=result["extractor"])
        return result
    except Abort as e:
        raise e.to_op_error() from None
    finally:
        if not ok:
            clear_outputs(dest_dir, keep)
