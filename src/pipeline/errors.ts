// One vocabulary of failure codes for a video, whatever layer raised them, and whether a retry helps.
import { HeatersError, isSnakeCaseCode } from '../errors.ts';
import { redactText } from '../log/index.ts';

// A stage's own refusal; `retryable` is said where it is thrown.
export class StageError extends HeatersError {
  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(code, message, options);
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
  // Bounded (head and tail kept) when it is stored: see db/videos.ts storableErrorMessage.
  const message = (code: string) => redactText(e.message || code);
  // Every typed error (pool, media, download, storage, db, stage) says its code and whether a retry helps.
  if (e instanceof HeatersError && isSnakeCaseCode(e.code)) return { code: e.code, message: message(e.code), retryable: e.retryable };
  // A foreign error: Node's errno codes (ENOENT...), a library's or none at all mean an internal
  // failure; a retry may help unless the error says otherwise.
  const raw = (e as { code?: unknown }).code;
  const own = (e as { retryable?: unknown }).retryable;
  const code = isSnakeCaseCode(raw) ? raw : 'internal';
  return { code, message: message(code), retryable: typeof own === 'boolean' ? own : true };
}
