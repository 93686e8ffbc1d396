// S3Store: objects in an S3 bucket (or an S3-compatible server such as MinIO or s3rver).
// One PutObject per file under the multipart threshold, a lib-storage multipart Upload above it.
// Every request actually sent is counted by a client middleware, so the cost table comes from data.
import { AsyncLocalStorage } from 'node:async_hooks';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from '../log/index.ts';
import { checkKey, CountingStream, HashingStream, LocalWriteError, SHA256_HEX, writeAtomically } from './common.ts';
import { localIoError, scrub, StorageError, toStorageError } from './errors.ts';
import { addOps, zeroOps, type GetResult, type ObjectStore, type OpCounts, type PutOptions, type PutResult } from './types.ts';

const MiB = 1024 * 1024;
/** S3's minimum part size (except the last part). */
export const MIN_PART_SIZE = 5 * MiB;
const MAX_PARTS = 10_000;
/** Uploads at or above this size may be verified by a HEAD (opt-in); below it, never. */
export const VERIFY_MIN_BYTES = 10 * MiB;

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix without leading/trailing '/', e.g. `heaters/prod`. */
  prefix?: string;
  region: string;
  /** For S3-compatible servers. Also switches checksums to WHEN_REQUIRED (see below). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static credentials; when absent the SDK default chain (env, profile, IMDS, ...) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Files strictly larger than this use a multipart upload. Default 64 MiB; min 5 MiB. */
  multipartThresholdBytes?: number;
  /** Multipart part size. Default min(8 MiB, threshold), never below 5 MiB or size/10000. */
  partSizeBytes?: number;
  /** Parts in flight per multipart upload (each buffered in memory). Default 4. */
  queueSize?: number;
  /** HEAD after uploads of at least 10 MiB and compare ContentLength. Default false. */
  verifyLargeUploads?: boolean;
  /** SDK attempts for retryable requests; small-file puts (streamed, so not retried by the SDK) are retried here. Default 3. */
  maxAttempts?: number;
  logger: Logger;
  /** Log multipart upload progress. */
  development?: boolean;
}

/** Which counter a command increments. Names are the SDK's command class names. */
const COMMAND_COUNTERS: Record<string, keyof OpCounts> = {
  PutObjectCommand: 'put',
  CreateMultipartUploadCommand: 'put', // one per multipart upload: the object written
  UploadPartCommand: 'multipartParts',
  CompleteMultipartUploadCommand: 'multipartCalls',
  AbortMultipartUploadCommand: 'multipartCalls',
  GetObjectCommand: 'get',
  HeadObjectCommand: 'head',
  ListObjectsCommand: 'list',
  ListObjectsV2Command: 'list',
  ListPartsCommand: 'list',
  ListMultipartUploadsCommand: 'list',
  DeleteObjectCommand: 'delete',
  DeleteObjectsCommand: 'delete',
};
const UPLOAD_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand']);

export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  readonly multipartThresholdBytes: number;
  #ops: OpCounts = zeroOps();
  /** Per-call counters: the middleware adds to the counter of the call it runs under. */
  #callOps = new AsyncLocalStorage<OpCounts>();
  #opts: S3StoreOptions;
  #log: Logger;
  #secrets: string[];

  constructor(opts: S3StoreOptions) {
    this.#opts = opts;
    this.bucket = opts.bucket;
    this.prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (this.prefix) checkKey(this.prefix, 'config');
    this.multipartThresholdBytes = Math.max(MIN_PART_SIZE, opts.multipartThresholdBytes ?? 64 * MiB);
    this.#log = opts.logger.child({ component: 'storage', store: 's3', bucket: opts.bucket });
    this.#secrets = [opts.credentials?.secretAccessKey, opts.credentials?.sessionToken].filter((s): s is string => !!s);

    const config: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle ?? false,
      maxAttempts: opts.maxAttempts ?? 3,
      logger: sdkLogger(this.#log, this.#secrets),
    };
    if (opts.credentials) config.credentials = { ...opts.credentials };
    if (opts.endpoint) {
      config.endpoint = opts.endpoint;
      // S3-compatible servers often do not understand the SDK's default flexible checksums (CRC32
      // trailers in aws-chunked bodies): s3rver, for one, silently stores the chunk framing as part of
      // the object, corrupting every streamed upload. Only send/validate checksums when an API requires it.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    this.client = new S3Client(config);
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        // The deserialize step runs once per attempt (inside the retry middleware): real requests.
        const command = context.commandName ?? '';
        const delta: Partial<OpCounts> = { requests: 1 };
        const counter = COMMAND_COUNTERS[command];
        if (counter) delta[counter] = 1;
        if (UPLOAD_COMMANDS.has(command)) delta.bytesUp = headerBytes((args.request as { headers?: unknown }).headers);
        this.#count(delta);
        const result = await next(args);
        if (command === 'GetObjectCommand') {
          this.#count({ bytesDown: headerBytes((result.response as { headers?: unknown }).headers) });
        }
        return result;
      },
      { step: 'deserialize', name: 'heatersOpCounter', priority: 'high' },
    );
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${this.#fullKey(key, 'uri')}`;
  }

  ops(): OpCounts {
    return { ...this.#ops };
  }

  /** Release sockets. The store is unusable afterwards. */
  destroy(): void {
    this.client.destroy();
  }

  async put(key: string, filePath: string, opts: PutOptions = {}): Promise<PutResult> {
    const fullKey = this.#fullKey(key, 'put');
    if (opts.sha256 !== undefined && !SHA256_HEX.test(opts.sha256))
      throw new StorageError('invalid_argument', 'put: sha256 must be 64 lowercase hex digits', { op: 'put', key });
    let size: number;
    try {
      size = (await stat(filePath)).size;
    } catch (err) {
      throw localIoError(err, { op: 'put', key, path: filePath, secrets: this.#secrets });
    }
    const ops = zeroOps();
    return this.#callOps.run(ops, async () => {
      const multipart = size > this.multipartThresholdBytes;
      const sent = multipart
        ? await this.#putMultipart(key, fullKey, filePath, size, opts)
        : await this.#putSingleWithRetry(key, fullKey, filePath, size, opts);
      if (sent.bytes !== size) {
        throw new StorageError('integrity', `put ${key}: sent ${sent.bytes} bytes, file size was ${size} (file changed?)`, {
          op: 'put',
          key,
        });
      }
      if (this.#opts.verifyLargeUploads && size >= VERIFY_MIN_BYTES) await this.#verifySize(key, fullKey, size);
      const sha256 = opts.sha256 ?? sent.sha256;
      if (!sha256) throw new Error('unreachable: no sha256');
      this.#log.debug({ key: fullKey, bytes: size, multipart }, 'object stored');
      return { key, bytes: size, sha256, ops };
    });
  }

  async get(key: string, destPath: string): Promise<GetResult> {
    const fullKey = this.#fullKey(key, 'get');
    const ops = zeroOps();
    return this.#callOps.run(ops, async () => {
      let body: Readable;
      let expected: number | undefined;
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
        if (!(out.Body instanceof Readable)) throw new Error('GetObject returned no readable body');
        body = out.Body;
        expected = out.ContentLength;
      } catch (err) {
        throw this.#wrap(err, 'get', key);
      }
      let written: { bytes: number; sha256: string | undefined };
      try {
        written = await writeAtomically(body, destPath);
      } catch (err) {
        if (err instanceof LocalWriteError) throw localIoError(err.original, { op: 'get', key, path: destPath, secrets: this.#secrets });
        throw this.#wrap(err, 'get', key);
      }
      if (expected !== undefined && written.bytes !== expected) {
        throw new StorageError('integrity', `get ${key}: received ${written.bytes} bytes, expected ${expected}`, { op: 'get', key });
      }
      return { key, path: destPath, bytes: written.bytes, sha256: written.sha256 as string, ops };
    });
  }

  async exists(key: string): Promise<boolean> {
    const fullKey = this.#fullKey(key, 'exists');
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return true;
    } catch (err) {
      const e = this.#wrap(err, 'exists', key);
      if (e.code === 'not_found') return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const fullKey = this.#fullKey(key, 'delete');
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey }));
    } catch (err) {
      throw this.#wrap(err, 'delete', key);
    }
  }

  /**
   * PutObject with the file streamed (hashed on the way) and an exact ContentLength. The SDK does not
   * retry streamed bodies, so transient failures are retried here by reopening the file.
   */
  async #putSingleWithRetry(key: string, fullKey: string, filePath: string, size: number, opts: PutOptions) {
    const attempts = this.#opts.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#putSingle(key, fullKey, filePath, size, opts);
      } catch (err) {
        const e = err instanceof StorageError ? err : this.#wrap(err, 'put', key);
        if (e.code !== 'network' || attempt >= attempts) throw e;
        this.#log.warn({ key: fullKey, attempt, code: e.code, err: e.message }, 'put failed, retrying');
        await delay(200 * 2 ** (attempt - 1));
      }
    }
  }

  async #putSingle(key: string, fullKey: string, filePath: string, size: number, opts: PutOptions) {
    const file = await open(filePath, 'r').catch((err: unknown) => {
      throw localIoError(err, { op: 'put', key, path: filePath, secrets: this.#secrets });
    });
    const { src, meter } = meteredBody(file, opts);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: fullKey,
          Body: meter,
          ContentLength: size,
          ...(opts.contentType ? { ContentType: opts.contentType } : {}),
          ...(opts.storageClass ? { StorageClass: opts.storageClass as StorageClass } : {}),
        }),
      );
      return { bytes: meter.bytes, sha256: meter instanceof HashingStream ? meter.digest() : undefined };
    } finally {
      src.destroy(); // no-op after success; after a failure it closes the file without erroring the body
    }
  }

  /** lib-storage Upload: parts are buffered from the hashing stream, so the file is still read once. */
  async #putMultipart(key: string, fullKey: string, filePath: string, size: number, opts: PutOptions) {
    const file = await open(filePath, 'r').catch((err: unknown) => {
      throw localIoError(err, { op: 'put', key, path: filePath, secrets: this.#secrets });
    });
    const { src, meter } = meteredBody(file, opts);
    try {
      const partSize = Math.max(
        MIN_PART_SIZE,
        Math.ceil(size / MAX_PARTS),
        this.#opts.partSizeBytes ?? Math.min(8 * MiB, this.multipartThresholdBytes),
      );
      const upload = new Upload({
        client: this.client,
        partSize,
        queueSize: this.#opts.queueSize ?? 4,
        leavePartsOnError: false, // abort the upload on failure: no orphaned parts to pay for
        params: {
          Bucket: this.bucket,
          Key: fullKey,
          Body: meter,
          ContentLength: size, // lets lib-storage check the part count against the file size
          ...(opts.contentType ? { ContentType: opts.contentType } : {}),
          ...(opts.storageClass ? { StorageClass: opts.storageClass as StorageClass } : {}),
        },
      });
      if (this.#opts.development) {
        upload.on('httpUploadProgress', (p) => {
          this.#log.info({ key: fullKey, part: p.part, loaded: p.loaded, total: p.total }, 'upload progress');
        });
      }
      try {
        await upload.done();
      } catch (err) {
        throw this.#wrap(err, 'put', key);
      }
      return { bytes: meter.bytes, sha256: meter instanceof HashingStream ? meter.digest() : undefined };
    } finally {
      src.destroy();
    }
  }

  async #verifySize(key: string, fullKey: string, size: number): Promise<void> {
    let length: number | undefined;
    try {
      length = (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }))).ContentLength;
    } catch (err) {
      throw this.#wrap(err, 'put', key);
    }
    if (length !== size) {
      throw new StorageError('integrity', `put ${key}: stored object has ${length} bytes, file has ${size}`, { op: 'put', key });
    }
  }

  #fullKey(key: string, op: string): string {
    checkKey(key, op);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  #wrap(err: unknown, op: string, key: string): StorageError {
    return toStorageError(err, { op, key, where: this.uri(key), secrets: this.#secrets });
  }

  #count(delta: Partial<OpCounts>): void {
    addOps(this.#ops, delta);
    const call = this.#callOps.getStore();
    if (call) addOps(call, delta);
  }
}

/**
 * The file piped through a hashing (or counting) pass-through that becomes the request body. The
 * read stream owns the file handle. Deliberately `pipe`, not `pipeline`: when a request fails before
 * the body is consumed we destroy only the file stream; `pipeline` would then destroy the body with
 * ERR_STREAM_PREMATURE_CLOSE, which the SDK's aws-chunked wrapper (default checksum mode) re-emits
 * with no listener attached: an uncaught exception. Real read errors still fail the body.
 */
function meteredBody(file: FileHandle, opts: PutOptions): { src: Readable; meter: HashingStream | CountingStream } {
  const meter = opts.sha256 === undefined ? new HashingStream() : new CountingStream();
  const src = file.createReadStream({ autoClose: true });
  src.once('error', (err) => meter.destroy(err));
  src.pipe(meter);
  return { src, meter };
}

function headerBytes(headers: unknown): number {
  if (typeof headers !== 'object' || headers === null) return 0;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === 'content-length') {
      const n = Number(v);
      return Number.isFinite(n) && n >= 0 ? n : 0;
    }
  }
  return 0;
}

/**
 * The SDK's own logging. Its per-command info lines are noise, and its error lines duplicate the
 * StorageError we throw (a HEAD miss in exists() would log as an error), so only warnings are kept,
 * scrubbed. The "non-retryable streaming request" warning is expected: put() retries those itself.
 */
function sdkLogger(log: Logger, secrets: readonly string[]) {
  // Must never throw (it runs inside the SDK's request path): inspect, not JSON.stringify (cycles).
  const text = (args: unknown[]) =>
    scrub(
      args
        .map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.name}: ${a.message}` : inspect(a, { depth: 1, breakLength: Infinity })))
        .join(' ')
        .slice(0, 2000),
      secrets,
    );
  const noop = () => {};
  return {
    trace: noop,
    debug: noop,
    info: noop,
    error: noop,
    warn: (...args: unknown[]) => {
      const msg = text(args);
      if (msg.includes('non-retryable streaming request')) log.debug({ source: 'aws-sdk' }, msg);
      else log.warn({ source: 'aws-sdk' }, msg);
    },
  };
}
