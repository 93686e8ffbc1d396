// Stage 2: remux when the source is already browser friendly, else exactly one encode; optional
// FFV1 master from the same decode; keyframe times of the proxy read once and stored.
import fs from 'node:fs/promises';
import { setKeyframes } from '../db/index.ts';
import { probe } from '../media/index.ts';
import { QUEUES } from '../queue/names.ts';
import { PreprocessJob } from './jobs.ts';
import { probeOf } from './probe-of.ts';
import { buildProxy, fetchSource } from './source.ts';
import { defineStage } from './stage.ts';
import { exists, workspace } from './workspace.ts';

export const preprocessStage = defineStage('preprocess', PreprocessJob, async (ctx) => {
  const { deps, video, data, log, metrics } = ctx;
  let sourcePath = data.sourcePath;
  let sourceProbe = probeOf(video);
  if (!(await exists(sourcePath))) {
    log.warn({ recovery: 'redownload' }, 'local source missing: downloading again');
    metrics.details.recoveredFrom = 'redownload';
    const src = await fetchSource(ctx);
    sourcePath = src.path;
    sourceProbe = src.probe;
  }
  sourceProbe ??= await probe(sourcePath, deps.bins);
  const out = await buildProxy(ctx, sourcePath, sourceProbe);
  metrics.encodePasses += out.encodePasses;
  metrics.details.mode = out.mode;
  await setKeyframes(deps.db, video.id, out.keyframeTimes);
  // The source is no longer needed: proxy (and master) carry everything the next stages read.
  await fs.rm(workspace(deps.cfg.workDir, video.id).downloadDir, { recursive: true, force: true });
  await deps.boss.send(QUEUES.detect, {
    videoId: video.id,
    proxyPath: out.proxyPath,
    masterPath: out.masterPath,
    frames: out.frames,
    prevFinishedAt: Date.now(),
  });
});
