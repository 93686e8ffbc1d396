"""Distances between frames' stored signals (thumbnails, histograms) and rolling statistics over them.

Shared by the hard-cut, flash and gradual passes, so every pass measures "how different" the same way.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from .signal import LAGS


def thumb_dist(thumbs: np.ndarray, i: int, j: int) -> float:
    """Mean absolute BGR difference of two thumbnails, 0-255."""
    return float(cv2.norm(thumbs[i], thumbs[j], cv2.NORM_L1)) / thumbs[i].size


def median_cell_change(thumbs: np.ndarray) -> np.ndarray:
    """Per frame, the median over the thumbnail's cells of their mean absolute BGR change from the
    frame before (0-255; 0 for frame 0): high only when most of the picture changes at once, which
    something crossing part of the frame does not do."""
    n = thumbs.shape[0]
    out = np.zeros(n, dtype=np.float32)
    if n > 1:
        t = thumbs.astype(np.int16)
        cells = np.abs(t[1:] - t[:-1]).mean(axis=3, dtype=np.float32).reshape(n - 1, -1)
        out[1:] = np.median(cells, axis=1)
    return out


def lit_median_change(thumbs: np.ndarray, i: int, j: int, dark: float) -> float:
    """The median change (mean absolute BGR, 0-255) of the thumbnail cells lit in i or j (mean BGR
    above `dark` in either; all cells if none is): whether most of the picture changed, leaving out
    what is black in both (the dark half of a night shot changes nothing at a cut)."""
    a, b = thumbs[i].astype(np.float32), thumbs[j].astype(np.float32)
    change = np.abs(a - b).mean(axis=2)
    lit = (a.mean(axis=2) > dark) | (b.mean(axis=2) > dark)
    return float(np.median(change[lit] if lit.any() else change))


def dist_from(thumbs: np.ndarray, ref: int, frames: np.ndarray) -> np.ndarray:
    """thumb_dist(ref, f) for every f in frames."""
    d = np.abs(thumbs[frames].astype(np.int16) - thumbs[ref].astype(np.int16))
    return d.reshape(len(frames), -1).mean(axis=1).astype(np.float32)


def shifted_dist(thumbs: np.ndarray, i: int, j: int, max_shift: int) -> float:
    """The smallest thumb_dist of i and j over shifts of up to max_shift thumbnail pixels each way
    (over the overlap): small when j is i's picture moved (a pan), not another picture."""
    a, b = thumbs[i].astype(np.int16), thumbs[j].astype(np.int16)
    h, w = a.shape[:2]
    best = float("inf")
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            if abs(dy) >= h or abs(dx) >= w:
                continue
            pa = a[max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)]
            pb = b[max(0, -dy):h + min(0, -dy), max(0, -dx):w + min(0, -dx)]
            best = min(best, float(np.abs(pa - pb).mean()))
    return best


ZOOM_SCALES = (1.1, 1.2, 1.35, 1.5, 1.7, 2.0)
ZOOM_CENTRES = (0.3, 0.5, 0.7)  # shares of the width and of the height


def zoomed_share(thumbs: np.ndarray, mid: int, ends: tuple[int, ...]) -> float:
    """How well a zoom into one of `ends` explains frame `mid`: the smallest thumb_dist of mid and an
    end magnified by 1.1-2x about one of nine centres (ZOOM_SCALES, ZOOM_CENTRES; the outermost
    thumbnail pixels left out), as a share of the plain distance of mid and that end. Small when mid
    is an end's picture zoomed into (a zoom into A, or B seen zoomed out of), about 1 for a blend of
    two pictures."""
    m = thumbs[mid].astype(np.float32)
    h, w = m.shape[:2]
    best = float("inf")
    for e in ends:
        x = thumbs[e].astype(np.float32)
        plain = max(float(np.abs(x - m).mean()), 1e-6)
        zoomed = np.stack([
            cv2.warpAffine(x, np.float32([[s, 0, (1 - s) * fx * (w - 1)], [0, s, (1 - s) * fy * (h - 1)]]), (w, h),
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            for s in ZOOM_SCALES for fy in ZOOM_CENTRES for fx in ZOOM_CENTRES])
        best = min(best, float(np.abs(zoomed[:, 1:-1, 1:-1] - m[1:-1, 1:-1]).mean(axis=(1, 2, 3)).min()) / plain)
    return best


def outside_band(thumbs: np.ndarray, i: int, band: float, half: int) -> tuple[float, float, float]:
    """The change from frame i-1 to i outside its most-changed band of rows (`band` of the rows,
    contiguous), that change as a share of the whole frame's, and the median change of the same rows
    from frame to frame around it (i-half to i+half, leaving out i-1..i+1). Mean absolute BGR
    differences, 0-255. A caption or a subtitle that appears changes one band and leaves the rest as
    it was moving."""
    lo, hi = max(1, i - half), min(thumbs.shape[0] - 1, i + half)
    seg = thumbs[lo - 1:hi + 1].astype(np.int16)
    rows = np.abs(seg[1:] - seg[:-1]).mean(axis=(2, 3))  # (frames lo..hi, rows)
    at = rows[i - lo]
    k = max(1, min(at.shape[0] - 1, int(math.ceil(band * at.shape[0]))))
    j = int(np.argmax(np.convolve(at, np.ones(k), "valid")))
    keep = np.ones(at.shape[0], dtype=bool)
    keep[j:j + k] = False
    around = [rows[x - lo][keep].mean() for x in range(lo, hi + 1) if abs(x - i) > 1]
    rest = float(at[keep].mean())
    return rest, rest / max(float(at.mean()), 1e-6), float(np.median(around)) if around else 0.0


def hist_dist(hist: np.ndarray, i: int, j: int) -> float:
    """Total-variation distance of two colour histograms, 0-1."""
    return float(0.5 * np.abs(hist[i] - hist[j]).sum())


def lag_distance(thumbs: np.ndarray, k: int, chunk: int = 4096) -> np.ndarray:
    """mean |thumb[i] - thumb[i-k]| for i = k..n-1, in chunks to bound the temporary memory."""
    n = thumbs.shape[0]
    out = np.empty(max(0, n - k), dtype=np.float32)
    for s in range(k, n, chunk):
        e = min(n, s + chunk)
        d = np.abs(thumbs[s:e].astype(np.int16) - thumbs[s - k:e - k].astype(np.int16))
        out[s - k:e - k] = d.reshape(e - s, -1).mean(axis=1)
    return out


def hist_lags(hist: np.ndarray) -> np.ndarray:
    """hd[k][i] = histogram distance between frames i and i-k (k = 1..LAGS), NaN where i < k."""
    n = hist.shape[0]
    hd = np.full((LAGS + 1, n), np.nan, dtype=np.float32)
    for k in range(1, LAGS + 1):
        if n > k:
            hd[k, k:] = 0.5 * np.abs(hist[k:] - hist[:-k]).sum(axis=1)
    return hd


def rolling_median(x: np.ndarray, half: int) -> np.ndarray:
    if x.size == 0:
        return x.copy()
    padded = np.pad(x, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    # The same values either way; np.median is ~10x faster than nanmedian's masked-array path.
    return np.nanmedian(windows, axis=1) if np.isnan(x).any() else np.median(windows, axis=1)


def rolling_max(x: np.ndarray, half: int) -> np.ndarray:
    """Max over [i-half, i+half], ignoring NaN (NaN where the whole window is NaN)."""
    if half <= 0 or x.size == 0:
        return x.copy()
    padded = np.pad(x, half, mode="constant", constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with np.errstate(all="ignore"):
        out = np.nanmax(np.where(np.isnan(windows), -np.inf, windows), axis=1)
    return np.where(np.isinf(out), np.nan, out).astype(np.float32)


def brightness(thumbs: np.ndarray) -> np.ndarray:
    """Mean thumbnail value per frame, 0-255."""
    return thumbs.reshape(thumbs.shape[0], -1).mean(axis=1).astype(np.float32)


def edge_correlation(thumbs: np.ndarray, i: int, j: int) -> float:
    """Pearson correlation of two thumbnails' luma gradients (x and y differences), -1..1: 1 when the
    edges line up, whatever the brightness and contrast; two framings or two shots score low."""
    def grads(k: int) -> np.ndarray:
        luma = thumbs[k].astype(np.float32).mean(axis=2)
        g = np.concatenate([np.diff(luma, axis=1).ravel(), np.diff(luma, axis=0).ravel()])
        return g - g.mean()
    a, b = grads(i), grads(j)
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum()) / den if den > 1e-6 else 0.0
