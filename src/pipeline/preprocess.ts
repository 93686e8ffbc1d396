// Stage 2: remux when the source is already browser friendly, else exactly one encode; optional
// FFV1 master from the same decode; keyframe times of the proxy read once and stored.
import fs from 'node:fs/promises';
import { setKeyframes } from '../db/index.ts';
import { probe } from '../media/index.ts';
import { PreprocessJob } from './jobs.ts';
import { probeOf } from './probe-of.ts';
import { buildProxy, fetchSource } from './source.ts';
import { defineStage } from './stage.ts';
import { readVerified, writeVerified } from './verified.ts';
import { exists, workspace } from './workspace.ts';

export const preprocessStage = defineStage('preprocess', PreprocessJob, async (ctx) => {
  const { deps, video, data, log, metrics } = ctx;
  const ws = workspace(deps.cfg.workDir, video.id);
  const wantMaster = video.options.master ?? deps.cfg.generateMaster;
  // A previous attempt finished the proxy but not its commit (crash, lapsed claim): reuse it.
  let out = await readVerified(ws, 'preprocess', wantMaster === true);
  if (out) {
    log.info({ proxy: out.proxyPath }, 'verified proxy already in place: encode skipped');
    metrics.details.skipped = 'verified_outputs';
  } else {
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
    out = await buildProxy(ctx, sourcePath, sourceProbe);
    metrics.encodePasses += out.encodePasses;
    await writeVerified(ws, 'preprocess', out);
  }
  metrics.details.mode = out.mode;
  const keyframeTimes = out.keyframeTimes;
  return {
    commit: async (tx) => void (await setKeyframes(tx, video.id, keyframeTimes)),
    next: { stage: 'detect', data: { proxyPath: out.proxyPath, masterPath: out.masterPath, frames: out.frames } },
    // The source is no longer needed: proxy (and master) carry everything the next stages read.
    after: () => fs.rm(ws.downloadDir, { recursive: true, force: true }),
  };
});
