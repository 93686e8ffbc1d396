// PythonPool: N long-lived Python workers. generic-pool manages the workers themselves (create and
// destroy, min/max, warm start of `min`, validation by ping on borrow, eviction by destroy, replacement
// up to `min`); in front of it sits our own bounded FIFO queue of callers, the piscina shape: the pool
// of resources apart from the queue of waiting work. A caller first waits in OUR queue; generic-pool's
// acquire() is called only when a worker can be had (borrowed + acquiring < max), so generic-pool's own
// wait queue never holds a request we would need to withdraw: a caller that cancels or times out while
// queued is simply taken out of our queue. Only generic-pool's public API is used (README / index.d.ts).
// Also here: recycling after a per-worker jittered `maxTasks` or above `maxRssBytes`, start-failure
// backoff, and a drain that leaves no child.
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
import { resolvePoolOptions, type PoolOptions, type ResolvedPoolOptions } from './options.ts';
import { assertExecutable, PythonWorker, type RunOptions, type WorkerOptions } from './worker.ts';

export type { PoolOptions } from './options.ts';

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

/** A caller waiting for a worker; `settle` is called exactly once, and reports whether it took the outcome. */
interface Waiter {
  op: string;
  settle: (outcome: { worker: PythonWorker } | { error: Error }) => boolean;
}

// After this many failed starts in a row, back off up to this long before the next one.
const CREATE_BACKOFF_BASE_MS = 100;
const CREATE_BACKOFF_MAX_MS = 10_000;
const VALIDATE_PING_TIMEOUT_MS = 2000;
/** Each worker retires after maxTasks ± this fraction (see jitteredMaxTasks). */
export const MAX_TASKS_JITTER = 0.15;
const GOLDEN_RATIO_FRACTION = 0.6180339887498949;

/**
 * The task limit of the worker with this spawn index: `maxTasks` jittered by up to ±15%, at least 1.
 * Workers that share the load evenly would otherwise all reach `maxTasks` on the same round and retire
 * together, leaving callers to wait for several worker starts at once (the pool benchmark saw it).
 * The offset is deterministic per index (a golden-ratio sequence: index 0 gets exactly `maxTasks`,
 * neighbours land far apart), so a test or a log can tell which limit a worker had.
 */
export function jitteredMaxTasks(maxTasks: number, index: number): number {
  const u = (index * GOLDEN_RATIO_FRACTION + 0.5) % 1; // in [0, 1), 0.5 for index 0
  return Math.max(1, Math.round(maxTasks * (1 + MAX_TASKS_JITTER * (2 * u - 1))));
}

export class PythonPool {
  readonly name: string;
  private readonly opts: ResolvedPoolOptions;
  private readonly logger: Logger;
  /** The worker resources: generic-pool creates, validates, lends and destroys them. */
  private readonly gp: Pool<PythonWorker>;
  /** Every worker process we started that has not exited yet (members and those stopping). */
  private readonly workers = new Set<PythonWorker>();
  /** Workers generic-pool holds (created and not yet destroyed). */
  private members = 0;
  /** Workers lent to a caller of run(). */
  private readonly lent = new Set<PythonWorker>();
  /** Callers waiting for a worker, oldest first: they have not reached generic-pool. */
  private readonly queue: Waiter[] = [];
  /** Callers whose generic-pool acquire() is under way (a worker is free or being started for them). */
  private readonly acquiringCallers = new Set<Waiter>();
  /** generic-pool acquire() calls not yet settled, including those whose caller gave up meanwhile. */
  private acquiring = 0;
  /** Worker starts in progress (drain waits for them). */
  private readonly starting = new Set<Promise<unknown>>();
  /** The warm start: the first `min` creates, awaited by start(). */
  private warmStarts: Promise<PythonWorker>[] | undefined = [];
  private readonly retireReason = new WeakMap<PythonWorker, RetireReason>();
  /** Each worker's own task limit (jitteredMaxTasks). */
  private readonly taskLimit = new WeakMap<PythonWorker, number>();
  private readonly closeController = new AbortController();
  /** Resolved whenever a lent worker comes back (drain waits on it). */
  private onReturn: (() => void) | undefined;
  /** Resolved when a create is parked after close (see create()). */
  private onParked: (() => void) | undefined;
  private readonly parked: Promise<void>;
  private counters = { spawned: 0, recycled: 0, crashed: 0 };
  private retired: Record<RetireReason, number> = { max_tasks: 0, rss: 0, timeout: 0, cancelled: 0, protocol: 0, unhealthy: 0 };
  private createFailures = 0;
  private closed = false;
  private drainPromise: Promise<void> | undefined;

  /**
   * Check the options (PoolOptionsError names each bad one), start `min` workers (all must become
   * ready) and return the pool. Rejects with PoolOptionsError or WorkerStartError.
   */
  static async start(options: PoolOptions): Promise<PythonPool> {
    const opts = resolvePoolOptions(options);
    await assertExecutable(opts.python);
    const pool = new PythonPool(opts);
    const warm = pool.warmUp();
    const failed = (await Promise.allSettled(warm)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.drain();
      throw failed.reason;
    }
    return pool;
  }

  private constructor(opts: ResolvedPoolOptions) {
    this.name = opts.name;
    this.opts = opts;
    this.logger = opts.logger.child({ pool: opts.name });
    this.parked = new Promise<void>((resolve) => (this.onParked = resolve));
    this.gp = createPool<PythonWorker>(
      {
        create: () => this.create(),
        destroy: (w) => this.destroy(w),
        validate: (w) => this.validate(w),
      },
      {
        min: opts.min,
        max: opts.max,
        testOnBorrow: true,
        autostart: false, // warmUp() starts it, so start() can await the first `min` creates
        fifo: false, // hand out the most recently used worker: its caches are warm
        // No maxWaitingClients and no acquireTimeoutMillis: waiting is our queue's business.
      },
    );
    this.gp.on('factoryDestroyError', (err: unknown) => this.logger.warn({ err }, 'python worker stop failed'));
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
      size: this.gp.size,
      available: this.gp.available,
      busy: this.lent.size,
      waiting: this.queue.length + this.acquiringCallers.size,
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

  /** Start generic-pool (it creates `min` workers) and return those first creates. */
  private warmUp(): Promise<PythonWorker>[] {
    this.gp.start();
    const warm = this.warmStarts ?? [];
    this.warmStarts = undefined;
    return warm;
  }

  private async doDrain(timeoutMs: number | undefined): Promise<void> {
    this.closed = true;
    this.closeController.abort();
    // generic-pool: no acquire from now on, no more top-ups to `min`; resolves once its requests are
    // settled and every loan is back.
    const gpDrained = this.gp.drain();
    for (const waiter of [...this.queue.splice(0), ...this.acquiringCallers]) waiter.settle({ error: new PoolClosedError(this.name) });
    const returned = this.allReturned();
    if (timeoutMs !== undefined) {
      const inTime = await Promise.race([returned.then(() => true), delay(timeoutMs, false, { ref: false })]);
      if (!inTime) {
        const busy = [...this.lent].filter((w) => w.busy);
        this.logger.warn({ busy: busy.length, timeoutMs }, 'drain timeout: cancelling in-flight python requests');
        for (const w of busy) w.cancelCurrent(new PoolClosedError(this.name));
      }
    }
    await returned;
    await Promise.allSettled([...this.starting]); // a worker that finishes starting now goes to generic-pool, then out
    // A parked create (see create()) never settles, so generic-pool's drain and clear would wait for
    // it forever; then the processes are stopped below without them.
    await Promise.race([gpDrained.then(() => this.gp.clear()), this.parked]);
    await Promise.all([...this.workers].map((w) => w.close()));
    this.logger.debug({ stats: this.stats() }, 'python pool drained');
  }

  private async allReturned(): Promise<void> {
    while (this.lent.size > 0) await new Promise<void>((resolve) => (this.onReturn = resolve));
  }

  // --- generic-pool's factory ----------------------------------------------------------------------

  /**
   * Give generic-pool a ready worker. A warm-start create makes one attempt (start() reports its
   * failure); any later create keeps trying, with exponential backoff, until a worker is up or the pool
   * closes, so a broken python is not respawned in a tight loop and the pool climbs back to `min` by
   * itself once python works again.
   */
  private create(): Promise<PythonWorker> {
    const job = this.warmStarts ? this.startOne() : this.startWithRetry();
    this.warmStarts?.push(job);
    return job;
  }

  private async startWithRetry(): Promise<PythonWorker> {
    for (;;) {
      if (this.createFailures > 0) {
        const ms = Math.min(CREATE_BACKOFF_BASE_MS * 2 ** (this.createFailures - 1), CREATE_BACKOFF_MAX_MS);
        await delay(ms, undefined, { signal: this.closeController.signal }).catch(() => undefined);
      }
      if (this.closed) return this.park();
      try {
        return await this.startOne();
      } catch {
        // counted and reported by startOne(); try again
      }
    }
  }

  /**
   * The pool is closed and generic-pool still asks for a worker: a request of a caller we already
   * failed is queued there, waiting on a start that cannot come now. Rejecting would make generic-pool
   * ask again at once (a microtask loop), and its queue cannot be withdrawn from, so the create is
   * parked: it never settles, holds no timer, and drain() stops the processes without waiting on it.
   */
  private park(): Promise<never> {
    this.onParked?.();
    return new Promise<never>(() => undefined);
  }

  private async startOne(): Promise<PythonWorker> {
    const starting = PythonWorker.start(workerOptions(this.opts));
    this.starting.add(starting);
    let worker: PythonWorker;
    try {
      worker = await starting;
    } catch (err) {
      this.onStartError(err);
      throw err;
    } finally {
      this.starting.delete(starting);
    }
    this.createFailures = 0;
    this.taskLimit.set(worker, jitteredMaxTasks(this.opts.maxTasks, this.counters.spawned));
    this.counters.spawned++;
    this.members++;
    this.workers.add(worker);
    void worker.exited.then(() => this.workers.delete(worker));
    return worker;
  }

  private onStartError(err: unknown): void {
    this.createFailures++;
    if (this.closed) return;
    this.logger.error({ err, failures: this.createFailures }, 'python worker failed to start');
    // Nobody alive to serve the waiting callers: tell them now instead of letting them hang. A caller
    // whose generic-pool acquire is under way leaves its request behind; that request takes the next
    // worker that starts, and we hand it straight back (see dispense()).
    if (this.members === 0) {
      const startErr = err instanceof WorkerStartError ? err : new WorkerStartError(this.opts.python, String(err), [], { cause: err });
      for (const waiter of [...this.queue.splice(0), ...this.acquiringCallers]) waiter.settle({ error: startErr });
    }
  }

  /** generic-pool retires a worker (our giveBack, failed validation, clear on drain): count why, stop it. */
  private async destroy(w: PythonWorker): Promise<void> {
    this.members--;
    const reason = this.retireReason.get(w);
    if (w.crashed) this.counters.crashed++;
    else if (reason) {
      this.counters.recycled++;
      this.retired[reason]++;
    }
    await w.close();
  }

  /** testOnBorrow: is this idle worker still fit to lend? */
  private async validate(w: PythonWorker): Promise<boolean> {
    if (!w.healthy) {
      this.retireReason.set(w, 'unhealthy');
      return false;
    }
    // Cheap path: a live process with an intact stream. Only a long-idle worker gets a round trip.
    if (Date.now() - w.lastUsedAt <= this.opts.pingIfIdleMs) return true;
    const ok = await w.ping(VALIDATE_PING_TIMEOUT_MS);
    if (!ok) this.retireReason.set(w, 'unhealthy');
    return ok;
  }

  // --- our wait queue ------------------------------------------------------------------------------

  private acquire(op: string, signal: AbortSignal | undefined): Promise<PythonWorker> {
    if (signal?.aborted) return Promise.reject(new TaskCancelledError(op, { cause: signal.reason }));
    if (!this.canAcquire() && this.queue.length >= this.opts.maxWaitingClients) {
      return Promise.reject(
        new PoolExhaustedError(`python pool ${this.name}: all workers busy and ${this.opts.maxWaitingClients} callers already waiting`),
      );
    }
    return new Promise<PythonWorker>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const onAbort = () => withdraw(new TaskCancelledError(op, { cause: signal?.reason }));
      const waiter: Waiter = {
        op,
        settle: (outcome) => {
          if (settled) return false;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.acquiringCallers.delete(waiter);
          if ('worker' in outcome) resolve(outcome.worker);
          else reject(outcome.error);
          return true;
        },
      };
      // Cancel or timeout: out of our queue, nothing is left behind. If its acquire is already under
      // way, the caller goes now and the worker, when it comes, is handed back.
      const withdraw = (error: Error) => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        waiter.settle({ error });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.opts.acquireTimeoutMs !== undefined) {
        const ms = this.opts.acquireTimeoutMs;
        timer = setTimeout(() => withdraw(new PoolExhaustedError(`python pool ${this.name}: no worker free within ${ms} ms`)), ms);
      }
      this.queue.push(waiter);
      this.dispense();
    });
  }

  /** A worker can be had from generic-pool without waiting behind another request: one is idle or can be started. */
  private canAcquire(): boolean {
    return !this.closed && this.queue.length === 0 && this.gp.borrowed + this.acquiring < this.opts.max;
  }

  /** Move callers from the head of our queue to generic-pool while it has a worker for each. */
  private dispense(): void {
    while (!this.closed && this.queue.length > 0 && this.gp.borrowed + this.acquiring < this.opts.max) {
      const waiter = this.queue.shift()!;
      this.acquiring++;
      this.acquiringCallers.add(waiter);
      this.gp.acquire().then(
        (w) => {
          this.acquiring--;
          if (waiter.settle({ worker: w })) this.lent.add(w);
          else if (this.closed) void this.gp.destroy(w).catch(() => undefined); // the caller left; drain stops it
          else void this.gp.release(w).catch(() => undefined); // the caller left: the worker goes back
          this.dispense();
        },
        (err: unknown) => {
          // generic-pool rejects an acquire only once it is draining.
          this.acquiring--;
          waiter.settle({ error: this.closed ? new PoolClosedError(this.name) : err instanceof Error ? err : new Error(String(err)) });
          this.dispense();
        },
      );
    }
  }

  /** Return a worker after a request: keep it, or retire it (generic-pool replaces it up to `min`). */
  private giveBack(w: PythonWorker, failure: unknown): void {
    let reason: RetireReason | undefined;
    if (!w.healthy) {
      reason =
        failure instanceof TaskTimeoutError ? 'timeout'
        : failure instanceof TaskCancelledError ? 'cancelled'
        : failure instanceof ProtocolError ? 'protocol'
        : 'unhealthy';
    } else if (w.tasks >= (this.taskLimit.get(w) ?? this.opts.maxTasks)) {
      reason = 'max_tasks';
    } else if (this.opts.maxRssBytes !== undefined && (w.rss() ?? 0) > this.opts.maxRssBytes) {
      reason = 'rss';
    }
    this.lent.delete(w);
    if (reason !== undefined) {
      this.retireReason.set(w, reason);
      if (!w.crashed) this.logger.debug({ workerPid: w.pid, reason, tasks: w.tasks }, 'retiring python worker');
      void this.gp.destroy(w).catch((err: unknown) => this.logger.warn({ err }, 'python worker destroy failed'));
    } else {
      void this.gp.release(w).catch((err: unknown) => this.logger.warn({ err }, 'python worker release failed'));
    }
    this.dispense();
    this.onReturn?.();
  }
}

function workerOptions(opts: ResolvedPoolOptions): WorkerOptions {
  return {
    python: opts.python,
    logger: opts.logger.child({ pool: opts.name }),
    testOps: opts.testOps,
    readyTimeoutMs: opts.readyTimeoutMs,
    closeGraceMs: opts.closeGraceMs,
    env: opts.env,
    name: opts.name,
  };
}
