// zod schemas of the Python `download` and `resolve` ops' boundary: what we send, what they stream,
// what they return.
import path from 'node:path';
import { z } from 'zod';

const absolute = z.string().min(1).refine((p) => path.isAbsolute(p), 'must be an absolute path');

/** yt-dlp access settings (python/heaters_worker/fetch/access.py). Op args only: never job data. */
export const AccessArgs = {
  /** A Netscape cookies file; the op reads a private copy and scrubs every value from its output. */
  cookies_file: absolute.optional(),
  /** Proxy URL for every request (may carry credentials: never logged). */
  proxy: z.string().min(1).optional(),
  /** yt-dlp extractor arguments: {extractor: {arg: [values]}}. */
  extractor_args: z.record(z.string(), z.record(z.string(), z.array(z.string()))).optional(),
};

export const DownloadArgs = z
  .object({
    /** http(s):// URL (anything yt-dlp handles), file:// URL or absolute local path. */
    url: z.string().min(1),
    /** Absolute directory; the op owns every `source.*` file in it. */
    dest_dir: z.string().min(1).refine((p) => path.isAbsolute(p), 'dest_dir must be absolute'),
    max_bytes: z.number().int().positive(),
    timeout_s: z.number().positive(),
    /** ffmpeg binary (or its directory) for yt-dlp's merge; default: ffmpeg on PATH. */
    ffmpeg: z.string().min(1).optional(),
    /** Fetch from loopback/private/link-local addresses too; default refused (forbidden_url). */
    allow_private: z.boolean().optional(),
    /** Directories local files may come from (resolved, symlinks followed); absent: any. */
    local_roots: z.array(z.string().min(1).refine((p) => path.isAbsolute(p), 'roots must be absolute')).optional(),
    ...AccessArgs,
    /** Which entry of a page that is a playlist (1-based; default 1). */
    playlist_item: z.number().int().positive().optional(),
  })
  .strict();
export type DownloadArgs = z.infer<typeof DownloadArgs>;

const nullableOpt = <T extends z.ZodType>(t: T) => t.nullable().optional();

export const DownloadResult = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  ext: z.string().min(1),
  /** yt-dlp extractor key ("Generic" for direct files and manifests), or "local". */
  extractor: z.string().min(1),
  /** The extractor's id of the video (null for local files). */
  video_id: nullableOpt(z.string()),
  title: nullableOpt(z.string()),
  format_id: nullableOpt(z.string()),
  webpage_url: z.string().min(1),
  // What yt-dlp knows; often null for direct files (ffprobe the file for the truth).
  duration_s: nullableOpt(z.number().nonnegative()),
  width: nullableOpt(z.number().int().nonnegative()),
  height: nullableOpt(z.number().int().nonnegative()),
  /** yt-dlp's codec strings; "none" means "no such stream", null means unknown. */
  vcodec: nullableOpt(z.string()),
  acodec: nullableOpt(z.string()),
});
export type DownloadResult = z.infer<typeof DownloadResult>;

export const DownloadProgress = z.object({
  stage: z.literal('download'),
  percent: z.number().min(0).max(100).nullable(),
  downloaded_bytes: z.number().int().nonnegative(),
  total_bytes: z.number().int().nonnegative().nullable(),
  speed_bps: z.number().nonnegative().nullable(),
  eta_s: z.number().nullable(),
});
export type DownloadProgress = z.infer<typeof DownloadProgress>;

export const ResolveArgs = z
  .object({
    url: z.string().min(1),
    timeout_s: z.number().positive(),
    max_entries: z.number().int().positive(),
    allow_private: z.boolean().optional(),
    ...AccessArgs,
  })
  .strict();
export type ResolveArgs = z.infer<typeof ResolveArgs>;

const str = z.string().nullable().optional();
export const ResolvedEntry = z.object({
  url: z.string().min(1),
  /** Set when the entry has no URL of its own: download the page with this item. */
  playlist_item: z.number().int().positive().nullable().optional(),
  extractor: str,
  id: str,
  /** `<extractor>:<id>` where the extractor has a real id; null for the generic extractors. */
  canonical: str,
  title: str,
  live_status: str,
});
export type ResolvedEntry = z.infer<typeof ResolvedEntry>;

export const ResolveResult = z.object({
  kind: z.enum(['video', 'playlist', 'local']),
  extractor: str,
  id: str,
  canonical: str,
  title: str,
  webpage_url: z.string().min(1),
  live_status: str,
  entries: z.array(ResolvedEntry),
});
export type ResolveResult = z.infer<typeof ResolveResult>;
