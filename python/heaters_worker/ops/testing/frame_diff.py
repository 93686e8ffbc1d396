"""frame_diff (test/bench only): a small, realistic CPU op.

Decodes up to args.seconds (default 3) of the clip at args.path with cv2.VideoCapture, converts each
frame to grayscale and returns the mean absolute difference between consecutive frames.
"""
from typing import Any

import cv2
import numpy as np

from ...errors import OpError

NAME = "frame_diff"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    path = args.get("path")
    if not isinstance(path, str) or not path:
        raise OpError("bad_request", "args.path must be a non-empty string")
    seconds = float(args.get("seconds", 3))
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise OpError("open_failed", f"cannot open video: {path}")
    try:
        fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
        max_frames = max(1, int(round(fps * seconds)))
        prev = None
        diffs: list[float] = []
        frames = 0
        while frames < max_frames:
            ok, frame = cap.read()
            if not ok:
                break
            frames += 1
            gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            if prev is not None:
                diffs.append(float(cv2.absdiff(gray, prev).mean()))
            prev = gray
    finally:
        cap.release()
    if frames == 0:
        raise OpError("no_frames", f"no decodable frames in {path}")
    return {
        "frames": frames,
        "fps": fps,
        "score": float(np.mean(diffs)) if diffs else 0.0,
        "max": float(np.max(diffs)) if diffs else 0.0,
    }
