// Public face of review: the model (claims, actions, undo/redo, history), its rules and refusals.
export { act, claimNext, clipView, history, listVideos, redo, releaseLease, renewLease, undo, videoClips } from './model.ts';
export type { ActInput, ChangeResult, ReviewClip, VideoClips } from './model.ts';
export { ACTIONS } from './db.ts';
export type { Action, EventAction, ReviewEvent, Snapshot, VideoForReview, VideoSummary } from './db.ts';
export { ReviewError, REVIEW_ERROR_STATUS } from './errors.ts';
export type { ReviewErrorCode } from './errors.ts';
export { checkSplit, DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS, MIN_CLIP_FRAMES } from './rules.ts';
