// Masters on demand. `master` (and `exact`, when a master is stored) needs the video's lossless FFV1
// master on local disk. In order:
//   stored, in a class readable at once (STANDARD, GLACIER_IR, ...) → one GET;
//   stored in an archive class (GLACIER, DEEP_ARCHIVE) → S3 RestoreObject, then HEAD until the
//     restored copy is readable (the export job is re-queued meanwhile: `restore_pending`);
//   never made → download the source again (I/O pool), make the master from it with one FFV1/FLAC
//     encode, store it (its configured storage class) and record it, so the next export finds it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { listArtefacts, upsertArtefact, type Artefact } from '../db/index.ts';
import { runDownload } from '../download/index.ts';
import { IngestOptions } from '../queue/index.ts';
import { accessArgs, getVideoOrigin } from '../sources/index.ts';
import { S3Store } from '../storage/index.ts';
import type { ObjectStore } from '../storage/index.ts';
import type { ExportDeps } from './deps.ts';
import { ExportError } from './errors.ts';
import { runFfmpeg } from './ffmpeg.ts';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Storage classes whose objects must be restored before a GET (GLACIER_IR is read directly). */
export const ARCHIVE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);
export const needsRestore = (storageClass: string | null | undefined) => !!storageClass && ARCHIVE_CLASSES.has(storageClass);

export type MasterVideo = { id: string; sourceUrl: string; options?: Record<string, unknown> };

export type Hydrated = { path: string; how: 'stored' | 'restored' | 'made'; storeOps: Record<string, number> };

export async function storedMaster(deps: Pick<ExportDeps, 'db'>, videoId: string): Promise<Artefact | undefined> {
  return (await listArtefacts(deps.db, videoId)).find((a) => a.kind === 'master');
}

/** Put the video's master at `dest`, by whichever way it can be had (see the file comment). */
export async function hydrateMaster(
  deps: ExportDeps,
  video: MasterVideo,
  dest: string,
  opts: { signal?: AbortSignal | undefined; restoreDays?: number } = {},
): Promise<Hydrated> {
  const ops: Record<string, number> = {};
  const count = (o: object) => {
    for (const [k, v] of Object.entries(o)) if (typeof v === 'number') ops[k] = (ops[k] ?? 0) + v;
  };
  const master = await storedMaster(deps, video.id);
  if (master) {
    let how: Hydrated['how'] = 'stored';
    if (needsRestore(master.storageClass)) {
      await ensureRestored(deps.store, master.objectKey, opts.restoreDays ?? 3);
      how = 'restored';
    }
    count((await deps.store.get(master.objectKey, dest)).ops);
    return { path: dest, how, storeOps: ops };
  }
  await makeMaster(deps, video, dest, opts.signal);
  const sha256 = await sha256File(dest);
  const key = `videos/${video.id}/master-${sha256.slice(0, 16)}.mkv`;
  const storageClass = deps.cfg.storage.masterStorageClass;
  const put = await deps.store.put(key, dest, { contentType: 'video/x-matroska', sha256, ...(storageClass ? { storageClass } : {}) });
  count(put.ops);
  await upsertArtefact(deps.db, {
    videoId: video.id, kind: 'master', storeUri: deps.store.uri(key), objectKey: key, bytes: put.bytes, sha256: put.sha256,
    storageClass: storageClass ?? null, contentType: 'video/x-matroska',
  });
  return { path: dest, how: 'made', storeOps: ops };
}

/** Download the source again and encode the master from it (the same FFV1/FLAC settings as preprocess). */
const extractorArgsOf = (options: Record<string, unknown>) => {
  const parsed = IngestOptions.shape.extractorArgs.safeParse(options.extractorArgs);
  return parsed.success ? parsed.data : undefined;
};

async function makeMaster(deps: ExportDeps, video: MasterVideo, dest: string, signal?: AbortSignal): Promise<void> {
  const dir = path.join(path.dirname(dest), 'source');
  await fs.mkdir(dir, { recursive: true });
  const origin = await getVideoOrigin(deps.db, video.id);
  try {
    const res = await runDownload(
      deps.ioPool,
      {
        url: video.sourceUrl,
        dest_dir: dir,
        max_bytes: deps.cfg.download.maxBytes,
        timeout_s: Math.ceil(deps.cfg.download.timeoutMs / 1000),
        ffmpeg: deps.bins.ffmpeg,
        allow_private: deps.cfg.download.allowPrivate,
        ...(deps.cfg.download.localRoots ? { local_roots: deps.cfg.download.localRoots } : {}),
        // The same access as the ingest had: cookies, proxy, extractor args, a page's n-th video.
        ...accessArgs(deps.cfg, extractorArgsOf(video.options ?? {})),
        ...(origin?.playlistItem ? { playlist_item: origin.playlistItem } : {}),
      },
      signal ? { signal } : {},
    );
    await runFfmpeg(
      ['-i', res.path, '-map', '0:v:0', '-map', '0:a:0?', '-fps_mode', 'passthrough', '-c:v', 'ffv1', '-level', '3', '-g', '1',
        '-slicecrc', '1', '-c:a', 'flac', '-map_metadata', '-1', '-map_chapters', '-1', '-f', 'matroska', `${dest}.part`],
      { bins: deps.bins, signal },
    );
    await fs.rename(`${dest}.part`, dest);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rm(`${dest}.part`, { force: true });
  }
}

/**
 * Make an archived object readable: start a restore if none is running, and report whether the
 * restored copy is there. Throws `restore_pending` (retryable) while it is not; the stage re-queues.
 */
export async function ensureRestored(store: ObjectStore, key: string, days: number): Promise<void> {
  if (!(store instanceof S3Store)) return; // the filesystem store has no storage classes
  const Key = store.prefix ? `${store.prefix}/${key}` : key;
  const head = await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key }));
  const state = restoreState(head.StorageClass, head.Restore);
  if (state === 'readable') return;
  if (state === 'absent') {
    try {
      await store.client.send(new RestoreObjectCommand({ Bucket: store.bucket, Key, RestoreRequest: { Days: days, GlacierJobParameters: { Tier: 'Standard' } } }));
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name !== 'RestoreAlreadyInProgress') {
        throw new ExportError('restore_failed', `RestoreObject failed for the master: ${name ?? 'error'}`, { cause: e, retryable: true });
      }
    }
  }
  throw new ExportError('restore_pending', 'the master is being restored from its archive storage class', { retryable: true });
}

/** HEAD's StorageClass and Restore header → what to do. */
export function restoreState(storageClass: string | undefined, restore: string | undefined): 'readable' | 'ongoing' | 'absent' {
  if (!needsRestore(storageClass)) return 'readable';
  if (!restore) return 'absent';
  if (/ongoing-request="true"/.test(restore)) return 'ongoing';
  return /ongoing-request="false"/.test(restore) ? 'readable' : 'absent';
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}
