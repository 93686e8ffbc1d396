// npm run bench:scenes [-- --json] [-- --sizes 1280x720,1920x1080] [-- --runs 2] [-- --sets dev,devwide,devextra,devformat,devcamera,devedit,devtwin,heldout]
// Scene detection on the seven development sets (test/helpers/media/scenes/dev.ts, dev-wide.ts,
// dev-extra.ts, dev-format.ts, dev-camera.ts, dev-edit.ts and dev-twin.ts, the ones parameters are tuned on) and the
// frozen held-out set (heldout.ts, never tuned on) at 720p and 1080p, 30 fps: precision / recall / F1 per class and set (hard cuts, flashes, motion and static at
// ±1 frame; gradual transitions one cut each within a quarter of the transition, and at ±1 too), and
// the speed against a like-for-like decode: the decode the detector itself runs (-skip_loop_filter
// all, the same area scale to the analysis size, bgr24, -f null), as the median of the per-file
// ratios and the ratio of the totals. Plus the encode path (analysis frames as an extra output of the
// proxy encode, in wall and in ffmpeg's own CPU time) and what the keyframe list gives. Timings on a
// shared 2-core machine are noisy, in phases longer than one file: a file's detection and its
// like-for-like decode run as --runs back-to-back pairs (the order alternating), its ratio is the
// median of the pairs' ratios, so a slow phase slows both sides of a pair; the best-of-runs ratio
// (best detection over best decode, as up to run 13) is printed beside it. The encode path's
// extra cost is paired the same way (with and without the analysis output).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { createLogger } from '../src/log/index.ts';
import { PythonPool } from '../src/pool/index.ts';
import { analysisOutput, analysisSize } from '../src/scenes/analysis.ts';
import { DetectScenesResult } from '../src/scenes/schema.ts';
import {
  acceptanceTolerance, ensureCameraSet, ensureEditSet, ensureExtraSet, ensureFormatSet, ensureHeldOutSet, ensureSceneSet, ensureTwinSet, ensureWideSet, matchCuts, scoreOf, type SceneClass, type SceneSet, type SceneVideo,
} from '../test/helpers/media/index.ts';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1280x720,1920x1080' },
    sets: { type: 'string', default: 'dev,devwide,devextra,devformat,devcamera,devedit,devtwin,heldout' },
    runs: { type: 'string', default: '2' },
    ffmpeg: { type: 'string', default: process.env.FFMPEG_PATH ?? 'ffmpeg' },
  },
});
const RUNS = Math.max(1, Number(opts.runs));
const FFMPEG = opts.ffmpeg!;
const CLASSES: SceneClass[] = ['hard', 'gradual', 'flash', 'motion', 'static'];

async function best<T>(fn: () => Promise<T>): Promise<{ s: number; value: T }> {
  let bestS = Infinity, value!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    value = await fn();
    bestS = Math.min(bestS, (performance.now() - t0) / 1000);
  }
  return { s: bestS, value };
}

/** One ffmpeg run: wall time and ffmpeg's own CPU time (-benchmark: utime + stime). */
async function timedFfmpeg(args: string[]): Promise<{ s: number; cpu: number }> {
  const t0 = performance.now();
  // -benchmark reports at the info level: lift the arguments' -loglevel error for it.
  const lifted = args.map((a, j) => (args[j - 1] === '-loglevel' ? 'info' : a));
  const r = await execa(FFMPEG, ['-benchmark', '-nostats', ...lifted]);
  const s = (performance.now() - t0) / 1000;
  const m = /utime=([\d.]+)s stime=([\d.]+)s/.exec(r.stdout + r.stderr);
  if (!m) throw new Error('ffmpeg -benchmark printed no utime/stime');
  return { s, cpu: Number(m[1]) + Number(m[2]) };
}

/** Two ffmpeg runs as --runs back-to-back pairs (the order alternating): the median times of each
 * and the median of the pairs' extra cost of b over a, in wall and in CPU time, as a fraction. */
async function pairedFfmpeg(a: string[], b: string[]): Promise<{ a: { s: number; cpu: number }; b: { s: number; cpu: number }; extra: number; extraCpu: number }> {
  const as: { s: number; cpu: number }[] = [], bs: { s: number; cpu: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const side of i % 2 ? ['b', 'a'] : ['a', 'b']) (side === 'a' ? as : bs).push(await timedFfmpeg(side === 'a' ? a : b));
  }
  const med = (xs: { s: number; cpu: number }[]) => ({ s: median(xs.map((x) => x.s)), cpu: median(xs.map((x) => x.cpu)) });
  return { a: med(as), b: med(bs), extra: median(bs.map((x, i) => x.s / as[i]!.s - 1)), extraCpu: median(bs.map((x, i) => x.cpu / as[i]!.cpu - 1)) };
}

/** The decode the detector runs, to nowhere: the like-for-like baseline. */
const likeDecode = (v: SceneVideo) => {
  const s = analysisSize(v.width, v.height);
  return execa(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-skip_loop_filter', 'all', '-i', v.path,
    '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', `scale=${s.width}:${s.height}:flags=area,format=bgr24`, '-fps_mode', 'passthrough', '-f', 'null', '-']);
};

/** --runs pairs of (like-for-like decode, detection), back to back, the order alternating: the
 * median times, the best times, and the median of the pairs' ratios. */
async function paired<T>(like: () => Promise<unknown>, run: () => Promise<T>): Promise<{ like: number; run: number; bestLike: number; bestRun: number; ratio: number; value: T }> {
  const likes: number[] = [], runs: number[] = [];
  let value!: T;
  const timed = async (fn: () => Promise<unknown>) => { const t0 = performance.now(); const v = await fn(); return { s: (performance.now() - t0) / 1000, v }; };
  for (let i = 0; i < RUNS; i++) {
    for (const side of i % 2 ? ['run', 'like'] : ['like', 'run']) {
      if (side === 'like') likes.push((await timed(like)).s);
      else { const r = await timed(run); runs.push(r.s); value = r.v as T; }
    }
  }
  return { like: median(likes), run: median(runs), bestLike: Math.min(...likes), bestRun: Math.min(...runs),
    ratio: median(runs.map((r, i) => r / likes[i]!)), value };
}

interface Row {
  size: string; set: string; video: string; cls: SceneClass; frames: number; truth: number; detected: number;
  tp1: number; fp1: number; fn1: number; tpT: number; fpT: number; fnT: number;
  f1: number; f1_quarter: number; f1_without_keyframes: number; keyframes_as_cuts_p: number; keyframes_as_cuts_r: number;
  detect_s: number; like_decode_s: number; ratio: number; best_ratio: number; fps: number;
  min_confidence?: number; encode?: Record<string, number>;
}

async function main(): Promise<void> {
  const logger = createLogger({ level: 'warn' });
  const pool = await PythonPool.start({ name: 'bench-scenes', python: process.env.HEATERS_PYTHON ?? '/usr/bin/python3', min: 1, max: 1, logger });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'heaters-bench-scenes-'));
  const detect = async (args: Record<string, unknown>) =>
    DetectScenesResult.parse(await pool.run('detect_scenes', args, { timeoutMs: 600_000 }));
  const argsFor = (v: SceneVideo) => ({ path: v.path, fps: v.fps, frame_count: v.frames, keyframe_times: v.keyframeTimes, ffmpeg: FFMPEG });
  const rows: Row[] = [];
  try {
    for (const size of opts.sizes!.split(',')) {
      const [width, height] = size.split('x').map(Number) as [number, number];
      for (const setName of opts.sets!.split(',')) {
        const t0 = performance.now();
        const ensure = {
          dev: ensureSceneSet, devwide: ensureWideSet, devextra: ensureExtraSet, devformat: ensureFormatSet, devcamera: ensureCameraSet,
          devedit: ensureEditSet, devtwin: ensureTwinSet, heldout: ensureHeldOutSet,
        }[setName];
        if (!ensure) throw new Error(`unknown set ${setName} (dev, devwide, devextra, devformat, devcamera, devedit, devtwin, heldout)`);
        const set: SceneSet = await ensure({ width, height, fps: 30, ffmpeg: FFMPEG });
        if (!opts.json) process.stderr.write(`${setName} ${size}: ${path.relative(process.cwd(), set.dir)} (${((performance.now() - t0) / 1000).toFixed(1)} s to build or load)\n`);
        await detect(argsFor(Object.values(set.videos)[0]!)); // warm: page cache, worker imports
        for (const v of Object.values(set.videos)) {
          const run = await paired(() => likeDecode(v), () => detect(argsFor(v)));
          const noKf = await detect({ ...argsFor(v), keyframe_times: [] });
          const res = run.value;
          const got = res.cuts.map((c) => c.frame);
          const truth = v.cuts.map((c) => c.frame);
          const quarter = acceptanceTolerance({ cls: 'gradual', cuts: v.cuts }); // ±1 where a cut has no length
          const m1 = matchCuts(got, truth, () => 1);
          const mT = matchCuts(got, truth, quarter);
          const kfFrames = v.keyframeTimes.map((t) => Math.round(t * v.fps)).filter((f) => f > 0);
          const kf = scoreOf(matchCuts(kfFrames, truth, () => 1));
          let encode: Record<string, number> | undefined;
          if (setName === 'dev' && (v.name === 'hard' || v.name === 'motion')) {
            // The proxy encode with and without the analysis output, then detection from its frames.
            const enc = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', v.path, '-map', '0:v:0', '-c:v', 'libx264', '-preset', 'veryfast', path.join(tmp, 'proxy.mp4')];
            const out = analysisOutput({ width: v.width, height: v.height }, path.join(tmp, 'frames.raw'));
            // Wall time and ffmpeg's own CPU time (-benchmark: utime + stime), which other load
            // on a shared machine disturbs far less than the wall; as pairs, like the detection.
            const enc2 = await pairedFfmpeg([...enc], [...enc, ...out.args, '-y']);
            // The same extra work in isolation, where the encode's own noise cannot hide it: the
            // decode writing analysis frames against the decode alone, in CPU time.
            const dec = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', v.path];
            const dec2 = await pairedFfmpeg([...dec, '-map', '0:v:0', '-f', 'null', '-'], [...dec, ...out.args]);
            const isolated = Math.max(0, dec2.extraCpu * dec2.a.cpu);
            const fromFile = await best(() => detect({ ...argsFor(v), frames_path: path.join(tmp, 'frames.raw'), frame_width: out.width, frame_height: out.height }));
            const same = JSON.stringify(fromFile.value.cuts.map((c) => c.frame)) === JSON.stringify(got);
            encode = { encode_s: round(enc2.a.s), encode_with_frames_s: round(enc2.b.s), extra_pct: round(100 * enc2.extra),
              encode_cpu_s: round(enc2.a.cpu), encode_with_frames_cpu_s: round(enc2.b.cpu), extra_cpu_pct: round(100 * enc2.extraCpu),
              isolated_extra_cpu_s: round(isolated), isolated_extra_pct: round((100 * isolated) / enc2.a.cpu),
              detect_from_frames_s: round(fromFile.s), same_cuts: same ? 1 : 0 };
          }
          rows.push({
            size, set: setName, video: v.name, cls: v.cls, frames: v.frames, truth: truth.length, detected: got.length,
            tp1: m1.tp, fp1: m1.fp, fn1: m1.fn, tpT: mT.tp, fpT: mT.fp, fnT: mT.fn,
            f1: round(scoreOf(m1).f1), f1_quarter: round(scoreOf(mT).f1),
            f1_without_keyframes: round(scoreOf(matchCuts(noKf.cuts.map((c) => c.frame), truth, acceptanceTolerance(v))).f1),
            keyframes_as_cuts_p: round(kf.precision), keyframes_as_cuts_r: round(kf.recall),
            detect_s: round(run.run), like_decode_s: round(run.like), ratio: round(run.ratio), best_ratio: round(run.bestRun / run.bestLike),
            fps: Math.round(v.frames / run.run),
            min_confidence: res.cuts.length ? Math.min(...res.cuts.map((c) => c.confidence ?? 1)) : undefined,
            ...(encode ? { encode } : {}),
          });
        }
      }
    }
  } finally {
    await pool.drain();
    await rm(tmp, { recursive: true, force: true });
  }
  const summary = summarize(rows);
  if (opts.json) {
    process.stdout.write(JSON.stringify({ runs: RUNS, cpus: os.cpus().length, summary, rows }, null, 2) + '\n');
    return;
  }
  printTables(rows, summary);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

interface ClassSummary { size: string; set: string; cls: SceneClass; truth: number; f1: number; f1_quarter: number; precision: number; recall: number; false_cuts: number; scored_f1: number }
interface SpeedSummary {
  size: string; set: string; files: number; frames: number; detect_s: number; like_decode_s: number; total_ratio: number; median_ratio: number; max_ratio: number;
  median_best_ratio: number;
}

function summarize(rows: Row[]): { classes: ClassSummary[]; speed: SpeedSummary[] } {
  const classes: ClassSummary[] = [];
  const speed: SpeedSummary[] = [];
  for (const size of [...new Set(rows.map((r) => r.size))]) {
    for (const set of [...new Set(rows.map((r) => r.set))]) {
      const rs = rows.filter((r) => r.size === size && r.set === set);
      if (!rs.length) continue;
      for (const cls of CLASSES) {
        const cs = rs.filter((r) => r.cls === cls);
        if (!cs.length) continue;
        const sum = (k: 'tp1' | 'fp1' | 'fn1' | 'tpT' | 'fpT' | 'fnT') => cs.reduce((a, r) => a + r[k], 0);
        const s1 = scoreOf({ tp: sum('tp1'), fp: sum('fp1'), fn: sum('fn1') });
        const sT = scoreOf({ tp: sum('tpT'), fp: sum('fpT'), fn: sum('fnT') });
        // The acceptance measure: ±1 frame, except gradual transitions (within a quarter of them).
        const scored = cls === 'gradual' ? sT : s1;
        classes.push({ size, set, cls, truth: cs.reduce((a, r) => a + r.truth, 0), f1: round(s1.f1), f1_quarter: round(sT.f1),
          precision: round(scored.precision), recall: round(scored.recall), false_cuts: scored.fp, scored_f1: round(scored.f1) });
      }
      const det = rs.reduce((a, r) => a + r.detect_s, 0), like = rs.reduce((a, r) => a + r.like_decode_s, 0);
      speed.push({ size, set, files: rs.length, frames: rs.reduce((a, r) => a + r.frames, 0), detect_s: round(det), like_decode_s: round(like),
        total_ratio: round(det / like), median_ratio: round(median(rs.map((r) => r.ratio))), max_ratio: round(Math.max(...rs.map((r) => r.ratio))),
        median_best_ratio: round(median(rs.map((r) => r.best_ratio))) });
    }
  }
  return { classes, speed };
}

function table(cols: [string, string][], rows: Record<string, unknown>[]): void {
  const fmt = (v: unknown) => (v === undefined ? '' : String(v));
  const widths = cols.map(([k, h]) => Math.max(h.length, ...rows.map((r) => fmt(r[k]).length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padStart(widths[i]!)).join(' | ') + ' |';
  console.log(line(cols.map(([, h]) => h)));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(cols.map(([k]) => fmt(r[k]))));
}

function printTables(rows: Row[], summary: ReturnType<typeof summarize>): void {
  console.log('per class (hard, flash, motion, static at ±1 frame; gradual: one cut within a quarter of the transition):');
  table([['size', 'size'], ['set', 'set'], ['cls', 'class'], ['truth', 'cuts'], ['precision', 'P'], ['recall', 'R'], ['scored_f1', 'F1'],
    ['f1', 'F1 ±1'], ['false_cuts', 'false cuts']], summary.classes as unknown as Record<string, unknown>[]);
  console.log(`\nspeed (detection against the like-for-like decode: -skip_loop_filter all, same scale, -f null; ${RUNS} pairs per file,`);
  console.log(' a file\'s ratio the median of its pairs\' ratios, its times the medians; "best-of median": best detection over best decode):');
  table([['size', 'size'], ['set', 'set'], ['files', 'files'], ['frames', 'frames'], ['detect_s', 'detect s'], ['like_decode_s', 'decode s'],
    ['total_ratio', 'total ratio'], ['median_ratio', 'median ratio'], ['max_ratio', 'max ratio'], ['median_best_ratio', 'best-of median']],
  summary.speed as unknown as Record<string, unknown>[]);
  console.log('\nper file:');
  table([['size', 'size'], ['set', 'set'], ['video', 'video'], ['frames', 'frames'], ['truth', 'cuts'], ['detected', 'found'], ['f1', 'F1 ±1'],
    ['f1_quarter', 'F1 ±T/4'], ['f1_without_keyframes', 'F1 no-kf'], ['min_confidence', 'min conf'], ['fps', 'fps'], ['detect_s', 'detect s'],
    ['like_decode_s', 'decode s'], ['ratio', 'ratio'], ['best_ratio', 'best-of']], rows as unknown as Record<string, unknown>[]);
  console.log(`\nencode path (proxy encode with/without the analysis output as ${RUNS} pairs, median times and median extra of the pairs; then detection from its frames):`);
  for (const r of rows.filter((x) => x.encode)) {
    const e = r.encode!;
    const signed = (x: number | undefined) => `${x !== undefined && x >= 0 ? '+' : ''}${x}`;
    console.log(`  ${r.size} ${r.video}: encode ${e.encode_s} s (CPU ${e.encode_cpu_s} s), with frames ${e.encode_with_frames_s} s (${signed(e.extra_pct)} %; CPU ${e.encode_with_frames_cpu_s} s, ${signed(e.extra_cpu_pct)} %; in isolation +${e.isolated_extra_cpu_s} s CPU = ${e.isolated_extra_pct} % of the encode), detect from frames ${e.detect_from_frames_s} s, same cuts: ${e.same_cuts ? 'yes' : 'NO'}`);
  }
  console.log('\nkeyframes (x264 scenecut) taken as cuts:');
  for (const r of rows) console.log(`  ${r.size} ${r.set} ${r.video}: P ${r.keyframes_as_cuts_p} R ${r.keyframes_as_cuts_r}`);
}

await main();
