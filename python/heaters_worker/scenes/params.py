"""Detector parameters: every threshold the detector uses, in one typed table, and per-ingest overrides.

Each entry is (default, kind, min, max, meaning). The defaults were tuned on the seven DEVELOPMENT sets
only (test/helpers/media/scenes/dev.ts, dev-wide.ts, dev-extra.ts, dev-format.ts, dev-camera.ts,
dev-edit.ts and dev-twin.ts), never on the held-out set (heldout.ts); see the README (Scene detection).
src/scenes/schema.ts mirrors this table (DetectParams, DETECT_DEFAULTS) and a test checks that both
agree. The resolved parameters are recorded in every result, so a video can be re-run and compared.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Optional

from ..errors import OpError


class Param(NamedTuple):
    default: Any
    kind: str  # "int" | "float" | "bool" | "lags"
    min: Optional[float]
    max: Optional[float]
    doc: str


SPEC: dict[str, Param] = {
    # --- signals ---
    "hue_min_sv": Param(40, "int", 0, 255, "hue counts only where saturation and value are both at least this (0-255)"),
    # --- the picture: a film in black bars (letterbox, pillarbox) is analysed inside them ---
    "bar_value": Param(24.0, "float", -1, 255, "rows and columns at the frame's edges never brighter than this on average (HSV value, 0-255) on any frame are black bars (-1 = off)"),
    "bar_min_picture": Param(0.3, "float", 0, 1, "... unless the picture left would be under this share of the frame (a mostly black video)"),
    # --- hard cuts: a frame-to-frame jump that stands out from its neighbourhood, in content or colours ---
    "window": Param(15, "int", 1, 300, "frames each side for the local reference (median)"),
    "content_min": Param(8.0, "float", 0, None, "content score (HSV, 0-255) a cut needs at least"),
    "content_ratio": Param(3.0, "float", 0, None, "... and this many times the local median"),
    "hist_min": Param(0.45, "float", 0, 1, "histogram distance (0-1) a colour-only cut needs at least"),
    "hist_ratio": Param(4.0, "float", 0, None, "... and this many times the local median"),
    "hist_floor": Param(0.02, "float", 0, 1, "... plus this (a still shot has a median near 0)"),
    "hist_content_min": Param(6.0, "float", 0, None, "content score a colour-only cut needs at least"),
    "concentration": Param(0.5, "float", 0, 1, "a cut's jump must be at least this share of the change over the frames around it"),
    "concentration_lag": Param(5, "int", 2, 6, "... over this many frames (i-3 .. i+2)"),
    "repeat_share": Param(0.1, "float", 0, 1, "a frame whose content and thumbnail changes are both at most this share of each neighbour's repeats the picture before it (footage made at 15 or 24 fps shown at 30); in the local references and beside a candidate it counts as its neighbours' smaller change (0 = off)"),
    "isolation": Param(3.0, "float", 0, None, "a jump whose content and thumbnail changes are both under this many times the smaller of its two neighbours' is motion going on, no cut, unless its colours jump by colour_cut_hist (a stop-and-go whip over a fine texture; 0 = off)"),
    "cut_thumb_min": Param(12.0, "float", 0, 255, "the thumbnail (BGR, 0-255) must change by at least this across a cut (a keyframe's quality step at a web bitrate changes detail, not the picture)"),
    "thumb_concentration": Param(0.75, "float", 0, 2, "the thumbnail's jump must be at least this share of its change from i-lag to i-1+lag (a web encode's keyframe inside a fade catches up in one frame: up to 0.70 on the development sets; a cut out of a fast shake 0.78)"),
    "colour_cut_hist": Param(0.75, "float", 0, 1.01, "... unless the colours jump by at least this (histogram distance, 0-1) in that one frame: a cut between two moving shots of other colours (1.01 = off)"),
    "thumb_concentration_lag": Param(4, "int", 1, 16, "... with this lag (1 = off)"),
    "quiet_ratio": Param(8.0, "float", 0, None, "or, off keyframes, a quiet cut: a thumbnail jump and a histogram jump of at least this many times their local medians (0 = off) ..."),
    "quiet_thumb_min": Param(3.0, "float", 0, 255, "... the thumbnail's at least this (0-255), under cut_thumb_min (a cut between two dark or hazy shots) ..."),
    "quiet_hist": Param(0.1, "float", 0, 1, "... the histogram's at least this (a keyframe's quality step hardly moves the colours) ..."),
    "quiet_edges": Param(0.7, "float", -1, 1, "... and edges that do not line up across it: correlation at most this"),
    "quiet_grey_edges": Param(-0.2, "float", -1, 1, "or, on a keyframe or not and whatever the colours do, edges that correlate at most this across the jump (the picture's structure changed: a cut between two framings of a grey picture; -1 = off)"),
    "quiet_colour_ratio": Param(10.0, "float", 0, None, "or, on a keyframe or not, a colour jump: the histogram's jump at least this many times its local median (0 = off) ..."),
    "quiet_colour_hist": Param(0.15, "float", 0, 1, "... and at least this (0-1) ..."),
    "quiet_colour_thumb": Param(6.0, "float", 0, 255, "... the thumbnail's at least this (0-255), under cut_thumb_min, and the content's over content_ratio times its local median (unboosted) and hist_content_min ..."),
    "quiet_colour_edges": Param(0.2, "float", -1, 1, "... with edges that correlate at most this across it: a cut between two framings of a dim or hazy photograph, on a keyframe too (a keyframe's quality step keeps the colours and the edges)"),
    "quiet_colour_lead": Param(4, "int", 0, 16, "... and, on a keyframe, each of this many frames before it changed the thumbnail (0 = no such check) ..."),
    "quiet_colour_moving": Param(0.1, "float", 0, 1, "... by at least this share of the jump (a starved encode froze the frames before its catch-up keyframe; a slow pan's frames before a cut keep moving)"),
    "thumb_concentration_one_side": Param(0.2, "float", 0, 1, "... or, when one side's own change is at most this share of the other's, of the change on that calm side alone (a cut into fast motion; 0 = off)"),
    "pan_shift": Param(3, "int", 0, 8, "... and then the new frame must not be the old one moved: shifts of up to this many thumbnail pixels each way are tried ..."),
    "pan_moved": Param(0.5, "float", 0, 1, "... and a best shifted distance of at most this share of the jump is a pan starting, no cut"),
    "stop_still_share": Param(0.1, "float", 0, 1, "or: a moving picture that stops dead is a cut (the stop route): after the jump each of stop_still_frames frames changes the content by at most this share of it (0 = off) ..."),
    "stop_still_frames": Param(10, "int", 1, 60, "... over this many frames (a starved encode's freeze ends at its next keyframe) ..."),
    "stop_moving_share": Param(0.25, "float", 0, 1, "... before it the stop_moving_frames frames changed by at least this share of it (a camera slows down over frames; a cut from a shaken or panned framing to a still one of the same scene changes no more than the shake did) ..."),
    "stop_moving_frames": Param(12, "int", 1, 60, "... over this many frames (a crash zoom moves for 6, 8 with motion blur), ..."),
    "stop_moving_slack": Param(2, "int", 0, 59, "... all but this many of them (a shake's turns barely move) ..."),
    "stop_content_min": Param(4.0, "float", 0, None, "... and the jump changes the content by at least this (HSV, 0-255)"),
    "reexposed_edges": Param(0.85, "float", -1, 2, "a jump whose thumbnails' edges correlate at least this much (luma gradients, -1..1) ... (2 = off)"),
    "reexposed_hist": Param(0.5, "float", 0, 1, "... and whose histogram distance is below this is the same picture re-exposed (a web keyframe catching up), no cut"),
    "local_share": Param(0.15, "float", 0, 1, "a jump whose median lit thumbnail cell changes by less than this share of the mean change is confined to part of the picture (a picture-in-picture window or a graphic coming or going), no cut (0 = off) ..."),
    "local_dark": Param(24.0, "float", 0, 255, "... cells black in both frames (mean BGR at most this) left out: the dark half of a night shot changes nothing at a cut"),
    "caption_band": Param(0.3, "float", 0, 1, "a jump whose change outside its most-changed band of rows (this share of them) ..."),
    "caption_share": Param(0.3, "float", 0, 1, "... is under this share of the whole frame's change (0 = off) ..."),
    "caption_rest": Param(1.5, "float", 0, None, "... and under this many times those rows' own change from frame to frame around it ..."),
    "caption_floor": Param(0.25, "float", 0, 255, "... plus this (BGR, 0-255; a still picture's rows hardly change) is a caption or a subtitle coming or going, no cut"),
    "wide_min": Param(12.0, "float", 0, 255, "or: the median thumbnail cell changing by at least this (BGR, 0-255: most of the picture at once) ..."),
    "wide_ratio": Param(8.0, "float", 0, None, "... and this many times its local median is a cut too (something crossing part of the frame raises the other routes' references, not this one's; 0 = off)"),
    "thumb_min": Param(14.0, "float", 0, 255, "or: a thumbnail jump of at least this ... (two framings of one photograph: similar colours, other picture)"),
    "thumb_ratio": Param(4.0, "float", 0, None, "... and this many times its local median is a cut too"),
    # --- flashes: the picture comes back, or moves on only as the shot moves, within max_flash frames ---
    "max_flash": Param(10, "int", 0, 30, "longest flash or strobe, in frames"),
    "flash_return": Param(0.35, "float", 0, 1, "returned if the before/after distance is at most this share of the spike"),
    "flash_motion": Param(1.3, "float", 0, None, "or, over moving pictures, at most this many times the shot's own change over the same span"),
    "flash_luma": Param(20.0, "float", 0, 255, "... and then the flash frames are at least this much brighter (0-255) than both ends"),
    "flash_hist_lift": Param(5.0, "float", -255, 255, "a return by colours alone (the histograms, not the picture) needs the frames between at least this much brighter (0-255) than both ends (-255 = off)"),
    "cutaway_edges": Param(0.2, "float", -1, 1, "no flash but a cutaway (two cuts) when the frames between keep at most this edge correlation with both ends (their median; -1 = off) ..."),
    "cutaway_lift": Param(60.0, "float", 0, 255, "... are brighter than both ends by less than this (0-255, their median luma) ..."),
    "cutaway_std": Param(20.0, "float", 0, 255, "... each shows a picture (thumbnail std above this) ..."),
    "cutaway_hist": Param(0.3, "float", 0, 1, "... and their colours differ from both ends' by at least this histogram distance (median): an insert of another shot, not light on this one nor the take whipped away and back. Inserts shorter than min_scene_len stay flashes"),
    # --- gradual transitions (fades, dissolves, wipes), one cut at the middle of each ---
    "gradual": Param(True, "bool", None, None, "look for gradual transitions at all"),
    "gradual_lags": Param([16, 32, 64, 128, 192], "lags", 4, 512, "frame distances at which thumbnails are compared (a transition of up to about the largest one)"),
    "gradual_min": Param(14.0, "float", 0, None, "thumbnail distance across the transition (BGR, 0-255)"),
    "gradual_ratio": Param(3.0, "float", 0, None, "... and this many times the change over side_lag frames just outside"),
    "gradual_floor": Param(2.0, "float", 0, None, "... plus this (noise floor of a still shot)"),
    "gradual_hist_min": Param(0.3, "float", 0, 1, "or: histogram distance across the transition at least this"),
    "gradual_hist_ratio": Param(4.0, "float", 0, None, "... and this many times the histogram change just outside"),
    "gradual_hist_floor": Param(0.03, "float", 0, 1, "... plus this"),
    "gradual_hist_content": Param(0.6, "float", 0, None, "the histogram route still needs this share of gradual_min in thumbnail distance"),
    "gradual_step": Param(0.7, "float", 0, 2, "a transition whose largest one-frame change is at least this share of the change between its ends is a step, judged by the hard pass (2 = off)"),
    "side_lag": Param(12, "int", 2, 64, "span of the change measured just outside the window (motion saturates within it)"),
    "side_spread": Param(3, "int", 0, 16, "max over this many neighbouring side pairs each way (a shake may line up once)"),
    "gradual_top": Param(0.95, "float", 0, 1, "the centre of a run is the middle of the frames within this share of its peak"),
    "gradual_pick": Param(0.85, "float", 0, 1, "per transition, the smallest lag that sees this share of the largest change"),
    "gradual_straddle": Param(0.25, "float", 0, 2, "a longer window that reaches more than this share of half a shorter-lag transition's window into it (without holding it) sees two transitions and is dropped (2 = never)"),
    "gradual_keep": Param(0.5, "float", 0, 1, "the refined ends must differ by at least this share of the detected change"),
    "gradual_distinct": Param(2.0, "float", 0, None, "ends alike in colours must differ by this many times the ratio threshold ..."),
    "distinct_steady": Param(0.15, "float", 0, None, "... or the change be this concentrated (see gradual_steady)"),
    "gradual_mix": Param(0.4, "float", 0, None, "the middle frame must be a blend or a wipe of the two ends (0 = exactly)"),
    "gradual_zoom": Param(0.3, "float", 0, 1, "the middle frame seen as one end zoomed into (1.1-2x) this closely, as a share of its plain distance to that end, is a zoom, no transition (0 = off)"),
    "gradual_steady": Param(0.55, "float", 0, None, "the change just outside must stay below this share of the change across the middle, at the same lag (a steady zoom or pan: ~0.65-1)"),
    "bounded_steady": Param(0.7, "float", 0, None, "after merging, a blend is checked again with each side's calm looked for only up to the neighbouring transitions: it must stay below this share (a slice of a steadily morphing shot between two transitions: ~0.85)"),
    "through_colour": Param(0.5, "float", 0, 2, "a fade through a colour: the farthest frame fitted as x*A + y*B + z has x + y below this"),
    "through_total": Param(1.3, "float", 1, None, "... and is this much farther from both ends together than the ends are apart"),
    "through_away": Param(0.1, "float", 0, 1, "a frame is away from an end if further than this share of the ends' distance plus the end's drift"),
    "drift_reach": Param(24, "int", 1, 512, "... a shot's own drift is measured over at most this many frames outside the window"),
    "uniform_std": Param(10.0, "float", 0, 255, "two consecutive gradual cuts with a frame this flat (thumbnail std) halfway are one fade through a colour"),
    "merge_rate": Param(0.5, "float", 0, None, "... or with the picture changing all the way between them at this share of their average rate ..."),
    "merge_mix": Param(0.25, "float", 0, None, "... and the frame halfway made of their outer ends this closely (cf. gradual_mix)"),
    "merge_extend": Param(0.15, "float", 0, 1, "a merged transition is located again over its parts' span widened by this share each side"),
    "wipe_pick": Param(0.6, "float", 0, 1, "a wipe: the middle is made of whole pixels of the ends, this much closer than to their average"),
    "wipe_informative": Param(90, "int", 0, 765, "pixels whose ends differ by at least this (sum over BGR) time a wipe's edge"),
    "step_width": Param(4, "int", 1, 16, "frames averaged on each side of a step in the frame-to-frame change"),
    "step_jitter": Param(3.0, "float", 0, None, "a step counts when it is this many times the jitter just outside ..."),
    "step_share": Param(0.33, "float", 0, 1, "... and at least this share of the blend's per-frame change"),
    "near_hard": Param(2, "int", 0, 64, "a gradual candidate within half its lag plus this of a hard cut is that hard cut"),
    # --- keyframes, minimum length, confidence ---
    "keyframe_boost": Param(1.0, "float", 0, 1, "a candidate at a keyframe needs only this share of the ratio thresholds (1 = none, the default since 2.9.0: a starved encode's catch-up keyframe inside fast motion passed with 0.75)"),
    "min_scene_len": Param(8, "int", 0, None, "cuts closer than this to a stronger one are dropped"),
    "confidence_margin": Param(2.0, "float", 1, None, "a cut whose evidence is this many times its threshold has confidence 1"),
    # --- decoding ---
    "fast_decode": Param(True, "bool", None, None, "skip the H.264 deblocking filter on the decode path"),
    "stall_timeout_s": Param(60.0, "float", 0.001, None, "kill ffmpeg when it produces no frame for this long"),
}

DEFAULTS: dict[str, Any] = {k: (list(v.default) if isinstance(v.default, list) else v.default) for k, v in SPEC.items()}


def resolve(overrides: Any) -> dict[str, Any]:
    """Defaults with the per-ingest overrides applied; unknown keys, wrong types or ranges are bad_args."""
    params = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}
    if overrides is None:
        return params
    if not isinstance(overrides, dict):
        raise OpError("bad_args", "params must be an object")
    for key, value in overrides.items():
        spec = SPEC.get(key)
        if spec is None:
            raise OpError("bad_args", f"unknown parameter: {key}")
        if spec.kind == "bool":
            if not isinstance(value, bool):
                raise OpError("bad_args", f"params.{key} must be a boolean")
        elif spec.kind == "lags":
            if (not isinstance(value, list) or not value
                    or not all(isinstance(v, int) and not isinstance(v, bool) and spec.min <= v <= spec.max for v in value)):
                raise OpError("bad_args", f"params.{key} must be a non-empty list of integers {spec.min:g}..{spec.max:g}")
            value = sorted(set(value))
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                raise OpError("bad_args", f"params.{key} must be a number")
            if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
                raise OpError("bad_args", f"params.{key} must be within {spec.min}..{spec.max}")
            if spec.kind == "int":
                if value != int(value):
                    raise OpError("bad_args", f"params.{key} must be an integer")
                value = int(value)
            else:
                value = float(value)
        params[key] = value
    return params


def content_lags(params: dict[str, Any]) -> tuple[int, ...]:
    """The content-score lags the detector reads (hard.py): lag 1 and the concentration lag."""
    return tuple(sorted({1, int(params["concentration_lag"])}))
