"""The analysis frame format, shared by the decode path and the preprocess encode path.

Both paths must produce byte-identical frames for the same decoded picture, so the scale filter,
its flags and the pixel format are defined once here (and mirrored in src/scenes/analysis.ts).
"""
import math

# Long side of the analysis frame. Cuts, fades and flashes are global changes: 160 px keeps them
# while averaging away most noise, and keeps Python's per-frame cost far below the decoder's.
LONG_SIDE = 160
PIX_FMT = "bgr24"
CHANNELS = 3


def analysis_size(width: int, height: int) -> tuple[int, int]:
    """Scale so the long side is LONG_SIDE (never upscale), both sides even and at least 2."""
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be positive")
    scale = min(1.0, LONG_SIDE / max(width, height))

    def even(v: float) -> int:
        # floor(x + 0.5), not round(): Python rounds half to even, the TypeScript mirror does not.
        return max(2, int(math.floor(v * scale / 2.0 + 0.5)) * 2)

    return even(width), even(height)


def output_args(width: int, height: int) -> list[str]:
    """ffmpeg OUTPUT options producing analysis frames (the caller appends the destination)."""
    return [
        "-map", "0:v:0", "-an", "-sn", "-dn",
        # area = box filter: every source pixel counts once, so noise averages out, deterministic.
        "-vf", f"scale={width}:{height}:flags=area,format={PIX_FMT}",
        # one output frame per decoded frame: no CFR duplication or dropping.
        "-fps_mode", "passthrough",
        "-f", "rawvideo",
    ]


def frame_bytes(width: int, height: int) -> int:
    return width * height * CHANNELS
