// Idempotency keys of videos and sources. Where the extractor has a real id (`youtube:dQw4w9WgXcQ`),
// that id is the key, so every URL of one video is one video. The generic extractor's id is only the
// file or page name, no identity: there the URL keys the video (db/idempotency.ts), so two files both
// named talk.mp4 under different paths stay two videos.
import { createHash } from 'node:crypto';
import { idempotencyKeyFor, normalizeSourceUrl } from '../db/index.ts';

const sha = (material: unknown) => createHash('sha256').update(JSON.stringify(material)).digest('hex');

/** Key of a video by canonical id; `master` changes what is produced, so it is part of the key. */
export function canonicalKey(canonical: string, master: boolean): string {
  return sha({ v: 2, id: canonical, master });
}

/** Key of an entry: canonical when it has one, else its URL (and its item, for a page's n-th video). */
export function entryKey(e: { url: string; canonical?: string | null; playlistItem?: number | null }, master: boolean): string {
  if (e.canonical) return canonicalKey(e.canonical, master);
  if (e.playlistItem) return sha({ v: 2, url: normalizeSourceUrl(e.url), item: e.playlistItem, master });
  return idempotencyKeyFor(e.url, { master });
}

/** Key of a source (playlist, channel, page): its canonical id, else its URL. */
export function sourceKey(s: { url: string; canonical?: string | null }): string {
  return sha({ v: 1, source: s.canonical ?? normalizeSourceUrl(s.url) });
}
