// Per-site limits that hold across every daemon: concurrency through pg-boss groups (a download job
// is sent with group = its site; the download queue's workers set groupConcurrency, which pg-boss
// enforces in the database) and, where two fetches race past that, the site's slots (slots.ts);
// start spacing and rate-limit cooldowns through heaters.sites.
import type { Config } from '../config.ts';

/** Send options for a download job of a video on `site`. */
export function downloadGroup(cfg: Config, site: string | null | undefined): { group?: { id: string; tier?: string } } {
  if (!site) return {};
  return { group: { id: site, ...(cfg.sites.overrides[site] ? { tier: site } : {}) } };
}

/**
 * Work options of the download queue: the per-site concurrency (overrides as pg-boss tiers), and a
 * short backstop poll. Delayed jobs (a retry's backoff, a download deferred to the end of its site's
 * cooldown) raise no NOTIFY when they come due; with the default 30 s poll they would start up to
 * 30 s late. An idle download worker's poll is one indexed query.
 */
export function downloadWorkOptions(cfg: Config): {
  groupConcurrency: { default: number; tiers?: Record<string, number> };
  notifyPollingIntervalSeconds: number;
} {
  const tiers = Object.fromEntries(Object.entries(cfg.sites.overrides).map(([site, l]) => [site, l.concurrency]));
  return {
    groupConcurrency: { default: cfg.sites.concurrency, ...(Object.keys(tiers).length ? { tiers } : {}) },
    notifyPollingIntervalSeconds: 2,
  };
}

/** Concurrent downloads allowed on the site, across all daemons. */
export function siteConcurrency(cfg: Config, site: string): number {
  return cfg.sites.overrides[site]?.concurrency ?? cfg.sites.concurrency;
}

/** Least time between two download starts on the site. */
export function siteIntervalMs(cfg: Config, site: string): number {
  return cfg.sites.overrides[site]?.intervalMs ?? cfg.sites.intervalMs;
}
