"""Synthetic analysis frames (160x90 BGR) for the detector unit tests (test_scenes_parts.py; no tests
here): smooth random textures, camera moves over them, cuts, crossfades, fades through black,
flashes and strobes. No ffmpeg involved."""
from __future__ import annotations

import cv2
import numpy as np

W, H = 160, 90


def texture(seed: int, w: int = 2 * W, h: int = 2 * H) -> np.ndarray:
    """A smooth, colourful random picture (a stand-in for a photograph)."""
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, size=(max(2, h // 24), max(2, w // 24), 3), dtype=np.uint8)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_CUBIC)
    return cv2.GaussianBlur(img, (0, 0), 3)


def fine_texture(seed: int, w: int, h: int, cell: int = 6) -> np.ndarray:
    """A fine, busy random picture (grass, gravel, leaves): cells of a few pixels, so a fast move
    renders it anew on every frame and even the thumbnail changes as much as at a cut."""
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, size=(h // cell, w // cell, 3), dtype=np.uint8)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_NEAREST)
    return cv2.GaussianBlur(img, (0, 0), 1)


def slide(tex: np.ndarray, x0: float, n: int, speed: float, y: int = 20) -> list[np.ndarray]:
    """n frames cut from tex at whole-pixel offsets x0, x0 + speed, ... (a pan without interpolation)."""
    return [tex[y:y + H, int(x0 + k * speed):int(x0 + k * speed) + W].copy() for k in range(n)]


def pan(tex: np.ndarray, n: int, speed: float = 1.0, y: int = 20) -> list[np.ndarray]:
    """n frames panning across tex, `speed` pixels per frame (sub-pixel by interpolation)."""
    out = []
    for i in range(n):
        x = 10 + i * speed
        m = np.float32([[1, 0, -x], [0, 1, -y]])
        out.append(cv2.warpAffine(tex, m, (W, H), flags=cv2.INTER_LINEAR))
    return out


def zoomed(frame: np.ndarray, scale: float) -> np.ndarray:
    """frame magnified `scale` times about its centre (a zoom in)."""
    h, w = frame.shape[:2]
    cx, cy = (w - 1) / 2, (h - 1) / 2
    return cv2.warpAffine(frame, np.float32([[scale, 0, (1 - scale) * cx], [0, scale, (1 - scale) * cy]]), (w, h),
                          flags=cv2.INTER_LINEAR)


def checker_block(w: int = 64, h: int = 72, cell: int = 8) -> np.ndarray:
    """A black and white checkerboard block (something high-contrast passing the camera)."""
    board = (np.indices((h // cell + 1, w // cell + 1)).sum(axis=0) % 2).astype(np.uint8) * 255
    board = np.kron(board, np.ones((cell, cell), dtype=np.uint8))[:h, :w]
    return cv2.GaussianBlur(np.repeat(board[..., None], 3, axis=2), (0, 0), 1)


def crossing(background: np.ndarray, block: np.ndarray, n: int, speed: float, start: int = 0, y: int = 10) -> list[np.ndarray]:
    """n frames of a still background with `block` crossing it left to right at `speed` pixels per
    frame, entering at the left edge on frame `start` (negative: already inside on frame 0)."""
    out = []
    bh, bw = block.shape[:2]
    for k in range(n):
        f = background.copy()
        x = int(-bw + (k - start) * speed)
        lo, hi = max(0, x), min(background.shape[1], x + bw)
        if hi > lo:
            f[y:y + bh, lo:hi] = block[:, lo - x:hi - x]
        out.append(f)
    return out


def still(tex: np.ndarray, n: int) -> list[np.ndarray]:
    return [tex[20:20 + H, 10:10 + W].copy() for _ in range(n)]


def noisy(frames: list[np.ndarray], sigma: float, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.clip(f + rng.normal(0, sigma, f.shape), 0, 255).astype(np.uint8) for f in frames]


def crossfade(a: list[np.ndarray], b: list[np.ndarray], length: int) -> list[np.ndarray]:
    """The last `length` frames of a blend into the first `length` of b (like ffmpeg's xfade fade)."""
    mixed = []
    for i in range(length):
        t = (i + 1) / (length + 1)
        mixed.append(cv2.addWeighted(a[len(a) - length + i], 1 - t, b[i], t, 0))
    return a[:len(a) - length] + mixed + b[length:]


def fade_through(a: list[np.ndarray], b: list[np.ndarray], length: int, level: int = 0) -> list[np.ndarray]:
    """A to a flat colour and on to B over `length` frames."""
    flat = np.full_like(a[0], level)
    half = length // 2
    out = a[:len(a) - half]
    for i in range(half):
        t = (i + 1) / half
        out.append(cv2.addWeighted(a[len(a) - half + i], 1 - t, flat, t, 0))
    for i in range(length - half):
        t = (i + 1) / (length - half)
        out.append(cv2.addWeighted(flat, 1 - t, b[i], t, 0))
    return out + b[length - half:]


def fade_through_uneven(a: list[np.ndarray], b: list[np.ndarray], out_len: int, flat_len: int, in_len: int,
                        level: int = 0) -> list[np.ndarray]:
    """A fades to a flat colour in out_len frames, stays flat_len, and B fades in over in_len: like
    ffmpeg's xfade fadeblack/fadewhite, which leave A within their first fifth and reach B slowly."""
    flat = np.full_like(a[0], level)
    out = list(a)
    out += [cv2.addWeighted(a[-1], 1 - (i + 1) / out_len, flat, (i + 1) / out_len, 0) for i in range(out_len)]
    out += [flat.copy() for _ in range(flat_len)]
    out += [cv2.addWeighted(flat, 1 - (i + 1) / in_len, b[0], (i + 1) / in_len, 0) for i in range(in_len)]
    return out + list(b)


def flash(frames: list[np.ndarray], start: int, length: int, strobe: bool = False) -> list[np.ndarray]:
    out = [f.copy() for f in frames]
    for i in range(start, start + length):
        if not strobe or (i - start) % 2 == 0:
            out[i] = np.clip(out[i].astype(np.int16) * 2 + 60, 0, 255).astype(np.uint8)
    return out


def signals(frames: list[np.ndarray]):
    from heaters_worker.scenes.signal import SignalExtractor

    ex = SignalExtractor()
    for f in frames:
        ex.push(np.ascontiguousarray(f))
    return ex.finish()
