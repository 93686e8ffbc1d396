// A sample video the project makes itself (no network): distinct synthetic scenes with hard cuts at
// known times and a tone track. Used by `heaters run --sample`; the tests and benchmarks reach it
// through test/helpers/media/. Its pictures come from the source catalogue (media/sources.ts).
import path from 'node:path';
import { execa } from 'execa';
import { lavfi, tone, type Raster } from '../media/sources.ts';
import { buildOnce } from '../util/build-once.ts';

export interface SampleSpec {
  width: number;
  height: number;
  fps: number;
  /** Length of each scene in seconds; cuts fall at their running sums. */
  scenes: number[];
  codec: 'h264_aac' | 'vp9_opus';
}

export const DEFAULT_SAMPLE: SampleSpec = { width: 1280, height: 720, fps: 30, scenes: [4, 3, 5, 3], codec: 'h264_aac' };

// Sources that look nothing alike, so every cut is unambiguous.
const SOURCES = [
  lavfi.testsrc2,
  lavfi.smptehdbars,
  lavfi.mandelbrot,
  (r: Raster) => lavfi.cellauto(r, 7),
  lavfi.rgbtestsrc,
];

/** The frame numbers at which each new scene starts (excluding 0). */
export function sampleCutFrames(spec: SampleSpec): number[] {
  const cuts: number[] = [];
  let t = 0;
  for (const s of spec.scenes.slice(0, -1)) {
    t += Math.round(s * spec.fps);
    cuts.push(t);
  }
  return cuts;
}

export function sampleName(spec: SampleSpec): string {
  const ext = spec.codec === 'h264_aac' ? 'mp4' : 'webm';
  return `sample-${spec.width}x${spec.height}-${spec.fps}-${spec.scenes.join('_')}-${spec.codec}.${ext}`;
}

/** Generate (once; cached in `dir`) and return the sample's path. */
export function ensureSample(ffmpeg: string, dir: string, spec: SampleSpec = DEFAULT_SAMPLE): Promise<string> {
  return buildOnce(path.join(dir, sampleName(spec)), (tmp) => render(ffmpeg, spec, tmp));
}

async function render(ffmpeg: string, spec: SampleSpec, out: string): Promise<void> {
  const total = spec.scenes.reduce((a, b) => a + b, 0);
  const inputs = spec.scenes.flatMap((d, i) => ['-f', 'lavfi', '-t', String(d), '-i', SOURCES[i % SOURCES.length]!(spec)]);
  const concat = spec.scenes.map((_, i) => `[${i}:v]format=yuv420p,setsar=1[v${i}]`).join(';') +
    ';' + spec.scenes.map((_, i) => `[v${i}]`).join('') + `concat=n=${spec.scenes.length}:v=1:a=0[v]`;
  const audioIn = spec.scenes.length;
  const codec = spec.codec === 'h264_aac'
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart']
    : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-crf', '40', '-b:v', '0', '-row-mt', '1', '-c:a', 'libopus', '-b:a', '96k'];
  await execa(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y', ...inputs,
    '-f', 'lavfi', '-t', String(total), '-i', tone(),
    '-filter_complex', concat, '-map', '[v]', '-map', `${audioIn}:a`,
    '-r', String(spec.fps), ...codec, '-t', String(total), out,
  ]);
}
