export { DOWNLOAD_ERROR_CODES, DOWNLOAD_ERROR_POLICY, DownloadError, isDownloadErrorCode } from './errors.ts';
export type { DownloadErrorCode } from './errors.ts';
export { AccessArgs, DownloadArgs, DownloadProgress, DownloadResult, ResolveArgs, ResolveResult, ResolvedEntry } from './schema.ts';
export { runDownload, toDownloadError } from './run.ts';
export type { DownloadPool, RunDownloadOptions } from './run.ts';
export { runResolve } from './resolve.ts';
