// Run the Python `download` op through a pool with every boundary checked: args before sending,
// each progress message, the result, and failures turned into a DownloadError with a stable code.
import { redactText } from '../log/index.ts';
import { formatZodError } from '../util/zod.ts';
import { DownloadError, isDownloadErrorCode } from './errors.ts';
import { DownloadArgs, DownloadProgress, DownloadResult } from './schema.ts';

/** The part of PythonPool this needs (kept structural so tests can pass any pool-shaped object). */
export interface DownloadPool {
  run(
    op: string,
    args: Record<string, unknown>,
    opts?: { timeoutMs?: number; signal?: AbortSignal; onProgress?: (data: unknown) => void },
  ): Promise<unknown>;
}

export interface RunDownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Extra time past args.timeout_s before the pool kills the worker. Python enforces timeout_s
   * itself and answers `timeout`; the pool's limit is only the backstop for a wedged worker. */
  graceMs?: number;
}

export async function runDownload(pool: DownloadPool, args: DownloadArgs, opts: RunDownloadOptions = {}): Promise<DownloadResult> {
  const checked = DownloadArgs.parse(args);
  const onProgress = opts.onProgress;
  let data: unknown;
  try {
    data = await pool.run('download', checked, {
      timeoutMs: checked.timeout_s * 1000 + (opts.graceMs ?? 15_000),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(onProgress
        ? {
            onProgress: (raw: unknown) => {
              const p = DownloadProgress.safeParse(raw);
              if (p.success) onProgress(p.data); // a malformed progress report is not worth failing a download
            },
          }
        : {}),
    });
  } catch (err) {
    throw toDownloadError(err);
  }
  const result = DownloadResult.safeParse(data);
  if (!result.success) {
    throw new DownloadError('download_failed', `download op returned an invalid result: ${formatZodError(result.error)}`);
  }
  return result.data;
}

/** Typed op failures become DownloadError; the pool's own timeout becomes `timeout`; pool and
 * worker failures (crash, protocol, exhausted, cancelled) pass through unchanged. */
export function toDownloadError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  const message = redactText(err.message);
  if (isDownloadErrorCode(code)) return new DownloadError(code, message, { cause: err });
  if (code === 'task_timeout') return new DownloadError('timeout', message, { cause: err });
  if (code === 'internal' || code === 'bad_request') return new DownloadError('download_failed', message, { cause: err });
  return err;
}
