// From configuration to a migrated database: the external server from DATABASE_URL, or the embedded
// cluster under the data directory. A CLI client started while a daemon already runs the embedded
// cluster connects to that one instead of trying to start a second postmaster on the same files.
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../log/index.ts';
import { createDb, endPool } from './client.ts';
import { EmbeddedPostgresError, embeddedUrl, startEmbeddedPostgres } from './embedded/index.ts';
import { migrate } from './migrate.ts';

export interface Database {
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function connectDatabase(cfg: Config, logger: Logger): Promise<Database> {
  let url: string;
  let stopServer: (() => Promise<void>) | undefined;
  if (cfg.database.kind === 'external') {
    url = cfg.database.url;
  } else {
    try {
      const pgServer = await startEmbeddedPostgres({ dir: cfg.database.dir, port: cfg.database.port, logger });
      url = pgServer.url;
      stopServer = () => pgServer.stop();
    } catch (err) {
      if (!(err instanceof EmbeddedPostgresError && err.code === 'pg_dir_in_use')) throw err;
      logger.debug('embedded postgres already run by a daemon: connecting to it');
      url = embeddedUrl(cfg.database.port);
    }
  }
  const pool = createDb(url, { logger });
  try {
    await migrate(pool, { logger });
  } catch (err) {
    await endPool(pool).catch(() => {});
    await stopServer?.().catch(() => {});
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    pool,
    close: () =>
      (closing ??= (async () => {
        await endPool(pool);
        await stopServer?.();
      })()),
  };
}
