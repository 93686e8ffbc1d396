// The export stage against an S3 store (s3rver on loopback), through the daemon's pg-boss queue:
// an exact export lands in the bucket with one PUT and is idempotent; a master in an archive class
// (GLACIER) puts the export in `restoring`, re-queues it, and completes once the restore is done.
// s3rver has no archive classes or RestoreObject, so a middleware on the daemon's own S3 client
// reports the master's HEAD as GLACIER (with S3's x-amz-restore state) and answers RestoreObject.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listArtefacts, listClips } from '../src/db/index.ts';
import { frameHashes, getExport, requestClipExport, waitExports } from '../src/export/index.ts';
import { resolveFfmpeg } from '../src/media/index.ts';
import { S3Store } from '../src/storage/index.ts';
import { readyVideo, startReviewDaemon } from './helpers/review.ts';
import type { TestDaemon } from './helpers/daemon.ts';
import { startS3rver } from './helpers/s3rver.ts';
import type { S3rverHandle } from './helpers/s3rver.ts';
import { startTestPostgres } from './helpers/postgres.ts';
import type { TestPostgres } from './helpers/postgres.ts';

describe('export stage on an S3 store', () => {
  let pg: TestPostgres;
  let s3: S3rverHandle;
  let d: TestDaemon & { url: string };
  let videoId: string;
  let scratch: string;
  const bins = { ffmpeg: '', ffprobe: '' };
  // The fake archive state of the master, as S3 reports it (see the file comment).
  let restoreHeader: string | undefined;
  const calls: string[] = [];

  before(async () => {
    Object.assign(bins, await resolveFfmpeg());
    scratch = await mkdtemp(path.join(os.tmpdir(), 'heaters-export-s3-'));
    [pg, s3] = await Promise.all([startTestPostgres(), startS3rver()]);
    d = await startReviewDaemon({
      DATABASE_URL: pg.url,
      ...s3.daemonEnv(),
      HEATERS_MASTER_STORAGE_CLASS: 'GLACIER',
      HEATERS_EXPORT_RESTORE_RECHECK_S: '1',
    });
    const store = d.deps.store;
    assert.ok(store instanceof S3Store);
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const cmd = (context as { commandName?: string }).commandName;
        const key = String((args.input as { Key?: string }).Key ?? '');
        if (!key.includes('/master-')) return next(args);
        if (cmd === 'RestoreObjectCommand') {
          calls.push('restore');
          restoreHeader = 'ongoing-request="true"';
          return { output: { $metadata: { httpStatusCode: 202 } }, response: {} } as never;
        }
        if (cmd === 'HeadObjectCommand') {
          calls.push('head');
          const r = await next(args);
          Object.assign(r.output as object, { StorageClass: 'GLACIER', Restore: restoreHeader });
          return r;
        }
        return next(args);
      },
      { step: 'initialize', name: 'testArchiveClass' },
    );
    videoId = (await readyVideo(d, 'export-s3')).id;
  });
  after(async () => {
    await d?.close();
    await s3?.stop();
    await pg?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const clipIds = async () => (await listClips(d.deps.db, videoId)).map((c) => c.id);
  const exportJobs = async (exportId: string) => (await d.deps.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'heaters.export' AND data->>'exportId' = $1`, [exportId])).rows[0]!.n;

  test('exact export of a clip: one PUT into the bucket, the clip\'s frame count, a second request sends nothing', async () => {
    const [, second] = await clipIds();
    const putsBefore = d.deps.store.ops().put;
    const row = await requestClipExport(d.deps, second!, 'exact');
    const [r] = await waitExports(d.deps.db, [row.id], { timeoutMs: 60_000, intervalMs: 50 });
    assert.equal(r!.state, 'done', `${r!.errorCode}: ${r!.errorMessage}`);
    assert.ok(r!.storeUri!.startsWith(`s3://${s3.bucket}/heaters/exports/`), r!.storeUri!);
    assert.equal(d.deps.store.ops().put - putsBefore, 1, 'one PUT for the export');
    assert.equal((r!.integrity as { storeOps: { put: number } }).storeOps.put, 1);
    assert.equal(await d.deps.store.exists(r!.objectKey!), true, 'the object is in the bucket');
    const local = path.join(scratch, 'exact.mp4');
    const got = await d.deps.store.get(r!.objectKey!, local);
    assert.equal(got.sha256, r!.sha256);
    assert.equal(r!.frames, 40); // clip 50-90 at 25 fps
    assert.equal((await frameHashes(local, bins)).length, r!.endFrame - r!.startFrame);
    // Idempotent: the same row back, done, no new job and so no new PUT.
    const putsAfter = d.deps.store.ops().put;
    const jobsBefore = await exportJobs(row.id);
    const again = await requestClipExport(d.deps, second!, 'exact');
    assert.equal(again.id, row.id);
    assert.equal(again.state, 'done');
    const [still] = await waitExports(d.deps.db, [row.id], { timeoutMs: 5_000, intervalMs: 50 });
    assert.equal(still!.state, 'done');
    assert.equal(await exportJobs(row.id), jobsBefore, 'no second export job');
    assert.equal(d.deps.store.ops().put, putsAfter, 'no second PUT');
  });

  test('master in GLACIER: RestoreObject, export `restoring` and re-queued, done once the restore completes', async () => {
    const [first, , third] = await clipIds();
    // The first master export makes the master on demand and stores it in GLACIER (HEATERS_MASTER_STORAGE_CLASS).
    const made = await requestClipExport(d.deps, first!, 'master');
    const [m] = await waitExports(d.deps.db, [made.id], { timeoutMs: 60_000, intervalMs: 50 });
    assert.equal(m!.state, 'done', `${m!.errorCode}: ${m!.errorMessage}`);
    assert.equal(m!.masterHydrated, 'made');
    const master = (await listArtefacts(d.deps.db, videoId)).find((a) => a.kind === 'master');
    assert.equal(master?.storageClass, 'GLACIER');
    calls.length = 0;

    const row = await requestClipExport(d.deps, third!, 'master');
    // It must reach `restoring`, and be re-run by a re-queued job (each run HEADs the master again).
    const deadline = Date.now() + 20_000;
    let sawRestoring = false;
    while (Date.now() < deadline && !(sawRestoring && calls.filter((c) => c === 'head').length >= 2)) {
      const cur = await getExport(d.deps.db, row.id);
      if (cur?.state === 'restoring') sawRestoring = true;
      assert.notEqual(cur?.state, 'done', 'an archived master cannot be read before its restore');
      assert.notEqual(cur?.state, 'failed', `${cur?.errorCode}: ${cur?.errorMessage}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(sawRestoring, 'the export is in its restoring state');
    assert.ok(calls.filter((c) => c === 'head').length >= 2, `the export was re-queued and ran again: ${calls.join(',')}`);
    assert.equal(calls.filter((c) => c === 'restore').length, 1, 'one RestoreObject, none while it runs');
    assert.ok((await exportJobs(row.id)) >= 2, 'the re-queue is a new pg-boss job');

    // The restore finishes: the next re-run reads the master and completes.
    restoreHeader = 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"';
    const [r] = await waitExports(d.deps.db, [row.id], { timeoutMs: 20_000, intervalMs: 50 });
    assert.equal(r!.state, 'done', `${r!.errorCode}: ${r!.errorMessage}`);
    assert.equal(r!.masterHydrated, 'restored');
    assert.equal(r!.method, 'ffv1');
    assert.equal(r!.frames, 60);
    assert.equal(calls.filter((c) => c === 'restore').length, 1);
  });
});
