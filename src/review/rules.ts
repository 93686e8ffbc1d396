// The rules a cut must follow, as pure functions: a cut lies inside the video, on a frame, and leaves
// segments of at least MIN_CLIP_FRAMES frames. Refusals say why (ReviewError).
import { ReviewError } from './errors.ts';

/** Shortest clip a split may leave (and re-detection may create next to a reviewer's cut). Same as the detector's min_scene_len. */
export const MIN_CLIP_FRAMES = 8;
/** How long a claimed clip stays the reviewer's without a renewal. */
export const DEFAULT_LEASE_SECONDS = 120;
export const MAX_LEASE_SECONDS = 3600;

/** Check a split of [start, end) at `frame` in a video of `frameCount` frames. */
export function checkSplit(clip: { id: string; startFrame: number; endFrame: number }, frame: number, frameCount: number, minFrames = MIN_CLIP_FRAMES): void {
  if (!Number.isInteger(frame)) throw new ReviewError('not_on_frame', `a cut must be on a frame: ${frame} is not a whole frame number`, { frame });
  if (frame <= 0 || frame >= frameCount)
    throw new ReviewError('outside_video', `frame ${frame} is outside the video (a cut lies in 1..${frameCount - 1})`, { frame, frameCount });
  if (frame <= clip.startFrame || frame >= clip.endFrame)
    throw new ReviewError('outside_clip', `frame ${frame} is not inside clip ${clip.id} (frames ${clip.startFrame}-${clip.endFrame}, end exclusive)`, {
      frame,
      startFrame: clip.startFrame,
      endFrame: clip.endFrame,
    });
  const left = frame - clip.startFrame;
  const right = clip.endFrame - frame;
  if (left < minFrames || right < minFrames)
    throw new ReviewError('too_short', `a split at ${frame} leaves ${Math.min(left, right)} frames; the minimum clip is ${minFrames} frames`, {
      frame,
      left,
      right,
      minFrames,
    });
}

/** The largest keyframe time at or before `t` (null if none). */
export function keyframeAtOrBefore(keyframes: readonly number[] | null | undefined, t: number): number | null {
  let best: number | null = null;
  for (const k of keyframes ?? []) if (k <= t + 1e-6 && (best === null || k > best)) best = k;
  return best;
}
