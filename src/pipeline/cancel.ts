// Cancelling a video while it runs. `heaters cancel <id>` (any host) marks the video `cancelled` and,
// in the same transaction, NOTIFYs CANCEL_CHANNEL with the video id. Every daemon LISTENs on that
// channel on a connection of its own; the one running a stage of that video aborts the stage's signal,
// which stops ffmpeg (execa kills it) and the Python task (the worker is evicted and killed). The
// stage then records the run as `cancelled` and completes its job: no retry, no dead letter
// (pipeline/stage.ts). A stage that has not started yet sees the state and skips.
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { cancelVideo, getVideo, withTransaction } from '../db/index.ts';
import type { Video } from '../db/index.ts';
import { HeatersError } from '../errors.ts';
import type { Logger } from '../log/index.ts';
import { HOST_STAGES, QUEUES, hostQueue } from '../queue/names.ts';
import { inTx } from '../queue/tx.ts';

export const CANCEL_CHANNEL = 'heaters_cancel';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The reason a cancelled stage's signal carries. */
export class VideoCancelledError extends HeatersError<'cancelled'> {
  constructor(videoId: string) {
    super('cancelled', `video ${videoId} was cancelled by an operator`, { retryable: false });
  }
}

/**
 * Cancel a video (client side). Idempotent: cancelling a cancelled video notifies again (a daemon that
 * missed the first notification aborts now); a ready or failed video is left as it is. The video's
 * waiting chain jobs are cancelled in the same transaction, so none is left to start after a later
 * `retry` sends the video's new first job.
 */
export async function requestCancel(deps: { db: pg.Pool; boss: PgBoss }, videoId: string): Promise<{ video: Video; cancelled: boolean; jobsCancelled: number }> {
  const before = await getVideo(deps.db, videoId);
  // Only queues that exist (a host that never ran a stage has none of its own).
  const queues: string[] = [];
  for (const name of chainQueues(before?.hostId ?? null)) if (await deps.boss.getQueue(name)) queues.push(name);
  return withTransaction(deps.db, async (client) => {
    const res = await cancelVideo(client, videoId);
    let jobsCancelled = 0;
    if (res.video.state === 'cancelled') {
      const db = inTx(client);
      for (const queue of queues) {
        // Waiting jobs only: a running one is stopped by its daemon (below) and completes itself.
        const jobs = await deps.boss.findJobs(queue, { data: { videoId }, queued: true, db });
        if (jobs.length) await deps.boss.cancel(queue, jobs.map((j) => j.id), { db });
        jobsCancelled += jobs.length;
      }
      // Delivered at commit, to every listening daemon.
      await client.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, videoId]);
    }
    return { ...res, jobsCancelled };
  });
}

/** Every queue a video's chain job can wait in: the download queue, and each later stage's shared
 * queue and its queue on the host the video is placed on. */
function chainQueues(hostId: string | null): string[] {
  return [QUEUES.download, ...HOST_STAGES.flatMap((s) => [QUEUES[s], ...(hostId ? [hostQueue(s, hostId)] : [])])];
}

export interface CancelWatch {
  /** Aborted (reason: VideoCancelledError) when the video is cancelled. */
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * The daemon side: one LISTEN connection, and the AbortControllers of the stages running here, by
 * video id. The connection is re-opened after an error; then the watched videos' states are read
 * once, so a cancel sent while it was down is not lost.
 */
export class CancelListener {
  private readonly watched = new Map<string, Set<AbortController>>();
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly url: string;
  private readonly db: pg.Pool;
  private readonly log: Logger;

  private constructor(url: string, db: pg.Pool, logger: Logger) {
    this.url = url;
    this.db = db;
    this.log = logger.child({ component: 'cancel' });
  }

  static async start(url: string, db: pg.Pool, logger: Logger): Promise<CancelListener> {
    const l = new CancelListener(url, db, logger);
    await l.connect();
    return l;
  }

  watch(videoId: string): CancelWatch {
    const ctl = new AbortController();
    let set = this.watched.get(videoId);
    if (!set) this.watched.set(videoId, (set = new Set()));
    set.add(ctl);
    return {
      signal: ctl.signal,
      release: () => {
        set.delete(ctl);
        if (set.size === 0 && this.watched.get(videoId) === set) this.watched.delete(videoId);
      },
    };
  }

  /** Abort every stage of this video running here. Returns how many were aborted. */
  abort(videoId: string): number {
    const set = this.watched.get(videoId);
    if (!set) return 0;
    for (const ctl of set) ctl.abort(new VideoCancelledError(videoId));
    this.log.warn({ videoId, stages: set.size }, 'video cancelled: running stage aborted');
    return set.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'heaters-cancel' });
    const lost = (err?: unknown) => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.log.warn({ err }, 'cancel listener lost its connection; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => {
      if (n.channel === CANCEL_CHANNEL && n.payload && UUID.test(n.payload)) this.abort(n.payload);
    });
    await client.connect();
    await client.query(`LISTEN ${CANCEL_CHANNEL}`);
    if (this.stopped) {
      // stop() ran while this reconnect was under way: it had no client to end, so end this one.
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private scheduleReconnect(): void {
    this.retryTimer = setTimeout(() => {
      this.connect()
        .then(() => this.catchUp())
        .catch((err: unknown) => {
          this.log.warn({ err }, 'cancel listener reconnect failed');
          if (!this.stopped) this.scheduleReconnect();
        });
    }, 1000);
    this.retryTimer.unref();
  }

  /** After a reconnect: abort the watched videos that were cancelled meanwhile. */
  private async catchUp(): Promise<void> {
    const ids = [...this.watched.keys()];
    if (ids.length === 0) return;
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM heaters.videos WHERE id = ANY($1::uuid[]) AND state = 'cancelled'`,
      [ids],
    );
    for (const r of rows) this.abort(r.id);
  }
}
