// Connection pool, the "pool or client" type every query function takes, and transactions.
import pg from 'pg';
import { HeatersError } from '../errors.ts';
import type { Logger } from '../log/index.ts';

/** What every data function accepts: the pool, or a client (possibly inside a transaction). */
export type Db = pg.Pool | pg.PoolClient | pg.Client;

export type DbErrorCode = 'video_not_found' | 'video_failed' | 'invalid_input';

// Retryable: met inside a stage, a refusal comes from a row that changed under the stage (cancelled,
// failed, gone); the next attempt re-reads the row and settles (as before the codes had a policy).
export class DbError extends HeatersError<DbErrorCode> {
  constructor(code: DbErrorCode, message: string) {
    super(code, message, { retryable: true });
  }
}

export function createDb(url: string, opts: { logger?: Logger; max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'heaters',
  });
  // Without a listener, an idle client's error (server restart, network) crashes the process.
  pool.on('error', (err) => opts.logger?.warn({ err }, 'idle postgres client error'));
  return pool;
}

/**
 * End a pool and wait until its connections have really closed. pg-pool's end() resolves as soon as it
 * has asked each idle client to end, before the sockets close, and a closing client keeps the pool's
 * idle 'error' listener meanwhile: a server stopped right after (the embedded cluster at shutdown, a
 * test's database) can terminate a session still closing, which then surfaces as an idle-client error
 * (logged by createDb's listener; thrown by a pool that has none). Waiting for pg-pool's 'remove' of
 * each client closes that window.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    pool.on('remove', () => {
      if (--open === 0) resolve();
    });
  });
  await pool.end();
  await closed;
}

/**
 * Run `fn` atomically. On the pool: a dedicated client with BEGIN/COMMIT. On a client that is idle:
 * BEGIN/COMMIT on it. On a client already inside a transaction: a savepoint, so the caller's
 * transaction stays the caller's to commit.
 */
export async function withTransaction<T>(db: Db, fn: (client: pg.PoolClient | pg.Client) => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) {
    const client = await db.connect();
    try {
      return await inTransaction(client, fn);
    } finally {
      client.release();
    }
  }
  if (db.getTransactionStatus() === 'T') {
    await db.query('SAVEPOINT heaters_tx');
    try {
      const result = await fn(db);
      await db.query('RELEASE SAVEPOINT heaters_tx');
      return result;
    } catch (err) {
      await db.query('ROLLBACK TO SAVEPOINT heaters_tx').catch(() => undefined);
      throw err;
    }
  }
  return inTransaction(db, fn);
}

async function inTransaction<C extends pg.PoolClient | pg.Client, T>(client: C, fn: (client: C) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
