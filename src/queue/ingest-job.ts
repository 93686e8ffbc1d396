// The public job contract: what a client sends to `heaters.ingest`. schema/ingest-job.schema.json
// is generated from this (scripts/gen-schema.ts).
//
// `url` decision: any non-empty string up to 8 KiB is a valid job here. The download stage
// classifies it (classifySource): http(s) URLs, file:// URLs and absolute paths are supported; any
// other value fails there with the typed code UNSUPPORTED_SOURCE, recorded on a video row where the
// client can see it, rather than vanishing as an invalid job in the dead-letter queue.
import { z } from 'zod';
import { idempotencyKeyFor } from '../db/idempotency.ts';

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
      .describe('Overrides the derived key (sha256 of the normalized URL and master).'),
    detect: z
      .record(z.string().min(1).max(64), z.union([z.number(), z.boolean()]))
      .optional()
      .describe('Scene-detector parameters, name to number or boolean.'),
  })
  .strict();

export const IngestJob = z
  .object({
    url: z
      .string()
      .min(1)
      .max(8192)
      .describe('http(s) URL, file:// URL or absolute path; anything else fails later as UNSUPPORTED_SOURCE.'),
    options: IngestOptions.optional(),
  })
  .strict()
  .meta({
    title: 'Heaters ingest job',
    description: "Data of a job on the 'heaters.ingest' pg-boss queue.",
  });

export type IngestJob = z.infer<typeof IngestJob>;
export type IngestOptions = z.infer<typeof IngestOptions>;

export type SourceKind =
  | { kind: 'http'; url: string }
  | { kind: 'file'; path: string }
  | { kind: 'unsupported'; reason: string };

/** How the download stage should fetch `url` (see the decision above). */
export function classifySource(url: string): SourceKind {
  const s = url.trim();
  if (s.startsWith('/') && !s.startsWith('//')) return { kind: 'file', path: s };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return { kind: 'unsupported', reason: 'not a URL or an absolute path' };
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') return { kind: 'http', url: u.href };
  if (u.protocol === 'file:') {
    if (u.host && u.host !== 'localhost') return { kind: 'unsupported', reason: 'file URL on a remote host' };
    return { kind: 'file', path: decodeURIComponent(u.pathname) };
  }
  return { kind: 'unsupported', reason: `unsupported scheme ${u.protocol.replace(/:$/, '')}` };
}

/** The job's idempotency key: the explicit override, else derived from URL + master. */
export function ingestKeyOf(job: IngestJob): string {
  return job.options?.idempotencyKey ?? idempotencyKeyFor(job.url, job.options);
}
