"""Frame sources for the analysis: an ffmpeg pipe (decode path) or a raw file (encode path).

Both yield HxWx3 uint8 BGR frames in decode order. Every failure becomes an OpError with code
`unreadable_input`; a watchdog kills ffmpeg if it stops producing output, so a corrupt or
pathological file can never hang the worker.
"""
from __future__ import annotations

import collections
import os
import subprocess
import threading
import time
from typing import Iterator, Optional

import numpy as np

from ..errors import OpError
from .frames import analysis_size, frame_bytes, output_args


def probe_size(path: str) -> Optional[tuple[int, int]]:
    """Source width/height via OpenCV's demuxer (~20 ms, no extra process). None if it cannot tell;
    ffmpeg is then the judge of whether the file is readable."""
    import cv2

    cap = cv2.VideoCapture(path)
    try:
        if not cap.isOpened():
            return None
        w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        return (w, h) if w > 0 and h > 0 else None
    finally:
        cap.release()


def decode_command(ffmpeg: str, path: str, width: int, height: int, fast: bool) -> list[str]:
    # skip_loop_filter: the deblocking filter only smooths block edges; after a box downscale to
    # 160 px its effect on the signal is noise-level (same cuts on the whole test set) and it saves
    # ~10% of H.264 decode time. Only applies to the decode path (see the README (Scene detection)).
    shortcuts = ["-skip_loop_filter", "all"] if fast else []
    return [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", *shortcuts, "-i", path,
            *output_args(width, height), "pipe:1"]


class FfmpegFrames:
    """Iterate analysis frames decoded by ffmpeg. Use as a context manager (kills ffmpeg on exit)."""

    def __init__(self, ffmpeg: str, path: str, width: int, height: int, *, fast: bool = True,
                 stall_timeout_s: float = 60.0, total_timeout_s: Optional[float] = None):
        if not os.path.exists(path):
            raise OpError("unreadable_input", f"input not found: {path}")
        self.width, self.height = width, height
        self._frame_bytes = frame_bytes(width, height)
        self._stall_timeout_s = stall_timeout_s
        self._total_timeout_s = total_timeout_s
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=12)
        self._last_data = time.monotonic()
        self._started = self._last_data
        self._killed_reason: Optional[str] = None
        self._done = threading.Event()
        try:
            self._proc = subprocess.Popen(
                decode_command(ffmpeg, path, width, height, fast),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
            )
        except OSError as e:
            raise OpError("unreadable_input", f"cannot start ffmpeg ({ffmpeg}): {e.strerror}") from None
        self._threads = [
            threading.Thread(target=self._drain_stderr, daemon=True),
            threading.Thread(target=self._watchdog, daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for raw in self._proc.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self._stderr_tail.append(line[:500])

    def _watchdog(self) -> None:
        while not self._done.wait(0.25):
            now = time.monotonic()
            if now - self._last_data > self._stall_timeout_s:
                self._killed_reason = f"ffmpeg produced no frame for {self._stall_timeout_s:g} s"
            elif self._total_timeout_s is not None and now - self._started > self._total_timeout_s:
                self._killed_reason = f"decode exceeded {self._total_timeout_s:g} s"
            if self._killed_reason:
                self._proc.kill()
                return

    def __iter__(self) -> Iterator[np.ndarray]:
        out = self._proc.stdout
        assert out is not None
        fb, shape = self._frame_bytes, (self.height, self.width, 3)
        count = 0
        while True:
            frame = np.empty(fb, dtype=np.uint8)
            view = memoryview(frame)
            got = 0
            while got < fb:
                n = out.readinto(view[got:])
                if not n:
                    break
                got += n
            if got < fb:
                break  # EOF (a trailing partial frame means ffmpeg died mid-write; judged below)
            self._last_data = time.monotonic()
            count += 1
            yield frame.reshape(shape)
        rc = self._proc.wait()
        self._done.set()
        for t in self._threads:
            t.join(timeout=2)
        if self._killed_reason:
            raise OpError("unreadable_input", f"{self._killed_reason}; killed")
        if rc != 0:
            tail = " | ".join(self._stderr_tail) or "no message"
            raise OpError("unreadable_input", f"ffmpeg exited with code {rc}: {tail}"[:1000])
        if count == 0:
            raise OpError("unreadable_input", "no video frames decoded")

    @property
    def stderr_tail(self) -> list[str]:
        return list(self._stderr_tail)

    def close(self) -> None:
        self._done.set()
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> "FfmpegFrames":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RawFileFrames:
    """Analysis frames written by the preprocess encode (see src/scenes/analysis.ts)."""

    def __init__(self, path: str, width: int, height: int):
        self.width, self.height = width, height
        self._frame_bytes = frame_bytes(width, height)
        try:
            size = os.path.getsize(path)
        except OSError as e:
            raise OpError("unreadable_input", f"cannot read analysis frames {path}: {e.strerror}") from None
        if size == 0 or size % self._frame_bytes:
            raise OpError("unreadable_input",
                          f"analysis frames file has {size} bytes, not a multiple of {width}x{height}x3")
        self._file = open(path, "rb", buffering=1 << 20)

    def __iter__(self) -> Iterator[np.ndarray]:
        fb, shape = self._frame_bytes, (self.height, self.width, 3)
        while True:
            frame = np.empty(fb, dtype=np.uint8)
            if self._file.readinto(memoryview(frame)) < fb:
                return
            yield frame.reshape(shape)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "RawFileFrames":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def decode_size(path: str, frame_width: Optional[int], frame_height: Optional[int]) -> tuple[int, int]:
    """The analysis size for the decode path: given explicitly, or derived from the source size."""
    if frame_width and frame_height:
        return frame_width, frame_height
    # Only probe regular files: opening a pipe or a device could block outside the watchdog.
    size = probe_size(path) if os.path.isfile(path) else None
    return analysis_size(*size) if size else analysis_size(16, 9)
