// Storage entry point: pick the store from STORAGE_URL.
//   file:///abs/dir            -> FsStore rooted at /abs/dir (the embedded default)
//   s3://bucket[/key/prefix]   -> S3Store, configured by cfg.s3 (endpoint, region, credentials, ...)
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log/index.ts';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { formatZodError } from '../util/zod.ts';
import { StorageError } from './errors.ts';
import { FsStore } from './fs.ts';
import { MIN_PART_SIZE, S3Store, type S3StoreOptions } from './s3.ts';
import type { ObjectStore } from './types.ts';

export type { GetResult, ObjectStore, OpCounts, PutOptions, PutResult } from './types.ts';
export { addOps, zeroOps } from './types.ts';
export { StorageError, type StorageErrorCode } from './errors.ts';
export { FsStore, type FsStoreOptions } from './fs.ts';
export { S3Store, type S3StoreOptions } from './s3.ts';

const StorageConfigSchema = z.object({
  url: z.string().min(1),
  s3: z.object({
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    region: z.string().min(1),
    forcePathStyle: z.boolean(),
    multipartThresholdBytes: z.number().int().min(MIN_PART_SIZE),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
  }),
  masterStorageClass: z.string().min(1).optional(),
});

// Bucket naming rules (lowercase, digits, dots, hyphens; 3-63 characters).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_URL = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/;

export interface CreateStoreOptions {
  logger: Logger;
  /** Development mode: log multipart upload progress. */
  development?: boolean;
  /** Tuning knobs not carried by the environment config (tests, benchmarks). */
  s3?: Partial<Pick<S3StoreOptions, 'verifyLargeUploads' | 'partSizeBytes' | 'queueSize' | 'maxAttempts'>>;
}

export function createStore(cfg: Config['storage'], opts: CreateStoreOptions): ObjectStore {
  const parsed = StorageConfigSchema.safeParse(cfg);
  if (!parsed.success) {
    // Name the field, never echo the value: it may be a secret.
    throw configError(`invalid storage configuration: ${formatZodError(parsed.error)}`);
  }
  const { url, s3 } = parsed.data;

  if (url.startsWith('file:')) {
    let root: string;
    try {
      root = fileURLToPath(url);
    } catch {
      throw configError('STORAGE_URL: a file URL must be file:///absolute/dir');
    }
    return new FsStore({ root });
  }

  if (url.startsWith('s3:')) {
    const m = S3_URL.exec(url);
    const bucket = m?.[1];
    if (!m || !bucket) throw configError('STORAGE_URL: expected s3://bucket[/prefix]');
    if (bucket.includes('@')) throw configError('STORAGE_URL: credentials do not belong in the URL; use AWS_* variables');
    if (!BUCKET.test(bucket)) throw configError('STORAGE_URL: invalid bucket name');
    if ((s3.accessKeyId === undefined) !== (s3.secretAccessKey === undefined)) {
      throw configError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together (or neither: SDK default chain)');
    }
    const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
    return new S3Store({
      bucket,
      ...(prefix ? { prefix } : {}),
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle,
      ...(s3.accessKeyId && s3.secretAccessKey
        ? {
            credentials: {
              accessKeyId: s3.accessKeyId,
              secretAccessKey: s3.secretAccessKey,
              ...(s3.sessionToken ? { sessionToken: s3.sessionToken } : {}),
            },
          }
        : {}),
      multipartThresholdBytes: s3.multipartThresholdBytes,
      ...opts.s3,
      logger: opts.logger,
      development: opts.development ?? false,
    });
  }

  throw configError('STORAGE_URL: unsupported scheme (use file:///dir or s3://bucket/prefix)');
}

function configError(message: string): StorageError {
  return new StorageError('invalid_argument', message, { op: 'config' });
}
