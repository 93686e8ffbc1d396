// Assembles the daemon: database (embedded by default), migrations, pg-boss queues, object store,
// the two Python pools, and the stage workers. `stop()` is the graceful shutdown.
import { readFileSync } from 'node:fs';
import type { Config } from './config.ts';
import { connectDatabase } from './db/connect.ts';
import type { Database } from './db/connect.ts';
import { addSecrets } from './log/index.ts';
import type { Logger } from './log/index.ts';
import { checkBind, startHttp } from './http/index.ts';
import type { HttpServer } from './http/index.ts';
import { resolveFfmpeg } from './media/index.ts';
import { registerExportWorkers } from './export/index.ts';
import { Metrics } from './metrics/index.ts';
import { listHosts, setHostDetails } from './db/index.ts';
import { resolveHostId, startHost } from './hosts/index.ts';
import { fallbackJob, registerWorkers } from './pipeline/index.ts';
import { CancelListener } from './pipeline/cancel.ts';
import type { Deps } from './pipeline/index.ts';
import { reportYtDlp } from './download/version.ts';
import { cookieValues } from './download/cookies.ts';
import { PythonPool } from './pool/index.ts';
import { SiteSlots } from './sources/index.ts';
import { createQueues, startBoss } from './queue/index.ts';
import { createStore } from './storage/index.ts';

/** package.json's version, recorded on the host row. */
const HEATERS_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface Daemon {
  deps: Deps;
  /** This daemon's host id (heaters.hosts). */
  hostId: string;
  database: Database;
  /** The HTTP listener (health, metrics, review), unless HEATERS_HTTP_PORT=0. */
  http?: HttpServer;
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
  if (cfg.http.port !== 0) checkBind(cfg.http.host, cfg.http.token); // before anything starts
  const t0 = Date.now();
  const bins = await resolveFfmpeg({ ffmpegPath: cfg.ffmpegPath, ffprobePath: cfg.ffprobePath });
  const store = createStore(cfg.storage, { logger, development: cfg.development });
  const database = await connectDatabase(cfg, logger);
  const cleanup: Array<() => Promise<void>> = [() => database.close()];
  try {
    const boss = await startBoss({ url: database.url, logger });
    cleanup.unshift(() => boss.stop({ graceful: false, close: true }));
    // Who we are among hosts: our own queues for the stages after the download.
    const hostId = await resolveHostId({ explicit: cfg.host.id, workDir: cfg.workDir });
    await createQueues(boss, {}, { hostId });
    const poolBase = {
      python: cfg.python.executable,
      maxTasks: cfg.python.maxTasksPerWorker,
      maxRssBytes: cfg.python.maxRssBytes,
      testOps: cfg.python.testOps,
      logger,
    };
    const [ioPool, cpuPool] = await Promise.all([
      PythonPool.start({ ...poolBase, name: 'io', ...cfg.python.io }),
      PythonPool.start({ ...poolBase, name: 'cpu', ...cfg.python.cpu }),
    ]);
    cleanup.unshift(() => ioPool.drain(), () => cpuPool.drain());
    const metrics = new Metrics(hostId);
    metrics.bind({
      pools: () => [ioPool.stats(), cpuPool.stats()],
      hosts: async () => (await listHosts(database.pool)).map((h) => ({ hostId: h.id, ageSeconds: h.ageSeconds })),
    });
    // Cookie values are secrets for every log line and stored error of this process too.
    addSecrets(cookieValues(cfg.access.cookiesFile));
    // The yt-dlp in use goes to the metrics, the start-up log (a warning when it is too old to follow
    // YouTube) and this host's row (heaters status shows it); the row is written once it exists, below.
    const ytDlp = reportYtDlp(ioPool, metrics.registry, logger);
    const cancels = await CancelListener.start(database.url, database.pool, logger);
    cleanup.unshift(() => cancels.stop());
    const siteSlots = new SiteSlots(database.url, hostId, logger);
    cleanup.unshift(() => siteSlots.stop());
    const deps: Deps = { cfg, db: database.pool, boss, store, ioPool, cpuPool, bins, logger, metrics, cancels, siteSlots };
    // Liveness row and host-id lock; this host's interrupted videos are re-sent BEFORE the workers
    // start, so no worker can pick up a dead attempt's job in the meantime.
    const host = await startHost({
      db: database.pool,
      dbUrl: database.url,
      boss,
      logger,
      hostId,
      version: HEATERS_VERSION,
      pools: { io: cfg.python.io, cpu: cfg.python.cpu, stageConcurrency: cfg.stageConcurrency },
      heartbeatMs: cfg.host.heartbeatMs,
      staleMs: cfg.host.staleMs,
      forgetMs: cfg.host.forgetMs,
      fallbackJob: (stage, videoId) => fallbackJob(cfg.workDir, stage, videoId),
    });
    cleanup.unshift(() => host.stop());
    void ytDlp.then((info) =>
      info ? setHostDetails(database.pool, hostId, { ytDlp: info.version, ytDlpAgeDays: info.ageDays }).catch(() => undefined) : undefined,
    );
    const workers = await registerWorkers(deps);
    const exportWorkers = await registerExportWorkers(deps, cfg.stageConcurrency);
    host.startLiveness();
    // One listener for health, readiness, metrics and review; refuses a non-loopback bind without a token.
    const http = cfg.http.port === 0 ? undefined : await startHttp(deps, cfg.http);
    if (http) cleanup.unshift(() => http.close());
    logger.info({ ms: Date.now() - t0, host: hostId, resumed: host.resumed, store: store.kind, db: cfg.database.kind, ffmpeg: bins.source }, 'daemon ready');

    let stopping: Promise<void> | undefined;
    return {
      deps,
      hostId,
      database,
      http,
      stop: () =>
        (stopping ??= (async () => {
          logger.info({ graceMs: cfg.shutdownGraceMs }, 'shutting down: no new jobs, finishing in-flight ones');
          await http?.close();
          // pg-boss stops fetching, waits for active jobs up to the grace period, then aborts their
          // signals: an aborted stage hands its job back to the queue (see pipeline/stage.ts).
          await boss.stop({ graceful: true, close: true, timeout: cfg.shutdownGraceMs });
          await Promise.all([workers.idle(), exportWorkers.idle()]);
          await cancels.stop();
          await siteSlots.stop();
          await host.stop();
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
