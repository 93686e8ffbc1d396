// Job data of the internal stage queues. Jobs carry ids and local paths, never bytes or secrets
// (the source URL stays in the videos row; the download stage reads it from there).
import { z } from 'zod';

const base = {
  videoId: z.uuid(),
  // When the previous stage finished (epoch ms): the handoff gap is measured from here.
  prevFinishedAt: z.number().int().nonnegative().optional(),
  // Set when a host re-sent this job for a video it resumed (after its own restart) or took over
  // (from a dead host): recorded in the stage run's details.
  redrive: z
    .object({ reason: z.enum(['restart', 'takeover']), fromHost: z.string(), toHost: z.string() })
    .optional(),
};

export const DownloadJob = z.object({ ...base });
export const PreprocessJob = z.object({ ...base, sourcePath: z.string().min(1) });
export const DetectJob = z.object({
  ...base,
  proxyPath: z.string().min(1),
  masterPath: z.string().min(1).optional(),
  // Analysis frames written by the preprocess encode, so detection needs no second decode.
  frames: z
    .object({ path: z.string().min(1), width: z.number().int().positive(), height: z.number().int().positive() })
    .optional(),
});
export const FinalizeJob = z.object({
  ...base,
  proxyPath: z.string().min(1),
  masterPath: z.string().min(1).optional(),
});

export type DownloadJob = z.infer<typeof DownloadJob>;
export type PreprocessJob = z.infer<typeof PreprocessJob>;
export type DetectJob = z.infer<typeof DetectJob>;
export type FinalizeJob = z.infer<typeof FinalizeJob>;
