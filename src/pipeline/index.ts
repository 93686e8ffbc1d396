// Wires the stages to their pg-boss queues. The public entry `heaters.ingest` creates (or finds) the
// video and starts the chain; every later handoff is a job carrying the video id and local paths.
import type { Job, JobWithMetadata } from 'pg-boss';
import type pg from 'pg';
import { z } from 'zod';
import { createOrGetVideo, reopenForDetect, withTransaction } from '../db/index.ts';
import { DetectParams } from '../scenes/schema.ts';
import { IngestJob, ingestKeyOf } from '../queue/ingest-job.ts';
import { QUEUES } from '../queue/names.ts';
import type { Deps } from './deps.ts';
import { detectStage } from './detect.ts';
import { downloadStage } from './download.ts';
import { finalizeStage } from './finalize.ts';
import { preprocessStage } from './preprocess.ts';
import { workspace } from './workspace.ts';

export type { Deps } from './deps.ts';

/** pg-boss sends through our transaction's client, so the job commits (or not) with our rows. */
const inTx = (client: Pick<pg.ClientBase, 'query'>) => ({
  executeSql: (text: string, values?: unknown[]) => client.query(text, values),
});

/**
 * Create the video for an ingest command (once per idempotency key) and start the chain. The row and
 * the download job commit together, so a crash between them cannot leave a video without a job.
 */
export async function submitIngest(deps: Deps, input: unknown): Promise<{ videoId: string; created: boolean }> {
  const job = IngestJob.parse(input);
  const { video, created } = await withTransaction(deps.db, async (client) => {
    const res = await createOrGetVideo(client, { url: job.url, idempotencyKey: ingestKeyOf(job), options: job.options ?? {} });
    if (res.created) {
      await deps.boss.send(QUEUES.download, { videoId: res.video.id, prevFinishedAt: Date.now() }, { db: inTx(client) });
    }
    return res;
  });
  deps.logger.info({ videoId: video.id, created }, created ? 'ingest accepted' : 'ingest joined an existing video');
  return { videoId: video.id, created };
}

/**
 * Re-run scene detection on a ready video with other detector parameters, to compare detectors or
 * tune them. The proxy is read back from the object store (the workspace is gone), nothing is
 * re-encoded or re-uploaded, and the new clips replace the old in one transaction.
 */
export async function requestRedetect(
  deps: Pick<Deps, 'db' | 'boss' | 'cfg'>,
  videoId: string,
  params: unknown,
): Promise<void> {
  const detect = DetectParams.parse(params);
  await withTransaction(deps.db, async (client) => {
    await reopenForDetect(client, videoId, detect);
    const proxyPath = workspace(deps.cfg.workDir, videoId).proxy;
    await deps.boss.send(QUEUES.detect, { videoId, proxyPath, prevFinishedAt: Date.now() }, { db: inTx(client) });
  });
}

type Handler = (deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>) => Promise<unknown>;

/**
 * Start consuming every queue. Concurrency per queue follows the pool that bounds it.
 *
 * Each of a queue's N consumers is its own pg-boss worker, so that after a job it can be told to
 * fetch again at once: with LISTEN/NOTIFY on, pg-boss otherwise waits out the 30 s backstop poll
 * before taking the next job of a backlog whose notifications arrived while it was busy.
 */
export async function registerWorkers(deps: Deps): Promise<{ ids: string[]; idle(): Promise<void> }> {
  const { boss, cfg } = deps;
  const ids: string[] = [];
  // Handlers still running; shutdown waits for them before it closes the database under them.
  const running = new Set<Promise<unknown>>();
  const work = async (queue: string, concurrency: number, handler: Handler) => {
    for (let i = 0; i < concurrency; i++) {
      let id = '';
      id = await boss.work(queue, { includeMetadata: true, batchSize: 1 }, async (jobs) => {
        const run = (async () => {
          // batchSize 1: one job, whose return value becomes the job's output.
          for (const job of jobs) return await handler(deps, job);
        })();
        running.add(run);
        try {
          return await run;
        } finally {
          running.delete(run);
          boss.notifyWorker(id);
        }
      });
      ids.push(id);
    }
  };
  await work(QUEUES.download, cfg.python.io.max, downloadStage);
  await work(QUEUES.preprocess, cfg.stageConcurrency, preprocessStage);
  await work(QUEUES.detect, cfg.python.cpu.max, detectStage);
  await work(QUEUES.finalize, cfg.stageConcurrency, finalizeStage);
  // The ingest job's output names the video, so any producer can find it. Invalid job data cannot
  // improve with retries: the job completes with the reasons as its output instead.
  await work(QUEUES.ingest, 2, async (d, job) => {
    try {
      return await submitIngest(d, job.data);
    } catch (err) {
      if (!(err instanceof z.ZodError)) throw err;
      const issues = err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      d.logger.warn({ jobId: job.id, issues }, 'invalid ingest job');
      return { error: 'invalid_job', issues };
    }
  });
  return { ids, idle: async () => void (await Promise.allSettled([...running])) };
}
