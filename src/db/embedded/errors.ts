// The embedded cluster's typed failures, and the two helpers that word their messages.
import { HeatersError } from '../../errors.ts';

export type EmbeddedPostgresErrorCode =
  | 'pg_init_failed'
  | 'pg_start_failed'
  | 'pg_dir_in_use'
  | 'pg_dir_inaccessible'
  | 'pg_dir_invalid'
  | 'pg_stale_shmem';

// Retryable only where waiting can help: the other server may stop, old backends may detach, a start
// may pass once the port or the disk is free. A bad data dir or a failed initdb needs a person.
const RETRYABLE: ReadonlySet<EmbeddedPostgresErrorCode> = new Set(['pg_start_failed', 'pg_dir_in_use', 'pg_stale_shmem']);

export class EmbeddedPostgresError extends HeatersError<EmbeddedPostgresErrorCode> {
  constructor(code: EmbeddedPostgresErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { retryable: RETRYABLE.has(code), cause: options?.cause });
  }
}

/** The lines of the server's log that say why it failed (or its last five), on one line. */
export function summarize(lines: string[]): string {
  const important = lines.filter((l) => /\b(FATAL|PANIC|ERROR|HINT|DETAIL):/.test(l) || /initdb: error/.test(l));
  return (important.length ? important : lines.slice(-5)).join(' | ').slice(0, 2000);
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
