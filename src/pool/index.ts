// Public API of the Python worker pool.
export { PythonPool, jitteredMaxTasks, MAX_TASKS_JITTER, type PoolStats, type RetireReason } from './pool.ts';
export { POOL_DEFAULTS, resolvePoolOptions, type PoolOptions, type ResolvedPoolOptions } from './options.ts';
export { PythonWorker, PYTHON_DIR, type RunOptions, type WorkerOptions, type ExitInfo } from './worker.ts';
export { cpuSeconds, rssBytes, totalCpuSeconds, CLOCK_TICKS_PER_SECOND, type CpuSeconds } from '../util/proc.ts';
export {
  PoolError,
  WorkerCrashedError,
  TaskTimeoutError,
  TaskCancelledError,
  ProtocolError,
  TaskFailedError,
  PoolExhaustedError,
  PoolClosedError,
  PoolOptionsError,
  WorkerStartError,
} from './errors.ts';
export * from './protocol.ts';
