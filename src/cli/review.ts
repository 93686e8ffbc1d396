// `heaters review …`: the review page's actions for scripts. Talks to the database directly (no
// daemon needed), through the same model as the HTTP API. `--json` prints what the API returns.
// Exit codes: 0 done, 2 a refused action (its code and reason on stderr) or a usage error.
import { openClient } from '../daemon.ts';
import { clipOut, eventOut } from '../http/schemas.ts';
import { act, ACTIONS, claimNext, history, redo, ReviewError, undo, type Action, type ChangeResult } from '../review/index.ts';
import { UsageError } from './errors.ts';

type Ctx = {
  cfg: Parameters<typeof openClient>[0];
  logger: Parameters<typeof openClient>[1];
  args: string[];
  values: { reviewer?: string | undefined; frame?: string | undefined; video?: string | undefined; limit: string; json: boolean };
};

export const REVIEW_USAGE =
  'review next --reviewer NAME [--video ID] [--json]   claim the next clip (null when none is left)\n' +
  '  review approve|skip|archive|group|merge <clipId> --reviewer NAME [--json]\n' +
  '  review split <clipId> --frame N --reviewer NAME [--json]\n' +
  '  review undo|redo --reviewer NAME [--json]\n' +
  '  review history [--reviewer NAME] [--video ID] [--limit N] [--json]\n' +
  '                                   review clips from scripts; a refused action exits 2 with its reason';

const print = (s: string) => process.stdout.write(`${s}\n`);

function printChange(r: ChangeResult, json: boolean): void {
  if (json) {
    print(JSON.stringify({ event: eventOut(r.event), clips: r.clips.map(clipOut) }, null, 2));
    return;
  }
  print(`${r.event.action} ${r.event.clipId ?? ''} (event ${r.event.id})`);
  for (const c of r.clips) print(`  ${c.id}  #${c.idx}  frames ${c.startFrame}-${c.endFrame}  ${c.reviewState}${c.groupId ? `  group ${c.groupId}` : ''}`);
}

export async function reviewCommand(c: Ctx): Promise<number> {
  const [sub, id] = c.args;
  const reviewer = c.values.reviewer;
  if (!sub) throw new UsageError('review needs a subcommand');
  const needReviewer = () => {
    if (!reviewer) throw new UsageError(`review ${sub} needs --reviewer NAME`);
    return reviewer;
  };
  const client = await openClient(c.cfg, c.logger);
  const db = client.database.pool;
  try {
    if (sub === 'next') {
      const clip = await claimNext(db, { reviewer: needReviewer(), videoId: c.values.video });
      if (c.values.json) print(JSON.stringify(clip ? clipOut(clip) : null, null, 2));
      else print(clip ? `${clip.id}  video ${clip.videoId}  #${clip.idx}  frames ${clip.startFrame}-${clip.endFrame}  ${clip.reviewState}` : 'nothing left to review');
      return 0;
    }
    if (sub === 'undo' || sub === 'redo') {
      printChange(await (sub === 'undo' ? undo : redo)(db, needReviewer()), c.values.json);
      return 0;
    }
    if (sub === 'history') {
      const events = await history(db, { reviewer, videoId: c.values.video, limit: Number(c.values.limit) || 100 });
      if (c.values.json) print(JSON.stringify(events.map(eventOut), null, 2));
      else for (const e of events) print(`${e.id}  ${e.at.toISOString()}  ${e.reviewer}  ${e.action}  ${e.clipId ?? ''}${e.targetEvent ? `  (event ${e.targetEvent})` : ''}`);
      return 0;
    }
    if (!(ACTIONS as readonly string[]).includes(sub)) throw new UsageError(`unknown review subcommand: ${sub}`);
    if (!id) throw new UsageError(`review ${sub} needs a clip id`);
    let frame: number | undefined;
    if (sub === 'split') {
      if (c.values.frame === undefined || !/^-?\d+(\.\d+)?$/.test(c.values.frame)) throw new UsageError('review split needs --frame N');
      frame = Number(c.values.frame);
    }
    printChange(await act(db, { reviewer: needReviewer(), clipId: id, action: sub as Action, frame }), c.values.json);
    return 0;
  } catch (err) {
    if (err instanceof ReviewError) {
      if (c.values.json) print(JSON.stringify({ error: err.code, message: err.message }));
      process.stderr.write(`heaters: refused: ${err.code}: ${err.message}\n`);
      return 2;
    }
    if (isInvalidUuid(err)) {
      process.stderr.write(`heaters: refused: clip_not_found: ${id} is not a clip id\n`);
      return 2;
    }
    throw err;
  } finally {
    await client.close();
  }
}

/** Postgres' "invalid input syntax for type uuid" (an id that is not one). */
function isInvalidUuid(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '22P02';
}
