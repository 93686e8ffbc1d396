"""Cuts from per-frame signals, inside a film's black bars if it has any (picture.py): hard cuts
(hard.py), flash suppression (flash.py), gradual transitions (gradual.py), minimum scene length,
and a confidence per cut.

Every threshold is a parameter (params.py). Each cut carries `confidence` in [0, 1]: how far its
weakest piece of evidence clears its threshold, on a log scale, 1 at confidence_margin times the
threshold or more (0 = just at a threshold). Review shows the least confident cuts first.
"""
from __future__ import annotations

import math
from typing import Any, Optional

from .distance import brightness
from .flash import FlashChecker
from .gradual import drop_steady_slices, gradual_cuts, merge_parts
from .hard import hard_cuts
from .picture import active_picture
from .signal import Signals


def confidence(margin: float, full: float) -> float:
    """log(margin) / log(full), clipped to [0, 1]."""
    if margin <= 1.0:
        return 0.0
    if full <= 1.0:
        return 1.0
    return round(min(1.0, math.log(margin) / math.log(full)), 3)


def apply_min_scene_len(cuts: list[dict], min_len: int) -> list[dict]:
    """Among cuts closer than min_len frames, keep the strongest (a hard cut beats a gradual one)."""
    ordered = sorted(cuts, key=lambda c: (c["kind"] != "hard", -c.get("strength", c["score"])))
    kept: list[dict] = []
    for cut in ordered:
        if cut["frame"] < min_len:
            continue
        if all(abs(cut["frame"] - k["frame"]) >= min_len for k in kept):
            kept.append(cut)
    return sorted(kept, key=lambda c: c["frame"])


def detect(sig: Signals, p: dict[str, Any], keyframes: set[int], debug: Optional[dict] = None) -> list[dict]:
    """Cuts as {frame, score, kind, confidence}, in frame order."""
    sig = active_picture(sig, p)
    dbg_h: Optional[list] = [] if debug is not None else None
    dbg_g: Optional[list] = [] if debug is not None else None
    checker = FlashChecker(sig.thumbs, sig.hist, brightness(sig.thumbs), p)
    flashes: list[tuple[int, int]] = []
    hard = hard_cuts(sig, p, keyframes, checker, flashes, dbg_h)
    gradual = gradual_cuts(sig, p, hard, flashes, dbg_g) if p["gradual"] else []
    gradual = merge_parts(gradual, sig.thumbs, p)
    gradual = drop_steady_slices(gradual, sig.thumbs, p)
    if debug is not None:
        debug["hard"], debug["gradual"], debug["flashes"] = dbg_h, dbg_g, flashes
    kept = apply_min_scene_len(hard + gradual, int(p["min_scene_len"]))
    return [{"frame": c["frame"], "score": c["score"], "kind": c["kind"],
             "confidence": confidence(c.get("margin", 1.0), float(p["confidence_margin"]))} for c in kept]
