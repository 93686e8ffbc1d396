// The review API (JSON under /api): videos and clips, claim/renew/release, actions, undo/redo, history.
// Thin: validation by the zod schemas, then one call into src/review/.
import { z } from 'zod';
import { act, claimNext, clipView, history, listVideos, redo, releaseLease, renewLease, undo, videoClips } from '../review/index.ts';
import type { ChangeResult } from '../review/index.ts';
import type { RoutePlugin } from './plugin.ts';
import { ErrorBody } from './errors.ts';
import { ActBody, ActionName, ChangeOut, ClaimBody, ClipOut, clipOut, EventOut, eventOut, LeaseBody, Reviewer, ReviewerBody, Uuid, VideoOut, videoOut } from './schemas.ts';

const change = (r: ChangeResult) => ({ event: eventOut(r.event), clips: r.clips.map(clipOut) });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export const reviewApiRoutes: RoutePlugin = async (app, { db }) => {
  app.get(
    '/api/videos',
    { schema: { tags: ['review'], summary: 'Ready videos with clip counts by state', response: { 200: z.object({ videos: z.array(VideoOut) }) } } },
    async () => ({ videos: (await listVideos(db)).map(videoOut) }),
  );

  app.get(
    '/api/videos/:videoId/clips',
    {
      schema: {
        tags: ['review'],
        summary: "A video's clips in order",
        params: z.object({ videoId: Uuid }),
        response: { 200: z.object({ video: VideoOut, clips: z.array(ClipOut) }), ...errors },
      },
    },
    async (req) => {
      const r = await videoClips(db, req.params.videoId);
      return { video: videoOut(r.video), clips: r.clips.map(clipOut) };
    },
  );

  app.get(
    '/api/clips/:clipId',
    {
      schema: {
        tags: ['review'],
        summary: 'One clip, its video and its neighbours (three each side)',
        params: z.object({ clipId: Uuid }),
        response: { 200: z.object({ video: VideoOut, clip: ClipOut, index: z.number().int(), neighbours: z.array(ClipOut) }), ...errors },
      },
    },
    async (req) => {
      const r = await clipView(db, req.params.clipId);
      return { video: videoOut(r.video), clip: clipOut(r.clip), index: r.index, neighbours: r.clips.map(clipOut) };
    },
  );

  app.post(
    '/api/review/next',
    {
      schema: {
        tags: ['review'],
        summary: 'Claim the next clip (a lease); the one you hold already comes back first; null when nothing is left',
        body: ClaimBody,
        response: { 200: z.object({ clip: ClipOut.nullable() }), ...errors },
      },
    },
    async (req) => {
      const c = await claimNext(db, req.body);
      return { clip: c ? clipOut(c) : null };
    },
  );

  app.post(
    '/api/review/lease',
    { schema: { tags: ['review'], summary: 'Renew a lease you hold (the page does it while open)', body: LeaseBody, response: { 200: z.object({ clip: ClipOut }), ...errors } } },
    async (req) => ({ clip: clipOut(await renewLease(db, req.body)) }),
  );

  app.post(
    '/api/review/release',
    { schema: { tags: ['review'], summary: 'Give a claimed clip back to the queue', body: LeaseBody, response: { 200: z.object({ released: z.boolean() }), ...errors } } },
    async (req) => ({ released: await releaseLease(db, req.body) }),
  );

  app.post(
    '/api/clips/:clipId/:action',
    {
      schema: {
        tags: ['review'],
        summary: 'Act on a clip: approve, skip, archive, group (with the previous clip), merge (into the previous clip), split (at body.frame)',
        params: z.object({ clipId: Uuid, action: ActionName }),
        body: ActBody,
        response: { 200: ChangeOut, ...errors },
      },
    },
    async (req) => change(await act(db, { reviewer: req.body.reviewer, clipId: req.params.clipId, action: req.params.action, frame: req.body.frame })),
  );

  for (const which of ['undo', 'redo'] as const) {
    app.post(
      `/api/review/${which}`,
      {
        schema: {
          tags: ['review'],
          summary: which === 'undo' ? "Undo the reviewer's last action (multi-step)" : "Redo the reviewer's last undone action",
          body: ReviewerBody,
          response: { 200: ChangeOut, ...errors },
        },
      },
      async (req) => change(await (which === 'undo' ? undo : redo)(db, req.body.reviewer)),
    );
  }

  app.get(
    '/api/review/history',
    {
      schema: {
        tags: ['review'],
        summary: 'Events, newest first',
        querystring: z.object({ reviewer: Reviewer.optional(), videoId: Uuid.optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }),
        response: { 200: z.object({ events: z.array(EventOut) }), ...errors },
      },
    },
    async (req) => ({ events: (await history(db, req.query)).map(eventOut) }),
  );
};
