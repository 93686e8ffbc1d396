// Sources and identity on the real web: what an ingest URL fans out into (plan), the keys that make
// different URLs of one video one video (identity), the site of a URL and the per-site limits and
// cooldowns that every daemon observes (site, limits, slots, db).
export { siteOf } from './site.ts';
export { canonicalKey, entryKey, sourceKey } from './identity.ts';
export { accessArgs, entryLimit, planIngest } from './plan.ts';
export type { IngestPlan, PlanInput, PlannedSource, PlannedVideo } from './plan.ts';
export { downloadGroup, downloadWorkOptions, siteConcurrency, siteIntervalMs } from './limits.ts';
export { SiteSlots } from './slots.ts';
export type { SiteSlot, SlotAnswer } from './slots.ts';
export {
  claimSiteStart,
  getSiteState,
  getVideoOrigin,
  listSourceEntries,
  recordSource,
  setVideoOrigin,
  startCooldown,
} from './db.ts';
export type { EntryLink, SiteState, SiteWait, SourceEntry, SourceInput, VideoOrigin } from './db.ts';
