// The thumbnail strip of a video for the review page: one JPEG sprite sheet plus an index, made in
// one cheap ffmpeg pass over the local proxy that decodes only keyframes (`-skip_frame nokey`: one
// frame per GOP, no inter frames), so it costs a small fraction of a full decode. Tile i shows the
// picture at index.times[i] (a keyframe time; evenly thinned to at most MAX_TILES). Stored once per
// video as the `thumbs` artefact, the index in its details.
import { readFile, rm, stat } from 'node:fs/promises';
import { execa } from 'execa';
import { upsertArtefact, type Db } from '../db/index.ts';
import { dieWithParent } from '../media/child.ts';
import type { ObjectStore, OpCounts } from '../storage/index.ts';

export const TILE_WIDTH = 160;
export const COLUMNS = 20;
export const MAX_TILES = 400;

export type ThumbIndex = {
  times: number[];
  width: number;
  height: number;
  columns: number;
  rows: number;
  count: number;
};

/**
 * Write the sprite sheet of `proxy` to `out` (JPEG). `keyframes` are the proxy's keyframe times;
 * `size` its picture size. Returns the index, or throws an Error with ffmpeg's last lines.
 */
export async function makeThumbStrip(
  ffmpeg: string,
  proxy: string,
  out: string,
  opts: { keyframes: readonly number[]; signal?: AbortSignal },
): Promise<ThumbIndex> {
  const all = [...opts.keyframes].sort((a, b) => a - b);
  if (all.length === 0) throw new Error('no keyframe times');
  const step = Math.max(1, Math.ceil(all.length / MAX_TILES));
  const times = all.filter((_, i) => i % step === 0);
  const rows = Math.ceil(times.length / COLUMNS);
  const filter = `${step > 1 ? `select='not(mod(n\\,${step}))',` : ''}scale=${TILE_WIDTH}:-2:flags=fast_bilinear,tile=${COLUMNS}x${rows}`;
  const [file, args] = dieWithParent(ffmpeg, [
    '-nostdin', '-v', 'error', '-y',
    '-skip_frame', 'nokey', '-i', proxy,
    '-an', '-sn', '-fps_mode', 'passthrough',
    '-vf', filter,
    '-frames:v', '1', '-q:v', '5',
    out,
  ]);
  await execa(file, args, { cancelSignal: opts.signal, stdin: 'ignore', stdout: 'ignore' });
  const size = jpegSize(await readFile(out));
  if (!size || size.width !== TILE_WIDTH * COLUMNS) throw new Error(`unexpected sprite sheet size ${JSON.stringify(size)}`);
  return { times, width: TILE_WIDTH, height: Math.round(size.height / rows), columns: COLUMNS, rows, count: times.length };
}

/** Width and height from a JPEG's start-of-frame marker. */
export function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return undefined;
}

/** Make, store and record a video's strip (the finalize stage calls it with the local proxy). */
export async function storeThumbStrip(o: {
  ffmpeg: string;
  db: Db;
  store: ObjectStore;
  videoId: string;
  proxyPath: string;
  keyframes: readonly number[];
  signal?: AbortSignal;
}): Promise<{ ms: number; bytes: number; tiles: number; ops: OpCounts }> {
  const t0 = performance.now();
  const out = `${o.proxyPath}.thumbs.jpg`;
  try {
    const index = await makeThumbStrip(o.ffmpeg, o.proxyPath, out, { keyframes: o.keyframes, signal: o.signal });
    const bytes = (await stat(out)).size;
    const key = `videos/${o.videoId}/thumbs-${index.count}x${index.height}.jpg`;
    const put = await o.store.put(key, out, { contentType: 'image/jpeg' });
    await upsertArtefact(o.db, {
      videoId: o.videoId,
      kind: 'thumbs',
      storeUri: o.store.uri(key),
      objectKey: key,
      bytes: put.bytes,
      sha256: put.sha256,
      contentType: 'image/jpeg',
      details: index,
    });
    return { ms: Math.round(performance.now() - t0), bytes, tiles: index.count, ops: put.ops };
  } finally {
    await rm(out, { force: true });
  }
}
