// Per-site download slots that hold however the jobs were fetched. pg-boss's group concurrency
// (limits.ts) counts a site's active jobs inside each fetch, without a lock: two fetches at one moment
// (two download workers woken by one NOTIFY, two daemons polling) each see the other's job as not yet
// active and can both admit a job of a full site. So every admitted download also holds one of its
// site's N slots: session advisory locks (key: the site, slot 0..N-1) on one connection per daemon.
// A download that finds every slot taken is deferred (pipeline/download.ts). A killed daemon's session
// ends with its process, which frees its slots; a lost connection frees them too (logged), and the
// next take opens a new one.
import pg from 'pg';
import type { Logger } from '../log/index.ts';

/** An admitted download's slot; release it when the download ends. */
export interface SiteSlot {
  readonly site: string;
  readonly index: number;
  release(): Promise<void>;
}

export type SlotAnswer =
  | { ok: true; slot: SiteSlot }
  /** Every slot of the site is held by a running download (here or on another daemon). */
  | { ok: false; wait: 'site full'; reason: 'site full' }
  /** The slot connection could not be opened: pg-boss's group limit is the only guard. */
  | { ok: true; slot: undefined; unguarded: string };

const KEY_SQL = `hashtext('heaters.site:' || $1)`;

export class SiteSlots {
  private client: pg.Client | undefined;
  private opening: Promise<pg.Client> | undefined;
  private stopped = false;
  /** Slots this process holds (a session's advisory locks are re-entrant, so its own must be skipped here). */
  private readonly held = new Set<string>();
  private readonly url: string;
  private readonly hostId: string;
  private readonly log: Logger;

  constructor(url: string, hostId: string, logger: Logger) {
    this.url = url;
    this.hostId = hostId;
    this.log = logger.child({ component: 'site-slots' });
  }

  /** Take a free slot of `site`, one of `limit`. */
  async take(site: string, limit: number): Promise<SlotAnswer> {
    let client: pg.Client;
    try {
      client = await this.connection();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.log.warn({ site, err: why }, 'site slot connection unavailable: only the queue limits this download');
      return { ok: true, slot: undefined, unguarded: why };
    }
    for (let index = 0; index < limit; index++) {
      const key = `${site}\u0000${index}`;
      if (this.held.has(key)) continue;
      // Reserved before the await, so a concurrent take in this process tries the next slot.
      this.held.add(key);
      let got: boolean;
      try {
        const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY_SQL}, $2) AS ok`, [site, index]);
        got = rows[0]?.ok === true;
      } catch (err) {
        this.held.delete(key);
        const why = err instanceof Error ? err.message : String(err);
        this.log.warn({ site, err: why }, 'site slot connection lost while taking a slot: only the queue limits this download');
        return { ok: true, slot: undefined, unguarded: why };
      }
      if (got) return { ok: true, slot: this.slot(client, site, index, key) };
      this.held.delete(key);
    }
    return { ok: false, wait: 'site full', reason: 'site full' };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = undefined;
    this.held.clear();
    await c?.end().catch(() => undefined);
  }

  private slot(client: pg.Client, site: string, index: number, key: string): SiteSlot {
    let released = false;
    return {
      site,
      index,
      release: async () => {
        if (released) return;
        released = true;
        // After a lost connection the lock is gone with its session, and `key` may already be
        // another download's on the new one: only the session that took it unlocks it.
        if (this.client !== client) return;
        try {
          await client.query(`SELECT pg_advisory_unlock(${KEY_SQL}, $2)`, [site, index]);
        } catch (err) {
          this.log.warn({ site, err: err instanceof Error ? err.message : String(err) }, 'site slot release failed');
        } finally {
          if (this.client === client) this.held.delete(key);
        }
      },
    };
  }

  private connection(): Promise<pg.Client> {
    if (this.stopped) return Promise.reject(new Error('site slots stopped'));
    if (this.client) return Promise.resolve(this.client);
    return (this.opening ??= this.open().finally(() => (this.opening = undefined)));
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: `heaters-site-slots:${this.hostId}` });
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      // Its locks ended with the session: every slot this process held is free on the server now.
      this.client = undefined;
      const held = this.held.size;
      this.held.clear();
      if (!this.stopped) this.log.warn({ err, held }, 'site slot connection lost: its slots are free; the next download opens a new one');
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    if (this.stopped) {
      await client.end().catch(() => undefined);
      throw new Error('site slots stopped');
    }
    this.client = client;
    return client;
  }
}
