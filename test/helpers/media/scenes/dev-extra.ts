// The EXTRA development set: a third set to tune on, made because the first two (dev.ts, dev-wide.ts)
// show no hard-cut or motion error at any size while the held-out set still does. It adds what
// neither has: camera rolls and whip pans (up to ~10% of the width per frame), dark and low-contrast
// shots (underexposed, hazy), short shots (14-20 frames), cuts between two framings of one dark
// picture, lower web bitrates (0.025-0.03 bits per pixel) and short GOPs (30-60 frames, so keyframe
// steps land inside motion), and flashes over rolls and whips. Pictures: the three wallpapers no
// other set uses (Cluster, FlyingKonqui, MilkyWay) and the development sets' own, in new framings;
// none of the held-out set's (heldout.ts). Parameters may be tuned on it (README, Scene detection).
import { ensureSet, f, g, HARD, type SceneSet, type SetOptions, type VideoSpec } from './render.ts';

export const EXTRA_SPECS = {
  x_hard_a: {
    cls: 'hard',
    shots: [
      { src: 'photo:MilkyWay', frames: 44, motion: 'pan', tone: 'dark' },
      { src: 'photo:MilkyWay@0.3,0.4', frames: 38, motion: 'drift', tone: 'dark' },
      { src: 'photo:Cluster', frames: 40, motion: 'whip' },
      { src: 'photo:Cluster@0.7,0.5', frames: 18, motion: 'rotate' },
      { src: 'photo:DarkestHour', frames: 36, motion: 'shake', tone: 'dark' },
      { src: 'photo:EveningGlow', frames: 42, motion: 'pan', tone: 'flat' },
      { src: 'photo:FallenLeaf@0.2,0.3', frames: 16, motion: 'whip' },
      { src: 'gradients:2:0.05', frames: 34 },
      { src: 'gradients:3:0.05', frames: 30, motion: 'rotate' },
      { src: 'photo:FlyingKonqui', frames: 46, motion: 'zoomin' },
      { src: 'photo:FlyingKonqui@0.8,0.3', frames: 20, motion: 'fastpan' },
      { src: 'life:93', frames: 32, motion: 'rotate' },
      { src: 'photo:Autumn', frames: 40, motion: 'drift', tone: 'flat' },
      { src: 'photo:BytheWater', frames: 38, motion: 'whip' },
      { src: 'photo:ColdRipple@0.6,0.6', frames: 44, motion: 'rotate', tone: 'dark' },
      { src: 'testsrc2', frames: 30, motion: 'whip' },
    ],
    joins: Array.from({ length: 15 }, () => HARD),
    noise: 5,
    bpp: 0.03,
    keyint: 60,
  },
  x_hard_b: {
    cls: 'hard',
    shots: [
      { src: 'photo:Cluster@0.3,0.6', frames: 40, motion: 'rotate' },
      { src: 'photo:MilkyWay@0.7,0.6', frames: 36, motion: 'whip', tone: 'dark' },
      { src: 'photo:Honeywave@0.2,0.4', frames: 14, motion: 'shake' },
      { src: 'photo:Opal', frames: 42, motion: 'whip', tone: 'flat' },
      { src: 'photo:Opal@0.3,0.7', frames: 38, motion: 'rotate', tone: 'flat' },
      { src: 'cellauto:77', frames: 30, motion: 'whip' },
      { src: 'photo:FlyingKonqui@0.4,0.6', frames: 44, motion: 'zoomout', tone: 'dark' },
      { src: 'photo:Kokkini@0.8,0.4', frames: 17, motion: 'whip' },
      { src: 'gradients:5:0.08', frames: 36, motion: 'rotate' },
      { src: 'photo:DarkestHour@0.3,0.6', frames: 40, motion: 'drift', tone: 'dark' },
      { src: 'photo:DarkestHour@0.7,0.4', frames: 36, motion: 'pan', tone: 'dark' },
      { src: 'sierpinski:41', frames: 28, motion: 'whip' },
      { src: 'photo:Shell@0.6,0.3', frames: 45, motion: 'rotate' },
      { src: 'photo:EveningGlow@0.4,0.7', frames: 19, motion: 'fastpan', tone: 'flat' },
    ],
    joins: Array.from({ length: 13 }, () => HARD),
    noise: 6,
    bpp: 0.025,
    keyint: 30,
  },
  x_gradual: {
    cls: 'gradual',
    shots: [
      { src: 'photo:MilkyWay', frames: 150, motion: 'drift', tone: 'dark' },
      { src: 'photo:Cluster', frames: 220, motion: 'rotate' },
      { src: 'photo:Cluster@0.3,0.6', frames: 240, motion: 'pan' },
      { src: 'photo:FlyingKonqui', frames: 230, motion: 'zoomin', tone: 'flat' },
      { src: 'photo:Autumn@0.3,0.5', frames: 200, motion: 'whip' },
      { src: 'photo:BytheWater@0.6,0.4', frames: 250, motion: 'drift', tone: 'dark' },
      { src: 'photo:ColdRipple', frames: 160, motion: 'pan' },
    ],
    joins: [g('fadeblack', 80), g('dissolve', 130), g('slideleft', 40), g('fadegrays', 90), g('smoothleft', 60), g('circleopen', 50)],
    noise: 4,
    bpp: 0.03,
    keyint: 60,
  },
  x_flash: {
    cls: 'flash',
    shots: [
      { src: 'photo:Cluster', frames: 130, motion: 'whip' },
      { src: 'photo:FlyingKonqui', frames: 120, motion: 'rotate' },
      { src: 'photo:MilkyWay@0.4,0.5', frames: 120, motion: 'pan', tone: 'dark' },
      { src: 'gradients:4:0.1', frames: 110, motion: 'rotate' },
    ],
    joins: [HARD, HARD, HARD],
    flashes: [
      f(20, 5, 'white'), f(50, 9, 'overexposed'), f(85, 7, 'strobe'), f(112, 3, 'partial'),
      f(150, 8, 'white'), f(185, 6, 'partial'), f(215, 10, 'overexposed'),
      f(265, 4, 'strobe'), f(300, 9, 'white'), f(335, 6, 'overexposed'),
      f(385, 7, 'partial'), f(420, 10, 'white'), f(455, 5, 'strobe'),
    ],
    noise: 4,
    bpp: 0.03,
    keyint: 60,
  },
  x_motion_a: {
    cls: 'motion',
    shots: [
      { src: 'photo:Cluster@0.5,0.4', frames: 70, motion: 'whip' },
      { src: 'gradients:2:0.2', frames: 90 },
      { src: 'photo:FlyingKonqui@0.6,0.5', frames: 75, motion: 'rotate' },
      { src: 'mandelbrot', frames: 80, motion: 'rotate' },
      { src: 'photo:Autumn@0.7,0.3', frames: 70, motion: 'whip', tone: 'flat' },
      { src: 'life:57', frames: 60, motion: 'whip', noise: 8 },
      { src: 'photo:MilkyWay@0.6,0.3', frames: 80, motion: 'whip', tone: 'dark' },
      { src: 'gradients:6:0.12', frames: 90, motion: 'rotate' },
      { src: 'photo:Volna@0.4,0.6', frames: 70, motion: 'rotate' },
      { src: 'testsrc', frames: 60, motion: 'whip' },
    ],
    joins: Array.from({ length: 9 }, () => HARD),
    noise: 5,
    bpp: 0.025,
    keyint: 30,
  },
  x_motion_b: {
    cls: 'motion',
    shots: [
      { src: 'photo:DarkestHour@0.5,0.5', frames: 75, motion: 'whip', tone: 'dark' },
      { src: 'cellauto:83', frames: 60, motion: 'rotate', noise: 8 },
      { src: 'photo:EveningGlow@0.3,0.4', frames: 80, motion: 'rotate', tone: 'flat' },
      { src: 'gradients:1:0.18', frames: 90, motion: 'whip' },
      { src: 'photo:FallenLeaf@0.6,0.6', frames: 70, motion: 'whip' },
      { src: 'sierpinski:53', frames: 60, motion: 'rotate' },
      { src: 'photo:Patak@0.4,0.3', frames: 75, motion: 'whip', tone: 'dark' },
      { src: 'photo:Canopee@0.6,0.5', frames: 70, motion: 'rotate', tone: 'flat' },
      { src: 'testsrc2', frames: 65, motion: 'rotate' },
      { src: 'photo:ColdRipple@0.3,0.3', frames: 80, motion: 'whip' },
    ],
    joins: Array.from({ length: 9 }, () => HARD),
    noise: 5,
    bpp: 0.03,
    keyint: 45,
  },
  x_static: {
    cls: 'static',
    shots: [
      { src: 'photo:MilkyWay@0.5,0.6', frames: 260, motion: 'drift', tone: 'dark', noise: 8 },
      { src: 'photo:Opal@0.6,0.5', frames: 240, motion: 'drift', tone: 'flat' },
    ],
    joins: [HARD],
    noise: 5,
    bpp: 0.025,
    keyint: 30,
  },
} satisfies Record<string, VideoSpec>;
export type ExtraName = keyof typeof EXTRA_SPECS;

/** The extra development set at one size (320x180@30 by default; 1280x720@30 and 1920x1080@30 for the bench). */
export function ensureExtraSet(opts: SetOptions = {}): Promise<SceneSet<ExtraName>> {
  return ensureSet('devextra', EXTRA_SPECS, { width: 320, height: 180, fps: 30, ...opts });
}
