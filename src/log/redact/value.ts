// The scrubber of values: a deep copy of anything a log line or a stored error may carry (objects,
// arrays, Errors, Maps, Sets) with every string scrubbed and the values of secret-named keys replaced.
import { REDACTED } from './patterns.ts';
import { secretsGeneration } from './secrets.ts';
import { redactText } from './text.ts';

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

// Object keys repeat from line to line (videoId, stage, ...): remember what each one scrubs to and
// whether its value is secret. Cleared when the literal secrets change; bounded.
interface KeyInfo {
  safe: string;
  sensitive: boolean;
}
const keyCache = new Map<string, KeyInfo>();
const KEY_CACHE_MAX = 2000;
let keyCacheGeneration = -1;

function keyInfo(key: string): KeyInfo {
  const gen = secretsGeneration();
  if (gen !== keyCacheGeneration) {
    keyCache.clear();
    keyCacheGeneration = gen;
  }
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
