// Benchmark (not a test): the cost of a video's thumbnail strip (src/review/thumbs.ts, made in
// finalize) against a full decode of the same proxy, on generated 720p H.264 samples.
//   node scripts/bench-thumbs.ts [--seconds 120]
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { table } from '../src/cli/format.ts';
import { keyframeTimes, resolveFfmpeg } from '../src/media/index.ts';
import { makeThumbStrip } from '../src/review/thumbs.ts';
import { DEFAULT_SAMPLE, ensureCutSample } from '../test/helpers/media/index.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '120' } } });
const seconds = Number(values.seconds);
const bins = await resolveFfmpeg();
const spec = { ...DEFAULT_SAMPLE, scenes: Array.from({ length: Math.max(1, Math.round(seconds / 10)) }, () => 10) };
const file = await ensureCutSample(spec);
const keyframes = await keyframeTimes(file, bins);
const cpu = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
const out = `${file}.thumbs.jpg`;
let index: Awaited<ReturnType<typeof makeThumbStrip>> | undefined;
const stripMs = await cpu(async () => (index = await makeThumbStrip(bins.ffmpeg, file, out, { keyframes })));
const decodeMs = await cpu(() => execa(bins.ffmpeg, ['-nostdin', '-v', 'error', '-i', file, '-an', '-f', 'null', '-']));
const bytes = (await stat(out)).size;
console.log(`${seconds} s ${spec.width}x${spec.height} ${spec.fps} fps H.264 sample, ${keyframes.length} keyframes`);
console.log(
  table(
    ['pass', 'wall ms', 'tiles', 'sheet', 'bytes'],
    [
      ['thumbnail strip (keyframes only)', stripMs.toFixed(0), index!.count, `${index!.columns}x${index!.rows} of ${index!.width}x${index!.height}`, bytes],
      ['full decode (for scale)', decodeMs.toFixed(0), '-', '-', '-'],
    ],
  ),
);
console.log(`strip / full decode: ${((100 * stripMs) / decodeMs).toFixed(1)} %`);
