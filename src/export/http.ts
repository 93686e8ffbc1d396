// The export API (JSON under /api), a route plugin for the one HTTP listener (src/http/routes.ts):
// ask for a clip's or a video's export, read an export's state, and get a video's edit list.
// Typed to the listener structurally (a Fastify instance with the zod type provider, and the deps it
// passes), so this room does not depend on src/http.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { z } from 'zod';
import { EXPORT_MODES } from './cut.ts';
import { getExport, listExports, type ExportRow } from './db.ts';
import { ExportError } from './errors.ts';
import { requestClipExport, requestGroupExport, requestVideoExport } from './request.ts';
import { loadTimeline, renderTimeline, TIMELINE_CONTENT_TYPES, TIMELINE_FORMATS } from './timeline.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Deps = { db: pg.Pool; boss?: PgBoss | undefined };

const STATUS: Record<string, number> = {
  bad_request: 400, clip_not_found: 404, video_not_found: 404, video_not_ready: 409, no_source: 409,
};

export const ExportOut = z.object({
  id: z.uuid(),
  clipId: z.uuid(),
  videoId: z.uuid(),
  mode: z.enum(EXPORT_MODES),
  startFrame: z.number().int(),
  endFrame: z.number().int().describe('exclusive'),
  state: z.enum(['queued', 'running', 'restoring', 'done', 'failed']),
  percent: z.number().nullable(),
  storeUri: z.string().nullable(),
  bytes: z.number().nullable(),
  frames: z.number().int().nullable(),
  extraLeadingFrames: z.number().int().nullable().describe('copy: frames before the clip start (from its keyframe)'),
  reencodedFrames: z.number().int().nullable(),
  method: z.string().nullable().describe('copy | smart | reencode | ffv1'),
  source: z.string().nullable().describe('proxy | master'),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
const exportOut = (r: ExportRow): z.infer<typeof ExportOut> => ({
  id: r.id, clipId: r.clipId, videoId: r.videoId, mode: r.mode, startFrame: r.startFrame, endFrame: r.endFrame, state: r.state,
  percent: typeof r.progress?.percent === 'number' ? r.progress.percent : null, storeUri: r.storeUri, bytes: r.bytes,
  frames: r.frames, extraLeadingFrames: r.extraLeadingFrames, reencodedFrames: r.reencodedFrames, method: r.method,
  source: r.source, errorCode: r.errorCode, errorMessage: r.errorMessage,
});

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody };
const State = z.enum(['approved', 'all']).default('approved');

async function guard<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ExportError && STATUS[err.code]) return reply.code(STATUS[err.code]!).send({ error: err.code, message: err.message });
    throw err;
  }
}

const PAGE_SCRIPT = new URL('./page/export.js', import.meta.url);

export async function exportRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  // The review page's Export buttons (its extension point); the page loads this after its own script.
  const script = await readFile(PAGE_SCRIPT, 'utf8');
  app.get('/review/export.js', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(script),
  );
  const boss = (reply: FastifyReply) => {
    if (!deps.boss) {
      void reply.code(503).send({ error: 'unavailable', message: 'this listener cannot send jobs' });
      return undefined;
    }
    return deps.boss;
  };

  app.post(
    '/api/clips/:clipId/export',
    {
      schema: {
        tags: ['export'],
        summary: 'Export one clip as a file in the store (idempotent: the same clip, mode and range give the same export)',
        params: z.object({ clipId: z.uuid() }),
        body: z.object({ mode: z.enum(EXPORT_MODES) }),
        response: { 202: z.object({ export: ExportOut }), ...errors },
      },
    },
    async (req, reply) => {
      const b = boss(reply);
      if (!b) return reply;
      return guard(reply, async () => reply.code(202).send({ export: exportOut(await requestClipExport({ db, boss: b }, req.params.clipId, req.body.mode)) }));
    },
  );

  app.post(
    '/api/videos/:videoId/export',
    {
      schema: {
        tags: ['export'],
        summary: "Export a video's approved (or all) clips, one file each",
        params: z.object({ videoId: z.uuid() }),
        body: z.object({ mode: z.enum(EXPORT_MODES), state: State }),
        response: { 202: z.object({ exports: z.array(ExportOut) }), ...errors },
      },
    },
    async (req, reply) => {
      const b = boss(reply);
      if (!b) return reply;
      return guard(reply, async () => {
        const rows = await requestVideoExport({ db, boss: b }, req.params.videoId, req.body.mode, req.body.state);
        return reply.code(202).send({ exports: rows.map(exportOut) });
      });
    },
  );

  app.post(
    '/api/groups/:groupId/export',
    {
      schema: {
        tags: ['export'],
        summary: 'Export a group of clips: one file per run of adjacent clips',
        params: z.object({ groupId: z.uuid() }),
        body: z.object({ mode: z.enum(EXPORT_MODES) }),
        response: { 202: z.object({ exports: z.array(ExportOut) }), ...errors },
      },
    },
    async (req, reply) => {
      const b = boss(reply);
      if (!b) return reply;
      return guard(reply, async () => {
        const rows = await requestGroupExport({ db, boss: b }, req.params.groupId, req.body.mode);
        return reply.code(202).send({ exports: rows.map(exportOut) });
      });
    },
  );

  app.get(
    '/api/exports/:exportId',
    {
      schema: { tags: ['export'], summary: 'One export: state, progress, result', params: z.object({ exportId: z.uuid() }), response: { 200: z.object({ export: ExportOut }), ...errors } },
    },
    async (req, reply) => {
      const r = await getExport(db, req.params.exportId);
      if (!r) return reply.code(404).send({ error: 'not_found', message: `export ${req.params.exportId} not found` });
      return { export: exportOut(r) };
    },
  );

  app.get(
    '/api/videos/:videoId/exports',
    {
      schema: { tags: ['export'], summary: "A video's exports", params: z.object({ videoId: z.uuid() }), response: { 200: z.object({ exports: z.array(ExportOut) }), ...errors } },
    },
    async (req) => ({ exports: (await listExports(db, req.params.videoId)).map(exportOut) }),
  );

  app.get(
    '/api/videos/:videoId/timeline',
    {
      schema: {
        tags: ['export'],
        summary: "A video's clips as an edit list: CMX3600 EDL, FCPXML 1.9, OpenTimelineIO, CSV or JSON",
        params: z.object({ videoId: z.uuid() }),
        querystring: z.object({ format: z.enum(TIMELINE_FORMATS), state: State }),
        // 200 is the edit list itself, in the format's content type (no JSON schema to serialize it with).
      },
    },
    async (req, reply) =>
      guard(reply, async () => {
        const t = await loadTimeline(db, req.params.videoId, req.query.state);
        const ext = req.query.format === 'otio' ? 'otio' : req.query.format;
        return reply
          .header('content-type', TIMELINE_CONTENT_TYPES[req.query.format])
          .header('content-disposition', `attachment; filename="${req.params.videoId}.${ext}"`)
          .send(renderTimeline(req.query.format, t));
      }),
  );
}
