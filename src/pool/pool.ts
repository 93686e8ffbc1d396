// PythonPool: N long-lived Python workers behind generic-pool. Warm start of `min`, validation on
// borrow, a bounded wait queue, eviction of workers that crashed / timed out / were cancelled / broke
// the protocol, recycling after `maxTasks` or above `maxRssBytes`, and a drain that leaves no child.
import { setTimeout as delay } from 'node:timers/promises';
import { createPool, type Pool } from 'generic-pool';
import type { Logger } from '../log/index.ts';
import {
  PoolClosedError,
  PoolExhaustedError,
  ProtocolError,
  TaskCancelledError,
  TaskTimeoutError,
  WorkerStartError,
} from './errors.ts';
import { assertExecutable, PythonWorker, type RunOptions } from './worker.ts';

export interface PoolOptions {
  /** Label for logs and stats, e.g. "io" or "cpu". */
  name: string;
  /** Python executable (config HEATERS_PYTHON). */
  python: string;
  logger: Logger;
  /** Workers started before start() resolves and kept alive. Default 1. */
  min?: number;
  /** Upper bound of concurrent workers. Default max(min, 2). */
  max?: number;
  /** Retire a worker after this many requests. Default 200. */
  maxTasks?: number;
  /** Retire a worker whose RSS exceeds this after a request. Default: no limit. */
  maxRssBytes?: number;
  /** Callers allowed to wait for a worker; one more gets PoolExhaustedError. Default 64. */
  maxWaitingClients?: number;
  /** Give up waiting for a worker after this long (PoolExhaustedError). Default: wait. */
  acquireTimeoutMs?: number;
  /** Per-request timeout applied when run() is given none. Default: none. */
  defaultTimeoutMs?: number;
  /** How long a new worker may take to announce ready. Default 30 s. */
  readyTimeoutMs?: number;
  /** Grace between stdin EOF, SIGTERM and SIGKILL when a worker is stopped. Default 2 s. */
  closeGraceMs?: number;
  /** A worker idle longer than this is pinged before it is handed out. Default 30 s. */
  pingIfIdleMs?: number;
  /** Enable the test-only ops (tests and benchmarks). */
  testOps?: boolean;
  /** Extra environment for the workers. */
  env?: Record<string, string>;
}

export type RetireReason = 'max_tasks' | 'rss' | 'timeout' | 'cancelled' | 'protocol' | 'unhealthy';

export interface PoolStats {
  name: string;
  /** Workers alive or being started. */
  size: number;
  /** Idle workers. */
  available: number;
  /** Workers running a request. */
  busy: number;
  /** Callers waiting for a worker. */
  waiting: number;
  /** Workers spawned since start. */
  spawned: number;
  /** Workers we retired on purpose (see `retired` for why). */
  recycled: number;
  /** Workers that died on their own. */
  crashed: number;
  retired: Record<RetireReason, number>;
}

interface Waiter {
  acquiring: Promise<PythonWorker>;
  fail: (err: Error) => void;
}

// generic-pool cannot withdraw a queued acquire. To avoid leaving an orphan request behind (it would
// keep spawning workers, and pool.drain() waits for it), we reject it the one way the library itself
// cleans up after: a rejection named TimeoutError, which removes it from the queue.
interface QueuedRequest {
  promise: Promise<unknown>;
  reject(reason: Error): void;
}
function withdrawQueued(pool: Pool<PythonWorker>, acquiring: Promise<unknown>): boolean {
  const queue = (pool as unknown as { _waitingClientsQueue?: { _slots?: Iterable<QueuedRequest>[] } })._waitingClientsQueue;
  for (const slot of queue?._slots ?? []) {
    for (const req of slot) {
      if (req.promise === acquiring) {
        const err = new Error('acquire withdrawn');
        err.name = 'TimeoutError';
        req.reject(err);
        return true;
      }
    }
  }
  return false;
}

export class PythonPool {
  readonly name: string;
  private readonly opts: PoolOptions;
  private readonly logger: Logger;
  private readonly pool: Pool<PythonWorker>;
  private readonly maxTasks: number;
  private readonly closeGraceMs: number;
  private readonly pingIfIdleMs: number;
  private readonly maxWaitingClients: number;
  /** Every worker process we started that has not exited yet. */
  private readonly workers = new Set<PythonWorker>();
  /** Workers started by start() and not yet taken by generic-pool's first create() calls. */
  private readonly warm: PythonWorker[];
  private readonly retireReason = new WeakMap<PythonWorker, RetireReason>();
  private readonly waiters = new Set<Waiter>();
  private readonly closeController = new AbortController();
  private counters = { spawned: 0, recycled: 0, crashed: 0 };
  private retired: Record<RetireReason, number> = { max_tasks: 0, rss: 0, timeout: 0, cancelled: 0, protocol: 0, unhealthy: 0 };
  private createFailures = 0;
  private closed = false;
  private drainPromise: Promise<void> | undefined;

  /** Start `min` workers (all must become ready) and return the pool. Rejects with WorkerStartError. */
  static async start(opts: PoolOptions): Promise<PythonPool> {
    await assertExecutable(opts.python);
    const min = opts.min ?? 1;
    const started = await Promise.allSettled(Array.from({ length: min }, () => PythonWorker.start(workerOptions(opts))));
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((w) => w.kill()));
      throw failed.reason;
    }
    return new PythonPool(opts, ok);
  }

  private constructor(opts: PoolOptions, warm: PythonWorker[]) {
    this.name = opts.name;
    this.opts = opts;
    this.logger = opts.logger.child({ pool: opts.name });
    this.maxTasks = opts.maxTasks ?? 200;
    this.closeGraceMs = opts.closeGraceMs ?? 2000;
    this.pingIfIdleMs = opts.pingIfIdleMs ?? 30_000;
    this.maxWaitingClients = opts.maxWaitingClients ?? 64;
    this.warm = warm;
    for (const w of warm) this.track(w);
    const min = opts.min ?? 1;

    this.pool = createPool<PythonWorker>(
      {
        create: () => this.create(),
        destroy: (w) => this.destroy(w),
        validate: (w) => this.validate(w),
      },
      {
        min,
        max: Math.max(opts.max ?? 2, min, 1),
        maxWaitingClients: this.maxWaitingClients,
        acquireTimeoutMillis: opts.acquireTimeoutMs,
        testOnBorrow: true,
        autostart: true, // takes the warm workers right away
        fifo: false, // reuse the most recently used worker: its caches are warm
      },
    );
    this.pool.on('factoryCreateError', (err: unknown) => this.onCreateError(err));
    this.pool.on('factoryDestroyError', (err: unknown) => this.logger.warn({ err }, 'python worker stop failed'));
  }

  /**
   * Run `op` on a worker. Resolves with the result's `data` (unknown: validate it). Rejects with
   * TaskFailedError, TaskTimeoutError, TaskCancelledError, WorkerCrashedError, ProtocolError,
   * PoolExhaustedError, PoolClosedError or WorkerStartError.
   */
  async run(op: string, args: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<unknown> {
    if (this.closed) throw new PoolClosedError(this.name);
    const worker = await this.acquire(op, opts.signal);
    let failure: unknown;
    try {
      return await worker.run(op, args, { ...opts, timeoutMs: opts.timeoutMs ?? this.opts.defaultTimeoutMs });
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      this.giveBack(worker, failure);
    }
  }

  stats(): PoolStats {
    return {
      name: this.name,
      size: this.pool.size,
      available: this.pool.available,
      busy: this.pool.borrowed,
      waiting: this.waiters.size,
      ...this.counters,
      retired: { ...this.retired },
    };
  }

  /** Pids of the live worker processes (for tests and diagnostics). */
  pids(): number[] {
    return [...this.workers].flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }

  /**
   * Stop taking work, reject callers still waiting (PoolClosedError), let in-flight requests finish
   * (after `timeoutMs`, if given, cancel them), then stop every worker: stdin EOF, SIGTERM after the
   * grace, SIGKILL last. Resolves when no worker process is left.
   */
  drain(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.drainPromise ??= this.doDrain(opts.timeoutMs);
    return this.drainPromise;
  }

  // --- internals ---------------------------------------------------------------------------------

  private async doDrain(timeoutMs: number | undefined): Promise<void> {
    this.closed = true;
    this.closeController.abort();
    for (const waiter of [...this.waiters]) waiter.fail(new PoolClosedError(this.name));
    const returned = this.pool.drain(); // no new acquires; resolves when every loan is returned
    if (timeoutMs !== undefined) {
      const inTime = await Promise.race([returned.then(() => true), delay(timeoutMs, false, { ref: false })]);
      if (!inTime) {
        const busy = [...this.workers].filter((w) => w.busy);
        this.logger.warn({ busy: busy.length, timeoutMs }, 'drain timeout: cancelling in-flight python requests');
        for (const w of busy) w.cancelCurrent(new PoolClosedError(this.name));
      }
    }
    await returned;
    await this.pool.clear();
    // Anything generic-pool no longer knows about (e.g. a worker still stopping) is stopped here too.
    await Promise.all([...this.workers].map((w) => w.close(this.closeGraceMs)));
    this.logger.debug({ stats: this.stats() }, 'python pool drained');
  }

  private track(w: PythonWorker): void {
    this.counters.spawned++;
    this.workers.add(w);
    void w.exited.then(() => this.workers.delete(w));
  }

  private async create(): Promise<PythonWorker> {
    const warm = this.warm.pop();
    if (warm) return warm;
    if (this.closed) throw new PoolClosedError(this.name);
    if (this.createFailures > 0) {
      // Back off so a broken python is not respawned in a tight loop.
      const ms = Math.min(100 * 2 ** (this.createFailures - 1), 10_000);
      await delay(ms, undefined, { signal: this.closeController.signal }).catch(() => undefined);
      if (this.closed) throw new PoolClosedError(this.name);
    }
    const worker = await PythonWorker.start(workerOptions(this.opts));
    this.createFailures = 0;
    this.track(worker);
    if (this.closed) {
      await worker.close(this.closeGraceMs);
      throw new PoolClosedError(this.name);
    }
    return worker;
  }

  private onCreateError(err: unknown): void {
    this.createFailures++;
    if (err instanceof PoolClosedError) return;
    this.logger.error({ err, failures: this.createFailures }, 'python worker failed to start');
    // Nobody alive to serve the waiting callers: tell them now instead of letting them hang.
    if (this.workers.size === 0) {
      const startErr = err instanceof WorkerStartError ? err : new WorkerStartError(this.opts.python, String(err));
      for (const waiter of [...this.waiters]) waiter.fail(startErr);
    }
  }

  private async destroy(w: PythonWorker): Promise<void> {
    const reason = this.retireReason.get(w);
    if (w.crashed) this.counters.crashed++;
    else if (reason) {
      this.counters.recycled++;
      this.retired[reason]++;
    }
    await w.close(this.closeGraceMs);
  }

  private async validate(w: PythonWorker): Promise<boolean> {
    if (!w.healthy) {
      this.retireReason.set(w, 'unhealthy');
      return false;
    }
    // Cheap path: a live process with an intact stream. Only a long-idle worker gets a round trip.
    if (Date.now() - w.lastUsedAt <= this.pingIfIdleMs) return true;
    const ok = await w.ping(2000);
    if (!ok) this.retireReason.set(w, 'unhealthy');
    return ok;
  }

  private acquire(op: string, signal: AbortSignal | undefined): Promise<PythonWorker> {
    if (signal?.aborted) return Promise.reject(new TaskCancelledError(op, { cause: signal.reason }));
    const acquiring = this.pool.acquire();
    return new Promise<PythonWorker>((resolve, reject) => {
      let settled = false;
      const onAbort = () => waiter.fail(new TaskCancelledError(op, { cause: signal?.reason }));
      const done = () => {
        settled = true;
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        acquiring,
        fail: (err) => {
          if (settled) return;
          done();
          withdrawQueued(this.pool, acquiring);
          reject(err);
        },
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      acquiring.then(
        (w) => {
          if (settled) {
            void this.pool.release(w).catch(() => undefined); // the caller gave up meanwhile
            return;
          }
          done();
          resolve(w);
        },
        (err: unknown) => {
          if (settled) return;
          done();
          reject(this.acquireError(err));
        },
      );
    });
  }

  private acquireError(err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes('max waitingClients')) {
      return new PoolExhaustedError(`python pool ${this.name}: all workers busy and ${this.maxWaitingClients} callers already waiting`);
    }
    if (err instanceof Error && err.name === 'TimeoutError') {
      return new PoolExhaustedError(`python pool ${this.name}: no worker free within ${this.opts.acquireTimeoutMs} ms`);
    }
    if (message.includes('draining')) return new PoolClosedError(this.name);
    return err instanceof Error ? err : new Error(message);
  }

  /** Return a worker after a request: keep it, or retire it (pool replaces it up to `min`). */
  private giveBack(w: PythonWorker, failure: unknown): void {
    let reason: RetireReason | undefined;
    if (!w.healthy) {
      reason =
        failure instanceof TaskTimeoutError ? 'timeout'
        : failure instanceof TaskCancelledError ? 'cancelled'
        : failure instanceof ProtocolError ? 'protocol'
        : 'unhealthy';
    } else if (w.tasks >= this.maxTasks) {
      reason = 'max_tasks';
    } else if (this.opts.maxRssBytes !== undefined && (w.rss() ?? 0) > this.opts.maxRssBytes) {
      reason = 'rss';
    }
    if (reason === undefined) {
      void this.pool.release(w).catch((err: unknown) => this.logger.warn({ err }, 'release failed'));
      return;
    }
    this.retireReason.set(w, reason);
    if (!w.crashed) this.logger.debug({ workerPid: w.pid, reason, tasks: w.tasks }, 'retiring python worker');
    void this.pool.destroy(w).catch((err: unknown) => this.logger.warn({ err }, 'destroy failed'));
  }
}

function workerOptions(opts: PoolOptions) {
  return {
    python: opts.python,
    logger: opts.logger.child({ pool: opts.name }),
    testOps: opts.testOps,
    readyTimeoutMs: opts.readyTimeoutMs,
    env: opts.env,
    name: opts.name,
  };
}
