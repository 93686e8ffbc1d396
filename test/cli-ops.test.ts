// The operations side of the CLI as a person runs it (real processes, a real Postgres): list, retry,
// cancel (delivered to a running daemon, which kills the work), dead [--redrive], doctor with
// stand-ins for a missing ffmpeg and a missing Python module, run --json, and run on a terminal.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { ytDlpAge } from '../src/cli/doctor.ts';
import { createDb, createOrGetVideo, failVideo, getVideo, listStageRuns, migrate } from '../src/db/index.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger, resolveLogSettings } from '../src/log/index.ts';
import { progressBars } from '../src/cli/progress.ts';
import type { Video } from '../src/db/index.ts';
import { requestCancel } from '../src/pipeline/cancel.ts';
import { setVideoOrigin } from '../src/sources/index.ts';
import { QUEUES, createQueues, startBoss } from '../src/queue/index.ts';
import { REPO_ROOT, testLogger, until } from './helpers/common.ts';
import { startTestDaemon } from './helpers/daemon.ts';
import type { TestDaemon } from './helpers/daemon.ts';
import { DEFAULT_SAMPLE, ensureCutSample } from './helpers/media/index.ts';
import { startMediaServer } from './helpers/media-server.ts';
import type { MediaServer } from './helpers/media-server.ts';
import { isAlive } from './helpers/pool.ts';
import { startTestPostgres } from './helpers/postgres.ts';
import type { TestPostgres } from './helpers/postgres.ts';

const NODE = process.execPath;
// The package bin, as a person runs it (it enables Node's compile cache, then loads src/cli/main.ts).
const CLI = path.join(REPO_ROOT, 'bin', 'heaters.js');
const UUID = /^[0-9a-f-]{36}$/;

let pgServer: TestPostgres;
let tmp: string;
let env: Record<string, string>;
let db: pg.Pool;
let boss: PgBoss;

before(async () => {
  pgServer = await startTestPostgres();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-cli-ops-'));
  env = {
    DATABASE_URL: pgServer.url,
    HEATERS_DATA_DIR: path.join(tmp, 'data'),
    HEATERS_HTTP_PORT: '0',
    HEATERS_ALLOW_PRIVATE_URLS: 'true',
    LOG_LEVEL: 'warn',
  };
  db = createDb(pgServer.url);
  await migrate(db);
  boss = await startBoss({ url: pgServer.url, logger: testLogger() });
  await createQueues(boss);
});
after(async () => {
  await boss?.stop({ graceful: false, close: true });
  await db?.end();
  await pgServer?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  execa(NODE, [CLI, ...args], { env: { ...env, ...extra }, reject: false, cwd: REPO_ROOT, timeout: 240_000 });

/** A video row in a given state, made directly in the database (no daemon needed). */
async function videoIn(state: 'failed' | 'queued', name: string) {
  const { video } = await createOrGetVideo(db, { url: `https://example.com/${name}.mp4`, idempotencyKey: `key-${name}` });
  if (state === 'failed') await failVideo(db, video.id, 'network', 'connection reset');
  return video.id;
}

describe('list, retry, cancel, dead without a daemon', () => {
  test('list: newest first, --state filters, --json, unknown state exits 2', async () => {
    const failed = await videoIn('failed', 'list-failed');
    const queued = await videoIn('queued', 'list-queued');
    const all = JSON.parse((await cli(['list', '--json'])).stdout) as Array<{ id: string; state: string }>;
    assert.deepEqual(all.slice(0, 2).map((v) => v.id), [queued, failed]);
    const onlyFailed = await cli(['list', '--state', 'failed']);
    assert.equal(onlyFailed.exitCode, 0, onlyFailed.stderr);
    assert.match(onlyFailed.stdout, new RegExp(`^${failed}\\s+failed`, 'm'));
    assert.doesNotMatch(onlyFailed.stdout, new RegExp(queued));
    const both = JSON.parse((await cli(['list', '--state', 'failed,queued', '--json'])).stdout) as unknown[];
    assert.ok(both.length >= 2);
    const bad = await cli(['list', '--state', 'exploded']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /unknown state exploded/);
  });

  test('retry: a failed video is queued again under its id with a download job in its site\'s group; others exit 2', async () => {
    const id = await videoIn('failed', 'retry-me');
    await setVideoOrigin(db, id, { canonicalId: null, site: 'example.com', playlistItem: null });
    const r = await cli(['retry', id, '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { video: { state: string } }).video.state, 'queued');
    const v = await getVideo(db, id);
    assert.equal(v?.state, 'queued');
    assert.equal(v?.errorCode, null);
    const jobs = await boss.findJobs<{ videoId: string }>(QUEUES.download, { data: { videoId: id } });
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.groupId, 'example.com', 'the retried download keeps its site group');
    // Not failed any more: a second retry is refused, as is an unknown id.
    const again = await cli(['retry', id]);
    assert.equal(again.exitCode, 2);
    assert.match(again.stderr, /only a failed or cancelled video can be retried/);
    assert.equal((await cli(['retry', '00000000-0000-0000-0000-000000000000'])).exitCode, 2);
    // Cancelling it again also cancels its waiting download job: nothing is left to start later
    // (a second retry would otherwise leave two download jobs for one video).
    const cancel = await cli(['cancel', id, '--json']);
    assert.equal(cancel.exitCode, 0, cancel.stderr);
    assert.equal((JSON.parse(cancel.stdout) as { jobsCancelled: number }).jobsCancelled, 1);
    const after = await boss.findJobs(QUEUES.download, { data: { videoId: id } });
    assert.deepEqual(after.map((j) => j.state), ['cancelled']);
  });

  test('cancel: a queued video ends cancelled (idempotent); a settled one exits 2; its source can be sent again', async () => {
    const id = await videoIn('queued', 'cancel-queued');
    const r = await cli(['cancel', id]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /cancelled/);
    assert.equal((await getVideo(db, id))?.state, 'cancelled');
    const again = await cli(['cancel', id, '--json']);
    assert.equal(again.exitCode, 0);
    assert.equal((JSON.parse(again.stdout) as { cancelled: boolean }).cancelled, false);
    const failed = await videoIn('failed', 'cancel-failed');
    const settled = await cli(['cancel', failed]);
    assert.equal(settled.exitCode, 2);
    assert.match(settled.stderr, /is failed; nothing to cancel/);
    // A cancelled video does not hold its idempotency key: the same source makes a new video.
    const fresh = await createOrGetVideo(db, { url: 'https://example.com/cancel-queued.mp4', idempotencyKey: 'key-cancel-queued' });
    assert.equal(fresh.created, true);
    assert.notEqual(fresh.video.id, id);
    await requestCancel({ db, boss }, fresh.video.id);
  });

  test('dead: lists dead-lettered stage jobs; --redrive reopens the video and sends the job back', async () => {
    const id = await videoIn('failed', 'dead-one');
    const onHost = await videoIn('failed', 'dead-on-host');
    // One job died on the shared queue, one on a host's own queue of the stage (that host may be gone).
    const hostQueue = `${QUEUES.detect}/gone-host`;
    await boss.createQueue(hostQueue, { deadLetter: QUEUES.dead });
    for (const [queue, videoId] of [[QUEUES.preprocess, id], [hostQueue, onHost]] as const) {
      await boss.send(queue, { videoId, sourcePath: '/nowhere/source.mp4' }, { retryLimit: 0 });
      const [job] = await boss.fetch(queue);
      assert.ok(job);
      await boss.fail(queue, job.id, { message: 'worker_crashed: gone' });
    }
    const rows = JSON.parse((await cli(['dead', '--json'])).stdout) as Array<{ queue: string; videoId: string; videoState: string; errorCode: string }>;
    const listed = rows.find((d) => d.videoId === id);
    assert.ok(listed, JSON.stringify(rows));
    assert.equal(listed.queue, QUEUES.preprocess);
    assert.equal(listed.videoState, 'failed');
    assert.equal(listed.errorCode, 'network');
    const table = await cli(['dead']);
    assert.match(table.stdout, new RegExp(`heaters\\.preprocess\\s+${id}\\s+failed\\s+network`));

    const redrive = await cli(['dead', '--redrive', '--json']);
    assert.equal(redrive.exitCode, 0, redrive.stderr);
    const outcomes = JSON.parse(redrive.stdout) as Array<{ videoId: string; redriven: boolean }>;
    assert.equal(outcomes.find((o) => o.videoId === id)?.redriven, true);
    assert.equal(outcomes.find((o) => o.videoId === onHost)?.redriven, true);
    const shared = await boss.findJobs<{ videoId: string }>(QUEUES.detect, { data: { videoId: onHost }, queued: true });
    assert.equal(shared.length, 1, 'a dead host-queue job goes to the shared queue of its stage');
    await boss.deleteJob(QUEUES.detect, shared[0]!.id);
    await requestCancel({ db, boss }, onHost);
    assert.equal((await getVideo(db, id))?.state, 'queued');
    const back = await boss.findJobs<{ videoId: string; sourcePath: string }>(QUEUES.preprocess, { data: { videoId: id }, queued: true });
    assert.equal(back.length, 1);
    assert.equal(back[0]!.data.sourcePath, '/nowhere/source.mp4');
    assert.equal((await boss.findJobs(QUEUES.dead, { data: { videoId: id } })).length, 0, 'moved out of the dead-letter queue');
    // Leave nothing for the daemon suite to pick up.
    await boss.deleteJob(QUEUES.preprocess, back[0]!.id);
    await requestCancel({ db, boss }, id);
  });
});

describe('logs for people and for programs', () => {
  test('auto: pretty and quiet on a terminal, JSON at info on a pipe; LOG_FORMAT and LOG_LEVEL win', () => {
    assert.deepEqual(resolveLogSettings({ format: 'auto' }, true), { pretty: true, level: 'warn' });
    assert.deepEqual(resolveLogSettings({ format: 'auto' }, false), { pretty: false, level: 'info' });
    assert.deepEqual(resolveLogSettings({ format: 'auto', level: 'debug' }, true), { pretty: true, level: 'debug' });
    assert.deepEqual(resolveLogSettings({ format: 'json' }, true), { pretty: false, level: 'info' });
    assert.deepEqual(resolveLogSettings({ format: 'pretty' }, false), { pretty: true, level: 'info' });
    // Programs that build a logger without a format keep JSON lines (tests, the daemon under a supervisor).
    assert.deepEqual(resolveLogSettings({}, true), { pretty: false, level: 'info' });
    const cfg = loadConfig({ LOG_FORMAT: 'json' });
    assert.equal(cfg.log.format, 'json');
    assert.equal(loadConfig({}).log.format, 'auto');
    assert.equal(loadConfig({ NODE_ENV: 'development' }).log.format, 'pretty');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT/);
  });
});

describe('progress bars', () => {
  test('bars per stage on a terminal; a log line meanwhile is drawn above them, not through them', () => {
    let drawn = '';
    const tty = Object.assign(new Writable({ write: (c, _e, cb) => void ((drawn += String(c)), cb()) }), { isTTY: true, columns: 120 });
    const bars = progressBars(tty as unknown as NodeJS.WriteStream);
    const base = { progress: null } as unknown as Video;
    bars.update({ ...base, state: 'downloading', progress: { stage: 'download', percent: 40, downloaded_bytes: 2048 } });
    // A logger on its default destination (stderr) while the bars are up.
    createLogger({ format: 'json', level: 'warn' }).warn('marker-during-bars');
    bars.update({ ...base, state: 'detecting', progress: { stage: 'detect', percent: 50 } });
    bars.stop();
    assert.match(drawn, /download\s+█+\s+100%\s+done/);
    assert.match(drawn, /preprocess\s+█+\s+100%/);
    assert.match(drawn, /detect\s+█+░+\s+50%/);
    assert.match(drawn, /"msg":"marker-during-bars"/, 'the log line went to the terminal through the bars');
  });
});

describe('bin/heaters.js', () => {
  test('an older Node (no type stripping) hands over to the project\'s Node and its exit code', async (t) => {
    const old = '/usr/bin/node';
    const probe = await execa(old, ['-p', 'Boolean(process.features.typescript)'], { reject: false });
    if (probe.exitCode !== 0 || probe.stdout.trim() !== 'false') return t.skip(`${old} is absent or strips types itself`);
    const bin = path.join(REPO_ROOT, 'bin', 'heaters.js');
    const help = await execa(old, [bin, '--help'], { reject: false, env });
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /^usage: heaters <command>/);
    const bad = await execa(old, [bin, 'list', '--state', 'nope'], { reject: false, env });
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /unknown state nope/);
  });
});

describe('doctor', () => {
  test('healthy machine: one line per check, ok or a warning (an old yt-dlp), exit 0', async () => {
    const r = await cli(['doctor', '--json']);
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ name: string; status: string; detail: string }> };
    assert.equal(doc.ok, true);
    const names = ['ffmpeg', 'ffprobe', 'python', 'python cv2', 'python numpy', 'python yt_dlp', 'python worker', 'yt-dlp age', 'database', 'store', 'work dir space'];
    assert.deepEqual(doc.checks.map((c) => c.name), names);
    for (const c of doc.checks) assert.notEqual(c.status, 'fail', `${c.name}: ${c.detail}`);
    assert.match(doc.checks.find((c) => c.name === 'database')!.detail, /^PostgreSQL .* migrations applied/);
    assert.match(doc.checks.find((c) => c.name === 'python worker')!.detail, /^ready and answering in \d+ ms; ops .*detect_scenes/);
  });

  test('missing ffmpeg and a missing Python module: said plainly with their fixes, exit 1', async () => {
    // A stand-in interpreter: the real one, with a cv2 on its path that cannot be imported.
    const fake = path.join(tmp, 'no-cv2');
    await mkdir(path.join(fake, 'cv2'), { recursive: true });
    await writeFile(path.join(fake, 'cv2', '__init__.py'), "raise ImportError(\"No module named 'cv2'\")\n");
    const py = path.join(tmp, 'python-without-cv2');
    await writeFile(py, `#!/bin/sh\nPYTHONPATH=${fake} exec /usr/bin/python3 "$@"\n`);
    await chmod(py, 0o755);
    const r = await cli(['doctor'], { FFMPEG_PATH: path.join(tmp, 'no-such-ffmpeg'), HEATERS_PYTHON: py });
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /^FAIL\s+ffmpeg\s+ffmpeg not found at .*no-such-ffmpeg — fix: install ffmpeg .*FFMPEG_PATH/m);
    assert.match(r.stdout, /^ok\s+ffprobe\s/m, 'a missing ffmpeg does not hide the ffprobe on PATH');
    assert.match(r.stdout, /^FAIL\s+python cv2\s+cannot import cv2: ImportError: No module named 'cv2' — fix: install python3-opencv/m);
    assert.match(r.stdout, /^ok\s+python numpy\s/m);
    assert.match(r.stdout, /^ok\s+database\s/m);
  });

  test('yt-dlp age: a release date, warned about past 90 days', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    assert.equal(ytDlpAge('2026.11.20', now).status, 'ok');
    const old = ytDlpAge('2023.03.04', now);
    assert.equal(old.status, 'warn');
    assert.match(old.detail, /1368 days old/);
  });
});

describe('run: --json, and on a terminal', () => {
  test('run --json prints one JSON object with video, clips and report', async () => {
    const file = await ensureCutSample({ ...DEFAULT_SAMPLE, width: 320, height: 180, scenes: [2, 1] });
    const r = await cli(['run', file, '--json']);
    assert.equal(r.exitCode, 0, r.stderr.slice(-2000));
    const doc = JSON.parse(r.stdout) as { video: { id: string; state: string }; clips: unknown[]; report: { runs: Array<{ stage: string }> } };
    assert.match(doc.video.id, UUID);
    assert.equal(doc.video.state, 'ready');
    assert.equal(doc.clips.length, 2);
    assert.deepEqual(doc.report.runs.map((x) => x.stage), ['download', 'preprocess', 'detect', 'finalize']);
  });

  test('run on a pseudo-terminal: progress bars per stage, no JSON log lines', async (t) => {
    if ((await execa('script', ['--version'], { reject: false })).exitCode !== 0) return t.skip('script(1) from util-linux is not installed');
    const file = await ensureCutSample({ ...DEFAULT_SAMPLE, width: 320, height: 180, scenes: [1, 2] });
    // script(1) gives the command a terminal on stdin/stdout/stderr and copies what it draws to our pipe.
    const line = [NODE, CLI, 'run', file].map((a) => `'${a}'`).join(' ');
    // Default logging (no LOG_LEVEL): the terminal must decide it, pretty and quiet.
    const { LOG_LEVEL: _level, ...ttyEnv } = env;
    const r = await execa('script', ['-qfec', line, '/dev/null'], { env: ttyEnv, reject: false, timeout: 240_000 });
    assert.equal(r.exitCode, 0, r.stdout.slice(-2000));
    const out = r.stdout;
    for (const stage of ['download', 'preprocess', 'detect', 'finalize']) {
      assert.match(out, new RegExp(`${stage}\\s+█+\\s+100%`), `a full bar for ${stage}`);
    }
    assert.match(out, /ready in [\d.]+ s from send/);
    assert.doesNotMatch(out, /\{"level":/, 'no JSON log lines on a terminal');
  });
});

describe('cancel a running video (a daemon on the same database)', () => {
  let daemon: TestDaemon;
  let media: MediaServer;

  before(async () => {
    const file = await ensureCutSample({ ...DEFAULT_SAMPLE, width: 640, height: 360, scenes: [3, 3] });
    media = await startMediaServer(path.dirname(file));
    daemon = await startTestDaemon({ DATABASE_URL: pgServer.url, HEATERS_HTTP_PORT: '0', HEATERS_IO_WORKERS_MAX: '1', HEATERS_IO_WORKERS_MIN: '1' });
  });
  after(async () => {
    await daemon?.close();
    await media?.stop();
  });

  test('cancel during a download: the worker process is killed, the run is recorded cancelled, no retry; retry finishes it', async (t) => {
    const file = `sample-640x360-30-3_3-h264_aac.mp4`;
    const { videoId } = await daemon.ingest(media.url(`/__/slow/${file}`));
    // Downloading for real: the row shows download progress.
    await until('download progress', async () => {
      const v = await getVideo(db, videoId);
      return v?.state === 'downloading' && typeof v.progress?.percent === 'number';
    });
    const workers = daemon.deps.ioPool.pids();
    assert.equal(workers.length, 1);

    const t0 = Date.now();
    const r = await cli(['cancel', videoId]);
    assert.equal(r.exitCode, 0, r.stderr);
    const run = await until('the cancelled stage run', async () =>
      (await listStageRuns(db, videoId)).find((x) => x.stage === 'download' && x.errorCode === 'cancelled'),
    );
    assert.equal(run.ok, false);
    await until('the download worker to exit', async () => !isAlive(workers[0]!), 10_000);
    const stoppedMs = Date.now() - t0;
    assert.ok(stoppedMs < 10_000, `stopped in ${stoppedMs} ms`);
    t.diagnostic(`cancel → stage run recorded and worker gone: ${stoppedMs} ms (CLI process start included)`);
    assert.equal((await getVideo(db, videoId))?.state, 'cancelled');
    // The job completed: not waiting for a retry, not in the dead-letter queue.
    const jobs = await boss.findJobs(QUEUES.download, { data: { videoId } });
    assert.ok(jobs.every((j) => j.state === 'completed'), JSON.stringify(jobs.map((j) => j.state)));
    const dead = JSON.parse((await cli(['dead', '--json'])).stdout) as Array<{ videoId: string }>;
    assert.equal(dead.filter((d) => d.videoId === videoId).length, 0);
    const listed = await cli(['list', '--state', 'cancelled']);
    assert.match(listed.stdout, new RegExp(`^${videoId}\\s+cancelled`, 'm'));

    // The same video, started again, runs to the end.
    const again = await cli(['retry', videoId, '--wait', '--json']);
    assert.equal(again.exitCode, 0, again.stderr.slice(-2000));
    assert.equal((JSON.parse(again.stdout) as { video: { id: string; state: string } }).video.state, 'ready');
  });

  test('cancel during an encode: the ffmpeg process is killed and the run is recorded cancelled', async (t) => {
    // VP9 cannot be remuxed into the browser proxy: preprocess runs one ffmpeg encode.
    const file = await ensureCutSample({ ...DEFAULT_SAMPLE, codec: 'vp9_opus', scenes: [6, 6] });
    const { videoId } = await daemon.ingest(file);
    await until('encode progress', async () => {
      const v = await getVideo(db, videoId);
      return v?.state === 'preprocessing' && v.progress?.stage === 'preprocess' && typeof v.progress.percent === 'number';
    });
    // The encoder is a child of this process (the daemon runs in it).
    const ps = await execa('pgrep', ['-P', String(process.pid), '-x', 'ffmpeg'], { reject: false });
    const encoders = ps.stdout.split('\n').filter(Boolean).map(Number);
    assert.ok(encoders.length >= 1, 'an ffmpeg is encoding');
    const t0 = Date.now();
    const r = await cli(['cancel', videoId]);
    assert.equal(r.exitCode, 0, r.stderr);
    await until('the cancelled preprocess run', async () =>
      (await listStageRuns(db, videoId)).find((x) => x.stage === 'preprocess' && x.errorCode === 'cancelled'),
    );
    await until('ffmpeg to exit', async () => encoders.every((pid) => !isAlive(pid)), 10_000);
    t.diagnostic(`cancel → encode stopped: ${Date.now() - t0} ms (CLI process start included)`);
    const v = await getVideo(db, videoId);
    assert.equal(v?.state, 'cancelled');
    assert.equal((await listStageRuns(db, videoId)).some((x) => x.stage === 'detect'), false, 'the chain stopped');
  });
});
