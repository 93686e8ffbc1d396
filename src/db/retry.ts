// Database blips (a restart, a failover, a dropped connection) must not lose a stage's closing
// writes. `retryOnBlip` re-runs a unit of work, typically one transaction, while the failure is a
// lost or refused connection, with capped exponential backoff; any other error is thrown at once.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log/index.ts';

// SQLSTATE classes and codes that mean "the server went away", not "the statement was wrong".
const BLIP_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const BLIP_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const BLIP_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|Client was closed|not queryable/i;

/** A lost or refused connection (or a serialization retry), as opposed to a bad statement. */
export function isDbBlip(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (BLIP_ERRNOS.has(code) || BLIP_SQLSTATES.has(code) || code.startsWith('08'))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && BLIP_MESSAGES.test(message)) return true;
  }
  return false;
}

export interface RetryOnBlipOptions {
  logger?: Logger;
  /** What is being written, for the log. */
  what: string;
  /** Give up after this long (the error is then thrown). Default 5 minutes. */
  maxMs?: number;
  signal?: AbortSignal;
}

export async function retryOnBlip<T>(fn: () => Promise<T>, opts: RetryOnBlipOptions): Promise<T> {
  const t0 = Date.now();
  const maxMs = opts.maxMs ?? 5 * 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDbBlip(err) || Date.now() - t0 > maxMs || opts.signal?.aborted) throw err;
      const waitMs = Math.min(5000, 100 * 2 ** Math.min(attempt, 6)) * (0.75 + Math.random() / 2);
      opts.logger?.warn({ what: opts.what, attempt, waitMs: Math.round(waitMs), err: (err as Error).message }, 'database unavailable: retrying');
      await delay(waitMs);
    }
  }
}
