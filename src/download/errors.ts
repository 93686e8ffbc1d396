// Typed failures of the download stage. The codes are the ones the Python `download` and `resolve`
// ops raise (python/heaters_worker/fetch/remote_errors.py maps yt-dlp's failures to them); a video
// that fails here records one of them. Each code carries its retry policy: whether another attempt
// can help, so the stage retries only those.
import { HeatersError } from '../errors.ts';

export const DOWNLOAD_ERROR_POLICY = {
  unsupported_url: { retryable: false }, // scheme we do not fetch, or yt-dlp found no video at the URL
  not_found: { retryable: false }, // local path / file:// target missing
  forbidden_path: { retryable: false }, // local path outside the directories HEATERS_LOCAL_FILES allows
  forbidden_url: { retryable: false }, // URL (or a redirect) to a private, loopback or link-local address
  http_error: { retryable: false }, // 4xx/5xx from the server (message carries the status)
  network: { retryable: true }, // connection refused, DNS failure, reset
  too_large: { retryable: false }, // over max_bytes (announced size or bytes received)
  timeout: { retryable: false }, // over timeout_s overall, or a stalled socket
  not_a_video: { retryable: false }, // got bytes, but they are empty/HTML/text (ffprobe later may also say so)
  // The site's verdicts. A retry helps only against throttling: the rest need other access settings.
  bot_check: { retryable: false }, // "confirm you're not a bot": needs cookies or a PO token, not patience
  rate_limited: { retryable: true }, // 429, YouTube's throttling 403s and "try again later": backoff + site cooldown
  private: { retryable: false }, // private video: needs cookies of an account granted access
  members_only: { retryable: false }, // channel members only: needs a member's cookies
  age_restricted: { retryable: false }, // age gate: needs an age-verified account's cookies
  geo_blocked: { retryable: false }, // not available from this location: needs a proxy elsewhere
  removed: { retryable: false }, // removed, terminated, unavailable
  live: { retryable: false }, // a live stream: refused; send it again after it ends
  upcoming: { retryable: false }, // scheduled stream or premiere not started yet: send it again after it ends
  drm: { retryable: false }, // DRM protected: cannot be downloaded
  access_config: { retryable: false }, // the daemon's access settings are unusable (cookies file unreadable)
  download_failed: { retryable: true }, // anything else
} as const satisfies Record<string, { retryable: boolean }>;

export type DownloadErrorCode = keyof typeof DOWNLOAD_ERROR_POLICY;
export const DOWNLOAD_ERROR_CODES = Object.keys(DOWNLOAD_ERROR_POLICY) as DownloadErrorCode[];

export function isDownloadErrorCode(code: unknown): code is DownloadErrorCode {
  return typeof code === 'string' && Object.hasOwn(DOWNLOAD_ERROR_POLICY, code);
}

export class DownloadError extends HeatersError<DownloadErrorCode> {
  constructor(code: DownloadErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, { retryable: DOWNLOAD_ERROR_POLICY[code].retryable, cause: options?.cause });
  }
}
