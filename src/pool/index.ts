// Public API of the Python worker pool.
export { PythonPool, type PoolOptions, type PoolStats, type RetireReason } from './pool.ts';
export { PythonWorker, PYTHON_DIR, type RunOptions, type WorkerOptions, type ExitInfo } from './worker.ts';
export {
  PoolError,
  WorkerCrashedError,
  TaskTimeoutError,
  TaskCancelledError,
  ProtocolError,
  TaskFailedError,
  PoolExhaustedError,
  PoolClosedError,
  WorkerStartError,
} from './errors.ts';
export * from './protocol.ts';
