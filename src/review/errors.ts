// Typed refusals of the review model. Each has a stable snake_case code, the HTTP status it maps to,
// and a message that says why (the CLI prints it and exits 2; the API returns it as JSON).
import { HeatersError } from '../errors.ts';

export const REVIEW_ERROR_STATUS = {
  video_not_found: 404,
  clip_not_found: 404,
  video_not_ready: 409,
  not_on_frame: 422,
  outside_video: 422,
  outside_clip: 422,
  too_short: 422,
  no_previous_clip: 422,
  already_grouped: 409,
  unchanged: 409,
  leased: 409,
  lease_lost: 409,
  conflict: 409,
  nothing_to_undo: 409,
  nothing_to_redo: 409,
} as const;
export type ReviewErrorCode = keyof typeof REVIEW_ERROR_STATUS;

export class ReviewError extends HeatersError<ReviewErrorCode> {
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(code: ReviewErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    // A refusal is final for the same request: asking again changes nothing.
    super(code, message, { retryable: false, cause: options?.cause });
    this.status = REVIEW_ERROR_STATUS[code];
    this.details = details;
  }
}
