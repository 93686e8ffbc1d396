"""The active picture: a film letterboxed (bars above and below) or pillarboxed (bars at the sides)
inside the coded frame, and the signals restricted to it.

Black bars never change, so over the whole frame they dilute every change by their share of it (a
2.39:1 film in 16:9 leaves 74 % of the frame to the picture, a 4:3 one 75 %), and their borders are
edges that line up across every cut (two framings of one photograph then look like the same picture
re-exposed). Once all frames are in, the rows and columns at the frame's edges that were never
brighter than bar_value on average, on any frame, are bars, and the detector works on the rest:
- content scores are divided by the picture's share of the frame (the bars' pixels differ by 0);
- histograms lose the bars' pixels from their darkest bin (bars are black) and are renormalised;
- thumbnails keep only the rows and columns that lie wholly inside the picture.
A logo in a bar is a small part of its row and does not make the row a picture row; a subtitle set in
the bottom bar is wide enough to, and then the bar from that subtitle up counts as picture.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .signal import Signals


class Picture(NamedTuple):
    """The picture's rows [top, bottom) and columns [left, right) in the analysis frame."""
    top: int
    bottom: int
    left: int
    right: int
    height: int
    width: int

    @property
    def share(self) -> float:
        return (self.bottom - self.top) * (self.right - self.left) / max(1, self.height * self.width)


def _span(peak: np.ndarray, dark: float) -> tuple[int, int]:
    lit = np.flatnonzero(peak > dark)
    return (int(lit[0]), int(lit[-1]) + 1) if lit.size else (0, peak.shape[0])


def find_picture(sig: Signals, p: dict[str, Any]) -> Picture | None:
    """The picture inside the bars, or None when there are none (or the picture would be under
    bar_min_picture of the frame: a mostly black video is not a film in bars)."""
    if sig.row_peak is None or sig.col_peak is None or sig.frames == 0:
        return None
    h, w = sig.row_peak.shape[0], sig.col_peak.shape[0]
    top, bottom = _span(sig.row_peak, float(p["bar_value"]))
    left, right = _span(sig.col_peak, float(p["bar_value"]))
    pic = Picture(top, bottom, left, right, h, w)
    if pic.share >= 1.0 or pic.share < float(p["bar_min_picture"]):
        return None
    return pic


def _inside(lo: int, hi: int, full: int, cells: int) -> slice:
    """The thumbnail cells (of `cells` over `full` analysis pixels) that lie wholly in [lo, hi)."""
    size = full / cells
    first = int(np.ceil(lo / size - 1e-9))
    last = int(np.floor(hi / size + 1e-9))  # exclusive
    if last - first < 2:  # keep at least two cells: the measures need a picture to compare
        mid = (lo + hi) / 2 / size
        first, last = max(0, int(mid) - 1), min(cells, int(mid) + 1)
    return slice(first, last)


def restrict(sig: Signals, pic: Picture) -> Signals:
    """The signals of the picture alone (see the module's docstring)."""
    share = pic.share
    content = sig.content / np.float32(share)
    hist = sig.hist.copy()
    hist[:, 0] = np.maximum(0.0, hist[:, 0] - np.float32(1.0 - share))
    hist /= np.maximum(hist.sum(axis=1, keepdims=True), np.float32(1e-6))
    th, tw = sig.thumbs.shape[1], sig.thumbs.shape[2]
    rows = _inside(pic.top, pic.bottom, pic.height, th)
    cols = _inside(pic.left, pic.right, pic.width, tw)
    thumbs = np.ascontiguousarray(sig.thumbs[:, rows, cols])
    return Signals(content, hist.astype(np.float32), thumbs, sig.row_peak, sig.col_peak)


def active_picture(sig: Signals, p: dict[str, Any]) -> Signals:
    """The signals restricted to the picture inside black bars; the same signals when there are none."""
    pic = find_picture(sig, p)
    return restrict(sig, pic) if pic is not None else sig
