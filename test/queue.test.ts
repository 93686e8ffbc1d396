import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { PgBoss } from 'pg-boss';
import { ZodError } from 'zod';
import { idempotencyKeyFor } from '../src/db/index.ts';
import {
  createQueues,
  IngestJob,
  QUEUE_CONFIG,
  QUEUES,
  sendIngest,
  startBoss,
} from '../src/queue/index.ts';
import { INGEST_SCHEMA_PATH, ingestJobSchemaText } from '../scripts/gen-schema.ts';
import { startTestPostgres, type TestPostgres } from './helpers/postgres.ts';
import { testLogger } from './helpers/common.ts';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** A promise plus its resolver, for waiting on a handler without sleeping. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

describe('ingest job contract', () => {
  test('the committed JSON Schema equals a fresh generation', async () => {
    assert.equal(await readFile(INGEST_SCHEMA_PATH, 'utf8'), ingestJobSchemaText());
  });

  test('zod accepts valid jobs and rejects invalid ones', () => {
    assert.deepEqual(IngestJob.parse({ url: 'https://x.test/v' }), { url: 'https://x.test/v' });
    assert.ok(IngestJob.safeParse({ url: '/abs/file.mp4', options: { master: true, detect: { min_scene_len: 12, gradual: false } } }).success);
    for (const bad of [
      {},
      { url: '' },
      { url: 42 },
      { url: 'https://x.test', extra: 1 },
      { url: 'https://x.test', options: { master: 'yes' } },
      { url: 'https://x.test', options: { detect: { min_scene_len: 'long' } } },
      { url: 'https://x.test', options: { detect: { no_such_param: 1 } } },
      { url: 'https://x.test', options: { typo: true } },
    ]) {
      assert.throws(() => IngestJob.parse(bad), ZodError, JSON.stringify(bad));
    }
  });
});

describe('pg-boss queues', () => {
  let server: TestPostgres;
  let boss: PgBoss;

  before(async () => {
    server = await startTestPostgres();
    boss = await startBoss({ url: server.url, logger: testLogger() });
    // Short retries for the dead-letter test; everything else as configured.
    await createQueues(boss, { download: { retryLimit: 1, retryDelay: 0, retryBackoff: false } });
  });
  after(async () => {
    await boss?.stop({ graceful: false, close: true, timeout: 5000 });
    await server?.stop();
  });

  test('createQueues is idempotent and applies the configuration', async () => {
    await createQueues(boss, { download: { retryLimit: 1, retryDelay: 0, retryBackoff: false } });
    const ingest = await boss.getQueue(QUEUES.ingest);
    assert.equal(ingest?.policy, 'standard', 'plain boss.send works; the videos table folds duplicates');
    assert.equal(ingest?.deadLetter, QUEUES.dead);
    assert.equal(ingest?.notify, true);
    const preprocess = await boss.getQueue(QUEUES.preprocess);
    assert.equal(preprocess?.expireInSeconds, 3600);
    assert.equal(preprocess?.retryBackoff, true);
    assert.equal((await boss.getQueue(QUEUES.detect))?.expireInSeconds, QUEUE_CONFIG.detect.expireInSeconds);
    assert.equal((await boss.getQueue(QUEUES.download))?.retryLimit, 1, 'override applied to the existing queue');
  });

  test('send → work round trip, and the listen/notify handoff latency', async () => {
    const n = 20;
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    let waiter = deferred<void>();
    // Polls only every 30 s: a job handled within the 10 s per-job timeout was woken by NOTIFY.
    const workerId = await boss.work<{ seq: number }>(
      QUEUES.detect,
      { pollingIntervalSeconds: 30, notifyPollingIntervalSeconds: 30 },
      async ([job]) => {
        const t = performance.now();
        assert.ok(job);
        latencies.push(t - (sentAt.get(job.data.seq) ?? Number.NaN));
        waiter.resolve();
      },
    );
    try {
      for (let seq = 0; seq < n; seq++) {
        waiter = deferred<void>();
        sentAt.set(seq, performance.now());
        await boss.send(QUEUES.detect, { seq });
        await withTimeout(waiter.promise, 10_000, `job ${seq}`);
      }
    } finally {
      await boss.offWork(QUEUES.detect, { id: workerId, wait: true });
    }
    assert.equal(latencies.length, n);
    const p90 = [...latencies].sort((a, b) => a - b)[Math.floor(n * 0.9)] ?? Number.NaN;
    console.log(`# pg-boss handoff (send → handler start), listen/notify: median ${median(latencies).toFixed(1)} ms, p90 ${p90.toFixed(1)} ms over ${n}`);
    assert.ok(latencies.every((l) => Number.isFinite(l)));
  });

  test('a failing job is retried retryLimit times, then lands in heaters.dead', async () => {
    const attempts: number[] = [];
    const dead = deferred<{ data: unknown; sourceName: string | null }>();
    const deadWorker = await boss.work<{ videoId: string }, unknown, { pollingIntervalSeconds: number; includeMetadata: true }>(
      QUEUES.dead,
      { pollingIntervalSeconds: 0.5, includeMetadata: true },
      async ([job]) => {
        if (job) dead.resolve({ data: job.data, sourceName: job.sourceName });
      },
    );
    const worker = await boss.work<{ videoId: string }>(
      QUEUES.download,
      { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5 },
      async ([job]) => {
        attempts.push(job?.retryCount ?? -1);
        throw new Error('always fails');
      },
    );
    try {
      const id = await boss.send(QUEUES.download, { videoId: 'v-dead' });
      assert.ok(id);
      const got = await withTimeout(dead.promise, 30_000, 'dead letter');
      assert.deepEqual(got.data, { videoId: 'v-dead' });
      assert.equal(got.sourceName, QUEUES.download);
      assert.deepEqual(attempts, [0, 1], 'first attempt + retryLimit (1) retries');
      const [failed] = await boss.findJobs(QUEUES.download, { id });
      assert.equal(failed?.state, 'failed');
    } finally {
      await boss.offWork(QUEUES.download, { id: worker, wait: true });
      await boss.offWork(QUEUES.dead, { id: deadWorker, wait: true });
    }
  });

  test('sendIngest: the same source twice carries one idempotency key; other options another', async () => {
    const url = 'https://videos.example.com/watch?v=abc';
    const sameUrl = 'HTTPS://VIDEOS.example.com/watch?v=abc#t=3';
    const [a, b] = await Promise.all([sendIngest(boss, { url }), sendIngest(boss, { url: sameUrl })]);
    assert.ok(a && b);
    assert.equal(a.idempotencyKey, idempotencyKeyFor(url));
    assert.equal(b.idempotencyKey, a.idempotencyKey);
    // Both are enqueued (a standard queue); the daemon folds them into one video (pipeline test).
    const jobs = await boss.findJobs(QUEUES.ingest, { key: a.idempotencyKey });
    assert.equal(jobs.length, 2);

    const master = await sendIngest(boss, { url, options: { master: true } });
    assert.ok(master.id, 'master changes the output, so it is another job');
    const explicit = await sendIngest(boss, { url, options: { idempotencyKey: 'client-key-1' } });
    assert.ok(explicit.id);
    assert.equal(explicit.idempotencyKey, 'client-key-1');
  });

  test('sendIngest rejects invalid job data (zod) and enqueues nothing', async () => {
    const before = (await boss.findJobs(QUEUES.ingest)).length;
    await assert.rejects(sendIngest(boss, { url: 42 }), ZodError);
    await assert.rejects(sendIngest(boss, { url: 'https://x.test', options: { master: 1 } }), ZodError);
    await assert.rejects(sendIngest(boss, null), ZodError);
    assert.equal((await boss.findJobs(QUEUES.ingest)).length, before);
  });
});
