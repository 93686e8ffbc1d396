// Helpers shared by both stores: key validation, hashing while streaming, atomic file writes.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError } from './errors.ts';

const MAX_KEY_BYTES = 1024;

/** Keys are relative, '/'-separated, with no empty, '.' or '..' segment (they map onto paths in FsStore). */
export function checkKey(key: string, op: string): string {
  const bad = (why: string) => new StorageError('invalid_key', `${op}: invalid key ${JSON.stringify(key.slice(0, 200))}: ${why}`, { op, key });
  if (typeof key !== 'string' || key.length === 0) throw bad('empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw bad('longer than 1024 bytes');
  if (key.startsWith('/')) throw bad('must be relative');
  if (key.includes('\\') || key.includes('\0')) throw bad('backslash or NUL');
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('empty, "." or ".." segment');
  }
  return key;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Pass-through that hashes and counts what flows through it: one read of the data, no second pass. */
export class HashingStream extends Transform {
  #hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

/** Counts bytes only (used when the caller already supplied the sha256). */
export class CountingStream extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** A temp path in the same directory as `dest`, so the final rename is atomic. */
export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** A failure on the local side of a transfer (mkdir, temp file, rename), as opposed to the source. */
export class LocalWriteError extends Error {
  readonly original: unknown;
  constructor(original: unknown) {
    super('local write failed');
    this.original = original;
  }
}

/**
 * Stream `source` into `dest` via a temp file + rename, hashing on the way.
 * Readers of `dest` never see a partial file. The temp file is removed on failure.
 * Local-side failures are thrown as LocalWriteError; source failures are rethrown as they are.
 */
export async function writeAtomically(
  source: Readable,
  dest: string,
  opts: { hash?: boolean; durable?: boolean } = {},
): Promise<{ bytes: number; sha256: string | undefined }> {
  const tmp = tempPathFor(dest);
  try {
    await mkdir(path.dirname(dest), { recursive: true });
  } catch (err) {
    source.destroy();
    throw new LocalWriteError(err);
  }
  const hash = opts.hash ?? true;
  const meter = hash ? new HashingStream() : new CountingStream();
  // durable: flush to disk before the rename, so a crash cannot leave a renamed but empty object.
  const out = createWriteStream(tmp, { flags: 'wx', flush: opts.durable ?? false });
  let localFailure: unknown;
  out.once('error', (err) => (localFailure ??= err));
  try {
    await pipeline(source, meter, out);
  } catch (err) {
    await rm(tmp, { force: true });
    throw localFailure !== undefined ? new LocalWriteError(localFailure) : err;
  }
  try {
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new LocalWriteError(err);
  }
  return { bytes: meter.bytes, sha256: meter instanceof HashingStream ? meter.digest() : undefined };
}
