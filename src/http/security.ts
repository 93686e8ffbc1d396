// Who may talk to the listener. Loopback by default; any other bind needs HEATERS_REVIEW_TOKEN or the
// daemon refuses to start. With a token, every request must present it (checked in constant time):
// `Authorization: Bearer <token>` or `X-Heaters-Token: <token>`; a GET or HEAD may carry it as
// `?token=` instead (a <video> element cannot send headers). State changes need the header, so a
// cookie or a link can never act for a reviewer (no CSRF). Without a token, only loopback Host headers
// are served (no DNS rebinding). The token is never logged: Fastify's logger is off and the daemon's
// logger redacts it.
import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HeatersError } from '../errors.ts';

export class HttpConfigError extends HeatersError<'token_required'> {
  constructor(message: string) {
    super('token_required', message, { retryable: false });
  }
}

/** 127.0.0.0/8, ::1, ::ffff:127.x and the name localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Refuse a non-loopback bind without a token (before anything listens). */
export function checkBind(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token)
    throw new HttpConfigError(`HEATERS_HTTP_HOST=${host} is not loopback: set HEATERS_REVIEW_TOKEN (16+ characters) or bind 127.0.0.1`);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison (hashing first makes the lengths equal, so the length leaks nothing either). */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}

function presentedToken(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const h = req.headers['x-heaters-token'];
  if (typeof h === 'string' && h) return h;
  if (req.method === 'GET' || req.method === 'HEAD') {
    const q = new URL(req.url, 'http://x').searchParams.get('token');
    if (q) return q;
  }
  return undefined;
}

function hostOf(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  return header.replace(/:\d+$/, '');
}

export function installSecurity(app: FastifyInstance, token: string | undefined): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!token) {
      if (!isLoopback(hostOf(req.headers.host)))
        return reply.code(403).send({ error: 'forbidden_host', message: 'this listener only answers loopback Host names (set HEATERS_REVIEW_TOKEN to serve others)' });
      return;
    }
    const presented = presentedToken(req);
    if (presented === undefined || !tokenMatches(presented, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="heaters"')
        .send({ error: 'unauthorized', message: 'a valid token is required: Authorization: Bearer <HEATERS_REVIEW_TOKEN>' });
    }
  });
}
