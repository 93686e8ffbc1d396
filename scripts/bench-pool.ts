// Pooled vs spawn-per-task benchmark of the Python worker, on the ops the daemon runs.
//
//   npm run bench:pool [-- --json] [-- --skip-no-recycle] [-- --n-ping N] [-- --n-op N] [-- --n-spawn N]
//                      [-- --concurrency 1,2,4,8] [-- --pools 2,4] [-- --workloads ping,detect_scenes,download]
//                      [-- --out docs/bench]
//
// Workloads: `ping` (the protocol round trip alone); `detect_scenes` on a generated 2 s 320×180 H.264
// clip (50 frames); `download` of that clip (57 KB) from an HTTP server this script runs on
// 127.0.0.1 (so the op gets `allow_private: true`). Each runs
// - pooled, with the production settings: a PythonPool of N workers (min = max = N, N in --pools)
//   with maxTasks and the RSS ceiling of loadConfig()'s defaults (HEATERS_WORKER_MAX_TASKS,
//   HEATERS_WORKER_MAX_RSS_MB), so workers are recycled as in the daemon;
// - pooled "no-recycle": the same pool with recycling switched off, beside it (--skip-no-recycle
//   leaves it out);
// - spawn: a fresh `python -m heaters_worker` per task, the same entry point and imports: spawn, wait
//   for ready, one request, close stdin, wait for the exit;
// at each concurrency C in --concurrency: C callers, each running tasks back to back.
//
// One pool per (workload, N, variant) lives through the concurrency levels in turn, as a daemon's pool
// lives through its load: recycles fall where the workers' task counts put them (one per maxTasks
// tasks of a worker), and each cell counts the worker starts it saw.
//
// Measured per cell:
// - latency per task: pooled, run() to result (waiting for a free worker included: C may exceed N);
//   spawn, spawn to result (start-up and the cv2/numpy/yt_dlp imports included, the exit not);
// - throughput: tasks / wall time of the cell (spawn: every exit included);
// - CPU per task from the kernel's accounting of the Python processes, not from a clock here:
//   user+sys of each worker from /proc/<pid>/stat plus its reaped children (ffmpeg: cutime+cstime),
//   before and after the cell. A worker that exits during the cell is reaped by this process, so all
//   of its CPU lands in this process's own cutime+cstime, whose change is added. Spawn: the change of
//   this process's cutime+cstime over the cell (every spawned worker reaped, teardown included).
//   Resolution: 10 ms clock ticks per process and reading, divided by n.
// - this Node process's own CPU per task (process.cpuUsage): spawning, the protocol, the HTTP server.
// Writes <out>/bench-pool.json, <out>/bench-pool.md (the tables) and <out>/bench-pool.svg (latency
// distributions, pooled vs spawn).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log/index.ts';
import { cpuSeconds, PythonPool, PythonWorker, totalCpuSeconds } from '../src/pool/index.ts';
import { REPO_ROOT } from '../test/helpers/common.ts';
import { ensureClip } from '../test/helpers/media/index.ts';
import { renderSvg, type Mode, type SvgCell } from './bench-pool-svg.ts';

const WORKLOADS = ['ping', 'detect_scenes', 'download'] as const;
type WorkloadName = (typeof WORKLOADS)[number];
const intList = z
  .string()
  .transform((s) => s.split(',').filter((x) => x.trim() !== '').map(Number))
  .pipe(z.array(z.number().int().min(1)).min(1));
const Args = z.object({
  json: z.boolean(),
  'skip-no-recycle': z.boolean(),
  'n-ping': z.coerce.number().int().min(1),
  'n-op': z.coerce.number().int().min(1),
  'n-spawn': z.coerce.number().int().min(1),
  concurrency: intList,
  pools: intList,
  workloads: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(WORKLOADS)).min(1)),
  out: z.string().min(1),
});
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'skip-no-recycle': { type: 'boolean', default: false },
    'n-ping': { type: 'string', default: '1000' },
    // Sized so that the whole run stays within about 8 minutes on the 2-core dev machine under load;
    // spawn cells dominate (each spawned task pays the interpreter start and the cv2/numpy imports).
    'n-op': { type: 'string', default: '16' },
    'n-spawn': { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '1,2,4,8' },
    pools: { type: 'string', default: '2,4' },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    out: { type: 'string', default: path.join(REPO_ROOT, 'docs', 'bench') },
  },
});
const args = Args.parse(values);

// Production settings are the config's defaults, not numbers of this script's own.
const cfg = loadConfig({ HEATERS_PYTHON: process.env.HEATERS_PYTHON });
const PYTHON = cfg.python.executable;
const VARIANTS: Array<{ mode: Exclude<Mode, 'spawn'>; maxTasks: number; maxRssBytes: number | undefined }> = [
  { mode: 'pooled', maxTasks: cfg.python.maxTasksPerWorker, maxRssBytes: cfg.python.maxRssBytes },
  ...(args['skip-no-recycle'] ? [] : [{ mode: 'no-recycle' as const, maxTasks: Number.MAX_SAFE_INTEGER, maxRssBytes: undefined }]),
];
// Errors only: on a loaded machine a worker's teardown after stdin EOF can outlast the 2 s grace, and
// the pool's warning about it would bury the table.
const logger = createLogger({ level: 'error' });

interface Workload {
  name: WorkloadName;
  op: string;
  /** Arguments for the caller in `slot` (0 … C-1): a download needs a directory of its own. */
  args: (slot: number) => Record<string, unknown>;
  /** Throws unless the result is the one this workload must produce. */
  check: (result: unknown) => void;
  pooledN: number;
}

interface Cell extends SvgCell {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  tasksPerSec: number;
  /** user+sys of the Python processes and of their children, per task. */
  cpuMsPerTask: number;
  /** user+sys of this Node process, per task. */
  parentCpuMsPerTask: number;
  /** Worker processes started during the cell (pooled: replacements of recycled workers). */
  workerStarts: number;
  wallMs: number;
}

/** Nearest rank: the smallest sample with at least a fraction q of the samples at or below it. */
function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** CPU seconds the kernel has charged to this process's reaped children. */
function reapedChildrenCpu(): number {
  const c = cpuSeconds('self');
  if (!c) throw new Error('/proc/self/stat is not readable: this benchmark needs Linux');
  return c.childrenUser + c.childrenSystem;
}

/** CPU seconds of live processes, each with its reaped children. */
function liveCpu(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const s = totalCpuSeconds(pid);
    if (s === undefined) throw new Error(`worker ${pid} vanished while the pool was settled`);
    return sum + s;
  }, 0);
}

/** Wait until no worker is starting, stopping or busy, so that every CPU second has an owner. */
async function settle(pool: PythonPool): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = pool.stats();
    if (s.busy === 0 && pool.pids().length === s.size && s.available === s.size) return;
    if (Date.now() > deadline) throw new Error(`pool did not settle: ${JSON.stringify(s)}, pids ${pool.pids().length}`);
    await delay(5);
  }
}

function summarize(
  base: Omit<Cell, 'n' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'meanMs' | 'tasksPerSec' | 'cpuMsPerTask' | 'parentCpuMsPerTask' | 'quantiles' | 'wallMs'>,
  lat: number[],
  wallMs: number,
  cpuSec: number,
  parent: NodeJS.CpuUsage,
): Cell {
  const sorted = [...lat].sort((a, b) => a - b);
  const n = lat.length;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    ...base,
    n,
    p50Ms: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    p99Ms: quantile(sorted, 0.99),
    meanMs: lat.reduce((a, b) => a + b, 0) / n,
    tasksPerSec: n / (wallMs / 1000),
    cpuMsPerTask: (cpuSec * 1000) / n,
    parentCpuMsPerTask: (parent.user + parent.system) / 1000 / n,
    wallMs,
    quantiles: Array.from({ length: 101 }, (_, i) => round(quantile(sorted, i / 100))),
  };
}

/** C callers, each taking the next task until n are done; returns every task's latency. */
async function callers(c: number, n: number, task: (slot: number) => Promise<number>): Promise<number[]> {
  const lat: number[] = [];
  let taken = 0;
  await Promise.all(
    Array.from({ length: c }, async (_, slot) => {
      while (taken < n) {
        taken++;
        lat.push(await task(slot));
      }
    }),
  );
  return lat;
}

async function pooledSeries(w: Workload, size: number, variant: (typeof VARIANTS)[number]): Promise<Cell[]> {
  const pool = await PythonPool.start({
    name: `bench-${size}`,
    python: PYTHON,
    logger,
    min: size,
    max: size,
    maxTasks: variant.maxTasks,
    maxRssBytes: variant.maxRssBytes,
  });
  const cells: Cell[] = [];
  try {
    // Warm-up: every worker runs the op a few times (first-call imports, caches, the JIT here).
    await callers(size, size * 2, async (slot) => {
      w.check(await pool.run(w.op, w.args(slot)));
      return 0;
    });
    for (const c of args.concurrency) {
      await settle(pool);
      const spawned0 = pool.stats().spawned;
      const cpu0 = liveCpu(pool.pids());
      const reaped0 = reapedChildrenCpu();
      const parent0 = process.cpuUsage();
      const t0 = performance.now();
      const lat = await callers(c, w.pooledN, async (slot) => {
        const t = performance.now();
        const result = await pool.run(w.op, w.args(slot));
        const ms = performance.now() - t;
        w.check(result);
        return ms;
      });
      const wallMs = performance.now() - t0;
      const parent = process.cpuUsage(parent0);
      await settle(pool); // replacements started in the cell finish starting; their CPU is the cell's
      const cpu = liveCpu(pool.pids()) - cpu0 + (reapedChildrenCpu() - reaped0);
      const workerStarts = pool.stats().spawned - spawned0;
      cells.push(summarize({ workload: w.name, mode: variant.mode, pool: size, concurrency: c, workerStarts }, lat, wallMs, cpu, parent));
      progress(cells.at(-1)!);
    }
  } finally {
    await pool.drain();
  }
  return cells;
}

async function spawnSeries(w: Workload): Promise<Cell[]> {
  const one = async (slot: number) => {
    const t = performance.now();
    const worker = await PythonWorker.start({ python: PYTHON, logger, name: 'spawn' });
    try {
      const result = await worker.run(w.op, w.args(slot));
      const ms = performance.now() - t;
      w.check(result);
      return ms;
    } finally {
      await worker.close(); // resolves once the process is reaped
    }
  };
  await one(0); // the interpreter and its imports into the page cache
  const cells: Cell[] = [];
  for (const c of args.concurrency) {
    const reaped0 = reapedChildrenCpu();
    const parent0 = process.cpuUsage();
    const t0 = performance.now();
    const lat = await callers(c, args['n-spawn'], one);
    const wallMs = performance.now() - t0;
    const parent = process.cpuUsage(parent0);
    const cpu = reapedChildrenCpu() - reaped0;
    cells.push(summarize({ workload: w.name, mode: 'spawn', pool: null, concurrency: c, workerStarts: lat.length }, lat, wallMs, cpu, parent));
    progress(cells.at(-1)!);
  }
  return cells;
}

function progress(c: Cell): void {
  if (args.json) return;
  process.stderr.write(
    `  ${c.workload} ${c.mode}${c.pool ? ` N=${c.pool}` : ''} C=${c.concurrency}: p50 ${c.p50Ms.toFixed(2)} ms, ` +
      `${c.tasksPerSec.toFixed(1)}/s, cpu ${c.cpuMsPerTask.toFixed(2)} ms/task (${(c.wallMs / 1000).toFixed(1)} s)\n`,
  );
}

// --- the workloads -------------------------------------------------------------------------------

const started = performance.now();
const loadAverageAtStart = os.loadavg();
const CLIP = { width: 320, height: 180, fps: 25, seconds: 2 };
const clip = await ensureClip(CLIP);
const clipBytes = await readFile(clip);
const server = http.createServer((req, res) => {
  if (req.url !== '/clip.mp4') return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clipBytes.length }).end(clipBytes);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mp4`;
const tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-bench-pool-'));
const maxC = Math.max(...args.concurrency);
for (let slot = 0; slot < maxC; slot++) await mkdir(path.join(tmp, `slot-${slot}`));

const Ping = z.object({ pong: z.literal(true) });
const Detected = z.object({ frame_count: z.number().int(), clips: z.array(z.unknown()).min(1) });
const Downloaded = z.object({ bytes: z.number().int() });
const all: Record<WorkloadName, Workload> = {
  ping: { name: 'ping', op: 'ping', args: () => ({}), check: (r) => void Ping.parse(r), pooledN: args['n-ping'] },
  detect_scenes: {
    name: 'detect_scenes',
    op: 'detect_scenes',
    args: () => ({ path: clip, fps: 25 }),
    check: (r) => {
      const d = Detected.parse(r);
      const frames = CLIP.fps * CLIP.seconds;
      if (d.frame_count !== frames) throw new Error(`detect_scenes saw ${d.frame_count} frames, not ${frames}`);
    },
    pooledN: args['n-op'],
  },
  download: {
    name: 'download',
    op: 'download',
    args: (slot) => ({ url, dest_dir: path.join(tmp, `slot-${slot}`), max_bytes: 64 * 1024 * 1024, timeout_s: 60, allow_private: true }),
    check: (r) => {
      const d = Downloaded.parse(r);
      if (d.bytes !== clipBytes.length) throw new Error(`download wrote ${d.bytes} bytes, not ${clipBytes.length}`);
    },
    pooledN: args['n-op'],
  },
};

const probe = await PythonWorker.start({ python: PYTHON, logger });
const versions = probe.versions;
await probe.close();

const cells: Cell[] = [];
try {
  for (const name of args.workloads) {
    const w = all[name];
    for (const size of args.pools) for (const v of VARIANTS) cells.push(...(await pooledSeries(w, size, v)));
    cells.push(...(await spawnSeries(w)));
  }
} finally {
  server.close();
  await rm(tmp, { recursive: true, force: true });
}

// --- ratios and the report -----------------------------------------------------------------------

const find = (workload: string, mode: Mode, pool: number | null, c: number) =>
  cells.find((x) => x.workload === workload && x.mode === mode && x.pool === pool && x.concurrency === c);
const ratios = cells
  .filter((p) => p.mode === 'pooled')
  .flatMap((p) => {
    const s = find(p.workload, 'spawn', null, p.concurrency);
    if (!s) return [];
    return [
      {
        workload: p.workload,
        pool: p.pool,
        concurrency: p.concurrency,
        p50: s.p50Ms / p.p50Ms,
        p99: s.p99Ms / p.p99Ms,
        /** pooled tasks/s over spawn tasks/s (= spawn's time per task over pooled's). */
        throughput: p.tasksPerSec / s.tasksPerSec,
        cpu: s.cpuMsPerTask / p.cpuMsPerTask,
      },
    ];
  });
const spawnPingCpu = find('ping', 'spawn', null, args.concurrency[0]!)?.cpuMsPerTask;
const report = {
  command: `node scripts/bench-pool.ts ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverageAtStart,
    node: process.version,
    python: PYTHON,
    versions,
  },
  settings: {
    production: { maxTasks: cfg.python.maxTasksPerWorker, maxRssBytes: cfg.python.maxRssBytes },
    noRecycle: !args['skip-no-recycle'],
    concurrency: args.concurrency,
    pools: args.pools,
    nPing: args['n-ping'],
    nOp: args['n-op'],
    nSpawn: args['n-spawn'],
    clip: path.relative(REPO_ROOT, clip),
    clipBytes: clipBytes.length,
  },
  /** A worker start's CPU (spawn ping's CPU per task) spread over maxTasks tasks: what recycling costs per task. */
  recycleCpuMsPerTask: spawnPingCpu === undefined ? null : spawnPingCpu / cfg.python.maxTasksPerWorker,
  cells,
  ratios,
  loadAverageAtEnd: os.loadavg(),
  totalSeconds: (performance.now() - started) / 1000,
};

await mkdir(args.out, { recursive: true });
const jsonPath = path.join(args.out, 'bench-pool.json');
const svgPath = path.join(args.out, 'bench-pool.svg');
const mdPath = path.join(args.out, 'bench-pool.md');
const f = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ms = (x: number) => f(x, x < 1 ? 3 : x < 100 ? 2 : 0);
const times = (r: number) => (Number.isFinite(r) ? `${r >= 100 ? r.toFixed(0) : r.toFixed(1)}×` : 'n/a');
const table = (rows: string[][]) => {
  const [head, ...body] = rows;
  return [`| ${head!.join(' | ')} |`, `|${head!.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
};
const md = [
  `\`${report.command}\` — ${report.date}`,
  '',
  table([
    ['workload', 'mode', 'workers', 'C', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'tasks/s', 'CPU ms/task', 'node ms/task', 'starts'],
    ...cells.map((c) => [
      c.workload,
      c.mode,
      c.pool === null ? 'fresh' : String(c.pool),
      String(c.concurrency),
      String(c.n),
      ms(c.p50Ms),
      ms(c.p95Ms),
      ms(c.p99Ms),
      f(c.tasksPerSec, 1),
      f(c.cpuMsPerTask, 2),
      f(c.parentCpuMsPerTask, 2),
      String(c.workerStarts),
    ]),
  ]),
  '',
  'spawn / pooled (production settings; throughput: pooled tasks/s over spawn tasks/s):',
  '',
  table([
    ['workload', 'workers', 'C', 'p50', 'p99', 'throughput', 'CPU/task'],
    ...ratios.map((r) => [r.workload, String(r.pool), String(r.concurrency), times(r.p50), times(r.p99), times(r.throughput), times(r.cpu)]),
  ]),
  '',
  `${report.machine.cpus} CPUs (${report.machine.cpuModel}), load average (1, 5, 15 min) at start ` +
    `${report.machine.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')}, at end ${report.loadAverageAtEnd.map((l) => l.toFixed(1)).join(' ')}; ` +
    `node ${process.version}, python ${versions?.python}, cv2 ${versions?.cv2}, yt_dlp ${versions?.yt_dlp}.`,
  `production: maxTasks ${cfg.python.maxTasksPerWorker}, RSS ceiling ${cfg.python.maxRssBytes / 1024 / 1024} MiB; recycling costs ` +
    `${report.recycleCpuMsPerTask === null ? 'n/a' : f(report.recycleCpuMsPerTask, 2)} ms CPU per task (spawn ping's CPU per task, i.e. one ` +
    `worker start and exit, over ${cfg.python.maxTasksPerWorker} tasks). Total ${f(report.totalSeconds, 1)} s.`,
].join('\n');
await writeFile(jsonPath, JSON.stringify(report, null, 1) + '\n');
await writeFile(svgPath, renderSvg(cells, { concurrency: args.concurrency, workloads: args.workloads, title: `${report.command} — ${report.date}` }));
await writeFile(mdPath, md + '\n');

if (args.json) console.log(JSON.stringify(report, null, 2));
else console.log(`${md}\nwrote ${[jsonPath, svgPath, mdPath].map((p) => path.relative(process.cwd(), p)).join(', ')}`);
