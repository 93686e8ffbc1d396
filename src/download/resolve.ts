// Run the Python `resolve` op: what a URL is (one video or a playlist of entries) and its canonical
// identity, before any video row exists. Failures are DownloadErrors with the download op's codes.
import { DownloadError } from './errors.ts';
import type { DownloadPool } from './run.ts';
import { toDownloadError } from './run.ts';
import { ResolveArgs, ResolveResult } from './schema.ts';
import { formatZodError } from '../util/zod.ts';

export async function runResolve(pool: DownloadPool, args: ResolveArgs, opts: { signal?: AbortSignal } = {}): Promise<ResolveResult> {
  const checked = ResolveArgs.parse(args);
  let data: unknown;
  try {
    data = await pool.run('resolve', checked, {
      timeoutMs: checked.timeout_s * 1000 + 15_000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    throw toDownloadError(err);
  }
  const result = ResolveResult.safeParse(data);
  if (!result.success) {
    throw new DownloadError('download_failed', `resolve op returned an invalid result: ${formatZodError(result.error)}`);
  }
  return result.data;
}
