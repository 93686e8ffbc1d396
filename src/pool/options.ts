// The pool's options: every default in one object, and one zod schema that checks what a caller
// passes, once, when the pool starts. A bad option stops the start with an error naming it (min
// above max is refused, not clamped); the rest of the pool only ever sees resolved options.
import { z } from 'zod';
import type { Logger } from '../log/index.ts';
import { PoolOptionsError } from './errors.ts';

/** Every default of PythonPool and PythonWorker. Absent limits (RSS, acquire and task timeouts) mean none. */
export const POOL_DEFAULTS = {
  /** Workers started before start() resolves and kept alive. */
  min: 1,
  /** Upper bound of workers when `max` is not given (raised to `min` if that is larger). */
  max: 2,
  /** Retire a worker after this many requests (config HEATERS_WORKER_MAX_TASKS reads it too). */
  maxTasks: 200,
  /** Callers allowed to wait for a worker; one more gets PoolExhaustedError. */
  maxWaitingClients: 64,
  /** How long a new worker may take to announce ready (its imports of cv2, numpy, yt_dlp). */
  readyTimeoutMs: 30_000,
  /** Grace after stdin EOF before SIGTERM, and after SIGTERM before SIGKILL, when a worker stops. */
  closeGraceMs: 2000,
  /** A worker idle longer than this is pinged before it is handed out. */
  pingIfIdleMs: 30_000,
  /** The test-only ops (tests and benchmarks). */
  testOps: false,
} as const;

const count = (least: number) => z.number().int().min(least);
const ms = z.number().finite().positive();

export const PoolOptionsSchema = z
  .strictObject({
    /** Label for logs and stats, e.g. "io" or "cpu". */
    name: z.string().min(1),
    /** Python executable (config HEATERS_PYTHON). */
    python: z.string().min(1),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as { child?: unknown }).child === 'function', {
      message: 'must be a logger from src/log',
    }),
    min: count(0).default(POOL_DEFAULTS.min),
    /** Default: max(min, POOL_DEFAULTS.max). Must not be below `min`. */
    max: count(1).optional(),
    maxTasks: count(1).default(POOL_DEFAULTS.maxTasks),
    /** Retire a worker whose RSS exceeds this after a request. Default: no limit. */
    maxRssBytes: count(1).optional(),
    maxWaitingClients: count(0).default(POOL_DEFAULTS.maxWaitingClients),
    /** Give up waiting for a worker after this long (PoolExhaustedError). Default: wait. */
    acquireTimeoutMs: ms.optional(),
    /** Per-request timeout applied when run() is given none. Default: none. */
    defaultTimeoutMs: ms.optional(),
    readyTimeoutMs: ms.default(POOL_DEFAULTS.readyTimeoutMs),
    closeGraceMs: z.number().finite().min(0).default(POOL_DEFAULTS.closeGraceMs),
    pingIfIdleMs: z.number().finite().min(0).default(POOL_DEFAULTS.pingIfIdleMs),
    testOps: z.boolean().default(POOL_DEFAULTS.testOps),
    /** Extra environment for the workers. */
    env: z.record(z.string(), z.string()).optional(),
  })
  .refine((o) => o.max === undefined || o.max >= o.min, {
    path: ['max'],
    error: (issue) => {
      const o = issue.input as { min: number; max: number };
      return `must be at least min (max ${o.max} < min ${o.min})`;
    },
  })
  .transform((o) => ({ ...o, max: o.max ?? Math.max(o.min, POOL_DEFAULTS.max) }));

/** What a caller passes to PythonPool.start(). */
export type PoolOptions = z.input<typeof PoolOptionsSchema>;
/** The same with every default filled in and every bound checked. */
export type ResolvedPoolOptions = z.output<typeof PoolOptionsSchema>;

/** Check and complete pool options. Throws PoolOptionsError naming each bad option. */
export function resolvePoolOptions(opts: PoolOptions): ResolvedPoolOptions {
  const parsed = PoolOptionsSchema.safeParse(opts);
  if (parsed.success) return parsed.data;
  const name = typeof opts?.name === 'string' && opts.name ? opts.name : '?';
  const problems = parsed.error.issues.map((i) => {
    const option = i.path.length ? i.path.join('.') : i.code === 'unrecognized_keys' ? i.keys.join(', ') : '(options)';
    return { option, message: i.message };
  });
  throw new PoolOptionsError(name, problems);
}
