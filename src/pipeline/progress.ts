// Progress of long work goes to the video row (throttled), and to the log (every few seconds).
import { setProgress } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import type { Deps } from './deps.ts';

const DB_EVERY_MS = 500;
const LOG_EVERY_MS = 5000;

export type Progress = { percent?: number | null } & Record<string, unknown>;

export function progressReporter(deps: Deps, videoId: string, stage: string, log: Logger) {
  let lastDb = 0;
  let lastLog = 0;
  // Writes are chained so an older update never lands after a newer one.
  let chain: Promise<unknown> = Promise.resolve();
  return (p: Progress, force = false): void => {
    const now = Date.now();
    if (force || now - lastDb >= DB_EVERY_MS) {
      lastDb = now;
      const { percent, ...rest } = p;
      const row = { stage, ...rest, ...(typeof percent === 'number' ? { percent } : {}), at: new Date(now).toISOString() };
      chain = chain.then(() => setProgress(deps.db, videoId, row)).catch((err) => log.warn({ err }, 'progress write failed'));
    }
    if (force || now - lastLog >= LOG_EVERY_MS) {
      lastLog = now;
      log.info({ progress: p }, `${stage} progress`);
    }
  };
}
