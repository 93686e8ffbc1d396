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
});

const int = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v));

export async function recordStageRun(db: Db, run: StageRunInput): Promise<StageRun> {
  const wallMs = run.wallMs ?? (run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null);
  const { rows } = await db.query<StageRunRow>(
    `INSERT INTO heaters.stage_runs (video_id, stage, attempt, started_at, finished_at, wall_ms, ok, error_code,
       handoff_ms, bytes_up, bytes_down, store_ops, encode_passes, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
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
    ],
  );
  return toStageRun(rows[0] as StageRunRow);
}

export async function listStageRuns(db: Db, videoId: string): Promise<StageRun[]> {
  const { rows } = await db.query<StageRunRow>(
    'SELECT * FROM heaters.stage_runs WHERE video_id = $1 ORDER BY started_at, id',
    [videoId],
  );
  return rows.map(toStageRun);
}
