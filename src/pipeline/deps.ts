// What every stage needs, built once by the daemon.
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { CancelListener } from './cancel.ts';
import type { Logger } from '../log/index.ts';
import type { Metrics } from '../metrics/index.ts';
import type { PythonPool } from '../pool/index.ts';
import type { SiteSlots } from '../sources/index.ts';
import type { ObjectStore } from '../storage/index.ts';

export interface Deps {
  cfg: Config;
  db: pg.Pool;
  boss: PgBoss;
  store: ObjectStore;
  /** I/O-bound Python work (downloads). */
  ioPool: PythonPool;
  /** CPU-bound Python work (scene detection). */
  cpuPool: PythonPool;
  bins: { ffmpeg: string; ffprobe: string };
  logger: Logger;
  /** This daemon's Prometheus registry (served at GET /metrics). */
  metrics: Metrics;
  /** Operators' cancels of running videos (pipeline/cancel.ts); absent in tests that build deps by hand. */
  cancels?: CancelListener;
  /** Per-site download slots (sources/slots.ts); absent in tests that build deps by hand, where the
   * queue's group limit alone holds. */
  siteSlots?: SiteSlots;
}
