// Helpers for the Python pool tests and the pool benchmark: a quiet logger, a pool with test ops,
// a sleep request that reports when (and on which pid) it started. (The clip they decode:
// ensureClip in test/helpers/media/.)
import { PythonPool, type PoolOptions, type RunOptions } from '../../src/pool/index.ts';

import { testLogger } from './common.ts';
export const PYTHON = process.env.HEATERS_PYTHON ?? '/usr/bin/python3';

/** Silent unless LOG_LEVEL is set (e.g. LOG_LEVEL=debug to watch the workers). */

export function startTestPool(opts: Partial<PoolOptions> & { name: string }): Promise<PythonPool> {
  return PythonPool.start({ python: PYTHON, logger: testLogger(), testOps: true, min: 1, max: 2, ...opts });
}

export interface SleepStarted {
  pid: number;
  start: number;
}

/** Run the `sleep` test op; `started` resolves with the worker pid once Python is inside the op. */
export function startSleep(
  pool: PythonPool,
  seconds: number,
  opts: Omit<RunOptions, 'onProgress'> = {},
): { started: Promise<SleepStarted>; done: Promise<unknown> } {
  let resolveStarted!: (s: SleepStarted) => void;
  const started = new Promise<SleepStarted>((resolve) => (resolveStarted = resolve));
  const done = pool.run('sleep', { seconds }, { ...opts, onProgress: (d) => resolveStarted(d as SleepStarted) });
  return { started, done };
}

/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
