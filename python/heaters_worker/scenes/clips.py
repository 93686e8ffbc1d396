"""Cuts to clips: consecutive spans covering the whole video, each with its seek keyframe."""
from __future__ import annotations

from typing import Optional, Sequence

from .keyframes import nearest_at_or_before


def build_clips(cut_frames: Sequence[int], frame_count: int, fps: float,
                keyframe_times: Optional[Sequence[float]]) -> list[dict]:
    """Clip i spans [start_frame, end_frame) - end exclusive - and [start_time, end_time)."""
    bounds = [0, *sorted(f for f in set(cut_frames) if 0 < f < frame_count), frame_count]
    kts = sorted(keyframe_times) if keyframe_times else []
    clips = []
    for i, (start, end) in enumerate(zip(bounds, bounds[1:])):
        start_time = start / fps
        kt = nearest_at_or_before(kts, start_time) if kts else None
        clips.append({
            "index": i,
            "start_frame": start,
            "end_frame": end,
            "start_time": round(start_time, 6),
            "end_time": round(end / fps, 6),
            # No keyframe list: frame 0 of an H.264 stream is always a keyframe.
            "keyframe_time": round(kt if kt is not None else 0.0, 6),
        })
    return clips
