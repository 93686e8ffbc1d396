// Virtual clips of a video (frame ranges on the proxy). Detection replaces them as a whole.
import { DbError, withTransaction, type Db } from './client.ts';

export type ReviewState = 'pending' | 'approved' | 'rejected';

export type ClipInput = {
  /** Defaults to the clip's position in the list. */
  idx?: number;
  startFrame: number;
  endFrame: number;
  startS: number;
  endS: number;
  keyframeS?: number | null;
};

export type Clip = {
  videoId: string;
  idx: number;
  startFrame: number;
  endFrame: number;
  startS: number;
  endS: number;
  keyframeS: number | null;
  reviewState: ReviewState;
};

export type Detector = {
  name: string;
  version: string;
  params: Record<string, unknown>;
  /** The cuts as the detector reports them (frame, time, score, kind). */
  cuts: unknown[];
  [key: string]: unknown;
};

type ClipRow = {
  video_id: string;
  idx: number;
  start_frame: number;
  end_frame: number;
  start_s: number;
  end_s: number;
  keyframe_s: number | null;
  review_state: ReviewState;
};

const toClip = (r: ClipRow): Clip => ({
  videoId: r.video_id,
  idx: r.idx,
  startFrame: r.start_frame,
  endFrame: r.end_frame,
  startS: r.start_s,
  endS: r.end_s,
  keyframeS: r.keyframe_s,
  reviewState: r.review_state,
});

/**
 * Replace a video's clips and record the detector that produced them, atomically: the old clips
 * stay if anything fails. Running it twice with the same input leaves the same rows (idempotent).
 * Review states of the replaced clips are reset to 'pending'.
 */
export async function replaceClips(db: Db, videoId: string, clips: readonly ClipInput[], detector: Detector): Promise<Clip[]> {
  const rows = clips.map((c, i) => ({
    idx: c.idx ?? i,
    start_frame: c.startFrame,
    end_frame: c.endFrame,
    start_s: c.startS,
    end_s: c.endS,
    keyframe_s: c.keyframeS ?? null,
  }));
  return withTransaction(db, async (tx) => {
    const video = await tx.query(`UPDATE heaters.videos SET detector = $2 WHERE id = $1 RETURNING id`, [
      videoId,
      JSON.stringify(detector),
    ]);
    if (video.rowCount === 0) throw new DbError('VIDEO_NOT_FOUND', `video ${videoId} not found`);
    await tx.query('DELETE FROM heaters.clips WHERE video_id = $1', [videoId]);
    const inserted = await tx.query<ClipRow>(
      `INSERT INTO heaters.clips (video_id, idx, start_frame, end_frame, start_s, end_s, keyframe_s)
       SELECT $1, x.idx, x.start_frame, x.end_frame, x.start_s, x.end_s, x.keyframe_s
       FROM jsonb_to_recordset($2::jsonb) AS x(idx int, start_frame int, end_frame int, start_s float8, end_s float8, keyframe_s float8)
       RETURNING *`,
      [videoId, JSON.stringify(rows)],
    );
    return inserted.rows.map(toClip).sort((a, b) => a.idx - b.idx);
  });
}

export async function listClips(db: Db, videoId: string): Promise<Clip[]> {
  const { rows } = await db.query<ClipRow>('SELECT * FROM heaters.clips WHERE video_id = $1 ORDER BY idx', [videoId]);
  return rows.map(toClip);
}
