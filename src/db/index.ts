// Public face of the database module: import from here.
export { createDb, endPool, withTransaction, DbError } from './client.ts';
export type { Db, DbErrorCode } from './client.ts';
export { migrate, loadMigrations, MigrationError } from './migrate.ts';
export type { Migration, MigrateResult } from './migrate.ts';
export { startEmbeddedPostgres, embeddedUrl, EmbeddedPostgresError } from './embedded/index.ts';
export type { EmbeddedPostgres, EmbeddedPostgresErrorCode, StartEmbeddedPostgresOptions } from './embedded/index.ts';
export { idempotencyKeyFor, normalizeSourceUrl } from './idempotency.ts';
export {
  VIDEO_STATES,
  SETTLED_STATES,
  MAX_ERROR_MESSAGE_CHARS,
  listVideos,
  cancelVideo,
  reopenVideo,
  createOrGetVideo,
  getVideo,
  setState,
  setProgress,
  setProbe,
  setKeyframes,
  failVideo,
  markReady,
  reopenForDetect,
  storableErrorMessage,
} from './videos.ts';
export type { ActiveVideoState, CreateVideoInput, Video, VideoProgress, VideoState } from './videos.ts';
export { replaceClips, listClips, mergeDetected, isKept, toClip, REVIEW_STATES } from './clips.ts';
export type { Clip, ClipInput, ClipOrigin, ClipRow, Detector, ReviewState } from './clips.ts';
export { upsertArtefact, listArtefacts } from './artefacts.ts';
export type { Artefact, ArtefactInput, ArtefactKind } from './artefacts.ts';
export { recordStageRun, listStageRuns, startStageRun, finishStageRun, closeInterruptedRuns } from './stage-runs.ts';
export type { StageRun, StageRunInput, StoreOps } from './stage-runs.ts';
export { retryOnBlip, isDbBlip } from './retry.ts';
export type { RetryOnBlipOptions } from './retry.ts';
export {
  registerHost,
  heartbeatHost,
  markHostStopped,
  setHostDetails,
  getHost,
  listHosts,
  listDeadHostsWithWork,
  listForgettableHosts,
  deleteHost,
  listActiveVideosOn,
  claimVideoPlacement,
  placeVideo,
} from './hosts.ts';
export type { HostRow } from './hosts.ts';
