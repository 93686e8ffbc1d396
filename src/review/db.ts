// The review model's SQL: clip rows, the claim queue (FOR UPDATE SKIP LOCKED + leases), clip changes
// written from snapshots (the same path serves actions, undo and redo), and the append-only events.
import { withTransaction, type ClipOrigin, type ClipRow, type Db, type ReviewState } from '../db/index.ts';

/** A clip as an event records it (everything but its position, which is derived from start_frame). */
export type Snapshot = {
  id: string;
  startFrame: number;
  endFrame: number;
  startS: number;
  endS: number;
  keyframeS: number | null;
  state: ReviewState;
  groupId: string | null;
  origin: ClipOrigin;
  confidence: number | null;
};

export const snapshotOf = (r: ClipRow): Snapshot => ({
  id: r.id,
  startFrame: r.start_frame,
  endFrame: r.end_frame,
  startS: r.start_s,
  endS: r.end_s,
  keyframeS: r.keyframe_s,
  state: r.review_state,
  groupId: r.group_id,
  origin: r.origin,
  confidence: r.confidence,
});

/** Do two snapshots describe the same clip content (what undo must find before it restores)? */
export const sameClip = (a: Snapshot, b: Snapshot): boolean =>
  a.id === b.id && a.startFrame === b.startFrame && a.endFrame === b.endFrame && a.state === b.state && a.groupId === b.groupId && a.origin === b.origin;

export type VideoForReview = {
  id: string;
  state: string;
  title: string | null;
  sourceUrl: string;
  durationS: number | null;
  fps: number | null;
  keyframeTimes: number[] | null;
  createdAt: Date;
};

type VideoRow = {
  id: string;
  state: string;
  title: string | null;
  source_url: string;
  duration_s: number | null;
  fps: number | null;
  keyframe_times: number[] | null;
  created_at: Date;
};

const toVideo = (r: VideoRow): VideoForReview => ({
  id: r.id,
  state: r.state,
  title: r.title,
  sourceUrl: r.source_url,
  durationS: r.duration_s,
  fps: r.fps === null ? null : Number(r.fps),
  keyframeTimes: r.keyframe_times,
  createdAt: r.created_at,
});

const VIDEO_COLUMNS = `id, state, title, source_url, duration_s, (probe->'video'->>'fps')::float8 AS fps, keyframe_times, created_at`;

/** The video of a clip, its row locked FOR NO KEY UPDATE (the writers' lock; see claimNextRow). */
export async function lockVideoOfClip(db: Db, clipId: string): Promise<VideoForReview | undefined> {
  const { rows } = await db.query<VideoRow>(
    `SELECT ${VIDEO_COLUMNS} FROM heaters.videos WHERE id = (SELECT video_id FROM heaters.clips WHERE id = $1) FOR NO KEY UPDATE`,
    [clipId],
  );
  return rows[0] ? toVideo(rows[0]) : undefined;
}

export async function getVideoForReview(db: Db, videoId: string, lock = false): Promise<VideoForReview | undefined> {
  const { rows } = await db.query<VideoRow>(
    `SELECT ${VIDEO_COLUMNS} FROM heaters.videos WHERE id = $1 ${lock ? 'FOR NO KEY UPDATE' : ''}`,
    [videoId],
  );
  return rows[0] ? toVideo(rows[0]) : undefined;
}

export type VideoSummary = VideoForReview & { counts: Record<ReviewState, number>; clips: number };

export async function listVideosForReview(db: Db, limit: number): Promise<VideoSummary[]> {
  const { rows } = await db.query<VideoRow & { counts: Record<string, number> | null; clips: number }>(
    `SELECT v.id, v.state, v.title, v.source_url, v.duration_s, (v.probe->'video'->>'fps')::float8 AS fps, v.keyframe_times, v.created_at,
            (SELECT jsonb_object_agg(s, n) FROM (SELECT review_state s, count(*)::int n FROM heaters.clips c WHERE c.video_id = v.id GROUP BY 1) x) AS counts,
            (SELECT count(*)::int FROM heaters.clips c WHERE c.video_id = v.id) AS clips
     FROM heaters.videos v WHERE v.state = 'ready' ORDER BY v.created_at, v.id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    ...toVideo(r),
    counts: { pending: 0, approved: 0, skipped: 0, archived: 0, ...(r.counts ?? {}) },
    clips: r.clips,
  }));
}

export async function clipRow(db: Db, clipId: string): Promise<ClipRow | undefined> {
  const { rows } = await db.query<ClipRow>('SELECT * FROM heaters.clips WHERE id = $1', [clipId]);
  return rows[0];
}

/** A clip and the one before it (by start frame), and where the video ends (its last clip's end). */
export async function clipNeighbourhood(
  db: Db,
  videoId: string,
  clipId: string,
): Promise<{ row?: ClipRow; prev?: ClipRow; frameCount: number; lastEndS: number }> {
  const { rows } = await db.query<ClipRow & { k: 'near' | 'last' }>(
    `(SELECT *, 'near' AS k FROM heaters.clips
      WHERE video_id = $1 AND start_frame <= (SELECT start_frame FROM heaters.clips WHERE id = $2)
      ORDER BY start_frame DESC LIMIT 2)
     UNION ALL
     (SELECT *, 'last' AS k FROM heaters.clips WHERE video_id = $1 ORDER BY start_frame DESC LIMIT 1)`,
    [videoId, clipId],
  );
  const [row, prev] = rows.filter((r) => r.k === 'near');
  const last = rows.find((r) => r.k === 'last');
  return { row: row?.id === clipId ? row : undefined, prev, frameCount: last?.end_frame ?? 0, lastEndS: last?.end_s ?? 0 };
}

export async function clipRowsById(db: Db, ids: readonly string[]): Promise<ClipRow[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<ClipRow>('SELECT * FROM heaters.clips WHERE id = ANY($1::uuid[])', [ids]);
  return rows;
}

export async function clipRowsOfVideo(db: Db, videoId: string): Promise<ClipRow[]> {
  const { rows } = await db.query<ClipRow>('SELECT * FROM heaters.clips WHERE video_id = $1 ORDER BY start_frame', [videoId]);
  return rows;
}

/**
 * Claim the next pending clip for `reviewer`: the one they already hold, else the first free one
 * (oldest ready video first; within it the least-confident cut first when scores exist, else in
 * order). SKIP LOCKED lets concurrent claims pass each other instead of queueing on one row.
 *
 * Lock order: every writer of a video's clips takes the video row first (actions and undo FOR NO KEY
 * UPDATE, claims and lease changes FOR SHARE, so claims still run side by side). Without it, a claim
 * updating one clip and an action renumbering the video's clips can wait on each other (deadlock),
 * and a claim would skip the clips an action is renumbering.
 */
export async function claimNextRow(db: Db, reviewer: string, leaseSeconds: number, videoId: string | null): Promise<ClipRow | undefined> {
  const free = `c.review_state = 'pending' AND (c.leased_by IS NULL OR c.lease_expires_at <= now() OR c.leased_by = $1)`;
  const order = `(c.leased_by IS NOT DISTINCT FROM $1 AND c.lease_expires_at > now()) DESC`;
  return withTransaction(db, async (tx) => {
    // Videos whose free clips all turned out to be locked by concurrent claims: look past them.
    const tried: string[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      // The video of the first candidate, its row locked FOR SHARE.
      const cand = await tx.query<{ id: string; state: string }>(
        `SELECT id, state FROM heaters.videos WHERE id = (
           SELECT c.video_id FROM heaters.clips c JOIN heaters.videos v ON v.id = c.video_id
           WHERE v.state = 'ready' AND ${free} AND ($2::uuid IS NULL OR c.video_id = $2::uuid) AND c.video_id <> ALL($3::uuid[])
           ORDER BY ${order}, v.created_at, v.id LIMIT 1)
         FOR SHARE`,
        [reviewer, videoId, tried],
      );
      const vid = cand.rows[0]?.id;
      if (!vid) return undefined;
      tried.push(vid);
      if (cand.rows[0]?.state !== 'ready') continue; // changed state between the two looks
      const { rows } = await tx.query<ClipRow>(
        `WITH pick AS (
           SELECT c.id FROM heaters.clips c
           WHERE c.video_id = $3 AND ${free}
           ORDER BY ${order}, c.confidence ASC NULLS LAST, c.start_frame
           LIMIT 1
           FOR UPDATE OF c SKIP LOCKED)
         UPDATE heaters.clips c SET leased_by = $1, lease_expires_at = now() + make_interval(secs => $2)
         FROM pick WHERE c.id = pick.id
         RETURNING c.*`,
        [reviewer, leaseSeconds, vid],
      );
      if (rows[0]) return rows[0];
    }
    return undefined;
  });
}

/** Take the clip's video row FOR SHARE (see claimNextRow for why). */
async function shareVideoOf(tx: Db, clipId: string): Promise<void> {
  await tx.query(`SELECT 1 FROM heaters.videos WHERE id = (SELECT video_id FROM heaters.clips WHERE id = $1) FOR SHARE`, [clipId]);
}

/** Extend a lease the reviewer still holds (also after expiry, as long as nobody else took it). */
export async function renewLeaseRow(db: Db, clipId: string, reviewer: string, leaseSeconds: number): Promise<ClipRow | undefined> {
  return withTransaction(db, async (tx) => {
    await shareVideoOf(tx, clipId);
    const { rows } = await tx.query<ClipRow>(
      `UPDATE heaters.clips SET lease_expires_at = now() + make_interval(secs => $3)
       WHERE id = $1 AND leased_by = $2 AND review_state = 'pending' RETURNING *`,
      [clipId, reviewer, leaseSeconds],
    );
    return rows[0];
  });
}

export async function releaseLeaseRow(db: Db, clipId: string, reviewer: string): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    await shareVideoOf(tx, clipId);
    const r = await tx.query(`UPDATE heaters.clips SET leased_by = NULL, lease_expires_at = NULL WHERE id = $1 AND leased_by = $2`, [clipId, reviewer]);
    return (r.rowCount ?? 0) > 0;
  });
}

/**
 * Write a change: clips of `before` not in `after` are deleted, clips of `after` inserted or updated,
 * then the video's clips are renumbered by start frame (the unique (video, idx) and (video, start)
 * constraints are deferred to the commit). A clip whose state leaves `pending` loses its lease.
 */
export async function writeChange(db: Db, videoId: string, before: readonly Snapshot[], after: readonly Snapshot[]): Promise<ClipRow[] | null> {
  const keep = new Set(after.map((s) => s.id));
  const gone = before.filter((s) => !keep.has(s.id)).map((s) => s.id);
  if (gone.length) await db.query('DELETE FROM heaters.clips WHERE id = ANY($1::uuid[])', [gone]);
  let written: ClipRow[] = [];
  if (after.length) {
    written = (await db.query<ClipRow>(
      `INSERT INTO heaters.clips AS c (id, video_id, idx, start_frame, end_frame, start_s, end_s, keyframe_s, review_state, group_id, origin, confidence)
       SELECT x.id, $1, 1000000 + x.n, x."startFrame", x."endFrame", x."startS", x."endS", x."keyframeS", x.state, x."groupId", x.origin, x.confidence
       FROM jsonb_to_recordset($2::jsonb) AS x(n int, id uuid, "startFrame" int, "endFrame" int, "startS" float8, "endS" float8,
            "keyframeS" float8, state text, "groupId" uuid, origin text, confidence float8)
       ON CONFLICT (id) DO UPDATE SET
         start_frame = EXCLUDED.start_frame, end_frame = EXCLUDED.end_frame, start_s = EXCLUDED.start_s, end_s = EXCLUDED.end_s,
         keyframe_s = EXCLUDED.keyframe_s, review_state = EXCLUDED.review_state, group_id = EXCLUDED.group_id,
         origin = EXCLUDED.origin, confidence = EXCLUDED.confidence, updated_at = now(),
         leased_by = CASE WHEN EXCLUDED.review_state = 'pending' THEN c.leased_by END,
         lease_expires_at = CASE WHEN EXCLUDED.review_state = 'pending' THEN c.lease_expires_at END
       RETURNING c.*`,
      [videoId, JSON.stringify(after.map((s, n) => ({ ...s, n })))],
    )).rows;
  }
  if (gone.length || after.some((s) => !before.some((b) => b.id === s.id))) {
    // Positions change only from the first clip the change touched onwards.
    const from = Math.min(...before.map((s) => s.startFrame), ...after.map((s) => s.startFrame));
    await db.query(
      `UPDATE heaters.clips c SET idx = r.rn
       FROM (SELECT id, (row_number() OVER (ORDER BY start_frame) - 1
                         + (SELECT count(*) FROM heaters.clips WHERE video_id = $1 AND start_frame < $2))::int AS rn
             FROM heaters.clips WHERE video_id = $1 AND start_frame >= $2) r
       WHERE c.id = r.id AND c.idx <> r.rn`,
      [videoId, from],
    );
    return null; // positions changed: the caller reads the rows again
  }
  return written.sort((a, b) => a.start_frame - b.start_frame);
}

export const ACTIONS = ['approve', 'skip', 'archive', 'group', 'merge', 'split'] as const;
export type Action = (typeof ACTIONS)[number];
export type EventAction = Action | 'undo' | 'redo';

export type ReviewEvent = {
  id: number;
  videoId: string;
  reviewer: string;
  at: Date;
  action: EventAction;
  clipId: string | null;
  targetEvent: number | null;
  args: Record<string, unknown>;
  before: Snapshot[];
  after: Snapshot[];
};

type EventRow = {
  id: string;
  video_id: string;
  reviewer: string;
  at: Date;
  action: EventAction;
  clip_id: string | null;
  target_event: string | null;
  args: Record<string, unknown>;
  before: Snapshot[];
  after: Snapshot[];
};

const toEvent = (r: EventRow): ReviewEvent => ({
  id: Number(r.id),
  videoId: r.video_id,
  reviewer: r.reviewer,
  at: r.at,
  action: r.action,
  clipId: r.clip_id,
  targetEvent: r.target_event === null ? null : Number(r.target_event),
  args: r.args,
  before: r.before,
  after: r.after,
});

export async function insertEvent(db: Db, e: Omit<ReviewEvent, 'id' | 'at'>): Promise<ReviewEvent> {
  const { rows } = await db.query<EventRow>(
    `INSERT INTO heaters.review_events (video_id, reviewer, action, clip_id, target_event, args, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [e.videoId, e.reviewer, e.action, e.clipId, e.targetEvent, JSON.stringify(e.args), JSON.stringify(e.before), JSON.stringify(e.after)],
  );
  return toEvent(rows[0] as EventRow);
}

export async function getEvent(db: Db, id: number): Promise<ReviewEvent | undefined> {
  const { rows } = await db.query<EventRow>('SELECT * FROM heaters.review_events WHERE id = $1', [id]);
  return rows[0] ? toEvent(rows[0]) : undefined;
}

/** The reviewer's events in order, only what the undo/redo stacks need. */
export async function reviewerTrail(db: Db, reviewer: string): Promise<Array<{ id: number; action: EventAction; targetEvent: number | null }>> {
  const { rows } = await db.query<{ id: string; action: EventAction; target_event: string | null }>(
    'SELECT id, action, target_event FROM heaters.review_events WHERE reviewer = $1 ORDER BY id',
    [reviewer],
  );
  return rows.map((r) => ({ id: Number(r.id), action: r.action, targetEvent: r.target_event === null ? null : Number(r.target_event) }));
}

/** Serialise one reviewer's undo/redo (two tabs pressing Ctrl+Z at once undo two steps, not one twice). */
export async function lockReviewer(db: Db, reviewer: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('heaters.review:' || $1))`, [reviewer]);
}

export async function listEvents(db: Db, q: { reviewer?: string; videoId?: string; limit: number }): Promise<ReviewEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT * FROM heaters.review_events
     WHERE ($1::text IS NULL OR reviewer = $1) AND ($2::uuid IS NULL OR video_id = $2::uuid)
     ORDER BY id DESC LIMIT $3`,
    [q.reviewer ?? null, q.videoId ?? null, q.limit],
  );
  return rows.map(toEvent);
}
