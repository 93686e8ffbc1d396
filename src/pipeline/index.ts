// Wires the stages to their pg-boss queues. The public entry `heaters.ingest` creates (or finds) the
// video and starts the chain; every later handoff is a job carrying the video id and local paths.
import path from 'node:path';
import type { Job, JobWithMetadata } from 'pg-boss';
import { z } from 'zod';
import { reopenForDetect, withTransaction } from '../db/index.ts';
import { DetectParams } from '../scenes/schema.ts';
import { JOB_HEARTBEAT_REFRESH_S } from '../queue/boss.ts';
import { QUEUES, hostQueue } from '../queue/names.ts';
import type { Deps } from './deps.ts';
import { detectStage } from './detect.ts';
import { downloadStage } from './download.ts';
import { finalizeStage } from './finalize.ts';
import { preprocessStage } from './preprocess.ts';
import { ingest } from './ingest.ts';
import type { IngestResult } from './ingest.ts';
import { inTx } from '../queue/tx.ts';
import { workspace } from './workspace.ts';
import { downloadWorkOptions } from '../sources/index.ts';
import { zodIssues } from '../util/zod.ts';

export type { Deps } from './deps.ts';
export type { IngestResult } from './ingest.ts';


/**
 * Create the video(s) for an ingest command (once per idempotency key) and start their chains: a
 * playlist, channel or page fans out into one video per entry; where the extractor has a real id,
 * that id keys the video (pipeline/ingest.ts). Rows and download jobs commit together.
 */
export async function submitIngest(deps: Deps, input: unknown): Promise<IngestResult> {
  return ingest(deps, input);
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
  const work = async (queue: string, concurrency: number, handler: Handler, extra: object = {}) => {
    for (let i = 0; i < concurrency; i++) {
      let id = '';
      const options = { includeMetadata: true, batchSize: 1, heartbeatRefreshSeconds: JOB_HEARTBEAT_REFRESH_S, ...extra } as const;
      id = await boss.work(queue, options, async (jobs) => {
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
  // Any host takes a download; the rest of a video's chain comes to this host's own queues (the
  // download stage sends it there), so its local files are never needed elsewhere while it lives.
  const hostId = deps.metrics.hostId;
  // Per-site concurrency across all daemons: download jobs carry their site as pg-boss group.
  await work(QUEUES.download, cfg.python.io.max, downloadStage, downloadWorkOptions(cfg));
  await work(hostQueue('preprocess', hostId), cfg.stageConcurrency, preprocessStage);
  await work(hostQueue('detect', hostId), cfg.python.cpu.max, detectStage);
  await work(hostQueue('finalize', hostId), cfg.stageConcurrency, finalizeStage);
  // The shared queues of those stages: redetect jobs (any host; the proxy comes from the store) and
  // jobs sent before hosts had queues of their own.
  await work(QUEUES.preprocess, 1, preprocessStage);
  await work(QUEUES.detect, 1, detectStage);
  await work(QUEUES.finalize, 1, finalizeStage);
  // The ingest job's output names the video, so any producer can find it. Invalid job data cannot
  // improve with retries: the job completes with the reasons as its output instead.
  await work(QUEUES.ingest, 2, async (d, job) => {
    try {
      return await submitIngest(d, job.data);
    } catch (err) {
      if (!(err instanceof z.ZodError)) throw err;
      const issues = zodIssues(err);
      d.logger.warn({ jobId: job.id, issues }, 'invalid ingest job');
      return { error: 'invalid_job', issues };
    }
  });
  return { ids, idle: async () => void (await Promise.allSettled([...running])) };
}

/**
 * Job data for a chain stage when a host adopts a video whose open job is gone (hosts/adopt.ts):
 * the workspace's usual paths. Missing files there make the stage recover (store, else download).
 */
export function fallbackJob(workDir: string, stage: 'download' | 'preprocess' | 'detect' | 'finalize', videoId: string): Record<string, unknown> {
  const ws = workspace(workDir, videoId);
  switch (stage) {
    case 'download':
      return {};
    case 'preprocess':
      return { sourcePath: path.join(ws.downloadDir, 'source') };
    case 'detect':
      return { proxyPath: ws.proxy };
    case 'finalize':
      return { proxyPath: ws.proxy, masterPath: ws.master };
  }
}
