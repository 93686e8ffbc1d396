// SQL of the export room: the exports table (migration 005) and the clip rows export reads. Clips are
// read here by their stable id; group_id (the review room's migration 003) is read through to_jsonb
// so this works with or without it.
import { createHash } from 'node:crypto';
import { storableErrorMessage, type Clip, type ClipRow as DbClipRow, type Db } from '../db/index.ts';
import type { ExportMode } from './cut.ts';

export const EXPORT_STATES = ['queued', 'running', 'restoring', 'done', 'failed'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** A clip as the export reads it: the clips table's own shape (db/clips.ts), less what export ignores. */
export type ExportClip = Pick<Clip, 'id' | 'videoId' | 'idx' | 'startFrame' | 'endFrame' | 'startS' | 'endS' | 'keyframeS' | 'reviewState' | 'groupId'>;

type ClipRow = Pick<DbClipRow, 'id' | 'video_id' | 'idx' | 'start_frame' | 'end_frame' | 'start_s' | 'end_s' | 'keyframe_s' | 'review_state' | 'group_id'>;
const CLIP_COLUMNS = `c.id, c.video_id, c.idx, c.start_frame, c.end_frame, c.start_s, c.end_s, c.keyframe_s, c.review_state,
  to_jsonb(c) ->> 'group_id' AS group_id`;
const toClip = (r: ClipRow): ExportClip => ({
  id: r.id, videoId: r.video_id, idx: r.idx, startFrame: r.start_frame, endFrame: r.end_frame, startS: r.start_s,
  endS: r.end_s, keyframeS: r.keyframe_s, reviewState: r.review_state, groupId: r.group_id,
});

export async function getClip(db: Db, clipId: string): Promise<ExportClip | undefined> {
  const { rows } = await db.query<ClipRow>(`SELECT ${CLIP_COLUMNS} FROM heaters.clips c WHERE c.id = $1`, [clipId]);
  return rows[0] ? toClip(rows[0]) : undefined;
}

/** A video's clips in order; `approved` keeps only approved ones. */
export async function videoClips(db: Db, videoId: string, state: 'approved' | 'all'): Promise<ExportClip[]> {
  const { rows } = await db.query<ClipRow>(
    `SELECT ${CLIP_COLUMNS} FROM heaters.clips c WHERE c.video_id = $1 AND ($2 = 'all' OR c.review_state = 'approved') ORDER BY c.idx`,
    [videoId, state],
  );
  return rows.map(toClip);
}

/** The clips of a group, in order (empty when there is no such group or no groups at all). */
export async function groupClips(db: Db, groupId: string): Promise<ExportClip[]> {
  const { rows } = await db.query<ClipRow>(
    `SELECT ${CLIP_COLUMNS} FROM heaters.clips c WHERE to_jsonb(c) ->> 'group_id' = $1 ORDER BY c.video_id, c.idx`,
    [groupId],
  );
  return rows.map(toClip);
}

/** Whether clips can be grouped in this database (the review room's group_id column). */
export async function groupsAvailable(db: Db): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = 'heaters' AND table_name = 'clips' AND column_name = 'group_id'`,
  );
  return rows.length > 0;
}

export type ExportRow = {
  id: string;
  exportKey: string;
  videoId: string;
  clipId: string;
  mode: ExportMode;
  startFrame: number;
  endFrame: number;
  state: ExportState;
  progress: Record<string, unknown> | null;
  attempts: number;
  storeUri: string | null;
  objectKey: string | null;
  bytes: number | null;
  sha256: string | null;
  contentType: string | null;
  method: string | null;
  source: string | null;
  masterHydrated: string | null;
  frames: number | null;
  extraLeadingFrames: number | null;
  extraTrailingFrames: number | null;
  reencodedFrames: number | null;
  integrity: unknown;
  wallMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

type Row = Record<string, unknown>;
function toExport(r: Row): ExportRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: r.id as string,
    exportKey: r.export_key as string,
    videoId: r.video_id as string,
    clipId: r.clip_id as string,
    mode: r.mode as ExportMode,
    startFrame: r.start_frame as number,
    endFrame: r.end_frame as number,
    state: r.state as ExportState,
    progress: (r.progress as Record<string, unknown> | null) ?? null,
    attempts: r.attempts as number,
    storeUri: (r.store_uri as string | null) ?? null,
    objectKey: (r.object_key as string | null) ?? null,
    bytes: n(r.bytes),
    sha256: (r.sha256 as string | null) ?? null,
    contentType: (r.content_type as string | null) ?? null,
    method: (r.method as string | null) ?? null,
    source: (r.source as string | null) ?? null,
    masterHydrated: (r.master_hydrated as string | null) ?? null,
    frames: n(r.frames),
    extraLeadingFrames: n(r.extra_leading_frames),
    extraTrailingFrames: n(r.extra_trailing_frames),
    reencodedFrames: n(r.reencoded_frames),
    integrity: r.integrity ?? null,
    wallMs: n(r.wall_ms),
    errorCode: (r.error_code as string | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    createdAt: r.created_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
  };
}

/** The idempotency key of an export: the clip, the mode and the clip's range. */
export function exportKeyOf(clipId: string, mode: ExportMode, startFrame: number, endFrame: number): string {
  return createHash('sha256').update(JSON.stringify([clipId, mode, startFrame, endFrame])).digest('hex');
}

/**
 * The export row for this key, created if new. A failed export is queued again; a queued, running,
 * restoring or done one is returned as it is. `fresh` says whether a job must be sent.
 */
export async function upsertExport(
  db: Db,
  x: { clip: ExportClip; mode: ExportMode },
): Promise<{ row: ExportRow; fresh: boolean }> {
  const key = exportKeyOf(x.clip.id, x.mode, x.clip.startFrame, x.clip.endFrame);
  const { rows } = await db.query(
    `INSERT INTO heaters.exports (export_key, video_id, clip_id, mode, start_frame, end_frame)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (export_key) DO UPDATE SET
       state = CASE WHEN heaters.exports.state = 'failed' THEN 'queued' ELSE heaters.exports.state END,
       error_code = CASE WHEN heaters.exports.state = 'failed' THEN NULL ELSE heaters.exports.error_code END,
       error_message = CASE WHEN heaters.exports.state = 'failed' THEN NULL ELSE heaters.exports.error_message END
     RETURNING *, (xmax = 0) AS inserted, (SELECT e.state FROM heaters.exports e WHERE e.export_key = $1) AS previous_state`,
    [key, x.clip.videoId, x.clip.id, x.mode, x.clip.startFrame, x.clip.endFrame],
  );
  const r = rows[0] as Row;
  const fresh = r.inserted === true || r.previous_state === 'failed';
  return { row: toExport(r), fresh };
}

export async function getExport(db: Db, id: string): Promise<ExportRow | undefined> {
  const { rows } = await db.query('SELECT * FROM heaters.exports WHERE id = $1', [id]);
  return rows[0] ? toExport(rows[0] as Row) : undefined;
}

export async function listExports(db: Db, videoId: string): Promise<ExportRow[]> {
  const { rows } = await db.query('SELECT * FROM heaters.exports WHERE video_id = $1 ORDER BY created_at, id', [videoId]);
  return rows.map((r) => toExport(r as Row));
}

export async function markRunning(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE heaters.exports SET state = 'running', attempts = attempts + 1 WHERE id = $1`, [id]);
}

export async function markRestoring(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE heaters.exports SET state = 'restoring' WHERE id = $1`, [id]);
}

export async function setExportProgress(db: Db, id: string, progress: Record<string, unknown>): Promise<void> {
  await db.query(`UPDATE heaters.exports SET progress = $2 WHERE id = $1`, [id, JSON.stringify(progress)]);
}

export type ExportDone = {
  storeUri: string;
  objectKey: string;
  bytes: number;
  sha256: string;
  contentType: string;
  method: string;
  source: string;
  masterHydrated: string | null;
  frames: number;
  extraLeadingFrames: number;
  extraTrailingFrames: number;
  reencodedFrames: number;
  integrity: unknown;
  wallMs: number;
};

export async function markDone(db: Db, id: string, d: ExportDone): Promise<ExportRow> {
  const { rows } = await db.query(
    `UPDATE heaters.exports SET state = 'done', store_uri = $2, object_key = $3, bytes = $4, sha256 = $5, content_type = $6,
       method = $7, source = $8, master_hydrated = $9, frames = $10, extra_leading_frames = $11, extra_trailing_frames = $12,
       reencoded_frames = $13, integrity = $14, wall_ms = $15, error_code = NULL, error_message = NULL, finished_at = now(),
       progress = jsonb_build_object('stage', 'done', 'percent', 100)
     WHERE id = $1 RETURNING *`,
    [id, d.storeUri, d.objectKey, d.bytes, d.sha256, d.contentType, d.method, d.source, d.masterHydrated, d.frames,
      d.extraLeadingFrames, d.extraTrailingFrames, d.reencodedFrames, JSON.stringify(d.integrity), d.wallMs],
  );
  return toExport(rows[0] as Row);
}

export async function markFailed(db: Db, id: string, code: string, message: string): Promise<void> {
  await db.query(
    `UPDATE heaters.exports SET state = 'failed', error_code = $2, error_message = $3, finished_at = now() WHERE id = $1`,
    [id, code, storableErrorMessage(message)],
  );
}
