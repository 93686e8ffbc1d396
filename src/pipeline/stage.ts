// Shared shape of every stage: validate job data, skip finished videos, move the state machine,
// measure the run (wall time, handoff gap, store traffic, encode passes) and turn failures into a
// typed error on the video. Retries are pg-boss's; we only decide whether one can help.
import type { Job, JobWithMetadata } from 'pg-boss';
import type { z } from 'zod';
import { failVideo, getVideo, recordStageRun, setState } from '../db/index.ts';
import type { ActiveVideoState, Video } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import type { CancelWatch } from './cancel.ts';
import type { Deps } from './deps.ts';
import { classify } from './errors.ts';

export type StageName = 'download' | 'preprocess' | 'detect' | 'finalize';

const STATE_OF: Record<StageName, ActiveVideoState> = {
  download: 'downloading',
  preprocess: 'preprocessing',
  detect: 'detecting',
  finalize: 'finalizing',
};

/** Per-run cost counters, written to stage_runs at the end. */
export class RunMetrics {
  bytesUp = 0;
  bytesDown = 0;
  encodePasses = 0;
  storeOps: Record<string, number> = {};
  details: Record<string, unknown> = {};

  addStoreOps(ops: object): void {
    for (const [k, v] of Object.entries(ops)) {
      if (typeof v !== 'number') continue;
      if (k === 'bytesUp') this.bytesUp += v;
      else if (k === 'bytesDown') this.bytesDown += v;
      else this.storeOps[k] = (this.storeOps[k] ?? 0) + v;
    }
  }
}

export interface StageContext<T> {
  deps: Deps;
  data: T;
  video: Video;
  metrics: RunMetrics;
  log: Logger;
  signal: AbortSignal;
}

export function defineStage<S extends z.ZodType>(
  stage: StageName,
  schema: S,
  body: (ctx: StageContext<z.infer<S>>) => Promise<void>,
) {
  const handle = async (deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>, cancel: CancelWatch | undefined): Promise<void> => {
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      // Nothing to retry: the data will not change. Log without the data (it may carry a URL).
      deps.logger.error({ stage, jobId: job.id, issues: parsed.error.issues.length }, 'invalid job data');
      return;
    }
    const data = parsed.data as z.infer<S> & { videoId: string; prevFinishedAt?: number };
    const log = deps.logger.child({ stage, videoId: data.videoId, jobId: job.id });
    const video = await getVideo(deps.db, data.videoId);
    if (!video) {
      log.warn('video row missing; job dropped');
      return;
    }
    if (video.state === 'failed' || video.state === 'ready' || video.state === 'cancelled') {
      log.info({ state: video.state }, 'video already settled; stage skipped');
      return;
    }
    const startedAt = new Date();
    // The gap since the previous stage handed over; a retry's gap is its backoff, not a handoff.
    const handoffMs = data.prevFinishedAt && job.retryCount === 0 ? Math.max(0, startedAt.getTime() - data.prevFinishedAt) : null;
    const metrics = new RunMetrics();
    await setState(deps.db, video.id, STATE_OF[stage]);
    log.info({ handoffMs, attempt: job.retryCount + 1 }, 'stage started');

    let error: ReturnType<typeof classify> | undefined;
    try {
      // The job's signal (shutdown) or an operator's cancel of this video (pipeline/cancel.ts).
      const signal = cancel ? AbortSignal.any([job.signal, cancel.signal]) : job.signal;
      await body({ deps, data, video, metrics, log, signal });
    } catch (err) {
      error = classify(err);
    }
    // Cancelled: whatever the body threw on its way out, the run is recorded as cancelled and the
    // job completes (no retry, no dead letter); the video stays `cancelled`.
    const cancelled = cancel?.signal.aborted === true;
    if (cancelled && error) error = { code: 'cancelled', message: 'cancelled by an operator', retryable: false };
    const finishedAt = new Date();
    await recordStageRun(deps.db, {
      videoId: video.id,
      stage,
      attempt: job.retryCount + 1, // 1-based for people reading the report
      startedAt,
      finishedAt,
      wallMs: finishedAt.getTime() - startedAt.getTime(),
      ok: !error,
      errorCode: error?.code ?? null,
      handoffMs,
      bytesUp: metrics.bytesUp,
      bytesDown: metrics.bytesDown,
      storeOps: metrics.storeOps,
      encodePasses: metrics.encodePasses,
      details: metrics.details,
    });
    if (!error) {
      log.info({ wallMs: finishedAt.getTime() - startedAt.getTime() }, 'stage finished');
      return;
    }
    if (cancelled) {
      log.warn('stage cancelled');
      return;
    }
    const retryLimit = 'retryLimit' in job ? job.retryLimit : 0;
    // Aborted means shutdown past its deadline: hand the job back to the queue, the video is fine.
    const willRetry = job.signal.aborted || (error.retryable && job.retryCount < retryLimit);
    log.warn({ code: error.code, err: error.message, willRetry }, 'stage failed');
    if (willRetry) throw new Error(`${error.code}: ${error.message}`);
    await failVideo(deps.db, video.id, error.code, error.message);
    // A transient failure that ran out of retries goes on to the dead-letter queue.
    if (error.retryable) throw new Error(`${error.code}: ${error.message}`);
  };
  return async (deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>): Promise<void> => {
    // Watch for a cancel before the video's state is read, so none falls between the two.
    const id = (job.data as { videoId?: unknown } | null)?.videoId;
    const cancel = typeof id === 'string' ? deps.cancels?.watch(id) : undefined;
    try {
      await handle(deps, job, cancel);
    } finally {
      cancel?.release();
    }
  };
}
