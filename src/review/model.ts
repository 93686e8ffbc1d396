// The review model: claim the next clip, act on it (approve, skip, archive, group, merge, split),
// undo and redo. Every change runs in one transaction under the video's row lock, is written from
// before/after snapshots and recorded as an append-only event; undo applies an event's snapshots the
// other way round after checking that nobody changed those clips since, so undo and redo are
// multi-step, per reviewer, durable, and exact for split and merge.
import { randomUUID } from 'node:crypto';
import { toClip, withTransaction, type Clip, type ClipRow, type Db, type ReviewState } from '../db/index.ts';
import {
  claimNextRow,
  clipNeighbourhood,
  clipRow,
  lockVideoOfClip,
  clipRowsById,
  clipRowsOfVideo,
  getEvent,
  getVideoForReview,
  insertEvent,
  listEvents,
  listVideosForReview,
  lockReviewer,
  releaseLeaseRow,
  renewLeaseRow,
  reviewerTrail,
  sameClip,
  snapshotOf,
  writeChange,
  type Action,
  type ReviewEvent,
  type Snapshot,
  type VideoForReview,
  type VideoSummary,
} from './db.ts';
import { ReviewError } from './errors.ts';
import { checkSplit, DEFAULT_LEASE_SECONDS, keyframeAtOrBefore, MAX_LEASE_SECONDS, MIN_CLIP_FRAMES } from './rules.ts';

export type ReviewClip = Clip & { leasedBy: string | null; leaseExpiresAt: Date | null };

const toReviewClip = (r: ClipRow): ReviewClip => ({ ...toClip(r), leasedBy: r.leased_by, leaseExpiresAt: r.lease_expires_at });

export type ActInput = { reviewer: string; clipId: string; action: Action; frame?: number };
export type ChangeResult = { event: ReviewEvent; clips: ReviewClip[] };

const STATE_OF: Partial<Record<Action, ReviewState>> = { approve: 'approved', skip: 'skipped', archive: 'archived' };

function leaseSeconds(s: number | undefined): number {
  return Math.min(MAX_LEASE_SECONDS, Math.max(1, s ?? DEFAULT_LEASE_SECONDS));
}

/** Frames per second of a video: its probe's, else from its clips (which cover it). */
function fpsOf(video: VideoForReview, frameCount: number, lastEndS: number): number {
  return video.fps && video.fps > 0 ? video.fps : lastEndS > 0 ? frameCount / lastEndS : 30;
}

function timing(video: VideoForReview, clips: readonly ClipRow[]): { fps: number; frameCount: number } {
  const last = clips.at(-1);
  const frameCount = last ? last.end_frame : 0;
  return { fps: fpsOf(video, frameCount, last?.end_s ?? 0), frameCount };
}

/** Claim the next clip for a reviewer (see claimNextRow for the order). Null when nothing is left. */
export async function claimNext(db: Db, q: { reviewer: string; videoId?: string; leaseSeconds?: number }): Promise<ReviewClip | null> {
  const r = await claimNextRow(db, q.reviewer, leaseSeconds(q.leaseSeconds), q.videoId ?? null);
  return r ? toReviewClip(r) : null;
}

export async function renewLease(db: Db, q: { reviewer: string; clipId: string; leaseSeconds?: number }): Promise<ReviewClip> {
  const r = await renewLeaseRow(db, q.clipId, q.reviewer, leaseSeconds(q.leaseSeconds));
  if (!r) throw new ReviewError('lease_lost', `clip ${q.clipId} is no longer claimed by ${q.reviewer} (reviewed, changed, or claimed by another reviewer after the lease expired)`);
  return toReviewClip(r);
}

export async function releaseLease(db: Db, q: { reviewer: string; clipId: string }): Promise<boolean> {
  return releaseLeaseRow(db, q.clipId, q.reviewer);
}

function refuseIfLeased(rows: readonly (ClipRow | undefined)[], reviewer: string): void {
  for (const r of rows) {
    if (r && r.leased_by && r.leased_by !== reviewer && r.lease_expires_at && r.lease_expires_at.getTime() > Date.now())
      throw new ReviewError('leased', `clip ${r.id} is claimed by another reviewer until ${r.lease_expires_at.toISOString()}`, { clipId: r.id });
  }
}

async function lockReadyVideo(tx: Db, videoId: string): Promise<VideoForReview> {
  const video = await getVideoForReview(tx, videoId, true);
  if (!video) throw new ReviewError('video_not_found', `video ${videoId} not found`);
  if (video.state !== 'ready') throw new ReviewError('video_not_ready', `video ${videoId} is ${video.state}, not ready: its clips may still change`);
  return video;
}

/** The snapshots an action replaces and the ones it leaves. Pure given the rows; throws ReviewError. */
function plan(
  input: ActInput,
  video: VideoForReview,
  near: { row: ClipRow; prev?: ClipRow; frameCount: number; lastEndS: number },
): { before: Snapshot[]; after: Snapshot[]; args: Record<string, unknown> } {
  const { row, prev } = near;
  refuseIfLeased([row, input.action === 'merge' || input.action === 'group' ? prev : undefined], input.reviewer);
  const cur = snapshotOf(row);
  const state = STATE_OF[input.action];
  if (state) {
    if (cur.state === state) throw new ReviewError('unchanged', `clip ${cur.id} is already ${state}`);
    return { before: [cur], after: [{ ...cur, state }], args: {} };
  }
  if (input.action === 'group' || input.action === 'merge') {
    if (!prev) throw new ReviewError('no_previous_clip', `clip ${cur.id} is the first clip of its video: nothing to ${input.action} it with`);
    const p = snapshotOf(prev);
    if (input.action === 'group') {
      if (p.groupId !== null && p.groupId === cur.groupId) throw new ReviewError('already_grouped', `clip ${cur.id} is already in the group of the previous clip`);
      const groupId = p.groupId ?? randomUUID();
      return { before: [p, cur], after: [{ ...p, groupId }, { ...cur, groupId }], args: { groupId } };
    }
    // Merge: the earlier clip keeps its id and grows to the later one's end; the result needs review.
    const merged: Snapshot = { ...p, endFrame: cur.endFrame, endS: cur.endS, state: 'pending', origin: 'reviewer' };
    return { before: [p, cur], after: [merged], args: { mergedId: cur.id } };
  }
  // Split at `frame`: [start, frame) keeps the id, [frame, end) is a new clip; both need review.
  const frame = input.frame;
  if (frame === undefined) throw new ReviewError('not_on_frame', 'split needs a frame');
  const frameCount = near.frameCount;
  const fps = fpsOf(video, frameCount, near.lastEndS);
  checkSplit(cur, frame, frameCount, MIN_CLIP_FRAMES);
  const t = frame / fps;
  const first: Snapshot = { ...cur, endFrame: frame, endS: t, state: 'pending', origin: 'reviewer' };
  const second: Snapshot = {
    ...cur,
    id: randomUUID(),
    startFrame: frame,
    startS: t,
    keyframeS: keyframeAtOrBefore(video.keyframeTimes, t),
    state: 'pending',
    origin: 'reviewer',
    confidence: null,
  };
  return { before: [cur], after: [first, second], args: { frame, time: t, newId: second.id } };
}

async function changedClips(tx: Db, ids: readonly string[]): Promise<ReviewClip[]> {
  if (!ids.length) return [];
  const { rows } = await tx.query<ClipRow>('SELECT * FROM heaters.clips WHERE id = ANY($1::uuid[]) ORDER BY start_frame', [ids]);
  return rows.map(toReviewClip);
}

/** Approve, skip, archive, group with the previous clip, merge with the previous clip, or split. */
export async function act(db: Db, input: ActInput): Promise<ChangeResult> {
  return withTransaction(db, async (tx) => {
    const video = await lockVideoOfClip(tx, input.clipId);
    if (!video) throw new ReviewError('clip_not_found', `clip ${input.clipId} not found`);
    if (video.state !== 'ready') throw new ReviewError('video_not_ready', `video ${video.id} is ${video.state}, not ready: its clips may still change`);
    const near = await clipNeighbourhood(tx, video.id, input.clipId);
    if (!near.row) throw new ReviewError('clip_not_found', `clip ${input.clipId} not found`);
    const { before, after, args } = plan(input, video, { ...near, row: near.row });
    const written = await writeChange(tx, video.id, before, after);
    const event = await insertEvent(tx, {
      videoId: video.id,
      reviewer: input.reviewer,
      action: input.action,
      clipId: input.clipId,
      targetEvent: null,
      args,
      before,
      after,
    });
    return { event, clips: written ? written.map(toReviewClip) : await changedClips(tx, after.map((s) => s.id)) };
  });
}

/** The reviewer's undo and redo stacks, replayed from their events (newest last). */
async function stacks(tx: Db, reviewer: string): Promise<{ done: number[]; undone: number[] }> {
  const done: number[] = [];
  let undone: number[] = [];
  for (const e of await reviewerTrail(tx, reviewer)) {
    if (e.action === 'undo') {
      done.pop();
      undone.push(e.targetEvent as number);
    } else if (e.action === 'redo') {
      undone.pop();
      done.push(e.targetEvent as number);
    } else {
      done.push(e.id);
      undone = [];
    }
  }
  return { done, undone };
}

async function replay(db: Db, reviewer: string, which: 'undo' | 'redo'): Promise<ChangeResult> {
  return withTransaction(db, async (tx) => {
    await lockReviewer(tx, reviewer);
    const { done, undone } = await stacks(tx, reviewer);
    const targetId = which === 'undo' ? done.at(-1) : undone.at(-1);
    if (targetId === undefined)
      throw new ReviewError(which === 'undo' ? 'nothing_to_undo' : 'nothing_to_redo', `${reviewer} has nothing to ${which}`);
    const target = (await getEvent(tx, targetId)) as ReviewEvent;
    const from = which === 'undo' ? target.after : target.before;
    const to = which === 'undo' ? target.before : target.after;
    const video = await lockReadyVideo(tx, target.videoId);
    const rows = new Map((await clipRowsById(tx, [...from, ...to].map((s) => s.id))).map((r) => [r.id, r]));
    for (const s of from) {
      const r = rows.get(s.id);
      if (!r || !sameClip(snapshotOf(r), s))
        throw new ReviewError('conflict', `cannot ${which} ${target.action} of clip ${target.clipId}: clip ${s.id} changed since (another action or reviewer)`, {
          event: target.id,
        });
    }
    for (const s of to) {
      if (!from.some((f) => f.id === s.id) && rows.has(s.id))
        throw new ReviewError('conflict', `cannot ${which} ${target.action}: clip ${s.id} exists again`, { event: target.id });
    }
    refuseIfLeased(from.map((s) => rows.get(s.id)), reviewer);
    await writeChange(tx, video.id, from, to);
    const event = await insertEvent(tx, {
      videoId: video.id,
      reviewer,
      action: which,
      clipId: target.clipId,
      targetEvent: target.id,
      args: { action: target.action },
      before: from,
      after: to,
    });
    return { event, clips: await changedClips(tx, to.map((s) => s.id)) };
  });
}

export const undo = (db: Db, reviewer: string): Promise<ChangeResult> => replay(db, reviewer, 'undo');
export const redo = (db: Db, reviewer: string): Promise<ChangeResult> => replay(db, reviewer, 'redo');

export const history = (db: Db, q: { reviewer?: string; videoId?: string; limit?: number }): Promise<ReviewEvent[]> =>
  listEvents(db, { ...q, limit: Math.min(1000, q.limit ?? 100) });

export const listVideos = (db: Db, limit = 500): Promise<VideoSummary[]> => listVideosForReview(db, limit);

export type VideoClips = { video: VideoForReview & { frameCount: number; fpsUsed: number }; clips: ReviewClip[] };

export async function videoClips(db: Db, videoId: string): Promise<VideoClips> {
  const video = await getVideoForReview(db, videoId);
  if (!video) throw new ReviewError('video_not_found', `video ${videoId} not found`);
  const rows = await clipRowsOfVideo(db, videoId);
  const { fps, frameCount } = timing(video, rows);
  return { video: { ...video, frameCount, fpsUsed: fps }, clips: rows.map(toReviewClip) };
}

/** One clip with its video and neighbours (what the page shows). */
export async function clipView(db: Db, clipId: string, around = 3): Promise<VideoClips & { clip: ReviewClip; index: number }> {
  const row = await clipRow(db, clipId);
  if (!row) throw new ReviewError('clip_not_found', `clip ${clipId} not found`);
  const all = await videoClips(db, row.video_id);
  const index = all.clips.findIndex((c) => c.id === clipId);
  return { ...all, clip: all.clips[index] as ReviewClip, index, clips: all.clips.slice(Math.max(0, index - around), index + around + 1) };
}
