// zod mirror of the Python op detect_scenes (python/heaters_worker/ops/detect_scenes.py).
import { z } from 'zod';

/** Per-ingest overrides of the detector's defaults (see the README (Scene detection)); unknown keys are rejected by Python. */
export const DetectParams = z
  .object({
    window: z.number().int().positive(),
    content_min: z.number().nonnegative(),
    content_ratio: z.number().nonnegative(),
    hist_min: z.number().nonnegative(),
    hist_ratio: z.number().nonnegative(),
    hist_content_min: z.number().nonnegative(),
    concentration: z.number().nonnegative(),
    max_flash: z.number().int().min(0).max(5),
    flash_return: z.number().nonnegative(),
    gradual: z.boolean(),
    gradual_lags: z.array(z.number().int().min(4).max(512)).min(1),
    gradual_min: z.number().nonnegative(),
    gradual_ratio: z.number().nonnegative(),
    gradual_hist_ratio: z.number().nonnegative(),
    gradual_hist_min: z.number().nonnegative(),
    gradual_mix: z.number().nonnegative(),
    gradual_steady: z.number().nonnegative(),
    keyframe_boost: z.number().nonnegative(),
    min_scene_len: z.number().int().nonnegative(),
    fast_decode: z.boolean(),
    stall_timeout_s: z.number().positive(),
  })
  .partial()
  .strict();
export type DetectParams = z.infer<typeof DetectParams>;

export const DetectScenesArgs = z.object({
  /** The local proxy (H.264 MP4). */
  path: z.string().min(1),
  fps: z.number().positive(),
  /** From the probe; used for progress percent and to reject a truncated decode (< 90%). */
  frame_count: z.number().int().positive().optional(),
  /** Keyframe (IDR) times in seconds, from the preprocess stage. */
  keyframe_times: z.array(z.number().nonnegative()).optional(),
  params: DetectParams.optional(),
  /** Raw analysis frames written by the preprocess encode (see analysis.ts); decoded from path if absent or missing. */
  frames_path: z.string().min(1).optional(),
  frame_width: z.number().int().positive().optional(),
  frame_height: z.number().int().positive().optional(),
  /** ffmpeg binary. Default "ffmpeg". */
  ffmpeg: z.string().min(1).optional(),
});
export type DetectScenesArgs = z.infer<typeof DetectScenesArgs>;

export const SceneCut = z.object({
  /** Hard: first frame of the new shot. Gradual: middle frame of the transition. */
  frame: z.number().int().nonnegative(),
  time: z.number().nonnegative(),
  /** Content distance across the cut, 0-255 (HSV for hard cuts, BGR thumbnails for gradual ones). */
  score: z.number().nonnegative(),
  kind: z.enum(['hard', 'gradual']),
});
export type SceneCut = z.infer<typeof SceneCut>;

/** A clip spans [start_frame, end_frame) and [start_time, end_time): END IS EXCLUSIVE. */
export const SceneClip = z.object({
  index: z.number().int().nonnegative(),
  start_frame: z.number().int().nonnegative(),
  /** Exclusive: the next clip's start_frame (the frame count for the last clip). */
  end_frame: z.number().int().positive(),
  start_time: z.number().nonnegative(),
  /** Exclusive, = end_frame / fps. */
  end_time: z.number().positive(),
  /** Latest keyframe at or before start_time (0 when no keyframe list was given): stream-copy seek point. */
  keyframe_time: z.number().nonnegative(),
});
export type SceneClip = z.infer<typeof SceneClip>;

export const DetectScenesResult = z.object({
  /** Name, version and the full resolved parameters: enough to re-run and compare. */
  detector: z.object({ name: z.string(), version: z.string(), params: z.record(z.string(), z.unknown()) }),
  fps: z.number().positive(),
  frame_count: z.number().int().positive(),
  cuts: z.array(SceneCut),
  /** Consecutive, covering [0, frame_count). */
  clips: z.array(SceneClip).min(1),
  stats: z.object({
    decode_s: z.number().nonnegative(),
    analyse_s: z.number().nonnegative(),
    frames: z.number().int().nonnegative(),
    /** "decode" (ffmpeg on path) or "frames_file" (the preprocess encode's frames). */
    source: z.enum(['decode', 'frames_file']).optional(),
  }),
});
export type DetectScenesResult = z.infer<typeof DetectScenesResult>;

/** Progress data sent while the op runs (about every 0.5 s). */
export const DetectScenesProgress = z.object({
  stage: z.literal('detect'),
  frames_done: z.number().int().nonnegative(),
  frame_count: z.number().int().nonnegative().nullable(),
  percent: z.number().min(0).max(100).nullable(),
});
export type DetectScenesProgress = z.infer<typeof DetectScenesProgress>;
