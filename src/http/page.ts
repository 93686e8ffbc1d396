// GET /review: the review page (one HTML file, its script and its style, read from ./page/ once).
import { readFile } from 'node:fs/promises';
import type { RoutePlugin } from './routes.ts';

const PAGE_DIR = new URL('./page/', import.meta.url);
const FILES = {
  '/review': ['review.html', 'text/html; charset=utf-8'],
  '/review/review.js': ['review.js', 'text/javascript; charset=utf-8'],
  '/review/review.css': ['review.css', 'text/css; charset=utf-8'],
} as const;

export const pageRoutes: RoutePlugin = async (app) => {
  for (const [url, [file, type]] of Object.entries(FILES)) {
    const body = await readFile(new URL(file, PAGE_DIR), 'utf8');
    app.get(url, { schema: { hide: true } }, async (_req, reply) =>
      reply
        .header('content-type', type)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'self'; media-src 'self' blob: https: http:; img-src 'self' data: blob: https: http:; style-src 'self'; script-src 'self'")
        .send(body),
    );
  }
};
