// Follows a video until it is settled (ready, failed or cancelled), drawing its progress. The daemon
// writes progress to the row (throttled), so reading the row is all a watcher needs, from any host.
// A terminal gets live bars per stage (progress.ts); a pipe gets one plain line per change.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { SETTLED_STATES, getVideo } from '../db/index.ts';
import type { Video } from '../db/index.ts';
import { progressLine } from './format.ts';
import { progressBars } from './progress.ts';

export async function watchVideo(
  db: pg.Pool,
  id: string,
  opts: { out?: NodeJS.WriteStream; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<Video> {
  const out = opts.out ?? process.stderr;
  const bars = out.isTTY ? progressBars(out) : undefined;
  let last = '';
  try {
    for (;;) {
      const v = await getVideo(db, id);
      if (!v) throw new Error(`video ${id} disappeared`);
      if (bars) bars.update(v);
      else {
        const line = progressLine(v);
        if (line !== last) out.write(`${line}\n`);
        last = line;
      }
      if (SETTLED_STATES.includes(v.state)) return v;
      // Polling a single row by primary key is cheap; it is the display rate, not a race guard.
      await sleep(opts.intervalMs ?? 200, undefined, { signal: opts.signal });
    }
  } finally {
    bars?.stop();
  }
}
