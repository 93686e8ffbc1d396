// What every test helper shares: where the repository is, a quiet logger, and waiting for a
// condition a test can observe.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log/index.ts';
import type { Logger } from '../../src/log/index.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Silent unless TEST_LOG_LEVEL says otherwise (e.g. TEST_LOG_LEVEL=debug to watch a failing test). */
export function testLogger(): Logger {
  return createLogger({ level: testLogLevel() });
}

export function testLogLevel() {
  return loadConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }).log.level;
}

/** Wait for a condition the test can observe (a row, a process, a log line), up to a deadline. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
