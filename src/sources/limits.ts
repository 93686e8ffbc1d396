// Per-site limits that hold across every daemon: concurrency through pg-boss groups (a download job
// is sent with group = its site; the download queue's workers set groupConcurrency, which pg-boss
// enforces in the database), start spacing and rate-limit cooldowns through heaters.sites.
import type { Config } from '../config.ts';

/** Send options for a download job of a video on `site`. */
export function downloadGroup(cfg: Config, site: string | null | undefined): { group?: { id: string; tier?: string } } {
  if (!site) return {};
  return { group: { id: site, ...(cfg.sites.overrides[site] ? { tier: site } : {}) } };
}

/** Work options of the download queue: the per-site concurrency (overrides as pg-boss tiers). */
export function downloadGroupConcurrency(cfg: Config): { groupConcurrency: { default: number; tiers?: Record<string, number> } } {
  const tiers = Object.fromEntries(Object.entries(cfg.sites.overrides).map(([site, l]) => [site, l.concurrency]));
  return { groupConcurrency: { default: cfg.sites.concurrency, ...(Object.keys(tiers).length ? { tiers } : {}) } };
}

/** Least time between two download starts on the site. */
export function siteIntervalMs(cfg: Config, site: string): number {
  return cfg.sites.overrides[site]?.intervalMs ?? cfg.sites.intervalMs;
}
