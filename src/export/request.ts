// Asking for exports: one clip, or the approved (or all) clips of a video. Idempotent: the export
// row is keyed by clip id + mode + range, and its job is sent in the same transaction as the row,
// only when the row is new (or failed before). Used by the CLI and the HTTP API.
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { getVideo, withTransaction } from '../db/index.ts';
import { QUEUES } from '../queue/index.ts';
import { EXPORT_MODES, type ExportMode } from './cut.ts';
import { getClip, getExport, groupClips, upsertExport, videoClips, type ExportClip, type ExportRow } from './db.ts';
import { ExportError } from './errors.ts';
import type { ExportJob } from './job.ts';
import { inTx } from '../queue/tx.ts';

type RequestDeps = { db: pg.Pool; boss: PgBoss };

export function parseMode(mode: unknown): ExportMode {
  if (typeof mode === 'string' && (EXPORT_MODES as readonly string[]).includes(mode)) return mode as ExportMode;
  throw new ExportError('bad_request', `mode must be one of ${EXPORT_MODES.join(', ')}`);
}

async function requestFor(deps: RequestDeps, clip: ExportClip, mode: ExportMode): Promise<ExportRow> {
  return withTransaction(deps.db, async (client) => {
    const { row, fresh } = await upsertExport(client, { clip, mode });
    if (fresh) {
      const data: ExportJob = { exportId: row.id };
      await deps.boss.send(QUEUES.export, data, { db: inTx(client), singletonKey: row.exportKey });
    }
    return row;
  });
}

export async function requestClipExport(deps: RequestDeps, clipId: string, mode: ExportMode): Promise<ExportRow> {
  const clip = await getClip(deps.db, clipId);
  if (!clip) throw new ExportError('clip_not_found', `clip ${clipId} not found`);
  const video = await getVideo(deps.db, clip.videoId);
  if (video?.state !== 'ready') throw new ExportError('video_not_ready', `video ${clip.videoId} is not ready (${video?.state ?? 'missing'})`);
  return requestFor(deps, clip, mode);
}

export async function requestVideoExport(
  deps: RequestDeps,
  videoId: string,
  mode: ExportMode,
  state: 'approved' | 'all',
): Promise<ExportRow[]> {
  const video = await getVideo(deps.db, videoId);
  if (!video) throw new ExportError('video_not_found', `video ${videoId} not found`);
  if (video.state !== 'ready') throw new ExportError('video_not_ready', `video ${videoId} is not ready (${video.state})`);
  const clips = await videoClips(deps.db, videoId, state);
  if (clips.length === 0) throw new ExportError('bad_request', `video ${videoId} has no ${state === 'approved' ? 'approved ' : ''}clips`);
  const rows: ExportRow[] = [];
  for (const clip of clips) rows.push(await requestFor(deps, clip, mode));
  return rows;
}

/**
 * Export a group: one file per run of adjacent clips (the usual group is one run: clips grouped
 * with their neighbours), covering the run from its first clip's start to its last clip's end. The
 * export row names the run's first clip and carries the run's range, so its key differs from that
 * clip's own export.
 */
export async function requestGroupExport(deps: RequestDeps, groupId: string, mode: ExportMode): Promise<ExportRow[]> {
  const clips = await groupClips(deps.db, groupId);
  if (clips.length === 0) throw new ExportError('bad_request', `no clips in group ${groupId}`);
  const video = await getVideo(deps.db, clips[0]!.videoId);
  if (video?.state !== 'ready') throw new ExportError('video_not_ready', `video ${clips[0]!.videoId} is not ready`);
  const runs: ExportClip[] = [];
  for (const c of clips) {
    const last = runs.at(-1);
    if (last && last.videoId === c.videoId && last.endFrame === c.startFrame) runs[runs.length - 1] = { ...last, endFrame: c.endFrame, endS: c.endS };
    else runs.push({ ...c });
  }
  const rows: ExportRow[] = [];
  for (const run of runs) rows.push(await requestFor(deps, run, mode));
  return rows;
}

/** Poll export rows until each is done or failed (the row is where the result lives). */
export async function waitExports(
  db: pg.Pool,
  ids: readonly string[],
  opts: { timeoutMs: number; intervalMs?: number; onProgress?: (rows: ExportRow[]) => void },
): Promise<ExportRow[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const rows = (await Promise.all(ids.map((id) => getExport(db, id)))).filter((r): r is ExportRow => !!r);
    opts.onProgress?.(rows);
    if (rows.length === ids.length && rows.every((r) => r.state === 'done' || r.state === 'failed')) return rows;
    if (Date.now() > deadline) throw new ExportError('encode_failed', `exports not finished within ${opts.timeoutMs} ms: is a daemon running?`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
