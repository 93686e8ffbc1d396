// Getting the bytes of a video onto local disk: the download op, and the recovery paths that stages
// use when their local input is gone (other host, wiped tmp, restart).
import fs from 'node:fs/promises';
import { runDownload } from '../download/index.ts';
import { listArtefacts, setKeyframes, setProbe } from '../db/index.ts';
import { keyframeTimes, makeProxy, planProxy, probe } from '../media/index.ts';
import type { Probe } from '../media/index.ts';
import { analysisOutput } from '../scenes/analysis.ts';
import { progressReporter } from './progress.ts';
import type { StageContext } from './stage.ts';
import { readVerifiedSource, writeVerifiedSource, type VerifiedProxy } from './verified.ts';
import { workspace } from './workspace.ts';
import { IngestOptions } from '../queue/ingest-job.ts';
import { accessArgs, getVideoOrigin } from '../sources/index.ts';

const extractorArgsOf = (options: Record<string, unknown>) => {
  const parsed = IngestOptions.shape.extractorArgs.safeParse(options.extractorArgs);
  return parsed.success ? parsed.data : undefined;
};

/** Run the download op on the I/O pool, probe the result and record the probe on the video. */
export async function fetchSource(ctx: StageContext<{ videoId: string }>): Promise<{ path: string; probe: Probe; title?: string | null }> {
  const { deps, video, signal, log } = ctx;
  const ws = workspace(deps.cfg.workDir, video.id);
  // A previous attempt on this disk finished the download but not its commit: no second download.
  const done = await readVerifiedSource(ws);
  if (done) {
    log.info({ path: done.path }, 'verified source already in place: download skipped');
    ctx.metrics.details.skipped = 'verified_outputs';
    return { path: done.path, probe: done.probe as Probe, title: done.title };
  }
  await fs.mkdir(ws.downloadDir, { recursive: true });
  const report = progressReporter(deps, video.id, 'download', log);
  const origin = await getVideoOrigin(deps.db, video.id);
  const res = await runDownload(
    deps.ioPool,
    {
      url: video.sourceUrl,
      dest_dir: ws.downloadDir,
      max_bytes: deps.cfg.download.maxBytes,
      timeout_s: Math.ceil(deps.cfg.download.timeoutMs / 1000),
      ffmpeg: deps.bins.ffmpeg,
      allow_private: deps.cfg.download.allowPrivate,
      ...(deps.cfg.download.localRoots ? { local_roots: deps.cfg.download.localRoots } : {}),
      // Cookies, proxy and extractor args (daemon settings + this ingest's); a page's n-th video.
      ...accessArgs(deps.cfg, extractorArgsOf(video.options)),
      ...(origin?.playlistItem ? { playlist_item: origin.playlistItem } : {}),
    },
    { signal, onProgress: (p) => report(p) },
  );
  report({ percent: 100, downloaded_bytes: res.bytes, total_bytes: res.bytes }, true);
  const probed = await probe(res.path, deps.bins);
  await setProbe(deps.db, video.id, probed, { title: res.title ?? undefined, durationS: probed.durationS });
  ctx.metrics.details.downloadedBytes = res.bytes;
  await writeVerifiedSource(ws, { path: res.path, probe: probed, title: res.title ?? null });
  return { path: res.path, probe: probed, title: res.title ?? null };
}

/** A proxy made (or recovered) for the next stages: preprocess's verified outputs, plus the probe of a refetched source. */
export type ProxyOutputs = VerifiedProxy & {
  /** Set when the source had to be fetched again (the stage's video row may predate the probe). */
  sourceProbe?: Probe;
};

/** Make the proxy (and master when wanted) from a local source, reading keyframe times once. */
export async function buildProxy(
  ctx: StageContext<{ videoId: string }>,
  sourcePath: string,
  sourceProbe: Probe,
): Promise<ProxyOutputs> {
  const { deps, video, signal, log } = ctx;
  const ws = workspace(deps.cfg.workDir, video.id);
  const plan = planProxy(sourceProbe);
  const wantMaster = video.options.master ?? deps.cfg.generateMaster;
  // On the encode path the same decode also writes the detector's small analysis frames.
  const analysis =
    plan.mode === 'encode' && sourceProbe.video ? analysisOutput(sourceProbe.video, ws.frames) : undefined;
  const report = progressReporter(deps, video.id, 'preprocess', log);
  log.info({ mode: plan.mode, reasons: plan.reasons, master: wantMaster }, 'preprocess plan');
  const res = await makeProxy({
    src: sourcePath,
    dst: ws.proxy,
    probe: sourceProbe,
    mode: plan.mode,
    master: wantMaster ? ws.master : undefined,
    extraOutputs: analysis ? [analysis.args] : [],
    bins: deps.bins,
    signal,
    logger: log,
    onProgress: (p) => report(p),
  });
  report({ percent: 100 }, true);
  const kf = await keyframeTimes(res.proxyPath, deps.bins);
  return {
    mode: plan.mode,
    encodePasses: res.encodePasses,
    proxyPath: res.proxyPath,
    masterPath: res.masterPath,
    frames: analysis ? { path: ws.frames, width: analysis.width, height: analysis.height } : undefined,
    keyframeTimes: kf,
  };
}

/**
 * A stage after preprocess found its local proxy missing. Recover from the last durable point:
 * the object store when the proxy is already there, else download and preprocess again.
 */
export async function recoverProxy(ctx: StageContext<{ videoId: string }>): Promise<ProxyOutputs> {
  const { deps, video, log, metrics } = ctx;
  const ws = workspace(deps.cfg.workDir, video.id);
  const wantMaster = video.options.master ?? deps.cfg.generateMaster;
  const stored = await listArtefacts(deps.db, video.id);
  const proxy = stored.find((a) => a.kind === 'proxy');
  const master = stored.find((a) => a.kind === 'master');
  if (proxy && (!wantMaster || master)) {
    log.warn({ recovery: 'store' }, 'local proxy missing: fetching it from the object store');
    await fs.mkdir(ws.dir, { recursive: true });
    metrics.addStoreOps((await deps.store.get(proxy.objectKey, ws.proxy)).ops);
    metrics.details.recoveredFrom = 'store';
    const kf = video.keyframeTimes ?? (await keyframeTimes(ws.proxy, deps.bins));
    return { mode: 'remux', encodePasses: 0, proxyPath: ws.proxy, keyframeTimes: kf };
  }
  log.warn({ recovery: 'redownload' }, 'local proxy missing and not stored: downloading again');
  metrics.details.recoveredFrom = 'redownload';
  const src = await fetchSource(ctx);
  const out = await buildProxy(ctx, src.path, src.probe);
  metrics.encodePasses += out.encodePasses;
  await setKeyframes(deps.db, video.id, out.keyframeTimes);
  await fs.rm(ws.downloadDir, { recursive: true, force: true });
  return { ...out, sourceProbe: src.probe };
}

