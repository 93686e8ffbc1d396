// What one ingest command becomes: one video, or one video per entry of a playlist, channel or page,
// each with its idempotency key (canonical id where the extractor has one, else the URL) and site.
// Resolving is best effort: when it fails (unreachable, not a page yt-dlp knows, a bot check...), the
// URL becomes one video keyed by URL and the download stage records the typed failure on it.
import type { Config } from '../config.ts';
import { idempotencyKeyFor } from '../db/index.ts';
import { DownloadError, runResolve } from '../download/index.ts';
import type { DownloadPool, ResolveResult } from '../download/index.ts';
import type { Logger } from '../log/index.ts';
import { canonicalKey, entryKey, sourceKey } from './identity.ts';
import { siteOf } from './site.ts';

export type PlannedVideo = {
  url: string;
  key: string;
  canonicalId: string | null;
  site: string | null;
  playlistItem: number | null;
  title: string | null;
};

export type PlannedSource = {
  key: string;
  url: string;
  extractor: string | null;
  externalId: string | null;
  canonicalId: string | null;
  title: string | null;
};

export type IngestPlan = {
  videos: PlannedVideo[];
  /** Set when the URL was a playlist, channel or page with entries. */
  source?: PlannedSource;
  /** Why the URL was not resolved (a typed code), when it was not. */
  unresolved?: string;
};

export type PlanInput = {
  url: string;
  master: boolean;
  playlist?: 'all' | 'first' | number | undefined;
  idempotencyKey?: string | undefined;
  extractorArgs?: Record<string, Record<string, string[]>> | undefined;
};

// Direct media files and manifests: the generic extractor's answer is known (one video, no identity).
const DIRECT = /\.(?:mp4|m4v|m4a|mov|webm|mkv|avi|flv|ts|mts|m2ts|ogv|ogg|mp3|wav|mpd|m3u8|f4m|ism)$/i;

function needsResolve(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false; // absolute paths, junk: the download op types them
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return !DIRECT.test(u.pathname);
}

/** The op's access arguments from the daemon's settings and the ingest's extractor args. */
export function accessArgs(cfg: Config, extractorArgs?: Record<string, Record<string, string[]>>) {
  const merged: Record<string, Record<string, string[]>> = structuredClone(cfg.access.extractorArgs);
  for (const [ie, args] of Object.entries(extractorArgs ?? {})) Object.assign((merged[ie.toLowerCase()] ??= {}), args);
  return {
    ...(cfg.access.cookiesFile ? { cookies_file: cfg.access.cookiesFile } : {}),
    ...(cfg.access.proxy ? { proxy: cfg.access.proxy } : {}),
    ...(Object.keys(merged).length ? { extractor_args: merged } : {}),
  };
}

export function entryLimit(playlist: PlanInput['playlist'], cap: number): number {
  if (playlist === 'first') return 1;
  if (typeof playlist === 'number') return Math.min(playlist, cap);
  return cap;
}

export async function planIngest(
  deps: { cfg: Config; ioPool: DownloadPool; logger: Logger },
  input: PlanInput,
  opts: {
    onUnresolved?: (err: DownloadError, site: string | undefined) => Promise<void>;
    /** True while the site is cooling down after a rate limit: then nobody asks it anything. */
    isCooling?: (site: string) => Promise<boolean>;
  } = {},
): Promise<IngestPlan> {
  const { cfg } = deps;
  const site = siteOf(input.url) ?? null;
  const single = (r?: ResolveResult, unresolved?: string): IngestPlan => {
    const canonicalId = r?.canonical ?? null;
    const key = input.idempotencyKey ?? (canonicalId ? canonicalKey(canonicalId, input.master) : idempotencyKeyFor(input.url, { master: input.master }));
    return { videos: [{ url: input.url, key, canonicalId, site, playlistItem: null, title: r?.title ?? null }], ...(unresolved ? { unresolved } : {}) };
  };
  if (!needsResolve(input.url)) return single();
  // During a cooldown the URL is not resolved (that is a request to the site too): it becomes one
  // video keyed by URL, whose download waits for the cooldown's end.
  if (site && (await opts.isCooling?.(site))) return single(undefined, 'rate_limited');
  let r: ResolveResult;
  try {
    r = await runResolve(deps.ioPool, {
      url: input.url,
      timeout_s: Math.min(120, Math.ceil(cfg.download.timeoutMs / 1000)),
      max_entries: entryLimit(input.playlist, cfg.playlistMax),
      allow_private: cfg.download.allowPrivate,
      ...accessArgs(cfg, input.extractorArgs),
    });
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err; // the pool itself failed: let the ingest job retry
    deps.logger.info({ code: err.code, site }, 'ingest: URL not resolved; one video keyed by URL');
    await opts.onUnresolved?.(err, site ?? undefined);
    return single(undefined, err.code);
  }
  if (r.kind !== 'playlist' || r.entries.length === 0) return single(r);
  const entries = r.entries.slice(0, entryLimit(input.playlist, cfg.playlistMax));
  return {
    source: {
      key: sourceKey({ url: input.url, canonical: r.canonical ?? null }),
      url: input.url,
      extractor: r.extractor ?? null,
      externalId: r.id ?? null,
      canonicalId: r.canonical ?? null,
      title: r.title ?? null,
    },
    videos: entries.map((e) => {
      const playlistItem = e.playlist_item ?? null;
      return {
        url: e.url,
        key: entryKey({ url: e.url, canonical: e.canonical ?? null, playlistItem }, input.master),
        canonicalId: e.canonical ?? null,
        site: siteOf(e.url) ?? site,
        playlistItem,
        title: e.title ?? null,
      };
    }),
  };
}
