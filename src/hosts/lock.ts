// One live daemon per host id. The daemon holds a session-level advisory lock named after its id on
// a connection of its own for as long as it runs. A second daemon started with the same id (a copied
// work dir, a wrong HEATERS_HOST_ID) is refused instead of cancelling the first one's jobs; a killed
// daemon's session ends with its process (the kernel closes the socket), which frees the lock, so a
// restart right after kill -9 gets it within moments. After a database restart the lock is taken
// again on a new connection.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { HeatersError } from '../errors.ts';
import type { Logger } from '../log/index.ts';

export class HostIdInUseError extends HeatersError<'host_id_in_use'> {
  constructor(hostId: string) {
    super('host_id_in_use', `host id ${hostId} is held by another running daemon; give this one its own HEATERS_HOST_ID or work dir`, {
      retryable: false,
    });
  }
}

const KEY_SQL = `hashtextextended('heaters.host:' || $1, 0)`;

export class HostLock {
  private client: pg.Client | undefined;
  private closed = false;
  private readonly url: string;
  private readonly hostId: string;
  private readonly logger: Logger;

  private constructor(url: string, hostId: string, logger: Logger) {
    this.url = url;
    this.hostId = hostId;
    this.logger = logger;
  }

  /** Take the lock, waiting up to `waitMs` for a just-killed predecessor's session to end. */
  static async acquire(url: string, hostId: string, logger: Logger, waitMs = 10_000): Promise<HostLock> {
    const lock = new HostLock(url, hostId, logger);
    const t0 = Date.now();
    while (!(await lock.tryTake())) {
      if (Date.now() - t0 > waitMs) {
        await lock.close();
        throw new HostIdInUseError(hostId);
      }
      await delay(250);
    }
    return lock;
  }

  private async tryTake(): Promise<boolean> {
    await this.client?.end().catch(() => undefined);
    const client = new pg.Client({ connectionString: this.url, application_name: `heaters-host-lock:${this.hostId}` });
    client.on('error', (err) => {
      // The server went away (restart, failover): take the lock again once it is back.
      this.logger.warn({ err: err.message }, 'host lock connection lost');
      if (this.client === client) this.client = undefined;
      void this.retake();
    });
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY_SQL}) AS ok`, [this.hostId]);
    if (rows[0]?.ok && !this.closed) {
      this.client = client;
      return true;
    }
    await client.end().catch(() => undefined);
    return false;
  }

  private retaking = false;
  private async retake(): Promise<void> {
    if (this.retaking) return;
    this.retaking = true;
    try {
      for (let wait = 250; !this.closed; wait = Math.min(wait * 2, 5000)) {
        try {
          if (await this.tryTake()) {
            this.logger.info('host lock taken again');
            return;
          }
        } catch {
          // still down
        }
        await delay(wait);
      }
    } finally {
      this.retaking = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
