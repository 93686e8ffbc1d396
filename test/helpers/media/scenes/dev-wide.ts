// The WIDE development set: a second set to tune on, with more of every class (27 hard cuts, 16
// transitions of 36-150 frames, 19 flashes and strobes, 18 cuts inside motion, a hand-held still)
// from the 14 wallpapers that neither the development set (dev.ts) nor the frozen held-out set
// (heldout.ts) uses, other synthetic seeds and gradient speeds (0.006-0.15), and two framings of one
// picture in every class. It exists because the first development set was tuned until it scored
// 1.00 and stopped telling generalisation from fit; parameters may be tuned on this one (README,
// Scene detection). Rendered at 1280x720 and 1920x1080 for the bench.
import { ensureSet, f, g, HARD, type SceneSet, type SetOptions, type VideoSpec } from './render.ts';

export const WIDE_SPECS = {
  w_hard_a: {
    cls: 'hard',
    shots: [
      { src: 'photo:Altai', frames: 48, motion: 'pan' },
      { src: 'photo:Altai@0.3,0.35', frames: 40, motion: 'drift' },
      { src: 'photo:Canopee', frames: 44, motion: 'shake' },
      { src: 'gradients:3:0.02', frames: 38 },
      { src: 'gradients:4:0.02', frames: 42 },
      { src: 'photo:Cascade', frames: 50, motion: 'zoomin' },
      { src: 'photo:Cascade@0.75,0.6', frames: 36, motion: 'shake' },
      { src: 'life:71', frames: 34 },
      { src: 'photo:Kokkini', frames: 46, motion: 'fastpan' },
      { src: 'photo:IceCold', frames: 39, motion: 'zoomout' },
      { src: 'photo:IceCold@0.2,0.5', frames: 44, motion: 'pan' },
      { src: 'cellauto:57', frames: 31 },
      { src: 'photo:SafeLanding', frames: 52, motion: 'drift' },
      { src: 'photo:Opal', frames: 41, motion: 'fastpan' },
      { src: 'photo:Opal@0.7,0.3', frames: 45, motion: 'drift' },
    ],
    joins: Array.from({ length: 14 }, () => HARD),
    noise: 5,
    bpp: 0.04,
  },
  w_hard_b: {
    cls: 'hard',
    shots: [
      { src: 'photo:Patak', frames: 45, motion: 'shake' },
      { src: 'photo:Patak@0.8,0.7', frames: 42, motion: 'zoomin' },
      { src: 'gradients:0:0.03', frames: 40 },
      { src: 'gradients:1:0.03', frames: 36 },
      { src: 'photo:Shell', frames: 50, motion: 'pan' },
      { src: 'sierpinski:17', frames: 33 },
      { src: 'photo:Volna', frames: 47, motion: 'drift' },
      { src: 'photo:Volna@0.25,0.75', frames: 43, motion: 'drift' },
      { src: 'photo:Honeywave', frames: 38, motion: 'zoomout' },
      { src: 'testsrc2', frames: 35, motion: 'pan' },
      { src: 'photo:Elarun', frames: 49, motion: 'fastpan' },
      { src: 'photo:Kay', frames: 44, motion: 'shake' },
      { src: 'photo:Kay@0.3,0.6', frames: 40, motion: 'shake' },
      { src: 'life:88', frames: 37, motion: 'shake', noise: 6 },
    ],
    joins: Array.from({ length: 13 }, () => HARD),
    noise: 4,
    bpp: 0.045,
  },
  w_gradual_a: {
    cls: 'gradual',
    shots: [
      { src: 'photo:Canopee', frames: 140, motion: 'drift' },
      { src: 'photo:Cascade', frames: 200, motion: 'pan' },
      { src: 'photo:Altai', frames: 240, motion: 'zoomin' },
      { src: 'photo:Altai@0.25,0.3', frames: 260, motion: 'drift' },
      { src: 'photo:Kokkini', frames: 230, motion: 'pan' },
      { src: 'photo:IceCold', frames: 250, motion: 'zoomout' },
      { src: 'gradients:6:0.02', frames: 170 },
      { src: 'photo:SafeLanding', frames: 240, motion: 'drift' },
      { src: 'photo:Opal', frames: 160, motion: 'shake' },
    ],
    joins: [g('dissolve', 70), g('fadeblack', 90), g('dissolve', 140), g('fade', 100), g('fadewhite', 50),
      g('fade', 36), g('wiperight', 45), g('fade', 125)],
    noise: 4,
    bpp: 0.04,
  },
  w_gradual_b: {
    cls: 'gradual',
    shots: [
      { src: 'photo:Patak', frames: 130, motion: 'pan' },
      { src: 'photo:Shell', frames: 230, motion: 'drift' },
      { src: 'photo:Volna', frames: 250, motion: 'zoomin' },
      { src: 'photo:Volna@0.7,0.35', frames: 280, motion: 'pan' },
      { src: 'photo:Honeywave', frames: 220, motion: 'drift' },
      { src: 'testsrc', frames: 150 },
      { src: 'photo:Elarun', frames: 260, motion: 'zoomout' },
      { src: 'photo:Kay', frames: 230, motion: 'drift' },
      { src: 'photo:Flow', frames: 170, motion: 'pan' },
    ],
    joins: [g('fade', 55), g('dissolve', 115), g('fade', 150), g('fadeblack', 60), g('wipeup', 40),
      g('dissolve', 85), g('fadewhite', 120), g('fade', 95)],
    noise: 4,
    bpp: 0.045,
  },
  w_flash: {
    cls: 'flash',
    shots: [
      { src: 'photo:Kokkini', frames: 140, motion: 'pan' },
      { src: 'photo:Shell', frames: 130, motion: 'shake' },
      { src: 'sierpinski:23', frames: 110, motion: 'pan' },
      { src: 'photo:Altai', frames: 140, motion: 'fastpan' },
      { src: 'photo:Honeywave', frames: 130, motion: 'zoomin' },
    ],
    joins: [HARD, HARD, HARD, HARD],
    flashes: [
      f(18, 4, 'white'), f(45, 9, 'overexposed'), f(80, 6, 'strobe'), f(110, 2, 'partial'),
      f(150, 10, 'white'), f(185, 5, 'overexposed'), f(215, 8, 'partial'), f(245, 3, 'strobe'),
      f(285, 7, 'white'), f(320, 10, 'overexposed'), f(350, 1, 'white'),
      f(395, 6, 'overexposed'), f(425, 9, 'white'), f(460, 10, 'strobe'), f(490, 4, 'partial'),
      f(530, 8, 'strobe'), f(565, 5, 'white'), f(600, 10, 'partial'), f(625, 7, 'overexposed'),
    ],
    noise: 3,
    bpp: 0.045,
  },
  w_motion_a: {
    cls: 'motion',
    shots: [
      { src: 'photo:Cascade', frames: 70, motion: 'shake' },
      { src: 'gradients:2:0.1', frames: 100 },
      { src: 'photo:Canopee', frames: 70, motion: 'fastpan' },
      { src: 'gradients:5:0.15', frames: 90 },
      { src: 'photo:Patak', frames: 80, motion: 'zoomin' },
      { src: 'gradients:3:0.006', frames: 120 },
      { src: 'sierpinski:31', frames: 55, motion: 'shake', noise: 8 },
      { src: 'photo:Flow', frames: 70, motion: 'fastpan' },
      { src: 'gradients:0:0.06', frames: 90 },
      { src: 'photo:Elarun', frames: 75, motion: 'zoomout' },
    ],
    joins: Array.from({ length: 9 }, () => HARD),
    noise: 4,
    bpp: 0.04,
  },
  w_motion_b: {
    cls: 'motion',
    shots: [
      { src: 'photo:Kay', frames: 65, motion: 'fastpan' },
      { src: 'testsrc', frames: 55, motion: 'shake', noise: 8 },
      { src: 'gradients:4:0.12', frames: 110 },
      { src: 'photo:Volna', frames: 70, motion: 'shake' },
      { src: 'cellauto:61', frames: 50, motion: 'pan', noise: 8 },
      { src: 'photo:SafeLanding', frames: 80, motion: 'zoomin' },
      { src: 'gradients:1:0.09', frames: 100 },
      { src: 'photo:Opal', frames: 70, motion: 'shake' },
      { src: 'mandelbrot', frames: 90 },
      { src: 'photo:IceCold', frames: 70, motion: 'fastpan' },
    ],
    joins: Array.from({ length: 9 }, () => HARD),
    noise: 4,
    bpp: 0.045,
  },
  w_static: {
    cls: 'static',
    shots: [
      { src: 'photo:Honeywave', frames: 280, motion: 'drift' },
      { src: 'photo:Flow', frames: 220, motion: 'drift' },
    ],
    joins: [HARD],
    noise: 6,
    bpp: 0.04,
  },
} satisfies Record<string, VideoSpec>;
export type WideName = keyof typeof WIDE_SPECS;

/** The wide development set at one size (320x180@30 by default; 1280x720@30 and 1920x1080@30 for the bench). */
export function ensureWideSet(opts: SetOptions = {}): Promise<SceneSet<WideName>> {
  return ensureSet('devwide', WIDE_SPECS, { width: 320, height: 180, fps: 30, ...opts });
}
