// Per-stage metrics (one row per attempt), the data behind the cost table.
import type { Db } from './client.ts';

export type StoreOps = { put?: number; get?: number; head?: number; list?: number; delete?: number; [op: string]: number | undefined };

export type StageRunInput = {
  videoId: string;
  stage: string;
  attempt?: number;
  startedAt: Date;
  finishedAt?: Date | null;
  /** Defaults to finishedAt - startedAt when both are given. */
  wallMs?: number | null;
  ok?: boolean | null;
  errorCode?: string | null;
  /** Gap between the previous stage's finish and this start. */
  handoffMs?: number | null;
  bytesUp?: number | null;
  bytesDown?: number | null;
  storeOps?: StoreOps | null;
  encodePasses?: number | null;
  details?: Record<string, unknown> | null;
  /** The host that ran it. */
  hostId?: string | null;
};

export type StageRun = {
  id: number;
  videoId: string;
  stage: string;
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  wallMs: number | null;
  ok: boolean | null;
  errorCode: string | null;
  handoffMs: number | null;
  bytesUp: number | null;
  bytesDown: number | null;
  storeOps: StoreOps | null;
  encodePasses: number | null;
  details: Record<string, unknown> | null;
  hostId: string | null;
};

type StageRunRow = {
  id: string;
  video_id: string;
  stage: string;
  attempt: number;
  started_at: Date;
  finished_at: Date | null;
  wall_ms: number | null;
  ok: boolean | null;
  error_code: string | null;
  handoff_ms: number | null;
  bytes_up: string | null;
  bytes_down: string | null;
  store_ops: StoreOps | null;
  encode_passes: number | null;
  details: Record<string, unknown> | null;
  host_id: string | null;
};

const num = (v: string | null): number | null => (v === null ? null : Number(v));

const toStageRun = (r: StageRunRow): StageRun => ({
  id: Number(r.id),
  videoId: r.video_id,
  stage: r.stage,
  attempt: r.attempt,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  wallMs: r.wall_ms,
  ok: r.ok,
  errorCode: r.error_code,
  handoffMs: r.handoff_ms,
  bytesUp: num(r.bytes_up),
  bytesDown: num(r.bytes_down),
  storeOps: r.store_ops,
  encodePasses: r.encode_passes,
  details: r.details,
  hostId: r.host_id,
});

const int = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v));

export async function recordStageRun(db: Db, run: StageRunInput): Promise<StageRun> {
  const wallMs = run.wallMs ?? (run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null);
  const { rows } = await db.query<StageRunRow>(
    `INSERT INTO heaters.stage_runs (video_id, stage, attempt, started_at, finished_at, wall_ms, ok, error_code,
       handoff_ms, bytes_up, bytes_down, store_ops, encode_passes, details, host_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     RETURNING *`,
    [
      run.videoId,
      run.stage,
      run.attempt ?? 1,
      run.startedAt,
      run.finishedAt ?? null,
      int(wallMs),
      run.ok ?? null,
      run.errorCode ?? null,
      int(run.handoffMs),
      int(run.bytesUp),
      int(run.bytesDown),
      run.storeOps ? JSON.stringify(run.storeOps) : null,
      run.encodePasses ?? null,
      run.details ? JSON.stringify(run.details) : null,
      run.hostId ?? null,
    ],
  );
  return toStageRun(rows[0] as StageRunRow);
}

/**
 * Open a stage run when the attempt starts (finished_at NULL), so an attempt whose host dies mid-way
 * is still on record; `finishStageRun` fills in the outcome.
 */
export async function startStageRun(
  db: Db,
  run: Pick<StageRunInput, 'videoId' | 'stage' | 'attempt' | 'startedAt' | 'handoffMs' | 'hostId' | 'details'>,
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO heaters.stage_runs (video_id, stage, attempt, started_at, handoff_ms, host_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [run.videoId, run.stage, run.attempt ?? 1, run.startedAt, int(run.handoffMs), run.hostId ?? null, run.details ? JSON.stringify(run.details) : null],
  );
  return Number(rows[0]!.id);
}

export async function finishStageRun(
  db: Db,
  id: number,
  run: Pick<StageRunInput, 'finishedAt' | 'wallMs' | 'ok' | 'errorCode' | 'bytesUp' | 'bytesDown' | 'storeOps' | 'encodePasses' | 'details'>,
): Promise<void> {
  await db.query(
    `UPDATE heaters.stage_runs SET finished_at = $2, wall_ms = $3, ok = $4, error_code = $5, bytes_up = $6,
       bytes_down = $7, store_ops = $8, encode_passes = $9, details = COALESCE(details, '{}'::jsonb) || $10::jsonb
     WHERE id = $1`,
    [
      id,
      run.finishedAt ?? new Date(),
      int(run.wallMs),
      run.ok ?? null,
      run.errorCode ?? null,
      int(run.bytesUp),
      int(run.bytesDown),
      run.storeOps ? JSON.stringify(run.storeOps) : null,
      run.encodePasses ?? null,
      JSON.stringify(run.details ?? {}),
    ],
  );
}

/** Close the runs a dead attempt left open on `hostId` (its host was killed or lost). */
export async function closeInterruptedRuns(db: Db, videoId: string, hostId: string, code: string): Promise<number> {
  const res = await db.query(
    `UPDATE heaters.stage_runs SET finished_at = now(), ok = false, error_code = $3,
       wall_ms = (EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::int
     WHERE video_id = $1 AND host_id = $2 AND finished_at IS NULL`,
    [videoId, hostId, code],
  );
  return res.rowCount ?? 0;
}

export async function listStageRuns(db: Db, videoId: string): Promise<StageRun[]> {
  const { rows } = await db.query<StageRunRow>(
    'SELECT * FROM heaters.stage_runs WHERE video_id = $1 ORDER BY started_at, id',
    [videoId],
  );
  return rows.map(toStageRun);
}
