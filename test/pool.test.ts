// Acceptance tests of the Python worker pool: real Python processes, no mocks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import {
  jitteredMaxTasks,
  MAX_TASKS_JITTER,
  POOL_DEFAULTS,
  PoolClosedError,
  PoolExhaustedError,
  PoolOptionsError,
  ProtocolError,
  PythonPool,
  PythonWorker,
  TaskCancelledError,
  TaskFailedError,
  TaskTimeoutError,
  WorkerCrashedError,
  WorkerStartError,
} from '../src/pool/index.ts';
import { ensureClip } from './helpers/media/index.ts';
import { isAlive, PYTHON, startSleep, startTestPool } from './helpers/pool.ts';
import { testLogger } from './helpers/common.ts';

const Ping = z.object({ pong: z.literal(true), pid: z.number().int() });
const SleepResult = z.object({ pid: z.number().int(), start: z.number(), end: z.number() });
const pidOf = async (pool: PythonPool) => Ping.parse(await pool.run('ping')).pid;

describe('PythonWorker', () => {
  test('ready carries the versions of python, cv2, numpy and yt_dlp', async () => {
    const worker = await PythonWorker.start({ python: PYTHON, logger: testLogger(), testOps: true });
    try {
      assert.match(worker.versions?.python ?? '', /^3\.\d+\.\d+/);
      assert.match(worker.versions?.cv2 ?? '', /^\d+\.\d+/);
      assert.match(worker.versions?.numpy ?? '', /^\d+\.\d+/);
      assert.match(worker.versions?.yt_dlp ?? '', /^\d{4}\.\d{2}\.\d{2}/);
      assert.ok(worker.ops.includes('ping') && worker.ops.includes('sleep'), worker.ops.join(','));
      assert.ok((worker.rss() ?? 0) > 10 * 1024 * 1024, 'rss() reads VmRSS of a process that imported cv2');
    } finally {
      const pid = worker.pid!;
      await worker.close();
      assert.equal(isAlive(pid), false);
    }
  });

  test('workers never see secrets: secret-named env vars and DATABASE_URL are not passed on', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_SECRET_ACCESS_KEY: 'x'.repeat(40), DATABASE_URL: 'postgres://u:pw@h/db', HEATERS_PLAIN: '1' });
    const worker = await PythonWorker.start({ python: PYTHON, logger: testLogger(), testOps: true });
    process.env = saved;
    try {
      const { names } = z.object({ names: z.array(z.string()) }).parse(await worker.run('environ', {}));
      assert.ok(names.includes('HEATERS_PLAIN') && names.includes('PATH'), 'ordinary variables pass');
      assert.ok(!names.includes('AWS_SECRET_ACCESS_KEY'));
      assert.ok(!names.includes('DATABASE_URL'));
    } finally {
      await worker.close();
    }
  });

  test('test ops are absent without --test-ops', async () => {
    const worker = await PythonWorker.start({ python: PYTHON, logger: testLogger() });
    try {
      assert.ok(worker.ops.includes('ping'));
      assert.ok(!worker.ops.includes('sleep'));
      await assert.rejects(worker.run('sleep', { seconds: 0 }), (e: unknown) => e instanceof TaskFailedError && e.code === 'unknown_op');
    } finally {
      await worker.close();
    }
  });

  test('missing python gives WorkerStartError naming the path', async () => {
    const python = '/nonexistent/bin/python3';
    await assert.rejects(PythonPool.start({ name: 'missing', python, logger: testLogger() }), (e: unknown) => {
      assert.ok(e instanceof WorkerStartError);
      assert.equal(e.code, 'worker_start_failed');
      assert.ok(e.message.includes(python), e.message);
      return true;
    });
  });

  test('a python that exits before ready gives WorkerStartError with its stderr', async () => {
    // /bin/false is executable but never speaks the protocol.
    await assert.rejects(PythonWorker.start({ python: '/bin/false', logger: testLogger() }), (e: unknown) => {
      assert.ok(e instanceof WorkerStartError);
      assert.match(e.message, /exited before ready \(exit code 1\)/);
      return true;
    });
  });
});

describe('PythonPool (shared pool)', () => {
  let pool: PythonPool;
  before(async () => {
    pool = await startTestPool({ name: 'shared', min: 3, max: 3 });
  });
  after(async () => {
    await pool.drain();
  });

  test('N concurrent requests run in parallel on N distinct workers', async () => {
    const results = await Promise.all([0, 1, 2].map(() => pool.run('sleep', { seconds: 0.4 })));
    const runs = results.map((r) => SleepResult.parse(r));
    assert.equal(new Set(runs.map((r) => r.pid)).size, 3, 'three different pids');
    // All three were inside the op at the same moment: the latest start precedes the earliest end.
    assert.ok(Math.max(...runs.map((r) => r.start)) < Math.min(...runs.map((r) => r.end)), JSON.stringify(runs));
  });

  test('a 10 MB result round-trips intact', async () => {
    const bytes = 10 * 1024 * 1024;
    const r = z.object({ bytes: z.number(), sha256: z.string(), data: z.string() }).parse(await pool.run('big_result', { bytes }));
    assert.equal(r.data.length, bytes);
    assert.equal(createHash('sha256').update(r.data, 'ascii').digest('hex'), r.sha256);
  });

  test('progress messages reach onProgress in order, before the result', async () => {
    const seen: unknown[] = [];
    const result = await pool.run('progress', { count: 5 }, { onProgress: (d) => seen.push(d) });
    assert.deepEqual(seen, [1, 2, 3, 4, 5].map((i) => ({ i, of: 5 })));
    assert.deepEqual(result, { count: 5 });
  });

  test('echo returns args; an op error is a TaskFailedError with its code', async () => {
    assert.deepEqual(await pool.run('echo', { a: [1, 'two', { three: null }], u: 'é✓' }), { a: [1, 'two', { three: null }], u: 'é✓' });
    await assert.rejects(pool.run('frame_diff', {}), (e: unknown) => e instanceof TaskFailedError && e.code === 'bad_request');
    await assert.rejects(pool.run('no_such_op'), (e: unknown) => e instanceof TaskFailedError && e.code === 'unknown_op');
  });

  test('print() and writes to fd 1 inside an op do not break the protocol', async () => {
    const before = pool.stats();
    const r = z.object({ printed: z.literal(true), text: z.string() }).parse(await pool.run('print_to_stdout', { text: 'noise' }));
    assert.equal(r.text, 'noise');
    // The worker is still healthy: nothing was retired and it keeps answering.
    await pidOf(pool);
    const s = pool.stats();
    assert.equal(s.recycled, before.recycled);
    assert.equal(s.crashed, before.crashed);
  });

  test('frame_diff scores a generated clip', async () => {
    const clip = await ensureClip({ seconds: 2 });
    const r = z.object({ frames: z.number(), score: z.number() }).parse(await pool.run('frame_diff', { path: clip, seconds: 2 }));
    assert.ok(r.frames >= 40, `frames=${r.frames}`);
    assert.ok(r.score > 0, 'testsrc2 moves, so consecutive frames differ');
  });

  test('kill -9 of a worker mid-request gives WorkerCrashedError; the pool replaces it', async () => {
    const crashedBefore = pool.stats().crashed;
    const { started, done } = startSleep(pool, 30);
    const { pid } = await started;
    process.kill(pid, 'SIGKILL');
    await assert.rejects(done, (e: unknown) => {
      assert.ok(e instanceof WorkerCrashedError);
      assert.equal(e.signal, 'SIGKILL');
      assert.equal(e.pid, pid);
      return true;
    });
    assert.equal(isAlive(pid), false);
    assert.equal(pool.stats().crashed, crashedBefore + 1);
    assert.equal(pool.stats().size, 3, 'a replacement is on its way');
    assert.notEqual(await pidOf(pool), pid, 'the next request succeeds on another worker');
  });

  test('a worker that died while idle fails validation and is replaced before use', async () => {
    const crashedBefore = pool.stats().crashed;
    const pid = await pidOf(pool); // LIFO: the most recently used worker is handed out next
    process.kill(pid, 'SIGKILL');
    while (pool.pids().includes(pid)) await new Promise((resolve) => setImmediate(resolve)); // until its exit is seen
    assert.notEqual(await pidOf(pool), pid);
    assert.equal(pool.stats().crashed, crashedBefore + 1);
  });

  test('a worker that exits mid-request reports its exit code and stderr tail', async () => {
    await assert.rejects(pool.run('crash', { mode: 'exit', code: 7 }), (e: unknown) => {
      assert.ok(e instanceof WorkerCrashedError);
      assert.equal(e.exitCode, 7);
      assert.equal(e.signal, null);
      assert.ok(e.stderrTail.some((l) => l.includes('crash op: about to die')), e.stderrTail.join('\n'));
      return true;
    });
    await pidOf(pool);
  });

  test('a hung request hits its timeout; the worker is killed and replaced', async () => {
    const { started, done } = startSleep(pool, 30, { timeoutMs: 1000 });
    const { pid } = await started;
    await assert.rejects(done, (e: unknown) => e instanceof TaskTimeoutError && e.code === 'task_timeout' && e.timeoutMs === 1000);
    assert.equal(isAlive(pid), false, 'old pid gone');
    assert.ok(pool.stats().retired.timeout >= 1);
    assert.notEqual(await pidOf(pool), pid);
  });

  test('a malformed protocol line gives ProtocolError and the worker is evicted', async () => {
    for (const kind of ['not_json', 'bad_schema']) {
      const evictedBefore = pool.stats().retired.protocol;
      await assert.rejects(pool.run('bad_line', { kind }), (e: unknown) => e instanceof ProtocolError && e.code === 'protocol_error');
      assert.equal(pool.stats().retired.protocol, evictedBefore + 1);
      // The next request is served by a healthy worker.
      await pidOf(pool);
    }
  });

  test('cancelling via AbortSignal ends the request and recycles the worker', async () => {
    const ac = new AbortController();
    const { started, done } = startSleep(pool, 30, { signal: ac.signal });
    const { pid } = await started;
    ac.abort(new Error('user cancelled'));
    await assert.rejects(done, (e: unknown) => e instanceof TaskCancelledError && e.code === 'task_cancelled');
    assert.equal(isAlive(pid), false);
    assert.ok(pool.stats().retired.cancelled >= 1);
    // An already-aborted signal never reaches a worker.
    await assert.rejects(pool.run('ping', {}, { signal: AbortSignal.abort() }), TaskCancelledError);
  });
});

describe('PythonPool (dedicated pools)', () => {
  test('recycles a worker after maxTasks (pid changes)', async () => {
    const pool = await startTestPool({ name: 'recycle', min: 1, max: 1, maxTasks: 2 });
    try {
      const pids = [await pidOf(pool), await pidOf(pool), await pidOf(pool)];
      assert.equal(pids[0], pids[1]);
      assert.notEqual(pids[1], pids[2]);
      assert.equal(isAlive(pids[0]!), false, 'the retired worker was stopped');
      assert.equal(pool.stats().retired.max_tasks, 1);
    } finally {
      await pool.drain();
    }
  });

  test('recycles a worker above maxRssBytes', async () => {
    const pool = await startTestPool({ name: 'rss', min: 1, max: 1, maxRssBytes: 1024 * 1024 });
    try {
      const a = await pidOf(pool);
      const b = await pidOf(pool);
      assert.notEqual(a, b);
      assert.ok(pool.stats().retired.rss >= 1);
    } finally {
      await pool.drain();
    }
  });

  test('a full wait queue rejects with PoolExhaustedError; a queued caller can cancel', async () => {
    const pool = await startTestPool({ name: 'queue', min: 1, max: 1, maxWaitingClients: 1 });
    try {
      const busy = startSleep(pool, 0.5);
      await busy.started;
      const ac = new AbortController();
      const queued = pool.run('ping', {}, { signal: ac.signal });
      assert.equal(pool.stats().waiting, 1);
      await assert.rejects(pool.run('ping'), (e: unknown) => e instanceof PoolExhaustedError && e.code === 'pool_exhausted');
      ac.abort();
      await assert.rejects(queued, TaskCancelledError);
      assert.equal(pool.stats().waiting, 0);
      SleepResult.parse(await busy.done);
      // The withdrawn request left nothing behind: the worker serves the next caller.
      await pidOf(pool);
      assert.equal(pool.stats().spawned, 1);
    } finally {
      await pool.drain();
    }
  });

  test('a caller that waits past acquireTimeoutMs gets PoolExhaustedError and leaves the queue', async () => {
    const pool = await startTestPool({ name: 'acquire-timeout', min: 1, max: 1, acquireTimeoutMs: 150 });
    try {
      const busy = startSleep(pool, 0.6);
      await busy.started;
      const t0 = Date.now();
      await assert.rejects(pool.run('ping'), (e: unknown) => e instanceof PoolExhaustedError && /within 150 ms/.test(e.message));
      assert.ok(Date.now() - t0 >= 140, 'it did wait');
      assert.equal(pool.stats().waiting, 0);
      SleepResult.parse(await busy.done);
      await pidOf(pool);
      assert.equal(pool.stats().spawned, 1);
    } finally {
      await pool.drain();
    }
  });

  test('many cancelled waiters leave no request behind: waiting 0, no extra worker, a prompt drain', async () => {
    const pool = await startTestPool({ name: 'cancel-many', min: 1, max: 1, maxWaitingClients: 500 });
    const pids = new Set(pool.pids());
    const busy = startSleep(pool, 0.4);
    pids.add((await busy.started).pid);
    const controllers = Array.from({ length: 300 }, () => new AbortController());
    const queued = controllers.map((ac) => pool.run('ping', {}, { signal: ac.signal }));
    assert.equal(pool.stats().waiting, 300);
    for (const ac of controllers) ac.abort();
    const outcomes = await Promise.allSettled(queued);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof TaskCancelledError));
    assert.equal(pool.stats().waiting, 0);
    SleepResult.parse(await busy.done);
    // The one worker serves the next caller at once: no cancelled request was queued ahead of it.
    await pidOf(pool);
    assert.equal(pool.stats().spawned, 1);
    assert.equal(pool.stats().size, 1);
    const t0 = Date.now();
    await pool.drain();
    assert.ok(Date.now() - t0 < 3000, `drain took ${Date.now() - t0} ms`);
    for (const p of pids) assert.equal(isAlive(p), false, `pid ${p} still alive`);
  });

  test('a caller cancelled while its worker is starting goes at once; the worker then serves the next caller', async () => {
    const pool = await startTestPool({ name: 'cancel-starting', min: 0, max: 1 });
    try {
      const ac = new AbortController();
      const first = pool.run('ping', {}, { signal: ac.signal });
      assert.equal(pool.stats().size, 1, 'a worker is being started for it');
      ac.abort();
      await assert.rejects(first, TaskCancelledError);
      assert.equal(pool.stats().waiting, 0);
      const pid = await pidOf(pool); // served by the worker started for the cancelled caller
      assert.equal(pool.stats().spawned, 1);
      assert.deepEqual(pool.pids(), [pid]);
    } finally {
      const t0 = Date.now();
      await pool.drain();
      assert.ok(Date.now() - t0 < 3000, `drain took ${Date.now() - t0} ms`);
    }
    assert.equal(pool.pids().length, 0);
  });

  test('maxTasks is jittered per worker: two evenly loaded workers do not retire on the same task', async () => {
    const maxTasks = 20;
    const limits = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => jitteredMaxTasks(200, i));
    assert.equal(new Set(limits).size, limits.length, `distinct limits: ${limits.join(',')}`);
    for (const l of limits) assert.ok(l >= 200 * (1 - MAX_TASKS_JITTER) && l <= 200 * (1 + MAX_TASKS_JITTER), String(l));
    assert.equal(jitteredMaxTasks(2, 1), 2, 'small limits stay usable');
    const pool = await startTestPool({ name: 'jitter', min: 2, max: 2, maxTasks });
    try {
      const first = pool.pids();
      assert.equal(first.length, 2);
      const served = new Map<number, number>();
      // Requests in pairs, so the load is shared evenly, until both first workers have retired.
      for (let round = 0; round < 100 && first.some((p) => pool.pids().includes(p)); round++) {
        for (const pid of await Promise.all([pidOf(pool), pidOf(pool)])) served.set(pid, (served.get(pid) ?? 0) + 1);
      }
      const counts = first.map((p) => served.get(p) ?? 0);
      assert.notEqual(counts[0], counts[1], `tasks served by the first two workers: ${counts.join(', ')}`);
      const byValue = (a: number, b: number) => a - b;
      assert.deepEqual([...counts].sort(byValue), [jitteredMaxTasks(maxTasks, 0), jitteredMaxTasks(maxTasks, 1)].sort(byValue), counts.join(', '));
      assert.ok(pool.stats().retired.max_tasks >= 2);
    } finally {
      await pool.drain();
    }
  });

  test('a python that stops starting: waiting callers get WorkerStartError, starts back off, drain is prompt', async () => {
    // A stand-in python that execs the real one until the flag file exists, then exits at once.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heaters-pool-test-'));
    const flag = path.join(dir, 'broken');
    const script = path.join(dir, 'flaky-python');
    await writeFile(script, `#!/bin/sh\n[ -e '${flag}' ] && exit 3\nexec ${PYTHON} "$@"\n`);
    await chmod(script, 0o755);
    const pool = await PythonPool.start({ name: 'flaky', python: script, logger: testLogger(), testOps: true, min: 1, max: 1, maxTasks: 2 });
    const seen = new Set(pool.pids());
    const startFailed = (e: unknown) => e instanceof WorkerStartError && e.code === 'worker_start_failed';
    try {
      await writeFile(flag, '');
      const first = await pidOf(pool);
      assert.equal(await pidOf(pool), first); // its second task: it retires, and its replacement cannot start
      await assert.rejects(pidOf(pool), startFailed);
      assert.equal(pool.stats().waiting, 0);
      await rm(flag);
      // The pool climbs back to min by itself (after its backoff) and serves again.
      const second = await pidOf(pool);
      assert.notEqual(second, first);
      seen.add(first).add(second);
      await writeFile(flag, '');
      assert.equal(await pidOf(pool), second); // retires; starts fail again, the pool keeps retrying
      await assert.rejects(pidOf(pool), startFailed);
    } finally {
      const t0 = Date.now();
      await pool.drain();
      assert.ok(Date.now() - t0 < 3000, `drain took ${Date.now() - t0} ms`);
      assert.equal(pool.pids().length, 0);
      for (const p of seen) assert.equal(isAlive(p), false, `pid ${p} still alive`);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('drain waits for in-flight work, then leaves no child alive', async () => {
    const pool = await startTestPool({ name: 'drain', min: 2, max: 3 });
    const pids = new Set(pool.pids());
    assert.equal(pids.size, 2);
    const inflight = startSleep(pool, 0.3);
    const { pid } = await inflight.started;
    pids.add(pid);
    await pool.drain();
    assert.ok(SleepResult.parse(await inflight.done), 'the in-flight request completed');
    for (const p of pids) assert.equal(isAlive(p), false, `pid ${p} still alive`);
    assert.equal(pool.pids().length, 0);
    await assert.rejects(pool.run('ping'), PoolClosedError);
  });

  test('drain with a timeout cancels requests that outlive it', async () => {
    const pool = await startTestPool({ name: 'drain-timeout', min: 1, max: 1 });
    const { started, done } = startSleep(pool, 30);
    const { pid } = await started;
    const t0 = Date.now();
    await pool.drain({ timeoutMs: 200 });
    await assert.rejects(done, TaskCancelledError);
    assert.equal(isAlive(pid), false);
    assert.ok(Date.now() - t0 < 10_000);
  });
});

describe('PythonPool options', () => {
  const base = { name: 'opts', python: PYTHON, logger: testLogger() };
  const rejectsNaming = (opts: Record<string, unknown>, option: string, pattern: RegExp) =>
    assert.rejects(PythonPool.start({ ...base, ...opts } as Parameters<typeof PythonPool.start>[0]), (e: unknown) => {
      assert.ok(e instanceof PoolOptionsError, String(e));
      assert.equal(e.code, 'invalid_pool_options');
      assert.ok(e.problems.some((p) => p.option === option), JSON.stringify(e.problems));
      assert.match(e.message, pattern);
      return true;
    });

  test('min above max is an error naming max, not clamped', async () => {
    await rejectsNaming({ min: 3, max: 2 }, 'max', /python pool opts: option max: must be at least min \(max 2 < min 3\)/);
  });

  test('bad values and unknown options are errors naming the option', async () => {
    await rejectsNaming({ maxTasks: 0 }, 'maxTasks', /option maxTasks:/);
    await rejectsNaming({ min: 1.5 }, 'min', /option min:/);
    await rejectsNaming({ acquireTimeoutMs: -1 }, 'acquireTimeoutMs', /option acquireTimeoutMs:/);
    await rejectsNaming({ maxWorkers: 4 }, 'maxWorkers', /option maxWorkers:/);
  });

  test('defaults come from POOL_DEFAULTS; max defaults to max(min, 2)', async () => {
    assert.equal(POOL_DEFAULTS.maxTasks, 200);
    const pool = await PythonPool.start({ ...base, min: 0, testOps: true });
    try {
      // min 0: no warm worker; three concurrent requests start two workers (default max 2), one waits.
      assert.equal(pool.stats().size, 0);
      const runs = await Promise.all([0, 1, 2].map(() => pool.run('sleep', { seconds: 0.3 })));
      assert.equal(new Set(runs.map((r) => SleepResult.parse(r).pid)).size, 2);
      assert.equal(pool.stats().spawned, 2);
    } finally {
      await pool.drain();
    }
  });
});

describe('PythonWorker stop', () => {
  test('a worker that ignores stdin EOF and SIGTERM is killed with SIGKILL after the grace', async () => {
    // A stand-in "python" that speaks only the ready line, then ignores EOF and SIGTERM.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heaters-pool-test-'));
    const script = path.join(dir, 'stubborn-python');
    const ready = JSON.stringify({ type: 'ready', pid: 1, versions: { python: '3', cv2: '4', numpy: '1', yt_dlp: '2023.01.01' }, ops: ['ping'] });
    const code = `import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(${JSON.stringify(ready)}, flush=True); time.sleep(60)`;
    await writeFile(script, `#!/bin/sh\nexec ${PYTHON} -c '${code}'\n`);
    await chmod(script, 0o755);
    try {
      const worker = await PythonWorker.start({ python: script, logger: testLogger(), closeGraceMs: 300 });
      const pid = worker.pid!;
      const t0 = Date.now();
      const exit = await worker.close();
      const ms = Date.now() - t0;
      assert.equal(exit.signal, 'SIGKILL');
      assert.ok(ms >= 600 && ms < 5000, `EOF grace + SIGTERM grace, then SIGKILL: ${ms} ms`);
      assert.equal(isAlive(pid), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
