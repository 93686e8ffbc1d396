// Typed media failures. `code` is stable (stored in Postgres, matched by callers); the message is
// always passed through redactText because it may quote paths or URLs with credentials.
import { HeatersError } from '../errors.ts';
import { redactText } from '../log/index.ts';

export type MediaErrorCode =
  | 'ffmpeg_not_found'
  | 'file_missing'
  | 'empty_file'
  | 'not_a_video'
  | 'no_video_stream'
  | 'corrupt'
  | 'probe_failed'
  | 'encode_failed'
  /** The work disk filled up (ENOSPC): worth a retry once space is freed, never a truncated output. */
  | 'disk_full'
  | 'cancelled';

// The input itself is bad: another attempt decodes the same bytes. The rest (ffmpeg missing, a
// file not there yet, a full disk, a probe that failed, a cancel by shutdown) may pass on a retry.
const PERMANENT: ReadonlySet<MediaErrorCode> = new Set(['not_a_video', 'no_video_stream', 'empty_file', 'corrupt', 'encode_failed']);

export class MediaError extends HeatersError<MediaErrorCode> {
  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, redactText(message), { retryable: !PERMANENT.has(code), cause: options?.cause });
  }
}

export function isMediaError(e: unknown, code?: MediaErrorCode): e is MediaError {
  return e instanceof MediaError && (code === undefined || e.code === code);
}
