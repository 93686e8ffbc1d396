// The ingest chain, optimized (the real daemon) vs naive (the plan's "today"), side by side.
//
//   node scripts/bench-pipeline.ts [--json] [--store s3|fs] [--skip-naive]
//
// Samples: ~30 s 1280x720 30 fps, H.264/AAC and VP9/Opus, generated locally and served over loopback
// HTTP. Postgres: embedded in a temp dir unless DATABASE_URL is set. Store: s3rver on loopback (default)
// or the filesystem store.
//
// optimized = the daemon as shipped: pg-boss with LISTEN/NOTIFY handoffs, artefacts kept on local disk
//   between stages, remux when possible, master only when asked, warm Python pools, one PUT at the end.
// naive = the same building blocks composed the way the plan describes "today": every stage uploads its
//   output to the store and the next downloads it, handoffs through a polled pg-boss queue, always a
//   master, always a re-encode, a fresh Python process per task, and a HEAD check after each upload.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PgBoss } from 'pg-boss';
import { table } from '../src/cli/format.ts';
import { loadConfig } from '../src/config.ts';
import { startDaemon } from '../src/daemon.ts';
import { listStageRuns, startEmbeddedPostgres } from '../src/db/index.ts';
import { runDownload } from '../src/download/index.ts';
import { createLogger } from '../src/log/index.ts';
import { keyframeTimes, makeProxy, probe, resolveFfmpeg } from '../src/media/index.ts';
import { submitIngest } from '../src/pipeline/index.ts';
import { PythonWorker } from '../src/pool/index.ts';
import type { RunOptions } from '../src/pool/index.ts';
import { createStore } from '../src/storage/index.ts';
import type { ObjectStore } from '../src/storage/index.ts';
import { watchVideo } from '../src/cli/watch.ts';
import { ensureCutSample, SAMPLE_DIR, type SampleSpec } from '../test/helpers/media/index.ts';
import { startMediaServer } from '../test/helpers/media-server.ts';
import { freePort } from '../test/helpers/postgres.ts';
import { startS3rver } from '../test/helpers/s3rver.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    store: { type: 'string', default: 's3' },
    'skip-naive': { type: 'boolean', default: false },
  },
});

const SCENES = [6, 5, 7, 4, 8]; // 30 s
const SAMPLES: SampleSpec[] = [
  { width: 1280, height: 720, fps: 30, scenes: SCENES, codec: 'h264_aac' },
  { width: 1280, height: 720, fps: 30, scenes: SCENES, codec: 'vp9_opus' },
];
const STAGES = ['download', 'preprocess', 'detect', 'finalize'] as const;

interface StageFigures {
  wallMs: number;
  handoffMs: number | null;
  bytesUp: number;
  bytesDown: number;
  ops: number; // store requests of any kind
  encodes: number;
}
interface RunFigures {
  sample: string;
  mode: 'optimized' | 'naive';
  totalMs: number;
  stages: Record<string, StageFigures>;
  proxyBytes: number;
}

const logger = createLogger({ level: cfgLevel(process.env.LOG_LEVEL) });
const tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-bench-'));
const bins = await resolveFfmpeg();
const files = await Promise.all(SAMPLES.map((s) => ensureCutSample(s)));
const server = await startMediaServer(SAMPLE_DIR);

let stopPg: (() => Promise<void>) | undefined;
let dbUrl = process.env.DATABASE_URL;
if (!dbUrl) {
  const pgServer = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port: await freePort(), logger, ephemeral: true });
  dbUrl = pgServer.url;
  stopPg = () => pgServer.stop();
}
const s3 = values.store === 's3' ? await startS3rver() : undefined;
const env: Record<string, string> = {
  DATABASE_URL: dbUrl,
  HEATERS_DATA_DIR: path.join(tmp, 'data'),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  HEATERS_WORKER_MAX_TASKS: '1000',
  HEATERS_ALLOW_PRIVATE_URLS: 'true', // samples are served on loopback
  ...(s3
    ? {
        STORAGE_URL: `s3://${s3.bucket}/bench`,
        S3_ENDPOINT: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      }
    : {}),
};
const cfg = loadConfig(env);
const results: RunFigures[] = [];

// ---- optimized: the real daemon ----
{
  const daemon = await startDaemon(cfg, logger);
  try {
    for (const [i, file] of files.entries()) {
      const t0 = performance.now();
      const { videoId } = await submitIngest(daemon.deps, { url: `${server.url('/' + path.basename(file))}?run=${Date.now()}` });
      const v = await watchVideo(daemon.deps.db, videoId, { intervalMs: 20, out: devNull() });
      const totalMs = performance.now() - t0;
      if (v.state !== 'ready') throw new Error(`optimized run failed: ${v.errorCode}: ${v.errorMessage}`);
      const stages: Record<string, StageFigures> = {};
      for (const r of await listStageRuns(daemon.deps.db, videoId)) {
        // `requests` is the store's own count of every request it sent (PUT, GET, HEAD, multipart parts).
        const ops = Number(r.storeOps?.requests ?? 0);
        stages[r.stage] = {
          wallMs: r.wallMs ?? 0, handoffMs: r.handoffMs, bytesUp: Number(r.bytesUp ?? 0),
          bytesDown: Number(r.bytesDown ?? 0), ops, encodes: r.encodePasses ?? 0,
        };
      }
      results.push({ sample: SAMPLES[i]!.codec, mode: 'optimized', totalMs, stages, proxyBytes: stages.finalize?.bytesUp ?? 0 });
    }
  } finally {
    await daemon.stop();
  }
}

// ---- naive: the plan's "today" ----
if (!values['skip-naive']) {
  const store = createStore(cfg.storage, { logger });
  const boss = new PgBoss({ connectionString: dbUrl, schema: 'bench_naive' });
  await boss.start();
  await boss.createQueue('naive.handoff'); // no notify: workers find jobs by polling
  for (const [i, file] of files.entries()) {
    results.push(await naiveRun(SAMPLES[i]!.codec, `${server.url('/' + path.basename(file))}?naive=${Date.now()}`, store, boss));
  }
  await boss.stop({ graceful: false, close: true });
}

await server.stop();
await s3?.stop();
await stopPg?.();
await rm(tmp, { recursive: true, force: true });
print(results);

// A fresh Python process for one task: spawn, wait for ready (imports), run, close.
async function spawnRun(op: string, args: Record<string, unknown>, opts: RunOptions = {}) {
  const w = await PythonWorker.start({ python: cfg.python.executable, logger, name: 'spawn' });
  try {
    return await w.run(op, args, opts);
  } finally {
    await w.close(2000);
  }
}

// One pg-boss handoff through a polled queue, as a chain without LISTEN/NOTIFY would wait.
async function polledHandoff(boss: PgBoss): Promise<number> {
  const t0 = performance.now();
  let resolve!: () => void;
  const picked = new Promise<void>((r) => (resolve = r));
  const id = await boss.work('naive.handoff', { pollingIntervalSeconds: 2 }, async () => resolve());
  await boss.send('naive.handoff', {});
  await picked;
  const ms = performance.now() - t0;
  await boss.offWork('naive.handoff', { id, wait: false });
  return ms;
}

async function naiveRun(sample: string, url: string, store: ObjectStore, boss: PgBoss): Promise<RunFigures> {
  const dir = await mkdtemp(path.join(tmp, 'naive-'));
  const key = (n: string) => `naive/${path.basename(dir)}/${n}`;
  const stages: Record<string, StageFigures> = {};
  const t0 = performance.now();
  const timed = async (name: string, handoffMs: number | null, fn: (f: StageFigures) => Promise<void>) => {
    const f: StageFigures = { wallMs: 0, handoffMs, bytesUp: 0, bytesDown: 0, ops: 0, encodes: 0 };
    const s = performance.now();
    await fn(f);
    f.wallMs = Math.round(performance.now() - s);
    stages[name] = f;
  };
  const up = async (f: StageFigures, k: string, file: string) => {
    const r = await store.put(key(k), file);
    await store.exists(key(k)); // "today" verifies every upload with a HEAD
    f.bytesUp += r.bytes;
    f.ops += 2;
  };
  const down = async (f: StageFigures, k: string, file: string) => {
    const r = await store.get(key(k), file);
    f.bytesDown += r.bytes;
    f.ops += 1;
    return r.bytes;
  };
  let proxyBytes = 0;
  await timed('download', null, async (f) => {
    const res = await runDownload(
      { run: (op, args, opts) => spawnRun(op, args, opts) },
      { url, dest_dir: path.join(dir, 'dl'), max_bytes: cfg.download.maxBytes, timeout_s: 600, ffmpeg: bins.ffmpeg, allow_private: true },
    );
    await up(f, 'source', res.path);
  });
  await timed('preprocess', await polledHandoff(boss), async (f) => {
    const src = path.join(dir, 'source-in');
    await down(f, 'source', src);
    const p = await probe(src, bins);
    const res = await makeProxy({ src, dst: path.join(dir, 'proxy.mp4'), probe: p, mode: 'encode', master: path.join(dir, 'master.mkv'), bins });
    f.encodes = res.encodePasses;
    await keyframeTimes(res.proxyPath, bins);
    await up(f, 'proxy.mp4', res.proxyPath);
    await up(f, 'master.mkv', res.masterPath!);
  });
  await timed('detect', await polledHandoff(boss), async (f) => {
    const local = path.join(dir, 'proxy-in.mp4');
    await down(f, 'proxy.mp4', local);
    const p = await probe(local, bins);
    await spawnRun('detect_scenes', { path: local, fps: p.video!.fps, keyframe_times: await keyframeTimes(local, bins), ffmpeg: bins.ffmpeg });
  });
  await timed('finalize', await polledHandoff(boss), async (f) => {
    // Artefacts are already in the store; "today" re-reads the proxy to hash and record it.
    proxyBytes = await down(f, 'proxy.mp4', path.join(dir, 'proxy-final.mp4'));
  });
  await rm(dir, { recursive: true, force: true });
  return { sample, mode: 'naive', totalMs: performance.now() - t0, stages, proxyBytes };
}

function devNull(): NodeJS.WriteStream {
  return { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
}

function print(rs: RunFigures[]) {
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ machine: { cpus: os.cpus().length, node: process.version }, results: rs }, null, 2)}\n`);
    return;
  }
  const mb = (n: number) => (n / 1e6).toFixed(2);
  for (const sample of new Set(rs.map((r) => r.sample))) {
    const opt = rs.find((r) => r.sample === sample && r.mode === 'optimized');
    const nai = rs.find((r) => r.sample === sample && r.mode === 'naive');
    const rows: Array<Array<string | number | null>> = [];
    for (const st of STAGES) {
      const o = opt?.stages[st];
      const n = nai?.stages[st];
      rows.push([st, o?.wallMs ?? null, n?.wallMs ?? null, o?.handoffMs ?? null, n ? Math.round(n.handoffMs ?? 0) : null,
        o ? mb(o.bytesUp + o.bytesDown) : null, n ? mb(n.bytesUp + n.bytesDown) : null, o?.ops ?? null, n?.ops ?? null, o?.encodes ?? null, n?.encodes ?? null]);
    }
    const sum = (r: RunFigures | undefined, f: (s: StageFigures) => number) => (r ? Object.values(r.stages).reduce((a, s) => a + f(s), 0) : null);
    rows.push(['total (send→ready)', opt ? Math.round(opt.totalMs) : null, nai ? Math.round(nai.totalMs) : null,
      sum(opt, (s) => s.handoffMs ?? 0), nai ? Math.round(sum(nai, (s) => s.handoffMs ?? 0)!) : null,
      opt ? mb(sum(opt, (s) => s.bytesUp + s.bytesDown)!) : null, nai ? mb(sum(nai, (s) => s.bytesUp + s.bytesDown)!) : null,
      sum(opt, (s) => s.ops), sum(nai, (s) => s.ops), sum(opt, (s) => s.encodes), sum(nai, (s) => s.encodes)]);
    process.stdout.write(`\n${sample} 1280x720 30 fps, ${SCENES.reduce((a, b) => a + b, 0)} s (proxy ${mb(opt?.proxyBytes ?? 0)} MB)\n`);
    process.stdout.write(`${table(['stage', 'opt ms', 'naive ms', 'opt handoff', 'naive handoff', 'opt store MB', 'naive store MB', 'opt ops', 'naive ops', 'opt encodes', 'naive encodes'], rows)}\n`);
  }
}

function cfgLevel(v: string | undefined) {
  return loadConfig({ LOG_LEVEL: v ?? 'warn' }).log.level;
}
