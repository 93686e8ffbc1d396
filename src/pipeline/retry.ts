// Operators' second chances: `heaters retry <id>` reopens a failed or cancelled video and starts its
// chain again from the download (recovery makes that cheap when artefacts survived); `heaters dead
// --redrive` sends dead-lettered stage jobs back to the queues they died on, reopening their videos
// first so the stage does not skip them as settled. Each reopen and its job commit together.
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { getVideo, reopenVideo, withTransaction } from '../db/index.ts';
import { DbError } from '../db/index.ts';
import type { Video } from '../db/index.ts';
import type { Config } from '../config.ts';
import { QUEUES } from '../queue/names.ts';
import { downloadGroup, getVideoOrigin } from '../sources/index.ts';
import { inTx } from '../queue/tx.ts';

export async function retryVideo(deps: { db: pg.Pool; boss: PgBoss; cfg: Config }, videoId: string): Promise<Video> {
  return withTransaction(deps.db, async (client) => {
    const video = await reopenVideo(client, videoId, 'queued');
    // In its site's pg-boss group, so the per-site concurrency limit holds for a retried download too.
    const group = downloadGroup(deps.cfg, (await getVideoOrigin(client, videoId))?.site);
    await deps.boss.send(QUEUES.download, { videoId, prevFinishedAt: Date.now() }, { db: inTx(client), ...group });
    return video;
  });
}

export interface DeadJob {
  id: string;
  /** The queue the job failed on (heaters.download, …). */
  queue: string | null;
  videoId: string | null;
  /** The video's state now, and its recorded error. */
  videoState: string | null;
  errorCode: string | null;
  retries: number | null;
  deadSince: Date;
}

/** The dead-letter queue, oldest first (at most `limit`). */
export async function listDead(deps: { db: pg.Pool; boss: PgBoss }, limit = 1000): Promise<DeadJob[]> {
  const jobs = await deps.boss.findJobs<{ videoId?: unknown }>(QUEUES.dead, { queued: true, limit });
  const out: DeadJob[] = [];
  for (const j of jobs) {
    const videoId = typeof j.data?.videoId === 'string' ? j.data.videoId : null;
    const video = videoId ? await getVideo(deps.db, videoId) : undefined;
    out.push({
      id: j.id,
      queue: j.sourceName,
      videoId,
      videoState: video?.state ?? null,
      errorCode: video?.errorCode ?? null,
      retries: j.sourceRetryCount,
      deadSince: j.createdOn,
    });
  }
  return out;
}

export type RedriveOutcome = { id: string; videoId: string | null; redriven: boolean; reason?: string };

/**
 * Send every dead job back to its queue (a host's own stage queue: the stage's shared queue). A stage
 * job's video must be failed or cancelled: it is
 * reopened (`queued`) in the same transaction. A job whose video is ready again, or live under
 * another id, stays in the dead-letter queue with the reason.
 */
export async function redriveDead(deps: { db: pg.Pool; boss: PgBoss }): Promise<RedriveOutcome[]> {
  const out: RedriveOutcome[] = [];
  for (const dead of await listDead(deps)) {
    try {
      await withTransaction(deps.db, async (client) => {
        if (dead.videoId) await reopenVideo(client, dead.videoId, 'queued');
        // A job that died on a host's own queue (`heaters.preprocess/<host>`) goes to the stage's
        // shared queue: that host may be gone, and any host recovers the inputs (pipeline/source.ts).
        const shared = dead.queue?.includes('/') ? dead.queue.slice(0, dead.queue.indexOf('/')) : undefined;
        const moved = await deps.boss.redrive(QUEUES.dead, { ids: [dead.id], db: inTx(client), ...(shared ? { destination: shared } : {}) });
        if (moved !== 1) throw new DbError('invalid_input', 'pg-boss did not move the job (its source queue is gone?)');
      });
      out.push({ id: dead.id, videoId: dead.videoId, redriven: true });
    } catch (err) {
      if (!(err instanceof DbError)) throw err;
      out.push({ id: dead.id, videoId: dead.videoId, redriven: false, reason: err.message });
    }
  }
  return out;
}
