// Stage 3: scene detection in a pooled Python worker on the LOCAL proxy (no re-download, no
// re-scan): on the encode path it reads the analysis frames the preprocess decode already wrote.
import fs from 'node:fs/promises';
import { replaceClips } from '../db/index.ts';
import { MIN_CLIP_FRAMES } from '../review/rules.ts';
import { DetectScenesResult } from '../scenes/schema.ts';
import { DetectJob } from './jobs.ts';
import { probeOf } from './probe-of.ts';
import { progressReporter } from './progress.ts';
import { recoverProxy } from './source.ts';
import { defineStage } from './stage.ts';
import { StageError } from './errors.ts';
import { exists } from './workspace.ts';

export const detectStage = defineStage('detect', DetectJob, async (ctx) => {
  const { deps, video, data, log, signal } = ctx;
  let { proxyPath, masterPath, frames } = data;
  let keyframes = video.keyframeTimes;
  let sourceProbe = probeOf(video);
  if (!(await exists(proxyPath))) {
    const rec = await recoverProxy(ctx);
    ({ proxyPath, masterPath, frames } = rec);
    keyframes = rec.keyframeTimes;
    sourceProbe = rec.sourceProbe ?? sourceProbe;
  }
  if (frames && !(await exists(frames.path))) frames = undefined; // decode the proxy instead
  const v = sourceProbe?.video;
  if (!v) throw new StageError('no_video_stream', 'video has no probe data', { retryable: false });
  const report = progressReporter(deps, video.id, 'detect', log);
  const raw = await deps.cpuPool.run(
    'detect_scenes',
    {
      path: proxyPath,
      fps: v.fps,
      frame_count: v.frameCount ?? undefined,
      keyframe_times: keyframes ?? [],
      params: video.options.detect ?? {},
      ffmpeg: deps.bins.ffmpeg,
      ...(frames ? { frames_path: frames.path, frame_width: frames.width, frame_height: frames.height } : {}),
    },
    { signal, onProgress: (d) => report(d as Record<string, unknown>) },
  );
  const res = DetectScenesResult.parse(raw);
  // The confidence of the cut at a clip's start (when the detector scores its cuts) orders review.
  const confidence = new Map(res.cuts.map((c) => [c.frame, (c as { confidence?: number }).confidence ?? null]));
  // replaceClips keeps the clips a reviewer made or confirmed (see src/db/clips.ts, mergeDetected).
  // It runs in the closing transaction: the clips, the finalize job and the completion land together.
  const clips = res.clips.map((c) => ({
    idx: c.index,
    startFrame: c.start_frame,
    endFrame: c.end_frame,
    startS: c.start_time,
    endS: c.end_time,
    keyframeS: c.keyframe_time,
    confidence: confidence.get(c.start_frame) ?? null,
  }));
  const detector = { ...res.detector, cuts: res.cuts, stats: res.stats, usedEncodeFrames: !!frames };
  ctx.metrics.details.clips = res.clips.length;
  ctx.metrics.details.usedEncodeFrames = !!frames;
  const framesPath = frames?.path;
  return {
    commit: async (tx) => void (await replaceClips(tx, video.id, clips, detector, { minFrames: MIN_CLIP_FRAMES })),
    next: { stage: 'finalize', data: { proxyPath, masterPath } },
    after: async () => void (framesPath && (await fs.rm(framesPath, { force: true }))),
  };
});
