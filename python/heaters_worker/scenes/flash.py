"""Flash and strobe suppression: a jump that is the start or the end of a short excursion is no cut.

A flash (or a strobe, or a burst of over-exposed frames) of up to max_flash frames sits between two
frames a < b that belong to the same shot. Either the picture comes back (a and b look alike: their
distance is a small share of the spike), or, when the picture moves under the flash and so never
comes back, a and b differ only as much as the shot itself changes over the same span just outside,
and the frames between are brighter than both ends. A real cut leaves a and b different, or (in a
fast pan) is no brightening excursion. Thumbnails and histograms are kept for every frame, so any
span up to max_flash + 1 can be checked.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .distance import hist_dist, thumb_dist


class FlashChecker:
    def __init__(self, thumbs: np.ndarray, hist: np.ndarray, luma: np.ndarray, p: dict[str, Any]):
        self.thumbs, self.hist, self.luma = thumbs, hist, luma
        self.n = thumbs.shape[0]
        self.max_flash = int(p["max_flash"])
        self.ret = float(p["flash_return"])
        self.motion = float(p["flash_motion"])
        self.min_luma = float(p["flash_luma"])
        self.hist_lift = float(p["flash_hist_lift"])
        # frame-to-frame distances, computed once
        t = thumbs.astype(np.int16)
        self.t1 = np.zeros(self.n, dtype=np.float32)
        self.h1 = np.zeros(self.n, dtype=np.float32)
        if self.n > 1:
            self.t1[1:] = np.abs(t[1:] - t[:-1]).reshape(self.n - 1, -1).mean(axis=1)
            self.h1[1:] = 0.5 * np.abs(hist[1:] - hist[:-1]).sum(axis=1)

    def _own_change(self, a: int, b: int) -> float:
        """How much the shot changes by itself over b - a frames, just before a or just after b (the
        calmer side: the other may hold a cut)."""
        lag = b - a
        sides = []
        if a - lag >= 0:
            sides.append(thumb_dist(self.thumbs, a - lag, a))
        if b + lag < self.n:
            sides.append(thumb_dist(self.thumbs, b, b + lag))
        return min(sides) if sides else 0.0

    def excursion(self, i: int) -> Optional[tuple[int, int]]:
        """(a, b) when the jump at i starts or ends a flash between a and b, else None."""
        for a in range(i - 1, max(-1, i - 2 - self.max_flash), -1):
            for b in range(i, min(self.n, a + self.max_flash + 2)):
                if b - a < 2:
                    continue
                spike_t = float(self.t1[a + 1:b + 1].max())
                spike_h = float(self.h1[a + 1:b + 1].max())
                ret_t = thumb_dist(self.thumbs, a, b)
                if ret_t <= self.ret * spike_t:
                    return a, b
                lift = float(self.luma[a + 1:b].max()) - max(float(self.luma[a]), float(self.luma[b]))
                if hist_dist(self.hist, a, b) <= self.ret * spike_h and lift >= self.hist_lift:
                    return a, b
                if self.min_luma > 0 and lift >= self.min_luma and ret_t <= self.motion * self._own_change(a, b):
                    return a, b
        return None
