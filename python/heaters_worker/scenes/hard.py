"""Hard cuts: a one-frame jump that stands out from its neighbourhood, in content or in colours.

All decisions are relative to the local neighbourhood (rolling median), so sustained motion or noise
(a high but steady score) does not fire, while the same absolute score in a quiet stretch does. A cut
must also be concentrated (inside a fade the change keeps going on the frames around) and change the
picture, not just its detail (a keyframe's quality step at a web bitrate changes the content score of
the full analysis frame, hardly its thumbnail), and it must not be the start or end of a flash. A
third route, the thumbnail jump, finds cuts between two framings of one scene (similar colours); a
fourth, the quiet cut, finds small jumps in a still neighbourhood that move the colours and the edges
(two dark or hazy shots), never on a keyframe, where an encode's own catch-up step looks alike, or,
on any frame, jumps whose edges are anti-correlated (two framings of a grey picture) or whose colours
jump many times their neighbourhood's while the edges no longer line up (two framings of a dim
photograph; on a keyframe only after frames that moved, since a catch-up follows frozen ones); a fifth, the
wide route, finds jumps where most of the picture changes at once (the median thumbnail cell) while
around them only parts of it did (something crossing the frame raises every other route's
reference, not this one's); a sixth, the stop route, finds a moving picture that stops dead (a
cut from a shaken framing to a still one of the same photograph changes no more than the shake did
from frame to frame, but nothing moves after it; a camera slows down over frames, and a crash zoom
moves for too few frames to count). A jump whose colours change entirely needs no thumbnail concentration
(a cut between two whip pans). A jump that keeps the picture's edges and colours (the same picture
re-exposed) is no cut, nor is one that leaves most of the lit picture as it was (a picture-in-picture
window or a graphic coming or going), nor one confined to a band of rows while the rest of the
picture changes no more than it did (a caption or a subtitle), nor one that changes no more than
three times as much as both frames beside it (motion going on: a whip that stops and starts keeps the
median low, but not its neighbours). Footage made at a lower frame rate shows every picture twice (or
every fifth twice): those repeats change nothing, and would drag the median and a moving frame's
neighbours down to zero, so each counts as its neighbours' smaller change (fill_repeats).
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .distance import (edge_correlation, hist_lags, lit_median_change, median_cell_change, outside_band, rolling_median,
                       shifted_dist, thumb_dist)
from .flash import FlashChecker
from .signal import Signals


def _at(a: np.ndarray, i: int, default: float) -> float:
    v = float(a[i]) if 0 <= i < a.shape[-1] else default
    return default if math.isnan(v) else v


def thumb_concentration(thumbs: np.ndarray, i: int, lag: int, jump: float, one_side: float = 0.0,
                        flat_std: float = 0.0) -> tuple[float, Optional[float]]:
    """The jump from frame i-1 to i as a share of the change from i-lag to i-1+lag (1 = all of it),
    and, where one side is calm, its share of the change on that side alone (else None).

    one_side > 0: a side is calm when it barely moves by itself (its change over the lag, the jump
    left out, at most one_side times the other side's) and shows a picture (its frame next to the
    jump is not flat: thumbnail std above flat_std). A cut into (or out of) fast motion changes on
    one side only, while a fade keeps changing on both sides of a keyframe's step, and a pan that
    turns moves alike on both. A fade into a colour is calm after its end only because the colour is
    flat: that side does not count."""
    if lag <= 1:
        return 1.0, None
    a, b = max(0, i - lag), min(thumbs.shape[0] - 1, i - 1 + lag)
    centred = jump / max(thumb_dist(thumbs, a, b), 1e-6)
    if one_side > 0:
        before, after = thumb_dist(thumbs, a, i - 1), thumb_dist(thumbs, i, b)
        calm_before = before <= after
        if (min(before, after) <= one_side * max(before, after)
                and float(thumbs[i - 1 if calm_before else i].std()) > flat_std):
            calm = thumb_dist(thumbs, a, i) if calm_before else thumb_dist(thumbs, i - 1, b)
            return centred, jump / max(calm, 1e-6)
    return centred, None


def fill_repeats(c1: np.ndarray, t1: np.ndarray, share: float, arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """`arrays` (per-frame changes) with every repeated picture's value replaced by the smaller of its
    two neighbours'. A frame repeats the one before when its content and thumbnail changes are both
    at most `share` of each neighbour's (a picture shown twice, as in footage made at 15 or 24 fps;
    share 0 = off). A still shot changes alike on every frame, so none of its frames repeats."""
    n = c1.shape[0]
    if share <= 0 or n < 3:
        return arrays
    def below(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return x[1:-1] <= share * np.minimum(x[:-2], x[2:])
    rep = np.zeros(n, dtype=bool)
    rep[1:-1] = below(c1) & below(t1)
    rep[1] = False  # frame 0's change is 0 by definition: no neighbour to compare with
    if not rep.any():
        return arrays
    idx = np.flatnonzero(rep)
    out = []
    for a in arrays:
        a = np.asarray(a, dtype=np.float64).copy()
        a[idx] = np.minimum(a[idx - 1], a[idx + 1])
        out.append(a)
    return tuple(out)


class Thresholds(NamedTuple):
    """Each route's threshold at every frame (float64), which frames pass which route, and the
    frames that pass one of them."""
    content: np.ndarray
    hist: np.ndarray
    thumb: np.ndarray
    quiet_thumb: np.ndarray
    quiet_hist: np.ndarray
    by_content: np.ndarray
    by_hist: np.ndarray
    by_quiet: np.ndarray
    by_quiet_grey: np.ndarray
    quiet_colour: np.ndarray
    by_quiet_colour: np.ndarray
    wide: np.ndarray
    by_wide: np.ndarray
    by_stop: np.ndarray
    candidates: list[int]


def thresholds(c1: np.ndarray, h1: np.ndarray, t1: np.ndarray, ref_c: np.ndarray, ref_h: np.ndarray,
               ref_t: np.ndarray, p: dict[str, Any], keyframes: set[int], m1: np.ndarray,
               ref_m: np.ndarray, by_stop: Optional[np.ndarray] = None) -> Thresholds:
    """The routes' thresholds for all frames at once, and the frames over one of them: the loop in
    hard_cuts visits only those (a few percent of the frames) and reads its thresholds here. m1 and
    ref_m (the median cell's change and its local median) feed the wide route; by_stop (stop_margins()
    at least 1) is the stop route's frames (absent: none)."""
    # float64 throughout: an array of float32 times a Python float stays float32 in numpy 1.x, and
    # the margins' ratios were defined on the doubles.
    c1, h1, t1, ref_c, ref_h, ref_t = (np.asarray(a, dtype=np.float64) for a in (c1, h1, t1, ref_c, ref_h, ref_t))
    n = c1.shape[0]
    kf = np.zeros(n, dtype=bool)
    kf[[k for k in keyframes if 0 <= k < n]] = True
    boost = np.where(kf, p["keyframe_boost"], 1.0)
    thr_c = np.maximum(p["content_min"], p["content_ratio"] * boost * ref_c)
    thr_h = np.maximum(p["hist_min"], p["hist_ratio"] * boost * ref_h + p["hist_floor"])
    thr_t = np.maximum(p["thumb_min"], p["thumb_ratio"] * boost * ref_t)
    # The quiet route: a small jump in a still neighbourhood that moves the colours, a cut between two
    # dark or hazy shots (little contrast to change), under every absolute floor above. Never on a
    # keyframe: a starved encode's keyframe catching up with a picture that moved while it froze
    # looks the same.
    thr_q = np.maximum(p["quiet_thumb_min"], p["quiet_ratio"] * ref_t)
    thr_qh = np.maximum(p["quiet_hist"], p["quiet_ratio"] * ref_h)
    by_content = c1 >= thr_c
    by_hist = (h1 >= thr_h) & (c1 >= p["hist_content_min"])
    quiet_jump = (thr_q <= t1) & (t1 < p["cut_thumb_min"]) & (p["quiet_ratio"] > 0)
    by_quiet = quiet_jump & ~kf & (h1 >= thr_qh)
    # ... or, on a keyframe or not, colourless: the same jump in a still neighbourhood whose edges no
    # longer line up at all (checked in the loop), a cut between two framings of a grey picture.
    by_quiet_grey = quiet_jump & (p["quiet_grey_edges"] > -1)
    # ... or, on a keyframe or not, a jump of that size whose colours move many times more than
    # around it and whose edges no longer line up (checked in the loop): two framings of a dim or
    # hazy photograph, where a starved encode's catch-up keyframe keeps the colours it had.
    thr_qc = np.maximum(p["quiet_colour_hist"], p["quiet_colour_ratio"] * ref_h)
    by_quiet_colour = ((p["quiet_colour_ratio"] > 0) & (h1 >= thr_qc) & (p["quiet_colour_thumb"] <= t1)
                       & (t1 < p["cut_thumb_min"]) & (c1 >= p["content_ratio"] * ref_c) & (c1 >= p["hist_content_min"]))
    # The wide route: most of the picture changes at once (the median thumbnail cell), where around
    # it only parts of the picture did (something crossing the frame raises the mean change of every
    # frame around a cut, and so the other routes' references, but not the median cell's).
    if p["wide_ratio"] <= 0:
        thr_m, by_wide = np.full(n, np.inf), np.zeros(n, dtype=bool)
    else:
        m1, ref_m = np.asarray(m1, dtype=np.float64), np.asarray(ref_m, dtype=np.float64)
        thr_m = np.maximum(p["wide_min"], p["wide_ratio"] * ref_m)
        by_wide = m1 >= thr_m
    if by_stop is None:
        by_stop = np.zeros(n, dtype=bool)
    ok = by_content | by_hist | (t1 >= thr_t) | by_quiet | by_quiet_grey | by_quiet_colour | by_wide | by_stop
    ok[:1] = False
    return Thresholds(thr_c, thr_h, thr_t, thr_q, thr_qh, by_content, by_hist, by_quiet, by_quiet_grey,
                      thr_qc, by_quiet_colour, thr_m, by_wide, by_stop, np.flatnonzero(ok).tolist())


def stop_margins(c1: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    """The stop route: a picture that kept moving stops dead. Per frame, how far it passes the
    route, the smallest of three ratios (at least 1: it passes; 0 where the route is off or the
    frame too near an end): its change against stop_content_min; the change of the frames before it
    (all but stop_moving_slack of the stop_moving_frames, as a shake's turns barely move) against
    stop_moving_share of its change; and stop_still_share of its change against the largest change
    of the stop_still_frames after it. A camera in motion slows down over frames; a cut from a
    shaken or panned framing to a still one of the same scene changes no more than the motion did,
    but after it nothing moves. c1: the content change per frame, repeats filled (fill_repeats)."""
    c1 = np.asarray(c1, dtype=np.float64)
    n = c1.shape[0]
    out = np.zeros(n)
    still, moving = int(p["stop_still_frames"]), int(p["stop_moving_frames"])
    if p["stop_still_share"] <= 0 or still < 1 or moving < 1 or n < still + moving + 1:
        return out
    i = np.arange(moving, n - still)
    slack = min(int(p["stop_moving_slack"]), moving - 1)
    before = np.partition(sliding_window_view(c1, moving)[i - moving], slack, axis=1)[:, slack]
    after = sliding_window_view(c1, still)[i + 1].max(axis=1)
    jump = c1[i]
    out[i] = np.minimum.reduce([jump / max(p["stop_content_min"], 1e-6),
                                before / np.maximum(p["stop_moving_share"] * jump, 1e-6),
                                p["stop_still_share"] * jump / np.maximum(after, 1e-6)])
    return out


def hard_cuts(sig: Signals, p: dict[str, Any], keyframes: set[int], flash: FlashChecker,
              flashes: list[tuple[int, int]], debug: Optional[list] = None) -> list[dict]:
    """Hard cuts; the flash excursions found on the way are appended to `flashes` as (a, b)."""
    c, n = sig.content, sig.frames
    hd = hist_lags(sig.hist)
    c1 = np.nan_to_num(c[1])
    h1 = np.nan_to_num(hd[1])
    t1 = flash.t1
    # Footage made at a lower frame rate repeats pictures: their change is ~0 and would pull the local
    # median down to it, and be the neighbours a moving frame is compared with. Each repeat counts as
    # its neighbours' smaller change instead.
    m1 = median_cell_change(sig.thumbs)
    c1f, h1f, t1f, m1f = fill_repeats(c1, t1, float(p["repeat_share"]), (c1, h1, t1, m1))
    ref_c = rolling_median(c1f, int(p["window"]))
    ref_h = rolling_median(h1f, int(p["window"]))
    ref_t = rolling_median(t1f, int(p["window"]))
    ref_m = rolling_median(m1f, int(p["window"]))
    wide_lag = int(p["concentration_lag"])
    ahead = wide_lag // 2  # the wide span is i-wide_lag+ahead .. i+ahead
    cuts = []
    stop = stop_margins(c1f, p)
    thr = thresholds(c1, h1, t1, ref_c, ref_h, ref_t, p, keyframes, m1, ref_m, stop >= 1.0)
    for i in thr.candidates:
        thr_c, thr_h, thr_t = float(thr.content[i]), float(thr.hist[i]), float(thr.thumb[i])
        thr_q, thr_qh = float(thr.quiet_thumb[i]), float(thr.quiet_hist[i])
        by_quiet, by_quiet_grey = bool(thr.by_quiet[i]), bool(thr.by_quiet_grey[i])
        by_stop = bool(thr.by_stop[i])
        # On a keyframe the colour route also needs the picture moving before the jump: a starved
        # encode freezes a moving shot and its next keyframe catches up, colours and all, while the
        # frames before a cut in a slow pan keep changing (each by a tenth of the jump or more).
        lead = int(p["quiet_colour_lead"])
        by_quiet_colour = bool(thr.by_quiet_colour[i]) and (
            i not in keyframes or lead == 0
            or float(np.min(t1f[max(1, i - lead):i], initial=math.inf)) >= p["quiet_colour_moving"] * t1[i])
        # A cut is one frame's jump; inside a fade the change keeps going on the frames around.
        # (content, not histograms: coarse histogram bins make a smooth fade jump in steps)
        wide_c = max(c1[i], _at(c[wide_lag], i + ahead, c1[i]))
        conc = c1[i] / max(wide_c, 1e-6)
        # A flash starts (or ends) with an abrupt jump too: an unconcentrated change (a fade into
        # white) is neither a cut nor a flash to paint out.
        exc = flash.excursion(i) if conc >= p["concentration"] else None
        entry: dict = {}
        if debug is not None:
            debug.append(entry)
            entry.update({"i": i, "c1": round(float(c1[i]), 1), "refc": round(float(ref_c[i]), 1),
                          "h1": round(float(h1[i]), 2), "refh": round(float(ref_h[i]), 3),
                          "byc": bool(thr.by_content[i]), "byh": bool(thr.by_hist[i]), "conc": round(conc, 2),
                          "t1": round(float(t1[i]), 1), "reft": round(float(ref_t[i]), 1), "flash": exc, "kf": i in keyframes,
                          "stop": by_stop})

        def skip(why: str) -> None:  # which test turned the candidate down (debug output only)
            entry["skip"] = why
        if exc:
            flashes.append(exc)
            continue
        # Under the thumbnail floor only a quiet cut passes (its edges are checked below).
        quiet_only = t1[i] < p["cut_thumb_min"]
        if conc < p["concentration"] or (quiet_only and not (by_quiet or by_quiet_grey or by_quiet_colour or by_stop)):
            skip("concentration" if conc < p["concentration"] else "quiet")
            continue
        # A cut stands out from the frames on either side of it too. In a stop-and-go whip over a
        # fine texture every moving frame changes the content and the thumbnail as much as a cut
        # would, and the still stretches between the moves keep the local median low.
        iso = float(p["isolation"])
        if iso > 0 and h1[i] < p["colour_cut_hist"]:
            beside = min(_at(c1f, i - 1, 0.0), _at(c1f, i + 1, 0.0))
            beside_t = min(_at(t1f, i - 1, 0.0), _at(t1f, i + 1, 0.0))
            if c1[i] < iso * beside and t1[i] < iso * beside_t:
                skip("isolation")
                continue
        # The thumbnail's jump must be most of its change over a few frames around: a web encode's
        # keyframe inside a slow fade or a wipe catches up with the picture in one frame (a step of
        # the same size as a cut's at 160 px), but the fade keeps going on both sides of it. A cut
        # into fast motion keeps changing on one side only: there, the calm side is what counts.
        tc, sided = thumb_concentration(sig.thumbs, i, int(p["thumb_concentration_lag"]), float(t1[i]),
                                        float(p["thumb_concentration_one_side"]), float(p["uniform_std"]))
        moved = 1.0
        if tc < p["thumb_concentration"] and h1[i] < p["colour_cut_hist"]:
            if sided is None or sided < p["thumb_concentration"]:
                skip(f"thumb_concentration {tc:.2f} sided {sided}")
                continue
            # Passed on its calm side only. A still camera that starts a fast pan is calm on one side
            # too: there the new frame is the old picture moved, which a small shift explains.
            tc = sided
            moved = shifted_dist(sig.thumbs, i - 1, i, int(p["pan_shift"])) / max(float(t1[i]), 1e-6)
            if moved <= p["pan_moved"]:
                skip(f"pan_moved {moved:.2f}")
                continue
        # The same picture re-exposed is no cut: its edges line up and its colours hardly move. A
        # web encode's keyframe catching up with P-frames that drifted during a slow fade jumps
        # 12-17 of 255 in one frame, concentrated by every measure, but keeps the picture.
        edges = edge_correlation(sig.thumbs, i - 1, i)
        if quiet_only:
            # Which quiet route passes, with its edges (the first that does names the margin below).
            quiet_route = ("quiet" if by_quiet and edges <= p["quiet_edges"] else
                           "grey" if by_quiet_grey and edges <= p["quiet_grey_edges"] else
                           "colour" if by_quiet_colour and edges <= p["quiet_colour_edges"] else
                           "stop" if by_stop else None)
            if quiet_route is None:
                skip(f"quiet edges {edges:.2f}")
                continue
        if edges >= p["reexposed_edges"] and h1[i] < p["reexposed_hist"]:
            skip("reexposed")
            continue
        # A picture-in-picture window or a graphic coming or going changes a part of the picture:
        # most of the lit picture (the median cell) stays as it was. At a cut it changes too.
        local = (lit_median_change(sig.thumbs, i - 1, i, float(p["local_dark"])) / max(float(t1[i]), 1e-6)
                 if p["local_share"] > 0 else float("inf"))
        if local < p["local_share"]:
            skip(f"local {local:.2f}")
            continue
        # A caption, a subtitle or a lower third that appears or goes changes one band of rows: the
        # rest of the picture changes little, and no more than it did just before and after.
        rest, rest_share, rest_around = outside_band(sig.thumbs, i, float(p["caption_band"]), int(p["window"]))
        caption = max(rest / (p["caption_rest"] * (rest_around + p["caption_floor"]) + 1e-9),
                      rest_share / max(p["caption_share"], 1e-6))
        if caption < 1.0:
            skip(f"caption {caption:.2f}")
            continue
        if quiet_only and quiet_route == "quiet":
            route = min(t1[i] / thr_q, h1[i] / max(thr_qh, 1e-6))
            floor = p["quiet_edges"] / max(edges, 1e-6)
        elif quiet_only and quiet_route == "grey":
            route = t1[i] / thr_q
            floor = (1.0 - edges) / max(1.0 - p["quiet_grey_edges"], 1e-6)
        elif quiet_only and quiet_route == "stop":
            route = floor = float(stop[i])
        elif quiet_only:
            route = min(h1[i] / max(float(thr.quiet_colour[i]), 1e-6), t1[i] / max(p["quiet_colour_thumb"], 1e-6),
                        c1[i] / max(p["content_ratio"] * float(ref_c[i]), p["hist_content_min"], 1e-6))
            floor = (1.0 - edges) / max(1.0 - p["quiet_colour_edges"], 1e-6)
        else:
            route = max(c1[i] / thr_c, (h1[i] / thr_h) if c1[i] >= p["hist_content_min"] else 0.0, t1[i] / thr_t,
                        float(m1[i] / thr.wide[i]), float(stop[i]) if by_stop else 0.0)
            floor = t1[i] / max(p["cut_thumb_min"], 1e-6)
        margin = min(route, conc / max(p["concentration"], 1e-6), floor,
                     max(tc / max(p["thumb_concentration"], 1e-6), h1[i] / max(p["colour_cut_hist"], 1e-6)),
                     moved / max(p["pan_moved"], 1e-6), caption, local / max(p["local_share"], 1e-6),
                     max(p["reexposed_edges"] / max(edges, 1e-6), h1[i] / max(p["reexposed_hist"], 1e-6)))
        strength = max(c1[i] / (p["content_ratio"] * (ref_c[i] + 1.0)), h1[i] / (p["hist_ratio"] * (ref_h[i] + 0.02)))
        cuts.append({"frame": i, "score": round(float(c1[i]), 3), "kind": "hard", "strength": float(strength),
                     "margin": float(margin)})
    return cuts
