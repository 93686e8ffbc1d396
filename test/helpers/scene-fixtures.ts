// Deterministic scene-detection test set, generated with ffmpeg's synthetic sources (no media is
// committed) and cached under .cache/scenes/<key>/, where <key> hashes the generator parameters.
// Every video comes with its ground truth: the frame of each cut and its kind, and the flashes that
// must NOT produce a cut. The same specs render at 320x180 for tests and 720p/1080p for the bench.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ensureSample, sampleCutFrames, type SampleSpec } from '../../src/cli/sample.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.cache', 'scenes');
const GENERATOR_VERSION = 7;

export type SceneClass = 'hard' | 'gradual' | 'flash' | 'motion' | 'static';
export type CutKind = 'hard' | 'gradual';

export interface TruthCut {
  /** Hard cut: first frame of the new shot. Gradual: middle frame of the transition. */
  frame: number;
  kind: CutKind;
  /** Gradual only: the xfade transition name and its length in frames. */
  transition?: string;
  length?: number;
}

export interface TruthFlash {
  start: number;
  length: number;
  style: 'white' | 'overexposed';
}

export interface SceneVideo {
  name: SceneClass;
  path: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  cuts: TruthCut[];
  flashes: TruthFlash[];
  /** Keyframe (IDR) times from the encoded file, as the preprocess stage would store them. */
  keyframeTimes: number[];
}

export interface SceneSet {
  dir: string;
  width: number;
  height: number;
  fps: number;
  videos: Record<SceneClass, SceneVideo>;
}

// ---- the specs: shots (source + motion + length) joined by transitions, with flashes on top ----

type Motion = 'none' | 'pan' | 'shake' | 'zoom' | 'zoomin' | 'zoomout';
interface Shot {
  src: string;
  frames: number;
  motion?: Motion;
  noise?: number;
}
/** How a shot is joined to the previous one: a hard cut or an xfade transition of N frames. */
type Join = { cut: 'hard' } | { cut: 'gradual'; transition: string; length: number };
interface VideoSpec {
  shots: Shot[];
  joins: Join[]; // joins[i] joins shots[i] and shots[i+1]
  flashes?: TruthFlash[];
  noise?: number;
}

const HARD: Join = { cut: 'hard' };
const g = (transition: string, length: number): Join => ({ cut: 'gradual', transition, length });

export const SPECS: Record<SceneClass, VideoSpec> = {
  // Hard cuts between varied sources, including similar-looking pairs (bars to bars, two gradients).
  hard: {
    shots: [
      { src: 'testsrc2', frames: 40 },
      { src: 'bars', frames: 35, noise: 6 },
      { src: 'pal', frames: 30 },
      { src: 'life', frames: 45 },
      { src: 'gradients:1', frames: 30 },
      { src: 'gradients:7', frames: 40 },
      { src: 'spectrum', frames: 25 },
      { src: 'cellauto', frames: 35 },
      { src: 'head', frames: 40 },
      { src: 'sierpinski', frames: 30 },
      { src: 'rgb', frames: 30 },
      { src: 'testsrc', frames: 40 },
    ],
    joins: Array.from({ length: 11 }, () => HARD),
  },
  // Fades, dissolves and wipes of 10-60 frames, each reported as one cut at its middle.
  gradual: {
    shots: [
      { src: 'testsrc2', frames: 70 },
      { src: 'gradients:3', frames: 80 },
      { src: 'bars', frames: 80, noise: 5 },
      { src: 'life', frames: 90 },
      { src: 'head', frames: 90 },
      { src: 'spectrum', frames: 90 },
      { src: 'sierpinski', frames: 100 },
      { src: 'testsrc', frames: 100 },
      { src: 'gradients:11', frames: 110 },
      { src: 'pal', frames: 80 },
    ],
    joins: [
      g('fade', 10), g('wipeleft', 12), g('fadeblack', 20), g('dissolve', 16), g('wipeup', 30),
      g('fade', 45), g('fadewhite', 24), g('wiperight', 40), g('fade', 60),
    ],
  },
  // 1-5 white or over-exposed frames that return to the same shot: no cut. Two real cuts.
  flash: {
    shots: [
      { src: 'head', frames: 100 },
      { src: 'testsrc2', frames: 100, motion: 'pan' },
      { src: 'gradients:5', frames: 100 },
    ],
    joins: [HARD, HARD],
    flashes: [
      { start: 20, length: 1, style: 'white' },
      { start: 45, length: 3, style: 'overexposed' },
      { start: 70, length: 5, style: 'white' },
      { start: 115, length: 2, style: 'white' },
      { start: 140, length: 4, style: 'overexposed' },
      { start: 170, length: 1, style: 'overexposed' },
      { start: 225, length: 5, style: 'overexposed' },
      { start: 260, length: 3, style: 'white' },
    ],
  },
  // Fast noisy pans, zooms and shakes, with real cuts inside the motion. Then steady zooms, which
  // change at the same rate for seconds and must not read as a gradual transition: ffmpeg's
  // mandelbrot (a continuous zoom, as in the demo sample) and slow zooms into and out of a still
  // (a "Ken Burns" move), joined by hard cuts.
  motion: {
    shots: [
      { src: 'testsrc', frames: 50, motion: 'pan', noise: 10 },
      { src: 'sierpinski', frames: 45, motion: 'shake', noise: 10 },
      { src: 'bars', frames: 50, motion: 'zoom', noise: 10 },
      { src: 'life', frames: 40, motion: 'pan', noise: 8 },
      { src: 'testsrc2', frames: 50, motion: 'shake', noise: 10 },
      { src: 'spectrum', frames: 45, motion: 'pan', noise: 10 },
      { src: 'cellauto', frames: 50, motion: 'zoom', noise: 8 },
      { src: 'gradients:9', frames: 45, motion: 'shake', noise: 10 },
      { src: 'mandelbrot', frames: 135 },
      { src: 'testsrc2', frames: 120, motion: 'zoomin', noise: 3 },
      { src: 'bars', frames: 120, motion: 'zoomout' },
    ],
    joins: Array.from({ length: 10 }, () => HARD),
  },
  // A near-static talking-head stretch (small head and mouth movements, sensor noise): no cuts
  // inside; one cut to a second talking head with another background.
  static: {
    shots: [
      { src: 'head', frames: 200, noise: 5 },
      { src: 'head:2', frames: 150, noise: 5 },
    ],
    joins: [HARD],
  },
};

// ---- rendering ----

function source(spec: string, w: number, h: number, fps: number, seed: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  const [name, arg] = spec.split(':');
  const n = Number(arg ?? seed);
  const qw = Math.max(16, Math.round(w / 4));
  const qh = Math.max(16, Math.round(h / 4));
  const size = `${w}x${h}`;
  switch (name) {
    case 'testsrc2': return `testsrc2=size=${size}:rate=${fps}`;
    case 'testsrc': return `testsrc=size=${size}:rate=${fps}`;
    case 'bars': return `smptehdbars=size=${size}:rate=${fps}`;
    case 'pal': return `pal75bars=size=${size}:rate=${fps}`;
    case 'rgb': return `rgbtestsrc=size=${size}:rate=${fps}`;
    case 'spectrum': return `colorspectrum=size=${size}:rate=${fps}:type=all`;
    case 'gradients': {
      // ffmpeg 5.1 picks random colours and points even with a seed: give them all, so the set is
      // the same on every run (it was not, and one wipe's placement moved with it).
      const palette = ['0xe04040', '0x40a0e0', '0x50c050', '0xe0c040', '0x9050d0', '0xf08030'];
      const c = (k: number) => palette[(n + k) % palette.length];
      const pt = (k: number) => `x${k}=${Math.round(((n * 37 + k * 53) % 100) / 100 * w)}:y${k}=${Math.round(((n * 61 + k * 29) % 100) / 100 * h)}`;
      return `gradients=size=${size}:rate=${fps}:speed=0.03:n=4:c0=${c(0)}:c1=${c(1)}:c2=${c(2)}:c3=${c(3)}:${pt(0)}:${pt(1)}`;
    }
    case 'sierpinski': return `sierpinski=size=${size}:rate=${fps}:seed=${n}:jump=4`;
    case 'life':
      return `life=size=${qw}x${qh}:rate=${fps}:seed=${n}:ratio=0.35:mold=12:life_color=#ffcc33:death_color=#102040:mold_color=#a04010,scale=${w}:${h}:flags=neighbor`;
    case 'mandelbrot': return `mandelbrot=size=${size}:rate=${fps}`;
    case 'cellauto': return `cellauto=size=${qw}x${qh}:rate=${fps}:rule=110:seed=${n}:random_fill_ratio=0.4,scale=${w}:${h}:flags=neighbor`;
    case 'head': {
      // Background, shoulders, a face and a mouth that opens and closes (timeline enable), framed by
      // a slow hand-held drift (crop offsets of ~1.5%): small, continuous, never a cut.
      const bg = n === 2 ? '0x7a5a3a' : '0x4a6a8a';
      const bw = even(w * 1.03), bh = even(h * 1.03);
      const fw = Math.round(bw * 0.22), fh = Math.round(bh * 0.5);
      const fx = Math.round(bw * 0.39), fy = Math.round(bh * 0.25);
      const mw = Math.round(fw * 0.4), mx = fx + Math.round(fw * 0.3), my = fy + Math.round(fh * 0.7);
      const mh = Math.max(2, Math.round(bh / 40));
      return [
        `color=c=${bg}:size=${bw}x${bh}:rate=${fps}`,
        `drawbox=x=${Math.round(bw * 0.3)}:y=${Math.round(bh * 0.7)}:w=${Math.round(bw * 0.4)}:h=${Math.round(bh * 0.3)}:color=0x203040:t=fill`,
        `drawbox=x=${fx}:y=${fy}:w=${fw}:h=${fh}:color=0xd0a080:t=fill`,
        `drawbox=x=${mx}:y=${my}:w=${mw}:h=${mh}:color=0x602020:t=fill:enable='lt(mod(n,9),4)'`,
        `crop=${w}:${h}:x='(iw-ow)*(0.5+0.5*sin(t*1.3))':y='(ih-oh)*(0.5+0.5*sin(t*0.7))'`,
      ].join(',');
    }
    default: throw new Error(`unknown source ${spec}`);
  }
}

function shotChain(shot: Shot, i: number, w: number, h: number, fps: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  let chain: string;
  switch (shot.motion ?? 'none') {
    case 'none': chain = source(shot.src, w, h, fps, i + 1); break;
    case 'pan': {
      // Fast pan across a scene twice as wide: up to ~6% of the width per frame.
      chain = `${source(shot.src, w * 2, h, fps, i + 1)},crop=${w}:${h}:x='(iw-ow)*(0.5+0.5*sin(n*0.12+${i}))':y=0`;
      break;
    }
    case 'shake': {
      const bw = even(w * 1.25), bh = even(h * 1.25);
      chain = `${source(shot.src, bw, bh, fps, i + 1)},crop=${w}:${h}:x='(iw-ow)*(0.5+0.45*sin(n*2.1)*cos(n*0.37))':y='(ih-oh)*(0.5+0.45*sin(n*1.7+1)*cos(n*0.53))'`;
      break;
    }
    case 'zoom': {
      chain = `${source(shot.src, w, h, fps, i + 1)},zoompan=z='1+0.04*on':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=${w}x${h}:fps=${fps}`;
      break;
    }
    case 'zoomin':
    case 'zoomout': {
      // A slow, smooth zoom (1x to 1.5x over the shot) into or out of the first frame held still.
      // zoompan crops at whole pixels, so it works on a 4x upscale to keep the move smooth.
      const z = shot.motion === 'zoomin' ? `1+0.5*on/${shot.frames}` : `1.5-0.5*on/${shot.frames}`;
      chain = `${source(shot.src, w, h, fps, i + 1)},trim=end_frame=1,scale=${w * 4}:${h * 4}:flags=bicubic,` +
        `zoompan=z='${z}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${shot.frames}:s=${w}x${h}:fps=${fps}`;
      break;
    }
  }
  const noise = shot.noise ? `,noise=alls=${shot.noise}:allf=t:all_seed=${1000 + i}` : '';
  return `${chain},format=yuv420p${noise},trim=end_frame=${shot.frames},setpts=N/${fps}/TB,settb=1/${fps}`;
}

interface Rendered { graph: string; frames: number; cuts: TruthCut[] }

export function renderGraph(spec: VideoSpec, w: number, h: number, fps: number): Rendered {
  const parts: string[] = [];
  spec.shots.forEach((shot, i) => parts.push(`${shotChain(shot, i, w, h, fps)}[s${i}]`));
  let cur = 's0';
  let length = spec.shots[0]!.frames;
  const cuts: TruthCut[] = [];
  spec.joins.forEach((join, i) => {
    const next = `s${i + 1}`;
    const out = `j${i}`;
    const nextFrames = spec.shots[i + 1]!.frames;
    if (join.cut === 'hard') {
      parts.push(`[${cur}][${next}]concat=n=2:v=1:a=0,settb=1/${fps},setpts=N/${fps}/TB[${out}]`);
      cuts.push({ frame: length, kind: 'hard' });
      length += nextFrames;
    } else {
      // xfade blends frames [start, start+length): frame start is still all A, start+length all B.
      const start = length - join.length;
      parts.push(`[${cur}][${next}]xfade=transition=${join.transition}:duration=${join.length / fps}:offset=${start / fps},settb=1/${fps},setpts=N/${fps}/TB[${out}]`);
      cuts.push({ frame: start + Math.round(join.length / 2), kind: 'gradual', transition: join.transition, length: join.length });
      length += nextFrames - join.length;
    }
    cur = out;
  });
  const post: string[] = [];
  for (const f of spec.flashes ?? []) {
    const en = `enable='between(n,${f.start},${f.start + f.length - 1})'`;
    post.push(f.style === 'white'
      ? `drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:${en}`
      : `lutyuv=y='min(255,val*2.2+60)':u='128+(val-128)*0.4':v='128+(val-128)*0.4':${en}`);
  }
  if (spec.noise) post.push(`noise=alls=${spec.noise}:allf=t`);
  post.push('format=yuv420p');
  parts.push(`[${cur}]${post.join(',')}[out]`);
  return { graph: parts.join(';'), frames: length, cuts };
}

async function keyframeTimes(ffprobe: string, file: string): Promise<number[]> {
  const { stdout } = await execa(ffprobe, [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file,
  ]);
  return stdout.split('\n').filter((l) => l.includes('K')).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b);
}

const pending = new Map<string, Promise<SceneSet>>();

/**
 * Build (or reuse from the cache) the scene set at one size. 320x180@25 for tests; 1280x720@30 and
 * 1920x1080@30 for the bench. Safe to call concurrently: builds once per key, renames into place.
 */
export function ensureSceneSet(opts: { width?: number; height?: number; fps?: number; ffmpeg?: string; ffprobe?: string } = {}): Promise<SceneSet> {
  const width = opts.width ?? 320, height = opts.height ?? 180, fps = opts.fps ?? 25;
  const ffmpeg = opts.ffmpeg ?? process.env.FFMPEG_PATH ?? 'ffmpeg';
  const ffprobe = opts.ffprobe ?? process.env.FFPROBE_PATH ?? 'ffprobe';
  const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, SPECS, width, height, fps })).digest('hex').slice(0, 16);
  let p = pending.get(key);
  if (!p) {
    p = build(key, width, height, fps, ffmpeg, ffprobe);
    pending.set(key, p);
  }
  return p;
}

async function build(key: string, width: number, height: number, fps: number, ffmpeg: string, ffprobe: string): Promise<SceneSet> {
  const dir = path.join(CACHE_ROOT, `${width}x${height}-${fps}-${key}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    try {
      for (const name of Object.keys(SPECS) as SceneClass[]) {
        const spec = SPECS[name];
        const r = renderGraph(spec, width, height, fps);
        const file = path.join(tmp, `${name}.mp4`);
        await execa(ffmpeg, [
          '-hide_banner', '-loglevel', 'error', '-y', '-filter_complex', r.graph, '-map', '[out]',
          // Default x264 GOP and scenecut: keyframes land on scene changes as with real uploads.
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-threads', '2',
          '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-movflags', '+faststart', file,
        ]);
        const truth: Omit<SceneVideo, 'path'> = {
          name, width, height, fps, frames: r.frames, cuts: r.cuts, flashes: spec.flashes ?? [],
          keyframeTimes: await keyframeTimes(ffprobe, file),
        };
        await writeFile(path.join(tmp, `${name}.json`), JSON.stringify(truth, null, 1));
      }
      await writeFile(path.join(tmp, '.complete'), key);
      await rename(tmp, dir).catch((err: NodeJS.ErrnoException) => {
        if (!existsSync(path.join(dir, '.complete'))) throw err; // lost a race to an identical set
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const videos = {} as Record<SceneClass, SceneVideo>;
  for (const name of Object.keys(SPECS) as SceneClass[]) {
    const truth = JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as Omit<SceneVideo, 'path'>;
    videos[name] = { ...truth, path: path.join(dir, `${name}.mp4`) };
  }
  return { dir, width, height, fps, videos };
}

/**
 * The project's demo sample (src/cli/sample.ts: testsrc2, smptehdbars, mandelbrot, cellauto, hard
 * cuts only) at a small size, cached under .cache/scenes/sample/. Its mandelbrot scene is a steady
 * zoom that once read as a gradual transition.
 */
export async function ensureDemoSample(opts: { width?: number; height?: number; ffmpeg?: string; ffprobe?: string } = {}): Promise<SceneVideo> {
  const spec: SampleSpec = { width: opts.width ?? 320, height: opts.height ?? 180, fps: 30, scenes: [4, 3, 5, 3], codec: 'h264_aac' };
  const file = await ensureSample(opts.ffmpeg ?? process.env.FFMPEG_PATH ?? 'ffmpeg', path.join(CACHE_ROOT, 'sample'), spec);
  return {
    name: 'motion', path: file, width: spec.width, height: spec.height, fps: spec.fps,
    frames: Math.round(spec.scenes.reduce((a, b) => a + b, 0) * spec.fps),
    cuts: sampleCutFrames(spec).map((frame) => ({ frame, kind: 'hard' })), flashes: [],
    keyframeTimes: await keyframeTimes(opts.ffprobe ?? process.env.FFPROBE_PATH ?? 'ffprobe', file),
  };
}
