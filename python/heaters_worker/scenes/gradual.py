"""Gradual transitions (fades, dissolves, wipes): one cut at the middle of each.

Thumbnails are compared k frames apart for every k in gradual_lags: a transition of up to k frames
makes that distance peak, and it must stand out against the change over side_lag frames just outside
the window (motion saturates within side_lag frames). One transition passes at several lags;
select_lags keeps one per transition. It is then verified (both ends differ, the middle
frame is made of the two ends and is not one end zoomed into, the change is concentrated in the
window and not made in one frame: a step is the hard pass's to judge) and its middle is located.
Consecutive cuts whose halfway frame is a blend of their outer ends are one transition (merge_parts).
After merging, each blend is checked once more for a change concentrated in its window, with each
side's calm looked for only up to its neighbouring transitions (drop_steady_slices).
See the README (Scene detection) for the method and the numbers.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .distance import dist_from, lag_distance, rolling_max, thumb_dist, zoomed_share
from .signal import Signals


def gradual_cuts(sig: Signals, p: dict[str, Any], hard: list[dict], flashes: list[tuple[int, int]],
                 debug: Optional[list] = None) -> list[dict]:
    n = sig.frames
    side_lag, side_spread = int(p["side_lag"]), int(p["side_spread"])
    thumbs = sig.thumbs.copy()  # uint8; float only in small chunks (an hour is ~70 MB as uint8)
    hist = sig.hist.copy()
    # Paint flashes out (each flash frame takes the picture from before it): long-range distances
    # must not see them.
    for a, b in flashes:
        thumbs[a + 1:b] = thumbs[a]
        hist[a + 1:b] = hist[a]
    hard_frames = np.array(sorted(h["frame"] for h in hard), dtype=np.int64)
    cands = []
    sides: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k in p["gradual_lags"]:
        half = k // 2
        if n <= k + 2:
            continue
        lk = np.full(n, np.nan, dtype=np.float32)
        hk = np.full(n, np.nan, dtype=np.float32)
        lk[half:half + n - k] = lag_distance(thumbs, k)
        hk[half:half + n - k] = 0.5 * np.abs(hist[k:] - hist[:-k]).sum(axis=1)
        # How much the picture changes anyway just outside the window, over a shorter span s
        # (a longer one would reach into the neighbouring shots): motion saturates within s frames.
        sl = min(k, side_lag)
        if sl not in sides:  # the same for every lag from side_lag up
            ls = np.full(n, np.nan, dtype=np.float32)
            hs = np.full(n, np.nan, dtype=np.float32)
            ls[sl:] = lag_distance(thumbs, sl)  # D(i, i-sl), indexed by i
            hs[sl:] = 0.5 * np.abs(hist[sl:] - hist[:-sl]).sum(axis=1)
            # Max over a few neighbouring pairs: one pair of a shaking camera may happen to line up.
            sides[sl] = rolling_max(ls, side_spread), rolling_max(hs, side_spread)
        ls, hs = sides[sl]
        # left: D(m-half-sl, m-half) = ls[m-half]; right: D(m+half, m+half+sl) = ls[m+half+sl]
        idx = np.arange(n)
        left, right = idx - half, idx + half + sl
        lv = np.where(left >= 0, ls[np.clip(left, 0, n - 1)], np.nan)
        rv = np.where(right < n, ls[np.clip(right, 0, n - 1)], np.nan)
        side = np.fmax(lv, rv)  # fmax ignores NaN (video edges): one side is enough
        lv = np.where(left >= 0, hs[np.clip(left, 0, n - 1)], np.nan)
        rv = np.where(right < n, hs[np.clip(right, 0, n - 1)], np.nan)
        hside = np.fmax(lv, rv)
        ok_c = (lk >= p["gradual_min"]) & (lk >= p["gradual_ratio"] * (np.nan_to_num(side, nan=0.0) + p["gradual_floor"]))
        ok_h = ((hk >= p["gradual_hist_min"]) & (hk >= p["gradual_hist_ratio"] * (np.nan_to_num(hside, nan=0.0) + p["gradual_hist_floor"]))
                & (lk >= p["gradual_hist_content"] * p["gradual_min"]))
        ok = ok_c | ok_h
        m = 0
        while m < n:
            if not ok[m]:
                m += 1
                continue
            run_end = m
            while run_end + 1 < n and ok[run_end + 1]:
                run_end += 1
            run = np.arange(m, run_end + 1)
            vals = lk[run]
            top = run[vals >= p["gradual_top"] * np.nanmax(vals)]
            centre = int(round((top[0] + top[-1]) / 2))
            near_hard = hard_frames.size and np.abs(hard_frames - centre).min() <= half + int(p["near_hard"])
            if debug is not None:
                debug.append({"k": k, "run": [int(m), int(run_end)], "centre": centre, "lk": round(float(lk[centre]), 1),
                              "side": round(float(np.nan_to_num(side[centre])), 1), "hk": round(float(hk[centre]), 2),
                              "hside": round(float(np.nan_to_num(hside[centre])), 2), "near_hard": bool(near_hard)})
            if not near_hard:
                cands.append((centre, k, float(lk[centre]), float(np.nan_to_num(side[centre], nan=0.0)),
                              float(np.nan_to_num(hk[centre], nan=0.0)), float(np.nan_to_num(hside[centre], nan=0.0))))
            m = run_end + 1
    out = []
    for centre, k, lk_val, side_val, hk_val, hside_val in cands:
        # References never cross a hard cut.
        lo = max([h + 1 for h in hard_frames.tolist() if h <= centre] + [0])
        hi = min([h - 1 for h in hard_frames.tolist() if h > centre] + [n - 1])
        cut = _refine(thumbs, centre, k, lo, hi, p)
        # The pictures before and after must differ: a flash or a short excursion inside the
        # window also raises the lagged distance, but leaves both ends alike.
        if debug is not None:
            debug.append({"chosen": centre, "k": k, "lk": round(lk_val, 1), "refined": cut})
        a_i, b_i = cut["a"], cut["b"]
        mix = _mixture_residual(thumbs, cut["frame"], a_i, b_i)
        hab = float(0.5 * np.abs(hist[a_i] - hist[b_i]).sum())
        steady = _steady_change(thumbs, a_i, b_i, cut["frame"], lo, hi)
        # A change made in one frame is a step, which the hard pass has judged (a cut, or no cut: a
        # caption coming, the same picture re-exposed): no transition.
        step = (float(lag_distance(thumbs[a_i:b_i + 1], 1).max()) / max(thumb_dist(thumbs, a_i, b_i), 1e-6)
                if b_i > a_i else 0.0)
        if debug is not None:
            debug[-1].update(mix=round(mix, 3), hab=round(hab, 2), side=round(side_val, 1),
                             steady=None if steady is None else round(steady, 2), step=round(step, 2))
        if step >= p["gradual_step"]:
            continue
        # Both ends differ (in colours, or clearly more than the picture drifts anyway), the
        # middle is made of them, and the change is concentrated in the window (not a steady
        # zoom or pan, whose change over 64 frames can stand out against the 12-frame sides).
        # Ends alike in colours (two framings of one scene, or a slowly changing shot) need more: a
        # large distance, or a change concentrated in the window (a steady drift is not).
        distinct = (hab >= p["gradual_hist_min"]
                    or cut["score"] >= p["gradual_distinct"] * p["gradual_ratio"] * (side_val + p["gradual_floor"])
                    or (steady is not None and steady < p["distinct_steady"]))
        if not (cut["score"] >= p["gradual_min"] and cut["score"] >= p["gradual_keep"] * lk_val and distinct
                and mix <= p["gradual_mix"] and (steady is None or steady < p["gradual_steady"])):
            continue
        by_c = lk_val / max(p["gradual_ratio"] * (side_val + p["gradual_floor"]), 1e-6)
        by_h = hk_val / max(p["gradual_hist_ratio"] * (hside_val + p["gradual_hist_floor"]), 1e-6)
        cut["margin"] = float(min(max(by_c, by_h), cut["score"] / max(p["gradual_min"], 1e-6),
                                  p["gradual_mix"] / max(mix, 1e-6),
                                  p["gradual_steady"] / max(steady if steady is not None else 0.0, 1e-6),
                                  p["gradual_step"] / max(step, 1e-6)))
        cut["strength"] = cut["margin"]
        cut["lag"], cut["seen"] = k, lk_val
        out.append(cut)
    return [c for c in select_lags(out, float(p["gradual_pick"]), float(p["gradual_straddle"])) if not _zoom(c, thumbs, p, debug)]


def _zoom(cut: dict, thumbs: np.ndarray, p: dict[str, Any], debug: Optional[list]) -> bool:
    """Whether a transition is a fast zoom (a crash zoom), which changes the picture over a few frames
    between two still framings: on a 20x11 thumbnail its middle frame is nearly a blend of them, but
    it is one end's picture magnified. Else its margin takes in how far it is from one. Checked once
    per transition, after the lags are chosen (108 small warps each)."""
    if p["gradual_zoom"] <= 0:
        return False
    zoomed = zoomed_share(thumbs, cut["frame"], (cut["a"], cut["b"]))
    if debug is not None:
        debug.append({"zoom_check": cut["frame"], "zoomed": round(zoomed, 2)})
    if zoomed <= p["gradual_zoom"]:
        return True
    cut["margin"] = cut["strength"] = float(min(cut["margin"], zoomed / p["gradual_zoom"]))
    return False


def _overlap(a: dict, b: dict) -> int:
    """Frames two candidates' windows (frame +- lag/2) share."""
    return min(a["frame"] + a["lag"] // 2, b["frame"] + b["lag"] // 2) - max(a["frame"] - a["lag"] // 2, b["frame"] - b["lag"] // 2)


def select_lags(cuts: list[dict], pick: float, overlap: float) -> list[dict]:
    """One cut per transition, from verified candidates. A transition passes at several lags; from the
    smallest lag up, a candidate whose window holds one smaller-lag candidate replaces it only if it
    sees clearly more change (more than 1/pick times): then that one saw part of a longer transition.
    Otherwise it is dropped: the same transition (the smallest lag that sees the whole change has
    the tightest window, whose ends are the best references for locating the middle). A window
    holding two or more is dropped too: separate transitions that a long window spans, or parts of
    one long transition, which merge_parts joins."""
    chosen: list[dict] = []
    for cand in sorted(cuts, key=lambda c: (c["lag"], c["frame"])):
        half = cand["lag"] // 2
        inside = [c for c in chosen if abs(c["frame"] - cand["frame"]) <= half]
        # A window that reaches well into the window of another transition sees parts of two.
        straddles = any(c not in inside and _overlap(c, cand) > overlap * (c["lag"] // 2) for c in chosen)
        if straddles:
            continue
        if not inside:
            chosen.append(cand)
        elif len(inside) == 1 and cand["seen"] * pick > inside[0]["seen"]:
            chosen = [c for c in chosen if c is not inside[0]] + [cand]
    return sorted(chosen, key=lambda c: c["frame"])


def _steady_change(thumbs: np.ndarray, a_i: int, b_i: int, mid: int, lo: int, hi: int,
                   fit_lag: bool = False) -> Optional[float]:
    """How much the picture changes just outside the window [a_i, b_i], relative to the change
    across its middle, both over the same lag (a quarter of the window). A transition goes from
    one stable-ish picture to another: its middle changes far faster than the shots around it. A
    steady zoom or pan changes at about the same rate everywhere (ratio near 1). Each side takes
    its calmest stretch within one window length (a neighbouring transition may sit close by), and
    the calmer side counts. None when no side has room (hard cuts or the video's ends). With
    fit_lag, a side shorter than the lag (but at least 4 frames) is judged at its own length, the
    change across the middle at the same lag (drop_steady_slices bounds the sides tightly)."""
    span = b_i - a_i
    lag = max(4, span // 4)
    ratios = []
    for s0, s1 in ((max(lo, a_i - span), a_i), (b_i, min(hi, b_i + span))):
        side_lag = min(lag, s1 - s0) if fit_lag else lag
        if s1 - s0 < side_lag or side_lag < 4:
            continue
        c0 = min(max(a_i, mid - side_lag // 2), b_i - side_lag)
        across = thumb_dist(thumbs, c0, c0 + side_lag)
        ratios.append(float(lag_distance(thumbs[s0:s1 + 1], side_lag).min()) / max(across, 1e-6))
    return min(ratios) if ratios else None


def _flat_frames(thumbs: np.ndarray, f0: int, f1: int, p: dict[str, Any]) -> np.ndarray:
    """The frames of f0..f1 flat enough (thumbnail std <= uniform_std) to be a fade's colour."""
    stds = thumbs[f0:f1 + 1].reshape(f1 - f0 + 1, -1).std(axis=1)
    return np.flatnonzero(stds <= p["uniform_std"]) + f0


def _refine(thumbs: np.ndarray, centre: int, k: int, lo: int, hi: int, p: dict[str, Any]) -> dict:
    """Locate the middle of a transition between A (just before the detection window) and B (just
    after it); never across a hard cut."""
    half = k // 2 + 2
    return locate(thumbs, max(lo, centre - half), min(hi, centre + half), lo, hi, p)


def locate(thumbs: np.ndarray, a_i: int, b_i: int, lo: int, hi: int, p: dict[str, Any]) -> dict:
    """The middle of a transition from frame a_i (A) to frame b_i (B); lo..hi bounds the shots."""
    half = (b_i - a_i) // 2
    span = thumbs[a_i:b_i + 1].astype(np.float32)
    a, b = span[0], span[-1]
    da = np.abs(span - a).mean(axis=(1, 2, 3))
    db = np.abs(span - b).mean(axis=(1, 2, 3))
    dab = float(np.abs(a - b).mean())
    total = da + db
    if total.max() > p["through_total"] * max(dab, 1e-6) and _through_colour(span[int(np.argmax(total))], a, b, p["through_colour"]):
        # Through a colour (fade to black or white): the middle of the span where the picture is
        # neither A nor B any more. A frame only counts as "not A" if it is further from A than A
        # drifts by itself over the same distance outside the window (likewise for B): a moving
        # shot B used to pull the middle late.
        reach = int(p["drift_reach"])
        drift_a, drift_b = _drift(thumbs, a_i, len(span), -1, lo, reach), _drift(thumbs, b_i, len(span), +1, hi, reach)
        away = (da > p["through_away"] * dab + drift_a) & (db > p["through_away"] * dab + drift_b[::-1])
        # the contiguous stretch around the farthest frame: a hand-held shot that wobbles can look
        # "away" for a few frames near its end too
        far = int(np.argmax(total))
        if away[far]:
            s0, s1 = far, far
            while s0 > 0 and away[s0 - 1]:
                s0 -= 1
            while s1 + 1 < len(away) and away[s1 + 1]:
                s1 += 1
            mid = int(round((s0 + s1) / 2))
        else:
            mid = far
    else:
        # A blend: the middle is where half of the pixels are already closer to B than to A.
        closer_b = (np.abs(span - b) < np.abs(span - a)).reshape(len(span), -1).mean(axis=1)
        mid = int(np.argmin(np.abs(closer_b - 0.5)))
        is_wipe = _is_wipe(span[mid], a, b, p["wipe_pick"])
        if not is_wipe:
            # A shot that keeps moving drifts away from its reference and pulls that test off the
            # middle (5 frames early for a fade out of a drifting gradient). When the blend's start
            # and end show as clear steps in the frame-to-frame change, their middle is exact.
            steps = _change_span(thumbs, a_i, b_i, a_i + mid, lo, hi, dab, p)
            if steps is not None:
                mid = int(round((steps[0] + steps[1]) / 2)) - a_i

        if is_wipe:
            # A wipe: each pixel switches from A to B in one jump as the edge passes; the middle
            # is when half of the informative pixels have switched. Unlike the test above, this
            # is not pulled by motion inside A or B. The jumps are looked for a quarter window
            # beyond the references too: the smallest lag that sees most of a wipe may start
            # after its first pixels switched, which pulled the middle late.
            informative = np.abs(a - b).reshape(-1, 3).sum(axis=1) >= p["wipe_informative"]
            if informative.sum() >= 8:
                e0, e1 = max(lo, a_i - half // 2), min(hi, b_i + half // 2)
                flat = thumbs[e0:e1 + 1].astype(np.float32).reshape(e1 - e0 + 1, -1, 3)
                jumps = np.abs(np.diff(flat, axis=0)).sum(axis=2)
                at = np.argmax(jumps[:, informative], axis=0) + 1 + e0 - a_i
                mid = int(round(float(np.median(at))))
    return {"frame": a_i + mid, "score": round(dab, 3), "kind": "gradual", "a": a_i, "b": b_i, "lo": lo, "hi": hi}


def _through_colour(m: np.ndarray, a: np.ndarray, b: np.ndarray, limit: float) -> bool:
    """The frame furthest from both ends is not made of them (M = x*A + y*B + z with x + y near 0):
    a fade through black or white. A wipe or blend into a moving shot also drifts away from both
    ends, but it stays made of them (x + y near 1)."""
    design = np.stack([a.reshape(-1), b.reshape(-1), np.ones(a.size, dtype=np.float32)], axis=1)
    coef, *_ = np.linalg.lstsq(design, m.reshape(-1), rcond=None)
    return float(coef[0] + coef[1]) < limit


def _change_span(thumbs: np.ndarray, a_i: int, b_i: int, mid: int, lo: int, hi: int,
                 dab: float, p: dict[str, Any]) -> Optional[tuple[int, int]]:
    """(s, e): the last frame of A and the first frame of B of a blend, where the frame-to-frame
    change steps up (the blend's own change adds to the shot's motion) and steps down again;
    looked for within [a_i - 2, mid] and [mid, b_i + 2]. None unless both steps are clear: at
    least a third of the blend's per-frame change and 3x the jitter of the frame-to-frame change
    just outside (a noisy or flickering shot hides them; the caller keeps its estimate then)."""
    w, pad = int(p["step_width"]), 2
    e0, e1 = max(lo, a_i - pad - w), min(hi, b_i + pad + w)
    if e1 - e0 < 4 * w:
        return None
    f = thumbs[e0:e1 + 1]
    d1 = np.abs(np.diff(f.astype(np.int16), axis=0)).reshape(e1 - e0, -1).mean(axis=1)  # d1[j]: e0+j -> e0+j+1
    # for j = w .. len(d1)-w: the frame x = e0 + j sits between d1[j-1] and d1[j]
    csum = np.concatenate(([0.0], np.cumsum(d1, dtype=np.float64)))
    js = np.arange(w, len(d1) - w + 1)
    before = (csum[js] - csum[js - w]) / w
    after = (csum[js + w] - csum[js]) / w
    xs = e0 + js
    rise = np.where((xs >= a_i - pad) & (xs <= mid), after - before, -np.inf)
    fall = np.where((xs >= mid) & (xs <= b_i + pad), before - after, -np.inf)
    if not (np.isfinite(rise).any() and np.isfinite(fall).any()):
        return None
    best_s, best_e = int(js[int(np.argmax(rise))]), int(js[int(np.argmax(fall))])
    up, down = float(rise.max()), float(fall.max())
    if best_e - best_s < 2:
        return None
    rate = dab / (best_e - best_s)
    jitter_s = float(d1[best_s - w:best_s].std())
    jitter_e = float(d1[best_e:best_e + w].std())
    share, jit = p["step_share"], p["step_jitter"]
    if up < max(rate * share, jit * jitter_s + 0.1) or down < max(rate * share, jit * jitter_e + 0.1):
        return None
    return e0 + best_s, e0 + best_e


def _drift(thumbs: np.ndarray, ref: int, n: int, step: int, bound: int, reach: int) -> np.ndarray:
    """d[j] = distance from frame ref to frame ref + step*j (j < n), stopping at bound (the
    shot's end) and after `reach` frames (further out, another transition may begin): how much
    the picture drifts by itself over j frames just outside the window."""
    last = max(0, min(n - 1, reach, (ref - bound) if step < 0 else (bound - ref)))
    frames = ref + step * np.arange(last + 1)
    out = np.empty(n, dtype=np.float32)
    out[:last + 1] = dist_from(thumbs, ref, frames)
    out[last + 1:] = out[last]
    return out


def _is_wipe(m: np.ndarray, a: np.ndarray, b: np.ndarray, pick_share: float) -> bool:
    """A wipe's middle frame is made of whole pixels of A and of B; a blend's is not."""
    scale = float(np.abs(a - b).mean()) + 1e-6
    pick = float(np.minimum(np.abs(m - a), np.abs(m - b)).mean()) / scale
    mean_ab = float(np.abs(m - (a + b) / 2).mean()) / scale
    return pick < pick_share * mean_ab


def _mixture_residual(thumbs: np.ndarray, mid: int, a_i: int, b_i: int) -> float:
    """How far the middle frame is from being made of A and B, relative to how A and B differ.
    Fades and dissolves are blends (M = x*A + y*B + z: through black or white too); wipes take each
    pixel from A or from B. Camera motion is neither, so it scores high. 0 = a perfect mix."""
    a, b, m = (thumbs[i].reshape(-1).astype(np.float32) for i in (a_i, b_i, mid))
    scale = float(np.abs(a - b).mean()) + 1e-6
    design = np.stack([a, b, np.ones_like(a)], axis=1)
    coef, *_ = np.linalg.lstsq(design, m, rcond=None)
    blend = float(np.abs(design @ coef - m).mean()) / scale
    pick = float(np.minimum(np.abs(m - a), np.abs(m - b)).mean()) / scale
    return min(blend, pick)


MERGE_HALF = 4  # frames each side for the local rate of change between two gradual cuts


def merge_parts(cuts: list[dict], thumbs: np.ndarray, p: dict[str, Any]) -> list[dict]:
    """A long transition can pass as two or more shorter ones (a 150-frame fade seen 64 frames at a
    time, a fade through black as A-to-black and black-to-B). Two consecutive gradual cuts at most
    max(gradual_lags) apart are one transition when a frame between them is flat (black or
    white: a fade through a colour), or the picture keeps changing all the way between them (at least
    merge_rate times the average rate from the first one's start to the second one's end) and the
    halfway frame is made of those two ends (a blend x*A + y*B + z). Two separate transitions have a
    calmer shot between them. The merged transition is located again from the first one's start to
    the second one's end, widened by merge_extend of that span each side (within the shots)."""
    span = max(p["gradual_lags"])
    out: list[dict] = []
    for cut in sorted(cuts, key=lambda c: c["frame"]):
        prev = out[-1] if out else None
        if prev is not None and cut["frame"] - prev["frame"] <= span:
            a_i, b_i = prev["a"], cut["b"]
            mid = (prev["frame"] + cut["frame"]) // 2
            dab = thumb_dist(thumbs, a_i, b_i)
            f0, f1 = prev["frame"], cut["frame"]
            q = MERGE_HALF
            # a fade through a colour seen as its two parts: the first one fades out into a flat
            # stretch and the second one in from it (their windows reach it), and neither cut sits
            # inside it (a cut with flat frames on both sides is the middle of a short fade through
            # black by itself, next to another transition). xfade's fades leave A within their first fifth and reach B slowly,
            # so the first part's cut may lie only a few frames before the flat stretch, or on its
            # first frame (the frame before it is not flat), and the second part's on its last.
            flat_at = _flat_frames(thumbs, max(0, f0 - 1), min(thumbs.shape[0] - 1, f1 + 1), p)
            flat = (bool(flat_at.size) and flat_at[0] >= f0 and flat_at[-1] <= f1
                    and prev["b"] >= flat_at[0] and cut["a"] <= flat_at[-1] + q)
            # the picture keeps changing all the way between them (a shot between two transitions
            # is calm somewhere): the slowest change over 2q frames against the average rate
            e0, e1 = max(0, f0 - q), min(thumbs.shape[0] - 1, f1 + q)
            slowest = float(lag_distance(thumbs[e0:e1 + 1], 2 * q).min()) if e1 - e0 > 2 * q else 0.0
            moving = slowest >= p["merge_rate"] * dab * 2 * q / max(1, b_i - a_i)
            if dab >= p["gradual_min"] and (flat or (moving and _mixture_residual(thumbs, mid, a_i, b_i) <= p["merge_mix"])):
                lo, hi = prev.get("lo", 0), cut.get("hi", thumbs.shape[0] - 1)
                ext = int(p["merge_extend"] * (b_i - a_i))  # the parts' windows may start inside it
                merged = locate(thumbs, max(lo, a_i - ext), min(hi, b_i + ext), lo, hi, p)
                merged.update(margin=min(prev.get("margin", 1.0), cut.get("margin", 1.0)),
                              strength=max(prev.get("strength", 0.0), cut.get("strength", 0.0)),
                              lag=b_i - a_i, seen=dab)
                out[-1] = merged
                continue
        out.append(cut)
    return out


def drop_steady_slices(cuts: list[dict], thumbs: np.ndarray, p: dict[str, Any]) -> list[dict]:
    """The steadiness test again, for each blend kept after merging, with each side's calm looked for
    only between this transition and its neighbours (the previous kept transitions' ends, the next
    ones' starts, hard cuts). A slice of a shot that morphs steadily (a moving gradient) between two
    transitions is, pixel for pixel, a dissolve between its ends; the first test finds calm for it in
    the shots beyond those neighbours and passes it. Within its own shot the change does not drop
    outside the window, while a real transition's neighbouring shot is calmer, even 4 frames of it
    (_steady_change with fit_lag). Fades through a colour (a flat frame inside the window) are left
    alone: their middle barely changes, so the ratio says nothing."""
    limit = float(p["bounded_steady"])
    n = thumbs.shape[0]
    # prev_end[i]: the furthest end of the cuts before i; next_start[i]: the earliest start after i
    prev_end = [0] * len(cuts)
    next_start = [n - 1] * len(cuts)
    for i in range(1, len(cuts)):
        prev_end[i] = max(prev_end[i - 1], cuts[i - 1]["b"])
    for i in range(len(cuts) - 2, -1, -1):
        next_start[i] = min(next_start[i + 1], cuts[i + 1]["a"])
    out = []
    for i, c in enumerate(cuts):
        a_i, b_i = c["a"], c["b"]
        if b_i - a_i >= 4 and not _flat_frames(thumbs, a_i, b_i, p).size:
            lo, hi = max(prev_end[i], c.get("lo", 0)), min(next_start[i], c.get("hi", n - 1))
            steady = _steady_change(thumbs, a_i, b_i, c["frame"], lo, hi, fit_lag=True)
            if steady is not None and steady >= limit:
                continue
        out.append(c)
    return out
