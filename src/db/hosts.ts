// The hosts table: one liveness row per daemon, and the placement of a video's chain on a host.
// Staleness is judged by the database clock (now()), never by a host's own, so clock skew between
// machines cannot make a live host look dead.
import type { Db } from './client.ts';
import type { VideoState } from './videos.ts';

export type HostRow = {
  id: string;
  /** What the host reports about itself (e.g. {ytDlp, ytDlpAgeDays}). */
  details: Record<string, unknown> | null;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  version: string | null;
  pools: unknown;
  /** Seconds since the last heartbeat, by the database clock. */
  ageSeconds: number;
};

type Row = {
  id: string;
  details: Record<string, unknown> | null;
  started_at: Date;
  heartbeat_at: Date;
  stopped_at: Date | null;
  version: string | null;
  pools: unknown;
  age_s: number;
};

const toHost = (r: Row): HostRow => ({
  id: r.id,
  details: r.details,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  stoppedAt: r.stopped_at,
  version: r.version,
  pools: r.pools,
  ageSeconds: Number(r.age_s),
});

const ACTIVE = `('downloading', 'preprocessing', 'detecting', 'finalizing')`;

const COLUMNS = `id, details, started_at, heartbeat_at, stopped_at, version, pools,
  EXTRACT(EPOCH FROM (now() - heartbeat_at))::float8 AS age_s`;

/** Register (or re-register after a restart) this host. Returns the row as it was before, if any. */
export async function registerHost(
  db: Db,
  host: { id: string; version: string; pools: unknown },
): Promise<{ previous: HostRow | undefined }> {
  const prev = await db.query<Row>(`SELECT ${COLUMNS} FROM heaters.hosts WHERE id = $1`, [host.id]);
  await db.query(
    `INSERT INTO heaters.hosts (id, version, pools) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET started_at = now(), heartbeat_at = now(), stopped_at = NULL,
       version = EXCLUDED.version, pools = EXCLUDED.pools`,
    [host.id, host.version, JSON.stringify(host.pools)],
  );
  return { previous: prev.rows[0] ? toHost(prev.rows[0]) : undefined };
}

/** Merge what the host knows about itself into its row (the yt-dlp its workers run, …). */
export async function setHostDetails(db: Db, id: string, details: Record<string, unknown>): Promise<void> {
  await db.query(`UPDATE heaters.hosts SET details = COALESCE(details, '{}'::jsonb) || $2::jsonb WHERE id = $1`, [id, JSON.stringify(details)]);
}

export async function getHost(db: Db, id: string): Promise<HostRow | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM heaters.hosts WHERE id = $1`, [id]);
  return rows[0] ? toHost(rows[0]) : undefined;
}

export async function heartbeatHost(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE heaters.hosts SET heartbeat_at = now(), stopped_at = NULL WHERE id = $1`, [id]);
}

export async function markHostStopped(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE heaters.hosts SET stopped_at = now() WHERE id = $1`, [id]);
}

export async function listHosts(db: Db): Promise<HostRow[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM heaters.hosts ORDER BY id`);
  return rows.map(toHost);
}

/** Hosts whose heartbeat is older than `staleMs` and that still hold videos in flight. */
export async function listDeadHostsWithWork(db: Db, selfId: string, staleMs: number): Promise<HostRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM heaters.hosts h
     WHERE h.id <> $1 AND h.heartbeat_at < now() - make_interval(secs => $2::float8 / 1000)
       AND EXISTS (SELECT 1 FROM heaters.videos v WHERE v.host_id = h.id AND v.state IN ${ACTIVE})`,
    [selfId, staleMs],
  );
  return rows.map(toHost);
}

/** Hosts silent for longer than `olderThanMs` with no video in flight placed on them. */
export async function listForgettableHosts(db: Db, selfId: string, olderThanMs: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT h.id FROM heaters.hosts h
     WHERE h.id <> $1 AND h.heartbeat_at < now() - make_interval(secs => $2::float8 / 1000)
       AND NOT EXISTS (SELECT 1 FROM heaters.videos v WHERE v.host_id = h.id AND v.state IN ${ACTIVE})`,
    [selfId, olderThanMs],
  );
  return rows.map((r) => r.id);
}

export async function deleteHost(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM heaters.hosts WHERE id = $1', [id]);
}

/** Videos in flight placed on `hostId`, oldest first. */
export async function listActiveVideosOn(db: Db, hostId: string): Promise<Array<{ id: string; state: VideoState }>> {
  const { rows } = await db.query<{ id: string; state: VideoState }>(
    `SELECT id, state FROM heaters.videos WHERE host_id = $1 AND state IN ${ACTIVE} ORDER BY created_at`,
    [hostId],
  );
  return rows;
}

/**
 * Lock a video for re-placement if it is still in flight on `fromHost` (FOR UPDATE, re-checked after a wait: two hosts
 * taking over one dead host's videos never both take the same one), and place it on `toHost`.
 */
export async function claimVideoPlacement(
  tx: Db,
  videoId: string,
  fromHost: string,
  toHost: string,
): Promise<{ state: VideoState } | undefined> {
  const { rows } = await tx.query<{ state: VideoState }>(
    `SELECT state FROM heaters.videos WHERE id = $1 AND host_id = $2 AND state IN ${ACTIVE} FOR UPDATE`,
    [videoId, fromHost],
  );
  if (!rows[0]) return undefined;
  await tx.query(`UPDATE heaters.videos SET host_id = $2 WHERE id = $1`, [videoId, toHost]);
  return rows[0];
}

/** Place a video on the host that runs its stage now (a download may run anywhere). */
export async function placeVideo(db: Db, videoId: string, hostId: string): Promise<void> {
  await db.query(`UPDATE heaters.videos SET host_id = $2 WHERE id = $1 AND host_id IS DISTINCT FROM $2`, [videoId, hostId]);
}
