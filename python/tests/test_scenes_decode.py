"""The decode path's frame source (scenes/decode.py) on a real ffmpeg: every frame arrives
once, at the size asked for; a file ffmpeg cannot read, or one that is missing,
becomes a typed error (the TypeScript suite covers the watchdog on a stalled input)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from heaters_worker.errors import OpError  # noqa: E402
from heaters_worker.scenes.decode import FfmpegFrames, decode_size  # noqa: E402

FFMPEG = os.environ.get("FFMPEG_PATH") or shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed")


def _clip(path: str, frames: int) -> None:
    assert FFMPEG is not None
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=320x180:rate=30:duration={frames / 30}", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", path], check=True)


@needs_ffmpeg
def test_every_frame_arrives_whole_and_once(tmp_path):
    path = str(tmp_path / "clip.mp4")
    _clip(path, 45)
    assert FFMPEG is not None
    assert decode_size(path, None, None) == (160, 90)  # probed: 320x180 scales to 160x90
    with FfmpegFrames(FFMPEG, path, 160, 90) as source:
        frames = [f.copy() for f in source]
    assert len(frames) == 45
    assert all(f.shape == (90, 160, 3) for f in frames)
    # testsrc2 moves: consecutive frames differ, so no frame was handed out twice.
    assert all((a != b).any() for a, b in zip(frames, frames[1:]))


@needs_ffmpeg
def test_an_unreadable_file_is_a_typed_error(tmp_path):
    path = tmp_path / "junk.mp4"
    path.write_bytes(b"not a video" * 100)
    assert FFMPEG is not None
    with pytest.raises(OpError) as e:
        with FfmpegFrames(FFMPEG, str(path), 160, 90) as source:
            list(source)
    assert e.value.code == "unreadable_input"


def test_a_missing_file_is_a_typed_error(tmp_path):
    with pytest.raises(OpError) as e:
        FfmpegFrames(FFMPEG or "ffmpeg", str(tmp_path / "nowhere.mp4"), 160, 90)
    assert e.value.code == "unreadable_input"


@needs_ffmpeg
def test_the_overlap_tool_times_the_detectors_own_decode(tmp_path, capsys, monkeypatch):
    """python/tools/decode_overlap.py runs its baseline as the detector's decode command with only
    the output swapped for -f null (it stops if that command's output changes shape) and prints one
    line of ratios per file."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
    import decode_overlap  # noqa: E402

    path = str(tmp_path / "clip.mp4")
    _clip(path, 30)
    assert FFMPEG is not None
    monkeypatch.setattr(decode_overlap, "FFMPEG", FFMPEG)
    monkeypatch.setattr(sys, "argv", ["decode_overlap.py", path, "--rounds", "1", "--work-us", "50"])
    assert decode_overlap.main() == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("clip.mp4: decode ")
    for part in ("read ", "during 50 ", "after 50 ", "detector ", "us/frame"):
        assert part in line
