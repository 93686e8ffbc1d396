// Stage 1: fetch the best video+audio with yt-dlp in a pooled Python worker, probe it, hand over.
import { QUEUES } from '../queue/names.ts';
import { DownloadJob } from './jobs.ts';
import { fetchSource } from './source.ts';
import { defineStage } from './stage.ts';

export const downloadStage = defineStage('download', DownloadJob, async (ctx) => {
  const { deps, video } = ctx;
  const src = await fetchSource(ctx);
  await deps.boss.send(QUEUES.preprocess, { videoId: video.id, sourcePath: src.path, prevFinishedAt: Date.now() });
});
