// What the HTTP listener needs from the daemon (the daemon passes its Deps; this names only what is used).
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import type { PoolStats } from '../pool/index.ts';
import type { ObjectStore } from '../storage/index.ts';

export interface HttpDeps {
  cfg: Config;
  db: pg.Pool;
  store: ObjectStore;
  logger: Logger;
  metrics: Metrics;
  ioPool: { stats(): PoolStats };
  cpuPool: { stats(): PoolStats };
  boss?: PgBoss;
}
