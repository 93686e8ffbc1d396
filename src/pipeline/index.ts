// Wires the stages to their pg-boss queues. The public entry `heaters.ingest` creates (or finds) the
// video and starts the chain; every later handoff is a job carrying the video id and local paths.
import type { Job, JobWithMetadata } from 'pg-boss';
import { createOrGetVideo } from '../db/index.ts';
import { IngestJob, ingestKeyOf } from '../queue/ingest-job.ts';
import { QUEUES } from '../queue/names.ts';
import type { Deps } from './deps.ts';
import { detectStage } from './detect.ts';
import { downloadStage } from './download.ts';
import { finalizeStage } from './finalize.ts';
import { preprocessStage } from './preprocess.ts';

export type { Deps } from './deps.ts';

/** Create the video for an ingest command (once per idempotency key) and start the chain. */
export async function submitIngest(deps: Deps, input: unknown): Promise<{ videoId: string; created: boolean }> {
  const job = IngestJob.parse(input);
  const { video, created } = await createOrGetVideo(deps.db, {
    url: job.url,
    idempotencyKey: ingestKeyOf(job),
    options: job.options ?? {},
  });
  if (created) await deps.boss.send(QUEUES.download, { videoId: video.id });
  deps.logger.info({ videoId: video.id, created }, created ? 'ingest accepted' : 'ingest joined an existing video');
  return { videoId: video.id, created };
}

type Handler = (deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>) => Promise<void>;

/** Start consuming every queue. Concurrency per queue follows the pool that bounds it. */
export async function registerWorkers(deps: Deps): Promise<string[]> {
  const { boss, cfg } = deps;
  const ids: string[] = [];
  const work = async (queue: string, localConcurrency: number, handler: Handler) => {
    ids.push(
      await boss.work(queue, { includeMetadata: true, batchSize: 1, localConcurrency }, async (jobs) => {
        for (const job of jobs) await handler(deps, job);
      }),
    );
  };
  await work(QUEUES.download, cfg.python.io.max, downloadStage);
  await work(QUEUES.preprocess, cfg.stageConcurrency, preprocessStage);
  await work(QUEUES.detect, cfg.python.cpu.max, detectStage);
  await work(QUEUES.finalize, cfg.stageConcurrency, finalizeStage);
  ids.push(
    await boss.work(QUEUES.ingest, { batchSize: 1, localConcurrency: 2 }, async (jobs) => {
      const out = [];
      for (const job of jobs) out.push(await submitIngest(deps, job.data));
      return out[0];
    }),
  );
  return ids;
}
