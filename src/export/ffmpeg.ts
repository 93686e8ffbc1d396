// One ffmpeg run for a cut: argument array (never a shell), frame progress from `-progress pipe:1`,
// cancellation by AbortSignal, and a typed error with the tail of ffmpeg's stderr.
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { execa } from 'execa';
import type { FfmpegBins } from '../media/index.ts';
import { ExportError } from './errors.ts';

export type RunFfmpegOptions = {
  bins: Pick<FfmpegBins, 'ffmpeg'>;
  signal?: AbortSignal | undefined;
  /** Called with the number of video frames written so far. */
  onFrames?: ((frames: number) => void) | undefined;
};

export async function runFfmpeg(args: string[], o: RunFfmpegOptions): Promise<void> {
  if (o.signal?.aborted) throw new ExportError('encode_failed', 'export cancelled', { cause: o.signal.reason, retryable: true });
  const sub = execa(
    o.bins.ffmpeg,
    ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', ...args],
    { reject: false, buffer: { stdout: false, stderr: true }, stdin: 'ignore', cancelSignal: o.signal, forceKillAfterDelay: 3000 },
  );
  const lines = createInterface({ input: sub.stdout });
  lines.on('line', (l) => {
    const m = /^frame=(\d+)$/.exec(l.trim());
    if (m && o.onFrames) o.onFrames(Number(m[1]));
  });
  const [res] = await Promise.all([sub, once(lines, 'close')]);
  if (res.isCanceled || o.signal?.aborted) {
    throw new ExportError('encode_failed', 'export cancelled: ffmpeg was stopped', { cause: o.signal?.reason, retryable: true });
  }
  if (res.failed || res.exitCode !== 0) {
    const why = res.signal ? `killed by ${res.signal}` : `exit code ${res.exitCode ?? '?'}`;
    const tail = String(res.stderr ?? '').trim().split('\n').slice(-8).join(' | ');
    throw new ExportError('encode_failed', `ffmpeg failed (${why}): ${tail || res.shortMessage}`);
  }
}
