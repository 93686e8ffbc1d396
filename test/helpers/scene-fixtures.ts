// Deterministic scene-detection DEVELOPMENT set (the one parameters are tuned on), generated with
// ffmpeg's synthetic sources and Debian's wallpaper photographs (plasma-workspace-wallpapers) moved
// with pans, zooms and shake, with sensor noise and web bitrates. No media is committed; videos are
// cached under .cache/scenes/<set>-<size>-<fps>-<key>/, where <key> hashes the specs. Every video
// comes with its ground truth: the frame of each cut and its kind, and the flashes that must NOT
// produce a cut. The same specs render at 320x180 for tests and 720p/1080p for the bench.
// The frozen held-out set (other photographs, seeds, lengths, sizes) is scene-fixtures-heldout.ts;
// both use the renderer here (ensureSet).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ensureSample, sampleCutFrames, type SampleSpec } from '../../src/cli/sample.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_ROOT = path.join(REPO_ROOT, '.cache', 'scenes');
const GENERATOR_VERSION = 9;

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
  /** Frames from the first to the last lit frame (a strobe's dark frames in between count too). */
  length: number;
  /** white: the whole frame white; overexposed: a blown-out picture; partial: brighter, still the
   * picture; strobe: overexposed on every other frame of the span. */
  style: 'white' | 'overexposed' | 'partial' | 'strobe';
}

export interface SceneVideo {
  /** The video's key in its set (e.g. "hard", "photo_flash"). */
  name: string;
  /** What it tests; the bench scores per class. */
  cls: SceneClass;
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

export interface SceneSet<K extends string = string> {
  dir: string;
  width: number;
  height: number;
  fps: number;
  videos: Record<K, SceneVideo>;
}

// ---- the specs: shots (source + motion + length) joined by transitions, with flashes on top ----

type Motion = 'none' | 'pan' | 'shake' | 'zoom' | 'zoomin' | 'zoomout' | 'drift' | 'fastpan';
export interface Shot {
  /** An ffmpeg source (see source()) or photo:<wallpaper name>[@cx,cy] (a still moved by `motion`). */
  src: string;
  frames: number;
  motion?: Motion;
  noise?: number;
}
/** How a shot is joined to the previous one: a hard cut or an xfade transition of N frames. */
export type Join = { cut: 'hard' } | { cut: 'gradual'; transition: string; length: number };
export interface VideoSpec {
  cls: SceneClass;
  shots: Shot[];
  joins: Join[]; // joins[i] joins shots[i] and shots[i+1]
  flashes?: TruthFlash[];
  noise?: number;
  /** Web-style constant bitrate, in bits per pixel per frame (e.g. 0.05 ~ 1.4 Mb/s at 720p30);
   * absent: x264 crf 20. */
  bpp?: number;
}

export const HARD: Join = { cut: 'hard' };
export const g = (transition: string, length: number): Join => ({ cut: 'gradual', transition, length });
const f = (start: number, length: number, style: TruthFlash['style']): TruthFlash => ({ start, length, style });

/** The development set: synthetic videos, then photographs (Autumn ... FallenLeaf; the held-out set
 * uses the other wallpapers). */
export const SPECS = {
  // Hard cuts between varied sources, including similar-looking pairs (bars to bars, two gradients).
  hard: {
    cls: 'hard',
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
    cls: 'gradual',
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
    cls: 'flash',
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
    cls: 'motion',
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
    cls: 'static',
    shots: [
      { src: 'head', frames: 200, noise: 5 },
      { src: 'head:2', frames: 150, noise: 5 },
    ],
    joins: [HARD],
  },
  // Hard cuts between moving photographs (pans, zooms, shake, a hand-held drift), sensor noise, a
  // web bitrate; two cuts between two framings of the same photograph.
  photo_hard: {
    cls: 'hard',
    shots: [
      { src: 'photo:Autumn', frames: 45, motion: 'pan' },
      { src: 'photo:BytheWater', frames: 40, motion: 'drift' },
      { src: 'photo:ColdRipple', frames: 50, motion: 'zoomin' },
      { src: 'photo:ColdRipple@0.25,0.7', frames: 35, motion: 'drift' },
      { src: 'photo:DarkestHour', frames: 40, motion: 'shake' },
      { src: 'photo:EveningGlow', frames: 45, motion: 'fastpan' },
      { src: 'photo:FallenLeaf', frames: 40, motion: 'zoomout' },
      { src: 'photo:Autumn@0.8,0.3', frames: 40, motion: 'drift' },
      { src: 'gradients:2:0.01', frames: 40 },
    ],
    joins: Array.from({ length: 8 }, () => HARD),
    noise: 4,
    bpp: 0.05,
  },
  // Flashes and strobes of 1-10 frames over moving photographs (the picture moves under the
  // flash, so it never returns to the frame before it), three real cuts.
  photo_flash: {
    cls: 'flash',
    shots: [
      { src: 'photo:BytheWater', frames: 160, motion: 'pan' },
      { src: 'photo:EveningGlow', frames: 140, motion: 'fastpan' },
      { src: 'photo:DarkestHour', frames: 120, motion: 'shake' },
      { src: 'photo:FallenLeaf', frames: 140, motion: 'zoomin' },
    ],
    joins: [HARD, HARD, HARD],
    flashes: [
      f(20, 2, 'white'), f(50, 6, 'overexposed'), f(90, 8, 'white'), f(125, 4, 'partial'),
      f(180, 7, 'overexposed'), f(215, 10, 'strobe'), f(250, 3, 'white'), f(275, 9, 'white'),
      f(330, 5, 'strobe'), f(360, 10, 'overexposed'), f(395, 6, 'partial'),
      f(445, 1, 'white'), f(470, 7, 'strobe'), f(500, 10, 'white'), f(530, 4, 'overexposed'),
    ],
    noise: 3,
    bpp: 0.05,
  },
  // 2-5 s fades and dissolves (60-150 frames) between moving photographs, a slow dissolve between
  // two framings of the same photograph.
  photo_gradual: {
    cls: 'gradual',
    shots: [
      { src: 'photo:Autumn', frames: 130, motion: 'drift' },
      { src: 'photo:BytheWater', frames: 200, motion: 'pan' },
      { src: 'photo:ColdRipple', frames: 210, motion: 'zoomin' },
      { src: 'photo:DarkestHour', frames: 240, motion: 'drift' },
      { src: 'photo:EveningGlow', frames: 320, motion: 'pan' },
      { src: 'photo:EveningGlow@0.3,0.6', frames: 300, motion: 'drift' },
      { src: 'photo:FallenLeaf', frames: 290, motion: 'zoomout' },
      { src: 'photo:Autumn@0.2,0.8', frames: 190, motion: 'drift' },
    ],
    joins: [g('fade', 60), g('dissolve', 90), g('fadeblack', 75), g('fade', 120), g('fade', 150), g('fadewhite', 100), g('dissolve', 140)],
    noise: 3,
    bpp: 0.05,
  },
  // Fast pans, shake and zooms over photographs, a rotating gradient and a slowly changing one:
  // hard cuts only.
  photo_motion: {
    cls: 'motion',
    shots: [
      { src: 'photo:Autumn', frames: 60, motion: 'fastpan' },
      { src: 'photo:DarkestHour', frames: 60, motion: 'shake' },
      { src: 'gradients:2:0.08', frames: 90 },
      { src: 'photo:BytheWater', frames: 70, motion: 'zoomin' },
      { src: 'gradients:4:0.004', frames: 120 },
      { src: 'photo:ColdRipple', frames: 60, motion: 'shake' },
      { src: 'photo:FallenLeaf', frames: 60, motion: 'fastpan' },
      { src: 'photo:EveningGlow', frames: 80, motion: 'zoomout' },
    ],
    joins: Array.from({ length: 7 }, () => HARD),
    noise: 4,
    bpp: 0.05,
  },
} satisfies Record<string, VideoSpec>;
export type DevName = keyof typeof SPECS;

// ---- rendering ----

/** A wallpaper photograph from plasma-workspace-wallpapers (scripts/setup.sh installs it). */
export function photoPath(name: string): string {
  const dir = `/usr/share/wallpapers/${name}/contents/images`;
  for (const f of ['1920x1080.jpg', '2560x1600.jpg', '2560x1440.jpg']) {
    if (existsSync(path.join(dir, f))) return path.join(dir, f);
  }
  throw new Error(`wallpaper ${name} not found under ${dir} (apt-get install plasma-workspace-wallpapers)`);
}

/** A still photograph moved like a camera would. */
function photoChain(spec: string, motion: Motion, frames: number, w: number, h: number, fps: number): string {
  const [name, at] = spec.slice('photo:'.length).split('@');
  const [cx0, cy0] = at ? at.split(',').map(Number) as [number, number] : [0.5, 0.5];
  const F = frames;
  let z = '1.15', cx = `${cx0}`, cy = `${cy0}`;
  switch (motion) {
    case 'none': break;
    case 'drift': // hand-held: small, slow, never a cut
      cx = `${cx0}+0.015*sin(on*0.09)+0.008*sin(on*0.23)`; cy = `${cy0}+0.012*sin(on*0.07+1)+0.006*sin(on*0.31)`; break;
    case 'pan': z = '1.5'; cx = `${cx0}-0.15+0.3*on/${F}`; break;
    case 'fastpan': z = '1.6'; cx = `${cx0}+0.18*sin(on*0.09)`; cy = `${cy0}+0.04*sin(on*0.05)`; break;
    case 'zoom': case 'zoomin': z = `1.05+0.6*on/${F}`; break;
    case 'zoomout': z = `1.65-0.6*on/${F}`; break;
    case 'shake': z = '1.3'; cx = `${cx0}+0.05*sin(on*1.7)*cos(on*0.31)`; cy = `${cy0}+0.04*sin(on*2.3+1)*cos(on*0.47)`; break;
  }
  const clampX = `max(0,min(iw-iw/zoom,(${cx})*iw-iw/zoom/2))`;
  const clampY = `max(0,min(ih-ih/zoom,(${cy})*ih-ih/zoom/2))`;
  // zoompan moves in whole input pixels: on a 4x copy (at most 5120 px wide) a pan is smooth, not
  // a stutter of still frames and jumps.
  const up = Math.min(4, 5120 / w);
  const uw = Math.round((w * up) / 2) * 2, uh = Math.round((h * up) / 2) * 2;
  return `movie=filename=${photoPath(name!)},scale=${uw}:${uh}:force_original_aspect_ratio=increase:flags=bicubic,crop=${uw}:${uh},` +
    `zoompan=z='${z}':x='${clampX}':y='${clampY}':d=${F}:s=${w}x${h}:fps=${fps}`;
}

function source(spec: string, w: number, h: number, fps: number, seed: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  const [name, arg, arg2] = spec.split(':');
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
      return `gradients=size=${size}:rate=${fps}:speed=${arg2 ?? 0.03}:n=4:c0=${c(0)}:c1=${c(1)}:c2=${c(2)}:c3=${c(3)}:${pt(0)}:${pt(1)}`;
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
  let chain = '';
  if (shot.src.startsWith('photo:')) chain = photoChain(shot.src, shot.motion ?? 'none', shot.frames, w, h, fps);
  else switch (shot.motion ?? 'none') {
    case 'none': case 'drift': chain = source(shot.src, w, h, fps, i + 1); break;
    case 'pan': case 'fastpan': {
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
  return `${chain},setsar=1,format=yuv420p${noise},trim=end_frame=${shot.frames},setpts=N/${fps}/TB,settb=1/${fps}`;
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
    const on = `between(n,${f.start},${f.start + f.length - 1})`;
    const en = `enable='${f.style === 'strobe' ? `${on}*not(mod(n-${f.start},2))` : on}'`;
    if (f.style === 'white') post.push(`drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:${en}`);
    else if (f.style === 'partial') post.push(`lutyuv=y='min(255,val*1.5+45)':u='128+(val-128)*0.7':v='128+(val-128)*0.7':${en}`);
    else post.push(`lutyuv=y='min(255,val*2.2+60)':u='128+(val-128)*0.4':v='128+(val-128)*0.4':${en}`);
  }
  if (spec.noise) post.push(`noise=alls=${spec.noise}:allf=t:all_seed=4242`);
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

export interface SetOptions { width?: number; height?: number; fps?: number; ffmpeg?: string; ffprobe?: string }

/**
 * Build (or reuse from the cache) the development set at one size. 320x180@25 for tests;
 * 1280x720@30 and 1920x1080@30 for the bench.
 */
export function ensureSceneSet(opts: SetOptions = {}): Promise<SceneSet<DevName>> {
  return ensureSet('dev', SPECS, { width: 320, height: 180, fps: 25, ...opts });
}

/**
 * Build (or reuse from the cache) a named set of specs at one size. Safe to call concurrently:
 * builds once per key, renames into place.
 */
export function ensureSet<K extends string>(setName: string, specs: Record<K, VideoSpec>, opts: SetOptions = {}): Promise<SceneSet<K>> {
  const width = opts.width ?? 320, height = opts.height ?? 180, fps = opts.fps ?? 25;
  const ffmpeg = opts.ffmpeg ?? process.env.FFMPEG_PATH ?? 'ffmpeg';
  const ffprobe = opts.ffprobe ?? process.env.FFPROBE_PATH ?? 'ffprobe';
  const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, specs, width, height, fps })).digest('hex').slice(0, 16);
  let p = pending.get(key);
  if (!p) {
    p = build(setName, specs as Record<string, VideoSpec>, key, width, height, fps, ffmpeg, ffprobe);
    pending.set(key, p);
  }
  return p as Promise<SceneSet<K>>;
}

/** Web-style rate control: a constant bitrate with a short VBV, like a streaming upload. */
function rateArgs(spec: VideoSpec, width: number, height: number, fps: number): string[] {
  if (!spec.bpp) return ['-crf', '20'];
  const kbps = Math.round((spec.bpp * width * height * fps) / 1000);
  return ['-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`];
}

async function build(setName: string, specs: Record<string, VideoSpec>, key: string, width: number, height: number, fps: number,
  ffmpeg: string, ffprobe: string): Promise<SceneSet> {
  const dir = path.join(CACHE_ROOT, `${setName}-${width}x${height}-${fps}-${key}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    try {
      for (const name of Object.keys(specs)) {
        const spec = specs[name]!;
        const r = renderGraph(spec, width, height, fps);
        const file = path.join(tmp, `${name}.mp4`);
        await execa(ffmpeg, [
          '-hide_banner', '-loglevel', 'error', '-y', '-filter_complex', r.graph, '-map', '[out]',
          // Default x264 GOP and scenecut: keyframes land on scene changes as with real uploads.
          '-c:v', 'libx264', '-preset', 'veryfast', ...rateArgs(spec, width, height, fps), '-pix_fmt', 'yuv420p', '-threads', '2',
          '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-movflags', '+faststart', file,
        ]);
        const truth: Omit<SceneVideo, 'path'> = {
          name, cls: spec.cls, width, height, fps, frames: r.frames, cuts: r.cuts, flashes: spec.flashes ?? [],
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
  const videos: Record<string, SceneVideo> = {};
  for (const name of Object.keys(specs)) {
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
    name: 'sample', cls: 'motion', path: file, width: spec.width, height: spec.height, fps: spec.fps,
    frames: Math.round(spec.scenes.reduce((a, b) => a + b, 0) * spec.fps),
    cuts: sampleCutFrames(spec).map((frame) => ({ frame, kind: 'hard' })), flashes: [],
    keyframeTimes: await keyframeTimes(opts.ffprobe ?? process.env.FFPROBE_PATH ?? 'ffprobe', file),
  };
}
