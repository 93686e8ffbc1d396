"""Scene detection: decode small frames with ffmpeg, compute per-frame signals, find cuts, build clips.

Modules: frames (analysis size and ffmpeg arguments), decode (frame sources: ffmpeg pipe or a raw
file), signal (per-frame distances), detector (hard cuts, flashes, gradual transitions),
keyframes (keyframe prior and nearest keyframe), clips (cuts to clips), params (defaults, overrides).
"""

DETECTOR_NAME = "heaters-scenes"
DETECTOR_VERSION = "2.10.0"
