// What the export room needs from the daemon (the daemon passes its Deps; this names only what is used).
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { DownloadPool } from '../download/index.ts';
import type { Logger } from '../log/index.ts';
import type { ObjectStore } from '../storage/index.ts';

export interface ExportDeps {
  cfg: Config;
  db: pg.Pool;
  boss: PgBoss;
  store: ObjectStore;
  /** For masters on demand: the source is downloaded again on the I/O pool. */
  ioPool: DownloadPool;
  bins: { ffmpeg: string; ffprobe: string };
  logger: Logger;
}
