// One long-lived Python worker process (python -m heaters_worker) driven over NDJSON on stdio.
// A worker runs one request at a time (the Python loop is sequential); PythonPool hands workers out.
// Timeout and cancel kill the process: a Python op cannot be interrupted safely, so the worker is
// given up and the pool replaces it.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import ndjson from 'ndjson';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../log/index.ts';
import { isSecretEnvName, redactText, relayLine } from '../log/index.ts';
import {
  PoolError,
  ProtocolError,
  TaskCancelledError,
  TaskFailedError,
  TaskTimeoutError,
  WorkerCrashedError,
  WorkerStartError,
} from './errors.ts';
import { POOL_DEFAULTS } from './options.ts';
import { cpuSeconds, rssBytes, type CpuSeconds } from '../util/proc.ts';
import { formatZodError } from '../util/zod.ts';
import { Request, WorkerMessage, type ReadyMessage, type Versions } from './protocol.ts';

/** The repo's python/ directory: PYTHONPATH of every worker. */
export const PYTHON_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'python');

const STDERR_TAIL_LINES = 50;
const TAIL_LINE_MAX = 2000;
const EXCERPT_MAX = 300;
// After SIGKILL the exit normally arrives within milliseconds; this only guards against a process
// stuck in uninterruptible sleep so a caller never waits forever.
const KILL_GIVE_UP_MS = 5000;
// How long to wait for stderr to reach EOF after exit, so the tail holds the last lines. A grandchild
// that inherited stderr could keep it open; then we stop waiting.
const STDERR_DRAIN_MS = 250;

export interface WorkerOptions {
  /** Python executable (config HEATERS_PYTHON). */
  python: string;
  logger: Logger;
  /** Enable ops under heaters_worker/ops/testing (tests and benchmarks only). */
  testOps?: boolean;
  /** Give up if the worker has not announced `ready` by then (imports of cv2/numpy/yt_dlp). */
  readyTimeoutMs?: number;
  /** close(): grace after stdin EOF before SIGTERM, and after SIGTERM before execa's SIGKILL. */
  closeGraceMs?: number;
  /** Extra environment for the child, on top of the daemon's. */
  env?: Record<string, string>;
  /** Label used in logs. */
  name?: string;
}

export interface RunOptions {
  /** Kill the worker and reject with TaskTimeoutError after this long. */
  timeoutMs?: number;
  /** Aborting kills the worker and rejects with TaskCancelledError. */
  signal?: AbortSignal;
  /** Called with `data` of every progress message of this request. */
  onProgress?: (data: unknown) => void;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
}

interface Pending {
  id: string;
  op: string;
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (data: unknown) => void;
  timer?: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Set when we killed the worker on purpose (timeout, cancel): the rejection once it has exited. */
  failure?: Error;
}

let nextWorkerSeq = 0;

export class PythonWorker {
  readonly python: string;
  readonly name: string;
  /** Completed requests (results and op errors). */
  tasks = 0;
  /** Date.now() of the last completed request (or of ready). */
  lastUsedAt = Date.now();
  /** Set once the ready message arrived. */
  versions: Versions | undefined;
  ops: string[] = [];
  /** The process died without us asking. */
  crashed = false;

  private readonly proc: ResultPromise;
  private readonly closeGraceMs: number;
  private logger: Logger;
  private readonly seq = ++nextWorkerSeq;
  private reqSeq = 0;
  private current: Pending | undefined;
  private broken = false;
  private stopping = false;
  private exitInfo: ExitInfo | undefined;
  private readonly tail: string[] = [];
  private readonly readyPromise: Promise<ReadyMessage>;
  private settleReady: { resolve: (m: ReadyMessage) => void; reject: (e: Error) => void } | undefined;
  private readonly exitedPromise: Promise<ExitInfo>;
  private resolveExited!: (info: ExitInfo) => void;
  private stderrEnded!: Promise<void>;

  /** Spawn a worker and wait for its ready message. Rejects with WorkerStartError. */
  static async start(opts: WorkerOptions): Promise<PythonWorker> {
    await assertExecutable(opts.python);
    const worker = new PythonWorker(opts);
    await worker.readyPromise;
    return worker;
  }

  private constructor(opts: WorkerOptions) {
    this.python = opts.python;
    this.name = opts.name ?? 'python';
    this.closeGraceMs = opts.closeGraceMs ?? POOL_DEFAULTS.closeGraceMs;
    this.logger = opts.logger.child({ worker: `${this.name}#${this.seq}` });
    this.exitedPromise = new Promise((resolve) => (this.resolveExited = resolve));
    this.readyPromise = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));

    const args = ['-m', 'heaters_worker', ...(opts.testOps ? ['--test-ops'] : [])];
    this.proc = execa(opts.python, args, {
      // Python needs no credentials (downloads are of public URLs): it never sees the daemon's secrets.
      env: { ...workerEnv(), ...opts.env, PYTHONPATH: PYTHON_DIR, PYTHONUNBUFFERED: '1' },
      extendEnv: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false, // a long-lived child: never accumulate its output in memory
      reject: false,
      cleanup: true, // killed if the daemon exits
      // kill('SIGTERM') is followed by SIGKILL if the process is still there after the grace.
      forceKillAfterDelay: this.closeGraceMs,
    });
    // Outcomes are handled through the events below; the promise itself only needs a handler.
    this.proc.then(
      () => undefined,
      () => undefined,
    );
    this.proc.on('error', (err: NodeJS.ErrnoException) => {
      if (this.proc.pid === undefined) this.onSpawnError(err);
    });
    this.proc.on('exit', (code, signal) => void this.onExit(code, signal));
    // A write after the child died fails with EPIPE; the exit handler reports that request.
    this.proc.stdin?.on('error', () => undefined);

    const stdout = this.proc.stdout;
    const stderr = this.proc.stderr;
    if (!stdout || !stderr) throw new Error('python worker spawned without stdio pipes');
    // ndjson splits the protocol stream into lines and parses each; a line that is not JSON is an
    // 'error' event naming its start, and the stream goes on (the worker is evicted for it anyway).
    stdout
      .pipe(ndjson.parse({ strict: true }))
      .on('data', (msg: unknown) => this.onMessage(msg))
      .on('error', (err: Error) => this.protocolFailure('wrote a line that is not JSON', err.message));
    const errLines = createInterface({ input: stderr, crlfDelay: Infinity });
    errLines.on('line', (line) => this.onStderr(line));
    this.stderrEnded = new Promise((resolve) => errLines.once('close', () => resolve()));

    const readyTimeoutMs = opts.readyTimeoutMs ?? POOL_DEFAULTS.readyTimeoutMs;
    const readyTimer = setTimeout(() => {
      this.failStart(`python worker did not become ready within ${readyTimeoutMs} ms`);
    }, readyTimeoutMs);
    this.readyPromise.then(
      () => clearTimeout(readyTimer),
      () => clearTimeout(readyTimer),
    );
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** The process is running (it may still be busy). */
  get alive(): boolean {
    return this.exitInfo === undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Alive, ready and with an intact protocol stream: fit to take a request. */
  get healthy(): boolean {
    return this.alive && !this.broken && !this.stopping && this.versions !== undefined;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Resolves when the process has exited (and its stderr is read). */
  get exited(): Promise<ExitInfo> {
    return this.exitedPromise;
  }

  /** The last stderr lines (redacted), oldest first. */
  stderrTail(): string[] {
    return [...this.tail];
  }

  /** Run one op. Rejects with TaskFailedError, TaskTimeoutError, TaskCancelledError, WorkerCrashedError or ProtocolError. */
  run(op: string, args: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<unknown> {
    if (this.current) return Promise.reject(new PoolError('worker_busy', `python worker ${this.pid} is busy`));
    if (!this.alive) return Promise.reject(this.crashError());
    if (this.broken || this.stopping || !this.versions) {
      return Promise.reject(new ProtocolError(`python worker ${this.pid} is not usable`));
    }
    if (opts.signal?.aborted) return Promise.reject(new TaskCancelledError(op, { cause: opts.signal.reason }));
    const req = Request.parse({ id: `${this.seq}.${++this.reqSeq}`, op, args });
    let line: string;
    try {
      line = JSON.stringify(req) + '\n';
    } catch (err) {
      return Promise.reject(new PoolError('bad_args', `args of ${op} are not JSON-serializable: ${(err as Error).message}`));
    }

    return new Promise((resolve, reject) => {
      const p: Pending = { id: req.id, op, resolve, reject, onProgress: opts.onProgress };
      if (opts.timeoutMs !== undefined) {
        const ms = opts.timeoutMs;
        p.timer = setTimeout(() => this.killForRequest(p, new TaskTimeoutError(op, ms)), ms);
      }
      const signal = opts.signal;
      if (signal) {
        p.signal = signal;
        p.onAbort = () => this.killForRequest(p, new TaskCancelledError(op, { cause: signal.reason }));
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.current = p;
      this.proc.stdin?.write(line);
    });
  }

  /** Kill the worker to end the in-flight request, which then rejects with TaskCancelledError. */
  cancelCurrent(reason?: unknown): void {
    const p = this.current;
    if (p) this.killForRequest(p, new TaskCancelledError(p.op, { cause: reason }));
  }

  /** A round trip through the worker loop. Never rejects. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    try {
      await this.run('ping', {}, { timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  /** Resident memory in bytes (undefined once exited). */
  rss(): number | undefined {
    return this.alive && this.pid !== undefined ? rssBytes(this.pid) : undefined;
  }

  /** CPU seconds used so far, its own and its reaped children's (undefined once exited). */
  cpuTime(): CpuSeconds | undefined {
    return this.alive && this.pid !== undefined ? cpuSeconds(this.pid) : undefined;
  }

  /** Send a signal now; resolves when the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    this.stopping = true;
    if (this.alive) this.proc.kill(signal);
    return this.exitedPromise;
  }

  /**
   * Stop the worker: close stdin (the loop ends at EOF), SIGTERM after `graceMs` (default: the
   * worker's closeGraceMs), and SIGKILL closeGraceMs after that (execa's forceKillAfterDelay, set at
   * spawn). A busy or broken worker is killed at once.
   */
  async close(graceMs = this.closeGraceMs): Promise<ExitInfo> {
    this.stopping = true;
    if (!this.alive) return this.exitedPromise;
    if (this.broken || this.current) return this.kill('SIGKILL');
    this.proc.stdin?.end();
    if (await this.exitWithin(graceMs)) return this.exitedPromise;
    this.logger.warn({ graceMs }, 'python worker ignored stdin EOF; sending SIGTERM (SIGKILL follows after the grace)');
    return this.kill('SIGTERM');
  }

  // --- internals ---------------------------------------------------------------------------------

  private async exitWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([this.exitedPromise.then(() => true), timeout]);
    clearTimeout(timer);
    return done;
  }

  private onMessage(json: unknown): void {
    // Re-serialized only for an error excerpt: never on the hot path of a 10 MB result.
    const line = () => JSON.stringify(json) ?? '';
    const parsed = WorkerMessage.safeParse(json);
    if (!parsed.success) {
      this.protocolFailure(`wrote an invalid message (${formatZodError(parsed.error)})`, line());
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      if (this.versions) return this.protocolFailure('sent a second ready message', line());
      this.versions = msg.versions;
      this.ops = msg.ops;
      this.lastUsedAt = Date.now();
      this.logger = this.logger.child({ workerPid: msg.pid });
      this.logger.debug({ versions: msg.versions, ops: msg.ops }, 'python worker ready');
      this.settleReady?.resolve(msg);
      this.settleReady = undefined;
      return;
    }
    if (!this.versions) return this.protocolFailure(`sent ${msg.type} before ready`, line());
    const p = this.current;
    if (msg.type === 'error' && msg.id === null) {
      // The worker could not parse what we sent: our side of the stream is suspect too.
      return this.protocolFailure(`rejected a request: ${msg.error.message}`, line());
    }
    if (!p || p.id !== msg.id) return this.protocolFailure(`sent a ${msg.type} for unknown request ${msg.id}`, line());
    if (p.failure) return; // already being killed for timeout/cancel: ignore late output
    if (msg.type === 'progress') {
      try {
        p.onProgress?.(msg.data);
      } catch (err) {
        this.logger.warn({ err }, 'onProgress callback threw');
      }
      return;
    }
    this.finish(p);
    if (msg.type === 'result') p.resolve(msg.data);
    else p.reject(new TaskFailedError(p.op, msg.error.code, redactText(msg.error.message)));
  }

  private onStderr(line: string): void {
    this.tail.push(redactText(line.length > TAIL_LINE_MAX ? `${line.slice(0, TAIL_LINE_MAX)}…` : line));
    if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
    relayLine(this.logger, 'python', line);
  }

  private finish(p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
    if (this.current === p) this.current = undefined;
    this.tasks++;
    this.lastUsedAt = Date.now();
  }

  /** Timeout or cancel: kill the process; the request is rejected once it has exited. */
  private killForRequest(p: Pending, err: Error): void {
    if (this.current !== p || p.failure) return;
    p.failure = err;
    this.stopping = true;
    this.logger.warn({ op: p.op, code: (err as PoolError).code }, 'killing python worker');
    this.proc.kill('SIGKILL');
    // Normally onExit rejects; this only fires if the exit never comes.
    const giveUp = setTimeout(() => {
      if (this.current !== p) return;
      this.broken = true;
      this.finish(p);
      p.reject(err);
    }, KILL_GIVE_UP_MS);
    giveUp.unref();
  }

  private protocolFailure(reason: string, line: string): void {
    const excerpt = redactText(line.length > EXCERPT_MAX ? `${line.slice(0, EXCERPT_MAX)}…` : line);
    const err = new ProtocolError(`python worker ${this.pid} ${reason}`, excerpt);
    if (this.broken) {
      // The first failure already dealt with the request; later lines are just the wreckage.
      this.logger.debug({ excerpt }, err.message);
      return;
    }
    this.logger.error({ excerpt }, err.message);
    this.broken = true;
    const p = this.current;
    if (p && !p.failure) {
      this.finish(p);
      p.reject(err);
    }
    if (this.settleReady) this.failStart(err.message);
    // The stream can no longer be trusted: nothing more to learn from this process.
    this.stopping = true;
    if (this.alive) this.proc.kill('SIGKILL');
  }

  private failStart(message: string, cause?: unknown): void {
    const settle = this.settleReady;
    if (!settle) return;
    this.settleReady = undefined;
    this.stopping = true;
    if (this.alive && this.pid !== undefined) this.proc.kill('SIGKILL');
    settle.reject(new WorkerStartError(this.python, message, this.stderrTail(), cause ? { cause } : undefined));
  }

  private onSpawnError(err: NodeJS.ErrnoException): void {
    this.exitInfo = { exitCode: null, signal: null };
    this.failStart(`cannot run python executable ${this.python}: ${err.code ?? err.message}`, err);
    this.resolveExited(this.exitInfo);
  }

  private async onExit(exitCode: number | null, signal: NodeJS.Signals | null): Promise<void> {
    // Let stderr reach EOF so the tail and the relayed log hold the last words.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.stderrEnded, new Promise<void>((resolve) => (timer = setTimeout(resolve, STDERR_DRAIN_MS)))]);
    clearTimeout(timer);

    const info: ExitInfo = { exitCode, signal };
    this.exitInfo = info;
    this.crashed = !this.stopping;
    if (this.settleReady) {
      const how = signal ? `signal ${signal}` : `exit code ${exitCode}`;
      const last = this.tail.at(-1);
      this.failStart(`python worker exited before ready (${how})${last ? `: ${last}` : ''}`);
    }
    const p = this.current;
    if (p) {
      this.finish(p);
      p.reject(p.failure ?? this.crashError());
    } else if (this.crashed) {
      this.logger.warn({ exitCode, signal, stderrTail: this.tail.slice(-5) }, 'idle python worker died');
    }
    this.resolveExited(info);
  }

  private crashError(): WorkerCrashedError {
    return new WorkerCrashedError({
      exitCode: this.exitInfo?.exitCode ?? this.proc.exitCode,
      signal: this.exitInfo?.signal ?? this.proc.signalCode,
      pid: this.pid,
      stderrTail: this.stderrTail(),
    });
  }
}

/** Fail early and clearly when the configured python is missing or not executable. */
export async function assertExecutable(python: string): Promise<void> {
  if (!python.includes('/')) return; // a bare name is looked up in PATH by the spawn itself
  try {
    await access(python, constants.X_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not executable';
    throw new WorkerStartError(python, `python executable ${python} ${why} (set HEATERS_PYTHON)`, [], { cause: err });
  }
}

/** The daemon's environment minus anything secret-looking, the database URL and the yt-dlp access
 * settings that may carry credentials (the download op gets those as arguments, per request). */
const NOT_FOR_WORKERS = new Set(['DATABASE_URL', 'HEATERS_PROXY', 'HEATERS_EXTRACTOR_ARGS']);
function workerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !isSecretEnvName(k) && !NOT_FOR_WORKERS.has(k)) env[k] = v;
  }
  return env;
}
