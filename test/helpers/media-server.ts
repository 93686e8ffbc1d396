// A loopback HTTP server for test media: static files with real Content-Type, Content-Length and
// byte ranges, plus a few special routes for failure cases. Every request is recorded, so a test can
// assert that something never reached the network.
//
// Special routes (all under /__/ so they cannot collide with sample files):
//   /__/stall/<name>.mp4      200 + video/mp4 headers (claims 10 MB), then never sends a byte.
//   /__/chunked/<path>        the file at <path>, chunked: no Content-Length, so the size is unknown
//                             up front; served in 16 KiB writes.
//   /__/slow/<path>           the file at <path> with its Content-Length, paced at 8 KiB per 80 ms
//                             (~100 KB/s), so a download lasts long enough to report progress.
//   /__/status/<code>/<name>  an empty response with that status (e.g. 403, 500).
import { EventEmitter, once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  range?: string;
}

export interface MediaServer {
  /** Absolute URL of a server path, e.g. url('/progressive.mp4'). */
  url(pathname: string): string;
  /** Base URL without trailing slash, e.g. http://127.0.0.1:39211 */
  origin: string;
  requests: RecordedRequest[];
  /** Resolves with the first recorded request (past or future) matching `pred`. */
  waitForRequest(pred: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Closes the listener and destroys every open connection, stalled ones included. */
  stop(): Promise<void>;
}

export const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.m4s': 'video/iso.segment',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mpd': 'application/dash+xml',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export async function startMediaServer(rootDir: string): Promise<MediaServer> {
  const root = path.resolve(rootDir);
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    if (typeof req.headers.range === 'string') rec.range = req.headers.range;
    requests.push(rec);
    events.emit('request', rec);
    handle(root, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    url: (pathname) => origin + (pathname.startsWith('/') ? pathname : `/${pathname}`),
    requests,
    waitForRequest(pred) {
      const seen = requests.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => {
        const on = (r: RecordedRequest) => {
          if (!pred(r)) return;
          events.off('request', on);
          resolve(r);
        };
        events.on('request', on);
      });
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

async function handle(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);

  if (pathname.startsWith('/__/stall/')) {
    // Headers out, then silence: the client blocks in a read until its own timeout fires.
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': String(10 * 1024 * 1024) });
    res.flushHeaders();
    return;
  }
  const status = /^\/__\/status\/(\d{3})\//.exec(pathname);
  if (status) {
    res.writeHead(Number(status[1]), { 'Content-Type': 'text/plain' }).end();
    return;
  }
  const chunked = pathname.startsWith('/__/chunked/');
  const slow = pathname.startsWith('/__/slow/');
  const rel = chunked ? pathname.slice('/__/chunked'.length) : slow ? pathname.slice('/__/slow'.length) : pathname;

  const file = path.resolve(root, `.${rel}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

  if (chunked) {
    res.writeHead(200, { 'Content-Type': type }); // no Content-Length: node sends chunked encoding
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { highWaterMark: 16 * 1024 }).pipe(res);
    return;
  }

  const size = st.size;
  let start = 0;
  let end = size - 1;
  let code = 200;
  const range = req.headers.range;
  if (typeof range === 'string') {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
      } else {
        start = Math.max(0, size - Number(m[2])); // suffix range: the last N bytes
      }
      if (start > end || start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      code = 206;
    }
  }
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': type,
    'Content-Length': String(size === 0 ? 0 : end - start + 1),
    'Accept-Ranges': 'bytes',
    'Last-Modified': st.mtime.toUTCString(),
  };
  if (code === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(code, headers);
  if (req.method === 'HEAD' || size === 0) return void res.end();
  if (slow) return void paced(createReadStream(file, { start, end, highWaterMark: 8 * 1024 }), res, 80);
  createReadStream(file, { start, end }).pipe(res);
}

function paced(src: NodeJS.ReadableStream & { destroy(): void }, res: http.ServerResponse, gapMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  res.on('close', () => {
    clearTimeout(timer);
    src.destroy();
  });
  src.on('data', (chunk) => {
    src.pause();
    res.write(chunk);
    timer = setTimeout(() => src.resume(), gapMs);
  });
  src.on('end', () => res.end());
  src.on('error', () => res.destroy());
}
