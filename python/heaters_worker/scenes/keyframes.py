"""Keyframe times from the preprocess stage: a cheap prior for cuts and the clips' seek points.

Encoders (x264 scenecut) put an IDR frame where the picture changes a lot, so a keyframe at a
candidate frame is evidence for a cut; the detector lowers its ratio thresholds there. Keyframes
alone are not cuts (encoders also fire on flashes and on periodic GOP boundaries, and miss soft
cuts), so they never create a cut by themselves.
"""
from __future__ import annotations

import bisect
from typing import Optional, Sequence


def keyframe_frames(times: Sequence[float], fps: float, frame_count: int) -> set[int]:
    return {f for f in (int(round(t * fps)) for t in times) if 0 <= f < frame_count}


def nearest_at_or_before(times_sorted: Sequence[float], t: float, eps: float = 1e-3) -> Optional[float]:
    """The latest keyframe time <= t (with a small tolerance for timestamp rounding), or None."""
    i = bisect.bisect_right(times_sorted, t + eps)
    return times_sorted[i - 1] if i > 0 else None
