// GET /review: the review page (one HTML file, its script and its style, read from ./page/ once).
import { readFile } from 'node:fs/promises';
import type { RoutePlugin } from './plugin.ts';

const PAGE_DIR = new URL('./page/', import.meta.url);
const FILES = {
  '/review': ['review.html', 'text/html; charset=utf-8'],
  '/review/review.js': ['review.js', 'text/javascript; charset=utf-8'],
  '/review/review.css': ['review.css', 'text/css; charset=utf-8'],
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * With a token, the browser's requests for the page's own script and style carry no header: the
 * page opened as /review?token=… passes the same token on to them in their URLs (the script then
 * keeps it in sessionStorage and sends it as a header).
 */
function withAssetToken(html: string, url: string): string {
  const token = new URL(url, 'http://x').searchParams.get('token');
  if (!token) return html;
  const q = escapeHtml(`?token=${encodeURIComponent(token)}`);
  return html.replace('/review/review.js"', `/review/review.js${q}"`).replace('/review/review.css"', `/review/review.css${q}"`);
}

export const pageRoutes: RoutePlugin = async (app) => {
  for (const [url, [file, type]] of Object.entries(FILES)) {
    const body = await readFile(new URL(file, PAGE_DIR), 'utf8');
    app.get(url, { schema: { hide: true } }, async (req, reply) =>
      reply
        .header('content-type', type)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', "default-src 'self'; media-src 'self' blob: https: http:; img-src 'self' data: blob: https: http:; style-src 'self'; script-src 'self'")
        .header('cache-control', 'no-store')
        .send(file === 'review.html' ? withAssetToken(body, req.url) : body),
    );
  }
};
