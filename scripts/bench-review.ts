// Benchmark (not a test): review latency on a 60-minute video with 600 clips, through the real HTTP
// listener (Fastify on loopback) and PostgreSQL. Reviewers claim the next clip and act on it (approve,
// skip, archive, group, merge, split, and an undo now and then) as fast as they can; we report claim,
// act and undo latency percentiles. Target: claim and act p95 <= 50 ms on this machine.
//   node scripts/bench-review.ts [--reviewers 4] [--json]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { table } from '../src/cli/format.ts';
import { loadConfig } from '../src/config.ts';
import { createDb, migrate } from '../src/db/index.ts';
import { buildHttp } from '../src/http/index.ts';
import { createLogger } from '../src/log/index.ts';
import { Metrics } from '../src/metrics/index.ts';
import { FsStore } from '../src/storage/index.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({ options: { reviewers: { type: 'string', default: '4' }, json: { type: 'boolean', default: false } } });
const REVIEWERS = Number(values.reviewers);
const FPS = 30;
const CLIPS = 600;
const FRAMES = 60 * 60 * FPS; // 60 minutes
const PER = FRAMES / CLIPS; // 180 frames = 6 s a clip

const pgServer = await startTestPostgres();
const db = createDb(pgServer.url, { max: 20 });
const scratch = await mkdtemp(path.join(os.tmpdir(), 'heaters-bench-review-'));
const logger = createLogger({ level: (process.env.LOG_LEVEL as 'error' | undefined) ?? 'silent' });
try {
  await migrate(db);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO heaters.videos (source_url, idempotency_key, state, probe, duration_s, keyframe_times, ready_at)
     VALUES ('bench://60min', 'bench-review', 'ready', $1, 3600, $2, now()) RETURNING id`,
    [JSON.stringify({ video: { fps: FPS, frameCount: FRAMES } }), Array.from({ length: 1800 }, (_, i) => i * 2)],
  );
  const videoId = rows[0]!.id;
  await db.query(
    `INSERT INTO heaters.clips (video_id, idx, start_frame, end_frame, start_s, end_s, keyframe_s)
     SELECT $1, i, i * $2, (i + 1) * $2, i * $2 / $3::float8, (i + 1) * $2 / $3::float8, floor(i * $2 / $3::float8 / 2) * 2
     FROM generate_series(0, $4 - 1) i`,
    [videoId, PER, FPS, CLIPS],
  );
  const cfg = loadConfig({ HEATERS_DATA_DIR: scratch, LOG_LEVEL: 'silent' });
  const stats = (name: string) => ({ name, size: 1, available: 1, busy: 0, waiting: 0, spawned: 1, recycled: 0, crashed: 0 });
  const app = await buildHttp(
    {
      cfg,
      db,
      store: new FsStore({ root: path.join(scratch, 'store') }),
      logger,
      metrics: new Metrics('bench'),
      ioPool: { stats: () => stats('io') as never },
      cpuPool: { stats: () => stats('cpu') as never },
    },
    {},
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const post = async (p: string, body: unknown) => {
    const r = await fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as { clip?: { id: string; startFrame: number; endFrame: number } | null; error?: string } };
  };
  const lat: Record<'claim' | 'act' | 'undo', number[]> = { claim: [], act: [], undo: [] };
  const refused: Record<string, number> = {};
  const timed = async <T>(kind: keyof typeof lat, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    lat[kind].push(performance.now() - t0);
    return r;
  };
  const ACTIONS = ['approve', 'approve', 'approve', 'skip', 'archive', 'group', 'split', 'merge'];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: REVIEWERS }, async (_, r) => {
      const reviewer = `bench-${r}`;
      for (let n = 0; ; n++) {
        const claimed = await timed('claim', () => post('/api/review/next', { reviewer }));
        const clip = claimed.body.clip;
        if (!clip) return;
        const action = ACTIONS[n % ACTIONS.length]!;
        const body = action === 'split' ? { reviewer, frame: Math.floor((clip.startFrame + clip.endFrame) / 2) } : { reviewer };
        const res = await timed('act', () => post(`/api/clips/${clip.id}/${action}`, body));
        if (res.status !== 200) {
          refused[`${action}:${res.body.error}`] = (refused[`${action}:${res.body.error}`] ?? 0) + 1;
          // A refused group/merge (e.g. the previous clip is claimed by another reviewer): approve instead.
          await timed('act', () => post(`/api/clips/${clip.id}/approve`, { reviewer }));
        }
        if (n % 10 === 9) {
          await timed('undo', () => post('/api/review/undo', { reviewer }));
          await timed('undo', () => post('/api/review/redo', { reviewer }));
        }
      }
    }),
  );
  const wall = performance.now() - t0;
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
  };
  const { rows: left } = await db.query<{ n: number }>(`SELECT count(*)::int n FROM heaters.clips WHERE video_id = $1`, [videoId]);
  const out = Object.entries(lat).map(([kind, xs]) => ({ kind, n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: pct(xs, 100) }));
  if (values.json) {
    console.log(JSON.stringify({ reviewers: REVIEWERS, clips: CLIPS, clipsAfter: left[0]!.n, wallMs: wall, refused, latency: out }, null, 2));
  } else {
    console.log(`60-minute video, ${CLIPS} clips (${left[0]!.n} after splits and merges), ${REVIEWERS} reviewers in parallel, ${(wall / 1000).toFixed(1)} s wall`);
    console.log(table(['request', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], out.map((o) => [o.kind, o.n, o.p50.toFixed(1), o.p95.toFixed(1), o.p99.toFixed(1), o.max.toFixed(1)])));
    if (Object.keys(refused).length) console.log(`refused (then approved): ${JSON.stringify(refused)}`);
    const ok = out.filter((o) => o.kind !== 'undo').every((o) => o.p95 <= 50);
    console.log(`target claim and act p95 <= 50 ms: ${ok ? 'met' : 'NOT met'}`);
  }
  await app.close();
} finally {
  await db.end();
  await pgServer.stop();
  await rm(scratch, { recursive: true, force: true });
}
