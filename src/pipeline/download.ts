// Stage 1: fetch the best video+audio with yt-dlp in a pooled Python worker, probe it, hand over to
// preprocess on THIS host's queue: from here on the video's chain stays where its files are.
//
// Per-site limits every daemon observes: before the stage starts, the site's cooldown (set by a
// rate_limited failure, here or while resolving an ingest) and its start spacing are checked in
// Postgres; a download that must wait is sent again to start when the site is free, and this job
// completes without touching the site. Concurrency per site is pg-boss's groupConcurrency.
import type { Job, JobWithMetadata } from 'pg-boss';
import { withTransaction } from '../db/index.ts';
import { DownloadError } from '../download/index.ts';
import { redactText } from '../log/index.ts';
import { QUEUES } from '../queue/names.ts';
import { claimSiteStart, downloadGroup, getVideoOrigin, siteIntervalMs, startCooldown } from '../sources/index.ts';
import type { Deps } from './deps.ts';
import { DownloadJob } from './jobs.ts';
import { fetchSource } from './source.ts';
import { defineStage } from './stage.ts';
import { inTx } from '../queue/tx.ts';

/** A download deferred this often runs anyway (and fails or retries by its own policy). */
const MAX_DEFERRALS = 50;

const stage = defineStage('download', DownloadJob, async (ctx) => {
  try {
    const src = await fetchSource(ctx);
    return { next: { stage: 'preprocess', data: { sourcePath: src.path } } };
  } catch (err) {
    if (err instanceof DownloadError && err.code === 'rate_limited') {
      const origin = await getVideoOrigin(ctx.deps.db, ctx.video.id);
      if (origin?.site) {
        const until = await startCooldown(ctx.deps.db, origin.site, ctx.deps.cfg.sites.cooldownMs, redactText(err.message));
        ctx.log.warn({ site: origin.site, until }, 'site rate limited: every daemon pauses its downloads there');
        ctx.metrics.details.cooldownUntil = until.toISOString();
      }
    }
    throw err;
  }
});

export async function downloadStage(deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>): Promise<void> {
  const data = job.data as { videoId?: unknown; siteDeferrals?: unknown } | null;
  const deferrals = typeof data?.siteDeferrals === 'number' ? data.siteDeferrals : 0;
  if (typeof data?.videoId === 'string' && deferrals < MAX_DEFERRALS) {
    const origin = await getVideoOrigin(deps.db, data.videoId).catch(() => undefined);
    if (origin?.site) {
      const gate = await claimSiteStart(deps.db, origin.site, siteIntervalMs(deps.cfg, origin.site));
      if (!gate.ok) {
        await withTransaction(deps.db, async (tx) => {
          await deps.boss.send(
            QUEUES.download,
            { ...data, siteDeferrals: deferrals + 1 },
            { db: inTx(tx), startAfter: gate.until, ...downloadGroup(deps.cfg, origin.site) },
          );
          await deps.boss.complete(job.name, job.id, { deferredUntil: gate.until.toISOString(), reason: gate.reason }, { db: inTx(tx) });
        });
        deps.logger.info({ videoId: data.videoId, site: origin.site, until: gate.until, reason: gate.reason }, 'download deferred: site busy');
        return;
      }
    }
  }
  return stage(deps, job);
}
