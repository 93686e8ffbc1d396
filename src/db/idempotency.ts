// The idempotency key of an ingest: the same source with the same output-changing options is the
// same video. Only `master` changes what we produce (detect params only change clips, which are
// re-detectable per video), so only it joins the URL in the key.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type IdempotencyOptions = { master?: boolean | undefined } | undefined;

/** Lower-case scheme and host, no fragment; absolute paths become file:// URLs. */
export function normalizeSourceUrl(url: string): string {
  const s = url.trim();
  if (path.isAbsolute(s) && !s.startsWith('//')) return pathToFileURL(path.normalize(s)).href;
  try {
    const u = new URL(s); // WHATWG URL lower-cases scheme and host, drops default ports
    u.hash = '';
    return u.href;
  } catch {
    return s;
  }
}

export function idempotencyKeyFor(url: string, options?: IdempotencyOptions): string {
  const material = JSON.stringify({ v: 1, url: normalizeSourceUrl(url), master: options?.master === true });
  return createHash('sha256').update(material).digest('hex');
}
