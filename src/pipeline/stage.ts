// Shared shape of every stage: validate job data, skip finished videos, place the video on this
// host, move the state machine, measure the run (wall time, handoff gap, store traffic, encode
// passes) and turn failures into a typed error on the video. Retries are pg-boss's; we only decide
// whether one can help.
//
// Crash safety lives here, once for all stages:
// - the stage run is opened when the attempt starts, so an attempt whose host dies is on record
//   (the host that resumes or takes the video over closes it, see hosts/adopt.ts);
// - the closing writes (the stage's rows, the stage run, the next stage's job on this host's queue,
//   and the completion of THIS attempt of the job) are one transaction, retried while the database
//   is unreachable. The completion names the attempt ({id, retryCount}): when the claim lapsed
//   (pg-boss's heartbeat monitor failed it, or another host took the video over and cancelled it),
//   nothing commits, so a second runner can never add a second next job or write twice;
// - two attempts of one video never run at once in one daemon (a retry that arrives while the
//   lapsed attempt still runs waits for it, then finds its verified outputs and skips the work).
import type { Job, JobWithMetadata } from 'pg-boss';
import type pg from 'pg';
import type { z } from 'zod';
import { failVideo, finishStageRun, getVideo, placeVideo, retryOnBlip, setState, startStageRun, withTransaction } from '../db/index.ts';
import type { ActiveVideoState, Video } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import { hostQueue, type HostStage } from '../queue/names.ts';
import type { CancelWatch } from './cancel.ts';
import type { Deps } from './deps.ts';
import { classify } from './errors.ts';
import { inTx } from '../queue/tx.ts';

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

/** What a stage body hands back to be committed with its job's completion. */
export interface StageOutcome {
  /** The next stage's job: sent to THIS host's queue of that stage (the chain stays where its files are). */
  next?: { stage: HostStage; data: Record<string, unknown> };
  /** Rows written in the closing transaction (clips, keyframes, ready state…). */
  commit?: (tx: pg.PoolClient | pg.Client) => Promise<void>;
  /** Local clean-up once committed (workspace files the next stage no longer needs). */
  after?: () => Promise<void>;
}

/** The attempt's claim on its job was gone at commit: another runner owns the video now. */
class ClaimLapsed extends Error {
  readonly code = 'claim_lapsed';
  constructor() {
    super('the job was no longer claimed by this attempt (expired, failed by the heartbeat monitor, or taken over)');
    this.name = 'ClaimLapsed';
  }
}

// One attempt per video at a time in this daemon (keyed by the Deps of the daemon).
const running = new WeakMap<Deps, Map<string, Promise<unknown>>>();
async function oneAtATime<T>(deps: Deps, videoId: string, fn: () => Promise<T>): Promise<T> {
  let byVideo = running.get(deps);
  if (!byVideo) running.set(deps, (byVideo = new Map()));
  for (let prev = byVideo.get(videoId); prev; prev = byVideo.get(videoId)) await prev.catch(() => undefined);
  const run = fn();
  byVideo.set(videoId, run);
  try {
    return await run;
  } finally {
    if (byVideo.get(videoId) === run) byVideo.delete(videoId);
  }
}

export function defineStage<S extends z.ZodType>(
  stage: StageName,
  schema: S,
  body: (ctx: StageContext<z.infer<S>>) => Promise<StageOutcome>,
) {
  const handle = async (deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>, cancel: CancelWatch | undefined): Promise<void> => {
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      // Nothing to retry: the data will not change. Log without the data (it may carry a URL).
      deps.logger.error({ stage, jobId: job.id, issues: parsed.error.issues.length }, 'invalid job data');
      return;
    }
    const data = parsed.data as z.infer<S> & { videoId: string; prevFinishedAt?: number; redrive?: Record<string, unknown> };
    const hostId = deps.metrics.hostId;
    const log = deps.logger.child({ stage, videoId: data.videoId, jobId: job.id });
    const blip = <T>(what: string, fn: () => Promise<T>) => retryOnBlip(fn, { what, logger: log });
    const video = await blip('read video', () => getVideo(deps.db, data.videoId));
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
    if (data.redrive) metrics.details.redrive = data.redrive;
    // The chain's files will be here: the video is placed on this host from now on.
    await blip('start stage', async () => {
      await setState(deps.db, video.id, STATE_OF[stage]);
      await placeVideo(deps.db, video.id, hostId);
    });
    const attempt = job.retryCount + 1; // 1-based for people reading the report
    const runId = await blip('open stage run', () =>
      startStageRun(deps.db, { videoId: video.id, stage, attempt, startedAt, handoffMs, hostId, details: metrics.details }),
    );
    log.info({ handoffMs, attempt, host: hostId }, 'stage started');

    let error: ReturnType<typeof classify> | undefined;
    let outcome: StageOutcome = {};
    // The job's signal (shutdown, or pg-boss saw the claim gone) or an operator's cancel (pipeline/cancel.ts).
    const signal = cancel ? AbortSignal.any([job.signal, cancel.signal]) : job.signal;
    try {
      outcome = await body({ deps, data, video, metrics, log, signal });
    } catch (err) {
      error = classify(err);
    }
    // Cancelled: whatever the body threw on its way out, the run is recorded as cancelled and the
    // job completes (no retry, no dead letter); the video stays `cancelled`.
    const cancelled = cancel?.signal.aborted === true;
    if (cancelled && error) error = { code: 'cancelled', message: 'cancelled by an operator', retryable: false };
    const finish = (ok: boolean, errorCode: string | null) => {
      const finishedAt = new Date();
      return {
        finishedAt,
        wallMs: finishedAt.getTime() - startedAt.getTime(),
        ok,
        errorCode,
        bytesUp: metrics.bytesUp,
        bytesDown: metrics.bytesDown,
        storeOps: metrics.storeOps,
        encodePasses: metrics.encodePasses,
        details: metrics.details,
      };
    };
    const observe = (result: string, wallMs: number) => {
      deps.metrics.stageDuration.observe({ stage, result }, wallMs / 1000);
      if (metrics.bytesUp) deps.metrics.storeBytes.inc({ direction: 'up' }, metrics.bytesUp);
      if (metrics.bytesDown) deps.metrics.storeBytes.inc({ direction: 'down' }, metrics.bytesDown);
      const from = metrics.details.recoveredFrom;
      if (typeof from === 'string') deps.metrics.recoveries.inc({ stage, from });
    };

    if (!error) {
      const run = finish(true, null);
      try {
        await blip('close stage', () =>
          withTransaction(deps.db, async (tx) => {
            await outcome.commit?.(tx);
            await finishStageRun(tx, runId, run);
            if (outcome.next) {
              const next = { ...outcome.next.data, videoId: video.id, prevFinishedAt: Date.now() };
              await deps.boss.send(hostQueue(outcome.next.stage, hostId), next, { db: inTx(tx) });
            }
            const done = await deps.boss.complete(job.name, { id: job.id, retryCount: job.retryCount }, null, { db: inTx(tx) });
            // pg-boss answers {jobs, requested, affected} (typed as an empty interface in 12.x).
            if ((done as { affected?: number }).affected === 0) throw new ClaimLapsed();
          }),
        );
      } catch (err) {
        if (!(err instanceof ClaimLapsed)) throw err;
        log.warn({ attempt }, 'claim lapsed before commit: another attempt owns the video; nothing committed');
        await blip('close stage run', () => finishStageRun(deps.db, runId, { ...run, ok: false, errorCode: err.code }));
        observe('superseded', run.wallMs);
        return;
      }
      observe('ok', run.wallMs);
      await outcome.after?.().catch((err: unknown) => log.warn({ err }, 'post-commit clean-up failed'));
      log.info({ wallMs: run.wallMs }, 'stage finished');
      return;
    }

    const run = finish(false, error.code);
    await blip('close stage run', () => finishStageRun(deps.db, runId, run));
    observe(cancelled ? 'cancelled' : 'failed', run.wallMs);
    if (cancelled) {
      log.warn('stage cancelled');
      return;
    }
    const retryLimit = 'retryLimit' in job ? job.retryLimit : 0;
    // Aborted means shutdown past its deadline (or the claim is gone): hand the job back, the video is fine.
    const willRetry = job.signal.aborted || (error.retryable && job.retryCount < retryLimit);
    deps.metrics.failures.inc({ stage, code: error.code, final: String(!willRetry) });
    log.warn({ code: error.code, err: error.message, willRetry }, 'stage failed');
    if (willRetry) throw new Error(`${error.code}: ${error.message}`);
    await blip('fail video', () => failVideo(deps.db, video.id, error.code, error.message));
    // A transient failure that ran out of retries goes on to the dead-letter queue.
    if (error.retryable) throw new Error(`${error.code}: ${error.message}`);
  };
  return async (deps: Deps, job: Job<unknown> | JobWithMetadata<unknown>): Promise<void> => {
    const id = (job.data as { videoId?: unknown } | null)?.videoId;
    const run = async () => {
      // Watch for a cancel before the video's state is read, so none falls between the two.
      const cancel = typeof id === 'string' ? deps.cancels?.watch(id) : undefined;
      try {
        await handle(deps, job, cancel);
      } finally {
        cancel?.release();
      }
    };
    if (typeof id !== 'string') return run();
    return oneAtATime(deps, id, run);
  };
}
