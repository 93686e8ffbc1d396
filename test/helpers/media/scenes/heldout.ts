// The FROZEN held-out scene set: no detector parameter is tuned on it (see the README (Scene
// detection), "Test set and benchmark"). It differs from the development set (dev.ts) in
// every way we could make it differ: other photographs (Grey, Kite, OneStandsOut, PastelHills, Path,
// summer_1am, ColorfulCups; the development set uses the other six), other synthetic seeds and
// colours, other shot and transition lengths, another test size (384x216 at 30 fps) and bitrate.
// Changing a spec here changes the set: do it only to make it harder or more realistic, never to
// make the detector pass, and say so in the README.
import { ensureSet, f, g, HARD, type SceneSet, type SetOptions, type VideoSpec } from './render.ts';

export const HELDOUT_SPECS = {
  // Hard cuts: photographs in motion and synthetic sources with other seeds, one cut between two
  // framings of the same photograph, one between two gradients of the same palette.
  h_hard: {
    cls: 'hard',
    shots: [
      { src: 'photo:Kite', frames: 52, motion: 'pan' },
      { src: 'life:21', frames: 38 },
      { src: 'photo:Path', frames: 47, motion: 'shake' },
      { src: 'photo:Path@0.2,0.3', frames: 44, motion: 'drift' },
      { src: 'gradients:4:0.02', frames: 36 },
      { src: 'gradients:5:0.02', frames: 41 },
      { src: 'photo:PastelHills', frames: 55, motion: 'zoomout' },
      { src: 'cellauto:33', frames: 33 },
      { src: 'photo:summer_1am', frames: 49, motion: 'fastpan' },
      { src: 'photo:Grey', frames: 43, motion: 'zoomin' },
      { src: 'sierpinski:9', frames: 37 },
      { src: 'photo:ColorfulCups', frames: 50, motion: 'drift' },
    ],
    joins: Array.from({ length: 11 }, () => HARD),
    noise: 5,
    bpp: 0.04,
  },
  // Transitions of 30-150 frames: crossfades, dissolves, fades through black and white, a wipe, a
  // slow dissolve between two framings of one photograph.
  h_gradual: {
    cls: 'gradual',
    shots: [
      { src: 'photo:OneStandsOut', frames: 120, motion: 'drift' },
      { src: 'photo:Kite', frames: 190, motion: 'pan' },
      { src: 'photo:summer_1am', frames: 230, motion: 'zoomin' },
      { src: 'photo:Grey', frames: 260, motion: 'drift' },
      { src: 'photo:Grey@0.7,0.4', frames: 300, motion: 'pan' },
      { src: 'photo:PastelHills', frames: 270, motion: 'drift' },
      { src: 'photo:ColorfulCups', frames: 250, motion: 'zoomout' },
      { src: 'testsrc2', frames: 170 },
      { src: 'photo:Path', frames: 150, motion: 'drift' },
    ],
    joins: [g('fade', 45), g('dissolve', 80), g('fadeblack', 110), g('fade', 150), g('fade', 130), g('fadewhite', 64),
      g('wipeleft', 30), g('dissolve', 105)],
    noise: 4,
    bpp: 0.04,
  },
  // Flashes and strobes of 1-10 frames over moving photographs and a synthetic pan; four cuts.
  h_flash: {
    cls: 'flash',
    shots: [
      { src: 'photo:summer_1am', frames: 150, motion: 'shake' },
      { src: 'photo:Kite', frames: 130, motion: 'fastpan' },
      { src: 'testsrc', frames: 110, motion: 'pan' },
      { src: 'photo:PastelHills', frames: 140, motion: 'zoomout' },
      { src: 'photo:OneStandsOut', frames: 120, motion: 'pan' },
    ],
    joins: [HARD, HARD, HARD, HARD],
    flashes: [
      f(15, 3, 'overexposed'), f(40, 10, 'white'), f(75, 5, 'partial'), f(105, 9, 'strobe'), f(135, 1, 'white'),
      f(165, 8, 'overexposed'), f(195, 4, 'strobe'), f(230, 6, 'white'), f(262, 2, 'partial'),
      f(295, 7, 'white'), f(330, 10, 'strobe'), f(365, 3, 'overexposed'),
      f(400, 9, 'overexposed'), f(440, 5, 'white'), f(480, 10, 'partial'), f(515, 6, 'strobe'),
      f(560, 8, 'white'), f(600, 4, 'overexposed'), f(625, 10, 'overexposed'),
    ],
    noise: 3,
    bpp: 0.04,
  },
  // Fast motion (pans, shake, zooms) over photographs and synthetic sources, a fast-rotating and a
  // slowly changing gradient in other colours than the development set's: hard cuts only.
  h_motion: {
    cls: 'motion',
    shots: [
      { src: 'photo:Grey', frames: 65, motion: 'shake' },
      { src: 'gradients:9:0.12', frames: 100 },
      { src: 'photo:Kite', frames: 70, motion: 'fastpan' },
      { src: 'testsrc2', frames: 55, motion: 'zoom', noise: 8 },
      { src: 'gradients:1:0.005', frames: 130 },
      { src: 'photo:Path', frames: 75, motion: 'zoomin' },
      { src: 'life:44', frames: 50, motion: 'shake', noise: 8 },
      { src: 'photo:ColorfulCups', frames: 60, motion: 'fastpan' },
      { src: 'photo:summer_1am', frames: 90, motion: 'zoomout' },
    ],
    joins: Array.from({ length: 8 }, () => HARD),
    noise: 4,
    bpp: 0.04,
  },
  // A hand-held still photograph with sensor noise for 10 s, one cut to another.
  h_static: {
    cls: 'static',
    shots: [
      { src: 'photo:OneStandsOut', frames: 300, motion: 'drift' },
      { src: 'photo:PastelHills', frames: 200, motion: 'drift' },
    ],
    joins: [HARD],
    noise: 6,
    bpp: 0.04,
  },
} satisfies Record<string, VideoSpec>;
export type HeldOutName = keyof typeof HELDOUT_SPECS;

/** The held-out set at one size: 384x216@30 for tests, 1280x720@30 and 1920x1080@30 for the bench. */
export function ensureHeldOutSet(opts: SetOptions = {}): Promise<SceneSet<HeldOutName>> {
  return ensureSet('heldout', HELDOUT_SPECS, { width: 384, height: 216, fps: 30, ...opts });
}
