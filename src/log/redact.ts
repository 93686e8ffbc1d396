// Secret scrubbing for everything that may reach a log line or a stored error message.
// Runs on every log line, so: a few precompiled regexes, no allocation when nothing matches,
// and every pattern starts on a literal or a word boundary (linear time on long inputs).

export const REDACTED = '[REDACTED]';

// A value already replaced must not be matched again (keeps redaction idempotent).
const NOT_DONE = '(?!\\[REDACTED\\])';

// Value patterns stop at quotes and backslashes, so a value inside JSON or a quoted string ends at
// its closing quote and the text around it stays intact.

// scheme://user:password@host → scheme://user:[REDACTED]@host. The lookbehind stops the scheme
// from starting mid-word (avoids quadratic scans); the password may itself contain '@' (greedy
// up to the last '@' before the path).
const URL_PASSWORD = new RegExp(
  `(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\\/\\/[^\\s:@\\/?#"'<>\\\\]*):${NOT_DONE}([^\\s\\/?#"'<>\\\\]+)@`,
  'g',
);

const QUERY_NAMES =
  'x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|' +
  'x-api-key|signature|sig|token|access_token|refresh_token|id_token|api_key|apikey|client_secret|password|auth';
// Presigned / tokenised URL query parameters: keep the name, drop the value.
const QUERY_PARAM = new RegExp(`([?&;](?:${QUERY_NAMES})=)${NOT_DONE}([^&#\\s"'<>\\\\]+)`, 'gi');
// The same inside a percent-encoded URL (e.g. a URL carried in another URL's query).
const QUERY_PARAM_ENCODED = new RegExp(
  `((?:%3F|%26)(?:${QUERY_NAMES})%3D)${NOT_DONE}([^&#\\s"'<>\\\\]+?)(?=%26|%23|[&#\\s"'<>\\\\]|$)`,
  'gi',
);

// `Authorization: Bearer x`, `"cookie": "a=b"`, `'X-Api-Key': 'k'`: the value runs to the end of
// the line or the closing quote.
const HEADER = new RegExp(
  `\\b(proxy-authorization|authorization|set-cookie|cookie|x-amz-security-token|x-api-key)` +
    `(\\\\?["']?[ \\t]*:[ \\t]*\\\\?["']?)${NOT_DONE}([^\\s"'\\\\][^\\r\\n"'\\\\]*)`,
  'gi',
);

// key=value / "key": "value" / Key: value where the key names a secret (aws_secret_access_key,
// "secretAccessKey", SecretAccessKey, password=, api_key: ...). The key is kept for context.
const KEY_VALUE = new RegExp(
  `((?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\\w-]*)` +
    `(\\\\?["']?[ \\t]*[:=][ \\t]*\\\\?["']?)${NOT_DONE}([^\\s"'\\\\&,;<>{}\\[\\]]+)`,
  'gi',
);

// XML bodies (STS / S3 error responses): <SecretAccessKey>…</SecretAccessKey>.
const XML_SECRET = /<((?:\w*:)?\w*(?:SecretAccessKey|SessionToken|SecurityToken|Password|Secret|Token))>([^<]+)<\/\1>/g;

// Bearer tokens anywhere.
const BEARER = new RegExp(`\\b(bearer)(\\s+)${NOT_DONE}([A-Za-z0-9\\-._~+\\/]+=*)`, 'gi');

// AWS access key ids (long-term AKIA…, temporary ASIA…).
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;

// ---------------------------------------------------------------------------------------------
// Literal secrets: configured ones (addSecrets / createLogger({ secrets })) and values of
// secret-looking environment variables (refreshEnvSecrets). Matched with one escaped alternation,
// rebuilt lazily when either set changes.

const MIN_SECRET_LENGTH = 4;
const configured = new Set<string>();
let fromEnv = new Set<string>();
let literalRe: RegExp | null = null;
let literalDirty = true;

// Object keys repeat from line to line (videoId, stage, ...): remember what each one scrubs to and
// whether its value is secret. Cleared when the literal secrets change; bounded.
interface KeyInfo {
  safe: string;
  sensitive: boolean;
}
const keyCache = new Map<string, KeyInfo>();
const KEY_CACHE_MAX = 2000;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function literalRegex(): RegExp | null {
  if (literalDirty) {
    const all = new Set<string>([...configured, ...fromEnv]);
    // Longest first so a secret that contains another is removed whole.
    const list = [...all].sort((a, b) => b.length - a.length).map(escapeRe);
    literalRe = list.length ? new RegExp(list.join('|'), 'g') : null;
    literalDirty = false;
    keyCache.clear();
  }
  return literalRe;
}

/** Variants of one secret worth matching: itself and its percent-encoded form (as seen in URLs). */
function variants(value: string): string[] {
  const out = [value];
  try {
    const enc = encodeURIComponent(value);
    if (enc !== value) out.push(enc);
  } catch {
    // lone surrogate: nothing to add
  }
  return out;
}

/** Literal values never to print. Values shorter than 4 characters are ignored (they would
 * shred ordinary text); their percent-encoded forms are added too. */
export function addSecrets(values: Iterable<string | undefined | null>): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.trim().length < MIN_SECRET_LENGTH) continue;
    for (const x of variants(v)) {
      if (!configured.has(x)) {
        configured.add(x);
        literalDirty = true;
      }
    }
  }
}

/** Forget the secrets given to addSecrets (tests; a rotated credential). Env secrets stay. */
export function clearSecrets(): void {
  configured.clear();
  literalDirty = true;
}

// Names whose values are secrets. KEY only as its own word or after a qualifier (API_KEY,
// AWS_SECRET_ACCESS_KEY, APIKEY), so KEYBOARD / MONKEY do not count; AUTH but not AUTHOR(ITY).
const SECRET_ENV_NAME =
  /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|COOKIE|SESSION|AUTH(?!OR)|(?:^|[^A-Z])KEYS?(?:[^A-Z]|$)|(?:API|ACCESS|PRIVATE|SIGNING|ENCRYPTION|MASTER|CLIENT|LICENSE|SSH|DEPLOY|SERVICE)KEY/;
// Names that match the above but hold a pointer to a secret or desktop-session trivia
// (XDG_SESSION_TYPE=x11, DESKTOP_SESSION=ubuntu would otherwise scrub ordinary words).
const BENIGN_ENV_NAME =
  /^(?:XDG_|DBUS_|GNOME_|KDE_|DESKTOP_SESSION$|SESSION_MANAGER$|SSH_AUTH_SOCK$|GPG_AGENT_INFO$)|_(?:FILE|PATH|DIR|SOCK|TYPE|REGION)$/;
// Values too common to scrub everywhere: booleans and short numbers (e.g. SESSION_TIMEOUT=3600).
const TRIVIAL_VALUE = /^(?:true|false|yes|no|on|off|none|null|\d{1,7})$/i;

export function isSecretEnvName(name: string): boolean {
  const n = name.toUpperCase();
  return SECRET_ENV_NAME.test(n) && !BENIGN_ENV_NAME.test(n);
}

function urlPassword(value: string): string | undefined {
  if (!value.includes('://') || !value.includes('@')) return undefined;
  try {
    const p = new URL(value).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/** Re-read secret values from the environment (called by createLogger; call again after the
 * environment changes). Takes values of secret-named variables (length ≥ 4) and passwords
 * embedded in any URL-valued variable (DATABASE_URL, HTTP_PROXY, ...). */
export function refreshEnvSecrets(env: Record<string, string | undefined> = process.env): void {
  const next = new Set<string>();
  const take = (v: string | undefined) => {
    if (!v) return;
    const t = v.trim();
    if (t.length < MIN_SECRET_LENGTH || TRIVIAL_VALUE.test(t)) return;
    for (const x of variants(t)) next.add(x);
  };
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (isSecretEnvName(name)) {
      take(value);
      // HEATERS_SECRETS is a comma-separated list (see config.ts).
      if (name === 'HEATERS_SECRETS') for (const part of value.split(',')) take(part);
    }
    take(urlPassword(value));
  }
  if (next.size !== fromEnv.size || [...next].some((v) => !fromEnv.has(v))) {
    fromEnv = next;
    literalDirty = true;
  }
}

// ---------------------------------------------------------------------------------------------

/** Scrub one string. Ordinary text comes back unchanged (same string). */
export function redactText(s: string): string {
  if (s.length < MIN_SECRET_LENGTH) return s;
  let out = s;
  const lit = literalRegex();
  if (lit) out = out.replace(lit, REDACTED);
  if (out.includes('://')) out = out.replace(URL_PASSWORD, `$1:${REDACTED}@`);
  out = out.replace(QUERY_PARAM, `$1${REDACTED}`);
  if (out.includes('%')) out = out.replace(QUERY_PARAM_ENCODED, `$1${REDACTED}`);
  out = out.replace(HEADER, `$1$2${REDACTED}`);
  out = out.replace(KEY_VALUE, `$1$2${REDACTED}`);
  if (out.includes('<')) out = out.replace(XML_SECRET, `<$1>${REDACTED}</$1>`);
  out = out.replace(BEARER, `$1$2${REDACTED}`);
  out = out.replace(AWS_KEY_ID, REDACTED);
  return out;
}

// Object keys whose whole value is a secret (compared lower-cased, without '-', '_', spaces).
const SENSITIVE_KEY_EXACT = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'cookies',
  'setcookie',
  'xamzsecuritytoken',
  'xamzsignature',
  'xamzcredential',
  'xapikey',
  'auth',
  'basicauth',
  'proxyauth',
  'signature',
  'sig',
  'session',
  'sessionid',
]);
const SENSITIVE_KEY_PART = /password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|credential/;

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, '');
  return SENSITIVE_KEY_EXACT.has(k) || SENSITIVE_KEY_PART.test(k);
}

const MAX_DEPTH = 32;

function keyInfo(key: string): KeyInfo {
  if (literalDirty) literalRegex(); // may clear the cache
  let info = keyCache.get(key);
  if (!info) {
    info = { safe: redactText(key), sensitive: isSensitiveKey(key) };
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(key, info);
  }
  return info;
}

/** Deep copy of `v` with every string scrubbed and the values of secret-named keys replaced.
 * Handles plain objects, arrays, Errors (message, stack, cause, errors, own fields; prototype kept
 * so `instanceof` still works), Map, Set, objects with toJSON (URL), and cycles. Never mutates `v`.
 * Dates, buffers and typed arrays are returned as they are. */
export function redactValue<T>(v: T): T {
  return walk(v, new Map(), 0) as T;
}

function secretValue(v: unknown, key: string): unknown {
  // Booleans/null say nothing secret ("hasToken: true"), nor do numbers under token-ish keys
  // (maxTokens: 5); anything else is replaced whole.
  if (v === null || v === undefined || typeof v === 'boolean') return v;
  if (typeof v === 'number' && /token/i.test(key)) return v;
  return REDACTED;
}

function walk(v: unknown, seen: Map<object, unknown>, depth: number): unknown {
  if (typeof v === 'string') return redactText(v);
  if (typeof v !== 'object' || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (depth >= MAX_DEPTH) return '[Depth]';
  const d = depth + 1;

  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const item of v) out.push(walk(item, seen, d));
    return out;
  }
  if (v instanceof Error) return walkError(v, seen, d);
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(v, out);
    for (const [k, val] of v) {
      const sensitive = typeof k === 'string' && keyInfo(k).sensitive;
      out.set(walk(k, seen, d), sensitive ? secretValue(val, k as string) : walk(val, seen, d));
    }
    return out;
  }
  if (v instanceof Set) {
    const out = new Set<unknown>();
    seen.set(v, out);
    for (const item of v) out.add(walk(item, seen, d));
    return out;
  }
  if (v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;

  const proto: unknown = Object.getPrototypeOf(v);
  const plain = proto === Object.prototype || proto === null;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (!plain && typeof toJSON === 'function') {
    // What JSON.stringify (and pino) would print, e.g. URL → href.
    let json: unknown;
    try {
      json = toJSON.call(v);
    } catch {
      return '[Unserializable]';
    }
    const out = walk(json, seen, d);
    seen.set(v, out);
    return out;
  }
  // Plain objects and other class instances: own enumerable fields, as JSON would see them.
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  seen.set(v, out);
  for (const key of Object.keys(v)) {
    let val: unknown;
    try {
      val = (v as Record<string, unknown>)[key];
    } catch {
      val = '[Getter threw]';
    }
    const k = keyInfo(key);
    out[k.safe] = k.sensitive ? secretValue(val, key) : walk(val, seen, d);
  }
  return out;
}

function walkError(e: Error, seen: Map<object, unknown>, depth: number): Error {
  const out = Object.create(Object.getPrototypeOf(e)) as Error;
  seen.set(e, out);
  // Own properties include non-enumerable message, stack, cause (ES2022) and AggregateError.errors.
  for (const key of Object.getOwnPropertyNames(e)) {
    const desc = Object.getOwnPropertyDescriptor(e, key);
    if (!desc) continue;
    let val: unknown;
    try {
      val = 'value' in desc ? desc.value : (e as unknown as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    const safe = isSensitiveKey(key) ? secretValue(val, key) : walk(val, seen, depth);
    Object.defineProperty(out, key, {
      value: safe,
      enumerable: desc.enumerable ?? false,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
