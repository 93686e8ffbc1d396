// Export benchmark: the same 20 clips cut by stream copy, by smart cut (`exact` from the proxy) and by a
// whole re-encode (`exact` forced to re-encode: the baseline a smart cut saves), each file then checked
// as the export stage checks it (integrity.ts). Wall time of the cuts, of the checks, bytes written,
// frames re-encoded, extra leading frames of copy.
//
//   node scripts/bench-export.ts [--json] [--width 1280 --height 720 --fps 30 --seconds 120] [--clips 20 --min-s 2 --max-s 8]
//
// The source is generated once with ffmpeg (test/helpers/media: .cache/media/clips/bench-*): testsrc2 with a
// moving overlay and a tone, H.264 High (x264 veryfast, CRF 23, a keyframe at least every 2 s, as the
// proxy is encoded) + AAC, faststart MP4. Clips: 20 deterministic ranges of 2-8 s (by default) that
// start off their keyframes. Cuts run one after another (one ffmpeg at a time).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bytes, table } from '../src/cli/format.ts';
import { cutClip, frameIndex, verifyCut } from '../src/export/index.ts';
import type { CutResult } from '../src/export/index.ts';
import { resolveFfmpeg } from '../src/media/index.ts';
import { encodeOnce, lavfi, tone } from '../test/helpers/media/index.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    fps: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '120' },
    clips: { type: 'string', default: '20' },
    'min-s': { type: 'string', default: '2' },
    'max-s': { type: 'string', default: '8' },
  },
});
const W = Number(values.width), H = Number(values.height), FPS = Number(values.fps), SECONDS = Number(values.seconds), N = Number(values.clips);
const MIN_S = Number(values['min-s']), MAX_S = Number(values['max-s']);

const bins = await resolveFfmpeg();
const src = await encodeOnce(`bench-${W}x${H}-${FPS}-${SECONDS}.mp4`, [
  '-f', 'lavfi', '-i', `${lavfi.testsrc2({ width: W, height: H, fps: FPS })}:duration=${SECONDS}`,
  '-f', 'lavfi', '-i', lavfi.mandelbrot({ width: Math.round(W / 4), height: Math.round(H / 4), fps: FPS }),
  '-f', 'lavfi', '-i', tone(SECONDS),
  '-filter_complex', '[0:v][1:v]overlay=x=\'mod(t*80,W-w)\':y=\'mod(t*45,H-h)\':shortest=1,format=yuv420p[v]',
  '-map', '[v]', '-map', '2:a', '-t', String(SECONDS),
  '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high', '-g', String(FPS * 2),
  '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart',
]);
const index = await frameIndex(src, bins);
const total = index.pts.length;

// 20 clips of 2-8 s (--min-s, --max-s) spread over the file, from a fixed seed; none starts on a keyframe.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const clips: { startFrame: number; endFrame: number }[] = [];
const keyframes = new Set(index.keyframes);
for (let i = 0; i < N; i++) {
  const len = Math.round((MIN_S + rand() * (MAX_S - MIN_S)) * FPS);
  let start = Math.floor(rand() * (total - len - 1));
  while (keyframes.has(start)) start++;
  clips.push({ startFrame: start, endFrame: start + len });
}
const clipFrames = clips.reduce((a, c) => a + c.endFrame - c.startFrame, 0);

type Row = { mode: string; cutS: number; verifyS: number; bytes: number; reencoded: number; extraLeading: number; frames: number };
const work = await mkdtemp(path.join(os.tmpdir(), 'heaters-bench-export-'));
const rows: Row[] = [];
try {
  for (const [label, mode, force] of [['copy', 'copy', false], ['smart cut (exact)', 'exact', false], ['full re-encode (exact)', 'exact', true]] as const) {
    const row: Row = { mode: label, cutS: 0, verifyS: 0, bytes: 0, reencoded: 0, extraLeading: 0, frames: 0 };
    for (const [i, clip] of clips.entries()) {
      const t0 = performance.now();
      const r: CutResult = await cutClip({
        mode, src, srcKind: 'proxy', dst: path.join(work, `${mode}-${force}-${i}.mp4`), ...clip, bins,
        tmpDir: path.join(work, 'tmp'), forceReencode: force, index,
      });
      const t1 = performance.now();
      await verifyCut(r, clip, { path: src, index }, bins);
      row.verifyS += (performance.now() - t1) / 1000;
      row.cutS += (t1 - t0) / 1000;
      row.bytes += (await stat(r.path)).size;
      row.reencoded += r.reencodedFrames;
      row.extraLeading += r.extraLeadingFrames;
      row.frames += r.frames;
    }
    rows.push(row);
    process.stderr.write(`${label}: ${row.cutS.toFixed(1)} s\n`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

if (values.json) {
  process.stdout.write(`${JSON.stringify({ source: { path: src, width: W, height: H, fps: FPS, frames: total }, clips: N, clipFrames, rows }, null, 2)}\n`);
} else {
  process.stdout.write(`source ${W}x${H} ${FPS} fps, ${total} frames; ${N} clips of ${MIN_S}-${MAX_S} s, ${clipFrames} frames in all\n\n`);
  process.stdout.write(`${table(
    ['mode', 'cut wall s', 'per clip s', 'check s', 'bytes', 'frames out', 're-encoded frames', 'extra leading'],
    rows.map((r) => [r.mode, r.cutS.toFixed(2), (r.cutS / N).toFixed(2), r.verifyS.toFixed(2), bytes(r.bytes), r.frames, `${r.reencoded} (${((r.reencoded / clipFrames) * 100).toFixed(0)} %)`, r.extraLeading]),
  )}\n`);
}
