export { DOWNLOAD_ERROR_CODES, DownloadError, isDownloadErrorCode } from './errors.ts';
export type { DownloadErrorCode } from './errors.ts';
export { DownloadArgs, DownloadProgress, DownloadResult } from './schema.ts';
export { runDownload, toDownloadError } from './run.ts';
export type { DownloadPool, RunDownloadOptions } from './run.ts';
