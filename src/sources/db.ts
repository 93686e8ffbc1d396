// SQL of sources (playlists, channels, pages and their entries), of a video's identity and site, and
// of per-site state every daemon shares: the rate-limit cooldown and the last download start.
import type { Db } from '../db/index.ts';

export type SourceInput = {
  key: string;
  url: string;
  extractor: string | null;
  externalId: string | null;
  canonicalId: string | null;
  title: string | null;
};
export type EntryLink = { entryKey: string; position: number; videoId: string; url: string; title: string | null };

/** Create or refresh the source row and link its entries; returns the source id and how many entries are new. */
export async function recordSource(db: Db, s: SourceInput, entries: EntryLink[]): Promise<{ sourceId: string; added: number }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO heaters.sources (source_key, url, extractor, external_id, canonical_id, title)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source_key) DO UPDATE
       SET title = COALESCE(EXCLUDED.title, heaters.sources.title), resolved_at = now()
     RETURNING id`,
    [s.key, s.url, s.extractor, s.externalId, s.canonicalId, s.title],
  );
  const sourceId = rows[0]!.id;
  let added = 0;
  for (const e of entries) {
    const res = await db.query(
      `INSERT INTO heaters.source_entries (source_id, entry_key, position, video_id, url, title)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_id, entry_key) DO UPDATE SET position = EXCLUDED.position, video_id = EXCLUDED.video_id
       RETURNING (xmax = 0) AS inserted`,
      [sourceId, e.entryKey, e.position, e.videoId, e.url, e.title],
    );
    if ((res.rows[0] as { inserted: boolean }).inserted) added++;
  }
  await db.query(
    `UPDATE heaters.sources SET entry_count = (SELECT count(*) FROM heaters.source_entries WHERE source_id = $1) WHERE id = $1`,
    [sourceId],
  );
  return { sourceId, added };
}

export type SourceEntry = { position: number; videoId: string | null; url: string; title: string | null };

export async function listSourceEntries(db: Db, sourceId: string): Promise<SourceEntry[]> {
  const { rows } = await db.query<{ position: number; video_id: string | null; url: string; title: string | null }>(
    `SELECT position, video_id, url, title FROM heaters.source_entries WHERE source_id = $1 ORDER BY position, first_seen_at`,
    [sourceId],
  );
  return rows.map((r) => ({ position: r.position, videoId: r.video_id, url: r.url, title: r.title }));
}

export type VideoOrigin = { canonicalId: string | null; site: string | null; playlistItem: number | null };

export async function setVideoOrigin(db: Db, videoId: string, o: VideoOrigin): Promise<void> {
  await db.query(`UPDATE heaters.videos SET canonical_id = $2, site = $3, playlist_item = $4 WHERE id = $1`, [
    videoId,
    o.canonicalId,
    o.site,
    o.playlistItem,
  ]);
}

export async function getVideoOrigin(db: Db, videoId: string): Promise<VideoOrigin | undefined> {
  const { rows } = await db.query<{ canonical_id: string | null; site: string | null; playlist_item: number | null }>(
    `SELECT canonical_id, site, playlist_item FROM heaters.videos WHERE id = $1`,
    [videoId],
  );
  const r = rows[0];
  return r ? { canonicalId: r.canonical_id, site: r.site, playlistItem: r.playlist_item } : undefined;
}

/** After a rate_limited failure: no daemon starts a download on the site before `now + ms`. */
export async function startCooldown(db: Db, site: string, ms: number, reason: string): Promise<Date> {
  const { rows } = await db.query<{ cooldown_until: Date }>(
    `INSERT INTO heaters.sites (site, cooldown_until, cooldown_reason, rate_limited_total)
     VALUES ($1, now() + make_interval(secs => $2 / 1000.0), $3, 1)
     ON CONFLICT (site) DO UPDATE
       SET cooldown_until = GREATEST(heaters.sites.cooldown_until, EXCLUDED.cooldown_until),
           cooldown_reason = EXCLUDED.cooldown_reason,
           rate_limited_total = heaters.sites.rate_limited_total + 1
     RETURNING cooldown_until`,
    [site, ms, reason.slice(0, 500)],
  );
  return rows[0]!.cooldown_until;
}

/**
 * May a download on this site start now? Atomically: no cooldown in force and at least `intervalMs`
 * since the last start (then this start is recorded), else the time to try again.
 */
/** Why a download must wait for its site: the start gate's two answers, and the slots' (slots.ts). */
export type SiteWait = 'cooldown' | 'start spacing' | 'site full';

export async function claimSiteStart(db: Db, site: string, intervalMs: number): Promise<{ ok: true } | { ok: false; until: Date; wait: SiteWait; reason: string }> {
  await db.query(`INSERT INTO heaters.sites (site) VALUES ($1) ON CONFLICT (site) DO NOTHING`, [site]);
  const granted = await db.query(
    `UPDATE heaters.sites SET last_start_at = now()
     WHERE site = $1
       AND (cooldown_until IS NULL OR cooldown_until <= now())
       AND (last_start_at IS NULL OR last_start_at + make_interval(secs => $2 / 1000.0) <= now())
     RETURNING site`,
    [site, intervalMs],
  );
  if (granted.rowCount) return { ok: true };
  const { rows } = await db.query<{ cooldown_until: Date | null; next_start: Date | null; cooldown_reason: string | null; cooling: boolean }>(
    `SELECT cooldown_until, cooldown_reason, last_start_at + make_interval(secs => $2 / 1000.0) AS next_start,
            (cooldown_until IS NOT NULL AND cooldown_until > now()) AS cooling
     FROM heaters.sites WHERE site = $1`,
    [site, intervalMs],
  );
  const r = rows[0]!;
  if (r.cooling && r.cooldown_until) return { ok: false, until: r.cooldown_until, wait: 'cooldown', reason: `cooldown: ${r.cooldown_reason ?? 'rate limited'}` };
  return { ok: false, until: r.next_start ?? new Date(), wait: 'start spacing', reason: 'start spacing' };
}

export type SiteState = { site: string; cooldownUntil: Date | null; rateLimitedTotal: number; lastStartAt: Date | null };

export async function getSiteState(db: Db, site: string): Promise<SiteState | undefined> {
  const { rows } = await db.query<{ site: string; cooldown_until: Date | null; rate_limited_total: number; last_start_at: Date | null }>(
    `SELECT site, cooldown_until, rate_limited_total, last_start_at FROM heaters.sites WHERE site = $1`,
    [site],
  );
  const r = rows[0];
  return r ? { site: r.site, cooldownUntil: r.cooldown_until, rateLimitedTotal: r.rate_limited_total, lastStartAt: r.last_start_at } : undefined;
}
