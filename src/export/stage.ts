// The `export` stage on pg-boss (queue heaters.export): one export row → one file in the store.
// Fetch the source (the proxy, or the master: stored, restored or made on demand), cut, check the
// file (integrity.ts), one PUT under a key derived from the export key, record the result. A smart
// cut that fails its check is redone as a whole re-encode before the export fails. Progress goes to
// the row (throttled). Retryable failures (store, restore pending, a crashed ffmpeg) are retried by
// pg-boss; the others fail the export with their code at once.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Job } from 'pg-boss';
import { getVideo, listArtefacts } from '../db/index.ts';
import { redactText } from '../log/index.ts';
import { classify } from '../pipeline/errors.ts';
import { QUEUES } from '../queue/index.ts';
import { cutClip, EXTENSION, type CutResult } from './cut.ts';
import { getClip, getExport, markDone, markFailed, markRestoring, markRunning, setExportProgress, type ExportRow } from './db.ts';
import type { ExportDeps } from './deps.ts';
import { ExportError, isExportError } from './errors.ts';
import { frameIndex } from './frames.ts';
import { verifyCut, type IntegrityReport } from './integrity.ts';
import { ExportJob } from './job.ts';
import { hydrateMaster, needsRestore, storedMaster } from './master.ts';


export type ExportOutput = {
  exportId: string;
  state: ExportRow['state'];
  storeUri?: string | null;
  frames?: number | null;
  extraLeadingFrames?: number | null;
  reencodedFrames?: number | null;
  error?: string;
};

const outputOf = (r: ExportRow): ExportOutput => ({
  exportId: r.id,
  state: r.state,
  storeUri: r.storeUri,
  frames: r.frames,
  extraLeadingFrames: r.extraLeadingFrames,
  reencodedFrames: r.reencodedFrames,
  ...(r.errorCode ? { error: r.errorCode } : {}),
});

/** Object key of an export: derived from the export key's inputs, so a re-run overwrites itself. */
export const exportObjectKey = (r: Pick<ExportRow, 'videoId' | 'clipId' | 'mode' | 'startFrame' | 'endFrame'>) =>
  `exports/${r.videoId}/${r.clipId}/${r.mode}-${r.startFrame}-${r.endFrame}.${EXTENSION[r.mode]}`;

export async function runExportJob(deps: ExportDeps, job: Pick<Job<unknown>, 'id' | 'data' | 'retryCount'> & { retryLimit?: number; signal?: AbortSignal }): Promise<ExportOutput> {
  const parsed = ExportJob.safeParse(job.data);
  if (!parsed.success) {
    deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'invalid export job data');
    return { exportId: '', state: 'failed', error: 'invalid_job' };
  }
  const row = await getExport(deps.db, parsed.data.exportId);
  if (!row) return { exportId: parsed.data.exportId, state: 'failed', error: 'not_found' };
  if (row.state === 'done') return outputOf(row); // idempotent: the file is already stored
  const log = deps.logger.child({ stage: 'export', exportId: row.id, clipId: row.clipId, mode: row.mode, jobId: job.id });
  await markRunning(deps.db, row.id);
  const dir = path.join(deps.cfg.workDir, 'exports', row.id);
  try {
    const done = await exportOne(deps, row, dir, log, job.signal);
    log.info({ storeUri: done.storeUri, frames: done.frames, method: done.method, wallMs: done.wallMs }, 'export done');
    return outputOf(done);
  } catch (err) {
    if (isExportError(err, 'restore_pending')) {
      await markRestoring(deps.db, row.id);
      const recheckS = deps.cfg.exportRestoreRecheckS;
      await deps.boss.send(QUEUES.export, { exportId: row.id }, { startAfter: recheckS });
      log.info({ recheckS }, 'master restore in progress: export re-queued');
      return { exportId: row.id, state: 'restoring' };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    // The pipeline's classifier: a typed error says its code and whether a retry helps (retryable,
    // declared where it is thrown); a foreign one is `internal` (or its own snake_case code), retryable.
    const { code, retryable } = classify(e);
    const willRetry = !!job.signal?.aborted || (retryable && job.retryCount < (job.retryLimit ?? 0));
    log.warn({ code, err: redactText(e.message), willRetry }, 'export failed');
    if (willRetry) throw new Error(`${code}: ${redactText(e.message)}`);
    await markFailed(deps.db, row.id, code, e.message);
    return { exportId: row.id, state: 'failed', error: code };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function exportOne(deps: ExportDeps, row: ExportRow, dir: string, log: ExportDeps['logger'], signal?: AbortSignal): Promise<ExportRow> {
  const started = performance.now();
  const video = await getVideo(deps.db, row.videoId);
  if (!video) throw new ExportError('video_not_found', `video ${row.videoId} not found`);
  const clip = await getClip(deps.db, row.clipId);
  // The row fixes the range; a clip that was re-cut since is a new export (another key).
  const range = { startFrame: row.startFrame, endFrame: row.endFrame };
  if (!clip) log.info('clip no longer exists; exporting the range the export was asked for');
  await fs.mkdir(dir, { recursive: true });

  let lastWrite = 0;
  const progress = (stage: string, percent: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < 500) return;
    lastWrite = now;
    void setExportProgress(deps.db, row.id, { stage, percent, at: new Date(now).toISOString() }).catch(() => {});
  };

  // The source: copy needs the proxy; master needs the master (made or restored if need be); exact
  // takes a stored master it can read at once, else the proxy (it does not wait hours for a restore).
  const stored = row.mode === 'exact' ? await storedMaster(deps, video.id) : undefined;
  const wantsMaster = row.mode === 'master' || (!!stored && !needsRestore(stored.storageClass));
  let src: string;
  let srcKind: 'proxy' | 'master';
  let masterHydrated: string | null = null;
  const storeOps: Record<string, number> = {};
  const addOps = (o: object) => {
    for (const [k, v] of Object.entries(o)) if (typeof v === 'number') storeOps[k] = (storeOps[k] ?? 0) + v;
  };
  if (wantsMaster) {
    progress('master', 0, true);
    const h = await hydrateMaster(deps, video, path.join(dir, 'master.mkv'), { signal });
    addOps(h.storeOps);
    src = h.path;
    srcKind = 'master';
    masterHydrated = h.how;
  } else {
    const proxy = (await listArtefacts(deps.db, video.id)).find((a) => a.kind === 'proxy');
    if (!proxy) throw new ExportError('video_not_ready', `video ${video.id} has no stored proxy`);
    progress('fetch', 0, true);
    src = path.join(dir, 'proxy.mp4');
    addOps((await deps.store.get(proxy.objectKey, src)).ops);
    srcKind = 'proxy';
  }

  const index = await frameIndex(src, deps.bins);
  const dst = path.join(dir, `out.${EXTENSION[row.mode]}`);
  const cut = async (forceReencode: boolean): Promise<{ cut: CutResult; integrity: IntegrityReport }> => {
    const c = await cutClip({
      mode: row.mode, src, srcKind, dst, ...range, bins: deps.bins, tmpDir: path.join(dir, 'tmp'), forceReencode, signal, index,
      onProgress: (p) => progress('cut', Math.min(95, p * 0.9)),
    });
    progress('verify', 95, true);
    return { cut: c, integrity: await verifyCut(c, range, { path: src, index }, deps.bins) };
  };
  let result: { cut: CutResult; integrity: IntegrityReport };
  try {
    result = await cut(false);
  } catch (err) {
    // A smart cut whose joins do not hold (an unusual source: open GOPs, odd B-frame delays) is redone whole.
    if (!(row.mode === 'exact' && isExportError(err, 'integrity_failed'))) throw err;
    log.warn({ err: (err as Error).message }, 'smart cut failed its check: re-encoding the clip');
    result = await cut(true);
  }

  const key = exportObjectKey(row);
  const put = await deps.store.put(key, result.cut.path, { contentType: result.cut.contentType });
  addOps(put.ops);
  return markDone(deps.db, row.id, {
    storeUri: deps.store.uri(key),
    objectKey: key,
    bytes: put.bytes,
    sha256: put.sha256,
    contentType: result.cut.contentType,
    method: result.cut.method,
    source: srcKind,
    masterHydrated,
    frames: result.cut.frames,
    extraLeadingFrames: result.cut.extraLeadingFrames,
    extraTrailingFrames: result.cut.extraTrailingFrames,
    reencodedFrames: result.cut.reencodedFrames,
    integrity: { ...result.integrity, storeOps },
    wallMs: Math.round(performance.now() - started),
  });
}

/**
 * Consume heaters.export with `concurrency` workers (each fetches again right after a job, as the
 * pipeline's do). Returns the worker ids and a promise of the handlers still running, for shutdown.
 */
export async function registerExportWorkers(deps: ExportDeps, concurrency: number): Promise<{ ids: string[]; idle(): Promise<void> }> {
  const ids: string[] = [];
  const running = new Set<Promise<unknown>>();
  // A restore's re-queued job is deferred by HEATERS_EXPORT_RESTORE_RECHECK_S and raises no NOTIFY when
  // it comes due: the backstop poll is at most that long, within pg-boss's floor (0.5 s) and its
  // default (30 s). pg-boss wants the base poll (default 2 s) no longer than the backstop, so a
  // recheck under 2 s lowers that too.
  const every = Math.min(30, Math.max(0.5, deps.cfg.exportRestoreRecheckS));
  const poll = { notifyPollingIntervalSeconds: every, ...(every < 2 ? { pollingIntervalSeconds: every } : {}) };
  for (let i = 0; i < concurrency; i++) {
    let id = '';
    id = await deps.boss.work(QUEUES.export, { includeMetadata: true, batchSize: 1, ...poll }, async (jobs) => {
      const run = (async () => {
        for (const job of jobs) return await runExportJob(deps, job);
      })();
      running.add(run);
      try {
        return await run;
      } finally {
        running.delete(run);
        deps.boss.notifyWorker(id);
      }
    });
    ids.push(id);
  }
  return { ids, idle: async () => void (await Promise.allSettled([...running])) };
}
