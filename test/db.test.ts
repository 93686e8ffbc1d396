import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  createDb,
  createOrGetVideo,
  DbError,
  endPool,
  failVideo,
  getVideo,
  idempotencyKeyFor,
  listArtefacts,
  listClips,
  listStageRuns,
  markReady,
  loadMigrations,
  migrate,
  recordStageRun,
  replaceClips,
  setKeyframes,
  setProbe,
  setProgress,
  setState,
  startEmbeddedPostgres,
  upsertArtefact,
  withTransaction,
  type Detector,
} from '../src/db/index.ts';
import { createLogger, type Logger } from '../src/log/index.ts';
import { until } from './helpers/common.ts';
import { freePort, startTestPostgres, type TestPostgres } from './helpers/postgres.ts';

const EMBEDDED_MODULE = new URL('../src/db/embedded/index.ts', import.meta.url).href;
const LOG_MODULE = new URL('../src/log/index.ts', import.meta.url).href;

/** A logger whose lines we can inspect. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines };
}

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'heaters-dbtest-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// A separate node process that runs our start code, reports the postmaster pid, then, per mode:
// 'hold' waits forever (to be kill -9'ed), 'stop' stops and ends naturally with exitCode 3,
// 'exit' calls process.exit(3) without stopping.
const CHILD_SOURCE = `
const { startEmbeddedPostgres } = await import(${JSON.stringify(EMBEDDED_MODULE)});
const { createLogger } = await import(${JSON.stringify(LOG_MODULE)});
const server = await startEmbeddedPostgres({
  dir: process.env.T_DIR, port: Number(process.env.T_PORT), ephemeral: true,
  logger: createLogger({ level: 'silent' }),
});
process.stdout.write(JSON.stringify({ postgresPid: server.pid }) + '\\n');
const mode = process.env.T_MODE;
if (mode === 'hold') setInterval(() => {}, 1 << 30);
else if (mode === 'stop') { await server.stop(); process.exitCode = 3; }
else if (mode === 'exit') process.exit(3);
`;

type Child = { pid: number; postgresPid: number; exited: Promise<{ code: number | null; signal: string | null }> };

async function startChild(dir: string, port: number, mode: 'hold' | 'stop' | 'exit'): Promise<Child> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SOURCE], {
    env: { ...process.env, T_DIR: dir, T_PORT: String(port), T_MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    void exited.then(({ code }) => reject(new Error(`child exited (${code}) before reporting: ${stderr}`)));
  });
  lines.close();
  const { postgresPid } = JSON.parse(first) as { postgresPid: number };
  return { pid: child.pid ?? -1, postgresPid, exited };
}

/** Dead or a zombie (our PID 1 does not reap orphans). */
async function isGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

describe('embedded postgres', () => {
  test('start (fresh initdb, then reuse), 127.0.0.1 only, migrate twice, stop; no password in logs', async (t) => {
    const dir = path.join(await tempDir(t), 'pg');
    const port = await freePort();
    const { logger, lines } = capturingLogger();
    const signalsBefore = ['SIGINT', 'SIGTERM', 'beforeExit'].map((e) => process.listenerCount(e));

    let t0 = performance.now();
    const first = await startEmbeddedPostgres({ dir, port, logger });
    const freshMs = performance.now() - t0;
    // The library's exit hook must not stay installed (it would own SIGINT/SIGTERM and exit code).
    assert.deepEqual(['SIGINT', 'SIGTERM', 'beforeExit'].map((e) => process.listenerCount(e)), signalsBefore);
    assert.match(first.url, /^postgres:\/\/[^@]+@127\.0\.0\.1:\d+\/heaters$/);

    const pool = createDb(first.url);
    try {
      const versions = (await loadMigrations()).map((m) => m.version);
      const r1 = await migrate(pool);
      const r2 = await migrate(pool);
      assert.deepEqual(r1.applied, versions, 'every migration, in order');
      assert.deepEqual(r2.applied, []);
      assert.equal(r2.current, versions.at(-1));
      const tables = await pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'heaters' ORDER BY 1`,
      );
      const names = tables.rows.map((r: { table_name: string }) => r.table_name);
      for (const t of ['artefacts', 'clips', 'hosts', 'schema_migrations', 'stage_runs', 'videos']) assert.ok(names.includes(t), `table ${t}`);
      const listen = await pool.query('SHOW listen_addresses');
      assert.equal(listen.rows[0].listen_addresses, '127.0.0.1');
    } finally {
      await pool.end();
    }
    await first.stop();
    await first.stop(); // idempotent

    t0 = performance.now();
    const second = await startEmbeddedPostgres({ dir, port, logger });
    const reuseMs = performance.now() - t0;
    const pool2 = createDb(second.url);
    try {
      assert.deepEqual((await migrate(pool2)).applied, [], 'the data survived the restart');
    } finally {
      await pool2.end();
      await second.stop();
    }
    const log = lines.join('');
    assert.match(log, /initialised a new postgres cluster/);
    assert.ok(!log.includes(first.url), 'the URL (with password) is never logged');
    assert.ok(!/:password@/.test(log));
    console.log(`# embedded postgres start: fresh (initdb) ${freshMs.toFixed(0)} ms, reuse ${reuseMs.toFixed(0)} ms`);
  });

  test('a process that starts and stops embedded postgres keeps its failing exit code', async (t) => {
    const dir = path.join(await tempDir(t), 'pg');
    const child = await startChild(dir, await freePort(), 'stop');
    const { code } = await child.exited;
    assert.equal(code, 3);
    assert.ok(await isGone(child.postgresPid));
  });

  test('process.exit without stop(): exit code kept, postgres shut down by the exit safety net', async (t) => {
    const dir = path.join(await tempDir(t), 'pg');
    const child = await startChild(dir, await freePort(), 'exit');
    const { code } = await child.exited;
    assert.equal(code, 3);
    await until('postgres to shut down', () => isGone(child.postgresPid), 15_000);
  });

  test('kill -9 of the daemon (postgres orphaned): the next start shuts the orphan down and starts', async (t) => {
    const dir = path.join(await tempDir(t), 'pg');
    const port = await freePort();
    const child = await startChild(dir, port, 'hold');
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    assert.equal(await isGone(child.postgresPid), false, 'postgres outlives a kill -9 of its parent');

    const { logger, lines } = capturingLogger();
    const server = await startEmbeddedPostgres({ dir, port, logger, ephemeral: true });
    try {
      assert.ok(await isGone(child.postgresPid));
      assert.match(lines.join(''), /recovered: orphaned postgres shut down/);
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.end();
    } finally {
      await server.stop();
    }
  });

  test('kill -9 of the daemon and of postgres: stale postmaster.pid is removed and start recovers', async (t) => {
    const dir = path.join(await tempDir(t), 'pg');
    const port = await freePort();
    const child = await startChild(dir, port, 'hold');
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    process.kill(child.postgresPid, 'SIGKILL');
    await until('postgres to die', () => isGone(child.postgresPid), 15_000);
    assert.ok(existsSync(path.join(dir, 'postmaster.pid')), 'the crash leaves postmaster.pid behind');

    const { logger, lines } = capturingLogger();
    const server = await startEmbeddedPostgres({ dir, port, logger, ephemeral: true });
    try {
      assert.match(lines.join(''), /recovered: removed a stale postmaster.pid/);
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.end();
    } finally {
      await server.stop();
    }
  });

  test('another failure is a clear Error, never undefined (port already taken)', async (t) => {
    const port = await freePort();
    const a = await startEmbeddedPostgres({ dir: path.join(await tempDir(t), 'a'), port, logger: createLogger({ level: 'silent' }), ephemeral: true });
    try {
      await assert.rejects(
        startEmbeddedPostgres({ dir: path.join(await tempDir(t), 'b'), port, logger: createLogger({ level: 'silent' }), ephemeral: true }),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.equal((err as { code?: string }).code, 'pg_start_failed');
          assert.match(err.message, /could not bind|already in use|could not create any TCP\/IP sockets/i);
          return true;
        },
      );
    } finally {
      await a.stop();
    }
  });
});

describe('data access', () => {
  let server: TestPostgres;
  let db: pg.Pool;
  const detector: Detector = { name: 'frame-diff', version: '1', params: { threshold: 0.3 }, cuts: [10, 20] };

  before(async () => {
    server = await startTestPostgres();
    db = createDb(server.url, { max: 10 });
    await migrate(db);
  });
  after(async () => {
    await db?.end();
    await server?.stop();
  });

  const newVideo = async (url = `https://example.com/v/${Math.random()}`) =>
    (await createOrGetVideo(db, { url, idempotencyKey: idempotencyKeyFor(url), options: {} })).video;

  test("endPool resolves only once every connection of the pool has closed (pg-pool's end() alone resolves before)", async () => {
    // A server stopped while a pool's client was still closing made a listener-less pool throw (the
    // hosts test's teardown race) and the daemon's pool log an idle-client error at shutdown with the
    // embedded cluster: endPool waits for each client's 'remove', emitted when its connection ended.
    const pool = new pg.Pool({ connectionString: server.url, max: 3 });
    let connected = 0;
    let removed = 0;
    pool.on('connect', () => connected++);
    pool.on('remove', () => removed++);
    await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.01)')));
    assert.equal(connected, 3);
    await endPool(pool);
    assert.equal(removed, 3, 'every connection had closed when endPool resolved');
  });

  test('two daemons migrating at once: both succeed, migrations applied once', async () => {
    const admin = createDb(server.url, { max: 1 });
    await admin.query('CREATE DATABASE migrate_race');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/migrate_race';
    const pools = [createDb(url.href), createDb(url.href)];
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const n = (await loadMigrations()).length;
      assert.deepEqual(results.map((r) => r.applied.length).sort((a, b) => a - b), [0, n]);
      const { rows } = await pools[0]!.query('SELECT count(*)::int AS n FROM heaters.schema_migrations');
      assert.equal(rows[0].n, n);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  test('createOrGetVideo: 20 concurrent calls for one key make one row, one created', async () => {
    const url = 'https://Example.COM/watch?v=race#t=10';
    const key = idempotencyKeyFor(url, { master: false });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => createOrGetVideo(db, { url, idempotencyKey: key, options: { master: false } })),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.video.id)).size, 1);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM heaters.videos WHERE idempotency_key = $1', [key]);
    assert.equal(rows[0].n, 1);
    const v = results[0]!.video;
    assert.equal(v.state, 'queued');
    assert.deepEqual(v.options, { master: false });
    assert.ok(v.createdAt instanceof Date);
  });

  test('idempotencyKeyFor: normalized URL + master', () => {
    const k = idempotencyKeyFor('https://example.com/a?b=1');
    assert.equal(idempotencyKeyFor('HTTPS://EXAMPLE.com/a?b=1#frag'), k);
    assert.equal(idempotencyKeyFor('https://example.com/a?b=1', { master: false }), k);
    assert.notEqual(idempotencyKeyFor('https://example.com/a?b=1', { master: true }), k);
    assert.notEqual(idempotencyKeyFor('https://example.com/A?b=1'), k, 'the path is case-sensitive');
    assert.equal(idempotencyKeyFor('/media/x.mp4'), idempotencyKeyFor('file:///media/x.mp4'));
    assert.match(k, /^[0-9a-f]{64}$/);
  });

  test('a failed video is terminal; the same key then creates a new video', async () => {
    const url = 'https://example.com/v/fails';
    const key = idempotencyKeyFor(url);
    const first = await createOrGetVideo(db, { url, idempotencyKey: key });
    assert.equal(first.created, true);
    await failVideo(db, first.video.id, 'DOWNLOAD_FAILED', 'boom');
    await assert.rejects(setState(db, first.video.id, 'downloading'), (e: unknown) => e instanceof DbError && e.code === 'video_failed');
    await assert.rejects(markReady(db, first.video.id), (e: unknown) => e instanceof DbError && e.code === 'video_failed');
    const again = await createOrGetVideo(db, { url, idempotencyKey: key });
    assert.equal(again.created, true);
    assert.notEqual(again.video.id, first.video.id);
    const same = await createOrGetVideo(db, { url, idempotencyKey: key });
    assert.equal(same.created, false);
    assert.equal(same.video.id, again.video.id);
  });

  test('failVideo redacts secrets and bounds the message', async () => {
    const v = await newVideo();
    const secretUrl = 'https://user:hunter2secret@cdn.example.com/v.mp4?token=tok3nvalue&x=1';
    const failed = await failVideo(db, v.id, 'DOWNLOAD_FAILED', `yt-dlp: HTTP 403 for ${secretUrl}`);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.errorCode, 'DOWNLOAD_FAILED');
    assert.ok(failed.errorMessage);
    assert.ok(!failed.errorMessage.includes('hunter2secret'), failed.errorMessage);
    assert.ok(!failed.errorMessage.includes('tok3nvalue'), failed.errorMessage);
    assert.match(failed.errorMessage, /\[REDACTED\]/);
    assert.match(failed.errorMessage, /HTTP 403/);

    const v2 = await newVideo();
    const long = `start ${'x'.repeat(10_000)} password=sup3rs3cret the real cause at the end`;
    const f2 = await failVideo(db, v2.id, 'ENCODE_FAILED', long);
    assert.ok((f2.errorMessage ?? '').length < 2100);
    assert.match(f2.errorMessage ?? '', /^start /);
    assert.match(f2.errorMessage ?? '', /the real cause at the end$/);
    assert.ok(!(f2.errorMessage ?? '').includes('sup3rs3cret'));
  });

  test('replaceClips replaces in one transaction: a failing insert leaves the old clips', async () => {
    const v = await newVideo();
    const clip = (i: number) => ({ startFrame: i * 10, endFrame: i * 10 + 9, startS: i, endS: i + 0.9, keyframeS: i });
    const old = await replaceClips(db, v.id, [clip(0), clip(1), clip(2)], detector);
    assert.equal(old.length, 3);

    const bad = [clip(0), { startFrame: 50, endFrame: 40, startS: 5, endS: 4 }]; // violates a CHECK
    await assert.rejects(replaceClips(db, v.id, bad, { ...detector, version: '2' }));
    const kept = await listClips(db, v.id);
    assert.deepEqual(kept.map((c) => c.idx), [0, 1, 2]);
    assert.deepEqual((await getVideo(db, v.id))?.detector, detector, 'detector unchanged too');

    const next = await replaceClips(db, v.id, [clip(3), clip(4)], { ...detector, version: '3' });
    assert.deepEqual(next.map((c) => [c.idx, c.startFrame, c.reviewState]), [[0, 30, 'pending'], [1, 40, 'pending']]);
    assert.deepEqual((await listClips(db, v.id)).map((c) => c.startFrame), [30, 40]);
    assert.equal(((await getVideo(db, v.id))?.detector as Detector).version, '3');

    // Inside a caller's transaction it uses a savepoint and leaves the commit to the caller.
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await replaceClips(client, v.id, [clip(7)], detector);
      await assert.rejects(replaceClips(client, v.id, bad, detector));
      assert.deepEqual((await listClips(client, v.id)).map((c) => c.startFrame), [70]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    assert.deepEqual((await listClips(db, v.id)).map((c) => c.startFrame), [30, 40]);
  });

  test('state, progress, probe, keyframes, ready; artefacts and stage runs round trip', async () => {
    const v = await newVideo();
    assert.equal((await setState(db, v.id, 'downloading')).state, 'downloading');
    const p = await setProgress(db, v.id, { stage: 'download', percent: 42.5, bytes: 1234, speed: 99 });
    assert.deepEqual(p.progress, { stage: 'download', percent: 42.5, bytes: 1234, speed: 99 });
    const probed = await setProbe(db, v.id, { format: { duration: '3.0' } }, { title: 'A title', durationS: 3 });
    assert.equal(probed.title, 'A title');
    assert.equal(probed.durationS, 3);
    assert.deepEqual((await setKeyframes(db, v.id, [0, 1.5, 3])).keyframeTimes, [0, 1.5, 3]);
    const ready = await markReady(db, v.id);
    assert.equal(ready.state, 'ready');
    assert.ok(ready.readyAt instanceof Date);
    assert.equal(ready.progress, null, 'a ready video has no stale progress');
    assert.ok(ready.updatedAt.getTime() >= v.updatedAt.getTime());
    await assert.rejects(setState(db, '00000000-0000-0000-0000-000000000000', 'detecting'), (e: unknown) => e instanceof DbError && e.code === 'video_not_found');

    const big = 5 * 1024 ** 3;
    await upsertArtefact(db, { videoId: v.id, kind: 'proxy', storeUri: 'file:///s', objectKey: 'a/proxy.mp4', bytes: 10 });
    await upsertArtefact(db, { videoId: v.id, kind: 'proxy', storeUri: 'file:///s', objectKey: 'a/proxy.mp4', bytes: big, sha256: 'ab', contentType: 'video/mp4' });
    await upsertArtefact(db, { videoId: v.id, kind: 'master', storeUri: 's3://b', objectKey: 'a/master.mkv', bytes: 7, storageClass: 'GLACIER_IR' });
    const arts = await listArtefacts(db, v.id);
    assert.deepEqual(arts.map((a) => [a.kind, a.bytes, a.storageClass]), [['master', 7, 'GLACIER_IR'], ['proxy', big, null]]);

    const startedAt = new Date(Date.now() - 1500);
    const run = await recordStageRun(db, {
      videoId: v.id, stage: 'download', startedAt, finishedAt: new Date(startedAt.getTime() + 1500), ok: true,
      handoffMs: 8, bytesDown: big, storeOps: { put: 1 }, encodePasses: 0, details: { remux: true },
    });
    assert.equal(run.wallMs, 1500);
    assert.equal(run.bytesDown, big);
    await recordStageRun(db, { videoId: v.id, stage: 'preprocess', startedAt: new Date(), ok: false, errorCode: 'X', attempt: 2 });
    const runs = await listStageRuns(db, v.id);
    assert.deepEqual(runs.map((r) => [r.stage, r.attempt, r.ok]), [['download', 1, true], ['preprocess', 2, false]]);
    assert.deepEqual(runs[0]?.storeOps, { put: 1 });

    // withTransaction on the pool rolls back on error.
    await assert.rejects(
      withTransaction(db, async (tx) => {
        await setState(tx, v.id, 'detecting');
        throw new Error('abort');
      }),
    );
    assert.equal((await getVideo(db, v.id))?.state, 'ready');
  });
});
