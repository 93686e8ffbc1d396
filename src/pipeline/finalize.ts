// Stage 4: one PUT per artefact, at the end; record bytes and sha256; video ready; workspace gone.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { listArtefacts, markReady, upsertArtefact } from '../db/index.ts';
import { storeThumbStrip } from '../review/thumbs.ts';
import { FinalizeJob } from './jobs.ts';
import { recoverProxy } from './source.ts';
import { defineStage } from './stage.ts';
import type { StageContext } from './stage.ts';
import { exists, removeWorkspace, workspace } from './workspace.ts';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

type Kind = 'proxy' | 'master';
const LAYOUT: Record<Kind, { ext: string; contentType: string }> = {
  proxy: { ext: 'mp4', contentType: 'video/mp4' },
  master: { ext: 'mkv', contentType: 'video/x-matroska' },
};

async function store(ctx: StageContext<unknown>, kind: Kind, file: string): Promise<void> {
  const { deps, video, metrics } = ctx;
  // Keys derive from the video and the content: a re-run writes the same key, never a duplicate.
  const sha256 = await sha256File(file);
  const key = `videos/${video.id}/${kind}-${sha256.slice(0, 16)}.${LAYOUT[kind].ext}`;
  const storageClass = kind === 'master' ? deps.cfg.storage.masterStorageClass : undefined;
  const put = await deps.store.put(key, file, { contentType: LAYOUT[kind].contentType, storageClass, sha256 });
  metrics.addStoreOps(put.ops);
  await upsertArtefact(deps.db, {
    videoId: video.id,
    kind,
    storeUri: deps.store.uri(key),
    objectKey: key,
    bytes: put.bytes,
    sha256: put.sha256,
    storageClass: storageClass ?? null,
    contentType: LAYOUT[kind].contentType,
  });
}

export const finalizeStage = defineStage('finalize', FinalizeJob, async (ctx) => {
  const { deps, video, data } = ctx;
  const wantMaster = video.options.master ?? deps.cfg.generateMaster;
  const stored = new Set((await listArtefacts(deps.db, video.id)).map((a) => a.kind));
  let { proxyPath, masterPath } = data;
  const missing = (!stored.has('proxy') && !(await exists(proxyPath))) ||
    (wantMaster && !stored.has('master') && !(await exists(masterPath)));
  if (missing) ({ proxyPath, masterPath } = await recoverProxy(ctx));
  if (!stored.has('proxy')) await store(ctx, 'proxy', proxyPath);
  if (wantMaster && !stored.has('master') && masterPath) await store(ctx, 'master', masterPath);
  // The review page's thumbnail strip (src/review/thumbs.ts): one keyframe-only pass over the local proxy.
  if (!stored.has('thumbs') && video.keyframeTimes?.length) {
    try {
      const t = await storeThumbStrip({ ffmpeg: deps.bins.ffmpeg, db: deps.db, store: deps.store, videoId: video.id, proxyPath, keyframes: video.keyframeTimes, signal: ctx.signal });
      ctx.metrics.addStoreOps(t.ops);
      ctx.metrics.details.thumbs = { ms: t.ms, bytes: t.bytes, tiles: t.tiles };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.log.warn({ err }, 'thumbnail strip not made (the video is fine without it)');
    }
  }
  return {
    commit: async (tx) => void (await markReady(tx, video.id)),
    after: () => removeWorkspace(workspace(deps.cfg.workDir, video.id)),
  };
});
