// Adopting a video: move its in-flight chain to this host. Two callers:
// - a daemon that (re)starts resumes the videos placed on its own id at once: it knows it died,
//   so it need not wait for any heartbeat or expiry (reason `restart`);
// - a live host takes over the videos of a host whose heartbeat is stale (reason `takeover`).
// Either way, in one transaction per video: the row is locked (FOR UPDATE SKIP LOCKED, placed on
// `fromHost` and in flight: two hosts never adopt the same video), every open job of the video
// is cancelled (a cancelled claim makes the old attempt's commit a no-op, see pipeline/stage.ts),
// the stage runs the lost attempt left open are closed, and one job for the video's current stage
// is sent: a download to the shared queue (any host), a later stage to THIS host's queue. That
// job reuses the old job's data (local paths): on this host's disk they are there after a restart,
// or missing after a takeover, and the stage then recovers from the last durable point (the store,
// else a new download), which it records in stage_runs.details.recoveredFrom.
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import type pg from 'pg';
import { claimVideoPlacement, closeInterruptedRuns, listActiveVideosOn, withTransaction } from '../db/index.ts';
import type { VideoState } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import { HOST_STAGES, QUEUES, hostQueue, type HostStage } from '../queue/names.ts';
import { inTx } from '../queue/tx.ts';

type ChainStage = 'download' | HostStage;
const STAGE_OF: Partial<Record<VideoState, ChainStage>> = {
  downloading: 'download',
  preprocessing: 'preprocess',
  detecting: 'detect',
  finalizing: 'finalize',
};

export interface AdoptDeps {
  db: pg.Pool;
  boss: PgBoss;
  logger: Logger;
  hostId: string;
  /** Job data for a stage when no open job of the video is left to copy (a lost send, a purged job). */
  fallbackJob(stage: ChainStage, videoId: string): Record<string, unknown>;
}

/** Every queue a video's chain job can sit in while placed on `host`. */
function queuesOf(host: string): Array<{ stage: ChainStage; name: string }> {
  return [
    { stage: 'download', name: QUEUES.download },
    ...HOST_STAGES.flatMap((stage) => [
      { stage, name: hostQueue(stage, host) },
      { stage, name: QUEUES[stage] },
    ]),
  ];
}

async function openJobs(boss: PgBoss, tx: pg.PoolClient, host: string, videoId: string) {
  const found: Array<{ stage: ChainStage; queue: string; job: JobWithMetadata<Record<string, unknown>> }> = [];
  for (const q of queuesOf(host)) {
    let jobs: JobWithMetadata<Record<string, unknown>>[];
    try {
      jobs = await boss.findJobs<Record<string, unknown>>(q.name, { data: { videoId }, db: inTx(tx) });
    } catch {
      continue; // that queue does not exist (a host that never ran a stage)
    }
    for (const job of jobs) {
      if (job.state === 'created' || job.state === 'retry' || job.state === 'active') found.push({ stage: q.stage, queue: q.name, job });
    }
  }
  return found;
}

export type AdoptReason = 'restart' | 'takeover';

/** Adopt one video; false when it is no longer in flight on `fromHost` (settled, or adopted by another). */
export async function adoptVideo(deps: AdoptDeps, videoId: string, fromHost: string, reason: AdoptReason): Promise<boolean> {
  const { boss, hostId } = deps;
  return withTransaction(deps.db, async (tx) => {
    const placed = await claimVideoPlacement(tx, videoId, fromHost, hostId);
    if (!placed) return false;
    const stage = STAGE_OF[placed.state];
    if (!stage) return false;
    const open = await openJobs(boss, tx as pg.PoolClient, fromHost, videoId);
    for (const o of open) await boss.cancel(o.queue, o.job.id, { db: inTx(tx) });
    await closeInterruptedRuns(tx, videoId, fromHost, reason === 'restart' ? 'host_restarted' : 'host_lost');
    // The newest open job of the video's current stage carries its local paths; else the fallback.
    const source = open.filter((o) => o.stage === stage).sort((a, b) => +b.job.createdOn - +a.job.createdOn)[0];
    const { prevFinishedAt: _drop, redrive: _old, ...data } = source?.job.data ?? deps.fallbackJob(stage, videoId);
    const queue = stage === 'download' ? QUEUES.download : hostQueue(stage, hostId);
    // A download keeps its site's pg-boss group, so per-site concurrency still holds for it.
    const group = source?.job.groupId ? { group: { id: source.job.groupId, ...(source.job.groupTier ? { tier: source.job.groupTier } : {}) } } : {};
    await boss.send(queue, { ...data, videoId, redrive: { reason, fromHost, toHost: hostId } }, { db: inTx(tx), ...group });
    deps.logger.info({ videoId, stage, fromHost, reason, cancelled: open.length }, reason === 'restart' ? 'resumed own video' : 'took over video');
    return true;
  });
}

/** Adopt every video in flight on `fromHost`; returns how many were adopted. */
export async function adoptAll(deps: AdoptDeps, fromHost: string, reason: AdoptReason): Promise<number> {
  let n = 0;
  for (const v of await listActiveVideosOn(deps.db, fromHost)) {
    try {
      if (await adoptVideo(deps, v.id, fromHost, reason)) n++;
    } catch (err) {
      deps.logger.warn({ videoId: v.id, fromHost, err }, 'could not adopt video; will try again');
    }
  }
  return n;
}
