// Typed failures of the download stage. The codes are the ones the Python `download` op raises
// (python/heaters_worker/ops/download.py); a video that fails here records one of them.

export const DOWNLOAD_ERROR_CODES = [
  'unsupported_url', // scheme we do not fetch, or yt-dlp found no video at the URL
  'not_found', // local path / file:// target missing
  'forbidden_path', // local path outside the directories HEATERS_LOCAL_FILES allows
  'forbidden_url', // URL (or a redirect) to a private, loopback or link-local address
  'http_error', // 4xx/5xx from the server (message carries the status)
  'network', // connection refused, DNS failure, reset
  'too_large', // over max_bytes (announced size or bytes received)
  'timeout', // over timeout_s overall, or a stalled socket
  'not_a_video', // got bytes, but they are empty/HTML/text (ffprobe later may also say so)
  'download_failed', // anything else
] as const;

export type DownloadErrorCode = (typeof DOWNLOAD_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(DOWNLOAD_ERROR_CODES);

export function isDownloadErrorCode(code: unknown): code is DownloadErrorCode {
  return typeof code === 'string' && CODES.has(code);
}

export class DownloadError extends Error {
  code: DownloadErrorCode;
  constructor(code: DownloadErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DownloadError';
    this.code = code;
  }
}
