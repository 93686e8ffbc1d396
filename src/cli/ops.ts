// Operations commands: `list`, `retry`, `cancel`, `dead [--redrive]`. Each opens a client (database
// and queues, no pools), does one thing, prints a table or (`--json`) one JSON document on stdout.
import type pg from 'pg';
import { VIDEO_STATES, listVideos } from '../db/index.ts';
import type { Video, VideoState } from '../db/index.ts';
import { openClient } from '../daemon.ts';
import { requestCancel } from '../pipeline/cancel.ts';
import { listDead, redriveDead, retryVideo } from '../pipeline/retry.ts';
import { UsageError } from './errors.ts';
import { progressLine, safe, table } from './format.ts';
import type { CommandContext } from './context.ts';
import { NotFound } from './views.ts';
import { watchVideo } from './watch.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function videoId(c: CommandContext): string {
  const id = c.need('a video id');
  if (!UUID.test(id)) throw new NotFound(`no video with id ${id}`);
  return id;
}

async function withClient<T>(c: CommandContext, fn: (client: Awaited<ReturnType<typeof openClient>>) => Promise<T>): Promise<T> {
  const client = await openClient(c.cfg, c.logger);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** `--state failed --state cancelled` or `--state failed,cancelled`; unknown names are a usage error. */
export function parseStates(raw: readonly string[]): VideoState[] {
  const states = raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const s of states) {
    if (!(VIDEO_STATES as readonly string[]).includes(s)) throw new UsageError(`unknown state ${s} (one of ${VIDEO_STATES.join(', ')})`);
  }
  return states as VideoState[];
}

/** What a video looks like in JSON output: the row, its source URL redacted. */
export const videoJson = (v: Video) => ({ ...v, sourceUrl: safe(v.sourceUrl) });

export async function listCommand(c: CommandContext): Promise<number> {
  const states = parseStates(c.values.state);
  const limit = Number(c.values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit wants a positive integer, got ${c.values.limit}`);
  const videos = await withClient(c, (client) => listVideos(client.database.pool, { states, limit }));
  if (c.values.json) {
    process.stdout.write(`${JSON.stringify(videos.map(videoJson), null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    `${table(
      ['id', 'state', 'created', 'source', 'error'],
      videos.map((v) => [v.id, progressLine(v), v.createdAt.toISOString().slice(0, 19).replace('T', ' '), shorten(safe(v.sourceUrl), 60), v.errorCode]),
    )}\n`,
  );
  return 0;
}

export async function retryCommand(c: CommandContext): Promise<number> {
  const id = videoId(c);
  return withClient(c, async (client) => {
    const v = await retryVideo({ db: client.database.pool, boss: client.boss, cfg: c.cfg }, id);
    if (!c.values.wait) {
      process.stdout.write(c.values.json ? `${JSON.stringify({ video: videoJson(v) }, null, 2)}\n` : `${id} queued again\n`);
      return 0;
    }
    return settle(c, client.database.pool, id);
  });
}

export async function cancelCommand(c: CommandContext): Promise<number> {
  const id = videoId(c);
  return withClient(c, async (client) => {
    const { video, cancelled, jobsCancelled } = await requestCancel({ db: client.database.pool, boss: client.boss }, id);
    if (c.values.json) process.stdout.write(`${JSON.stringify({ cancelled, jobsCancelled, video: videoJson(video) }, null, 2)}\n`);
    if (video.state !== 'cancelled') {
      // Nothing to stop: a settled video is left as it is.
      process.stderr.write(`heaters: video ${id} is ${video.state}; nothing to cancel\n`);
      return 2;
    }
    if (!c.values.json) process.stdout.write(cancelled ? `${id} cancelled\n` : `${id} was already cancelled\n`);
    return 0;
  });
}

export async function deadCommand(c: CommandContext): Promise<number> {
  return withClient(c, async (client) => {
    const deps = { db: client.database.pool, boss: client.boss };
    if (c.values.redrive) {
      const outcomes = await redriveDead(deps);
      if (c.values.json) process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
      else {
        process.stdout.write(
          `${table(['job', 'video', 'redriven', 'why not'], outcomes.map((o) => [o.id, o.videoId, o.redriven ? 'yes' : 'no', o.reason]))}\n`,
        );
      }
      return 0;
    }
    const dead = await listDead(deps);
    if (c.values.json) {
      process.stdout.write(`${JSON.stringify(dead, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(
      `${table(
        ['job', 'queue', 'video', 'video state', 'error', 'retries', 'dead since'],
        dead.map((d) => [d.id, d.queue, d.videoId, d.videoState, d.errorCode, d.retries, d.deadSince.toISOString().slice(0, 19).replace('T', ' ')]),
      )}\n`,
    );
    return 0;
  });
}

/** Follow a video to its end; 0 when ready, 1 otherwise (its error on stderr, or JSON on stdout). */
export async function settle(c: CommandContext, db: pg.Pool, id: string): Promise<number> {
  const v = await watchVideo(db, id);
  if (c.values.json) process.stdout.write(`${JSON.stringify({ video: videoJson(v) }, null, 2)}\n`);
  else if (v.state !== 'ready') process.stderr.write(`${v.state}: ${v.errorCode ?? ''}: ${v.errorMessage ?? ''}\n`);
  return v.state === 'ready' ? 0 : 1;
}

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `…${s.slice(s.length - n + 1)}`;
}
