// Hosts: every daemon is a host with a stable id and a liveness row in Postgres (heaters.hosts).
// startHost() registers the row, takes the host-id lock, and resumes this host's own in-flight
// videos at once (a daemon that starts knows any video still placed on it was interrupted). Then a
// timer refreshes the heartbeat every few seconds and, on each tick, takes over the videos of hosts
// whose heartbeat is older than the staleness limit (adopt.ts). A host only judges others while its
// own heartbeats have been landing for at least that long: after a database outage every heartbeat
// is old, and a host that was itself cut off must not take over live hosts' work.
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { deleteHost, heartbeatHost, listDeadHostsWithWork, listForgettableHosts, listHosts, markHostStopped, registerHost } from '../db/index.ts';
import { HOST_STAGES, hostQueue } from '../queue/names.ts';
import type { HostRow } from '../db/index.ts';
import type { Logger } from '../log/index.ts';
import { adoptAll, type AdoptDeps } from './adopt.ts';
import { HostLock } from './lock.ts';

export { resolveHostId, HOST_ID_FILE } from './identity.ts';
export { HostIdInUseError } from './lock.ts';
export { adoptVideo, adoptAll, type AdoptReason } from './adopt.ts';

export interface HostOptions {
  db: pg.Pool;
  dbUrl: string;
  boss: PgBoss;
  logger: Logger;
  hostId: string;
  version: string;
  pools: unknown;
  heartbeatMs: number;
  staleMs: number;
  /** A dead host with nothing in flight is forgotten (row and queues deleted) after this long. */
  forgetMs: number;
  fallbackJob: AdoptDeps['fallbackJob'];
}

export interface Host {
  readonly id: string;
  /** Videos resumed at start (this host's own, interrupted). */
  readonly resumed: number;
  /** Start the heartbeat and the take-over of dead hosts' videos. */
  startLiveness(): void;
  /** Ages of every host's heartbeat, for metrics and status. */
  list(): Promise<HostRow[]>;
  stop(): Promise<void>;
}

export async function startHost(o: HostOptions): Promise<Host> {
  const log = o.logger.child({ component: 'host', host: o.hostId });
  const lock = await HostLock.acquire(o.dbUrl, o.hostId, log);
  const adopt: AdoptDeps = { db: o.db, boss: o.boss, logger: log, hostId: o.hostId, fallbackJob: o.fallbackJob };
  let resumed = 0;
  try {
    const { previous } = await registerHost(o.db, { id: o.hostId, version: o.version, pools: o.pools });
    resumed = await adoptAll(adopt, o.hostId, 'restart');
    log.info(
      { resumed, previous: previous ? { stoppedCleanly: !!previous.stoppedAt, heartbeatAgeS: Math.round(previous.ageSeconds) } : null },
      'host registered',
    );
  } catch (err) {
    await lock.close();
    throw err;
  }

  let timer: NodeJS.Timeout | undefined;
  let healthySince: number | undefined;
  let ticking: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      await heartbeatHost(o.db, o.hostId);
      healthySince ??= Date.now();
    } catch (err) {
      healthySince = undefined;
      log.warn({ err: (err as Error).message }, 'heartbeat failed');
      return;
    }
    if (Date.now() - healthySince < o.staleMs) return;
    try {
      for (const dead of await listDeadHostsWithWork(o.db, o.hostId, o.staleMs)) {
        const n = await adoptAll(adopt, dead.id, 'takeover');
        if (n) log.warn({ deadHost: dead.id, heartbeatAgeS: Math.round(dead.ageSeconds), videos: n }, 'took over a dead host\'s videos');
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'take-over check failed');
    }
    // Hosts with fresh disks at every start (ephemeral workers) would otherwise leave a row and three
    // queues each forever. Only this host's own daemon ever sends to its queues, and adoption left
    // nothing open there, so deleting them loses no work.
    try {
      for (const gone of await listForgettableHosts(o.db, o.hostId, o.forgetMs)) {
        for (const stage of HOST_STAGES) await o.boss.deleteQueue(hostQueue(stage, gone)).catch(() => undefined);
        await deleteHost(o.db, gone);
        log.info({ forgotten: gone }, 'forgot a long-dead host: its row and queues are deleted');
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'forgetting dead hosts failed');
    }
  };

  return {
    id: o.hostId,
    resumed,
    startLiveness() {
      if (timer) return;
      timer = setInterval(() => {
        ticking = ticking.then(tick);
      }, o.heartbeatMs);
      timer.unref();
    },
    list: () => listHosts(o.db),
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking;
      await markHostStopped(o.db, o.hostId).catch((err: unknown) => log.warn({ err }, 'could not mark host stopped'));
      await lock.close();
    },
  };
}
