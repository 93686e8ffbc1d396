"""Detector parameters: defaults (tuned on the generated test set, see the README (Scene detection)) and overrides."""
from __future__ import annotations

from typing import Any

from ..errors import OpError

DEFAULTS: dict[str, Any] = {
    # Hard cuts: a frame-to-frame jump that stands out from its neighbourhood, in content or colours.
    "window": 15,  # frames each side for the local reference (median)
    "content_min": 12.0,  # content score (0-255 scale) a cut needs at least
    "content_ratio": 3.0,  # ... and this many times the local median
    "hist_min": 0.45,  # histogram distance (0-1) a colour-only cut needs at least
    "hist_ratio": 4.0,  # ... and this many times the local median
    "hist_content_min": 6.0,  # content score a colour-only cut needs at least
    "concentration": 0.55,  # a cut's jump must be >= this share of the change over 5 frames around it
    # Flashes: the picture returns to (almost) where it was within max_flash frames.
    "max_flash": 5,
    "flash_return": 0.35,  # returned if the before/after distance is <= this share of the spike
    # Gradual transitions (fades, dissolves, wipes), one cut at the middle of each.
    "gradual": True,
    "gradual_lags": [16, 32, 64],
    "gradual_min": 14.0,  # thumbnail content distance across the transition, 0-255
    "gradual_ratio": 3.0,  # ... and this many times the change over the same span either side
    "gradual_hist_ratio": 4.0,  # or: histogram distance this many times the change either side
    "gradual_hist_min": 0.3,
    "gradual_mix": 0.35,  # the middle frame must be a blend or a wipe of the two ends (0 = exactly)
    "gradual_steady": 0.55,  # the change just outside must stay below this share of the change across
    # the middle, at the same lag (a steady zoom or pan changes at the same rate everywhere: ~0.65-1)
    # Keyframes: a candidate at a keyframe needs only this share of the ratio thresholds.
    "keyframe_boost": 0.75,
    # Minimum scene length in frames (cuts closer than this to a stronger one are dropped).
    "min_scene_len": 8,
    # Decoder shortcuts on the decode path (skip the H.264 deblocking filter).
    "fast_decode": True,
    # Watchdog: kill ffmpeg when it produces no frame for this long.
    "stall_timeout_s": 60.0,
}

_NUMBER_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
_BOOL_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}


def resolve(overrides: Any) -> dict[str, Any]:
    """Defaults with the per-ingest overrides applied; unknown keys or wrong types are bad_args."""
    params = dict(DEFAULTS)
    if overrides is None:
        return params
    if not isinstance(overrides, dict):
        raise OpError("bad_args", "params must be an object")
    for key, value in overrides.items():
        if key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise OpError("bad_args", f"params.{key} must be a boolean")
        elif key in _NUMBER_KEYS:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise OpError("bad_args", f"params.{key} must be a non-negative number")
            if isinstance(DEFAULTS[key], int):
                if value != int(value):
                    raise OpError("bad_args", f"params.{key} must be an integer")
                value = int(value)
        elif key == "gradual_lags":
            if (not isinstance(value, list) or not value
                    or not all(isinstance(v, int) and not isinstance(v, bool) and 4 <= v <= 512 for v in value)):
                raise OpError("bad_args", "params.gradual_lags must be a non-empty list of integers 4..512")
            value = sorted(set(value))
        else:
            raise OpError("bad_args", f"unknown parameter: {key}")
        params[key] = value
    if params["max_flash"] + 1 > 6:
        raise OpError("bad_args", "params.max_flash must be at most 5")
    return params
