// The public job contract: what a client sends to `heaters.ingest`. schema/ingest-job.schema.json
// is generated from this (scripts/gen-schema.ts).
//
// `url` decision: any non-empty string up to 8 KiB is a valid job here. The download op classifies
// it (python/heaters_worker/fetch/urls.py): http(s) URLs, file:// URLs and absolute paths are
// supported; any other value fails there with the typed code unsupported_url, recorded on a video
// row where the client can see it, rather than vanishing as an invalid job in the dead-letter queue.
import { z } from 'zod';
import { idempotencyKeyFor } from '../db/idempotency.ts';
import { DetectParams } from '../scenes/schema.ts';

export const IngestOptions = z
  .object({
    master: z
      .boolean()
      .optional()
      .describe('Also produce a lossless FFV1 master (part of the idempotency key).'),
    idempotencyKey: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "Overrides the derived key (the extractor's canonical id where it has one, else the normalized URL; with master). Applies to a single video, not to a playlist's entries.",
      ),
    detect: DetectParams.optional().describe('Scene-detector parameters overriding its defaults (unknown names are rejected).'),
    playlist: z
      .union([z.enum(['all', 'first']), z.number().int().positive()])
      .optional()
      .describe(
        "A playlist, channel or page with several videos: 'all' (default) fans out into one video per entry, capped by HEATERS_PLAYLIST_MAX; 'first' only the first entry; a number the first N.",
      ),
    extractorArgs: z
      .record(z.string().regex(/^[A-Za-z0-9_]+$/), z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), z.array(z.string().max(2000)).max(20)))
      .optional()
      .describe("yt-dlp extractor arguments for this ingest, merged over the daemon's HEATERS_EXTRACTOR_ARGS: { youtube: { player_client: ['web'] } }."),
  })
  .strict();

export const IngestJob = z
  .object({
    url: z
      .string()
      .min(1)
      .max(8192)
      .describe('http(s) URL, file:// URL or absolute path; anything else fails on the video with error code unsupported_url.'),
    options: IngestOptions.optional(),
  })
  .strict()
  .meta({
    title: 'Heaters ingest job',
    description: "Data of a job on the 'heaters.ingest' pg-boss queue.",
  });

export type IngestJob = z.infer<typeof IngestJob>;
export type IngestOptions = z.infer<typeof IngestOptions>;

/** The job's idempotency key: the explicit override, else derived from URL + master. */
export function ingestKeyOf(job: IngestJob): string {
  return job.options?.idempotencyKey ?? idempotencyKeyFor(job.url, job.options);
}
