// Typed errors of the Python pool. Each has a stable string `code` a caller can switch on or record;
// messages and stderr tails are redacted before they are stored here.
import { HeatersError } from '../errors.ts';

/** Codes of Python's OpError (python/heaters_worker) that name bad input: another attempt on the
 * same input fails the same way. Any other code (a crash, a timeout of the pool, bad_request, ...)
 * may pass on a retry. */
export const PERMANENT_OP_CODES: ReadonlySet<string> = new Set([
  'bad_args',
  'unreadable_input',
  'unsupported_url',
  'http_error',
  'not_found',
  'forbidden_path',
  'forbidden_url',
  'not_a_video',
  'too_large',
  'timeout',
]);

export class PoolError extends HeatersError {
  constructor(code: string, message: string, options?: ErrorOptions & { retryable?: boolean }) {
    super(code, message, { retryable: options?.retryable ?? !PERMANENT_OP_CODES.has(code), cause: options?.cause });
  }
}

/** The Python process died while a request was in flight (or before answering it). */
export class WorkerCrashedError extends PoolError {
  exitCode: number | null;
  signal: string | null;
  pid: number | undefined;
  /** Last stderr lines of the worker (redacted), oldest first. */
  stderrTail: string[];
  constructor(info: { exitCode: number | null; signal: string | null; pid: number | undefined; stderrTail: string[] }) {
    const how = info.signal ? `signal ${info.signal}` : `exit code ${info.exitCode}`;
    super('worker_crashed', `python worker ${info.pid ?? '?'} died (${how})`);
    this.exitCode = info.exitCode;
    this.signal = info.signal;
    this.pid = info.pid;
    this.stderrTail = info.stderrTail;
  }
}

/** A request ran longer than its timeout; its worker was killed. */
export class TaskTimeoutError extends PoolError {
  op: string;
  timeoutMs: number;
  constructor(op: string, timeoutMs: number) {
    super('task_timeout', `python op ${op} timed out after ${timeoutMs} ms`);
    this.op = op;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the request (AbortSignal); its worker, if it had one, was killed. */
export class TaskCancelledError extends PoolError {
  op: string;
  constructor(op: string, options?: ErrorOptions) {
    super('task_cancelled', `python op ${op} was cancelled`, options);
    this.op = op;
  }
}

/** The worker wrote something that is not a valid protocol message; the worker is evicted. */
export class ProtocolError extends PoolError {
  /** The offending line, redacted and cut to a few hundred characters. */
  excerpt: string;
  constructor(message: string, excerpt = '') {
    super('protocol_error', message);
    this.excerpt = excerpt;
  }
}

/** The op itself failed: `code` and `message` come from Python's OpError (or "internal"). */
export class TaskFailedError extends PoolError {
  op: string;
  constructor(op: string, code: string, message: string) {
    super(code, message);
    this.op = op;
  }
}

/** No worker could be had: the wait queue is full or the acquire timeout passed. */
export class PoolExhaustedError extends PoolError {
  constructor(message: string) {
    super('pool_exhausted', message);
  }
}

/** The pool is draining or drained and takes no more work. */
export class PoolClosedError extends PoolError {
  constructor(name: string) {
    super('pool_closed', `python pool ${name} is closed`);
  }
}

/** A worker could not be started: python missing, or it did not become ready. */
export class WorkerStartError extends PoolError {
  python: string;
  stderrTail: string[];
  constructor(python: string, message: string, stderrTail: string[] = [], options?: ErrorOptions) {
    super('worker_start_failed', message, options);
    this.python = python;
    this.stderrTail = stderrTail;
  }
}

/** PythonPool.start() was given options it cannot run with; `problems` names each option. */
export class PoolOptionsError extends PoolError {
  problems: Array<{ option: string; message: string }>;
  constructor(name: string, problems: Array<{ option: string; message: string }>) {
    super('invalid_pool_options', `python pool ${name}: ${problems.map((p) => `option ${p.option}: ${p.message}`).join('; ')}`, {
      retryable: false,
    });
    this.problems = problems;
  }
}
