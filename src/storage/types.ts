// The object store contract shared by S3Store and FsStore. The pipeline only ever sees this.

/**
 * Requests sent to the store, by kind. Both stores count the same way so cost accounting is uniform.
 * S3Store counts in a client middleware, per HTTP request actually sent (retries included).
 *
 * - `put`: one per object written: a PutObject request, or, for a multipart upload, its
 *   CreateMultipartUpload request. FsStore: one per put().
 * - `multipartParts`: UploadPart requests.
 * - `multipartCalls`: CompleteMultipartUpload and AbortMultipartUpload requests.
 *   So S3 "class A" (PUT/POST/LIST) requests = put + multipartParts + multipartCalls + list.
 * - `get` / `head` / `list` / `delete`: GetObject / HeadObject / List* / DeleteObject(s) requests.
 * - `requests`: every request sent, of any kind (FsStore: one per operation).
 * - `bytesUp`: request body bytes of PutObject/UploadPart (FsStore: bytes copied in).
 * - `bytesDown`: body bytes of GetObject responses (FsStore: bytes copied out).
 */
export interface OpCounts {
  put: number;
  get: number;
  head: number;
  list: number;
  delete: number;
  multipartParts: number;
  multipartCalls: number;
  requests: number;
  bytesUp: number;
  bytesDown: number;
}

export interface PutOptions {
  contentType?: string;
  /** e.g. GLACIER_IR for masters. FsStore accepts and ignores it. */
  storageClass?: string;
  /** Hex sha256 of the file if the caller already knows it: the file is then not hashed again. */
  sha256?: string;
}

export interface PutResult {
  key: string;
  bytes: number;
  sha256: string;
  /** Requests performed by this call only. */
  ops: OpCounts;
}

export interface GetResult {
  key: string;
  /** Absolute path of the written file (the destPath given). */
  path: string;
  bytes: number;
  sha256: string;
  ops: OpCounts;
}

export interface ObjectStore {
  readonly kind: 's3' | 'fs';
  /** Upload a local file under a relative key (`videos/<id>/proxy.mp4`). One read of the file. */
  put(key: string, filePath: string, opts?: PutOptions): Promise<PutResult>;
  /** Download to destPath atomically (temp file + rename); StorageError('not_found') if missing. */
  get(key: string, destPath: string): Promise<GetResult>;
  /** One HEAD request. */
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Absolute location for records and logs: `s3://bucket/prefix/key` or `file:///dir/key`. */
  uri(key: string): string;
  /** Cumulative counts since the store was created. */
  ops(): OpCounts;
}

export function zeroOps(): OpCounts {
  return {
    put: 0,
    get: 0,
    head: 0,
    list: 0,
    delete: 0,
    multipartParts: 0,
    multipartCalls: 0,
    requests: 0,
    bytesUp: 0,
    bytesDown: 0,
  };
}

export function addOps(into: OpCounts, delta: Partial<OpCounts>): void {
  for (const k of Object.keys(delta) as (keyof OpCounts)[]) into[k] += delta[k] ?? 0;
}
