// Typed export failures. `code` is stable (stored on the exports row, matched by callers and the
// CLI); `retryable` says whether pg-boss should try again. Messages are redacted when built.
import { HeatersError } from '../errors.ts';
import { redactText } from '../log/index.ts';

export type ExportErrorCode =
  | 'clip_not_found' // no clip with that id
  | 'video_not_found'
  | 'video_not_ready' // the video has no stored proxy yet
  | 'no_source' // neither proxy nor master can be had
  | 'no_keyframes' // the source has no keyframe at or before the clip (copy cannot start)
  | 'encode_failed' // ffmpeg failed on a cut
  | 'integrity_failed' // the exported file is not the clip (frame count or first frame)
  | 'restore_pending' // an archived master is being restored; try again later
  | 'restore_failed'
  | 'bad_request'; // unknown mode/format/state, or no clips to export

const RETRYABLE: ReadonlySet<ExportErrorCode> = new Set(['restore_pending', 'encode_failed']);

export class ExportError extends HeatersError<ExportErrorCode> {
  constructor(code: ExportErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, redactText(message), { retryable: options.retryable ?? RETRYABLE.has(code), cause: options.cause });
  }
}

export function isExportError(e: unknown, code?: ExportErrorCode): e is ExportError {
  return e instanceof ExportError && (code === undefined || e.code === code);
}
