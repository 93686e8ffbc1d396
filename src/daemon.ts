// Assembles the daemon: database (embedded by default), migrations, pg-boss queues, object store,
// the two Python pools, and the stage workers. `stop()` is the graceful shutdown.
import type { Config } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import type { Database } from './db/connect.ts';
import { addSecrets } from './log/index.ts';
import type { Logger } from './log/index.ts';
import { resolveFfmpeg } from './media/index.ts';
import { registerExportWorkers } from './export/index.ts';
import { Metrics } from './metrics/index.ts';
import { registerWorkers } from './pipeline/index.ts';
import { CancelListener } from './pipeline/cancel.ts';
import type { Deps } from './pipeline/index.ts';
import { PythonPool } from './pool/index.ts';
import { createQueues, startBoss } from './queue/index.ts';
import { createStore } from './storage/index.ts';

export interface Daemon {
  deps: Deps;
  database: Database;
  stop(): Promise<void>;
}

/** Database + queues only: what the CLI's client commands need. */
export async function openClient(cfg: Config, logger: Logger) {
  addSecrets(cfg.secrets);
  const database = await connectDatabase(cfg, logger);
  const boss = await startBoss({ url: database.url, logger });
  return {
    database,
    boss,
    async close() {
      await boss.stop({ graceful: false, close: true });
      await database.close();
    },
  };
}

export async function startDaemon(cfg: Config, logger: Logger): Promise<Daemon> {
  addSecrets(cfg.secrets);
  const t0 = Date.now();
  const bins = await resolveFfmpeg({ ffmpegPath: cfg.ffmpegPath, ffprobePath: cfg.ffprobePath });
  const store = createStore(cfg.storage, { logger, development: cfg.development });
  const database = await connectDatabase(cfg, logger);
  const cleanup: Array<() => Promise<void>> = [() => database.close()];
  try {
    const boss = await startBoss({ url: database.url, logger });
    cleanup.unshift(() => boss.stop({ graceful: false, close: true }));
    await createQueues(boss);
    const poolBase = {
      python: cfg.python.executable,
      maxTasks: cfg.python.maxTasksPerWorker,
      maxRssBytes: cfg.python.maxRssBytes,
      logger,
    };
    const [ioPool, cpuPool] = await Promise.all([
      PythonPool.start({ ...poolBase, name: 'io', ...cfg.python.io }),
      PythonPool.start({ ...poolBase, name: 'cpu', ...cfg.python.cpu }),
    ]);
    cleanup.unshift(() => ioPool.drain(), () => cpuPool.drain());
    const metrics = new Metrics(cfg.host.id);
    metrics.bind({ pools: () => [ioPool.stats(), cpuPool.stats()] });
    const cancels = await CancelListener.start(database.url, database.pool, logger);
    cleanup.unshift(() => cancels.stop());
    const deps: Deps = { cfg, db: database.pool, boss, store, ioPool, cpuPool, bins, logger, metrics, cancels };
    const workers = await registerWorkers(deps);
    const exportWorkers = await registerExportWorkers(deps, cfg.stageConcurrency);
    logger.info({ ms: Date.now() - t0, store: store.kind, db: cfg.database.kind, ffmpeg: bins.source }, 'daemon ready');

    let stopping: Promise<void> | undefined;
    return {
      deps,
      database,
      stop: () =>
        (stopping ??= (async () => {
          logger.info({ graceMs: cfg.shutdownGraceMs }, 'shutting down: no new jobs, finishing in-flight ones');
          // pg-boss stops fetching, waits for active jobs up to the grace period, then aborts their
          // signals: an aborted stage hands its job back to the queue (see pipeline/stage.ts).
          await boss.stop({ graceful: true, close: true, timeout: cfg.shutdownGraceMs });
          await Promise.all([workers.idle(), exportWorkers.idle()]);
          await cancels.stop();
          await Promise.all([ioPool.drain(), cpuPool.drain()]);
          await database.close();
          logger.info('daemon stopped');
        })()),
    };
  } catch (err) {
    for (const fn of cleanup) await fn().catch(() => {});
    throw err;
  }
}
