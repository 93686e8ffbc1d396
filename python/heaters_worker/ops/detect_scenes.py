"""detect_scenes: find the cuts of a local proxy and turn them into clips.

Args (snake_case): path, fps, frame_count?, keyframe_times?, params?, frames_path?, frame_width?,
frame_height?, ffmpeg?. Result: {detector, fps, frame_count, cuts, clips, stats}. See
src/scenes/schema.ts for the exact shapes and the README (Scene detection) for the method and the numbers.
"""
from __future__ import annotations

import math
import os
import time
from typing import Any, Optional

from ..errors import OpError
from ..scenes import DETECTOR_NAME, DETECTOR_VERSION
from ..scenes.clips import build_clips
from ..scenes.decode import FfmpegFrames, RawFileFrames, decode_size
from ..scenes.detector import detect
from ..scenes.keyframes import keyframe_frames
from ..scenes.params import content_lags, resolve
from ..scenes.signal import SignalExtractor

NAME = "detect_scenes"
TEST_ONLY = False

PROGRESS_EVERY_S = 0.5


def _number(args: dict, key: str, *, required: bool, positive: bool = True) -> Optional[float]:
    v = args.get(key)
    if v is None:
        if required:
            raise OpError("bad_args", f"{key} is required")
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or (positive and v <= 0):
        raise OpError("bad_args", f"{key} must be a positive number")
    return float(v)


def _int(args: dict, key: str) -> Optional[int]:
    v = _number(args, key, required=False)
    if v is None:
        return None
    if v != int(v):
        raise OpError("bad_args", f"{key} must be an integer")
    return int(v)


def run(args: dict, ctx: Any) -> dict:
    path = args.get("path")
    if not isinstance(path, str) or not path:
        raise OpError("bad_args", "path must be a non-empty string")
    fps = _number(args, "fps", required=True)
    assert fps is not None
    frame_count_hint = _int(args, "frame_count")
    kts_raw = args.get("keyframe_times")
    if kts_raw is not None and (not isinstance(kts_raw, list) or not all(
            isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) and t >= 0 for t in kts_raw)):
        raise OpError("bad_args", "keyframe_times must be a list of non-negative numbers")
    keyframe_times = sorted(float(t) for t in kts_raw) if kts_raw else []
    ffmpeg = args.get("ffmpeg") or "ffmpeg"
    if not isinstance(ffmpeg, str):
        raise OpError("bad_args", "ffmpeg must be a string")
    frames_path = args.get("frames_path")
    if frames_path is not None and not isinstance(frames_path, str):
        raise OpError("bad_args", "frames_path must be a string")
    fw, fh = _int(args, "frame_width"), _int(args, "frame_height")
    if (fw is None) != (fh is None):
        raise OpError("bad_args", "frame_width and frame_height go together")
    if frames_path and fw is None:
        raise OpError("bad_args", "frames_path needs frame_width and frame_height")
    params = resolve(args.get("params"))

    t0 = time.monotonic()
    source_kind = "frames_file"
    if frames_path and os.path.isfile(frames_path):
        assert fw is not None and fh is not None
        source: Any = RawFileFrames(frames_path, fw, fh)
    else:
        if frames_path:
            # The encode-path frames are gone (another host, wiped tmp): recover by decoding.
            ctx.log("warn", "analysis frames missing, decoding the proxy instead", frames_path=frames_path)
        source_kind = "decode"
        w, h = decode_size(path, fw, fh)
        source = FfmpegFrames(ffmpeg, path, w, h, fast=bool(params["fast_decode"]),
                              stall_timeout_s=float(params["stall_timeout_s"]))

    extractor = SignalExtractor(int(params["hue_min_sv"]), content_lags(params))
    last_progress = 0.0
    with source:
        for frame in source:
            extractor.push(frame)
            now = time.monotonic()
            if now - last_progress >= PROGRESS_EVERY_S:
                last_progress = now
                done = extractor.frames
                total = frame_count_hint or None
                ctx.progress({
                    "stage": "detect", "frames_done": done, "frame_count": total,
                    "percent": round(min(99.0, 100.0 * done / total), 1) if total else None,
                })
        warnings = getattr(source, "stderr_tail", [])
    t1 = time.monotonic()
    sig = extractor.finish()
    n = sig.frames
    if frame_count_hint and n < 0.9 * frame_count_hint:
        # ffmpeg decodes what it can of a truncated file and may still exit 0.
        detail = f": {' | '.join(warnings)}" if warnings else ""
        raise OpError("unreadable_input", f"decoded only {n} of {frame_count_hint} frames{detail}"[:1000])
    if warnings:
        ctx.log("warn", "ffmpeg reported problems while decoding", stderr=warnings)
    cuts = detect(sig, params, keyframe_frames(keyframe_times, fps, n))
    for cut in cuts:
        cut["time"] = round(cut["frame"] / fps, 6)
    clips = build_clips([c["frame"] for c in cuts], n, fps, keyframe_times)
    t2 = time.monotonic()
    ctx.progress({"stage": "detect", "frames_done": n, "frame_count": n, "percent": 100.0})
    if frame_count_hint and abs(frame_count_hint - n) > max(2, frame_count_hint // 100):
        ctx.log("warn", "decoded frame count differs from the probe", expected=frame_count_hint, decoded=n)
    return {
        "detector": {"name": DETECTOR_NAME, "version": DETECTOR_VERSION, "params": params},
        "fps": fps,
        "frame_count": n,
        "cuts": [{"frame": c["frame"], "time": c["time"], "score": c["score"], "kind": c["kind"],
                  "confidence": c["confidence"]} for c in cuts],
        "clips": clips,
        "stats": {"decode_s": round(t1 - t0, 4), "analyse_s": round(t2 - t1, 4), "frames": n, "source": source_kind},
    }
