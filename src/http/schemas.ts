// The review API's request and response shapes (zod). Fastify validates with them and
// @fastify/swagger turns the same schemas into GET /openapi.json.
import { z } from 'zod';
import type { ReviewClip, ReviewEvent, VideoForReview, VideoSummary } from '../review/index.ts';

export const Reviewer = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.@+ -]+$/, 'letters, digits, space and . @ + - _ only')
  .describe('who acts: recorded on every event; undo and redo are per reviewer');
export const Uuid = z.uuid();

export const ClipOut = z.object({
  id: z.uuid(),
  videoId: z.uuid(),
  idx: z.number().int(),
  startFrame: z.number().int(),
  endFrame: z.number().int().describe('exclusive: the next clip starts here'),
  startS: z.number(),
  endS: z.number(),
  keyframeS: z.number().nullable(),
  state: z.enum(['pending', 'approved', 'skipped', 'archived']),
  groupId: z.uuid().nullable(),
  origin: z.enum(['detector', 'reviewer']),
  confidence: z.number().nullable(),
  leasedBy: z.string().nullable(),
  leaseExpiresAt: z.string().nullable(),
});
export type ClipOut = z.infer<typeof ClipOut>;

export const clipOut = (c: ReviewClip): ClipOut => ({
  id: c.id,
  videoId: c.videoId,
  idx: c.idx,
  startFrame: c.startFrame,
  endFrame: c.endFrame,
  startS: c.startS,
  endS: c.endS,
  keyframeS: c.keyframeS,
  state: c.reviewState,
  groupId: c.groupId,
  origin: c.origin,
  confidence: c.confidence,
  leasedBy: c.leasedBy,
  leaseExpiresAt: c.leaseExpiresAt?.toISOString() ?? null,
});

export const VideoOut = z.object({
  id: z.uuid(),
  state: z.string(),
  title: z.string().nullable(),
  sourceUrl: z.string(),
  durationS: z.number().nullable(),
  fps: z.number().nullable(),
  createdAt: z.string(),
  frameCount: z.number().int().optional(),
  counts: z.record(z.string(), z.number().int()).optional(),
  clips: z.number().int().optional(),
});

export const videoOut = (v: VideoForReview & Partial<VideoSummary> & { frameCount?: number; fpsUsed?: number }): z.infer<typeof VideoOut> => ({
  id: v.id,
  state: v.state,
  title: v.title,
  sourceUrl: v.sourceUrl,
  durationS: v.durationS,
  fps: v.fpsUsed ?? v.fps,
  createdAt: v.createdAt.toISOString(),
  ...(v.frameCount !== undefined ? { frameCount: v.frameCount } : {}),
  ...(v.counts ? { counts: v.counts } : {}),
  ...(v.clips !== undefined ? { clips: v.clips } : {}),
});

const Snapshot = z.object({
  id: z.uuid(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
  startS: z.number(),
  endS: z.number(),
  keyframeS: z.number().nullable(),
  state: z.string(),
  groupId: z.string().nullable(),
  origin: z.string(),
  confidence: z.number().nullable(),
});

export const EventOut = z.object({
  id: z.number().int(),
  videoId: z.uuid(),
  reviewer: z.string(),
  at: z.string(),
  action: z.enum(['approve', 'skip', 'archive', 'group', 'merge', 'split', 'undo', 'redo']),
  clipId: z.string().nullable(),
  targetEvent: z.number().int().nullable(),
  args: z.record(z.string(), z.unknown()),
  before: z.array(Snapshot),
  after: z.array(Snapshot),
});
export const eventOut = (e: ReviewEvent): z.infer<typeof EventOut> => ({ ...e, at: e.at.toISOString() });

export const ChangeOut = z.object({ event: EventOut, clips: z.array(ClipOut).describe('the clips the change left, in order') });

export const ActionName = z.enum(['approve', 'skip', 'archive', 'group', 'merge', 'split']);
export const ActBody = z.object({
  reviewer: Reviewer,
  frame: z.number().int().nonnegative().optional().describe('split: the first frame of the second clip'),
});
export const ClaimBody = z.object({
  reviewer: Reviewer,
  videoId: Uuid.optional().describe('only this video'),
  leaseSeconds: z.number().int().min(1).max(3600).optional(),
});
export const LeaseBody = z.object({ reviewer: Reviewer, clipId: Uuid, leaseSeconds: z.number().int().min(1).max(3600).optional() });
export const ReviewerBody = z.object({ reviewer: Reviewer });
