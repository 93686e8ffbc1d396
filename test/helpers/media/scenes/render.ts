// The scene-set renderer: the types of a scene video and its ground truth (cuts, flashes), the
// spec vocabulary (shots joined by hard cuts or xfade transitions, flashes on top), the ffmpeg
// filter graph that renders a spec (ffmpeg's synthetic sources and Debian's wallpaper photographs
// moved with pans, zooms and shake, sensor noise, web bitrates) and ensureSet, which builds a named
// set once and caches it under .cache/scenes/<set>-<size>-<fps>-<key>/ (<key> hashes the specs;
// see ../cache.ts). Sources come from the catalogue (src/media/sources.ts). No media is committed.
// The sets themselves: dev.ts, dev-wide.ts, dev-extra.ts, dev-format.ts, dev-camera.ts, dev-edit.ts
// and dev-twin.ts (the development sets, tuned on) and heldout.ts (the frozen held-out set).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { keyframeTimes, resolveFfmpeg } from '../../../../src/media/index.ts';
import { lavfi, type Raster } from '../../../../src/media/sources.ts';
import { buildOnce } from '../../../../src/util/build-once.ts';
import { hashKey, SCENE_CACHE } from '../cache.ts';

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

type Motion = 'none' | 'pan' | 'shake' | 'zoom' | 'zoomin' | 'zoomout' | 'drift' | 'fastpan'
  /** Camera roll back and forth (up to ~0.3 rad) over the framing. */
  | 'rotate'
  /** Whip pans: sweeps of up to ~10% of the width per frame, back and forth. */
  | 'whip'
  /** Photographs only: a crash zoom, held still, then zoomed in twofold over 6 frames at 45% of the
   * shot, then held at the new framing. */
  | 'crash';
export interface Shot {
  /** An ffmpeg source (see source()) or photo:<wallpaper name>[@cx,cy] (a still moved by `motion`). */
  src: string;
  frames: number;
  motion?: Motion;
  noise?: number;
  /** Exposure: dark (an underexposed, dim shot), flat (low contrast, a hazy or grey shot), mono
   * (almost no colour: a washed-out or black-and-white shot) or soft (out of focus). */
  tone?: 'dark' | 'flat' | 'mono' | 'soft'
    /** Near black: a night shot, luma mostly under ~20% with its texture kept (darker than dark). */
    | 'night'
    /** Near white: a snowy or high-key shot, luma mostly over ~70% with its texture kept. */
    | 'bright';
  /** Footage made at a lower frame rate and shown at the set's: twos (every picture shown twice, as
   * 15 fps footage or animation on twos at 30) or film (24 fps footage at the set's rate, a repeated
   * frame every few frames, as a naive 24-to-30 conversion). */
  cadence?: 'twos' | 'film';
  /** Motion blur: every frame the average of three consecutive ones, as a camera's open shutter smears
   * a fast move. */
  blur?: boolean;
  /** Something crossing the frame in front of the camera: a block of another photograph (`src`, a
   * photo: spec) `size` of the frame's width wide and 80% of its height tall, entering at the left
   * `start` frames into the shot and gone at the right `frames` frames later. */
  passer?: { src: string; size: number; start: number; frames: number };
  /** Photographs, motion none or drift only: the framing's zoom (absent: 1.15), e.g. 1.4 for a
   * punched-in close-up of the same framing. */
  zoom?: number;
  /** Photographs only: the shot starts `phase` frames into its move (the roll of rotate aside), as a
   * later part of the same take: two shots of one framing, the second with phase, are a jump cut. */
  phase?: number;
  /** Photographs only: hand-held shake on top of the motion, moving the framing by up to about this
   * fraction of the frame (e.g. 0.005 a steady hand, 0.04 running) with a 1-3 Hz wobble and a
   * faster tremor. */
  jitter?: number;
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
  /** x264's longest GOP in frames (-g); absent: x264's default, 250. */
  keyint?: number;
  /** The encoder; absent: x264. vp9 (libvpx, realtime), hevc (x265) and mpeg4 (MPEG-4 part 2, an
   * old upload's codec), all at the same bitrate and GOP, in MP4. */
  codec?: 'vp9' | 'hevc' | 'mpeg4';
  /** The film framed in the 16:9 picture: letterbox (2.39:1, black bars above and below) or
   * pillarbox (4:3, bars at the sides). Flashes light the film only; the bars stay black. */
  frame?: 'letterbox' | 'pillarbox';
  /** Burned in on top of everything, as a broadcaster or an uploader adds them: a channel logo (a
   * translucent box in a corner, the same through every cut) and subtitles (a white line with a dark
   * outline at the bottom that appears, changes and disappears every 1-3 s, out of step with the cuts). */
  overlay?: Array<'logo' | 'subtitles'>;
  /** Lower thirds laid over the film in the edit (no cut): a dark-blue banner 46% of the width wide
   * with an amber edge and two light "text" bars, at the bottom left, sliding in from the left edge
   * over 8 frames from `start` and back out over the last 8 of its `frames`. */
  banners?: Array<{ start: number; frames: number }>;
  /** Pictures in picture laid over the film in the edit (no cut): a window of another photograph
   * (`src`, a photo: spec, moved by `motion`), 32% of the width wide in a thin white frame at the top
   * right, on from `start` for `frames` frames; slide: it slides in from the right edge over 8
   * frames and back out over the last 8, else it pops on and off. */
  pips?: Array<{ src: string; start: number; frames: number; motion?: Motion; slide?: boolean }>;
}

export const HARD: Join = { cut: 'hard' };
/** `n` hard cuts: the joins of a video made of n+1 shots cut together. */
export const hardJoins = (n: number): Join[] => Array.from({ length: n }, () => HARD);
export const g = (transition: string, length: number): Join => ({ cut: 'gradual', transition, length });
export const f = (start: number, length: number, style: TruthFlash['style']): TruthFlash => ({ start, length, style });

// ---- rendering ----

/** A wallpaper photograph from plasma-workspace-wallpapers, or mate.<Name>: one of the nature
 * photographs of mate-backgrounds (scripts/setup.sh installs both). */
export function photoPath(name: string): string {
  if (name.startsWith('mate.')) {
    const file = `/usr/share/backgrounds/mate/nature/${name.slice('mate.'.length)}.jpg`;
    if (existsSync(file)) return file;
    throw new Error(`photograph ${file} not found (apt-get install mate-backgrounds)`);
  }
  const dir = `/usr/share/wallpapers/${name}/contents/images`;
  for (const f of ['1920x1080.jpg', '2560x1600.jpg', '2560x1440.jpg']) {
    if (existsSync(path.join(dir, f))) return path.join(dir, f);
  }
  // Otherwise the widest landscape image the wallpaper ships (several ship only 5120x2880.png).
  const widest = (existsSync(dir) ? readdirSync(dir) : [])
    .map((file) => ({ file, m: /^(\d+)x(\d+)\.(?:jpg|png)$/.exec(file) }))
    .filter((x) => x.m && Number(x.m[1]) > Number(x.m[2]))
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]))[0];
  if (widest) return path.join(dir, widest.file);
  throw new Error(`wallpaper ${name} not found under ${dir} (apt-get install plasma-workspace-wallpapers)`);
}

/** A still photograph moved like a camera would. */
function photoChain(spec: string, motion: Motion, frames: number, w: number, h: number, fps: number,
  extra: Pick<Shot, 'zoom' | 'phase' | 'jitter'> = {}): string {
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
    case 'rotate': z = '1.4'; cx = `${cx0}+0.02*sin(on*0.11)`; break; // the roll itself is applied after zoompan
    case 'whip': z = '1.8'; cx = `${cx0}+0.22*sin(on*0.3)`; cy = `${cy0}+0.03*sin(on*0.13)`; break;
    case 'crash': { const at = Math.round(F * 0.45); z = `if(lt(on,${at}),1.1,min(2.2,1.1+(on-${at})*1.1/6))`; break; }
  }
  // Shot.zoom, jitter and phase (absent: none of this runs and the chain is as before them).
  if (extra.zoom !== undefined) {
    if (motion !== 'none' && motion !== 'drift') throw new Error(`${spec}: zoom is for motion none or drift`);
    z = `${extra.zoom}`;
  }
  if (extra.jitter) {
    const a = extra.jitter;
    cx += `+${a}*(0.6*sin(on*0.33+0.4)+0.4*sin(on*1.9))`;
    cy += `+${a * 0.8}*(0.6*sin(on*0.41+2)+0.4*sin(on*2.3+1))`;
  }
  if (extra.phase) [z, cx, cy] = [z, cx, cy].map((e) => e.replace(/\bon\b/g, `(on+${extra.phase})`)) as [string, string, string];
  const clampX = `max(0,min(iw-iw/zoom,(${cx})*iw-iw/zoom/2))`;
  const clampY = `max(0,min(ih-ih/zoom,(${cy})*ih-ih/zoom/2))`;
  // zoompan moves in whole input pixels: on a 4x copy (at most 5120 px wide) a pan is smooth, not
  // a stutter of still frames and jumps.
  const up = Math.min(4, 5120 / w);
  const uw = Math.round((w * up) / 2) * 2, uh = Math.round((h * up) / 2) * 2;
  return `movie=filename=${photoPath(name!)},scale=${uw}:${uh}:force_original_aspect_ratio=increase:flags=bicubic,crop=${uw}:${uh},` +
    `zoompan=z='${z}':x='${clampX}':y='${clampY}':d=${F}:s=${w}x${h}:fps=${fps}` + (motion === 'rotate' ? `,${roll(w, h)}` : '');
}

/** A camera roll of up to ~0.3 rad back and forth, zoomed in enough (1.6x) that no corner shows. */
function roll(w: number, h: number): string {
  return `scale=${Math.round((w * 1.6) / 2) * 2}:${Math.round((h * 1.6) / 2) * 2}:flags=bicubic,rotate=a='0.3*sin(n*0.08)':ow=${w}:oh=${h}:bilinear=1`;
}

function source(spec: string, w: number, h: number, fps: number, seed: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  const [name, arg, arg2] = spec.split(':');
  const n = Number(arg ?? seed);
  const r: Raster = { width: w, height: h, fps };
  const quarter: Raster = { width: Math.max(16, Math.round(w / 4)), height: Math.max(16, Math.round(h / 4)), fps };
  switch (name) {
    case 'testsrc2': return lavfi.testsrc2(r);
    case 'testsrc': return lavfi.testsrc(r);
    case 'bars': return lavfi.smptehdbars(r);
    case 'pal': return lavfi.pal75bars(r);
    case 'rgb': return lavfi.rgbtestsrc(r);
    case 'spectrum': return lavfi.colorspectrum(r);
    case 'gradients': {
      // ffmpeg 5.1 picks random colours and points even with a seed: give them all, so the set is
      // the same on every run (it was not, and one wipe's placement moved with it).
      const palette = ['0xe04040', '0x40a0e0', '0x50c050', '0xe0c040', '0x9050d0', '0xf08030'];
      const c = (k: number) => palette[(n + k) % palette.length];
      const pt = (k: number) => `x${k}=${Math.round(((n * 37 + k * 53) % 100) / 100 * w)}:y${k}=${Math.round(((n * 61 + k * 29) % 100) / 100 * h)}`;
      return `${lavfi.gradients(r)}:speed=${arg2 ?? 0.03}:n=4:c0=${c(0)}:c1=${c(1)}:c2=${c(2)}:c3=${c(3)}:${pt(0)}:${pt(1)}`;
    }
    case 'sierpinski': return `${lavfi.sierpinski(r, n)}:jump=4`;
    case 'life':
      return `${lavfi.life(quarter, n)}:ratio=0.35:mold=12:life_color=#ffcc33:death_color=#102040:mold_color=#a04010,scale=${w}:${h}:flags=neighbor`;
    case 'mandelbrot': return lavfi.mandelbrot(r);
    case 'cellauto': return `${lavfi.cellauto(quarter, n)}:random_fill_ratio=0.4,scale=${w}:${h}:flags=neighbor`;
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
        lavfi.color({ width: bw, height: bh, fps }, bg),
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
  if (shot.src.startsWith('photo:')) chain = photoChain(shot.src, shot.motion ?? 'none', shot.frames, w, h, fps, shot);
  else if (shot.zoom !== undefined || shot.phase || shot.jitter) throw new Error(`${shot.src}: zoom, phase and jitter are for photographs only`);
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
    case 'rotate': chain = `${source(shot.src, w, h, fps, i + 1)},${roll(w, h)}`; break;
    case 'crash': throw new Error(`${shot.src}: a crash zoom is for photographs only`);
    case 'whip': {
      // Sweeps across a scene three times as wide: up to ~10% of the width per frame.
      chain = `${source(shot.src, w * 3, h, fps, i + 1)},crop=${w}:${h}:x='(iw-ow)*(0.5+0.5*sin(n*0.3+${i}))':y=0`;
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
  if (shot.passer) chain = passerChain(chain, shot.passer, i, w, h, fps, shot.frames);
  if (shot.blur) chain += ',tmix=frames=3';
  const noise = shot.noise ? `,noise=alls=${shot.noise}:allf=t:all_seed=${1000 + i}` : '';
  // fps drops frames down to the footage's rate and repeats them back up to the set's, the shot's own
  // grain included (it was filmed at that rate); a cloned tail keeps the shot its full length
  // whatever the rounding at its end.
  const cadence = shot.cadence ? `,fps=${shot.cadence === 'twos' ? fps / 2 : 24},fps=${fps},tpad=stop=4:stop_mode=clone` : '';
  if (shot.tone === 'dark') chain += ',eq=brightness=-0.22:contrast=0.55';
  if (shot.tone === 'flat') chain += ',eq=contrast=0.35:brightness=0.05';
  if (shot.tone === 'mono') chain += ',hue=s=0.12';
  if (shot.tone === 'soft') chain += `,gblur=sigma=${(1.6 * w) / 1280}`;
  if (shot.tone === 'night') chain += ',eq=brightness=-0.3:contrast=0.45';
  if (shot.tone === 'bright') chain += ',eq=brightness=0.3:contrast=0.5';
  return `${chain},setsar=1,format=yuv420p${noise}${cadence},trim=end_frame=${shot.frames},setpts=N/${fps}/TB,settb=1/${fps}`;
}

/** The shot's chain with a block of another photograph crossing it left to right (Shot.passer): the
 * shot's own chain and the block's become two labelled branches overlaid. */
function passerChain(chain: string, ps: NonNullable<Shot['passer']>, i: number, w: number, h: number, fps: number, frames: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  const pw = even(w * ps.size), ph = even(h * 0.8);
  const [name, at] = ps.src.slice('photo:'.length).split('@');
  const [cx, cy] = at ? at.split(',').map(Number) as [number, number] : [0.5, 0.5];
  const block = `movie=filename=${photoPath(name!)},scale=${pw * 3}:${ph * 3}:force_original_aspect_ratio=increase,` +
    `crop=${pw}:${ph}:x='(iw-ow)*${cx}':y='(ih-oh)*${cy}',zoompan=z=1:d=${frames}:s=${pw}x${ph}:fps=${fps},setsar=1`;
  const x = `-w+(W+w)*(n-${ps.start})/${ps.frames}`;
  return `${chain},setsar=1[pb${i}];${block}[pf${i}];[pb${i}][pf${i}]overlay=x='${x}':y=${even(h * 0.2)}:eval=frame:enable='between(n,${ps.start},${ps.start + ps.frames})'`;
}

interface Rendered { graph: string; frames: number; cuts: TruthCut[] }

export function renderGraph(spec: VideoSpec, w: number, h: number, fps: number): Rendered {
  if (spec.joins.length !== spec.shots.length - 1) throw new Error(`${spec.shots.length} shots need ${spec.shots.length - 1} joins, not ${spec.joins.length}`);
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
  // The film's grain is inside the film: the bars and the burned-in overlays are clean.
  if (spec.frame === 'letterbox') {
    const fh = Math.round(w / 2.39 / 2) * 2;
    post.push(`crop=${w}:${fh},pad=${w}:${h}:0:${Math.round((h - fh) / 4) * 2}:black`);
  } else if (spec.frame === 'pillarbox') {
    const fw = Math.round((h * 4) / 3 / 2) * 2;
    post.push(`crop=${fw}:${h},pad=${w}:${h}:${Math.round((w - fw) / 4) * 2}:0:black`);
  }
  // Graphics of the edit: over the film and its bars, under the logo and the subtitles.
  (spec.pips ?? []).forEach((p, k) => post.push(pip(p, k, length, w, h, fps)));
  (spec.banners ?? []).forEach((b, k) => post.push(banner(b, k, length, w, h, fps)));
  if (spec.overlay?.includes('logo')) {
    post.push(`drawbox=x=${Math.round(w * 0.86)}:y=${Math.round(h * 0.06)}:w=${Math.round(w * 0.09)}:h=${Math.round(h * 0.07)}:color=white@0.55:t=fill`);
  }
  if (spec.overlay?.includes('subtitles')) post.push(...subtitles(length, w, h, fps));
  post.push('format=yuv420p');
  parts.push(`[${cur}]${post.join(',')}[out]`);
  return { graph: parts.join(';'), frames: length, cuts };
}

/** How far a graphic on from `start` for `frames` frames is in, per frame n: 0 off screen to 1 in
 * place, over 8 frames in and 8 out. */
function slideIn(start: number, frames: number): string {
  return `min(clip((n-${start})/8,0,1),clip((${start + frames - 1}-n)/8,0,1))`;
}

/** One lower third (VideoSpec.banners): a chain fragment that labels the picture so far, overlays the
 * banner (a colour source `length` frames long, so the video ends with the film) and goes on. */
function banner(b: NonNullable<VideoSpec['banners']>[number], k: number, length: number, w: number, h: number, fps: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  const bw = even(w * 0.46), bh = even(h * 0.13), x0 = even(w * 0.05), y = even(h * 0.7);
  const box = (x: number, y: number, bx: number, by: number, c: string) =>
    `drawbox=x=${Math.round(x)}:y=${Math.round(y)}:w=${Math.max(1, Math.round(bx))}:h=${Math.max(1, Math.round(by))}:color=${c}:t=fill`;
  const src = [`color=c=0x18306e:s=${bw}x${bh}:r=${fps}`, box(0, 0, bw * 0.03, bh, '0xf0a020'),
    box(bw * 0.07, bh * 0.18, bw * 0.6, bh * 0.3, '0xf4f4f4'), box(bw * 0.07, bh * 0.6, bw * 0.38, bh * 0.2, '0xa8b4cc'),
    `trim=end_frame=${length},setsar=1`].join(',');
  const on = `enable='between(n,${b.start},${b.start + b.frames - 1})'`;
  return `setsar=1[bnb${k}];${src}[bnf${k}];[bnb${k}][bnf${k}]overlay=x='${x0}-(${x0}+w)*(1-${slideIn(b.start, b.frames)})':y=${y}:eval=frame:${on}`;
}

/** One picture in picture (VideoSpec.pips): a photograph's chain at the window's size in a white
 * frame, its frames timed from `start` (and cut short at the video's end), overlaid at the top right
 * while they last. */
function pip(p: NonNullable<VideoSpec['pips']>[number], k: number, length: number, w: number, h: number, fps: number): string {
  const even = (v: number) => Math.round(v / 2) * 2;
  const pw = even(w * 0.32), ph = even((pw * 9) / 16), b = Math.max(1, Math.round(h / 180));
  const x0 = even(w * 0.96) - pw - 2 * b, y = even(h * 0.05);
  const frames = Math.min(p.frames, length - p.start);
  const src = `${photoChain(p.src, p.motion ?? 'none', frames, pw, ph, fps)},setsar=1,pad=${pw + 2 * b}:${ph + 2 * b}:${b}:${b}:white,` +
    `trim=end_frame=${frames},settb=1/${fps},setpts=N+${p.start}`;
  const x = p.slide ? `W-(W-${x0})*${slideIn(p.start, frames)}` : `${x0}`;
  // No timeline (enable=): it kept the window on one frame only, the window starting late. Before
  // its first frame there is nothing to overlay; after its last, eof_action=pass.
  return `setsar=1[pib${k}];${src}[pif${k}];[pib${k}][pif${k}]overlay=x='${x}':y=${y}:eval=frame:eof_action=pass`;
}

/** Subtitle lines over `frames` frames: each a white box in a dark outline at the bottom, 1-3 s on,
 * 0.3-1 s off, of a width that changes from line to line; the times come from a fixed sequence, not
 * from the cuts. */
function subtitles(frames: number, w: number, h: number, fps: number): string[] {
  const out: string[] = [];
  for (let k = 0, at = Math.round(fps * 0.4); at < frames; k++) {
    const on = Math.round(fps * (1 + ((k * 7) % 5) / 2.5)), off = Math.round(fps * (0.3 + ((k * 3) % 4) / 5.7));
    const lw = Math.round(w * (0.3 + ((k * 11) % 6) / 12)), lh = Math.round(h * (k % 3 === 2 ? 0.11 : 0.055));
    const x = Math.round((w - lw) / 2), y = Math.round(h * 0.93) - lh;
    const en = `enable='between(n,${at},${Math.min(frames, at + on) - 1})'`;
    const pad = Math.max(2, Math.round(h / 180));
    out.push(`drawbox=x=${x - pad}:y=${y - pad}:w=${lw + 2 * pad}:h=${lh + 2 * pad}:color=0x101010:t=fill:${en}`,
      `drawbox=x=${x}:y=${y}:w=${lw}:h=${lh}:color=0xf0f0f0:t=fill:${en}`);
    at += on + off;
  }
  return out;
}

export interface SetOptions { width?: number; height?: number; fps?: number; ffmpeg?: string; ffprobe?: string }

/**
 * Build (or reuse from the cache) a named set of specs at one size. Safe to call concurrently:
 * builds once per key, renames into place. ffmpeg/ffprobe: the options, else the test media's
 * binaries (../cache.ts).
 */
export async function ensureSet<K extends string>(setName: string, specs: Record<K, VideoSpec>, opts: SetOptions = {}): Promise<SceneSet<K>> {
  const width = opts.width ?? 320, height = opts.height ?? 180, fps = opts.fps ?? 25;
  const key = hashKey({ GENERATOR_VERSION, specs, width, height, fps, x264Asm: X264_ASM });
  const dir = path.join(SCENE_CACHE, `${setName}-${width}x${height}-${fps}-${key}`);
  await buildOnce(dir, (tmp) => render(specs, tmp, { width, height, fps }, opts), { dir: true });
  const videos = {} as Record<K, SceneVideo>;
  for (const name of Object.keys(specs) as K[]) {
    const truth = JSON.parse(await readFile(path.join(dir, `${name}.json`), 'utf8')) as Omit<SceneVideo, 'path'>;
    videos[name] = { ...truth, path: path.join(dir, `${name}.mp4`) };
  }
  return { dir, width, height, fps, videos };
}

/**
 * x264's instruction set for the test media. x264 picks its SIMD code from the CPU, and its AVX-512
 * code writes other bitstreams than its AVX2 code: on an AVX-512 machine, 8 of the dev set's 9
 * files came out different, and three scene tests pinned on AVX2 renders failed there (a 150-frame
 * fade's cut 38 frames off, against a tolerance of 37.5). So wherever the CPU has AVX2, x264 is
 * held to AVX2 and below, and every such machine renders the same bytes. Elsewhere (no AVX2, not
 * x86) x264 chooses for itself and the renders may differ. The choice is part of the cache key.
 */
export const X264_ASM: string | undefined = (() => {
  try {
    return /^flags\s*:.*\bavx2\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'avx2' : undefined;
  } catch {
    return undefined; // not Linux: x264 decides
  }
})();

/** The encoder's arguments: x264 (the default) or the spec's codec, each on one thread (deterministic). */
function encoderArgs(spec: VideoSpec, width: number, height: number, fps: number): string[] {
  const rate = rateArgs(spec, width, height, fps);
  switch (spec.codec) {
    case undefined: return ['-c:v', 'libx264', '-preset', 'veryfast', ...rate, '-threads', '1', ...(X264_ASM ? ['-x264-params', `asm=${X264_ASM}`] : [])];
    case 'vp9': return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '0', ...rate, '-threads', '1'];
    case 'hevc': return ['-c:v', 'libx265', '-preset', 'veryfast', ...rate, '-x265-params', 'pools=none:frame-threads=1:log-level=error', '-tag:v', 'hvc1'];
    case 'mpeg4': return ['-c:v', 'mpeg4', '-bf', '2', ...rate.filter((a) => a !== '-crf' && a !== '20'), ...(spec.bpp ? [] : ['-q:v', '4']), '-threads', '1'];
  }
}

/** Web-style rate control: a constant bitrate with a short VBV, like a streaming upload; a GOP cap if given. */
function rateArgs(spec: VideoSpec, width: number, height: number, fps: number): string[] {
  const gop = spec.keyint ? ['-g', String(spec.keyint)] : [];
  if (!spec.bpp) return ['-crf', '20', ...gop];
  const kbps = Math.round((spec.bpp * width * height * fps) / 1000);
  return ['-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`, ...gop];
}

/** Render every spec of a set into `dir`: <name>.mp4 and its ground truth, <name>.json. */
async function render(specs: Record<string, VideoSpec>, dir: string, { width, height, fps }: Raster, opts: SetOptions): Promise<void> {
  const found = opts.ffmpeg && opts.ffprobe ? undefined : await resolveFfmpeg();
  const ffmpeg = opts.ffmpeg ?? found!.ffmpeg, ffprobe = opts.ffprobe ?? found!.ffprobe;
  const one = async (name: string) => {
    const spec = specs[name]!;
    const r = renderGraph(spec, width, height, fps);
    const file = path.join(dir, `${name}.mp4`);
    await execa(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y', '-filter_complex', r.graph, '-map', '[out]',
      // Default x264 GOP and scenecut: keyframes land on scene changes as with real uploads. One
      // encoder thread: with two, x264's rate control under a bitrate cap made different files on
      // different runs (the same frames in, other packets out from about frame 200).
      ...encoderArgs(spec, width, height, fps), '-pix_fmt', 'yuv420p',
      '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-movflags', '+faststart', file,
    ]);
    const truth: Omit<SceneVideo, 'path'> = {
      name, cls: spec.cls, width, height, fps, frames: r.frames, cuts: r.cuts, flashes: spec.flashes ?? [],
      keyframeTimes: await keyframeTimes(file, { ffprobe }),
    };
    await writeFile(path.join(dir, `${name}.json`), JSON.stringify(truth, null, 1));
  };
  // Two videos at a time (each encode uses one thread), taken in spec order by two workers: the
  // next starts as soon as either finishes, not when the slower of a pair does (the files are
  // 300-1,250 frames long). Each file's bytes do not depend on the order (one-thread encodes).
  const queue = Object.keys(specs);
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      try {
        await one(name);
      } catch (e) {
        queue.length = 0; // the set has failed: start no more files
        throw e;
      }
    }
  };
  await Promise.all([worker(), worker()]);
}
