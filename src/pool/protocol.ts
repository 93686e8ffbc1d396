// The NDJSON protocol between the daemon and a Python worker (see python/heaters_worker/__main__.py).
// Every line the worker writes on its protocol stream is parsed with WorkerMessage; anything else is
// a ProtocolError.
import { z } from 'zod';

export const Versions = z.object({
  python: z.string(),
  cv2: z.string(),
  numpy: z.string(),
  yt_dlp: z.string(),
});
export type Versions = z.infer<typeof Versions>;

export const ReadyMessage = z.object({
  type: z.literal('ready'),
  pid: z.number().int().positive(),
  versions: Versions,
  ops: z.array(z.string()),
});
export type ReadyMessage = z.infer<typeof ReadyMessage>;

export const ProgressMessage = z.object({
  id: z.string(),
  type: z.literal('progress'),
  data: z.unknown(),
});
export type ProgressMessage = z.infer<typeof ProgressMessage>;

export const ResultMessage = z.object({
  id: z.string(),
  type: z.literal('result'),
  data: z.unknown(),
});
export type ResultMessage = z.infer<typeof ResultMessage>;

export const ErrorMessage = z.object({
  // null when the worker could not even read the request's id (invalid JSON).
  id: z.string().nullable(),
  type: z.literal('error'),
  error: z.object({ code: z.string().min(1), message: z.string() }),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

export const WorkerMessage = z.discriminatedUnion('type', [ReadyMessage, ProgressMessage, ResultMessage, ErrorMessage]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;

export const Request = z.object({
  id: z.string().min(1),
  op: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
});
export type Request = z.infer<typeof Request>;
