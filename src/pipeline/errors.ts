// One vocabulary of failure codes for a video, whatever layer raised them, and whether a retry helps.
import { redactText } from '../log/index.ts';

// Bad input: retrying cannot help, the video fails at once with this code.
const PERMANENT = new Set([
  'unsupported_url',
  'http_error',
  'not_found',
  'forbidden_path',
  'forbidden_url',
  'not_a_video',
  'no_video_stream',
  'empty_file',
  'corrupt',
  'too_large',
  'timeout',
  'unreadable_input',
  'encode_failed',
  'bad_args',
  'invalid_job',
  'access_denied',
]);

export class StageError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StageError';
    this.code = code;
  }
}

export interface Classified {
  code: string;
  message: string;
  retryable: boolean;
}

/** Map any thrown value to a stable code and a redacted message fit to store on the video. */
export function classify(err: unknown): Classified {
  const e = err instanceof Error ? err : new Error(String(err));
  const raw = (e as { code?: unknown }).code;
  // Every layer (pool, media, download, storage) sets a lower-case code; Node's errno codes
  // (ENOENT...) and anything else without one mean an internal failure.
  const code = typeof raw === 'string' && /^[a-z][a-z_]+$/.test(raw) ? raw : 'internal';
  // Bounded (head and tail kept) when it is stored: see db/videos.ts storableErrorMessage.
  const message = redactText(e.message || code);
  // A typed error that knows its own retry policy (DownloadError: rate_limited retries, bot_check
  // does not) says so; otherwise the code decides.
  const own = (e as { retryable?: unknown }).retryable;
  return { code, message, retryable: typeof own === 'boolean' ? own : !PERMANENT.has(code) };
}
