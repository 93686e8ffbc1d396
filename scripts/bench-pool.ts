// Pooled vs spawn-per-task benchmark of the Python worker.
//
//   node scripts/bench-pool.ts [--json] [--n N] [--pooled-n M]
//
// The same workload runs (a) through a warm PythonPool (1 worker) and (b) in a fresh Python process
// per task with the same entry point and imports (python -m heaters_worker --test-ops: spawn, wait
// for ready, one request, close stdin, wait for exit). Tasks run one at a time in both modes.
//
// Measured:
// - latency per task: from run() to result (pooled); from spawn to result (spawn: includes start-up
//   and the cv2/numpy/yt_dlp imports, excludes the exit that follows);
// - throughput: tasks / wall time of the whole series (spawn: including waiting for each exit);
// - CPU time: user+sys of the Python processes from /proc/<pid>/stat (USER_HZ=100, so 10 ms
//   ticks). Pooled: the worker's delta over the series / N. Spawn: each process's total just
//   before its stdin is closed (interpreter teardown excluded, which flatters spawn slightly).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLogger } from '../src/log/index.ts';
import { PythonPool, PythonWorker } from '../src/pool/index.ts';
import { ensureClip, PYTHON } from '../test/helpers/pool.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    n: { type: 'string', default: '20' },
    'pooled-n': { type: 'string' },
  },
});
const spawnN = z.coerce.number().int().min(1).parse(values.n);
const pooledNOverride = values['pooled-n'] === undefined ? undefined : z.coerce.number().int().min(1).parse(values['pooled-n']);
const logger = createLogger({ level: 'warn' });

interface Workload {
  name: string;
  op: string;
  args: Record<string, unknown>;
  pooledN: number;
}

interface Series {
  workload: string;
  mode: 'pooled' | 'spawn';
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  tasksPerSec: number;
  cpuMsPerTask: number;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

function summarize(workload: string, mode: Series['mode'], lat: number[], wallMs: number, cpuSec: number): Series {
  const sorted = [...lat].sort((a, b) => a - b);
  return {
    workload,
    mode,
    n: lat.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: lat.reduce((a, b) => a + b, 0) / lat.length,
    tasksPerSec: lat.length / (wallMs / 1000),
    cpuMsPerTask: (cpuSec * 1000) / lat.length,
  };
}

/** user+sys seconds of a live process (same parsing as PythonWorker.cpuTime(), for a pool's pid). */
function cpuOfPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function pooled(w: Workload): Promise<Series> {
  const pool = await PythonPool.start({ name: 'bench', python: PYTHON, logger, testOps: true, min: 1, max: 1, maxTasks: 1e9 });
  try {
    for (let i = 0; i < Math.min(50, w.pooledN); i++) await pool.run(w.op, w.args); // warm caches and the JIT
    const [pid] = pool.pids();
    if (pid === undefined) throw new Error('pool has no worker');
    const cpu0 = cpuOfPid(pid);
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < w.pooledN; i++) {
      const t = performance.now();
      await pool.run(w.op, w.args);
      lat.push(performance.now() - t);
    }
    const wall = performance.now() - t0;
    const cpu = cpuOfPid(pid) - cpu0;
    if (pool.stats().spawned !== 1) throw new Error('the pool replaced its worker during the series');
    return summarize(w.name, 'pooled', lat, wall, cpu);
  } finally {
    await pool.drain();
  }
}

async function spawnOne(w: Workload): Promise<{ latencyMs: number; cpuSec: number }> {
  const t = performance.now();
  const worker = await PythonWorker.start({ python: PYTHON, logger, testOps: true });
  await worker.run(w.op, w.args);
  const latencyMs = performance.now() - t;
  const cpu = worker.cpuTime();
  await worker.close();
  return { latencyMs, cpuSec: cpu ? cpu.user + cpu.system : NaN };
}

async function spawned(w: Workload): Promise<Series> {
  await spawnOne(w); // warm the page cache for the interpreter and its imports
  const lat: number[] = [];
  let cpu = 0;
  const t0 = performance.now();
  for (let i = 0; i < spawnN; i++) {
    const r = await spawnOne(w);
    lat.push(r.latencyMs);
    cpu += r.cpuSec;
  }
  return summarize(w.name, 'spawn', lat, performance.now() - t0, cpu);
}

const started = performance.now();
const clip = await ensureClip({ width: 320, height: 180, fps: 25, seconds: 4 });
const workloads: Workload[] = [
  { name: 'ping', op: 'ping', args: {}, pooledN: pooledNOverride ?? 2000 },
  { name: 'frame_diff', op: 'frame_diff', args: { path: clip, seconds: 3 }, pooledN: pooledNOverride ?? 100 },
];

const probe = await PythonWorker.start({ python: PYTHON, logger, testOps: true });
const versions = probe.versions;
await probe.close();

const series: Series[] = [];
for (const w of workloads) {
  series.push(await pooled(w));
  series.push(await spawned(w));
}

const ratios = workloads.map((w) => {
  const p = series.find((s) => s.workload === w.name && s.mode === 'pooled')!;
  const s = series.find((x) => x.workload === w.name && x.mode === 'spawn')!;
  return {
    workload: w.name,
    p50: s.p50Ms / p.p50Ms,
    p95: s.p95Ms / p.p95Ms,
    p99: s.p99Ms / p.p99Ms,
    // time per task, spawn over pooled (= pooled throughput / spawn throughput)
    throughput: p.tasksPerSec / s.tasksPerSec,
    cpu: s.cpuMsPerTask / p.cpuMsPerTask,
  };
});
const pingPooled = series.find((s) => s.workload === 'ping' && s.mode === 'pooled')!;
const pingRatio = ratios.find((r) => r.workload === 'ping')!;
const report = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, python: PYTHON, versions },
  params: { spawnN, clip, concurrency: 1 },
  series,
  ratios,
  targets: {
    pooledPingP50AtMost1ms: pingPooled.p50Ms <= 1,
    spawnOverPooledPingP50AtLeast1000x: pingRatio.p50 >= 1000,
  },
  totalSeconds: (performance.now() - started) / 1000,
};

if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const x = (r: number) => (Number.isFinite(r) ? `${r >= 100 ? r.toFixed(0) : r.toFixed(1)}×` : 'n/a');
  const rows: string[][] = [['workload', 'mode', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'tasks/s', 'cpu ms/task']];
  for (const w of workloads) {
    for (const s of series.filter((s) => s.workload === w.name)) {
      rows.push([s.workload, s.mode, String(s.n), f(s.p50Ms, 3), f(s.p95Ms, 3), f(s.p99Ms, 3), f(s.tasksPerSec, 1), f(s.cpuMsPerTask, 3)]);
    }
    const r = ratios.find((r) => r.workload === w.name)!;
    rows.push([w.name, 'spawn/pooled', '', x(r.p50), x(r.p95), x(r.p99), x(r.throughput), x(r.cpu)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log(
    `\n${report.machine.cpus} CPUs (${report.machine.cpuModel}), node ${process.version}, python ${versions?.python}, cv2 ${versions?.cv2}; ` +
      `tasks run one at a time; clip ${clip}`,
  );
  console.log('latency: pooled = run() to result; spawn = spawn to result (start-up + imports, exit not included).');
  console.log('tasks/s: whole series wall time (spawn includes each exit). ratio column for tasks/s = pooled/spawn throughput.');
  console.log('cpu: user+sys of the Python processes from /proc/<pid>/stat (10 ms ticks; spawn read just before close).');
  console.log(
    `targets: pooled ping p50 ≤ 1 ms: ${report.targets.pooledPingP50AtMost1ms ? 'met' : 'NOT met'} (${f(pingPooled.p50Ms, 3)} ms); ` +
      `spawn/pooled ping p50 ≥ 1000×: ${report.targets.spawnOverPooledPingP50AtLeast1000x ? 'met' : 'NOT met'} (${x(pingRatio.p50)}). ` +
      `total ${f(report.totalSeconds, 1)} s`,
  );
}
