// What every test helper shares: where the repository is, and a quiet logger.
import path from 'node:path';
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
