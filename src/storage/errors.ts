// Typed storage failures. Messages are scrubbed of secrets before the Error is built, so neither
// `message` nor `stack` can carry a credential; the raw SDK error is deliberately not kept as `cause`.
import { HeatersError } from '../errors.ts';
import { redactText } from '../log/index.ts';

export type StorageErrorCode =
  | 'not_found' // the key (or local source file for put: see 'io') does not exist
  | 'access_denied' // 401/403, bad key id, bad signature, expired token
  | 'network' // transport failure or 5xx/throttling: retrying later may help
  | 'no_such_bucket' // configuration problem, not a missing object
  | 'invalid_key' // key not relative, contains '..', empty segment, too long
  | 'invalid_argument' // 400 from the server, e.g. an unknown storage class
  | 'integrity' // bytes read/written differ from the size expected
  | 'io' // local filesystem failure (source unreadable, destination unwritable)
  | 'unknown';

// A missing object or refused credentials stay so on a retry; the rest may pass (network, io, ...).
const PERMANENT: ReadonlySet<StorageErrorCode> = new Set(['not_found', 'access_denied']);

export class StorageError extends HeatersError<StorageErrorCode> {
  readonly op: string;
  readonly key: string | undefined;
  readonly httpStatus: number | undefined;
  /** The server's or the system's error name (e.g. NoSuchKey, ENOENT), never its message. */
  readonly detail: string | undefined;

  constructor(
    code: StorageErrorCode,
    message: string,
    info: { op: string; key?: string; httpStatus?: number; detail?: string; secrets?: readonly string[] },
  ) {
    super(code, scrub(message, info.secrets ?? []), { retryable: !PERMANENT.has(code) });
    this.op = info.op;
    this.key = info.key;
    this.httpStatus = info.httpStatus;
    this.detail = info.detail;
  }
}

/** Literal secrets we hold first (the redactor may not know them), then the shared redactor. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return redactText(out);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'SlowDown', 'Throttling', 'ThrottlingException', 'ServiceUnavailable', 'InternalError']);
const ACCESS_NAMES = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'AllAccessDisabled',
]);
const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound', 'NoSuchUpload']);
const INVALID_NAMES = new Set(['InvalidStorageClass', 'InvalidArgument', 'InvalidRequest', 'InvalidObjectState']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Map an SDK, network or fs error to a StorageError. */
export function toStorageError(
  err: unknown,
  ctx: { op: string; key?: string; where: string; secrets?: readonly string[] },
): StorageError {
  if (err instanceof StorageError) return err;
  const e: ErrorLike = typeof err === 'object' && err !== null ? (err as ErrorLike) : { message: String(err) };
  // Node's happy-eyeballs connect failures arrive as an AggregateError: look at the first inner one.
  const inner: ErrorLike =
    Array.isArray(e.errors) && typeof e.errors[0] === 'object' && e.errors[0] !== null
      ? (e.errors[0] as ErrorLike)
      : {};
  const name = str(e.Code) ?? str(e.name) ?? 'Error';
  const sysCode = str(e.code) ?? str(inner.code);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;

  let code: StorageErrorCode = 'unknown';
  if (name === 'NoSuchBucket') code = 'no_such_bucket';
  else if (NOT_FOUND_NAMES.has(name) || status === 404) code = 'not_found';
  else if (ACCESS_NAMES.has(name) || status === 401 || status === 403) code = 'access_denied';
  else if ((sysCode && NETWORK_CODES.has(sysCode)) || NETWORK_NAMES.has(name) || (status !== undefined && status >= 500) || status === 429)
    code = 'network';
  else if (INVALID_NAMES.has(name) || status === 400) code = 'invalid_argument';

  const message = str(e.message) || str(inner.message) || '';
  const detail = sysCode ?? name;
  const text = `${ctx.op} ${ctx.where} failed: ${detail}${status ? ` (HTTP ${status})` : ''}${message ? `: ${message}` : ''}`;
  return new StorageError(code, text, {
    op: ctx.op,
    ...(ctx.key !== undefined ? { key: ctx.key } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
    detail,
    ...(ctx.secrets ? { secrets: ctx.secrets } : {}),
  });
}

/** Local filesystem errors (source file for put, destination for get) are 'io', not store errors. */
export function localIoError(err: unknown, ctx: { op: string; key: string; path: string; secrets?: readonly string[] }): StorageError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const sysCode = str(e.code) ?? 'Error';
  return new StorageError('io', `${ctx.op} ${ctx.key}: local file ${ctx.path}: ${sysCode}: ${str(e.message) ?? String(err)}`, {
    op: ctx.op,
    key: ctx.key,
    detail: sysCode,
    ...(ctx.secrets ? { secrets: ctx.secrets } : {}),
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
