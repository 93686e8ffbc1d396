// Stage 1: fetch the best video+audio with yt-dlp in a pooled Python worker, probe it, hand over to
// preprocess on THIS host's queue: from here on the video's chain stays where its files are.
//
// Per-site limits every daemon observes: before the stage starts, the download takes one of its
// site's slots (sources/slots.ts), and the site's cooldown (set by a rate_limited failure, here or
// while resolving an ingest) and its start spacing are checked in Postgres; a download that must wait
// is sent again to start when the site is free, and this job completes without touching the site.
// Concurrency per site is pg-boss's groupConcurrency, and the slots where two fetches race past it.
import type { Job, JobWithMetadata } from 'pg-boss';
import { withTransaction } from '../db/index.ts';
import { DownloadError } from '../download/index.ts';
import { redactText } from '../log/index.ts';
import { QUEUES } from '../queue/names.ts';
import { claimSiteStart, downloadGroup, getVideoOrigin, siteConcurrency, siteIntervalMs, startCooldown } from '../sources/index.ts';
import type { SiteSlot, SiteWait } from '../sources/index.ts';
import type { Deps } from './deps.ts';
import { DownloadJob } from './jobs.ts';
import { fetchSource } from './source.ts';
import { defineStage } from './stage.ts';
import { inTx } from '../queue/tx.ts';

/** A download deferred this often by cooldown or spacing runs anyway (and fails or retries by its own policy). */
const MAX_DEFERRALS = 50;
/** A download that lost the race for its site's last slot tries again this much later; pg-boss's
 * group limit holds the new job back until the site's running download ends anyway. */
export const SLOT_RETRY_MS = 1000;

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
  const origin = typeof data?.videoId === 'string' ? await getVideoOrigin(deps.db, data.videoId).catch(() => undefined) : undefined;
  const site = origin?.site;
  if (!site || typeof data?.videoId !== 'string') return stage(deps, job);
  const videoId = data.videoId;

  const defer = async (until: Date, wait: SiteWait, reason: string, siteDeferrals: number) => {
    await withTransaction(deps.db, async (tx) => {
      await deps.boss.send(QUEUES.download, { ...data, siteDeferrals }, { db: inTx(tx), startAfter: until, ...downloadGroup(deps.cfg, site) });
      await deps.boss.complete(job.name, job.id, { deferredUntil: until.toISOString(), reason }, { db: inTx(tx) });
    });
    deps.metrics.downloadDeferrals.inc({ site, reason: wait });
    deps.logger.info({ videoId, site, until, reason }, 'download deferred: site busy');
  };

  // A slot first (the concurrency limit holds however the job was fetched), then the start gate.
  let slot: SiteSlot | undefined;
  if (deps.siteSlots) {
    const answer = await deps.siteSlots.take(site, siteConcurrency(deps.cfg, site));
    // Not counted against MAX_DEFERRALS: a full site has a live download, which ends.
    if (!answer.ok) return defer(new Date(Date.now() + SLOT_RETRY_MS), answer.wait, answer.reason, deferrals);
    slot = answer.slot;
  }
  try {
    if (deferrals < MAX_DEFERRALS) {
      const gate = await claimSiteStart(deps.db, site, siteIntervalMs(deps.cfg, site));
      if (!gate.ok) return await defer(gate.until, gate.wait, gate.reason, deferrals + 1);
    }
    return await stage(deps, job);
  } finally {
    await slot?.release();
  }
}
