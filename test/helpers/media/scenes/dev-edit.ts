// The EDIT development set: a sixth set to tune on, aimed at how edited videos cut that the other
// five do not render. Jump cuts (one take cut to itself a moment later, reframed by a few percent or
// punched in to a closer framing of the same centre), cutaways of 9-20 frames that return to the same
// take or to a new framing of it, fast montages of 8-15 frame shots, match cuts between two
// photographs of one colour, cuts to, from and between near-black and near-white pictures, hand-held
// shake of different strengths on both sides of cuts, and the editor's graphics that move and are
// no cut: lower thirds sliding in and out (across cuts too) and pictures in picture popping or
// sliding on and off (renderer: Shot.zoom, phase, jitter, the night and bright tones,
// VideoSpec.banners and pips; no existing set's render changes). Every photograph is a development
// one (none of heldout.ts's), it was written without reading heldout.ts or any held-out error, and
// parameters may be tuned on it (README, Scene detection).
import { ensureSet, HARD, hardJoins, type SceneSet, type SetOptions, type Shot, type VideoSpec } from './render.ts';

/** Sensor grain in every shot that sets none of its own. */
const grain = (noise: number, shots: Shot[]): Shot[] => shots.map((s) => ({ noise, ...s }));

export const EDIT_SPECS = {
  // Jump cuts: one hand-held take of a photograph cut to a later moment of itself (phase), reframed by
  // 5-6% of the width, punched in (1.15x to 1.3-1.5x on the same centre) and back out; a zoom cut
  // back to a wider framing of its own centre; a punch-in on a darker picture.
  e_hard_jump: {
    cls: 'hard',
    shots: grain(4, [
      { src: 'photo:Kay@0.5,0.5', frames: 50, motion: 'drift' },
      { src: 'photo:Kay@0.56,0.46', frames: 40, motion: 'drift', phase: 140 },
      { src: 'photo:Kay@0.56,0.46', frames: 42, motion: 'drift', zoom: 1.5, phase: 260 },
      { src: 'photo:Kay@0.5,0.5', frames: 38, motion: 'drift', phase: 400 },
      { src: 'photo:mate.LadyBird@0.6,0.5', frames: 46, motion: 'drift' },
      { src: 'photo:mate.LadyBird@0.6,0.5', frames: 36, motion: 'drift', zoom: 1.4, phase: 90 },
      { src: 'photo:mate.LadyBird@0.55,0.56', frames: 40, motion: 'drift', zoom: 1.4, phase: 200 },
      { src: 'photo:Elarun@0.4,0.5', frames: 50, motion: 'zoomin' },
      { src: 'photo:Elarun@0.4,0.5', frames: 40, motion: 'drift', zoom: 1.25, phase: 60 },
      { src: 'photo:Cascade@0.5,0.5', frames: 44, motion: 'drift' },
      { src: 'photo:Cascade@0.45,0.55', frames: 40, motion: 'drift', zoom: 1.3, phase: 100 },
      { src: 'photo:Patak@0.5,0.5', frames: 40, motion: 'drift', tone: 'dark' },
      { src: 'photo:Patak@0.5,0.5', frames: 40, motion: 'drift', tone: 'dark', zoom: 1.4, phase: 120 },
    ]),
    joins: hardJoins(12),
    bpp: 0.05,
  },
  // Cutaways: a take, an insert of 9-20 frames (still, drifting, zooming, a fast pan; one of the
  // same colours as the take), back to the same take going on (phase: the frames it ran meanwhile)
  // or to a new framing of it; once back to where a pan had ended.
  e_hard_cutaway: {
    cls: 'hard',
    shots: grain(4, [
      { src: 'photo:EveningGlow@0.5,0.5', frames: 60, motion: 'drift' },
      { src: 'photo:FallenLeaf@0.4,0.5', frames: 12, motion: 'drift' },
      { src: 'photo:EveningGlow@0.5,0.5', frames: 50, motion: 'drift', phase: 72 },
      { src: 'photo:mate.Dune@0.5,0.6', frames: 9, motion: 'none' },
      { src: 'photo:EveningGlow@0.35,0.6', frames: 48, motion: 'drift', zoom: 1.4, phase: 131 },
      { src: 'photo:mate.GreenMeadow@0.5,0.5', frames: 55, motion: 'drift' },
      { src: 'photo:mate.RainDrops@0.5,0.5', frames: 15, motion: 'drift' },
      { src: 'photo:mate.GreenMeadow@0.5,0.5', frames: 45, motion: 'drift', phase: 70 },
      { src: 'photo:mate.Aqua@0.6,0.5', frames: 16, motion: 'zoomin' },
      { src: 'photo:mate.GreenMeadow@0.6,0.4', frames: 40, motion: 'drift', zoom: 1.35, phase: 131 },
      { src: 'photo:BytheWater@0.5,0.5', frames: 50, motion: 'pan' },
      { src: 'photo:Volna@0.4,0.5', frames: 10, motion: 'fastpan' },
      { src: 'photo:BytheWater@0.64,0.5', frames: 36, motion: 'drift', zoom: 1.5 },
      { src: 'photo:Shell@0.5,0.5', frames: 20, motion: 'drift' },
      { src: 'photo:BytheWater@0.64,0.5', frames: 30, motion: 'drift', zoom: 1.5, phase: 56 },
    ]),
    joins: hardJoins(14),
    bpp: 0.05,
  },
  // Match cuts between two photographs of one colour (green leaves to green leaves to grass, orange
  // flowers to orange flowers, blue to blue), and cuts to, from and between near-black (night, with a
  // night shot's stronger grain) and near-white (bright) pictures: dark to white, white to white,
  // white to black, black to black, black to a pale picture.
  e_hard_match: {
    cls: 'hard',
    shots: grain(4, [
      { src: 'photo:mate.Blinds@0.5,0.5', frames: 40, motion: 'drift' },
      { src: 'photo:mate.RainDrops@0.5,0.5', frames: 40, motion: 'drift' },
      { src: 'photo:mate.GreenMeadow@0.5,0.6', frames: 40, motion: 'zoomin' },
      { src: 'photo:mate.FreshFlower@0.5,0.5', frames: 40, motion: 'drift' },
      { src: 'photo:mate.TwoWings@0.5,0.5', frames: 36, motion: 'drift' },
      { src: 'photo:mate.Garden@0.45,0.5', frames: 40, motion: 'pan' },
      { src: 'photo:DarkestHour@0.5,0.5', frames: 40, motion: 'drift', tone: 'night', noise: 8 },
      { src: 'photo:MilkyWay@0.5,0.5', frames: 36, motion: 'drift', tone: 'night', noise: 8 },
      { src: 'photo:mate.Storm@0.5,0.5', frames: 36, motion: 'drift', tone: 'dark' },
      { src: 'photo:mate.Wood@0.5,0.5', frames: 40, motion: 'drift', tone: 'bright' },
      { src: 'photo:ColdRipple@0.5,0.4', frames: 36, motion: 'drift', tone: 'bright' },
      { src: 'photo:DarkestHour@0.3,0.4', frames: 30, motion: 'drift', tone: 'night', noise: 8 },
      { src: 'photo:Autumn@0.4,0.5', frames: 40, motion: 'zoomout' },
      { src: 'photo:Elarun@0.5,0.5', frames: 40, motion: 'drift' },
      { src: 'photo:IceCold@0.5,0.6', frames: 36, motion: 'drift' },
    ]),
    joins: hardJoins(14),
    bpp: 0.05,
  },
  // A fast montage: 8-15 frame shots in a row (whips, pans, zooms, shakes, rolls, a crash zoom,
  // blur, one at 15 fps, two framings of one photograph back to back) between a longer opening and
  // closing shot; a 60-frame GOP.
  e_motion_montage: {
    cls: 'motion',
    shots: grain(4, [
      { src: 'photo:Altai@0.5,0.5', frames: 40, motion: 'drift' },
      { src: 'photo:Cluster@0.4,0.5', frames: 12, motion: 'whip' },
      { src: 'photo:Kokkini@0.5,0.5', frames: 9, motion: 'pan' },
      { src: 'photo:mate.YellowFlower@0.5,0.5', frames: 14, motion: 'zoomin' },
      { src: 'photo:Honeywave@0.5,0.5', frames: 8, motion: 'shake' },
      { src: 'photo:Canopee@0.5,0.5', frames: 11, motion: 'fastpan' },
      { src: 'photo:mate.Storm@0.5,0.5', frames: 15, motion: 'rotate' },
      { src: 'photo:Flow@0.6,0.4', frames: 13, motion: 'crash' },
      { src: 'photo:SafeLanding@0.5,0.5', frames: 10, motion: 'drift' },
      { src: 'photo:Opal@0.5,0.5', frames: 12, motion: 'whip', blur: true },
      { src: 'photo:Shell@0.5,0.5', frames: 9, motion: 'zoomout' },
      { src: 'photo:mate.Dune@0.4,0.5', frames: 14, motion: 'pan' },
      { src: 'photo:Volna@0.5,0.5', frames: 10, motion: 'shake' },
      { src: 'photo:IceCold@0.5,0.5', frames: 8, motion: 'fastpan' },
      { src: 'photo:Patak@0.5,0.5', frames: 11, motion: 'whip' },
      { src: 'photo:mate.LadyBird@0.5,0.5', frames: 12, motion: 'zoomin' },
      { src: 'photo:Kay@0.4,0.5', frames: 9, motion: 'rotate' },
      { src: 'photo:EveningGlow@0.5,0.5', frames: 13, motion: 'fastpan' },
      { src: 'photo:EveningGlow@0.3,0.6', frames: 10, motion: 'drift', zoom: 1.5 },
      { src: 'photo:mate.Aqua@0.5,0.5', frames: 14, motion: 'shake', cadence: 'twos' },
      { src: 'photo:Cascade@0.5,0.5', frames: 8, motion: 'whip' },
      { src: 'photo:FallenLeaf@0.5,0.5', frames: 12, motion: 'zoomout' },
      { src: 'photo:BytheWater@0.5,0.5', frames: 10, motion: 'shake' },
      { src: 'photo:mate.GreenMeadow@0.5,0.5', frames: 15, motion: 'fastpan' },
      { src: 'photo:Elarun@0.6,0.5', frames: 9, motion: 'whip' },
      { src: 'photo:mate.FreshFlower@0.5,0.5', frames: 11, motion: 'crash' },
      { src: 'photo:FlyingKonqui@0.5,0.5', frames: 13, motion: 'pan' },
      { src: 'photo:Autumn@0.5,0.5', frames: 8, motion: 'shake' },
      { src: 'photo:mate.Wood@0.5,0.5', frames: 12, motion: 'rotate' },
      { src: 'photo:Canopee@0.3,0.6', frames: 45, motion: 'drift' },
    ]),
    joins: hardJoins(29),
    bpp: 0.05,
    keyint: 60,
  },
  // Hand-held shake (jitter) of different strengths on both sides of every cut: from a steady hand
  // (0.5% of the frame) to running (4%), over drifts, a pan, a zoom, a fast pan, a 15 fps shot and a
  // blurred one; two cuts between shaky framings of one photograph, one between two orange flowers.
  e_motion_shake: {
    cls: 'motion',
    shots: grain(4, [
      { src: 'photo:Canopee@0.5,0.5', frames: 45, motion: 'drift', jitter: 0.01 },
      { src: 'photo:Cascade@0.5,0.5', frames: 40, motion: 'drift', zoom: 1.35, jitter: 0.04 },
      { src: 'photo:Cascade@0.4,0.6', frames: 40, motion: 'drift', zoom: 1.35, jitter: 0.025 },
      { src: 'photo:Altai@0.5,0.5', frames: 45, motion: 'pan', jitter: 0.02 },
      { src: 'photo:Flow@0.5,0.5', frames: 40, motion: 'zoomin', jitter: 0.03 },
      { src: 'photo:Kokkini@0.5,0.5', frames: 35, motion: 'none', jitter: 0.005 },
      { src: 'photo:Kokkini@0.6,0.4', frames: 36, motion: 'drift', zoom: 1.4, jitter: 0.04 },
      { src: 'photo:mate.YellowFlower@0.5,0.5', frames: 40, motion: 'drift', jitter: 0.015 },
      { src: 'photo:mate.FreshFlower@0.5,0.5', frames: 40, motion: 'drift', zoom: 1.3, jitter: 0.035 },
      { src: 'photo:Honeywave@0.5,0.5', frames: 44, motion: 'fastpan', jitter: 0.02 },
      { src: 'photo:SafeLanding@0.5,0.5', frames: 40, motion: 'drift', zoom: 1.3, jitter: 0.03, cadence: 'twos' },
      { src: 'photo:Shell@0.5,0.5', frames: 40, motion: 'drift', zoom: 1.4, jitter: 0.04, blur: true },
    ]),
    joins: hardJoins(11),
    bpp: 0.05,
  },
  // The editor's graphics over moving shots, none of them a cut: lower thirds sliding in and out
  // (one in 5 frames after a cut and on through the next, one sliding in over the 8 frames before a
  // cut), pictures in picture (10% of the frame) popping on and off mid-shot and on a cut, one
  // sliding in; the real cuts between the shots.
  e_motion_graphics: {
    cls: 'motion',
    shots: grain(4, [
      { src: 'photo:Volna@0.5,0.5', frames: 70, motion: 'drift' },
      { src: 'photo:Opal@0.5,0.5', frames: 60, motion: 'pan' },
      { src: 'photo:FlyingKonqui@0.5,0.5', frames: 70, motion: 'zoomin' },
      { src: 'photo:IceCold@0.4,0.5', frames: 60, motion: 'drift' },
      { src: 'photo:Honeywave@0.5,0.5', frames: 60, motion: 'fastpan' },
      { src: 'photo:mate.Aqua@0.5,0.5', frames: 70, motion: 'drift' },
      { src: 'photo:Elarun@0.5,0.4', frames: 60, motion: 'drift' },
    ]),
    joins: hardJoins(6),
    banners: [{ start: 10, frames: 50 }, { start: 75, frames: 100 }, { start: 252, frames: 60 }, { start: 330, frames: 90 }],
    pips: [
      { src: 'photo:Kay@0.5,0.5', motion: 'drift', start: 30, frames: 80 },
      { src: 'photo:mate.Garden@0.5,0.5', motion: 'drift', start: 140, frames: 50, slide: true },
      { src: 'photo:Cluster@0.5,0.5', motion: 'drift', start: 200, frames: 40 },
      { src: 'photo:Autumn@0.5,0.5', motion: 'pan', start: 268, frames: 40 },
      { src: 'photo:mate.Dune@0.5,0.5', motion: 'drift', start: 395, frames: 45 },
    ],
    bpp: 0.05,
  },
  // A near-still hand-held shot with a lower third sliding in and out and a picture in picture
  // popping on and off over it, one cut to a second such shot with a sliding one: one cut only.
  e_static: {
    cls: 'static',
    shots: grain(5, [
      { src: 'photo:mate.Garden@0.5,0.5', frames: 240, motion: 'drift' },
      { src: 'photo:ColdRipple@0.5,0.5', frames: 200, motion: 'drift' },
    ]),
    joins: [HARD],
    banners: [{ start: 20, frames: 90 }, { start: 270, frames: 100 }],
    pips: [
      { src: 'photo:Altai@0.5,0.5', motion: 'drift', start: 130, frames: 80 },
      { src: 'photo:Cascade@0.5,0.5', motion: 'drift', start: 380, frames: 50, slide: true },
    ],
    bpp: 0.04,
  },
} satisfies Record<string, VideoSpec>;
export type EditName = keyof typeof EDIT_SPECS;

/** The edit development set at one size (320x180@30 by default; 1280x720@30 and 1920x1080@30 for the bench). */
export function ensureEditSet(opts: SetOptions = {}): Promise<SceneSet<EditName>> {
  return ensureSet('devedit', EDIT_SPECS, { width: 320, height: 180, fps: 30, ...opts });
}
