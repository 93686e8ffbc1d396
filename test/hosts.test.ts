// Hosts in-process: identity, the one-daemon-per-id lock, liveness rows, the host-affine chain
// (per-host queues, stage runs that say where they ran), the fenced commit (an attempt whose claim
// lapsed commits nothing), and the database-blip classifier. Crashes of real processes are in
// test/chaos.test.ts.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { endPool, isDbBlip, listStageRuns, retryOnBlip } from '../src/db/index.ts';
import { HostIdInUseError, resolveHostId } from '../src/hosts/index.ts';
import { HostLock } from '../src/hosts/lock.ts';
import { defineStage } from '../src/pipeline/stage.ts';
import { QUEUES, hostQueue } from '../src/queue/index.ts';
import { DownloadJob } from '../src/pipeline/jobs.ts';
import { testLogger } from './helpers/common.ts';
import { startTestDaemon, type TestDaemon } from './helpers/daemon.ts';
import { generate } from './helpers/media/index.ts';
import { startTestPostgres, type TestPostgres } from './helpers/postgres.ts';

let pgs: TestPostgres;
let scratch: string;

before(async () => {
  pgs = await startTestPostgres();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'heaters-hosts-'));
});
after(async () => {
  await pgs?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('host identity and lock', () => {
  test('the default id is kept on the work disk: stable for one dir, distinct per dir; an explicit id wins', async () => {
    const a = path.join(scratch, 'a');
    const b = path.join(scratch, 'b');
    const first = await resolveHostId({ workDir: a });
    assert.match(first, /^[A-Za-z0-9._-]+-[0-9a-f]{8}$/);
    assert.equal(await resolveHostId({ workDir: a }), first, 'the same disk: the same host');
    assert.notEqual(await resolveHostId({ workDir: b }), first, 'another disk: another host');
    assert.equal(await resolveHostId({ workDir: a, explicit: 'edge-1' }), 'edge-1');
  });

  test('one live daemon per host id: a second holder is refused until the first lets go', async () => {
    const log = testLogger();
    const first = await HostLock.acquire(pgs.url, 'dup-host', log);
    await assert.rejects(HostLock.acquire(pgs.url, 'dup-host', log, 500), HostIdInUseError);
    const other = await HostLock.acquire(pgs.url, 'other-host', log, 500);
    await first.close();
    const again = await HostLock.acquire(pgs.url, 'dup-host', log, 2000);
    await Promise.all([again.close(), other.close()]);
  });

  test('database blips are told apart from bad statements, and retried', async () => {
    assert.ok(isDbBlip(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })));
    assert.ok(isDbBlip(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
    assert.ok(isDbBlip(new Error('Connection terminated unexpectedly')));
    assert.ok(isDbBlip(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })));
    assert.ok(!isDbBlip(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' })));
    assert.ok(!isDbBlip(Object.assign(new Error('duplicate key'), { code: '23505' })));
    let calls = 0;
    const v = await retryOnBlip(async () => {
      if (++calls < 3) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      return 'ok';
    }, { what: 'test' });
    assert.equal(v, 'ok');
    assert.equal(calls, 3);
    await assert.rejects(retryOnBlip(async () => Promise.reject(Object.assign(new Error('bad'), { code: '42601' })), { what: 'test' }), /bad/);
  });
});

describe('host-affine chain', () => {
  let d: TestDaemon;
  let db: pg.Pool;
  let src: string;
  before(async () => {
    src = await generate({ kind: 'h264_aac_mp4', durationS: 3, cutsAtS: [1.5] });
    d = await startTestDaemon({ DATABASE_URL: pgs.url, HEATERS_HOST_ID: 'affine-1', HEATERS_HEARTBEAT_S: '1', HEATERS_HOST_STALE_S: '2', HEATERS_HOST_FORGET_H: '1' });
    db = new pg.Pool({ connectionString: pgs.url });
  });
  after(async () => {
    await d?.close();
    if (db) await endPool(db);
  });

  test('the host row is registered and its heartbeat advances', async () => {
    const row = async () => (await db.query('SELECT heartbeat_at, stopped_at, version, pools FROM heaters.hosts WHERE id = $1', ['affine-1'])).rows[0];
    const first = await row();
    assert.ok(first, 'a liveness row');
    assert.equal(first.stopped_at, null);
    assert.ok(first.version);
    assert.ok(first.pools.io.max >= 1);
    for (let i = 0; i < 100; i++) {
      const now = await row();
      if (now.heartbeat_at > first.heartbeat_at) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('heartbeat_at did not advance within 10 s');
  });

  test("after the download, every stage of the chain runs on the host's own queue, and each run names the host", async () => {
    const { videoId } = await d.ingest(src);
    const v = await d.waitSettled(videoId);
    assert.equal(v.state, 'ready', `${v.errorCode}: ${v.errorMessage}`);
    assert.equal(v.hostId, 'affine-1');
    const runs = await listStageRuns(d.deps.db, videoId);
    assert.deepEqual(runs.map((r) => [r.stage, r.hostId, r.ok]), [
      ['download', 'affine-1', true],
      ['preprocess', 'affine-1', true],
      ['detect', 'affine-1', true],
      ['finalize', 'affine-1', true],
    ]);
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM pgboss.job WHERE data->>'videoId' = $1 ORDER BY created_on`, [videoId]);
    assert.deepEqual(rows.map((r) => r.name), [
      QUEUES.download,
      hostQueue('preprocess', 'affine-1'),
      hostQueue('detect', 'affine-1'),
      hostQueue('finalize', 'affine-1'),
    ]);
  });

  test('an attempt whose claim lapsed before its commit commits nothing: no next job, run recorded as claim_lapsed', async () => {
    // A video row and a job of a private queue that only this test fetches.
    const queue = 'heaters.test-fence';
    await d.deps.boss.createQueue(queue, { retryLimit: 0 });
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO heaters.videos (source_url, idempotency_key, state) VALUES ('file:///fence', md5(random()::text), 'downloading') RETURNING id`,
    );
    const videoId = rows[0]!.id;
    await d.deps.boss.send(queue, { videoId });
    const [job] = await d.deps.boss.fetch<{ videoId: string }>(queue, { includeMetadata: true });
    assert.ok(job);
    job.signal = new AbortController().signal; // work() gives each job one; fetch() does not
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let bodyRan = false;
    const stage = defineStage('download', DownloadJob, async () => {
      bodyRan = true;
      await gate; // meanwhile another host takes the video over: the job is cancelled
      return { next: { stage: 'preprocess', data: { sourcePath: '/nowhere' } } };
    });
    let settled = false;
    const running = stage(d.deps, job).finally(() => (settled = true));
    while (!bodyRan && !settled) await new Promise((r) => setTimeout(r, 10));
    assert.ok(bodyRan, 'the stage body started');
    await d.deps.boss.cancel(queue, job.id);
    release();
    await running;
    const next = await db.query(`SELECT 1 FROM pgboss.job WHERE name = $1 AND data->>'videoId' = $2`, [hostQueue('preprocess', 'affine-1'), videoId]);
    assert.equal(next.rowCount, 0, 'no next job was sent');
    const runs = await listStageRuns(d.deps.db, videoId);
    assert.deepEqual(runs.map((r) => [r.ok, r.errorCode]), [[false, 'claim_lapsed']]);
    const j = await d.deps.boss.getJobById(queue, job.id);
    assert.equal(j?.state, 'cancelled', 'the cancel stands');
  });

  test("a stale host's in-flight video is taken over; a long-dead host with nothing in flight is forgotten", async () => {
    // ghost-1 died two hours ago and left nothing behind; ghost-2 went silent a minute ago (stale: 2 s
    // here) with a video mid-detect.
    await db.query(`INSERT INTO heaters.hosts (id, started_at, heartbeat_at) VALUES ('ghost-1', now() - interval '3 hours', now() - interval '2 hours'), ('ghost-2', now() - interval '3 minutes', now() - interval '1 minute')`);
    for (const stage of ['preprocess', 'detect', 'finalize'] as const) await d.deps.boss.createQueue(hostQueue(stage, 'ghost-1'));
    await d.deps.boss.createQueue(hostQueue('detect', 'ghost-2'));
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO heaters.videos (source_url, idempotency_key, state, host_id) VALUES ('file:///gone.mp4', md5(random()::text), 'detecting', 'ghost-2') RETURNING id`,
    );
    const videoId = rows[0]!.id;
    await d.deps.boss.send(hostQueue('detect', 'ghost-2'), { videoId, proxyPath: '/ghost/proxy.mp4' });
    const deadline = Date.now() + 20_000;
    let adopted: { name: string; data: Record<string, unknown> } | undefined;
    let forgotten = false;
    while (Date.now() < deadline && !(adopted && forgotten)) {
      const job = await db.query(`SELECT name, data FROM pgboss.job WHERE data->>'videoId' = $1 AND data->'redrive'->>'reason' = 'takeover'`, [videoId]);
      adopted = job.rows[0];
      forgotten = (await db.query(`SELECT 1 FROM heaters.hosts WHERE id = 'ghost-1'`)).rowCount === 0;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(adopted, 'the video was re-sent by a take-over');
    assert.equal(adopted.name, hostQueue('detect', 'affine-1'), "to the adopter's own queue of the same stage");
    assert.equal(adopted.data.proxyPath, '/ghost/proxy.mp4', "with the old job's local paths (the stage recovers what is missing)");
    const old = await db.query(`SELECT state FROM pgboss.job WHERE name = $1 AND data->>'videoId' = $2`, [hostQueue('detect', 'ghost-2'), videoId]);
    assert.deepEqual(old.rows.map((r) => r.state), ['cancelled'], "the dead host's job is cancelled");
    assert.ok(forgotten, 'ghost-1 is forgotten');
    for (const stage of ['preprocess', 'detect', 'finalize'] as const) assert.equal(await d.deps.boss.getQueue(hostQueue(stage, 'ghost-1')), null, `its ${stage} queue is gone`);
    assert.equal((await db.query(`SELECT 1 FROM heaters.hosts WHERE id = 'ghost-2'`)).rowCount, 1, 'a host dead for less than HEATERS_HOST_FORGET_H is kept');
  });
});
