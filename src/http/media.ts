// Media of a video: the proxy (and the thumbnail sprite sheet). From the filesystem store the daemon
// serves the file with HTTP Range; from S3 it answers with a redirect to a presigned URL, so the bytes
// go from the bucket to the browser and never through Node. Keys come from the artefacts table, never
// from the request path, and a served path must resolve inside the store's root: anything else is 404.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listArtefacts, type Artefact } from '../db/index.ts';
import { FsStore, S3Store, type ObjectStore } from '../storage/index.ts';
import { presignGet } from './presign.ts';
import type { RoutePlugin } from './plugin.ts';
import { ErrorBody } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The names a media URL may end in, and the artefact each one is. */
const FILES: Record<string, { kind: Artefact['kind']; contentType: string }> = {
  'proxy.mp4': { kind: 'proxy', contentType: 'video/mp4' },
  'thumbs.jpg': { kind: 'thumbs', contentType: 'image/jpeg' },
};
const PRESIGN_SECONDS = 3600;

const notFound = (reply: FastifyReply) => reply.code(404).send({ error: 'not_found', message: 'no such media' });

async function artefactOf(db: Parameters<typeof listArtefacts>[0], videoId: string, kind: Artefact['kind']): Promise<Artefact | undefined> {
  if (!UUID.test(videoId)) return undefined;
  return (await listArtefacts(db, videoId)).find((a) => a.kind === kind);
}

/** The file of a key in an FsStore, or undefined when it is missing or resolves outside the root. */
async function fsPath(store: FsStore, key: string): Promise<string | undefined> {
  try {
    const root = await realpath(store.root);
    const file = await realpath(store.pathOf(key));
    return file.startsWith(root + path.sep) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** One file with single-range support (206, 416); a multi-range request gets the whole file. */
async function sendFile(req: FastifyRequest, reply: FastifyReply, file: string, contentType: string) {
  const size = (await stat(file)).size;
  reply.header('accept-ranges', 'bytes').header('content-type', contentType).header('cache-control', 'private, max-age=3600');
  const range = req.headers.range;
  if (typeof range === 'string' && !range.includes(',')) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let start = -1;
    let end = -1;
    if (m && (m[1] !== '' || m[2] !== '')) {
      if (m[1] === '') {
        start = Math.max(0, size - Number(m[2]));
        end = size - 1;
      } else {
        start = Number(m[1]);
        end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
      }
    }
    if (start < 0 || start >= size || start > end) return reply.code(416).header('content-range', `bytes */${size}`).send();
    reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
    return reply.send(createReadStream(file, { start, end }));
  }
  reply.header('content-length', size);
  return reply.send(createReadStream(file));
}

/** Where a browser gets an artefact: our own media route (fs) or a presigned URL (S3). */
export async function mediaUrl(store: ObjectStore, a: Artefact, name: string): Promise<string> {
  if (store instanceof S3Store) return presignGet(store, a.objectKey, PRESIGN_SECONDS);
  return `/media/videos/${a.videoId}/${name}`;
}

export const mediaRoutes: RoutePlugin = async (app, { db, store }) => {
  app.get('/media/videos/:videoId/:name', { schema: { hide: true } }, async (req, reply) => {
    const { videoId, name } = req.params as { videoId: string; name: string };
    const file = FILES[name];
    if (!file || !Object.hasOwn(FILES, name)) return notFound(reply);
    const a = await artefactOf(db, videoId, file.kind);
    if (!a) return notFound(reply);
    if (store instanceof S3Store) return reply.redirect(await presignGet(store, a.objectKey, PRESIGN_SECONDS), 302);
    if (!(store instanceof FsStore)) return notFound(reply);
    const p = await fsPath(store, a.objectKey);
    if (!p) return notFound(reply);
    return sendFile(req, reply, p, a.contentType ?? file.contentType);
  });

  app.get(
    '/api/videos/:videoId/media',
    {
      schema: {
        tags: ['media'],
        summary: "Where to get a video's proxy and thumbnail strip (a presigned URL on S3, a /media route on the filesystem store)",
        params: z.object({ videoId: z.uuid() }),
        response: {
          200: z.object({
            proxy: z.object({ url: z.string(), contentType: z.string(), bytes: z.number() }).nullable(),
            thumbs: z.object({ url: z.string(), index: z.record(z.string(), z.unknown()) }).nullable(),
          }),
          404: ErrorBody,
        },
      },
    },
    async (req) => {
      const all = await listArtefacts(db, req.params.videoId);
      const proxy = all.find((a) => a.kind === 'proxy');
      const thumbs = all.find((a) => a.kind === 'thumbs');
      return {
        proxy: proxy ? { url: await mediaUrl(store, proxy, 'proxy.mp4'), contentType: proxy.contentType ?? 'video/mp4', bytes: proxy.bytes } : null,
        thumbs: thumbs && thumbs.details ? { url: await mediaUrl(store, thumbs, 'thumbs.jpg'), index: thumbs.details } : null,
      };
    },
  );
};
