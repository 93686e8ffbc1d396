// The detector's analysis frames as an extra output of the preprocess encode: the encode decodes
// the source anyway, so writing 160-px raw frames from that same decode makes scene detection cost
// no second decode. Mirrors python/heaters_worker/scenes/frames.py exactly (size, scale flags,
// pixel format), so both paths give the detector byte-identical frames (tested).

/** Long side of an analysis frame, in pixels. */
export const ANALYSIS_LONG_SIDE = 160;
/** Raw pixel format of the analysis frames (3 bytes per pixel). */
export const ANALYSIS_PIX_FMT = 'bgr24';

/** Scale so the long side is ANALYSIS_LONG_SIDE (never upscale); both sides even, at least 2. */
export function analysisSize(width: number, height: number): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new RangeError('width and height must be positive');
  const scale = Math.min(1, ANALYSIS_LONG_SIDE / Math.max(width, height));
  const even = (v: number) => Math.max(2, Math.floor((v * scale) / 2 + 0.5) * 2);
  return { width: even(width), height: even(height) };
}

/**
 * ffmpeg OUTPUT arguments (destination included) to append to the preprocess encode, plus the
 * frame size to pass to detect_scenes as frame_width/frame_height along with frames_path.
 * ffmpeg rotates the decoded picture upright (display matrix) before the output's filters, so the
 * analysis frames are sized from the displayed picture: a 90/270 rotation swaps width and height
 * (the decode path sees the upright proxy; both paths then get the same frames).
 */
export function analysisOutput(
  probe: { width: number; height: number; rotation?: number },
  framesPath: string,
): { args: string[]; width: number; height: number } {
  const swap = probe.rotation === 90 || probe.rotation === 270;
  const { width, height } = analysisSize(swap ? probe.height : probe.width, swap ? probe.width : probe.height);
  return {
    args: [
      '-map', '0:v:0', '-an', '-sn', '-dn',
      '-vf', `scale=${width}:${height}:flags=area,format=${ANALYSIS_PIX_FMT}`,
      // One output frame per decoded frame (rawvideo would otherwise get CFR duplication/drops).
      '-fps_mode', 'passthrough',
      '-f', 'rawvideo', framesPath,
    ],
    width,
    height,
  };
}
