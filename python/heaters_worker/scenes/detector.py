"""Cuts from per-frame signals: hard cuts, flash suppression, gradual transitions, minimum length.

All decisions are relative to the local neighbourhood, so sustained motion or noise (a high but
steady score) does not fire, while the same absolute score in a quiet stretch does.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .signal import LAGS, Signals

SIDE_LAG = 12
SIDE_SPREAD = 3


def _rolling_max(x: np.ndarray, half: int) -> np.ndarray:
    padded = np.pad(x, half, mode="constant", constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with np.errstate(all="ignore"):
        out = np.nanmax(np.where(np.isnan(windows), -np.inf, windows), axis=1)
    return np.where(np.isinf(out), np.nan, out).astype(np.float32)


def _hist_lags(hist: np.ndarray) -> np.ndarray:
    """hd[k][i] = total-variation distance between the histograms of frames i and i-k (0..1)."""
    n = hist.shape[0]
    hd = np.full((LAGS + 1, n), np.nan, dtype=np.float32)
    for k in range(1, LAGS + 1):
        if n > k:
            hd[k, k:] = 0.5 * np.abs(hist[k:] - hist[:-k]).sum(axis=1)
    return hd


def _rolling_median(x: np.ndarray, half: int) -> np.ndarray:
    if x.size == 0:
        return x.copy()
    padded = np.pad(x, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    return np.nanmedian(windows, axis=1)


def _at(a: np.ndarray, i: int, default: float = np.nan) -> float:
    return float(a[i]) if 0 <= i < a.shape[-1] else default


def hard_cuts(sig: Signals, p: dict[str, Any], keyframes: set[int], flashes: list[tuple[int, int]],
              debug: Optional[list] = None) -> list[dict]:
    """Hard cuts; the flash excursions found on the way are appended to `flashes` as (a, b): frames
    a and b look alike, the frames between them are the flash."""
    c, n = sig.content, sig.frames
    hd = _hist_lags(sig.hist)
    c1 = np.nan_to_num(c[1])
    h1 = np.nan_to_num(hd[1])
    ref_c = _rolling_median(c1, int(p["window"]))
    ref_h = _rolling_median(h1, int(p["window"]))
    cuts = []
    for i in range(1, n):
        boost = p["keyframe_boost"] if i in keyframes else 1.0
        by_content = c1[i] >= p["content_min"] and c1[i] >= p["content_ratio"] * boost * ref_c[i]
        by_hist = (h1[i] >= p["hist_min"] and h1[i] >= p["hist_ratio"] * boost * ref_h[i] + 0.02
                   and c1[i] >= p["hist_content_min"])
        if not (by_content or by_hist):
            continue
        # A cut is one frame's jump; inside a fade the change keeps going on the frames around.
        wide_c = max(c1[i], _at(c[5], i + 2, c1[i]))
        # (content, not histograms: coarse histogram bins make a smooth fade jump in steps)
        conc = c1[i] / max(wide_c, 1e-6)
        flash = _is_flash(i, c, hd, int(p["max_flash"]), float(p["flash_return"]))
        if debug is not None:
            debug.append({"i": i, "c1": round(float(c1[i]), 1), "refc": round(float(ref_c[i]), 1),
                          "h1": round(float(h1[i]), 2), "refh": round(float(ref_h[i]), 3),
                          "byc": bool(by_content), "byh": bool(by_hist), "conc": round(conc, 2),
                          "flash": flash, "kf": i in keyframes})
        if flash:
            flashes.append(flash)
            continue
        if conc < p["concentration"]:
            continue
        strength = max(c1[i] / (p["content_ratio"] * (ref_c[i] + 1.0)), h1[i] / (p["hist_ratio"] * (ref_h[i] + 0.02)))
        cuts.append({"frame": i, "score": round(float(c1[i]), 3), "kind": "hard", "strength": float(strength)})
    return cuts


def _is_flash(i: int, c: np.ndarray, hd: np.ndarray, max_flash: int, ret: float) -> Optional[tuple[int, int]]:
    """True if frames a < i <= b, at most max_flash+1 apart, look alike although i jumped: the
    jump at i is the start or the end of a short excursion (a flash), not a change of shot."""
    n = c.shape[1]
    for a in range(i - 1, max(-1, i - 2 - max_flash), -1):
        for b in range(i, min(n, a + max_flash + 2)):
            lag = b - a
            if lag < 2:
                continue
            spike_c = float(np.nanmax(c[1, a + 1:b + 1]))
            spike_h = float(np.nanmax(hd[1, a + 1:b + 1]))
            if c[lag, b] <= ret * spike_c or hd[lag, b] <= ret * spike_h:
                return a, b
    return None


def gradual_cuts(sig: Signals, p: dict[str, Any], hard: list[dict], flashes: list[tuple[int, int]],
                 debug: Optional[list] = None) -> list[dict]:
    n = sig.frames
    thumbs = sig.thumbs.copy()  # uint8; float only in small chunks (an hour is ~70 MB as uint8)
    hist = sig.hist.copy()
    # Paint flashes out (each flash frame takes the picture from before it): long-range distances
    # must not see them.
    for a, b in flashes:
        thumbs[a + 1:b] = thumbs[a]
        hist[a + 1:b] = hist[a]
    hard_frames = np.array(sorted(h["frame"] for h in hard), dtype=np.int64)
    cands = []
    for k in p["gradual_lags"]:
        half = k // 2
        if n <= k + 2:
            continue
        lk = np.full(n, np.nan, dtype=np.float32)
        hk = np.full(n, np.nan, dtype=np.float32)
        lk[half:half + n - k] = _lag_distance(thumbs, k)
        hk[half:half + n - k] = 0.5 * np.abs(hist[k:] - hist[:-k]).sum(axis=1)
        # How much the picture changes anyway just outside the window, over a shorter span s
        # (a longer one would reach into the neighbouring shots): motion saturates within s frames.
        sl = min(k, SIDE_LAG)
        ls = np.full(n, np.nan, dtype=np.float32)
        hs = np.full(n, np.nan, dtype=np.float32)
        ls[sl:] = _lag_distance(thumbs, sl)  # D(i, i-sl), indexed by i
        hs[sl:] = 0.5 * np.abs(hist[sl:] - hist[:-sl]).sum(axis=1)
        # Max over a few neighbouring pairs: one pair of a shaking camera may happen to line up.
        ls, hs = _rolling_max(ls, SIDE_SPREAD), _rolling_max(hs, SIDE_SPREAD)
        # left: D(m-half-sl, m-half) = ls[m-half]; right: D(m+half, m+half+sl) = ls[m+half+sl]
        idx = np.arange(n)
        left, right = idx - half, idx + half + sl
        lv = np.where(left >= 0, ls[np.clip(left, 0, n - 1)], np.nan)
        rv = np.where(right < n, ls[np.clip(right, 0, n - 1)], np.nan)
        side = np.fmax(lv, rv)  # fmax ignores NaN (video edges): one side is enough
        lv = np.where(left >= 0, hs[np.clip(left, 0, n - 1)], np.nan)
        rv = np.where(right < n, hs[np.clip(right, 0, n - 1)], np.nan)
        hside = np.fmax(lv, rv)
        ok_c = (lk >= p["gradual_min"]) & (lk >= p["gradual_ratio"] * (np.nan_to_num(side, nan=0.0) + 2.0))
        ok_h = ((hk >= p["gradual_hist_min"]) & (hk >= p["gradual_hist_ratio"] * (np.nan_to_num(hside, nan=0.0) + 0.03))
                & (lk >= 0.6 * p["gradual_min"]))
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
            top = run[vals >= 0.95 * np.nanmax(vals)]
            centre = int(round((top[0] + top[-1]) / 2))
            near_hard = hard_frames.size and np.abs(hard_frames - centre).min() <= half + 2
            if debug is not None:
                debug.append({"k": k, "run": [int(m), int(run_end)], "centre": centre, "lk": round(float(lk[centre]), 1),
                              "side": round(float(np.nan_to_num(side[centre])), 1), "hk": round(float(hk[centre]), 2),
                              "hside": round(float(np.nan_to_num(hside[centre])), 2), "near_hard": bool(near_hard)})
            if not near_hard:
                cands.append((centre, k, float(lk[centre]), float(np.nan_to_num(side[centre], nan=0.0))))
            m = run_end + 1
    # One transition passes at several lags. Group overlapping candidates; in each group take the
    # smallest lag that already sees (almost) the whole change: its window is the tightest one
    # around the transition, so its ends are the best references for locating the middle.
    cands.sort()
    groups: list[list[tuple[int, int, float, float]]] = []
    for cand in cands:
        if groups and any(abs(cand[0] - o[0]) <= max(cand[1], o[1]) // 2 for o in groups[-1]):
            groups[-1].append(cand)
        else:
            groups.append([cand])
    reps = []
    for group in groups:
        best = max(c[2] for c in group)
        reps.append(min((c for c in group if c[2] >= 0.85 * best), key=lambda c: (c[1], -c[2])))
    out = []
    for centre, k, lk_val, side_val in reps:
        # References never cross a hard cut.
        lo = max([h + 1 for h in hard_frames.tolist() if h <= centre] + [0])
        hi = min([h - 1 for h in hard_frames.tolist() if h > centre] + [n - 1])
        cut = _refine(thumbs, centre, k, lo, hi)
        # The pictures before and after must differ: a flash or a short excursion inside the
        # window also raises the lagged distance, but leaves both ends alike.
        if debug is not None:
            debug.append({"chosen": centre, "k": k, "lk": round(lk_val, 1), "refined": cut})
        a_i, b_i = cut.pop("a"), cut.pop("b")
        mix = _mixture_residual(thumbs, cut["frame"], a_i, b_i)
        hab = float(0.5 * np.abs(hist[a_i] - hist[b_i]).sum())
        steady = _steady_change(thumbs, a_i, b_i, cut["frame"], lo, hi)
        if debug is not None:
            debug[-1].update(mix=round(mix, 3), hab=round(hab, 2), side=round(side_val, 1),
                             steady=None if steady is None else round(steady, 2))
        # Both ends differ (in colours, or clearly more than the picture drifts anyway), the
        # middle is made of them, and the change is concentrated in the window (not a steady
        # zoom or pan, whose change over 64 frames can stand out against the 12-frame sides).
        distinct = hab >= p["gradual_hist_min"] or cut["score"] >= 2 * p["gradual_ratio"] * (side_val + 2.0)
        if (cut["score"] >= p["gradual_min"] and cut["score"] >= 0.5 * lk_val and distinct
                and mix <= p["gradual_mix"] and (steady is None or steady < p["gradual_steady"])):
            out.append(cut)
    return out


def _dist(thumbs: np.ndarray, i: int, j: int) -> float:
    return float(np.abs(thumbs[i].astype(np.int16) - thumbs[j].astype(np.int16)).mean())


def _steady_change(thumbs: np.ndarray, a_i: int, b_i: int, mid: int, lo: int, hi: int) -> Optional[float]:
    """How much the picture changes just outside the window [a_i, b_i], relative to the change
    across its middle, both over the same lag (a quarter of the window). A transition goes from
    one stable-ish picture to another: its middle changes far faster than the shots around it. A
    steady zoom or pan changes at about the same rate everywhere (ratio near 1). Each side takes
    its calmest stretch within one window length (a neighbouring transition may sit close by), and
    the calmer side counts. None when no side has room (hard cuts or the video's ends)."""
    span = b_i - a_i
    lag = max(4, span // 4)
    c0 = min(max(a_i, mid - lag // 2), b_i - lag)
    across = _dist(thumbs, c0, c0 + lag)
    sides = []
    for start, stop in ((max(lo, a_i - span), a_i - lag), (b_i, min(hi, b_i + span) - lag)):
        if stop >= start:
            sides.append(min(_dist(thumbs, j, j + lag) for j in range(start, stop + 1)))
    return min(sides) / max(across, 1e-6) if sides else None


def _lag_distance(thumbs: np.ndarray, k: int, chunk: int = 4096) -> np.ndarray:
    """mean |thumb[i] - thumb[i-k]| for i = k..n-1, in chunks to bound the temporary memory."""
    n = thumbs.shape[0]
    out = np.empty(n - k, dtype=np.float32)
    for s in range(k, n, chunk):
        e = min(n, s + chunk)
        d = np.abs(thumbs[s:e].astype(np.int16) - thumbs[s - k:e - k].astype(np.int16))
        out[s - k:e - k] = d.reshape(e - s, -1).mean(axis=1)
    return out


def _refine(thumbs: np.ndarray, centre: int, k: int, lo: int, hi: int) -> dict:
    """Locate the middle of a transition between A (just before the detection window) and B (just
    after it); never across a hard cut."""
    half = k // 2 + 2
    a_i, b_i = max(lo, centre - half), min(hi, centre + half)
    span = thumbs[a_i:b_i + 1].astype(np.float32)
    a, b = span[0], span[-1]
    da = np.abs(span - a).mean(axis=(1, 2, 3))
    db = np.abs(span - b).mean(axis=(1, 2, 3))
    dab = float(np.abs(a - b).mean())
    total = da + db
    if total.max() > 1.3 * max(dab, 1e-6) and _through_colour(span[int(np.argmax(total))], a, b):
        # Through a colour (fade to black or white): the middle of the span where the picture is
        # neither A nor B any more. A frame only counts as "not A" if it is further from A than A
        # drifts by itself over the same distance outside the window (likewise for B): a moving
        # shot B used to pull the middle late.
        drift_a, drift_b = _drift(thumbs, a_i, len(span), -1, lo), _drift(thumbs, b_i, len(span), +1, hi)
        away = np.flatnonzero((da > 0.1 * dab + drift_a) & (db > 0.1 * dab + drift_b[::-1]))
        mid = int(round((away[0] + away[-1]) / 2)) if away.size else int(np.argmax(total))
    else:
        # A blend: the middle is where half of the pixels are already closer to B than to A.
        closer_b = (np.abs(span - b) < np.abs(span - a)).reshape(len(span), -1).mean(axis=1)
        mid = int(np.argmin(np.abs(closer_b - 0.5)))
        is_wipe = _is_wipe(span[mid], a, b)
        if not is_wipe:
            # A shot that keeps moving drifts away from its reference and pulls that test off the
            # middle (5 frames early for a fade out of a drifting gradient). When the blend's start
            # and end show as clear steps in the frame-to-frame change, their middle is exact.
            steps = _change_span(thumbs, a_i, b_i, a_i + mid, lo, hi, dab)
            if steps is not None:
                mid = int(round((steps[0] + steps[1]) / 2)) - a_i
        if is_wipe:
            # A wipe: each pixel switches from A to B in one jump as the edge passes; the middle
            # is when half of the informative pixels have switched. Unlike the test above, this
            # is not pulled by motion inside A or B. The jumps are looked for a quarter window
            # beyond the references too: the smallest lag that sees most of a wipe may start
            # after its first pixels switched, which pulled the middle late.
            informative = np.abs(a - b).reshape(-1, 3).sum(axis=1) >= 90
            if informative.sum() >= 8:
                e0, e1 = max(lo, a_i - half // 2), min(hi, b_i + half // 2)
                flat = thumbs[e0:e1 + 1].astype(np.float32).reshape(e1 - e0 + 1, -1, 3)
                jumps = np.abs(np.diff(flat, axis=0)).sum(axis=2)
                at = np.argmax(jumps[:, informative], axis=0) + 1 + e0 - a_i
                mid = int(round(float(np.median(at))))
    return {"frame": a_i + mid, "score": round(dab, 3), "kind": "gradual", "a": a_i, "b": b_i}


def _through_colour(m: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """The frame furthest from both ends is not made of them (M = x*A + y*B + z with x + y near 0):
    a fade through black or white. A wipe or blend into a moving shot also drifts away from both
    ends, but it stays made of them (x + y near 1)."""
    design = np.stack([a.reshape(-1), b.reshape(-1), np.ones(a.size, dtype=np.float32)], axis=1)
    coef, *_ = np.linalg.lstsq(design, m.reshape(-1), rcond=None)
    return float(coef[0] + coef[1]) < 0.5


STEP_W = 4  # frames averaged on each side of a step in the frame-to-frame change


def _change_span(thumbs: np.ndarray, a_i: int, b_i: int, mid: int, lo: int, hi: int,
                 dab: float) -> Optional[tuple[int, int]]:
    """(s, e): the last frame of A and the first frame of B of a blend, where the frame-to-frame
    change steps up (the blend's own change adds to the shot's motion) and steps down again;
    looked for within [a_i - 2, mid] and [mid, b_i + 2]. None unless both steps are clear: at
    least a third of the blend's per-frame change and 3x the jitter of the frame-to-frame change
    just outside (a noisy or flickering shot hides them; the caller keeps its estimate then)."""
    w, pad = STEP_W, 2
    e0, e1 = max(lo, a_i - pad - w), min(hi, b_i + pad + w)
    if e1 - e0 < 4 * w:
        return None
    f = thumbs[e0:e1 + 1]
    d1 = np.abs(np.diff(f.astype(np.int16), axis=0)).reshape(e1 - e0, -1).mean(axis=1)  # d1[j]: e0+j -> e0+j+1
    best_s = best_e = None
    up = down = -np.inf
    for j in range(w, len(d1) - w + 1):
        x = e0 + j  # the frame between d1[j-1] and d1[j]
        before, after = float(d1[j - w:j].mean()), float(d1[j:j + w].mean())
        if a_i - pad <= x <= mid and after - before > up:
            up, best_s = after - before, j
        if mid <= x <= b_i + pad and before - after > down:
            down, best_e = before - after, j
    if best_s is None or best_e is None or best_e - best_s < 2:
        return None
    rate = dab / (best_e - best_s)
    jitter_s = float(d1[best_s - w:best_s].std())
    jitter_e = float(d1[best_e:best_e + w].std())
    if up < max(rate / 3, 3 * jitter_s + 0.1) or down < max(rate / 3, 3 * jitter_e + 0.1):
        return None
    return e0 + best_s, e0 + best_e


def _drift(thumbs: np.ndarray, ref: int, n: int, step: int, bound: int) -> np.ndarray:
    """d[j] = distance from frame ref to frame ref + step*j (j < n), stopping at bound (the
    shot's end): how much the picture drifts by itself over j frames just outside the window."""
    out = np.zeros(n, dtype=np.float32)
    for j in range(1, n):
        f = ref + step * j
        if (f < bound) if step < 0 else (f > bound):
            out[j:] = out[j - 1]
            break
        out[j] = _dist(thumbs, ref, f)
    return out


def _is_wipe(m: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """A wipe's middle frame is made of whole pixels of A and of B; a blend's is not."""
    scale = float(np.abs(a - b).mean()) + 1e-6
    pick = float(np.minimum(np.abs(m - a), np.abs(m - b)).mean()) / scale
    mean_ab = float(np.abs(m - (a + b) / 2).mean()) / scale
    return pick < 0.6 * mean_ab


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


def apply_min_scene_len(cuts: list[dict], min_len: int) -> list[dict]:
    """Among cuts closer than min_len frames, keep the strongest (a hard cut beats a gradual one)."""
    ordered = sorted(cuts, key=lambda c: (c["kind"] != "hard", -c.get("strength", c["score"])))
    kept: list[dict] = []
    for cut in ordered:
        if cut["frame"] < min_len:
            continue
        if all(abs(cut["frame"] - k["frame"]) >= min_len for k in kept):
            kept.append(cut)
    return [{k: v for k, v in c.items() if k != "strength"} for c in sorted(kept, key=lambda c: c["frame"])]


def detect(sig: Signals, p: dict[str, Any], keyframes: set[int], debug: Optional[dict] = None) -> list[dict]:
    dbg_h: Optional[list] = [] if debug is not None else None
    dbg_g: Optional[list] = [] if debug is not None else None
    flashes: list[tuple[int, int]] = []
    hard = hard_cuts(sig, p, keyframes, flashes, dbg_h)
    gradual = gradual_cuts(sig, p, hard, flashes, dbg_g) if p["gradual"] else []
    if debug is not None:
        debug["hard"], debug["gradual"] = dbg_h, dbg_g
    return apply_min_scene_len(hard + gradual, int(p["min_scene_len"]))
