// zod schemas of the Python `download` op's boundary: what we send, what it streams, what it returns.
import path from 'node:path';
import { z } from 'zod';

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
