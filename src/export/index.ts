// Public face of the export room: clips out as files (copy | exact | master, on pg-boss) and as
// edit lists (EDL, FCPXML, OTIO, CSV, JSON).
export { ExportError, isExportError, type ExportErrorCode } from './errors.ts';
export { cutClip, EXPORT_MODES, EXTENSION, type CutMethod, type CutRequest, type CutResult, type ExportMode } from './cut.ts';
export { verifyCut, MIN_FIRST_FRAME_PSNR_DB, type IntegrityReport } from './integrity.ts';
export { frameIndex, frameHashes, type FrameIndex } from './frames.ts';
export { getExport, listExports, exportKeyOf, type ExportRow, type ExportState } from './db.ts';
export type { ExportDeps } from './deps.ts';
export { ExportJob } from './job.ts';
export { requestClipExport, requestGroupExport, requestVideoExport, waitExports, parseMode } from './request.ts';
export { registerExportWorkers, runExportJob, exportObjectKey, type ExportOutput } from './stage.ts';
export { hydrateMaster, needsRestore, restoreState, ARCHIVE_CLASSES } from './master.ts';
export { loadTimeline, renderTimeline, TIMELINE_FORMATS, TIMELINE_CONTENT_TYPES, type TimelineFormat } from './timeline.ts';
export { framesToTimecode, timecodeToFrames, timecodeRate, rationalSeconds, type TimecodeRate } from './timecode.ts';
export type { Timeline, TimelineClip } from './model.ts';
export { exportRoutes, ExportOut } from './http.ts';
