"""Developer tool: what Python work costs in wall time during the decode and after it.

The detector reads frames from an ffmpeg pipe and extracts signals per frame while ffmpeg decodes
(decode.py, signal.py); the decision pass (detector.detect) runs once every frame is in. To know
where speeding up the detector pays, this tool times, per file and side by side (the machine is
noisy: every variant runs once per round, the median of the rounds is reported as a ratio to the
like-for-like decode):

- `decode`: the detector's own ffmpeg command with `-f null` instead of the pipe (the bench's
  baseline, scripts/bench-scenes.ts);
- `read`: the detector's frame source (FfmpegFrames), frames read and dropped;
- `during N`: the same, with N us of pure-Python busy work after each frame (Python holding the CPU
  while ffmpeg decodes);
- `after N`: the same work, N us per frame, done once the decode has ended;
- `detector`: signals per frame and the real decision pass (what detect_scenes does), and, for
  reference, the decision pass's own CPU time per frame.

    PYTHONPATH=python python3 python/tools/decode_overlap.py .cache/scenes/devformat-1280x720-30-*/fm_*.mp4 \
        [--rounds 11] [--work-us 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

from heaters_worker.scenes.decode import FfmpegFrames, decode_command, decode_size
from heaters_worker.scenes.detector import detect
from heaters_worker.scenes.params import DEFAULTS, content_lags
from heaters_worker.scenes.signal import SignalExtractor

FFMPEG = os.environ.get("FFMPEG_PATH", "ffmpeg")


def busy(us: float) -> None:
    end = time.perf_counter() + us * 1e-6
    while time.perf_counter() < end:
        pass


def like_decode(path: str, w: int, h: int) -> float:
    cmd = decode_command(FFMPEG, path, w, h, True)
    assert cmd[-3:] == ["-f", "rawvideo", "pipe:1"]
    t = time.monotonic()
    subprocess.run([*cmd[:-3], "-f", "null", "-"], check=True)
    return time.monotonic() - t


def read(path: str, w: int, h: int, during: float = 0.0, after: float = 0.0) -> float:
    t, n = time.monotonic(), 0
    with FfmpegFrames(FFMPEG, path, w, h) as frames:
        for _ in frames:
            n += 1
            if during:
                busy(during)
    if after:
        busy(after * n)
    return time.monotonic() - t


def detector(path: str, w: int, h: int, decision: list[float]) -> float:
    t = time.monotonic()
    ext = SignalExtractor(int(DEFAULTS["hue_min_sv"]), content_lags(DEFAULTS))
    with FfmpegFrames(FFMPEG, path, w, h) as frames:
        for frame in frames:
            ext.push(frame)
    sig = ext.finish()
    c0 = time.process_time()
    detect(sig, DEFAULTS, set())
    decision.append(1e6 * (time.process_time() - c0) / max(1, sig.frames))
    return time.monotonic() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("videos", nargs="+")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--work-us", type=float, default=300.0, help="busy work per frame, during and after")
    a = ap.parse_args()
    us = a.work_us
    for path in a.videos:
        w, h = decode_size(path, None, None)
        decision: list[float] = []
        variants = {
            "decode": lambda: like_decode(path, w, h),
            "read": lambda: read(path, w, h),
            f"during {us:g}": lambda: read(path, w, h, during=us),
            f"after {us:g}": lambda: read(path, w, h, after=us),
            "detector": lambda: detector(path, w, h, decision),
        }
        times: dict[str, list[float]] = {k: [] for k in variants}
        for _ in range(a.rounds):
            for k, fn in variants.items():
                times[k].append(fn())
        med = {k: statistics.median(v) for k, v in times.items()}
        base = med["decode"]
        cells = " ".join(f"{k} {v / base:.3f}" for k, v in med.items() if k != "decode")
        print(f"{os.path.basename(path)}: decode {base:.3f} s; {cells}; decision pass "
              f"{statistics.median(decision):.0f} us/frame", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
