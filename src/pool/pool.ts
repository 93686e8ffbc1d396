// PythonPool: N long-lived Python workers. Warm start of `min`, validation on borrow, its own bounded
// FIFO wait queue (a waiter that cancels or times out is simply taken out of it), eviction of
// workers that crashed / timed out / were cancelled / broke the protocol, recycling after `maxTasks`
// or above `maxRssBytes`, replacement up to `min`, and a drain that leaves no child.
// The pool owns its bookkeeping outright: no library's internals are reached into.
import { setTimeout as delay } from 'node:timers/promises';
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

/** A caller waiting for a worker; `settle` is called exactly once. */
interface Waiter {
  op: string;
  settle: (outcome: { worker: PythonWorker } | { error: Error }) => void;
}

// After this many failed starts in a row, back off up to this long before the next one.
const CREATE_BACKOFF_BASE_MS = 100;
const CREATE_BACKOFF_MAX_MS = 10_000;
const VALIDATE_PING_TIMEOUT_MS = 2000;

export class PythonPool {
  readonly name: string;
  private readonly opts: ResolvedPoolOptions;
  private readonly logger: Logger;
  /** Every worker process we started that has not exited yet (members and those stopping). */
  private readonly workers = new Set<PythonWorker>();
  /** Workers of the pool: idle, being validated, or lent out. */
  private readonly members = new Set<PythonWorker>();
  /** Idle members, most recently used last (handed out first: its caches are warm). */
  private readonly idle: PythonWorker[] = [];
  /** Members being validated or running a request. */
  private readonly lent = new Set<PythonWorker>();
  /** Callers waiting for a worker, oldest first. */
  private readonly queue: Waiter[] = [];
  /** Worker starts in progress. */
  private readonly starting = new Set<Promise<void>>();
  private readonly retireReason = new WeakMap<PythonWorker, RetireReason>();
  private readonly closeController = new AbortController();
  /** Resolved whenever a lent worker comes back (drain waits on it). */
  private onReturn: (() => void) | undefined;
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
    const started = await Promise.allSettled(Array.from({ length: opts.min }, () => PythonWorker.start(workerOptions(opts))));
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((w) => w.kill()));
      throw failed.reason;
    }
    return new PythonPool(opts, ok);
  }

  private constructor(opts: ResolvedPoolOptions, warm: PythonWorker[]) {
    this.name = opts.name;
    this.opts = opts;
    this.logger = opts.logger.child({ pool: opts.name });
    for (const w of warm) this.admit(w);
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
      size: this.members.size + this.starting.size,
      available: this.idle.length,
      busy: this.lent.size,
      waiting: this.queue.length,
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
    for (const waiter of this.queue.splice(0)) waiter.settle({ error: new PoolClosedError(this.name) });
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
    await Promise.allSettled([...this.starting]); // a worker that finishes starting now stops at once
    for (const w of [...this.members]) this.remove(w);
    await Promise.all([...this.workers].map((w) => w.close()));
    this.logger.debug({ stats: this.stats() }, 'python pool drained');
  }

  private async allReturned(): Promise<void> {
    while (this.lent.size > 0) await new Promise<void>((resolve) => (this.onReturn = resolve));
  }

  /** A ready worker joins the pool as idle. */
  private admit(w: PythonWorker): void {
    this.counters.spawned++;
    this.workers.add(w);
    void w.exited.then(() => this.workers.delete(w));
    this.members.add(w);
    this.idle.push(w);
  }

  /** Take a worker out of the pool (it keeps running until closed). */
  private remove(w: PythonWorker): void {
    this.members.delete(w);
    this.lent.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private acquire(op: string, signal: AbortSignal | undefined): Promise<PythonWorker> {
    if (signal?.aborted) return Promise.reject(new TaskCancelledError(op, { cause: signal.reason }));
    if (this.idle.length === 0 && this.queue.length >= this.opts.maxWaitingClients) {
      return Promise.reject(
        new PoolExhaustedError(`python pool ${this.name}: all workers busy and ${this.opts.maxWaitingClients} callers already waiting`),
      );
    }
    return new Promise<PythonWorker>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => withdraw(new TaskCancelledError(op, { cause: signal?.reason }));
      let settled = false;
      const waiter: Waiter = {
        op,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if ('worker' in outcome) resolve(outcome.worker);
          else reject(outcome.error);
        },
      };
      // Cancel or timeout while still waiting: out of the queue, nothing is left behind.
      const withdraw = (error: Error) => {
        const i = this.queue.indexOf(waiter);
        if (i < 0) return; // already handed a worker (being validated): the caller gets it
        this.queue.splice(i, 1);
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

  /** Hand idle workers to waiters, oldest waiter first; start workers for the rest, up to `max`. */
  private dispense(): void {
    if (this.closed) return;
    while (this.queue.length > 0 && this.idle.length > 0) {
      const w = this.idle.pop()!;
      const waiter = this.queue.shift()!;
      this.lent.add(w);
      void this.handOut(w, waiter);
    }
    let needed = this.queue.length - this.starting.size;
    while (needed > 0 && this.members.size + this.starting.size < this.opts.max) {
      this.spawn();
      needed--;
    }
  }

  private async handOut(w: PythonWorker, waiter: Waiter): Promise<void> {
    if (await this.validate(w)) {
      waiter.settle({ worker: w });
      return;
    }
    this.retire(w); // its reason was recorded by validate()
    if (this.closed) return waiter.settle({ error: new PoolClosedError(this.name) });
    // Back to the head of the queue for the next worker.
    this.queue.unshift(waiter);
    this.dispense();
  }

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

  /** Start one worker; when ready it joins the pool and serves the queue. */
  private spawn(): void {
    const job = (async () => {
      if (this.createFailures > 0) {
        // Back off so a broken python is not respawned in a tight loop.
        const ms = Math.min(CREATE_BACKOFF_BASE_MS * 2 ** (this.createFailures - 1), CREATE_BACKOFF_MAX_MS);
        await delay(ms, undefined, { signal: this.closeController.signal }).catch(() => undefined);
        if (this.closed) return;
      }
      let worker: PythonWorker;
      try {
        worker = await PythonWorker.start(workerOptions(this.opts));
      } catch (err) {
        this.onStartError(err);
        return;
      }
      this.createFailures = 0;
      this.admit(worker);
      if (this.closed) {
        this.remove(worker);
        await worker.close();
      }
    })();
    this.starting.add(job);
    void job
      .catch((err: unknown) => this.logger.warn({ err }, 'python worker start went wrong'))
      .finally(() => {
        this.starting.delete(job);
        this.dispense();
        this.fillToMin();
      });
  }

  private onStartError(err: unknown): void {
    this.createFailures++;
    if (this.closed) return;
    this.logger.error({ err, failures: this.createFailures }, 'python worker failed to start');
    // Nobody alive to serve the waiting callers: tell them now instead of letting them hang.
    if (this.members.size === 0) {
      const startErr = err instanceof WorkerStartError ? err : new WorkerStartError(this.opts.python, String(err), [], { cause: err });
      for (const waiter of this.queue.splice(0)) waiter.settle({ error: startErr });
    }
  }

  /** Keep `min` workers alive or starting (after a retirement or a failed start). */
  private fillToMin(): void {
    while (!this.closed && this.members.size + this.starting.size < this.opts.min) this.spawn();
  }

  /** Return a worker after a request: keep it, or retire it (the pool replaces it up to `min`). */
  private giveBack(w: PythonWorker, failure: unknown): void {
    let reason: RetireReason | undefined;
    if (!w.healthy) {
      reason =
        failure instanceof TaskTimeoutError ? 'timeout'
        : failure instanceof TaskCancelledError ? 'cancelled'
        : failure instanceof ProtocolError ? 'protocol'
        : 'unhealthy';
    } else if (w.tasks >= this.opts.maxTasks) {
      reason = 'max_tasks';
    } else if (this.opts.maxRssBytes !== undefined && (w.rss() ?? 0) > this.opts.maxRssBytes) {
      reason = 'rss';
    }
    if (reason !== undefined) {
      this.retireReason.set(w, reason);
      if (!w.crashed) this.logger.debug({ workerPid: w.pid, reason, tasks: w.tasks }, 'retiring python worker');
      this.retire(w);
    } else {
      this.lent.delete(w);
      if (this.closed) this.remove(w); // drain stops it
      else this.idle.push(w);
      this.dispense();
    }
    this.onReturn?.();
  }

  /** Take a worker out for good, count why, stop it, and keep the pool at `min`. */
  private retire(w: PythonWorker): void {
    this.remove(w);
    const reason = this.retireReason.get(w);
    if (w.crashed) this.counters.crashed++;
    else if (reason) {
      this.counters.recycled++;
      this.retired[reason]++;
    }
    void w.close().catch((err: unknown) => this.logger.warn({ err }, 'python worker stop failed'));
    this.fillToMin();
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
