// Helpers for the Python pool tests and the pool benchmark: a quiet logger, a pool with test ops,
// a sleep request that reports when (and on which pid) it started, and a small cached clip.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { PythonPool, type PoolOptions, type RunOptions } from '../../src/pool/index.ts';

import { REPO_ROOT, testLogger } from './common.ts';
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

/** A small testsrc2 clip (H.264, no audio), generated once per parameter set under .cache/bench/. */
export async function ensureClip(p: { width?: number; height?: number; fps?: number; seconds?: number } = {}): Promise<string> {
  const params = { v: 1, width: p.width ?? 320, height: p.height ?? 180, fps: p.fps ?? 25, seconds: p.seconds ?? 4 };
  const key = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 12);
  const dir = path.join(REPO_ROOT, '.cache', 'bench');
  const file = path.join(dir, `testsrc2-${params.width}x${params.height}-${params.fps}fps-${params.seconds}s-${key}.mp4`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}.mp4`;
  await execa(process.env.FFMPEG_PATH ?? 'ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${params.width}x${params.height}:rate=${params.fps}:duration=${params.seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-threads', '1', tmp,
  ]);
  await rename(tmp, file); // atomic: a concurrent or interrupted run never sees half a file
  return file;
}
