// Virtual clips of a video (frame ranges on the proxy). Detection writes them; review changes them
// (src/review/). Re-detection replaces the detector's clips but keeps what a person made or confirmed.
import { randomUUID } from 'node:crypto';
import { DbError, withTransaction, type Db } from './client.ts';

export const REVIEW_STATES = ['pending', 'approved', 'skipped', 'archived'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
/** `reviewer`: a person made or changed the clip's range (split, merge); re-detection keeps it. */
export type ClipOrigin = 'detector' | 'reviewer';

export type ClipInput = {
  /** Defaults to the clip's position in the list. */
  idx?: number;
  startFrame: number;
  endFrame: number;
  startS: number;
  endS: number;
  keyframeS?: number | null;
  /** Confidence (0-1) of the cut at the clip's start, when the detector gives one. */
  confidence?: number | null;
};

export type Clip = {
  /** Stable id: survives renumbering, splits (the first part) and merges (the earlier clip). */
  id: string;
  videoId: string;
  idx: number;
  startFrame: number;
  endFrame: number;
  startS: number;
  endS: number;
  keyframeS: number | null;
  reviewState: ReviewState;
  groupId: string | null;
  origin: ClipOrigin;
  confidence: number | null;
};

export type Detector = {
  name: string;
  version: string;
  params: Record<string, unknown>;
  /** The cuts as the detector reports them (frame, time, score, kind). */
  cuts: unknown[];
  [key: string]: unknown;
};

export type ClipRow = {
  id: string;
  video_id: string;
  idx: number;
  start_frame: number;
  end_frame: number;
  start_s: number;
  end_s: number;
  keyframe_s: number | null;
  review_state: ReviewState;
  group_id: string | null;
  origin: ClipOrigin;
  confidence: number | null;
  leased_by: string | null;
  lease_expires_at: Date | null;
};

export const toClip = (r: ClipRow): Clip => ({
  id: r.id,
  videoId: r.video_id,
  idx: r.idx,
  startFrame: r.start_frame,
  endFrame: r.end_frame,
  startS: r.start_s,
  endS: r.end_s,
  keyframeS: r.keyframe_s,
  reviewState: r.review_state,
  groupId: r.group_id,
  origin: r.origin,
  confidence: r.confidence,
});

/** A clip a person made or confirmed: re-detection keeps its range, id, state and group. */
export const isKept = (c: Pick<Clip, 'origin' | 'reviewState'>): boolean => c.origin === 'reviewer' || c.reviewState !== 'pending';

type Row = Omit<ClipRow, 'video_id' | 'lease_expires_at'> & { lease_expires_at: string | null };

/**
 * Merge detected clips with the clips a person made or confirmed (pure; exported for tests).
 * Kept clips stay as they are; a detected cut inside a kept clip, or closer than `minFrames` to one of
 * its ends, is dropped; the stretches between kept clips are cut at the remaining detected cuts. A
 * segment whose range equals an existing pending clip keeps that clip's id.
 */
export function mergeDetected(
  existing: readonly Clip[],
  detected: readonly ClipInput[],
  opts: { keyframeTimes?: readonly number[] | null; minFrames?: number } = {},
): Array<Omit<Row, 'idx' | 'leased_by' | 'lease_expires_at'>> {
  const kept = existing.filter(isKept).sort((a, b) => a.startFrame - b.startFrame);
  const byRange = new Map(existing.filter((c) => !isKept(c)).map((c) => [`${c.startFrame}-${c.endFrame}`, c]));
  const fresh = (c: ClipInput) => ({
    id: byRange.get(`${c.startFrame}-${c.endFrame}`)?.id ?? randomUUID(),
    start_frame: c.startFrame,
    end_frame: c.endFrame,
    start_s: c.startS,
    end_s: c.endS,
    keyframe_s: c.keyframeS ?? null,
    review_state: 'pending' as ReviewState,
    group_id: null,
    origin: 'detector' as ClipOrigin,
    confidence: c.confidence ?? null,
  });
  if (kept.length === 0) return detected.map(fresh);

  const minFrames = opts.minFrames ?? 1;
  const time = new Map<number, number>();
  const keyframeAt = new Map<number, number | null>();
  const confidence = new Map<number, number | null>();
  for (const c of detected) {
    time.set(c.startFrame, c.startS);
    time.set(c.endFrame, c.endS);
    if (c.keyframeS !== undefined) keyframeAt.set(c.startFrame, c.keyframeS);
    if (c.confidence != null) confidence.set(c.startFrame, c.confidence);
  }
  for (const k of kept) {
    time.set(k.startFrame, k.startS);
    time.set(k.endFrame, k.endS);
  }
  const bounds = new Set<number>();
  for (const k of kept) bounds.add(k.startFrame).add(k.endFrame);
  const first = Math.min(...detected.map((c) => c.startFrame), kept[0]!.startFrame);
  const last = Math.max(...detected.map((c) => c.endFrame), kept.at(-1)!.endFrame);
  bounds.add(first).add(last);
  const keptEdges = [...bounds];
  for (const c of detected) {
    const f = c.startFrame;
    if (kept.some((k) => f > k.startFrame && f < k.endFrame)) continue;
    if (keptEdges.some((e) => e !== f && Math.abs(e - f) < minFrames)) continue;
    bounds.add(f);
  }
  const sorted = [...bounds].sort((a, b) => a - b);
  const keyframes = [...(opts.keyframeTimes ?? [])].sort((a, b) => a - b);
  const keyframeBefore = (t: number): number | null => {
    let best: number | null = null;
    for (const k of keyframes) if (k <= t + 1e-6) best = k;
    return best;
  };
  const out: Array<Omit<Row, 'idx' | 'leased_by' | 'lease_expires_at'>> = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    const k = kept.find((x) => x.startFrame === a);
    if (k) {
      out.push({
        id: k.id,
        start_frame: k.startFrame,
        end_frame: k.endFrame,
        start_s: k.startS,
        end_s: k.endS,
        keyframe_s: k.keyframeS,
        review_state: k.reviewState,
        group_id: k.groupId,
        origin: k.origin,
        confidence: k.confidence,
      });
      continue;
    }
    const startS = time.get(a) ?? 0;
    out.push(
      fresh({
        startFrame: a,
        endFrame: b,
        startS,
        endS: time.get(b) ?? startS,
        keyframeS: keyframeAt.has(a) ? keyframeAt.get(a) : keyframeBefore(startS),
        confidence: confidence.get(a) ?? null,
      }),
    );
  }
  return out;
}

/**
 * Replace a video's detected clips and record the detector that produced them, atomically: the old
 * clips stay if anything fails. Running it twice with the same input leaves the same rows (and ids).
 * Clips a person made or confirmed (approved, skipped, archived, or made by a split or merge) are
 * kept with their ids, states and groups; the detected cuts fill the stretches between them (see
 * `mergeDetected`).
 */
export async function replaceClips(
  db: Db,
  videoId: string,
  clips: readonly ClipInput[],
  detector: Detector,
  opts: { minFrames?: number } = {},
): Promise<Clip[]> {
  return withTransaction(db, async (tx) => {
    const video = await tx.query<{ keyframe_times: number[] | null }>(
      `UPDATE heaters.videos SET detector = $2 WHERE id = $1 RETURNING keyframe_times`,
      [videoId, JSON.stringify(detector)],
    );
    if (video.rowCount === 0) throw new DbError('video_not_found', `video ${videoId} not found`);
    const existing = await tx.query<ClipRow>('SELECT * FROM heaters.clips WHERE video_id = $1 ORDER BY start_frame FOR UPDATE', [videoId]);
    const old = new Map(existing.rows.map((r) => [r.id, r]));
    const merged = mergeDetected(existing.rows.map(toClip), clips, {
      keyframeTimes: video.rows[0]?.keyframe_times,
      minFrames: opts.minFrames,
    });
    const keptAll = existing.rows.length > 0 && existing.rows.some((r) => isKept(toClip(r)));
    const rows: Row[] = merged.map((r, i) => {
      const prev = old.get(r.id);
      return {
        ...r,
        idx: keptAll ? i : (clips[i]?.idx ?? i),
        leased_by: prev?.leased_by ?? null,
        lease_expires_at: prev?.lease_expires_at?.toISOString() ?? null,
      };
    });
    await tx.query('DELETE FROM heaters.clips WHERE video_id = $1', [videoId]);
    const inserted = await tx.query<ClipRow>(
      `INSERT INTO heaters.clips (id, video_id, idx, start_frame, end_frame, start_s, end_s, keyframe_s, review_state,
                                  group_id, origin, confidence, leased_by, lease_expires_at)
       SELECT x.id, $1, x.idx, x.start_frame, x.end_frame, x.start_s, x.end_s, x.keyframe_s, x.review_state,
              x.group_id, x.origin, x.confidence, x.leased_by, x.lease_expires_at
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, idx int, start_frame int, end_frame int, start_s float8, end_s float8,
            keyframe_s float8, review_state text, group_id uuid, origin text, confidence float8, leased_by text, lease_expires_at timestamptz)
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
