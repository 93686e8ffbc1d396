// The videos table: one row per ingest, its state machine and what the stages learned.
import { redactText } from '../log/index.ts';
import { DbError, type Db } from './client.ts';

export const VIDEO_STATES = ['queued', 'downloading', 'preprocessing', 'detecting', 'finalizing', 'ready', 'failed', 'cancelled'] as const;
export type VideoState = (typeof VIDEO_STATES)[number];
/** States a stage moves a video into; `ready` and `failed` have their own functions. */
export type ActiveVideoState = Exclude<VideoState, 'ready' | 'failed' | 'cancelled'>;
/** Terminal states no stage moves on from (`retry` reopens failed and cancelled ones). */
export const SETTLED_STATES: readonly VideoState[] = ['ready', 'failed', 'cancelled'];

export type VideoProgress = {
  stage: string;
  percent?: number;
  bytes?: number;
  speed?: number;
  [key: string]: unknown;
};

export type Video = {
  id: string;
  sourceUrl: string;
  idempotencyKey: string;
  options: Record<string, unknown>;
  state: VideoState;
  progress: VideoProgress | null;
  probe: unknown;
  keyframeTimes: number[] | null;
  detector: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  title: string | null;
  durationS: number | null;
  createdAt: Date;
  updatedAt: Date;
  readyAt: Date | null;
  /** The host holding (or last holding) the video's local artefacts. */
  hostId: string | null;
};

type VideoRow = {
  id: string;
  source_url: string;
  idempotency_key: string;
  options: Record<string, unknown>;
  state: VideoState;
  progress: VideoProgress | null;
  probe: unknown;
  keyframe_times: number[] | null;
  detector: unknown;
  error_code: string | null;
  error_message: string | null;
  title: string | null;
  duration_s: number | null;
  created_at: Date;
  updated_at: Date;
  ready_at: Date | null;
  host_id: string | null;
};

function toVideo(r: VideoRow): Video {
  return {
    id: r.id,
    sourceUrl: r.source_url,
    idempotencyKey: r.idempotency_key,
    options: r.options,
    state: r.state,
    progress: r.progress,
    probe: r.probe,
    keyframeTimes: r.keyframe_times,
    detector: r.detector,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    title: r.title,
    durationS: r.duration_s,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    readyAt: r.ready_at,
    hostId: r.host_id,
  };
}

export type CreateVideoInput = { url: string; idempotencyKey: string; options?: Record<string, unknown> };

/**
 * The live (not failed) video for this key, created if there is none. Race-safe: concurrent calls
 * for one key get the same row and exactly one of them `created: true` (the partial unique index
 * arbitrates; ON CONFLICT waits for the competing insert to commit).
 */
export async function createOrGetVideo(db: Db, input: CreateVideoInput): Promise<{ video: Video; created: boolean }> {
  // A conflicting row can fail between our insert and our select; then the key is free again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const inserted = await db.query<VideoRow>(
      `INSERT INTO heaters.videos (source_url, idempotency_key, options)
       VALUES ($1, $2, $3)
       ON CONFLICT (idempotency_key) WHERE state NOT IN ('failed', 'cancelled') DO NOTHING
       RETURNING *`,
      [input.url, input.idempotencyKey, JSON.stringify(input.options ?? {})],
    );
    const row = inserted.rows[0];
    if (row) return { video: toVideo(row), created: true };
    const existing = await db.query<VideoRow>(
      `SELECT * FROM heaters.videos WHERE idempotency_key = $1 AND state NOT IN ('failed', 'cancelled')`,
      [input.idempotencyKey],
    );
    const live = existing.rows[0];
    if (live) return { video: toVideo(live), created: false };
  }
  throw new Error(`createOrGetVideo: could not settle idempotency key ${input.idempotencyKey}`);
}

export async function getVideo(db: Db, id: string): Promise<Video | undefined> {
  const { rows } = await db.query<VideoRow>('SELECT * FROM heaters.videos WHERE id = $1', [id]);
  return rows[0] ? toVideo(rows[0]) : undefined;
}

// Zero rows from a guarded update: say whether the video is missing or failed.
async function explainMiss(db: Db, id: string): Promise<never> {
  const video = await getVideo(db, id);
  if (!video) throw new DbError('video_not_found', `video ${id} not found`);
  if (video.state === 'cancelled') throw new DbError('video_failed', `video ${id} was cancelled`);
  throw new DbError('video_failed', `video ${id} has failed (${video.errorCode ?? 'unknown'}); retry it as a new video`);
}

async function updateOne(db: Db, id: string, sql: string, params: unknown[]): Promise<Video> {
  const { rows } = await db.query<VideoRow>(sql, [id, ...params]);
  return rows[0] ? toVideo(rows[0]) : explainMiss(db, id);
}

/** Move a video to a stage's state. A failed video is terminal (video_failed). */
export async function setState(db: Db, id: string, state: ActiveVideoState): Promise<Video> {
  if (state === ('ready' as string) || state === ('failed' as string) || state === ('cancelled' as string) || !VIDEO_STATES.includes(state)) {
    throw new DbError('invalid_input', `setState: use markReady/failVideo for ${state}`);
  }
  return updateOne(db, id, `UPDATE heaters.videos SET state = $2 WHERE id = $1 AND state NOT IN ('failed', 'cancelled') RETURNING *`, [state]);
}

export async function setProgress(db: Db, id: string, progress: VideoProgress): Promise<Video> {
  return updateOne(db, id, `UPDATE heaters.videos SET progress = $2 WHERE id = $1 RETURNING *`, [JSON.stringify(progress)]);
}

export async function setProbe(
  db: Db,
  id: string,
  probe: unknown,
  meta: { title?: string | null; durationS?: number | null } = {},
): Promise<Video> {
  return updateOne(
    db,
    id,
    `UPDATE heaters.videos
     SET probe = $2, title = COALESCE($3, title), duration_s = COALESCE($4, duration_s)
     WHERE id = $1 RETURNING *`,
    [JSON.stringify(probe), meta.title ?? null, meta.durationS ?? null],
  );
}

export async function setKeyframes(db: Db, id: string, times: readonly number[]): Promise<Video> {
  if (!times.every((t) => Number.isFinite(t))) throw new DbError('invalid_input', 'keyframe times must be finite numbers');
  return updateOne(db, id, `UPDATE heaters.videos SET keyframe_times = $2 WHERE id = $1 RETURNING *`, [times]);
}

export const MAX_ERROR_MESSAGE_CHARS = 2000;

/** Redact, then keep the head and the tail (the cause is often at the end of a tool's output). */
export function storableErrorMessage(message: string): string {
  const clean = redactText(message).replace(/\u0000/g, '');
  if (clean.length <= MAX_ERROR_MESSAGE_CHARS) return clean;
  const head = safeSlice(clean, 0, 1200);
  const tail = safeSlice(clean, clean.length - 700, clean.length);
  return `${head} … [${clean.length - head.length - tail.length} chars truncated] … ${tail}`;
}

// Never split a surrogate pair.
function safeSlice(s: string, start: number, end: number): string {
  let a = start;
  let b = end;
  if (a > 0 && /[\uDC00-\uDFFF]/.test(s.charAt(a))) a++;
  if (b < s.length && /[\uDC00-\uDFFF]/.test(s.charAt(b))) b--;
  return s.slice(a, b);
}

/** Mark a video failed with a stable error code and a redacted, bounded message. */
export async function failVideo(db: Db, id: string, code: string, message: string): Promise<Video> {
  if (!code || code.length > 100) throw new DbError('invalid_input', 'failVideo: error code must be 1-100 chars');
  return updateOne(
    db,
    id,
    `UPDATE heaters.videos SET state = 'failed', error_code = $2, error_message = $3 WHERE id = $1 AND state <> 'cancelled' RETURNING *`,
    [code, storableErrorMessage(message)],
  );
}

/**
 * Send a ready video back to scene detection with new detector parameters (its proxy is in the
 * store). Only a ready video can be reopened; the clips stay until the new ones replace them.
 */
export async function reopenForDetect(db: Db, id: string, detect: Record<string, unknown>): Promise<Video> {
  const { rows } = await db.query<VideoRow>(
    `UPDATE heaters.videos
     SET state = 'detecting', options = options || jsonb_build_object('detect', $2::jsonb), progress = NULL
     WHERE id = $1 AND state = 'ready' RETURNING *`,
    [id, JSON.stringify(detect)],
  );
  if (rows[0]) return toVideo(rows[0]);
  const video = await getVideo(db, id);
  if (!video) throw new DbError('video_not_found', `video ${id} not found`);
  throw new DbError('invalid_input', `video ${id} is ${video.state}; only a ready video can be re-detected`);
}

export async function markReady(db: Db, id: string): Promise<Video> {
  return updateOne(
    db,
    id,
    `UPDATE heaters.videos
     SET state = 'ready', ready_at = COALESCE(ready_at, now()), error_code = NULL, error_message = NULL,
         progress = NULL -- the last stage's percent is history; readers must not see "ready 64.9%"
     WHERE id = $1 AND state NOT IN ('failed', 'cancelled') RETURNING *`,
    [],
  );
}

// Operations (`heaters list`, `cancel`, `retry`, `dead --redrive`).

/** Newest first, optionally only some states. */
export async function listVideos(db: Db, opts: { states?: readonly VideoState[]; limit?: number } = {}): Promise<Video[]> {
  const states = opts.states?.length ? [...opts.states] : null;
  const { rows } = await db.query<VideoRow>(
    `SELECT * FROM heaters.videos WHERE ($1::text[] IS NULL OR state = ANY($1)) ORDER BY created_at DESC, id LIMIT $2`,
    [states, opts.limit ?? 100],
  );
  return rows.map(toVideo);
}

/**
 * Mark a video cancelled, unless it is already settled. Returns the row as it is now and whether
 * this call cancelled it. The caller notifies the daemons (pipeline/cancel.ts) in the same transaction.
 */
export async function cancelVideo(db: Db, id: string): Promise<{ video: Video; cancelled: boolean }> {
  const { rows } = await db.query<VideoRow>(
    `UPDATE heaters.videos SET state = 'cancelled', progress = NULL, error_code = 'cancelled', error_message = 'cancelled by an operator'
     WHERE id = $1 AND state NOT IN ('ready', 'failed', 'cancelled') RETURNING *`,
    [id],
  );
  if (rows[0]) return { video: toVideo(rows[0]), cancelled: true };
  const video = await getVideo(db, id);
  if (!video) throw new DbError('video_not_found', `video ${id} not found`);
  return { video, cancelled: false };
}

/**
 * Reopen a failed or cancelled video at the state of the stage that will run next (`queued` for a
 * fresh download): the error is cleared, the row keeps its id. Refused (invalid_input) when the video
 * is not failed or cancelled, or when another live video now holds its source (its id is named).
 */
export async function reopenVideo(db: Db, id: string, state: ActiveVideoState = 'queued'): Promise<Video> {
  const video = await getVideo(db, id);
  if (!video) throw new DbError('video_not_found', `video ${id} not found`);
  if (video.state !== 'failed' && video.state !== 'cancelled') {
    throw new DbError('invalid_input', `video ${id} is ${video.state}; only a failed or cancelled video can be retried`);
  }
  const live = await db.query<{ id: string }>(
    `SELECT id FROM heaters.videos WHERE idempotency_key = $1 AND state NOT IN ('failed', 'cancelled') AND id <> $2`,
    [video.idempotencyKey, id],
  );
  if (live.rows[0]) throw new DbError('invalid_input', `the same source is already live as video ${live.rows[0].id}`);
  const { rows } = await db.query<VideoRow>(
    `UPDATE heaters.videos SET state = $2, error_code = NULL, error_message = NULL, progress = NULL
     WHERE id = $1 AND state IN ('failed', 'cancelled') RETURNING *`,
    [id, state],
  );
  if (!rows[0]) throw new DbError('invalid_input', `video ${id} changed state while being retried`);
  return toVideo(rows[0]);
}
