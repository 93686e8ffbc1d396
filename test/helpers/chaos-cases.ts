// The chaos cases: each starts a fresh cluster of real processes (test/helpers/cluster.ts), does its
// damage at a moment chosen by watching the database, and reports the table row the issue asks for:
// videos, ready, lost, duplicate clips, orphan processes, seconds from fault to ready. The chaos
// script (scripts/chaos.ts) runs them all; test/chaos.test.ts runs the fast ones and asserts.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENCODE_SPEC, REMUX_SPEC, midStage, orphansAfter, startCluster, type Cluster, type VideoRow } from './cluster.ts';
import type { MediaSpec } from './media/index.ts';

export interface ChaosResult {
  case: string;
  videos: number;
  ready: number;
  /** Not ready and not failed with a typed error (stuck, or vanished). */
  lost: number;
  duplicateClips: number;
  extraObjects: number;
  orphans: number;
  /** From the fault to the last video ready (null when none became ready). */
  faultToReadyS: number | null;
  /** Typed failures, where the case expects them (disk full). */
  failedCodes: string[];
  redownloads: number;
  storeGets: number;
  /** Restart cases: from the restarted daemon's registration to its first stage run of the resumed video. */
  resumeS?: number;
  notes: string;
}

export interface ChaosCase {
  name: string;
  /** Runs in the test suite too (under a minute). */
  fast: boolean;
  run(opts?: CaseOptions): Promise<ChaosResult>;
}

export interface CaseOptions {
  /** The sources (default: 20 s 720p H.264 remuxed, 40 s 720p VP9 encoded). Tests pass shorter ones. */
  specs?: { remux: MediaSpec; encode: MediaSpec };
  /** Seconds after which a silent host is dead (default: the daemon's default, 30). */
  staleS?: number;
  log?: (msg: string) => void;
}

const ACTIVE = ['downloading', 'preprocessing', 'detecting', 'finalizing'];
/** `preprocessing` → `preprocess`: a stage's name for its video state. */
const stageName = (state: string) => ({ downloading: 'download', preprocessing: 'preprocess', detecting: 'detect', finalizing: 'finalize' })[state] ?? state;

type Kind = 'remux' | 'encode';
const specOf = (kind: Kind, o: CaseOptions = {}): MediaSpec => o.specs?.[kind] ?? (kind === 'remux' ? REMUX_SPEC : ENCODE_SPEC);

let clusterRuns = 0;

async function withCluster<T>(fn: (c: Cluster) => Promise<T>): Promise<T> {
  const c = await startCluster();
  try {
    return await fn(c);
  } finally {
    // CHAOS_LOGS=dir keeps every daemon's log lines and the stage runs, for a post-mortem.
    const root = process.env.CHAOS_LOGS;
    if (root) {
      const dir = path.join(root, `case-${++clusterRuns}`);
      await mkdir(dir, { recursive: true });
      for (const d of c.daemons) await writeFile(path.join(dir, `${d.name}.log`), d.logs.map((l) => JSON.stringify(l)).join('\n'));
      const { rows } = await c.db.query('SELECT video_id, stage, attempt, host_id, started_at, finished_at, wall_ms, ok, error_code, details FROM heaters.stage_runs ORDER BY started_at');
      await writeFile(path.join(dir, 'stage_runs.json'), JSON.stringify(rows, null, 1));
    }
    await c.close();
  }
}

async function finish(
  c: Cluster,
  name: string,
  ids: string[],
  faultAt: number,
  orphans: number,
  timeoutMs: number,
  notes = '',
): Promise<ChaosResult> {
  await c.waitSettled(ids, timeoutMs);
  const a = await c.audit(ids);
  return {
    case: name,
    videos: a.videos,
    ready: a.ready,
    lost: a.lost,
    duplicateClips: a.duplicateClips,
    extraObjects: a.extraObjects,
    orphans,
    faultToReadyS: a.lastReadyAt ? Math.max(0, (a.lastReadyAt.getTime() - faultAt) / 1000) : null,
    failedCodes: a.failed.map((f) => f.code ?? '?'),
    redownloads: a.redownloads,
    storeGets: a.storeGets,
    notes,
  };
}

/** kill -9 the daemon when the video reaches `state`; count what it leaves behind; restart it (same id, same disk). */
function daemonKill(state: string, kind: Kind, opts: { slow?: boolean; slowStore?: boolean } = {}): ChaosCase {
  return {
    name: `kill -9 daemon mid-${stageName(state)}, restart`,
    fast: state === 'preprocessing',
    run: (o = {}) =>
      withCluster(async (c) => {
        const spec = specOf(kind, o);
        const a = await c.startDaemon({ name: 'a', hostId: 'host-a' });
        const id = await c.ingest(await c.urlFor(spec, { slow: opts.slow }));
        // Finalize is one PUT of a few MB: with the store down from detection on, it is certainly mid-way.
        if (opts.slowStore) await c.waitFor(id, (v) => v.state === 'detecting', 180_000).then(() => c.storeProxy.down());
        await c.waitFor(id, midStage(state), 180_000);
        const kidsInfo = a.children();
        const kids = kidsInfo.map((k) => k.pid);
        a.kill('SIGKILL');
        const faultAt = Date.now();
        await a.exited;
        const orphans = await orphansAfter(kids, 5000);
        if (opts.slowStore) c.storeProxy.up();
        const restartAt = Date.now();
        const a2 = await c.startDaemon({ name: 'a2', hostId: 'host-a' });
        const registered = await a2.waitForLog((l) => l.msg === 'host registered');
        const r = await finish(c, `kill -9 daemon mid-${stageName(state)}, restart`, [id], faultAt, orphans.length, 180_000);
        const readyAfterRestart = r.faultToReadyS === null ? null : r.faultToReadyS - (restartAt - faultAt) / 1000;
        const { rows } = await c.db.query<{ started_at: Date }>(
          `SELECT started_at FROM heaters.stage_runs WHERE video_id = $1 AND details->'redrive'->>'reason' = 'restart' ORDER BY started_at LIMIT 1`,
          [id],
        );
        // From the moment the restarted daemon knew its id (its start-up cost under load is not the point).
        const resumeS = rows[0] ? (rows[0].started_at.getTime() - Number(registered.time)) / 1000 : undefined;
        const comms = [...new Set(kidsInfo.map((k) => k.comm))].join('+');
        return { ...r, resumeS, notes: `ready ${readyAfterRestart?.toFixed(1) ?? '–'} s after the restart; ${kids.length} children at the kill (${comms})` };
      }),
  };
}

/** kill -9 every Python worker of the daemon when the video reaches `state` (the daemon lives). */
function workerKill(state: string, kind: Kind, slow: boolean): ChaosCase {
  return {
    name: `kill -9 Python workers mid-${stageName(state)}`,
    fast: state === 'detecting',
    run: (o = {}) =>
      withCluster(async (c) => {
        const spec = specOf(kind, o);
        const a = await c.startDaemon({ name: 'a', hostId: 'host-a' });
        const id = await c.ingest(await c.urlFor(spec, { slow }));
        await c.waitFor(id, midStage(state), 180_000);
        const pythons = a.children().filter((k) => k.comm.startsWith('python'));
        for (const p of pythons) process.kill(p.pid, 'SIGKILL');
        const faultAt = Date.now();
        const r = await finish(c, `kill -9 Python workers mid-${stageName(state)}`, [id], faultAt, 0, 180_000);
        return { ...r, notes: `${pythons.length} workers killed; daemon ${a.running() ? 'alive' : 'DEAD'}` };
      }),
  };
}

/** SIGTERM the daemon (grace 2 s) when the video reaches `state`, then start the next daemon on the same disk. */
function sigterm(state: string, kind: Kind, slow: boolean, storeDown = false): ChaosCase {
  return {
    name: `SIGTERM mid-${stageName(state)}, next daemon`,
    fast: state === 'preprocessing',
    run: (o = {}) =>
      withCluster(async (c) => {
        const spec = specOf(kind, o);
        const a = await c.startDaemon({ name: 'a', hostId: 'host-a' });
        const id = await c.ingest(await c.urlFor(spec, { slow }));
        if (storeDown) await c.waitFor(id, (v) => v.state === 'detecting', 180_000).then(() => c.storeProxy.down());
        await c.waitFor(id, midStage(state), 180_000);
        const kids = a.children().map((k) => k.pid);
        a.kill('SIGTERM');
        const faultAt = Date.now();
        await a.exited;
        const orphans = await orphansAfter(kids, 5000);
        const v = await c.waitFor(id, () => true);
        c.storeProxy.up();
        await c.startDaemon({ name: 'a2', hostId: 'host-a' });
        const r = await finish(c, `SIGTERM mid-${stageName(state)}, next daemon`, [id], faultAt, orphans.length, 180_000);
        return { ...r, notes: `state at exit: ${v.state}` };
      }),
  };
}

/** Two hosts on separate disks; kill -9 the one holding a video mid-chain and never restart it. */
function hostDies(): ChaosCase {
  return {
    name: 'two hosts, one killed for good',
    fast: true,
    run: (o = {}) =>
      withCluster(async (c) => {
        const env: Record<string, string> = o.staleS ? { HEATERS_HOST_STALE_S: String(o.staleS) } : {};
        // Same work path, two tmpfs disks: neither host can see the other's files.
        const workDir = `${c.root}/disks/shared-path`;
        const a = await c.startDaemon({ name: 'a', hostId: 'host-a', workDir, tmpfs: '1g', env });
        const ids = [await c.ingest(await c.urlFor(specOf('encode', o))), await c.ingest(await c.urlFor(specOf('remux', o)))];
        // Only A runs at first, so A holds both chains; B joins before the kill.
        await c.waitFor(ids[0]!, (v) => v.state === 'preprocessing' && v.host_id === 'host-a', 180_000);
        const b = await c.startDaemon({ name: 'b', hostId: 'host-b', workDir, tmpfs: '1g', env });
        const onA = (await Promise.all(ids.map((id) => c.waitFor(id, () => true)))).filter((v: VideoRow) => v.host_id === 'host-a' && ACTIVE.includes(v.state)).length;
        const kids = a.children().map((k) => k.pid);
        a.kill('SIGKILL');
        const faultAt = Date.now();
        await a.exited;
        const orphans = await orphansAfter(kids, 5000);
        const r = await finish(c, 'two hosts, one killed for good', ids, faultAt, orphans.length, 240_000);
        const took = b.logs.filter((l) => l.msg === 'took over video').length;
        return { ...r, notes: `${onA} in flight on A at the kill; B took over ${took}` };
      }),
  };
}

function pgRestart(): ChaosCase {
  return {
    name: 'PostgreSQL restarted (fast stop, 5 s down), 6 in flight',
    fast: true,
    run: (o = {}) =>
      withCluster(async (c) => {
        const a = await c.startDaemon({ name: 'a', hostId: 'host-a' });
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) ids.push(await c.ingest(await c.urlFor(specOf(i % 2 ? 'remux' : 'encode', o))));
        await c.waitFor(ids[0]!, (v) => v.state === 'preprocessing', 180_000);
        const faultAt = Date.now();
        await c.pg.restart(5000);
        const r = await finish(c, 'PostgreSQL restarted (fast stop, 5 s down), 6 in flight', ids, faultAt, 0, 240_000);
        return { ...r, notes: `daemon ${a.running() ? 'up' : 'DOWN'} after the restart` };
      }),
  };
}

function storeDown(): ChaosCase {
  return {
    name: 'object store down 30 s during finalize',
    fast: false,
    run: (o = {}) =>
      withCluster(async (c) => {
        await c.startDaemon({ name: 'a', hostId: 'host-a' });
        const id = await c.ingest(await c.urlFor(specOf('remux', o)));
        await c.waitFor(id, (v) => v.state === 'detecting' || v.state === 'finalizing', 180_000);
        c.storeProxy.down();
        const faultAt = Date.now();
        await c.waitFor(id, (v) => v.state === 'finalizing', 60_000).catch(() => undefined);
        await sleep(30_000);
        c.storeProxy.up();
        const r = await finish(c, 'object store down 30 s during finalize', [id], faultAt, 0, 240_000);
        return { ...r, notes: 'store back at +30 s' };
      }),
  };
}

function diskFull(): ChaosCase {
  return {
    name: 'work disk full during preprocess (24 MB tmpfs)',
    fast: false,
    run: (o = {}) =>
      withCluster(async (c) => {
        // The 2 MB source fits; the encode's analysis frames (~52 MB) do not.
        const a = await c.startDaemon({ name: 'a', hostId: 'host-a', tmpfs: '24m', env: { HEATERS_IO_WORKERS_MAX: '1' } });
        const id = await c.ingest(await c.urlFor(specOf('encode', o)));
        const faultAt = Date.now();
        await c.waitSettled([id], 240_000);
        const { rows } = await c.db.query<{ n: string }>(`SELECT count(*) AS n FROM heaters.artefacts WHERE video_id = $1`, [id]);
        // The daemon keeps serving: a small video after the failure is ready.
        const small = await c.ingest(await c.urlFor({ kind: 'h264_aac_mp4', durationS: 2, cutsAtS: [1] }));
        await c.waitSettled([small], 60_000);
        const r = await finish(c, 'work disk full during preprocess (24 MB tmpfs)', [id, small], faultAt, 0, 60_000);
        return { ...r, notes: `${rows[0]?.n ?? '?'} artefacts stored for the big video; daemon ${a.running() ? 'alive' : 'DEAD'}` };
      }),
  };
}

export const CHAOS_CASES: ChaosCase[] = [
  workerKill('downloading', 'encode', true),
  workerKill('detecting', 'remux', false),
  daemonKill('downloading', 'encode', { slow: true }),
  daemonKill('preprocessing', 'encode'),
  daemonKill('detecting', 'remux'),
  daemonKill('finalizing', 'remux', { slowStore: true }),
  hostDies(),
  pgRestart(),
  storeDown(),
  diskFull(),
  sigterm('downloading', 'encode', true),
  sigterm('preprocessing', 'encode', false),
  sigterm('detecting', 'remux', false),
  sigterm('finalizing', 'remux', false, true),
];
