// FsStore: the embedded default. Objects are plain files under a root directory; keys map to paths.
// Writes go through a temp file + rename so a reader never sees a partial object.
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkKey, LocalWriteError, SHA256_HEX, writeAtomically } from './common.ts';
import { localIoError, StorageError } from './errors.ts';
import { addOps, zeroOps, type GetResult, type ObjectStore, type OpCounts, type PutOptions, type PutResult } from './types.ts';

export interface FsStoreOptions {
  /** Absolute directory; created on first put. */
  root: string;
}

export class FsStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly root: string;
  #ops: OpCounts = zeroOps();

  constructor(opts: FsStoreOptions) {
    if (!path.isAbsolute(opts.root)) throw new Error('FsStore root must be an absolute path');
    this.root = path.resolve(opts.root);
  }

  /** Absolute path of a key's file. */
  pathOf(key: string, op = 'path'): string {
    checkKey(key, op);
    return path.join(this.root, ...key.split('/'));
  }

  uri(key: string): string {
    return pathToFileURL(this.pathOf(key, 'uri')).href;
  }

  ops(): OpCounts {
    return { ...this.#ops };
  }

  async put(key: string, filePath: string, opts: PutOptions = {}): Promise<PutResult> {
    const dest = this.pathOf(key, 'put');
    if (opts.sha256 !== undefined && !SHA256_HEX.test(opts.sha256))
      throw new StorageError('invalid_argument', 'put: sha256 must be 64 lowercase hex digits', { op: 'put', key });
    const src = await openLocal(filePath, 'put', key);
    const ops = zeroOps();
    try {
      const size = (await src.stat()).size;
      this.#count(ops, { put: 1, requests: 1 });
      let written: { bytes: number; sha256: string | undefined };
      try {
        written = await writeAtomically(src.createReadStream({ autoClose: false }), dest, {
          hash: opts.sha256 === undefined,
          durable: true,
        });
      } catch (err) {
        if (err instanceof LocalWriteError) throw storeSideError(err.original, 'put', key);
        throw localIoError(err, { op: 'put', key, path: filePath });
      }
      this.#count(ops, { bytesUp: written.bytes });
      if (written.bytes !== size)
        throw new StorageError('integrity', `put ${key}: read ${written.bytes} bytes, file size was ${size}`, { op: 'put', key });
      return { key, bytes: written.bytes, sha256: opts.sha256 ?? (written.sha256 as string), ops };
    } finally {
      await src.close();
    }
  }

  async get(key: string, destPath: string): Promise<GetResult> {
    const file = this.pathOf(key, 'get');
    const ops = zeroOps();
    this.#count(ops, { get: 1, requests: 1 });
    let src: FileHandle;
    try {
      src = await open(file, 'r');
    } catch (err) {
      throw storeSideError(err, 'get', key);
    }
    try {
      const written = await writeAtomically(src.createReadStream({ autoClose: false }), destPath);
      this.#count(ops, { bytesDown: written.bytes });
      return { key, path: destPath, bytes: written.bytes, sha256: written.sha256 as string, ops };
    } catch (err) {
      if (err instanceof LocalWriteError) throw localIoError(err.original, { op: 'get', key, path: destPath });
      throw storeSideError(err, 'get', key);
    } finally {
      await src.close();
    }
  }

  async exists(key: string): Promise<boolean> {
    const file = this.pathOf(key, 'exists');
    this.#count(zeroOps(), { head: 1, requests: 1 });
    try {
      return (await stat(file)).isFile();
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return false;
      throw storeSideError(err, 'exists', key);
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key, 'delete');
    this.#count(zeroOps(), { delete: 1, requests: 1 });
    try {
      await rm(file, { force: true });
    } catch (err) {
      throw storeSideError(err, 'delete', key);
    }
  }

  #count(call: OpCounts, delta: Partial<OpCounts>): void {
    addOps(call, delta);
    addOps(this.#ops, delta);
  }
}

async function openLocal(filePath: string, op: string, key: string): Promise<FileHandle> {
  try {
    return await open(filePath, 'r');
  } catch (err) {
    throw localIoError(err, { op, key, path: filePath });
  }
}

/** Errors on the store's own files, mapped like their S3 equivalents. */
function storeSideError(err: unknown, op: string, key: string): StorageError {
  const sys = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'Error';
  const msg = err instanceof Error ? err.message : String(err);
  const code = sys === 'ENOENT' || sys === 'ENOTDIR' ? 'not_found' : sys === 'EACCES' || sys === 'EPERM' ? 'access_denied' : 'io';
  return new StorageError(code, `${op} ${key}: ${sys}: ${msg}`, { op, key, detail: sys });
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}
