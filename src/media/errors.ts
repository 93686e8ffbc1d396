// Typed media failures. `code` is stable (stored in Postgres, matched by callers); the message is
// always passed through redactText because it may quote paths or URLs with credentials.
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

export class MediaError extends Error {
  readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(redactText(message), options);
    this.name = 'MediaError';
    this.code = code;
  }
}

export function isMediaError(e: unknown, code?: MediaErrorCode): e is MediaError {
  return e instanceof MediaError && (code === undefined || e.code === code);
}
