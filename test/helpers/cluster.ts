// A small Heaters cluster of real processes for crash tests, the chaos script and the hosts bench:
// Debian's PostgreSQL (stoppable), s3rver behind a TCP proxy (so the store can go down or crawl),
// test media over loopback, and any number of daemon processes. It sends ingests the way any
// program does (pg-boss), watches the videos in the database, and audits the outcome: ready, lost,
// duplicate clips, store objects per video, orphan processes.
import { link, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { endPool, migrate } from '../../src/db/index.ts';
import { awaitIngest, sendIngest, startBoss } from '../../src/queue/index.ts';
import { testLogger } from './common.ts';
import { spawnDaemon, stopDaemon, type DaemonProcess, type SpawnDaemonOptions } from './daemon-process.ts';
import { generate, type MediaSpec } from './media/index.ts';
import { startMediaServer, type MediaServer } from './media-server.ts';
import { startPgServer, type PgServer } from './pg-server.ts';
import { isAlive } from './procs.ts';
import { startS3rver, type S3rverHandle } from './s3rver.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/** The two kinds of source the chaos cases use: one remuxed, one encoded (40 s 720p VP9 by default). */
export const REMUX_SPEC: MediaSpec = { kind: 'h264_aac_mp4', width: 1280, height: 720, fps: 30, durationS: 20, cutsAtS: [5, 11, 16] };
export const ENCODE_SPEC: MediaSpec = { kind: 'vp9_opus_webm', width: 1280, height: 720, fps: 30, durationS: 40, cutsAtS: [8, 17, 26, 33] };

export interface Cluster {
  pg: PgServer;
  db: pg.Pool;
  boss: PgBoss;
  s3: S3rverHandle;
  storeProxy: TcpProxy;
  media: MediaServer;
  root: string;
  daemons: DaemonProcess[];
  /** Environment every daemon of this cluster gets. */
  env: Record<string, string>;
  startDaemon(o: Omit<SpawnDaemonOptions, 'env' | 'workDir'> & { env?: Record<string, string>; workDir?: string }): Promise<DaemonProcess>;
  /** A fresh URL for the spec's file (a new video each call); `slow`: paced at ~100 KB/s. */
  urlFor(spec: MediaSpec, opts?: { slow?: boolean }): Promise<string>;
  ingest(url: string): Promise<string>;
  /** Resolves when `pred` holds for the video's row. */
  waitFor(videoId: string, pred: (v: VideoRow) => boolean, timeoutMs?: number): Promise<VideoRow>;
  waitSettled(ids: string[], timeoutMs: number): Promise<VideoRow[]>;
  audit(ids: string[]): Promise<Audit>;
  close(): Promise<void>;
}

export type VideoRow = {
  id: string;
  state: string;
  host_id: string | null;
  error_code: string | null;
  ready_at: Date | null;
  frames: number | null;
  progress: { stage?: string; percent?: number } | null;
};

/** The video is in `state` and its stage has reported progress: the work itself is under way. */
export const midStage = (state: string) => (v: VideoRow) =>
  v.state === state && (state === 'finalizing' || v.progress?.stage === { downloading: 'download', preprocessing: 'preprocess', detecting: 'detect' }[state]);

export interface Audit {
  videos: number;
  ready: number;
  failed: Array<{ id: string; code: string | null }>;
  /** Neither ready nor failed with a typed code: stuck. */
  lost: number;
  /** Clips beyond a clean partition of each video (overlaps, repeats). */
  duplicateClips: number;
  /** Store objects beyond one per artefact row. */
  extraObjects: number;
  /** Store GETs and downloads (incl. re-downloads) recorded by the stage runs. */
  storeGets: number;
  downloads: number;
  redownloads: number;
  lastReadyAt: Date | null;
}

export async function startCluster(): Promise<Cluster> {
  const logger = testLogger();
  const root = await mkdtemp(path.join(os.tmpdir(), 'heaters-cluster-'));
  const pgs = await startPgServer();
  const db = new pg.Pool({ connectionString: pgs.url, max: 4 });
  db.on('error', () => undefined); // the server may be restarted under us
  await migrate(db, { logger });
  const boss = await startBoss({ url: pgs.url, logger });
  const s3 = await startS3rver();
  const storeProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(s3.endpoint).port) });
  const mediaDir = path.join(root, 'media');
  await mkdir(mediaDir, { recursive: true });
  const media = await startMediaServer(mediaDir);
  const daemons: DaemonProcess[] = [];
  const env = {
    DATABASE_URL: pgs.url,
    ...s3.daemonEnv(storeProxy.url()), // through the proxy that can take the store down
    HEATERS_DATA_DIR: path.join(root, 'data'),
    HEATERS_SHUTDOWN_GRACE_S: '2',
    HEATERS_HEARTBEAT_S: '1',
  };
  let copies = 0;
  const cluster: Cluster = {
    pg: pgs,
    db,
    boss,
    s3,
    storeProxy,
    media,
    root,
    daemons,
    env,
    async startDaemon(o) {
      const workDir = o.workDir ?? path.join(root, 'work', o.hostId);
      await mkdir(workDir, { recursive: true }); // a tmpfs is mounted on it inside the daemon's namespace
      const d = await spawnDaemon({ ...o, workDir, env: { ...env, ...(o.env ?? {}) } });
      daemons.push(d);
      return d;
    },
    async urlFor(spec, o = {}) {
      const file = await generate(spec);
      const name = `v${++copies}${path.extname(file)}`;
      await link(file, path.join(mediaDir, name)); // a hard link: a new URL, no copy
      return media.url(o.slow ? `/__/slow/${name}` : `/${name}`);
    },
    async ingest(url) {
      const sent = await sendIngest(boss, { url });
      return (await awaitIngest(boss, sent.id, { timeoutMs: 60_000 })).videoId;
    },
    async waitFor(videoId, pred, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await readVideo(db, videoId).catch(() => undefined); // the database may be restarting
        if (v && pred(v)) return v;
        if (Date.now() > deadline) throw new Error(`video ${videoId}: condition not met within ${timeoutMs} ms (now ${JSON.stringify(v)})`);
        await sleep(20);
      }
    },
    async waitSettled(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await Promise.all(ids.map((id) => readVideo(db, id).catch(() => undefined)));
        if (rows.every((r) => r && (r.state === 'ready' || r.state === 'failed'))) return rows as VideoRow[];
        if (Date.now() > deadline) return rows.filter((r): r is VideoRow => !!r);
        await sleep(100);
      }
    },
    async audit(ids) {
      const { rows: vids } = await db.query<{ id: string; state: string; error_code: string | null; ready_at: Date | null }>(
        'SELECT id, state, error_code, ready_at FROM heaters.videos WHERE id = ANY($1)',
        [ids],
      );
      const { rows: clips } = await db.query<{ video_id: string; start_frame: number; end_frame: number }>(
        'SELECT video_id, start_frame, end_frame FROM heaters.clips WHERE video_id = ANY($1) ORDER BY video_id, start_frame, end_frame',
        [ids],
      );
      let duplicateClips = 0;
      for (let i = 1; i < clips.length; i++) {
        const a = clips[i - 1]!;
        const b = clips[i]!;
        if (a.video_id === b.video_id && b.start_frame < a.end_frame) duplicateClips++;
      }
      const { rows: arts } = await db.query<{ n: string }>('SELECT count(*) AS n FROM heaters.artefacts WHERE video_id = ANY($1)', [ids]);
      const objects = await countObjects(s3.directory, s3.bucket, ids);
      const { rows: runs } = await db.query<{ stage: string; store_ops: Record<string, number> | null; details: Record<string, unknown> | null }>(
        'SELECT stage, store_ops, details FROM heaters.stage_runs WHERE video_id = ANY($1)',
        [ids],
      );
      const downloads = runs.filter((r) => typeof r.details?.downloadedBytes === 'number').length;
      const ready = vids.filter((v) => v.state === 'ready');
      const failed = vids.filter((v) => v.state === 'failed');
      return {
        videos: ids.length,
        ready: ready.length,
        failed: failed.map((v) => ({ id: v.id, code: v.error_code })),
        lost: ids.length - ready.length - failed.filter((v) => v.error_code).length,
        duplicateClips,
        extraObjects: Math.max(0, objects - Number(arts[0]?.n ?? 0)),
        storeGets: runs.reduce((n, r) => n + Number(r.store_ops?.get ?? 0), 0),
        downloads,
        redownloads: Math.max(0, downloads - ids.length),
        lastReadyAt: ready.reduce<Date | null>((m, v) => (v.ready_at && (!m || v.ready_at > m) ? v.ready_at : m), null),
      };
    },
    async close() {
      for (const d of daemons) await stopDaemon(d, 10_000).catch(() => undefined);
      await boss.stop({ graceful: false, close: true }).catch(() => undefined);
      await endPool(db).catch(() => undefined);
      await media.stop();
      await storeProxy.close();
      await s3.stop();
      await pgs.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

async function readVideo(db: pg.Pool, id: string): Promise<VideoRow | undefined> {
  const { rows } = await db.query<VideoRow>(
    `SELECT id, state, host_id, error_code, ready_at, progress, (probe->'video'->>'frameCount')::int AS frames FROM heaters.videos WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Objects s3rver holds under videos/<id>/ for these videos (read from its directory). */
async function countObjects(dir: string, bucket: string, ids: string[]): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const files = await readdir(path.join(dir, bucket, 'heaters', 'videos', id)).catch(() => [] as string[]);
    n += files.filter((f) => f.endsWith('._S3rver_object')).length;
  }
  return n;
}

/** Pids of `d`'s descendants that are still alive `afterMs` after a kill: the orphans. */
export async function orphansAfter(pids: number[], afterMs: number): Promise<number[]> {
  const deadline = Date.now() + afterMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(100);
  return pids.filter(isAlive);
}
