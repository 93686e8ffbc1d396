// Follows a video until it is ready or failed, drawing its progress. The daemon writes progress to
// the row (throttled), so reading the row is all a watcher needs, from any host.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { getVideo } from '../db/index.ts';
import type { Video } from '../db/index.ts';
import { progressLine } from './format.ts';

export async function watchVideo(
  db: pg.Pool,
  id: string,
  opts: { out?: NodeJS.WriteStream; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<Video> {
  const out = opts.out ?? process.stderr;
  let last = '';
  for (;;) {
    const v = await getVideo(db, id);
    if (!v) throw new Error(`video ${id} disappeared`);
    const line = progressLine(v);
    if (line !== last) {
      // A terminal gets one line redrawn in place; a pipe gets one line per change.
      if (out.isTTY) out.write(`\r\x1b[2K${line}`);
      else out.write(`${line}\n`);
      last = line;
    }
    if (v.state === 'ready' || v.state === 'failed') {
      if (out.isTTY) out.write('\n');
      return v;
    }
    // Polling a single row by primary key is cheap; it is the display rate, not a race guard.
    await sleep(opts.intervalMs ?? 200, undefined, { signal: opts.signal });
  }
}
