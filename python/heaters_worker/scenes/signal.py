"""Per-frame signals, computed while frames stream in (Python holds at most LAGS small frames).

The per-frame signals come from a half-size box average of the analysis frame (80x45 at 16:9), a
quarter of its pixels: since 2.5.0, about a third less CPU for this extraction. On the four
development sets it moved one cut, which the merge mend in gradual.py restores (README, Scene
detection).

Kept per frame:
- content[k][i]: colour-space (HSV) mean absolute difference between frames i and i-k, k = 1..LAGS,
  averaged over the three channels: the standard content score (k = 1 is what PySceneDetect's
  ContentDetector uses), with two fixes: hue is circular (179 and 0 are neighbours), and hue is
  ignored on dark or grey pixels, where it is pure noise (noisy dark frames otherwise score like cuts).
  Lags > 1 let the detector tell a flash (the picture comes back) and a fade (the change spreads
  over frames) from a cut.
- hist[i]: a 64-bin joint colour histogram, normalised: nearly blind to motion, sensitive to cuts.
- thumb[i]: a BGR thumbnail an eighth of the analysis frame's sides (20x11 at 16:9, 660 bytes) for long-range comparisons
  (gradual transitions; BGR because blends are linear there): ~70 MB for an hour of 30 fps video.
Kept for the whole video, at the analysis frame's full size: each row's and column's brightest mean
value (HSV V) on any frame (every 8th frame), which is how picture.py finds a film's black bars (letterbox, pillarbox) once all
frames are in.
"""
from __future__ import annotations

import collections
from typing import Optional

import cv2
import numpy as np

PEAK_EVERY = 8  # the row and column peaks are taken on every 8th frame (every frame would cost 1.4-2.1 % of a 720p detection)
LAGS = 6  # content lags kept per frame (the concentration test looks 5 frames wide; flashes use thumbnails)
_HUE_WRAP = np.array([min(d, 180 - d) if d <= 180 else 0 for d in range(256)], dtype=np.uint8)


class Signals:
    def __init__(self, content: np.ndarray, hist: np.ndarray, thumbs: np.ndarray,
                 row_peak: Optional[np.ndarray] = None, col_peak: Optional[np.ndarray] = None):
        self.content = content  # (LAGS+1, N) float32, row k = lag k, NaN where i < k; row 0 unused
        self.hist = hist  # (N, 64) float32, rows sum to 1
        self.thumbs = thumbs  # (N, th, tw, 3) uint8 BGR
        # (H,) and (W,) float32 over the analysis frame: the largest mean value of each row and column
        # on any frame; None where not measured (then the whole frame is the picture)
        self.row_peak = row_peak
        self.col_peak = col_peak

    @property
    def frames(self) -> int:
        return self.hist.shape[0]


class SignalExtractor:
    def __init__(self, hue_min_sv: int = 40, lags: tuple[int, ...] = tuple(range(1, LAGS + 1))) -> None:
        # hue counts only where saturation and value are both at least this (params.hue_min_sv)
        self._hue_min_sv = int(hue_min_sv)
        # the content lags to compute (the detector reads lag 1 and concentration_lag); the others
        # stay NaN. Each costs about as much as the colour conversion.
        self._lags = set(int(k) for k in lags if 1 <= int(k) <= LAGS)
        self._recent: collections.deque[tuple[np.ndarray, np.ndarray]] = collections.deque(maxlen=LAGS)
        self._content: list[list[float]] = [[] for _ in range(LAGS + 1)]
        self._hist: list[np.ndarray] = []
        self._thumbs: list[np.ndarray] = []
        self._row_peak: Optional[np.ndarray] = None
        self._col_peak: Optional[np.ndarray] = None

    def push(self, bgr: np.ndarray) -> None:
        th, tw = max(2, bgr.shape[0] // 8), max(2, bgr.shape[1] // 8)
        # every signal but the bars' peaks reads the half-size box average (see the module docstring)
        half = cv2.resize(bgr, (max(1, bgr.shape[1] // 2), max(1, bgr.shape[0] // 2)),
                          interpolation=cv2.INTER_AREA)
        hue, sat, val = cv2.split(cv2.cvtColor(half, cv2.COLOR_BGR2HSV))
        _, hue_ok = cv2.threshold(cv2.min(sat, val), self._hue_min_sv - 1, 255, cv2.THRESH_BINARY)
        hue = cv2.bitwise_and(hue, hue_ok)
        sv = cv2.merge((sat, val))
        for k in range(1, LAGS + 1):
            if k in self._lags and k <= len(self._recent):
                ph, psv = self._recent[-k]  # frame i-k
                dh = cv2.mean(cv2.LUT(cv2.absdiff(hue, ph), _HUE_WRAP))[0]
                dsv = cv2.mean(cv2.absdiff(sv, psv))
                self._content[k].append((dh + dsv[0] + dsv[1]) / 3.0)
            else:
                self._content[k].append(float("nan"))
        self._recent.append((hue, sv))
        if len(self._hist) % PEAK_EVERY == 0:  # bars never change: a sample of the frames finds them
            # at the analysis frame's full size (a bar's edge row stays exact); HSV V = max(B, G, R)
            b, g, r = cv2.split(bgr)
            full_val = cv2.max(cv2.max(b, g), r)
            rows = cv2.reduce(full_val, 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
            cols = cv2.reduce(full_val, 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
            if self._row_peak is None or self._col_peak is None:
                self._row_peak, self._col_peak = rows, cols
            else:
                np.maximum(self._row_peak, rows, out=self._row_peak)
                np.maximum(self._col_peak, cols, out=self._col_peak)
        # counts now, normalised once in finish()
        self._hist.append(cv2.calcHist([half], [0, 1, 2], None, [4, 4, 4], [0, 256, 0, 256, 0, 256]).ravel())
        self._thumbs.append(cv2.resize(half, (tw, th), interpolation=cv2.INTER_AREA))

    @property
    def frames(self) -> int:
        return len(self._hist)

    def finish(self) -> Signals:
        n = len(self._hist)
        content = np.full((LAGS + 1, n), np.nan, dtype=np.float32)
        for k in range(1, LAGS + 1):
            content[k, :] = self._content[k]
        if n:
            hist = np.stack(self._hist)
            hist /= np.maximum(np.float32(1.0), hist.sum(axis=1, keepdims=True))
        else:
            hist = np.zeros((0, 64), np.float32)
        thumbs = np.stack(self._thumbs) if n else np.zeros((0, 2, 2, 3), np.uint8)
        return Signals(content, hist, thumbs, self._row_peak, self._col_peak)
