// The scene-detection DEVELOPMENT set (the one parameters are tuned on): its specs, rendered by
// render.ts at 320x180@25 for tests and 720p/1080p for the bench, and the demo sample as a scene
// video. The frozen held-out set is heldout.ts.
import { keyframeTimes, resolveFfmpeg } from '../../../../src/media/index.ts';
import { ensureCutSample, sampleCutFrames, type SampleSpec } from '../samples.ts';
import { ensureSet, f, g, HARD, type SceneSet, type SceneVideo, type SetOptions, type VideoSpec } from './render.ts';

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

/**
 * Build (or reuse from the cache) the development set at one size. 320x180@25 for tests;
 * 1280x720@30 and 1920x1080@30 for the bench.
 */
export function ensureSceneSet(opts: SetOptions = {}): Promise<SceneSet<DevName>> {
  return ensureSet('dev', SPECS, { width: 320, height: 180, fps: 25, ...opts });
}

/**
 * The project's demo sample (src/cli/sample.ts: testsrc2, smptehdbars, mandelbrot, cellauto, hard
 * cuts only) at a small size, as a scene video (../samples.ts caches it). Its mandelbrot scene is a
 * steady zoom that once read as a gradual transition.
 */
export async function ensureDemoSample(opts: { width?: number; height?: number } = {}): Promise<SceneVideo> {
  const spec: SampleSpec = { width: opts.width ?? 320, height: opts.height ?? 180, fps: 30, scenes: [4, 3, 5, 3], codec: 'h264_aac' };
  const file = await ensureCutSample(spec);
  return {
    name: 'sample', cls: 'motion', path: file, width: spec.width, height: spec.height, fps: spec.fps,
    frames: Math.round(spec.scenes.reduce((a, b) => a + b, 0) * spec.fps),
    cuts: sampleCutFrames(spec).map((frame) => ({ frame, kind: 'hard' })), flashes: [],
    keyframeTimes: await keyframeTimes(file, await resolveFfmpeg()),
  };
}
