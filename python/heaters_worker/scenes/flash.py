"""Flash and strobe suppression: a jump that is the start or the end of a short excursion is no cut.

A flash (or a strobe, or a burst of over-exposed frames) of up to max_flash frames sits between two
frames a < b that belong to the same shot. Either the picture comes back (a and b look alike: their
distance is a small share of the spike), or, when the picture moves under the flash and so never
comes back, a and b differ only as much as the shot itself changes over the same span just outside,
and the frames between are brighter than both ends. A real cut leaves a and b different, or (in a
fast pan) is no brightening excursion. Thumbnails and histograms are kept for every frame, so any
span up to max_flash + 1 can be checked.

A cutaway (an insert of another shot that returns to the take, as short as a flash) passes those
tests too: the take comes back. What tells it from light on the take is the frames between: a flash
keeps the take's edges (a brighter copy), washes them out (a white or over-exposed frame) or lifts
the picture a lot; an insert shows a picture of its own, edges unrelated to both ends, hardly
brighter, in colours of its own (cutaway_edges, cutaway_lift, cutaway_std, cutaway_hist).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .distance import edge_correlation, hist_dist, thumb_dist


class FlashChecker:
    def __init__(self, thumbs: np.ndarray, hist: np.ndarray, luma: np.ndarray, p: dict[str, Any]):
        self.thumbs, self.hist, self.luma = thumbs, hist, luma
        self.n = thumbs.shape[0]
        self.max_flash = int(p["max_flash"])
        self.ret = float(p["flash_return"])
        self.motion = float(p["flash_motion"])
        self.min_luma = float(p["flash_luma"])
        self.hist_lift = float(p["flash_hist_lift"])
        self.cut_edges, self.cut_lift = float(p["cutaway_edges"]), float(p["cutaway_lift"])
        self.cut_std, self.cut_hist = float(p["cutaway_std"]), float(p["cutaway_hist"])
        self.cut_len = int(p["min_scene_len"])
        # frame-to-frame distances, computed once
        t = thumbs.astype(np.int16)
        self.t1 = np.zeros(self.n, dtype=np.float32)
        self.h1 = np.zeros(self.n, dtype=np.float32)
        if self.n > 1:
            self.t1[1:] = np.abs(t[1:] - t[:-1]).reshape(self.n - 1, -1).mean(axis=1)
            self.h1[1:] = 0.5 * np.abs(hist[1:] - hist[:-1]).sum(axis=1)
        # The same as Python floats: excursion() reads them one at a time, up to 66 per candidate.
        self._t1, self._h1, self._luma = self.t1.tolist(), self.h1.tolist(), luma.tolist()

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

    def is_cutaway(self, a: int, b: int) -> bool:
        """The frames between a and b are another shot, not light on this one: at least min_scene_len
        of them, each shows a picture, and (medians over them) they are hardly brighter, their edges
        line up with neither end's and their colours are neither end's (a whip pan away from the
        take and back keeps its colours)."""
        if self.cut_edges <= -1 or b - a - 1 < max(2, self.cut_len):
            return False
        mids = range(a + 1, b)
        if float(np.median([min(hist_dist(self.hist, a, m), hist_dist(self.hist, b, m)) for m in mids])) < self.cut_hist:
            return False
        if min(float(self.thumbs[m].std()) for m in mids) <= self.cut_std:
            return False
        lift = float(np.median([self._luma[m] for m in mids])) - max(self._luma[a], self._luma[b])
        if lift >= self.cut_lift:
            return False
        edges = np.median([max(edge_correlation(self.thumbs, a, m), edge_correlation(self.thumbs, b, m)) for m in mids])
        return bool(edges <= self.cut_edges)

    def _from(self, a: int, lo: int, hi: int) -> tuple[list[float], list[float]]:
        """thumb_dist(a, b) and hist_dist(a, b) for b in lo..hi-1, as Python floats."""
        t = self.thumbs
        d = np.abs(t[lo:hi].astype(np.int16) - t[a].astype(np.int16)).reshape(hi - lo, -1).sum(axis=1)
        h = 0.5 * np.abs(self.hist[lo:hi] - self.hist[a]).sum(axis=1)
        return (d / t[a].size).tolist(), h.tolist()

    def excursion(self, i: int) -> Optional[tuple[int, int]]:
        """(a, b) when the jump at i starts or ends a flash between a and b, else None (a cutaway
        between a and b is no flash)."""
        t1, h1, luma = self._t1, self._h1, self._luma
        for a in range(i - 1, max(-1, i - 2 - self.max_flash), -1):
            # The spikes over a+1..b and the brightest frame over a+1..b-1, kept as b grows.
            spike_t = spike_h = peak = float("-inf")
            first, end = max(i, a + 2), min(self.n, a + self.max_flash + 2)  # b in first..end-1
            if end <= first:
                continue
            # Both ends' distances for every b at once (thumb_dist and hist_dist, the same values)
            ret_all, hist_all = self._from(a, first, end)
            for b in range(a + 1, end):
                if b - a >= 2:
                    peak = max(peak, luma[b - 1])
                spike_t, spike_h = max(spike_t, t1[b]), max(spike_h, h1[b])
                if b < first:
                    continue
                ret_t = ret_all[b - first]
                lift = peak - max(luma[a], luma[b])
                returned = (ret_t <= self.ret * spike_t
                            or (hist_all[b - first] <= self.ret * spike_h and lift >= self.hist_lift)
                            or (self.min_luma > 0 and lift >= self.min_luma
                                and ret_t <= self.motion * self._own_change(a, b)))
                if returned and not self.is_cutaway(a, b):
                    return a, b
        return None
